// cim-convert-linalg: stationary products become crossbar ops, convolutions
// im2col + crossbar, activation products get a path.
// RUN: cim-opt %s --cim-convert-linalg | FileCheck %s
// RUN: cim-opt %s --cim-convert-linalg=activation-products=digital | FileCheck %s --check-prefix=DIG
// RUN: cim-opt %s --cim-convert-linalg=activation-products=reprogram | FileCheck %s --check-prefix=REP
// RUN: cim-opt %s --cim-arch=isaac --cim-convert-linalg | FileCheck %s --check-prefix=ISAAC
//
// A machine like isaac but with one tile (12 cores), one vector lane per
// core and 1 pJ per digital op: the digital path gets slow and costly
// enough for large products.
// RUN: sed -e 's/tiles_per_chip: 168/tiles_per_chip: 1/' -e 's/lanes: 4 /lanes: 1 /' -e 's/energy_pj_per_op: 0.1 /energy_pj_per_op: 1.0 /' %arch_dir/isaac.yaml > %t.yaml
// RUN: cim-opt %s --cim-arch=%t.yaml --cim-convert-linalg | FileCheck %s --check-prefix=SLOW
//
// RUN: not cim-opt %s --cim-convert-linalg=activation-products=fast 2>&1 | FileCheck %s --check-prefix=BADOPT

// BADOPT: error: activation-products must be cost, digital or reprogram, got 'fast'

//===----------------------------------------------------------------------===//
// Matrix products with a stationary weight
//===----------------------------------------------------------------------===//

// The importer's zero fill goes away with the matmul.
// CHECK-LABEL: func.func @matmul_constant
// CHECK-SAME: (%[[X:.*]]: tensor<4x3xf32>)
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK-NOT: linalg.fill
// CHECK-NOT: tensor.empty
// CHECK: %[[Y:.*]] = cim.crossbar_matmul %[[X]], %[[W]] : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
// CHECK-NOT: linalg.matmul
// CHECK: return %[[Y]]
func.func @matmul_constant(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%acc : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// An accumulator that is not zero is added back after the crossbar.
// CHECK-LABEL: func.func @matmul_nonzero_init
// CHECK-SAME: (%[[X:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<4x2xf32>)
// CHECK: %[[P:.*]] = cim.crossbar_matmul %[[X]], %{{.*}} : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x2xf32>
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[P]], %[[B]] : tensor<4x2xf32>, tensor<4x2xf32>) outs(%[[E]] : tensor<4x2xf32>)
// CHECK: arith.addf
// The same with a fill of one.
// CHECK: %[[ONES:.*]] = linalg.fill
// CHECK: %[[P2:.*]] = cim.crossbar_matmul
// CHECK: %[[S2:.*]] = linalg.generic {{.*}} ins(%[[P2]], %[[ONES]] : tensor<4x2xf32>, tensor<4x2xf32>)
// CHECK: return %[[S]], %[[S2]]
func.func @matmul_nonzero_init(%x: tensor<4x3xf32>, %b: tensor<4x2xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = arith.constant dense<1.0> : tensor<3x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%b : tensor<4x2xf32>) -> tensor<4x2xf32>
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %acc = linalg.fill ins(%one : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %z = linalg.matmul ins(%x, %w : tensor<4x3xf32>, tensor<3x2xf32>) outs(%acc : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y, %z : tensor<4x2xf32>, tensor<4x2xf32>
}

// A transposed constant (Gemm transB on a computed weight) folds into a new
// constant: [[1,2,3],[4,5,6]]^T (the transpose stays for its other user).
// Arithmetic over constants stays as it is:
// it is stationary, so the crossbar takes it.
// CHECK-LABEL: func.func @matmul_stationary
// CHECK: %[[WT:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: cim.crossbar_matmul %{{.*}}, %[[WT]] : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
// CHECK: %[[SCALED:.*]] = linalg.generic
// CHECK: arith.mulf
// CHECK: cim.crossbar_matmul %{{.*}}, %[[SCALED]] : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
func.func @matmul_stationary(%x: tensor<4x3xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %c = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %wt = linalg.transpose ins(%c : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<4x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%o : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<4x3xf32>, tensor<3x2xf32>) outs(%acc : tensor<4x2xf32>) -> tensor<4x2xf32>
  %scaled = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%wt : tensor<3x2xf32>) outs(%e : tensor<3x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %two = arith.constant 2.0 : f32
    %m = arith.mulf %in, %two : f32
    linalg.yield %m : f32
  } -> tensor<3x2xf32>
  %z = linalg.matmul ins(%x, %scaled : tensor<4x3xf32>, tensor<3x2xf32>) outs(%acc : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %y, %z : tensor<4x2xf32>, tensor<4x2xf32>
}

// All batches of the constant are one matrix: the batch folds into rows.
// CHECK-LABEL: func.func @batch_matmul_same
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x2xf32>)
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2]] : tensor<2x3x2xf32> into tensor<6x2xf32>
// CHECK: %[[P:.*]] = cim.crossbar_matmul %[[R]], %[[W]] : tensor<6x2xf32>, tensor<2x2xf32> -> tensor<6x2xf32>
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[P]] {{\[}}[0, 1], [2]] output_shape [2, 3, 2] : tensor<6x2xf32> into tensor<2x3x2xf32>
// CHECK: return %[[Y]]
func.func @batch_matmul_same(%a: tensor<2x3x2xf32>) -> tensor<2x3x2xf32> {
  %w = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]]]> : tensor<2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %y = linalg.batch_matmul ins(%a, %w : tensor<2x3x2xf32>, tensor<2x2x2xf32>) outs(%acc : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  return %y : tensor<2x3x2xf32>
}

