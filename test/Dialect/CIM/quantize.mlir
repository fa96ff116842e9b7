// cim-quantize: float crossbar products become integer ones with per-channel
// weight scales, a static or dynamic input scale and a rescale.
// RUN: cim-opt %s --cim-arch=isaac --cim-quantize | FileCheck %s
// The pass is idempotent: integer products are left alone.
// RUN: cim-opt %s --cim-arch=isaac --cim-quantize | cim-opt --cim-quantize | FileCheck %s
// The weight levels are exactly what cim.quantize folds to: after
// --canonicalize the two constants are one.
// RUN: cim-opt %s --cim-arch=isaac --cim-quantize --canonicalize | FileCheck %s --check-prefix=FOLD
// Bits from the arch's precision (4/6 here) and from the options agree.
// RUN: sed -e 's/weight_bits: 8/weight_bits: 4/' -e 's/input_bits: 8/input_bits: 6/' %arch_dir/isaac.yaml > %t.yaml
// RUN: cim-opt %s --cim-arch=%t.yaml --cim-quantize | FileCheck %s --check-prefix=W4
// RUN: cim-opt %s --cim-quantize="weight-bits=4 input-bits=6" | FileCheck %s --check-prefix=W4
// RUN: cim-opt %s --cim-arch=isaac --cim-quantize="weight-bits=4 input-bits=6" | FileCheck %s --check-prefix=W4
// Wider precisions take i16 levels and, when K products could overflow
// i32, an i64 accumulator.
// RUN: cim-opt %s --cim-arch=isaac --cim-quantize="weight-bits=16 input-bits=16" | FileCheck %s --check-prefix=W16

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#scalar2 = affine_map<(d0, d1) -> ()>
#row2 = affine_map<(d0, d1) -> (0, d1)>
#col2 = affine_map<(d0, d1) -> (d0, 0)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#scalar4 = affine_map<(d0, d1, d2, d3) -> ()>

// Per output channel with W = 8 (limit 127): column 0 has max 127 (scale
// 1), column 1 max 63.5 (scale 0.5), column 2 is all zero (scale 1). Ties
// round to even: 2.5 -> 2, -3.5 -> -4, 1.25/0.5 = 2.5 -> 2, 0.75/0.5 =
// 1.5 -> 2; each column's largest magnitude lands on +-127 exactly (the
// scale is taken from it, so a weight never clamps).
// CHECK-LABEL: func.func @per_channel
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK: %[[F:.*]] = arith.constant {{.*}}tensor<4x3xf32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[127, -127, 0], [2, 2, 0], [-4, 2, 0], [0, 20, 0]]> : tensor<4x3xi8>
// CHECK: %[[Q:.*]], %[[S:.*]] = cim.quantize_dynamic %[[X]] bits 8 : tensor<2x4xf32> -> tensor<2x4xi8>, tensor<f32>
// CHECK: %[[ACC:.*]] = cim.crossbar_matmul %[[Q]], %[[W]] {cim.matrix_id = 3 : i64, cim.weight_bits = 8 : i64} : tensor<2x4xi8>, tensor<4x3xi8> -> tensor<2x3xi32>
// The float operands stay as the product's ideal reference.
// CHECK: %[[Y:.*]] = cim.rescale %[[ACC]], %[[S]] weight_scales [1.0, 0.5, 1.0] ideal(%[[X]], %[[F]] : tensor<2x4xf32>, tensor<4x3xf32>) : tensor<2x3xi32>, tensor<f32> -> tensor<2x3xf32>
// CHECK: return %[[Y]]
func.func @per_channel(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[127.0, -63.5, 0.0], [2.5, 1.25, 0.0], [-3.5, 0.75, 0.0], [0.4, 10.0, 0.0]]> : tensor<4x3xf32>
  %y = cim.crossbar_matmul %x, %w {cim.matrix_id = 3 : i64} : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Column 0 has max 1.27 (an f32, so scale 1.27f / 127 ~ 0.01). The pass's
