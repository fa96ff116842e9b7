// Round trip of every xbar op and attribute, with and without an arch.
// RUN: cim-opt %s | cim-opt | FileCheck %s
// RUN: cim-opt %s --mlir-print-op-generic | cim-opt | FileCheck %s
// RUN: cim-opt %s --cim-arch=isaac | cim-opt | FileCheck %s

// CHECK-LABEL: func.func @program_and_mvm
// CHECK-SAME: (%[[X:.*]]: tensor<128xi8>)
func.func @program_and_mvm(%x: tensor<128xi8>) -> tensor<32xi32> {
  // CHECK: %[[L:.*]] = arith.constant dense<3> : tensor<128x32xi8>
  %levels = arith.constant dense<3> : tensor<128x32xi8>
  // The prefix of an attribute of a known kind is elided when printed.
  // CHECK: xbar.program %[[L]] into <chip = 0, tile = 167, core = 11, array = 7> at [0, 96] : tensor<128x32xi8>
  xbar.program %levels into <chip = 0, tile = 167, core = 11, array = 7> at [0, 96] : tensor<128x32xi8>
  // CHECK: xbar.mvm %[[X]] on <chip = 0, tile = 167, core = 11, array = 7> at [0, 96] : tensor<128xi8> -> tensor<32xi32>
  %sums = xbar.mvm %x on #xbar.array<chip = 0, tile = 167, core = 11, array = 7> at [0, 96] : tensor<128xi8> -> tensor<32xi32>
  return %sums : tensor<32xi32>
}

// A program has effects: it survives even when nothing reads the array.
// CHECK-LABEL: func.func @program_is_kept
func.func @program_is_kept() {
  %levels = arith.constant dense<1> : tensor<4x4xi8>
  // CHECK: xbar.program
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<4x4xi8>
  return
}
