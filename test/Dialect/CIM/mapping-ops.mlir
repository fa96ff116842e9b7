// Round trip of the ops the mapping passes introduce.
// RUN: cim-opt %s | cim-opt | FileCheck %s
// RUN: cim-opt %s --mlir-print-op-generic | cim-opt | FileCheck %s

// CHECK-LABEL: func.func @quantized_product
func.func @quantized_product(%x: tensor<4x64xf32>) -> tensor<4x2xf32> {
  // CHECK: %[[Q:.*]], %[[S:.*]] = cim.quantize_dynamic %{{.*}} bits 8 : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<f32>
  %q, %s = cim.quantize_dynamic %x bits 8 : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<f32>
  %w = arith.constant dense<1> : tensor<64x2xi8>
  // CHECK: %[[ACC:.*]] = cim.crossbar_matmul %[[Q]], %{{.*}} : tensor<4x64xi8>, tensor<64x2xi8> -> tensor<4x2xi32>
  %acc = cim.crossbar_matmul %q, %w : tensor<4x64xi8>, tensor<64x2xi8> -> tensor<4x2xi32>
  // CHECK: cim.rescale %[[ACC]], %[[S]] weight_scales [0.02, 0.04] : tensor<4x2xi32>, tensor<f32> -> tensor<4x2xf32>
  %y = cim.rescale %acc, %s weight_scales [0.02, 0.04] : tensor<4x2xi32>, tensor<f32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @convolution_pieces
func.func @convolution_pieces(%x: tensor<1x4x6x6xf32>, %a: tensor<4x4x3xf32>) -> (tensor<16x27xf32>, tensor<16x2x18xf32>, tensor<4x4x16xf32>) {
  // CHECK: cim.im2col %{{.*}} kernel [3, 3] strides [1, 1] dilations [1, 1] groups 1 : tensor<1x3x6x6xf32> -> tensor<16x27xf32>
  %x3 = tensor.extract_slice %x[0, 0, 0, 0] [1, 3, 6, 6] [1, 1, 1, 1] : tensor<1x4x6x6xf32> to tensor<1x3x6x6xf32>
  %c = cim.im2col %x3 kernel [3, 3] strides [1, 1] dilations [1, 1] groups 1 : tensor<1x3x6x6xf32> -> tensor<16x27xf32>
  // CHECK: cim.im2col %{{.*}} kernel [3, 3] strides [1, 1] dilations [1, 1] groups 2 : tensor<1x4x6x6xf32> -> tensor<16x2x18xf32>
  %g = cim.im2col %x kernel [3, 3] strides [1, 1] dilations [1, 1] groups 2 : tensor<1x4x6x6xf32> -> tensor<16x2x18xf32>
  // A reprogrammed product takes an activation as its weight.
  // CHECK: cim.crossbar_matmul %{{.*}}, %{{.*}} {reprogram} : tensor<4x4x3xf32>, tensor<4x3x16xf32> -> tensor<4x4x16xf32>
  %t = tensor.empty() : tensor<4x3x16xf32>
  %p = cim.crossbar_matmul %a, %t {reprogram} : tensor<4x4x3xf32>, tensor<4x3x16xf32> -> tensor<4x4x16xf32>
  return %c, %g, %p : tensor<16x27xf32>, tensor<16x2x18xf32>, tensor<4x4x16xf32>
}

// CHECK-LABEL: func.func @cells
func.func @cells(%x: tensor<4x128xi8>, %l: tensor<128x125xi8>, %p: tensor<4x31xi32>) -> (tensor<4x31xi32>) {
  // CHECK: %[[C:.*]] = cim.array_matmul %{{.*}}, %{{.*}} {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = false>} : tensor<4x128xi8>, tensor<128x125xi8> -> tensor<4x125xi32>
  %c = cim.array_matmul %x, %l {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = false>} : tensor<4x128xi8>, tensor<128x125xi8> -> tensor<4x125xi32>
  // CHECK: %[[Y:.*]] = cim.recombine %[[C]] {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = false>} : tensor<4x125xi32> -> tensor<4x31xi32>
  %y = cim.recombine %c {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = false>} : tensor<4x125xi32> -> tensor<4x31xi32>
  // CHECK: cim.accumulate %[[Y]], %{{.*}} : tensor<4x31xi32>
  %s = cim.accumulate %y, %p : tensor<4x31xi32>
  return %s : tensor<4x31xi32>
}