// The importer broadcasts a [1, K, N] MatMul weight with a linalg.generic:
// seen through, it is one matrix.
// CHECK-LABEL: func.func @batch_matmul_broadcast
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT: linalg.generic
// CHECK: cim.crossbar_matmul %{{.*}}, %[[W]] : tensor<6x2xf32>, tensor<2x2xf32> -> tensor<6x2xf32>
func.func @batch_matmul_broadcast(%a: tensor<2x3x2xf32>) -> tensor<2x3x2xf32> {
  %c = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0]]]> : tensor<1x2x2xf32>
  %b = tensor.empty() : tensor<2x2x2xf32>
  %w = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%c : tensor<1x2x2xf32>) outs(%b : tensor<2x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %y = linalg.batch_matmul ins(%a, %w : tensor<2x3x2xf32>, tensor<2x2x2xf32>) outs(%acc : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  return %y : tensor<2x3x2xf32>
}

// Different matrices per batch: one group each, [G, M, K] -> [M, G, K].
// CHECK-LABEL: func.func @batch_matmul_grouped
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x2xf32>)
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]], {{\[\[}}5.000000e+00, 6.000000e+00], [7.000000e+00, 8.000000e+00]]]> : tensor<2x2x2xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[A]] : tensor<2x3x2xf32>) outs(%{{.*}} : tensor<3x2x2xf32>) permutation = [1, 0, 2]
// CHECK: %[[P:.*]] = cim.crossbar_matmul %[[T]], %[[W]] : tensor<3x2x2xf32>, tensor<2x2x2xf32> -> tensor<3x2x2xf32>
// CHECK: %[[Y:.*]] = linalg.transpose ins(%[[P]] : tensor<3x2x2xf32>) outs(%{{.*}} : tensor<2x3x2xf32>) permutation = [1, 0, 2]
// CHECK: return %[[Y]]
func.func @batch_matmul_grouped(%a: tensor<2x3x2xf32>) -> tensor<2x3x2xf32> {
  %w = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]> : tensor<2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %y = linalg.batch_matmul ins(%a, %w : tensor<2x3x2xf32>, tensor<2x2x2xf32>) outs(%acc : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  return %y : tensor<2x3x2xf32>
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

// Stride 2, dilation 2: the dilated kernel spans 5, (11 - 5) / 2 + 1 = 4.
// CHECK-LABEL: func.func @conv2d_strided_dilated
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x11x11xf32>)
// CHECK: %[[W:.*]] = arith.constant dense<5.000000e-01> : tensor<27x4xf32>
// CHECK: %[[C:.*]] = cim.im2col %[[X]] kernel [3, 3] strides [2, 2] dilations [2, 2] groups 1 : tensor<1x3x11x11xf32> -> tensor<16x27xf32>
// CHECK: %[[P:.*]] = cim.crossbar_matmul %[[C]], %[[W]] : tensor<16x27xf32>, tensor<27x4xf32> -> tensor<16x4xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[P]] {{\[}}[0, 1, 2], [3]] output_shape [1, 4, 4, 4] : tensor<16x4xf32> into tensor<1x4x4x4xf32>
// CHECK: %[[Y:.*]] = linalg.transpose ins(%[[E]] : tensor<1x4x4x4xf32>) outs(%{{.*}} : tensor<1x4x4x4xf32>) permutation = [0, 3, 1, 2]
// CHECK-NOT: linalg.conv
// CHECK: return %[[Y]]
func.func @conv2d_strided_dilated(%x: tensor<1x3x11x11xf32>) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x3x11x11xf32>, tensor<4x3x3x3xf32>) outs(%acc : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// Weights W[f][c][kh][kw] = 1 + 8f + 4c + 2kh + kw: row c*4 + kh*2 + kw of
// the matrix is [W[0][c][kh][kw], W[1][c][kh][kw]] = [r + 1, r + 9]. Strides
// [1, 2] for a non-square output: 2 x 1.
// CHECK-LABEL: func.func @conv2d_weight_order
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 9.000000e+00], [2.000000e+00, 1.000000e+01], [3.000000e+00, 1.100000e+01], [4.000000e+00, 1.200000e+01], [5.000000e+00, 1.300000e+01], [6.000000e+00, 1.400000e+01], [7.000000e+00, 1.500000e+01], [8.000000e+00, 1.600000e+01]]> : tensor<8x2xf32>
// CHECK: %[[C:.*]] = cim.im2col %{{.*}} kernel [2, 2] strides [1, 2] dilations [1, 1] groups 1 : tensor<1x2x3x3xf32> -> tensor<2x8xf32>
// CHECK: cim.crossbar_matmul %[[C]], %[[W]] : tensor<2x8xf32>, tensor<8x2xf32> -> tensor<2x2xf32>
// CHECK: tensor.expand_shape {{.*}} output_shape [1, 2, 1, 2] : tensor<2x2xf32> into tensor<1x2x1x2xf32>
// CHECK: linalg.transpose {{.*}} outs(%{{.*}} : tensor<1x2x2x1xf32>) permutation = [0, 3, 1, 2]
func.func @conv2d_weight_order(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x2x1xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]], [[[9.0, 10.0], [11.0, 12.0]], [[13.0, 14.0], [15.0, 16.0]]]]> : tensor<2x2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x1xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%x, %w : tensor<1x2x3x3xf32>, tensor<2x2x2x2xf32>) outs(%acc : tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// 1-D, batch 2, with the bias as the accumulator: added back in NCW.
// W[f][c][k] = 1 + 4f + 2c + k: row c*2 + k is [r + 1, r + 5].
// CHECK-LABEL: func.func @conv1d
// CHECK-SAME: (%[[X:.*]]: tensor<2x2x5xf32>, %[[B:.*]]: tensor<2x2x2xf32>)
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 5.000000e+00], [2.000000e+00, 6.000000e+00], [3.000000e+00, 7.000000e+00], [4.000000e+00, 8.000000e+00]]> : tensor<4x2xf32>
// CHECK: %[[C:.*]] = cim.im2col %[[X]] kernel [2] strides [3] dilations [1] groups 1 : tensor<2x2x5xf32> -> tensor<4x4xf32>
// CHECK: %[[P:.*]] = cim.crossbar_matmul %[[C]], %[[W]] : tensor<4x4xf32>, tensor<4x2xf32> -> tensor<4x2xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[P]] {{\[}}[0, 1], [2]] output_shape [2, 2, 2] : tensor<4x2xf32> into tensor<2x2x2xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[E]] : tensor<2x2x2xf32>) outs(%{{.*}} : tensor<2x2x2xf32>) permutation = [0, 2, 1]
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[T]], %[[B]] : tensor<2x2x2xf32>, tensor<2x2x2xf32>)
// CHECK: return %[[Y]]
func.func @conv1d(%x: tensor<2x2x5xf32>, %b: tensor<2x2x2xf32>) -> tensor<2x2x2xf32> {
  %w = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]> : tensor<2x2x2xf32>
  %y = linalg.conv_1d_ncw_fcw {dilations = dense<1> : tensor<1xi64>, strides = dense<3> : tensor<1xi64>} ins(%x, %w : tensor<2x2x5xf32>, tensor<2x2x2xf32>) outs(%b : tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  return %y : tensor<2x2x2xf32>
}

