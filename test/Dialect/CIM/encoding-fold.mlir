// The integer semantics of #cim.encoding, checked by folding: the product
// of a weight matrix equals the recombined column sums of its cell levels.
// Levels below are worked out by hand from the encoding's definition.
// RUN: cim-opt %s --canonicalize | FileCheck %s

// x = [1, -2, 3]; w = [[5, -7], [0, 127], [-127, 3]]; x.w = [-376, -252].

// CHECK-LABEL: func.func @reference
// CHECK: arith.constant dense<{{\[}}[-376, -252]]> : tensor<1x2xi32>
func.func @reference() -> tensor<1x2xi32> {
  %x = arith.constant dense<[[1, -2, 3]]> : tensor<1x3xi8>
  %w = arith.constant dense<[[5, -7], [0, 127], [-127, 3]]> : tensor<3x2xi8>
  %y = cim.crossbar_matmul %x, %w : tensor<1x3xi8>, tensor<3x2xi8> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// Offset, 2-bit cells: u = w + 128 in 4 base-4 digits (least significant
// first): 5 -> 133 = [1,1,0,2], -7 -> 121 = [1,2,3,1], 0 -> [0,0,0,2],
// 127 -> [3,3,3,3], -127 -> [1,0,0,0], 3 -> [3,0,0,2]; the reference column
// holds 2 (= 128 / 4^3) in every row.
// CHECK-LABEL: func.func @offset
// CHECK: arith.constant dense<{{\[}}[-376, -252]]> : tensor<1x2xi32>
func.func @offset() -> tensor<1x2xi32> {
  %x = arith.constant dense<[[1, -2, 3]]> : tensor<1x3xi8>
  %levels = arith.constant dense<[[1, 1, 0, 2, 1, 2, 3, 1, 2],
                                  [0, 0, 0, 2, 3, 3, 3, 3, 2],
                                  [1, 0, 0, 0, 3, 0, 0, 2, 2]]> : tensor<3x9xi8>
  %c = cim.array_matmul %x, %levels {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = false>} : tensor<1x3xi8>, tensor<3x9xi8> -> tensor<1x9xi32>
  %y = cim.recombine %c {encoding = #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = false>} : tensor<1x9xi32> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// Differential, 4-bit cells, paired columns: |w| in 2 base-16 digits, each
// slice a (G+, G-) pair: 5 -> (5,0)(0,0); -7 -> (0,7)(0,0); 0 -> zeros;
// 127 -> (15,0)(7,0); -127 -> (0,15)(0,7); 3 -> (3,0)(0,0).
// CHECK-LABEL: func.func @differential
// CHECK: arith.constant dense<{{\[}}[-376, -252]]> : tensor<1x2xi32>
func.func @differential() -> tensor<1x2xi32> {
  %x = arith.constant dense<[[1, -2, 3]]> : tensor<1x3xi8>
  %levels = arith.constant dense<[[5, 0, 0, 0, 0, 7, 0, 0],
                                  [0, 0, 0, 0, 15, 0, 7, 0],
                                  [0, 15, 0, 7, 3, 0, 0, 0]]> : tensor<3x8xi8>
  %c = cim.array_matmul %x, %levels {encoding = #cim.encoding<differential, weight_bits = 8, bits_per_cell = 4, slices = 2, paired_columns = true>} : tensor<1x3xi8>, tensor<3x8xi8> -> tensor<1x8xi32>
  %y = cim.recombine %c {encoding = #cim.encoding<differential, weight_bits = 8, bits_per_cell = 4, slices = 2, paired_columns = true>} : tensor<1x8xi32> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// Two's complement, 4-bit cells: slices 0-1 hold the low 7 bits in base 16,
// slice 2 the sign bit (weighted -128): 5 -> [5,0,0]; -7 -> 121 = [9,7,1];
// 0 -> [0,0,0]; 127 -> [15,7,0]; -127 -> 1 = [1,0,1]; 3 -> [3,0,0].
// CHECK-LABEL: func.func @twos_complement
// CHECK: arith.constant dense<{{\[}}[-376, -252]]> : tensor<1x2xi32>
func.func @twos_complement() -> tensor<1x2xi32> {
  %x = arith.constant dense<[[1, -2, 3]]> : tensor<1x3xi8>
  %levels = arith.constant dense<[[5, 0, 0, 9, 7, 1],
                                  [0, 0, 0, 15, 7, 0],
                                  [1, 0, 1, 3, 0, 0]]> : tensor<3x6xi8>
  %c = cim.array_matmul %x, %levels {encoding = #cim.encoding<twos_complement, weight_bits = 8, bits_per_cell = 4, slices = 3, paired_columns = false>} : tensor<1x3xi8>, tensor<3x6xi8> -> tensor<1x6xi32>
  %y = cim.recombine %c {encoding = #cim.encoding<twos_complement, weight_bits = 8, bits_per_cell = 4, slices = 3, paired_columns = false>} : tensor<1x6xi32> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// Differential inside one unit cell (HERMES): signed levels, one column per
// slice: 8-bit cells hold |w| in one slice.
// CHECK-LABEL: func.func @differential_in_cell
// CHECK: arith.constant dense<{{\[}}[-376, -252]]> : tensor<1x2xi32>
func.func @differential_in_cell() -> tensor<1x2xi32> {
  %x = arith.constant dense<[[1, -2, 3]]> : tensor<1x3xi8>
  %levels = arith.constant dense<[[5, -7], [0, 127], [-127, 3]]> : tensor<3x2xi16>
  %c = cim.array_matmul %x, %levels {encoding = #cim.encoding<differential, weight_bits = 8, bits_per_cell = 8, slices = 1, paired_columns = false>} : tensor<1x3xi8>, tensor<3x2xi16> -> tensor<1x2xi32>
  %y = cim.recombine %c {encoding = #cim.encoding<differential, weight_bits = 8, bits_per_cell = 8, slices = 1, paired_columns = false>} : tensor<1x2xi32> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}