// levels equal cim.quantize's fold with the same scales.
// CHECK-LABEL: func.func @matches_quantize_fold
// CHECK: arith.constant dense<{{\[}}[127, -127, 0], [0, 2, 0], [-64, 2, 0], [1, 20, 0]]> : tensor<4x3xi8>
// CHECK: cim.rescale {{.*}} weight_scales [0.009999999849815068, 0.5, 1.0]
// FOLD-LABEL: func.func @matches_quantize_fold
// FOLD: %[[W:.*]] = arith.constant dense<{{\[}}[127, -127, 0], [0, 2, 0], [-64, 2, 0], [1, 20, 0]]> : tensor<4x3xi8>
// FOLD-NOT: cim.quantize %
// FOLD: cim.crossbar_matmul %{{.*}}, %[[W]]
// FOLD: return %{{.*}}, %[[W]]
func.func @matches_quantize_fold(%x: tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<4x3xi8>) {
  %w = arith.constant dense<[[1.27, -63.5, 0.0], [0.005, 1.25, 0.0], [-0.64, 0.75, 0.0], [0.015, 10.0, 0.0]]> : tensor<4x3xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  %q = cim.quantize %w bits 8 scales [0.0099999998498150677, 0.5, 1.0] axis 1 : tensor<4x3xf32> -> tensor<4x3xi8>
  return %y, %q : tensor<2x3xf32>, tensor<4x3xi8>
}

// The precision comes from the arch (isaac: 8/8) or from the options
// (prefix W4 has weight 4 bits, limit 7; input 6 bits). W = 4: column 0 max 7 (scale
// 1): 7, -1.5 -> -2, 0.5 -> 0; column 1 max 3.5 (scale 0.5): 7, -0.5 -> 0,
// 2.5 -> 2.
// CHECK-LABEL: func.func @bits
// CHECK: cim.quantize_dynamic %{{.*}} bits 8 : tensor<2x3xf32> -> tensor<2x3xi8>, tensor<f32>
// CHECK: cim.crossbar_matmul {{.*}} {cim.weight_bits = 8 : i64} : tensor<2x3xi8>, tensor<3x2xi8> -> tensor<2x2xi32>
// W4-LABEL: func.func @bits
// W4: %[[W:.*]] = arith.constant dense<{{\[}}[7, 7], [-2, 0], [0, 2]]> : tensor<3x2xi8>
// W4: %[[Q:.*]], %[[S:.*]] = cim.quantize_dynamic %{{.*}} bits 6 : tensor<2x3xf32> -> tensor<2x3xi8>, tensor<f32>
// W4: %[[ACC:.*]] = cim.crossbar_matmul %[[Q]], %[[W]] {cim.weight_bits = 4 : i64} : tensor<2x3xi8>, tensor<3x2xi8> -> tensor<2x2xi32>
// W4: cim.rescale %[[ACC]], %[[S]] weight_scales [1.0, 0.5]
// W16-LABEL: func.func @bits
// W16: arith.constant dense<{{.*}}> : tensor<3x2xi16>
// W16: cim.quantize_dynamic %{{.*}} bits 16 : tensor<2x3xf32> -> tensor<2x3xi16>, tensor<f32>
// W16: cim.crossbar_matmul {{.*}} {cim.weight_bits = 16 : i64} : tensor<2x3xi16>, tensor<3x2xi16> -> tensor<2x2xi64>
func.func @bits(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[7.0, 3.5], [-1.5, -0.25], [0.5, 1.25]]> : tensor<3x2xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// Grouped [G, K, N] weights take one scale per (group, channel), listed
// group-major as cim.rescale reads them. Group 0: max 127 (scale 1) and
// 254 (scale 2): 1.5 -> 2, 3/2 -> 2. Group 1: max 31.75 (scale 0.25):
// -0.375/0.25 = -1.5 -> -2; zero column (scale 1).
// CHECK-LABEL: func.func @grouped
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}{{\[}}[127, -127], [2, 2]], {{\[}}[127, 0], [-2, 0]]]> : tensor<2x2x2xi8>
// CHECK: %[[Q:.*]], %[[S:.*]] = cim.quantize_dynamic %{{.*}} bits 8 : tensor<3x2x2xf32> -> tensor<3x2x2xi8>, tensor<f32>
// CHECK: %[[ACC:.*]] = cim.crossbar_matmul %[[Q]], %[[W]] {cim.weight_bits = 8 : i64} : tensor<3x2x2xi8>, tensor<2x2x2xi8> -> tensor<3x2x2xi32>
// CHECK: cim.rescale %[[ACC]], %[[S]] weight_scales [1.0, 2.0, 0.25, 1.0] ideal({{.*}} : tensor<3x2x2xf32>, tensor<2x2x2xf32>) : tensor<3x2x2xi32>, tensor<f32> -> tensor<3x2x2xf32>
func.func @grouped(%x: tensor<3x2x2xf32>) -> tensor<3x2x2xf32> {
  %w = arith.constant dense<[[[127.0, -254.0], [1.5, 3.0]], [[31.75, 0.0], [-0.375, 0.0]]]> : tensor<2x2x2xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<3x2x2xf32>, tensor<2x2x2xf32> -> tensor<3x2x2xf32>
  return %y : tensor<3x2x2xf32>
}

