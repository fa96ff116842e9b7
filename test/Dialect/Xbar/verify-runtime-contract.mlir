// RUN: cim-opt %s -split-input-file --cim-arch=%S/../CIM/Inputs/tiny.yaml --xbar-route --xbar-schedule --xbar-verify-runtime-contract -verify-diagnostics | FileCheck %s

// Digital ops the vector unit runs pass, and the IR is left as it was:
// a constant pad, an elementwise body with broadcasting, a reduction into
// a filled init, a transpose and a reshape.
// CHECK-LABEL: func.func @digital
// CHECK: tensor.pad
// CHECK: linalg.generic
// CHECK: linalg.fill
// CHECK: linalg.reduce
// CHECK: linalg.transpose
// CHECK: tensor.collapse_shape
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @digital(%x: tensor<2x4xf32>, %b: tensor<6xf32>) -> tensor<12xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<2x4xf32> to tensor<2x6xf32>
  %e = tensor.empty() : tensor<2x6xf32>
  %relu = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%p, %b : tensor<2x6xf32>, tensor<6xf32>) outs(%e : tensor<2x6xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x6xf32>
  %acc0 = tensor.empty() : tensor<2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%acc0 : tensor<2xf32>) -> tensor<2xf32>
  %sum = linalg.reduce ins(%relu : tensor<2x6xf32>) outs(%acc : tensor<2xf32>) dimensions = [1]
    (%in: f32, %init: f32) {
      %a = arith.addf %in, %init : f32
      linalg.yield %a : f32
    }
  %te = tensor.empty() : tensor<6x2xf32>
  %t = linalg.transpose ins(%relu : tensor<2x6xf32>) outs(%te : tensor<6x2xf32>) permutation = [1, 0]
  %flat = tensor.collapse_shape %t [[0, 1]] : tensor<6x2xf32> into tensor<12xf32>
  return %flat : tensor<12xf32>
}

// -----

// A body op without a scalar counterpart on the vector unit.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @sine(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  // expected-error @+1 {{'math.sin' in the body of 'linalg.generic' has no runtime scalar operation (docs/isa.md, generic)}}
  %s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.sin %in : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// -----

// An aggregated op left undecomposed (cim-convert-linalg decomposes it in
// the pipeline).
func.func @softmax(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  // expected-error @+1 {{'linalg.softmax' has no runtime instruction yet (see docs/isa.md)}}
  %s = linalg.softmax dimension(1) ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// -----

// A matrix product the mapping passes have not lowered.
func.func @unmapped(%x: tensor<2x4xi8>) -> tensor<2x1xi32> {
  %w = arith.constant dense<[[1], [2], [3], [4]]> : tensor<4x1xi8>
  // expected-error @+1 {{'cim.crossbar_matmul' is not mapped to arrays yet: run the mapping pipeline (cim-opt --cim-pipeline="arch=...") first}}
  %y = cim.crossbar_matmul %x, %w {cim.weight_bits = 4 : i64} : tensor<2x4xi8>, tensor<4x1xi8> -> tensor<2x1xi32>
  return %y : tensor<2x1xi32>
}
