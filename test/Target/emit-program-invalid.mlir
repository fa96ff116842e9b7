// What cim-translate --emit-program refuses, each error at the op (or
// value) at fault. -verify-diagnostics cannot see through the pipe that
// attaches the arch, so the messages are checked by line; no program file is
// left behind.
//
// RUN: cim-opt %s -split-input-file --cim-arch=%S/../Dialect/CIM/Inputs/tiny.yaml -mlir-print-debuginfo > %t.mlir
// RUN: rm -f %t.cimp
// RUN: not cim-translate --emit-program -split-input-file %t.mlir -o %t.cimp 2>&1 | FileCheck %s
// RUN: not test -e %t.cimp

// Ops the runtime has no instruction for: one error per op name, at the
// first op of that name, after all of them are found; a note points at the
// next op of the same name. Digital ops the vector unit's generic cannot
// express say why, each at its op.
#id = affine_map<(d0, d1) -> (d0, d1)>
#half = affine_map<(d0, d1) -> (d0, d1 floordiv 2)>
func.func @unsupported(%x: tensor<2x4xf32>, %f: f32) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x6xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xi32>, tensor<2x4xi32>) {
  %init = tensor.empty() : tensor<2x4xf32>
  // CHECK: emit-program-invalid.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'math.sin' in the body of 'linalg.generic' has no runtime scalar operation (docs/isa.md, generic)
  %sin = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%init : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sin %in : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>
  // CHECK: emit-program-invalid.mlir:[[@LINE+1]]:{{[0-9]+}}: error: indexing map affine_map<(d0, d1) -> (d0, d1 floordiv 2)> of operand #0 is not linear in the loop indices; the runtime's generic reaches operands by strides (docs/isa.md)
  %div = linalg.generic {indexing_maps = [#half, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%init : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x4xf32>
  // CHECK: emit-program-invalid.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'tensor.pad' must pad with a constant to run on the runtime
  %pad = tensor.pad %x low[0, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %f : f32
  } : tensor<2x4xf32> to tensor<2x6xf32>
  // CHECK: emit-program-invalid.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'linalg.generic' reads the contents of a tensor.empty
  %empty = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%init : tensor<2x4xf32>) outs(%init : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x4xf32>
  // CHECK: emit-program-invalid.mlir:[[@LINE+1]]:{{[0-9]+}}: error: 'arith.addf' in the body of 'linalg.generic' reads a value computed outside the body that is not a constant
  %captured = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%init : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>
  // CHECK: emit-program-invalid.mlir:[[@LINE+2]]:{{[0-9]+}}: error: 'tensor.bitcast' has no runtime instruction yet (see docs/isa.md)
  // CHECK: emit-program-invalid.mlir:[[@LINE+2]]:{{[0-9]+}}: note: 1 more 'tensor.bitcast' op, the next one here
  %b = tensor.bitcast %x : tensor<2x4xf32> to tensor<2x4xi32>
  %b2 = tensor.bitcast %x : tensor<2x4xf32> to tensor<2x4xi32>
  // CHECK-NOT: error:
  return %sin, %div, %pad, %empty, %captured, %b, %b2 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x6xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xi32>, tensor<2x4xi32>
}

// -----

// A product the mapping passes have not lowered yet.
// CHECK: emit-program-invalid.mlir:[[@LINE+3]]:{{[0-9]+}}: error: 'cim.crossbar_matmul' is not mapped to arrays yet: run the mapping pipeline (cim-opt --cim-pipeline="arch=...") first
func.func @unmapped(%x: tensor<2x4xi8>) -> tensor<2x1xi32> {
  %w = arith.constant dense<[[1], [2], [3], [4]]> : tensor<4x1xi8>
  %y = cim.crossbar_matmul %x, %w {cim.weight_bits = 4 : i64} : tensor<2x4xi8>, tensor<4x1xi8> -> tensor<2x1xi32>
  return %y : tensor<2x1xi32>
}

// -----

// Placed and converted, but not routed and scheduled: the first op without
// a core is named, with the count.
// CHECK: emit-program-invalid.mlir:[[@LINE+4]]:{{[0-9]+}}: error: 'xbar.mvm' has no 'xbar.core' or 'xbar.order': run xbar-route and xbar-schedule first (2 ops lack them)
func.func @unscheduled(%x: tensor<2x4xi8>) -> tensor<2x1xi32> {
  %levels = arith.constant dense<[[3], [3], [2], [0]]> : tensor<4x1xi8>
  xbar.program %levels into <chip = 0, tile = 0, core = 0, array = 0> at [0, 0] {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<4x1xi8>
  %s = xbar.mvm %x on <chip = 0, tile = 0, core = 0, array = 0> at [0, 0] {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>} : tensor<2x4xi8> -> tensor<2x1xi32>
  %y = cim.accumulate %s, %s : tensor<2x1xi32>
  return %y : tensor<2x1xi32>
}

// -----

// The runtime quantises with one scale per tensor.
// CHECK: emit-program-invalid.mlir:[[@LINE+2]]:{{[0-9]+}}: error: per-axis 'cim.quantize' (2 scales) has no runtime instruction yet (see docs/isa.md); the runtime quantises with one scale per tensor
func.func @per_axis(%x: tensor<2x2xf32>) -> tensor<2x2xi8> {
  %q = cim.quantize %x bits 4 scales [0.5, 0.25] axis 1 {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<2x2xf32> -> tensor<2x2xi8>
  return %q : tensor<2x2xi8>
}

// -----

// A transfer runs on its destination core.
// CHECK: emit-program-invalid.mlir:[[@LINE+2]]:{{[0-9]+}}: error: transfers to #xbar.core<chip = 0, tile = 1, core = 0> but runs on #xbar.core<chip = 0, tile = 0, core = 0> ('xbar.core'): a transfer runs on its destination
func.func @transfer_core(%x: tensor<2x4xi8>) -> tensor<2x4xi8> {
  %t = xbar.transfer %x from <chip = 0, tile = 0, core = 0> to <chip = 0, tile = 1, core = 0> hops 1 chip_hops 0 {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<2x4xi8>
  return %t : tensor<2x4xi8>
}

// -----

// Two ops at one position of a core's stream.
// CHECK: emit-program-invalid.mlir:[[@LINE+4]]:{{[0-9]+}}: error: shares position 0 ('xbar.order') of core (chip 0, tile 0, core 0) with another op; run xbar-schedule
// CHECK: emit-program-invalid.mlir:[[@LINE+2]]:{{[0-9]+}}: note: the other op
func.func @same_order(%x: tensor<2x4xi32>) -> tensor<2x4xi32> {
  %a = cim.accumulate %x, %x {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<2x4xi32>
  %b = cim.accumulate %a, %x {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<2x4xi32>
  return %b : tensor<2x4xi32>
}

// -----

// The emitted program is validated like a loaded one; the message lands on
// the op of the instruction it names. Here the product reads cells nothing
// programmed.
// CHECK: emit-program-invalid.mlir:[[@LINE+2]]:{{[0-9]+}}: error: the emitted program is invalid: core (chip 0, tile 0, core 0) instruction 0 (mvm): reads cell (0, 0) of array 0 of core (chip 0, tile 0, core 0), which no earlier program instruction wrote
func.func @unprogrammed(%x: tensor<2x4xi8>) -> tensor<2x1xi32> {
  %s = xbar.mvm %x on <chip = 0, tile = 0, core = 0, array = 0> at [0, 0] {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<2x4xi8> -> tensor<2x1xi32>
  return %s : tensor<2x1xi32>
}

// -----

// Element types without a runtime representation.
// CHECK: emit-program-invalid.mlir:[[@LINE+1]]:{{[0-9]+}}: error: values of type 'tensor<2x2xf16>' have no runtime representation (static tensors of i1, i8, i16, i32, i64, f32 or f64 only)
func.func @half(%x: tensor<2x2xf16>) -> tensor<2x2xi8> {
  %q = cim.quantize %x bits 4 scales [0.5] {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<2x2xf16> -> tensor<2x2xi8>
  return %q : tensor<2x2xi8>
}

// -----

// CHECK: emit-program-invalid.mlir:[[@LINE+2]]:{{[0-9]+}}: error: values of type 'tensor<bf16>' have no runtime representation (static tensors of i1, i8, i16, i32, i64, f32 or f64 only)
func.func @double_scale(%acc: tensor<2x2xi32>) -> tensor<2x2xf32> {
  %s = arith.constant dense<2.0> : tensor<bf16>
  %y = cim.rescale %acc, %s weight_scales [1.0, 1.0] {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<2x2xi32>, tensor<bf16> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Constant data that is not in the module.
// CHECK: emit-program-invalid.mlir:[[@LINE+2]]:{{[0-9]+}}: error: the data of dense_resource '__elided__' is not in the module (elided?)
func.func @elided(%x: tensor<2xi32>) -> tensor<2xi32> {
  %c = arith.constant dense_resource<__elided__> : tensor<2xi32>
  %y = cim.accumulate %x, %c {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<2xi32>
  return %y : tensor<2xi32>
}

// -----

// Which function is the program?
// CHECK: error: expected a function named 'main' or a single function to emit as the program, found 2 functions
func.func @first(%x: tensor<2xi32>) -> tensor<2xi32> {
  return %x : tensor<2xi32>
}
func.func @second(%x: tensor<2xi32>) -> tensor<2xi32> {
  return %x : tensor<2xi32>
}