// Grouped, as the importer writes it: the input's expand_shape is looked
// through (im2col reads the 4-D input), the result keeps its collapse.
// CHECK-LABEL: func.func @conv_grouped
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x5x5xf32>)
// CHECK: %[[W:.*]] = arith.constant dense<2.500000e-01> : tensor<2x18x3xf32>
// CHECK-NOT: tensor.expand_shape %[[X]]
// CHECK: %[[C:.*]] = cim.im2col %[[X]] kernel [3, 3] strides [1, 1] dilations [1, 1] groups 2 : tensor<1x4x5x5xf32> -> tensor<9x2x18xf32>
// CHECK: %[[P:.*]] = cim.crossbar_matmul %[[C]], %[[W]] : tensor<9x2x18xf32>, tensor<2x18x3xf32> -> tensor<9x2x3xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[P]] {{\[}}[0, 1, 2], [3], [4]] output_shape [1, 3, 3, 2, 3] : tensor<9x2x3xf32> into tensor<1x3x3x2x3xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[E]] : tensor<1x3x3x2x3xf32>) outs(%{{.*}} : tensor<1x2x3x3x3xf32>) permutation = [0, 3, 4, 1, 2]
// CHECK: %[[Y:.*]] = tensor.collapse_shape %[[T]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x3x3x3xf32> into tensor<1x6x3x3xf32>
// CHECK: return %[[Y]]
func.func @conv_grouped(%x: tensor<1x4x5x5xf32>) -> tensor<1x6x3x3xf32> {
  %w = arith.constant dense<0.25> : tensor<2x3x2x3x3xf32>
  %g = tensor.expand_shape %x [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 5, 5] : tensor<1x4x5x5xf32> into tensor<1x2x2x5x5xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x3x3x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x3x3xf32>) -> tensor<1x2x3x3x3xf32>
  %c = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%g, %w : tensor<1x2x2x5x5xf32>, tensor<2x3x2x3x3xf32>) outs(%acc : tensor<1x2x3x3x3xf32>) -> tensor<1x2x3x3x3xf32>
  %y = tensor.collapse_shape %c [[0], [1, 2], [3], [4]] : tensor<1x2x3x3x3xf32> into tensor<1x6x3x3xf32>
  return %y : tensor<1x6x3x3xf32>
}