// Every column's nonzero weights share one magnitude (0.5; 0.25): ternary,
// 2 bits, the magnitude as scale, even with 8 bits available.
// CHECK-LABEL: func.func @ternary
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[1, -1], [-1, 0], [0, 1]]> : tensor<3x2xi8>
// CHECK: %[[ACC:.*]] = cim.crossbar_matmul %{{.*}}, %[[W]] {cim.ternary, cim.weight_bits = 2 : i64} : tensor<2x3xi8>, tensor<3x2xi8> -> tensor<2x2xi32>
// CHECK: cim.rescale %[[ACC]], %{{.*}} weight_scales [0.5, 0.25]
// W4-LABEL: func.func @ternary
// W4: cim.crossbar_matmul {{.*}} {cim.ternary, cim.weight_bits = 2 : i64}
func.func @ternary(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[0.5, -0.25], [-0.5, 0.0], [0.0, 0.25]]> : tensor<3x2xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// Magnitudes equal within a relative 1e-6 (0.25 and 0.2500001 ~ 3.6e-7
// apart) still count as one.
// CHECK-LABEL: func.func @ternary_within_tolerance
// CHECK: arith.constant dense<{{\[}}[1, 1], [-1, -1]]> : tensor<2x2xi8>
// CHECK: cim.crossbar_matmul {{.*}} {cim.ternary, cim.weight_bits = 2 : i64}
func.func @ternary_within_tolerance(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[0.25, 2.0], [-0.2500001, -2.0]]> : tensor<2x2xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// Two magnitudes (0.5 and 0.25) in one column: not ternary.
// CHECK-LABEL: func.func @not_ternary
// CHECK: arith.constant dense<{{\[}}[127], [-64]]> : tensor<2x1xi8>
// CHECK: cim.crossbar_matmul {{.*}} {cim.weight_bits = 8 : i64}
// CHECK-NOT: cim.ternary
// CHECK: return
func.func @not_ternary(%x: tensor<2x2xf32>) -> tensor<2x1xf32> {
  %w = arith.constant dense<[[0.5], [-0.25]]> : tensor<2x1xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<2x2xf32>, tensor<2x1xf32> -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// An input dequantised by an ONNX DequantizeLinear (int8, scale 0.5, zero
// point 0, as the importer writes it) is quantised statically with the
// model's scale; the -128 level clamps to -127 rather than doubling the
// scale. With 6 input bits (W4) its levels do not fit: the scale becomes
// the smallest integer multiple that holds them, 0.5 * ceil(128 / 31) = 2.5.
// CHECK-LABEL: func.func @static_input_scale
// CHECK: %[[X:.*]] = linalg.generic {{.*}} attrs = {onnx.qdq = "dequantize"}
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[127, -127, 0], [2, 2, 0], [-4, 2, 0], [0, 20, 0]]> : tensor<4x3xi8>
// CHECK: %[[Q:.*]] = cim.quantize %[[X]] bits 8 scales [0.5] : tensor<2x4xf32> -> tensor<2x4xi8>
// CHECK: %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK: %[[ACC:.*]] = cim.crossbar_matmul %[[Q]], %[[W]] {cim.weight_bits = 8 : i64} : tensor<2x4xi8>, tensor<4x3xi8> -> tensor<2x3xi32>
// CHECK: cim.rescale %[[ACC]], %[[S]] weight_scales [1.0, 0.5, 1.0] ideal(%[[X]], %{{.*}} : tensor<2x4xf32>, tensor<4x3xf32>) : tensor<2x3xi32>, tensor<f32> -> tensor<2x3xf32>
// CHECK-NOT: cim.quantize_dynamic
// CHECK: return
// W4-LABEL: func.func @static_input_scale
// W4: cim.quantize %{{.*}} bits 6 scales [2.5]
// W4: arith.constant dense<2.500000e+00> : tensor<f32>
func.func @static_input_scale(%q: tensor<2x4xi8>) -> tensor<2x3xf32> {
  %s = arith.constant dense<5.000000e-01> : tensor<f32>
  %z = arith.constant dense<0> : tensor<i8>
  %e = tensor.empty() : tensor<2x4xf32>
  %x = linalg.generic {indexing_maps = [#id2, #scalar2, #scalar2, #id2], iterator_types = ["parallel", "parallel"]} ins(%q, %s, %z : tensor<2x4xi8>, tensor<f32>, tensor<i8>) outs(%e : tensor<2x4xf32>) attrs = {onnx.qdq = "dequantize"} {
  ^bb0(%in: i8, %in_s: f32, %in_z: i8, %out: f32):
    %0 = arith.sitofp %in : i8 to f32
    %1 = arith.sitofp %in_z : i8 to f32
    %2 = arith.subf %0, %1 : f32
    %3 = arith.mulf %2, %in_s : f32
    linalg.yield %3 : f32
  } -> tensor<2x4xf32>
  %w = arith.constant dense<[[127.0, -63.5, 0.0], [2.5, 1.25, 0.0], [-3.5, 0.75, 0.0], [0.4, 10.0, 0.0]]> : tensor<4x3xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// uint8 with zero point 0 (held as i8, widened with uitofp): levels 0..255
// do not fit 8-bit symmetric levels, so the scale is 0.25 * ceil(255/127).
// CHECK-LABEL: func.func @static_input_scale_uint8
// CHECK: cim.quantize %{{.*}} bits 8 scales [0.75] : tensor<2x2xf32> -> tensor<2x2xi8>
// CHECK: arith.constant dense<7.500000e-01> : tensor<f32>
func.func @static_input_scale_uint8(%q: tensor<2x2xi8>) -> tensor<2x1xf32> {
  %s = arith.constant dense<2.500000e-01> : tensor<f32>
  %z = arith.constant dense<0> : tensor<i8>
  %e = tensor.empty() : tensor<2x2xf32>
  %x = linalg.generic {indexing_maps = [#id2, #scalar2, #scalar2, #id2], iterator_types = ["parallel", "parallel"]} ins(%q, %s, %z : tensor<2x2xi8>, tensor<f32>, tensor<i8>) outs(%e : tensor<2x2xf32>) attrs = {onnx.qdq = "dequantize"} {
  ^bb0(%in: i8, %in_s: f32, %in_z: i8, %out: f32):
    %0 = arith.uitofp %in : i8 to f32
    %1 = arith.uitofp %in_z : i8 to f32
    %2 = arith.subf %0, %1 : f32
    %3 = arith.mulf %2, %in_s : f32
    linalg.yield %3 : f32
  } -> tensor<2x2xf32>
  %w = arith.constant dense<[[0.5], [-0.25]]> : tensor<2x1xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<2x2xf32>, tensor<2x1xf32> -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// A convolution's input reaches the product through zero padding and
// im2col, which only move values: the DequantizeLinear's scale still holds.
// CHECK-LABEL: func.func @static_input_scale_through_im2col
// CHECK: %[[X:.*]] = linalg.generic {{.*}} attrs = {onnx.qdq = "dequantize"}
// CHECK: %[[P:.*]] = tensor.pad %[[X]]
// CHECK: %[[C:.*]] = cim.im2col %[[P]]
// CHECK: cim.quantize %[[C]] bits 8 scales [0.125] : tensor<9x9xf32> -> tensor<9x9xi8>
func.func @static_input_scale_through_im2col(%q: tensor<1x1x3x3xi8>) -> tensor<9x2xf32> {
  %s = arith.constant dense<1.250000e-01> : tensor<f32>
  %e = tensor.empty() : tensor<1x1x3x3xf32>
  %x = linalg.generic {indexing_maps = [#id4, #scalar4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q, %s : tensor<1x1x3x3xi8>, tensor<f32>) outs(%e : tensor<1x1x3x3xf32>) attrs = {onnx.qdq = "dequantize"} {
  ^bb0(%in: i8, %in_s: f32, %out: f32):
    %0 = arith.sitofp %in : i8 to f32
    %1 = arith.mulf %0, %in_s : f32
    linalg.yield %1 : f32
  } -> tensor<1x1x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x3x3xf32> to tensor<1x1x5x5xf32>
  %cols = cim.im2col %p kernel [3, 3] strides [1, 1] dilations [1, 1] groups 1 : tensor<1x1x5x5xf32> -> tensor<9x9xf32>
  %w = arith.constant dense<[[1.0, 2.0], [0.5, -2.0], [0.25, 1.0], [1.0, 2.0], [0.5, -2.0], [0.25, 1.0], [1.0, 2.0], [0.5, -2.0], [0.25, 1.0]]> : tensor<9x2xf32>
  %y = cim.crossbar_matmul %cols, %w : tensor<9x9xf32>, tensor<9x2xf32> -> tensor<9x2xf32>
  return %y : tensor<9x2xf32>
}

// Per-axis scales (not one number) and padding with a nonzero value give
// no static scale: the input is quantised at run time.
// CHECK-LABEL: func.func @per_axis_dequantize_is_dynamic
// CHECK: cim.quantize_dynamic
// CHECK-NOT: cim.quantize %
// CHECK: return
func.func @per_axis_dequantize_is_dynamic(%q: tensor<2x4xi8>) -> tensor<2x1xf32> {
  %s = arith.constant dense<[[0.5, 0.25, 0.5, 0.25]]> : tensor<1x4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %x = linalg.generic {indexing_maps = [#id2, #row2, #id2], iterator_types = ["parallel", "parallel"]} ins(%q, %s : tensor<2x4xi8>, tensor<1x4xf32>) outs(%e : tensor<2x4xf32>) attrs = {onnx.qdq = "dequantize"} {
  ^bb0(%in: i8, %in_s: f32, %out: f32):
    %0 = arith.sitofp %in : i8 to f32
    %1 = arith.mulf %0, %in_s : f32
    linalg.yield %1 : f32
  } -> tensor<2x4xf32>
  %w = arith.constant dense<[[0.5], [-0.25], [1.0], [2.0]]> : tensor<4x1xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<2x4xf32>, tensor<4x1xf32> -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// CHECK-LABEL: func.func @nonzero_padding_is_dynamic
// CHECK: cim.quantize_dynamic
// CHECK-NOT: cim.quantize %
// CHECK: return
func.func @nonzero_padding_is_dynamic(%q: tensor<2x2xi8>) -> tensor<2x1xf32> {
  %s = arith.constant dense<5.000000e-01> : tensor<f32>
  %e = tensor.empty() : tensor<2x2xf32>
  %x = linalg.generic {indexing_maps = [#id2, #scalar2, #id2], iterator_types = ["parallel", "parallel"]} ins(%q, %s : tensor<2x2xi8>, tensor<f32>) outs(%e : tensor<2x2xf32>) attrs = {onnx.qdq = "dequantize"} {
  ^bb0(%in: i8, %in_s: f32, %out: f32):
    %0 = arith.sitofp %in : i8 to f32
    %1 = arith.mulf %0, %in_s : f32
    linalg.yield %1 : f32
  } -> tensor<2x2xf32>
  %one = arith.constant 1.0 : f32
  %p = tensor.pad %x low[0, 1] high[0, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %one : f32
  } : tensor<2x2xf32> to tensor<2x3xf32>
  %w = arith.constant dense<[[0.5], [-0.25], [1.0]]> : tensor<3x1xf32>
  %y = cim.crossbar_matmul %p, %w : tensor<2x3xf32>, tensor<3x1xf32> -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// A weight the importer reshaped or transposed but nobody folded is read
// through the reshape / transpose: [[1, 2], [3, 4]]^T = [[1, 3], [2, 4]].
// CHECK-LABEL: func.func @transposed_weight
// CHECK-NOT: linalg.transpose
// CHECK: arith.constant dense<{{\[}}[64, 95], [127, 127]]> : tensor<2x2xi8>
// CHECK: cim.rescale {{.*}} weight_scales [0.015748031496062992, 0.031496062992125984]
func.func @transposed_weight(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %r = tensor.expand_shape %c [[0, 1]] output_shape [2, 2] : tensor<4xf32> into tensor<2x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %t = linalg.transpose ins(%r : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) permutation = [1, 0]
  %y = cim.crossbar_matmul %x, %t : tensor<1x2xf32>, tensor<2x2xf32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// Large weights arrive from the importer as dense_resource blobs; the
// levels are emitted as a plain dense constant.
// CHECK-LABEL: func.func @resource_weight
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[127, -127], [2, 2]]> : tensor<2x2xi8>
// CHECK: cim.crossbar_matmul %{{.*}}, %[[W]]
// CHECK: weight_scales [1.0, 0.5]
func.func @resource_weight(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // [[127.0, -63.5], [2.5, 1.25]] as little-endian f32.
  %w = arith.constant dense_resource<quantize_weight> : tensor<2x2xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<1x2xf32>, tensor<2x2xf32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// A QDQ model's weight (int8 levels through DequantizeLinear, per output
// channel, then transposed) is read by evaluating the dequantisation; a
// column whose model levels fit W bits keeps the model's scale and levels
// (column 1's largest level is 98, not 127). With W = 4 they do not fit
// and the columns are requantised from their max: 63/7 = 9, 24.5/7 = 3.5.
// CHECK-LABEL: func.func @qdq_weight
// CHECK-NOT: linalg
// CHECK: %[[W:.*]] = arith.constant dense<{{\[}}[126, 1], [-3, 2], [7, -98]]> : tensor<3x2xi8>
// CHECK-NOT: linalg
// CHECK: cim.crossbar_matmul %{{.*}}, %[[W]]
// CHECK: weight_scales [0.5, 0.25]
// W4-LABEL: func.func @qdq_weight
// W4: arith.constant dense<{{\[}}[7, 0], [0, 0], [0, -7]]> : tensor<3x2xi8>
// W4: weight_scales [9.0, 3.5]
func.func @qdq_weight(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %q = arith.constant dense<[[126, -3, 7], [1, 2, -98]]> : tensor<2x3xi8>
  %s = arith.constant dense<[[0.5], [0.25]]> : tensor<2x1xf32>
  %z = arith.constant dense<0> : tensor<2x1xi8>
  %e = tensor.empty() : tensor<2x3xf32>
  %w = linalg.generic {indexing_maps = [#id2, #col2, #col2, #id2], iterator_types = ["parallel", "parallel"]} ins(%q, %s, %z : tensor<2x3xi8>, tensor<2x1xf32>, tensor<2x1xi8>) outs(%e : tensor<2x3xf32>) attrs = {onnx.qdq = "dequantize"} {
  ^bb0(%in: i8, %in_s: f32, %in_z: i8, %out: f32):
    %0 = arith.sitofp %in : i8 to f32
    %1 = arith.sitofp %in_z : i8 to f32
    %2 = arith.subf %0, %1 : f32
    %3 = arith.mulf %2, %in_s : f32
    linalg.yield %3 : f32
  } -> tensor<2x3xf32>
  %e2 = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%w : tensor<2x3xf32>) outs(%e2 : tensor<3x2xf32>) permutation = [1, 0]
  %y = cim.crossbar_matmul %x, %t : tensor<1x3xf32>, tensor<3x2xf32> -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// A product of two activations (reprogram): the weight is quantised per
// tensor at run time like the input, the two scales multiply (on the
// digital unit: a 0-d linalg.generic), and the weight scales of the
// rescale are 1. The float operands are the ideal reference.
// CHECK-LABEL: func.func @reprogram
// CHECK-SAME: (%[[A:.*]]: tensor<2x4xf32>, %[[B:.*]]: tensor<4x3xf32>)
// CHECK: %[[BQ:.*]], %[[BS:.*]] = cim.quantize_dynamic %[[B]] bits 8 : tensor<4x3xf32> -> tensor<4x3xi8>, tensor<f32>
// CHECK: %[[AQ:.*]], %[[AS:.*]] = cim.quantize_dynamic %[[A]] bits 8 : tensor<2x4xf32> -> tensor<2x4xi8>, tensor<f32>
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[AS]], %[[BS]] : tensor<f32>, tensor<f32>)
// CHECK: arith.mulf
// CHECK: %[[ACC:.*]] = cim.crossbar_matmul %[[AQ]], %[[BQ]] {cim.path = "reprogram", cim.weight_bits = 8 : i64, reprogram} : tensor<2x4xi8>, tensor<4x3xi8> -> tensor<2x3xi32>
// CHECK: cim.rescale %[[ACC]], %[[S]] weight_scales [1.0, 1.0, 1.0] ideal(%[[A]], %[[B]] : tensor<2x4xf32>, tensor<4x3xf32>)
func.func @reprogram(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %y = cim.crossbar_matmul %a, %b {reprogram, cim.path = "reprogram"} : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// A reprogrammed weight dequantised by an ONNX DequantizeLinear takes its
// static scale, which becomes the rescale's weight scales.
// CHECK-LABEL: func.func @reprogram_static_weight_scale
// CHECK: %[[B:.*]] = linalg.generic {{.*}} attrs = {onnx.qdq = "dequantize"}
// CHECK: %[[BQ:.*]] = cim.quantize %[[B]] bits 8 scales [0.5] : tensor<4x3xf32> -> tensor<4x3xi8>
// CHECK-NOT: arith.constant
// CHECK: %[[AQ:.*]], %[[AS:.*]] = cim.quantize_dynamic
// CHECK: %[[ACC:.*]] = cim.crossbar_matmul %[[AQ]], %[[BQ]] {cim.weight_bits = 8 : i64, reprogram}
// CHECK: cim.rescale %[[ACC]], %[[AS]] weight_scales [0.5, 0.5, 0.5]
func.func @reprogram_static_weight_scale(%a: tensor<2x4xf32>, %q: tensor<4x3xi8>) -> tensor<2x3xf32> {
  %s = arith.constant dense<5.000000e-01> : tensor<f32>
  %e = tensor.empty() : tensor<4x3xf32>
  %b = linalg.generic {indexing_maps = [#id2, #scalar2, #id2], iterator_types = ["parallel", "parallel"]} ins(%q, %s : tensor<4x3xi8>, tensor<f32>) outs(%e : tensor<4x3xf32>) attrs = {onnx.qdq = "dequantize"} {
  ^bb0(%in: i8, %in_s: f32, %out: f32):
    %0 = arith.sitofp %in : i8 to f32
    %1 = arith.mulf %0, %in_s : f32
    linalg.yield %1 : f32
  } -> tensor<4x3xf32>
  %y = cim.crossbar_matmul %a, %b {reprogram} : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Integer products are already quantised: left alone.
// CHECK-LABEL: func.func @integer_left_alone
// CHECK-NOT: cim.quantize
// CHECK: %[[Y:.*]] = cim.crossbar_matmul %{{.*}}, %{{.*}} : tensor<1x4xi8>, tensor<4x2xi8> -> tensor<1x2xi32>
// CHECK-NOT: cim.rescale
// CHECK: return %[[Y]]
func.func @integer_left_alone(%x: tensor<1x4xi8>) -> tensor<1x2xi32> {
  %w = arith.constant dense<3> : tensor<4x2xi8>
  %y = cim.crossbar_matmul %x, %w : tensor<1x4xi8>, tensor<4x2xi8> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

{-#
  dialect_resources: {
    builtin: {
      quantize_weight: "0x040000000000FE4200007EC2000020400000A03F"
    }
  }
#-}
