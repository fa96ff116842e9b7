// Quantisation of constants folds at compile time with the op's exact
// semantics: round half to even, clamp to the symmetric narrow range.
// RUN: cim-opt %s --canonicalize | FileCheck %s

// CHECK-LABEL: func.func @quantize_per_tensor
func.func @quantize_per_tensor() -> tensor<8xi8> {
  // 4 bits: levels -7..7. 1.2 -> 1, 400 -> 7 (clamped), 0.5 -> 0 and
  // 2.5 -> 2 (ties to even), 1.5 -> 2.
  // CHECK: %[[C:.*]] = arith.constant dense<[1, -1, 4, 7, 0, 2, 2, -7]> : tensor<8xi8>
  // CHECK-NOT: cim.quantize
  // CHECK: return %[[C]]
  %c = arith.constant dense<[0.3, -0.3, 1.0, 100.0, 0.125, 0.375, 0.625, -100.0]> : tensor<8xf32>
  %q = cim.quantize %c bits 4 scales [0.25] : tensor<8xf32> -> tensor<8xi8>
  return %q : tensor<8xi8>
}

// CHECK-LABEL: func.func @quantize_per_channel
func.func @quantize_per_channel() -> tensor<2x2xi8> {
  // CHECK: arith.constant dense<{{\[}}[2, 4], [4, 8]]> : tensor<2x2xi8>
  %c = arith.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %q = cim.quantize %c bits 8 scales [0.5, 0.25] axis 1 : tensor<2x2xf32> -> tensor<2x2xi8>
  return %q : tensor<2x2xi8>
}

// CHECK-LABEL: func.func @quantize_splat_per_channel
func.func @quantize_splat_per_channel() -> tensor<2x3xi8> {
  // CHECK: arith.constant dense<{{\[}}[3, 3, 3], [6, 6, 6]]> : tensor<2x3xi8>
  %c = arith.constant dense<3.0> : tensor<2x3xf32>
  %q = cim.quantize %c bits 8 scales [1.0, 0.5] axis 0 : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// CHECK-LABEL: func.func @dequantize
func.func @dequantize() -> tensor<3xf32> {
  // CHECK: arith.constant dense<[5.000000e-01, -1.000000e+00, 1.500000e+00]> : tensor<3xf32>
  %c = arith.constant dense<[1, -2, 3]> : tensor<3xi8>
  %d = cim.dequantize %c bits 8 scales [0.5] : tensor<3xi8> -> tensor<3xf32>
  return %d : tensor<3xf32>
}

// A constant outside `bits` breaks the op's contract: it is not folded.
// CHECK-LABEL: func.func @dequantize_out_of_range
func.func @dequantize_out_of_range() -> tensor<1xf32> {
  // CHECK: cim.dequantize
  %c = arith.constant dense<[100]> : tensor<1xi8>
  %d = cim.dequantize %c bits 4 scales [0.5] : tensor<1xi8> -> tensor<1xf32>
  return %d : tensor<1xf32>
}

// Non-constant input: nothing to fold.
// CHECK-LABEL: func.func @no_fold
func.func @no_fold(%x: tensor<3xf32>) -> tensor<3xi8> {
  // CHECK: cim.quantize
  %q = cim.quantize %x bits 8 scales [0.5] : tensor<3xf32> -> tensor<3xi8>
  return %q : tensor<3xi8>
}