// Grouped weights W[g][f][0][0][kw] = 1 + 4g + 2f + kw: group g's matrix
// is [kw][f] = W[g][f][0][0][kw]. A 5-D input not made by an expand_shape
// is collapsed to N x C x H x W.
// CHECK-LABEL: func.func @conv_grouped_weight_order
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x1x1x3xf32>)
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x1x1x3xf32> into tensor<1x2x1x3xf32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]], {{\[\[}}5.000000e+00, 7.000000e+00], [6.000000e+00, 8.000000e+00]]]> : tensor<2x2x2xf32>
// CHECK: %[[C:.*]] = cim.im2col %[[F]] kernel [1, 2] strides [1, 1] dilations [1, 1] groups 2 : tensor<1x2x1x3xf32> -> tensor<2x2x2xf32>
// CHECK: cim.crossbar_matmul %[[C]], %[[W]] : tensor<2x2x2xf32>, tensor<2x2x2xf32> -> tensor<2x2x2xf32>
func.func @conv_grouped_weight_order(%x: tensor<1x2x1x1x3xf32>) -> tensor<1x2x2x1x2xf32> {
  %w = arith.constant dense<[[[[[1.0, 2.0]]], [[[3.0, 4.0]]]], [[[[5.0, 6.0]]], [[[7.0, 8.0]]]]]> : tensor<2x2x1x1x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x1x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x1x2xf32>) -> tensor<1x2x2x1x2xf32>
  %y = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x1x1x3xf32>, tensor<2x2x1x1x2xf32>) outs(%acc : tensor<1x2x2x1x2xf32>) -> tensor<1x2x2x1x2xf32>
  return %y : tensor<1x2x2x1x2xf32>
}

