// An mvm whose result is unused reads an array and nothing else: it goes;
// a program writes cells: it stays.
// RUN: cim-opt %s --canonicalize | FileCheck %s

// CHECK-LABEL: func.func @dead_mvm
func.func @dead_mvm(%x: tensor<4xi8>) {
  %levels = arith.constant dense<1> : tensor<4x4xi8>
  // CHECK: xbar.program
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<4x4xi8>
  // CHECK-NOT: xbar.mvm
  %unused = xbar.mvm %x on #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<4xi8> -> tensor<4xi32>
  return
}
