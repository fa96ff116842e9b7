// RUN: cim-opt %s -split-input-file -verify-diagnostics

func.func @not_stationary(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{weight must be computable at compile time (crossbar weights are stationary); a product of two activations takes the digital or reprogram path}}
  %y = cim.crossbar_matmul %x, %w : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @rank(%x: tensor<16xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<0.5> : tensor<16x8xf32>
  // expected-error @+1 {{input must be 2-D like the weight, got 'tensor<16xf32>'}}
  %y = cim.crossbar_matmul %x, %w : tensor<16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @contraction(%x: tensor<4x15xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<0.5> : tensor<16x8xf32>
  // expected-error @+1 {{input has 15 columns but weight has 16 rows}}
  %y = cim.crossbar_matmul %x, %w : tensor<4x15xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @result_shape(%x: tensor<4x16xf32>) -> tensor<4x9xf32> {
  %w = arith.constant dense<0.5> : tensor<16x8xf32>
  // expected-error @+1 {{result must be 4x8, got 'tensor<4x9xf32>'}}
  %y = cim.crossbar_matmul %x, %w : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x9xf32>
  return %y : tensor<4x9xf32>
}

// -----

func.func @float_types(%x: tensor<4x16xf32>) -> tensor<4x8xf16> {
  %w = arith.constant dense<0.5> : tensor<16x8xf32>
  // expected-error @+1 {{float operands and result must share one element type, got 'f32', 'f32' -> 'f16'}}
  %y = cim.crossbar_matmul %x, %w : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf16>
  return %y : tensor<4x8xf16>
}

// -----

func.func @accumulator(%x: tensor<4x16xi16>) -> tensor<4x8xi8> {
  %w = arith.constant dense<1> : tensor<16x8xi8>
  // expected-error @+1 {{integer product needs an integer accumulator of at least 16 bits, got 'i8'}}
  %y = cim.crossbar_matmul %x, %w : tensor<4x16xi16>, tensor<16x8xi8> -> tensor<4x8xi8>
  return %y : tensor<4x8xi8>
}

// -----

func.func @mixed(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<1> : tensor<16x8xi8>
  // expected-error @+1 {{operands must both be float or both be signless integer, got 'f32' and 'i8'}}
  %y = cim.crossbar_matmul %x, %w : tensor<4x16xf32>, tensor<16x8xi8> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @dynamic(%x: tensor<?x16xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<0.5> : tensor<16x8xf32>
  // expected-error @+1 {{operand #0 must be statically shaped tensor of any type values}}
  %y = cim.crossbar_matmul %x, %w : tensor<?x16xf32>, tensor<16x8xf32> -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @quantize_width(%a: tensor<4xf32>) -> tensor<4xi4> {
  // expected-error @+1 {{integer element type 'i4' cannot hold 8-bit values}}
  %0 = cim.quantize %a bits 8 scales [0.5] : tensor<4xf32> -> tensor<4xi4>
  return %0 : tensor<4xi4>
}

// -----

func.func @quantize_bits(%a: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{attribute 'bits' failed to satisfy constraint: 64-bit signless integer attribute whose minimum value is 2}}
  %0 = cim.quantize %a bits 1 scales [0.5] : tensor<4xf32> -> tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

func.func @quantize_scale(%a: tensor<4x2xf32>) -> tensor<4x2xi8> {
  // expected-error @+1 {{scales must be positive and finite, got scales[1] = 0}}
  %0 = cim.quantize %a bits 8 scales [0.5, 0.0] axis 1 : tensor<4x2xf32> -> tensor<4x2xi8>
  return %0 : tensor<4x2xi8>
}

// -----

func.func @quantize_channels(%a: tensor<4x2xf32>) -> tensor<4x2xi8> {
  // expected-error @+1 {{axis 0 has 4 channels but 2 scales were given}}
  %0 = cim.quantize %a bits 8 scales [0.5, 0.25] axis 0 : tensor<4x2xf32> -> tensor<4x2xi8>
  return %0 : tensor<4x2xi8>
}

// -----

func.func @quantize_axis(%a: tensor<4x2xf32>) -> tensor<4x2xi8> {
  // expected-error @+1 {{axis 2 is out of range for a rank-2 tensor}}
  %0 = cim.quantize %a bits 8 scales [0.5] axis 2 : tensor<4x2xf32> -> tensor<4x2xi8>
  return %0 : tensor<4x2xi8>
}

// -----

func.func @quantize_per_tensor(%a: tensor<4x2xf32>) -> tensor<4x2xi8> {
  // expected-error @+1 {{without an axis there must be exactly one scale, got 2}}
  %0 = cim.quantize %a bits 8 scales [0.5, 0.25] : tensor<4x2xf32> -> tensor<4x2xi8>
  return %0 : tensor<4x2xi8>
}

// -----

func.func @quantize_shape(%a: tensor<4x2xf32>) -> tensor<2x4xi8> {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = cim.quantize %a bits 8 scales [0.5] : tensor<4x2xf32> -> tensor<2x4xi8>
  return %0 : tensor<2x4xi8>
}

// -----

func.func @dequantize_width(%a: tensor<4xi8>) -> tensor<4xf32> {
  // expected-error @+1 {{integer element type 'i8' cannot hold 12-bit values}}
  %0 = cim.dequantize %a bits 12 scales [0.5] : tensor<4xi8> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error @+1 {{'cim.arch' must be a #cim.arch attribute, got "isaac"}}
module attributes {cim.arch = "isaac"} {
}

// -----

// expected-error @+1 {{'cim.arch' belongs on a builtin.module, not on 'func.func'}}
func.func @misplaced() attributes {cim.arch = "x"} {
  return
}

// -----

// expected-error @+1 {{unknown cim attribute 'cim.wibble'}}
module attributes {cim.wibble = 1} {
}

// -----

// expected-error @+1 {{invalid hardware description: missing required field 'name'}}
module attributes {cim.arch = #cim.arch<"x", {adc = {bits = 8}}>} {
}

// -----

// expected-error @+1 {{#cim.arch field 'adc.bits' must be a number, boolean, string or dictionary, got [8]}}
module attributes {cim.arch = #cim.arch<"x", {adc = {bits = [8]}}>} {
}

// -----

func.func @grouped_mismatch(%x: tensor<4x3x8xf32>) -> tensor<4x2x5xf32> {
  %w = arith.constant dense<0.5> : tensor<2x8x5xf32>
  // expected-error @+1 {{input has 3 groups but weight has 2}}
  %y = cim.crossbar_matmul %x, %w : tensor<4x3x8xf32>, tensor<2x8x5xf32> -> tensor<4x2x5xf32>
  return %y : tensor<4x2x5xf32>
}

// -----

func.func @rescale_channels(%acc: tensor<4x3xi32>, %s: tensor<f32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{needs one weight scale per output channel (3), got 2}}
  %y = cim.rescale %acc, %s weight_scales [1.0, 2.0] : tensor<4x3xi32>, tensor<f32> -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @im2col_shape(%x: tensor<1x3x10x10xf32>) -> tensor<64x26xf32> {
  // expected-error @+1 {{result must be 'tensor<64x27xf32>', got 'tensor<64x26xf32>'}}
  %c = cim.im2col %x kernel [3, 3] strides [1, 1] dilations [1, 1] groups 1 : tensor<1x3x10x10xf32> -> tensor<64x26xf32>
  return %c : tensor<64x26xf32>
}

// -----

func.func @im2col_groups(%x: tensor<1x3x10x10xf32>) -> tensor<64x2x9xf32> {
  // expected-error @+1 {{2 groups do not divide 3 channels}}
  %c = cim.im2col %x kernel [3, 3] strides [1, 1] dilations [1, 1] groups 2 : tensor<1x3x10x10xf32> -> tensor<64x2x9xf32>
  return %c : tensor<64x2x9xf32>
}

// -----

func.func @encoding_slices(%x: tensor<1x4xi8>, %l: tensor<4x8xi8>) -> tensor<1x8xi32> {
  // expected-error @+1 {{offset encoding of 8-bit weights in 2-bit cells needs 4 slices, got 3}}
  %c = cim.array_matmul %x, %l {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 3, paired_columns = false>} : tensor<1x4xi8>, tensor<4x8xi8> -> tensor<1x8xi32>
  return %c : tensor<1x8xi32>
}

// -----

func.func @level_width(%x: tensor<1x4xi8>, %l: tensor<4x9xi8>) -> tensor<1x9xi32> {
  // expected-error @+1 {{levels of 8-bit cells need an element type of at least 9 bits, got 'i8'}}
  %c = cim.array_matmul %x, %l {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 8, slices = 1, paired_columns = false>} : tensor<1x4xi8>, tensor<4x9xi8> -> tensor<1x9xi32>
  return %c : tensor<1x9xi32>
}

// -----

func.func @recombine_columns(%c: tensor<1x8xi32>) -> tensor<1x2xi32> {
  // expected-error @+1 {{2 weight columns in this encoding take 9 physical columns, got 'tensor<1x8xi32>'}}
  %y = cim.recombine %c {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = false>} : tensor<1x8xi32> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

func.func @paired_offset(%c: tensor<1x9xi32>) -> tensor<1x2xi32> {
  // expected-error @+1 {{paired_columns applies to differential only}}
  %y = cim.recombine %c {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = true>} : tensor<1x9xi32> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}