// Depthwise: one group per channel, one filter each; W[c][kh][kw] =
// 1 + 4c + 2kh + kw stays in order as the column of group c.
// CHECK-LABEL: func.func @conv_depthwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>)
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1.000000e+00], [2.000000e+00], [3.000000e+00], [4.000000e+00]], {{\[\[}}5.000000e+00], [6.000000e+00], [7.000000e+00], [8.000000e+00]]]> : tensor<2x4x1xf32>
// CHECK: %[[C:.*]] = cim.im2col %[[X]] kernel [2, 2] strides [2, 2] dilations [1, 1] groups 2 : tensor<1x2x4x4xf32> -> tensor<4x2x4xf32>
// CHECK: %[[P:.*]] = cim.crossbar_matmul %[[C]], %[[W]] : tensor<4x2x4xf32>, tensor<2x4x1xf32> -> tensor<4x2x1xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[P]] {{\[}}[0, 1, 2], [3], [4]] output_shape [1, 2, 2, 2, 1] : tensor<4x2x1xf32> into tensor<1x2x2x2x1xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[E]] : tensor<1x2x2x2x1xf32>) outs(%{{.*}} : tensor<1x2x1x2x2xf32>) permutation = [0, 3, 4, 1, 2]
// CHECK: %[[Y:.*]] = tensor.collapse_shape %[[T]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x1x2x2xf32> into tensor<1x2x2x2xf32>
// CHECK: return %[[Y]]
func.func @conv_depthwise(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]> : tensor<2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x2x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %y = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x2x4x4xf32>, tensor<2x2x2xf32>) outs(%acc : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func.func @conv_depthwise_1d
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1.000000e+00], [2.000000e+00], [3.000000e+00]], {{\[\[}}4.000000e+00], [5.000000e+00], [6.000000e+00]], {{\[\[}}7.000000e+00], [8.000000e+00], [9.000000e+00]]]> : tensor<3x3x1xf32>
// CHECK: %[[C:.*]] = cim.im2col %{{.*}} kernel [3] strides [1] dilations [2] groups 3 : tensor<1x3x9xf32> -> tensor<5x3x3xf32>
// CHECK: %[[P:.*]] = cim.crossbar_matmul %[[C]], %[[W]] : tensor<5x3x3xf32>, tensor<3x3x1xf32> -> tensor<5x3x1xf32>
// CHECK: tensor.expand_shape %[[P]] {{\[}}[0, 1], [2], [3]] output_shape [1, 5, 3, 1] : tensor<5x3x1xf32> into tensor<1x5x3x1xf32>
// CHECK: linalg.transpose {{.*}} outs(%{{.*}} : tensor<1x3x1x5xf32>) permutation = [0, 2, 3, 1]
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2], [3]] : tensor<1x3x1x5xf32> into tensor<1x3x5xf32>
func.func @conv_depthwise_1d(%x: tensor<1x3x9xf32>) -> tensor<1x3x5xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]> : tensor<3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x5xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x5xf32>) -> tensor<1x3x5xf32>
  %y = linalg.depthwise_conv_1d_ncw_cw {dilations = dense<2> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%x, %w : tensor<1x3x9xf32>, tensor<3x3xf32>) outs(%acc : tensor<1x3x5xf32>) -> tensor<1x3x5xf32>
  return %y : tensor<1x3x5xf32>
}

