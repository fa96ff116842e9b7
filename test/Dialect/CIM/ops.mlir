// Round trip of every cim op and attribute, in custom and generic form.
// RUN: cim-opt %s | cim-opt | FileCheck %s
// RUN: cim-opt %s --mlir-print-op-generic | cim-opt | FileCheck %s

// CHECK-LABEL: func.func @crossbar_matmul_float
// CHECK-SAME: (%[[X:.*]]: tensor<4x16xf32>)
func.func @crossbar_matmul_float(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
  // CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<16x8xf32>
  %w = arith.constant dense<0.5> : tensor<16x8xf32>
  // CHECK: cim.crossbar_matmul %[[X]], %[[W]] : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @crossbar_matmul_integer
func.func @crossbar_matmul_integer(%x: tensor<1x16xi8>) -> tensor<1x8xi32> {
  %w = arith.constant dense<3> : tensor<16x8xi8>
  // CHECK: cim.crossbar_matmul %{{.*}}, %{{.*}} : tensor<1x16xi8>, tensor<16x8xi8> -> tensor<1x8xi32>
  %y = cim.crossbar_matmul %x, %w : tensor<1x16xi8>, tensor<16x8xi8> -> tensor<1x8xi32>
  return %y : tensor<1x8xi32>
}

// A weight computed from constants (here a transpose) is still stationary.
// CHECK-LABEL: func.func @stationary_through_pure_ops
func.func @stationary_through_pure_ops(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %c = arith.constant dense<1.0> : tensor<3x4xf32>
  %init = tensor.empty() : tensor<4x3xf32>
  %t = linalg.transpose ins(%c : tensor<3x4xf32>) outs(%init : tensor<4x3xf32>) permutation = [1, 0]
  %q = cim.quantize %c bits 8 scales [0.5] : tensor<3x4xf32> -> tensor<3x4xi8>
  // CHECK: cim.crossbar_matmul
  %y = cim.crossbar_matmul %x, %t : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @quantize
// CHECK-SAME: (%[[A:.*]]: tensor<4x2xf32>, %[[B:.*]]: tensor<4x2xi8>)
func.func @quantize(%a: tensor<4x2xf32>, %b: tensor<4x2xi8>) -> (tensor<4x2xi8>, tensor<4x2xi16>, tensor<4x2xf32>, tensor<4x2xf16>) {
  // CHECK: cim.quantize %[[A]] bits 8 scales [0.25] : tensor<4x2xf32> -> tensor<4x2xi8>
  %0 = cim.quantize %a bits 8 scales [0.25] : tensor<4x2xf32> -> tensor<4x2xi8>
  // CHECK: cim.quantize %[[A]] bits 12 scales [0.1, 0.2] axis 1 : tensor<4x2xf32> -> tensor<4x2xi16>
  %1 = cim.quantize %a bits 12 scales [0.1, 0.2] axis 1 : tensor<4x2xf32> -> tensor<4x2xi16>
  // CHECK: cim.dequantize %[[B]] bits 8 scales [1.0, 2.0, 3.0, 4.0] axis 0 : tensor<4x2xi8> -> tensor<4x2xf32>
  %2 = cim.dequantize %b bits 8 scales [1.0, 2.0, 3.0, 4.0] axis 0 : tensor<4x2xi8> -> tensor<4x2xf32>
  // CHECK: cim.dequantize %[[B]] bits 4 scales [0.5] : tensor<4x2xi8> -> tensor<4x2xf16>
  %3 = cim.dequantize %b bits 4 scales [0.5] : tensor<4x2xi8> -> tensor<4x2xf16>
  return %0, %1, %2, %3 : tensor<4x2xi8>, tensor<4x2xi16>, tensor<4x2xf32>, tensor<4x2xf16>
}

// Scales print with every digit a double needs, so a round trip through
// text keeps them exact.
// CHECK-LABEL: func.func @scale_precision
// CHECK: cim.quantize %{{.*}} bits 8 scales [0.0099999998498, 3.0] axis 1 : tensor<2x2xf32> -> tensor<2x2xi8>
func.func @scale_precision(%a: tensor<2x2xf32>) -> tensor<2x2xi8> {
  %0 = cim.quantize %a bits 8 scales [0.0099999998498, 3] axis 1 : tensor<2x2xf32> -> tensor<2x2xi8>
  return %0 : tensor<2x2xi8>
}
