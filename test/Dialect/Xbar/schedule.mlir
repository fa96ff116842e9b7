// RUN: cim-opt %s -split-input-file --cim-arch=%S/../CIM/Inputs/tiny.yaml --xbar-route --xbar-schedule -verify-diagnostics | FileCheck %s

// Programs (with the levels they write) move to the start; every other op
// gets its position in its core's stream.
// CHECK: xbar.schedule = {cores_used = 2 : i64, instructions = 7 : i64, max_core_instructions = 4 : i64, programs = 1 : i64}
// CHECK-LABEL: func.func @order
// CHECK-NEXT: arith.constant dense<{{\[}}[3], [3], [2], [0]]> : tensor<4x1xi8>
// CHECK-NEXT: xbar.program {{.*}} {xbar.core = #xbar.core<chip = 0, tile = 3, core = 0>, xbar.order = 0 : i64}
// CHECK-NEXT: cim.quantize {{.*}} {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64}
// CHECK-NEXT: xbar.transfer {{.*}} {xbar.core = #xbar.core<chip = 0, tile = 3, core = 0>, xbar.order = 1 : i64}
// CHECK-NEXT: xbar.mvm {{.*}} {xbar.core = #xbar.core<chip = 0, tile = 3, core = 0>, xbar.order = 2 : i64}
// CHECK-NEXT: arith.constant dense<1>
// CHECK-NEXT: cim.accumulate {{.*}} {xbar.core = #xbar.core<chip = 0, tile = 3, core = 0>, xbar.order = 3 : i64}
// CHECK-NEXT: xbar.transfer {{.*}} {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 1 : i64}
// CHECK-NEXT: return {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 2 : i64}
func.func @order(%x: tensor<2x4xf32>) -> tensor<2x1xi32> {
  %q = cim.quantize %x bits 4 scales [0.5] : tensor<2x4xf32> -> tensor<2x4xi8>
  %levels = arith.constant dense<[[3], [3], [2], [0]]> : tensor<4x1xi8>
  xbar.program %levels into #xbar.array<chip = 0, tile = 3, core = 0, array = 1> at [0, 0] : tensor<4x1xi8>
  %s = xbar.mvm %q on #xbar.array<chip = 0, tile = 3, core = 0, array = 1> at [0, 0] : tensor<2x4xi8> -> tensor<2x1xi32>
  %c = arith.constant dense<1> : tensor<2x1xi32>
  %y = cim.accumulate %c, %s : tensor<2x1xi32>
  return %y : tensor<2x1xi32>
}

// -----

// Two programs of the same levels (replicas): the constant moves once and
// stays before both.
// CHECK-LABEL: func.func @replicas
// CHECK-NEXT: %[[L:.*]] = arith.constant
// CHECK-NEXT: xbar.program %[[L]] into <chip = 0, tile = 0, core = 0, array = 0>
// CHECK-NEXT: xbar.program %[[L]] into <chip = 0, tile = 1, core = 0, array = 0>
func.func @replicas(%x: tensor<2x4xi8>) -> (tensor<2x1xi32>, tensor<2x1xi32>) {
  %levels = arith.constant dense<[[3], [3], [2], [0]]> : tensor<4x1xi8>
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<4x1xi8>
  %a = xbar.mvm %x on #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<2x4xi8> -> tensor<2x1xi32>
  xbar.program %levels into #xbar.array<chip = 0, tile = 1, core = 0, array = 0> at [0, 0] : tensor<4x1xi8>
  %b = xbar.mvm %x on #xbar.array<chip = 0, tile = 1, core = 0, array = 0> at [0, 0] : tensor<2x4xi8> -> tensor<2x1xi32>
  return %a, %b : tensor<2x1xi32>, tensor<2x1xi32>
}