// Weights computed from constants (not data movement alone) are rearranged
// by ops, which stay stationary.
// CHECK-LABEL: func.func @conv_computed_weights
// CHECK: %[[S:.*]] = linalg.generic
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[S]] {{\[}}[0, 1, 2, 3]] : tensor<2x1x1x2xf32> into tensor<4xf32>
// CHECK: %[[MID:.*]] = tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [2, 2] : tensor<4xf32> into tensor<2x2xf32>
// CHECK: %[[W:.*]] = linalg.transpose ins(%[[MID]] : tensor<2x2xf32>) outs(%{{.*}} : tensor<2x2xf32>) permutation = [1, 0]
// CHECK: %[[C:.*]] = cim.im2col
// CHECK: cim.crossbar_matmul %[[C]], %[[W]] : tensor<3x2xf32>, tensor<2x2xf32> -> tensor<3x2xf32>
func.func @conv_computed_weights(%x: tensor<1x1x1x4xf32>) -> tensor<1x2x1x3xf32> {
  %c = arith.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]]]> : tensor<2x1x1x2xf32>
  %ew = tensor.empty() : tensor<2x1x1x2xf32>
  %w = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<2x1x1x2xf32>) outs(%ew : tensor<2x1x1x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x1x1x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x1x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x1x3xf32>) -> tensor<1x2x1x3xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x1x1x4xf32>, tensor<2x1x1x2xf32>) outs(%acc : tensor<1x2x1x3xf32>) -> tensor<1x2x1x3xf32>
  return %y : tensor<1x2x1x3xf32>
}

// Resource blobs (the importer's large weights) are read like dense ones.
// CHECK-LABEL: func.func @conv_resource_weights
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: cim.crossbar_matmul %{{.*}}, %[[W]] : tensor<3x2xf32>, tensor<2x2xf32> -> tensor<3x2xf32>
func.func @conv_resource_weights(%x: tensor<1x1x1x4xf32>) -> tensor<1x2x1x3xf32> {
  %w = arith.constant dense_resource<conv_weights> : tensor<2x1x1x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2x1x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x1x3xf32>) -> tensor<1x2x1x3xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x1x1x4xf32>, tensor<2x1x1x2xf32>) outs(%acc : tensor<1x2x1x3xf32>) -> tensor<1x2x1x3xf32>
  return %y : tensor<1x2x1x3xf32>
}

//===----------------------------------------------------------------------===//
// What stays untouched
//===----------------------------------------------------------------------===//

// A convolution with activation weights, pooling, an integer product and an
// elementwise op: the digital units' work, left exactly as it was.
// CHECK-LABEL: func.func @untouched
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: linalg.pooling_nchw_max
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x3xi8>, tensor<3x2xi8>)
// CHECK-NOT: cim.path
// CHECK: linalg.generic
// CHECK-NOT: cim.
// CHECK: return
func.func @untouched(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x2x2xf32>, %q: tensor<4x3xi8>) -> (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<4x2xi32>, tensor<1x1x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x3x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) outs(%acc : tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %k = tensor.empty() : tensor<2x2xf32>
  %pe = tensor.empty() : tensor<1x1x2x2xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %k : tensor<1x1x4x4xf32>, tensor<2x2xf32>) outs(%pe : tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %qw = arith.constant dense<1> : tensor<3x2xi8>
  %i0 = arith.constant 0 : i32
  %ie = tensor.empty() : tensor<4x2xi32>
  %iacc = linalg.fill ins(%i0 : i32) outs(%ie : tensor<4x2xi32>) -> tensor<4x2xi32>
  %m = linalg.matmul ins(%q, %qw : tensor<4x3xi8>, tensor<3x2xi8>) outs(%iacc : tensor<4x2xi32>) -> tensor<4x2xi32>
  %re = tensor.empty() : tensor<1x1x4x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x1x4x4xf32>) outs(%re : tensor<1x1x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<1x1x4x4xf32>
  return %c, %p, %m, %r : tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<4x2xi32>, tensor<1x1x4x4xf32>
}

//===----------------------------------------------------------------------===//
// Products of two activations
//===----------------------------------------------------------------------===//

// Without an arch the cost model has nothing to weigh: digital.
// CHECK-LABEL: func.func @qk_tiny
// CHECK: linalg.matmul {cim.path = "digital"}
// DIG-LABEL: func.func @qk_tiny
// DIG: linalg.matmul {cim.path = "digital"}
// REP-LABEL: func.func @qk_tiny
// REP-SAME: (%[[Q:.*]]: tensor<2x2xf32>, %[[K:.*]]: tensor<2x2xf32>)
// REP: %[[P:.*]] = cim.crossbar_matmul %[[Q]], %[[K]] {cim.path = "reprogram", reprogram} : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
// REP-NOT: linalg.matmul
// REP: return %[[P]]
// isaac: 8 MACs over 4 x 2016 lanes take 1 cycle and 1.6 pJ; writing 2 x 2
// weights of 4 cells (416 pJ, 2 x 2480 ns) and 2 MVMs of 900 cycles on one
// array (2 x 8 planes x (30 + 128 x 0.42 + 128 x 1.67) pJ) take far more.
// ISAAC-LABEL: func.func @qk_tiny
// ISAAC: linalg.matmul {cim.path = "digital", cim.path_cost = {digital_cycles = 1 : i64, digital_pj = 1.600000e+00 : f64, reprogram_cycles = 6760 : i64, reprogram_pj = 5.176320e+03 : f64}}
// SLOW-LABEL: func.func @qk_tiny
// SLOW: linalg.matmul {cim.path = "digital", cim.path_cost = {digital_cycles = 1 : i64, digital_pj = 1.600000e+01 : f64
func.func @qk_tiny(%q: tensor<2x2xf32>, %k: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = linalg.matmul ins(%q, %k : tensor<2x2xf32>, tensor<2x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// 1024 x 128 x 124: 16,252,928 MACs. On isaac the digital path still wins
// (2016 cycles at 0.2 pJ per MAC against 128 row writes of 2480 ns and 1024
// MVMs of 900 cycles on 4 arrays); with one tile, one lane per core and
// 1 pJ per op the
// digital path takes 1,354,411 cycles and 32.5 uJ, and reprogramming wins
// (energy-delay 1.4e13 against 4.4e13 pJ x cycles).
// ISAAC-LABEL: func.func @av_large
// ISAAC: linalg.matmul {cim.path = "digital", cim.path_cost = {digital_cycles = 2016 : i64, digital_pj = 3.250590e+06 : f64, reprogram_cycles = 1239040 : i64, reprogram_pj = 1.139980e+07 : f64}}
// SLOW-LABEL: func.func @av_large
// SLOW: cim.crossbar_matmul %{{.*}}, %{{.*}} {cim.path = "reprogram", cim.path_cost = {digital_cycles = 1354411 : i64, digital_pj = 3.250590e+07 : f64, reprogram_cycles = 1239040 : i64, reprogram_pj = 1.139980e+07 : f64}, reprogram} : tensor<1024x128xf32>, tensor<128x124xf32> -> tensor<1024x124xf32>
// SLOW-NOT: linalg.matmul
func.func @av_large(%a: tensor<1024x128xf32>, %v: tensor<128x124xf32>) -> tensor<1024x124xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1024x124xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1024x124xf32>) -> tensor<1024x124xf32>
  %y = linalg.matmul ins(%a, %v : tensor<1024x128xf32>, tensor<128x124xf32>) outs(%acc : tensor<1024x124xf32>) -> tensor<1024x124xf32>
  return %y : tensor<1024x124xf32>
}

// Attention's batched products: the reprogram path is a grouped product.
// CHECK-LABEL: func.func @attention_batched
// CHECK: linalg.batch_matmul {cim.path = "digital"}
// DIG-LABEL: func.func @attention_batched
// DIG: linalg.batch_matmul {cim.path = "digital"}
// REP-LABEL: func.func @attention_batched
// REP-SAME: (%[[Q:.*]]: tensor<2x3x4xf32>, %[[K:.*]]: tensor<2x4x3xf32>)
// REP: %[[T:.*]] = linalg.transpose ins(%[[Q]] : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<3x2x4xf32>) permutation = [1, 0, 2]
// REP: %[[P:.*]] = cim.crossbar_matmul %[[T]], %[[K]] {cim.path = "reprogram", reprogram} : tensor<3x2x4xf32>, tensor<2x4x3xf32> -> tensor<3x2x3xf32>
// REP: %[[Y:.*]] = linalg.transpose ins(%[[P]] : tensor<3x2x3xf32>) outs(%{{.*}} : tensor<2x3x3xf32>) permutation = [1, 0, 2]
// REP: return %[[Y]]
// ISAAC-LABEL: func.func @attention_batched
// ISAAC: linalg.batch_matmul {cim.path = "digital", cim.path_cost = {digital_cycles = 1 : i64, digital_pj = 1.440000e+01 : f64, reprogram_cycles = 12620 : i64, reprogram_pj = 1.677700e+04 : f64}}
// SLOW-LABEL: func.func @attention_batched
// SLOW: linalg.batch_matmul {cim.path = "digital", cim.path_cost = {digital_cycles = 6 : i64, digital_pj = 1.440000e+02 : f64
func.func @attention_batched(%q: tensor<2x3x4xf32>, %k: tensor<2x4x3xf32>) -> tensor<2x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
  %y = linalg.batch_matmul ins(%q, %k : tensor<2x3x4xf32>, tensor<2x4x3xf32>) outs(%acc : tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
  return %y : tensor<2x3x3xf32>
}

// An already assigned path is kept: running the pass twice changes nothing.
// CHECK-LABEL: func.func @already_assigned
// CHECK: linalg.matmul {cim.path = "digital"}
// REP-LABEL: func.func @already_assigned
// REP: linalg.matmul {cim.path = "digital"}
// REP-NOT: cim.crossbar_matmul
func.func @already_assigned(%q: tensor<2x2xf32>, %k: tensor<2x2xf32>, %acc: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %y = linalg.matmul {cim.path = "digital"} ins(%q, %k : tensor<2x2xf32>, tensor<2x2xf32>) outs(%acc : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      conv_weights: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// Aggregated ops are decomposed into the loop nests the vector unit runs:
// softmax is a max reduction, exp(x - max), a sum reduction and a division.
// CHECK-LABEL: func.func @softmax
// CHECK-NOT: linalg.softmax
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.maxnumf
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  %s = linalg.softmax dimension(1) ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}
