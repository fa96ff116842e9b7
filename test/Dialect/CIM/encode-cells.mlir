// RUN: cim-opt %s --cim-arch=%S/Inputs/tiny.yaml --cim-encode-cells | FileCheck %s
// RUN: cim-opt %s --cim-arch=%S/Inputs/tiny-diff.yaml --cim-encode-cells | FileCheck %s --check-prefix=DIFF

// tiny: offset, 2-bit cells, 4-bit weights: u = w + 8 in two base-4
// digits, then one reference column holding 8 / 4 = 2.
// w = [[3, -8+1], [0, 7]] -> u = [[11, 1], [8, 15]]
//   11 = (3, 2), 1 = (1, 0), 8 = (0, 2), 15 = (3, 3).
// CHECK-LABEL: func.func @offset
// CHECK: %[[L:.*]] = arith.constant dense<{{\[}}[3, 2, 1, 0, 2], [0, 2, 3, 3, 2]]> : tensor<2x5xi8>
// CHECK: %[[C:.*]] = cim.array_matmul %{{.*}}, %[[L]] {cim.matrix_id = 0 : i64, cim.tile = array<i64: 0, 0>, encoding = #cim.encoding<offset, weight_bits = 4, bits_per_cell = 2, slices = 2, paired_columns = false>} : tensor<1x2xi8>, tensor<2x5xi8> -> tensor<1x5xi32>
// CHECK: cim.recombine %[[C]] {encoding = #cim.encoding<offset, weight_bits = 4, bits_per_cell = 2, slices = 2, paired_columns = false>} : tensor<1x5xi32> -> tensor<1x2xi32>
// CHECK-NOT: cim.crossbar_matmul
//
// tiny-diff: |w| in ceil(3/2) = 2 slices, each a (G+, G-) column pair.
// 3 -> (3,0)(0,0); -7 -> (0,3)(0,1); 0 -> zeros; 7 -> (3,0)(1,0).
// DIFF-LABEL: func.func @offset
// DIFF: arith.constant dense<{{\[}}[3, 0, 0, 0, 0, 3, 0, 1], [0, 0, 0, 0, 3, 0, 1, 0]]> : tensor<2x8xi8>
// DIFF: encoding = #cim.encoding<differential, weight_bits = 4, bits_per_cell = 2, slices = 2, paired_columns = true>
func.func @offset(%x: tensor<1x2xi8>) -> tensor<1x2xi32> {
  %w = arith.constant dense<[[3, -7], [0, 7]]> : tensor<2x2xi8>
  %y = cim.crossbar_matmul %x, %w {cim.matrix_id = 0 : i64, cim.tile = array<i64: 0, 0>} : tensor<1x2xi8>, tensor<2x2xi8> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// A reprogrammed product's weight is an activation: the digital unit
// encodes it at run time (cim.encode_weights) and the array product reads
// those levels; the encoding is the same as for constants.
// CHECK-LABEL: func.func @reprogrammed
// CHECK-SAME: (%[[X:.*]]: tensor<1x2xi8>, %[[W:.*]]: tensor<2x2xi8>)
// CHECK: %[[L:.*]] = cim.encode_weights %[[W]] {encoding = #cim.encoding<offset, weight_bits = 4, bits_per_cell = 2, slices = 2, paired_columns = false>} : tensor<2x2xi8> -> tensor<2x5xi8>
// CHECK: %[[C:.*]] = cim.array_matmul %[[X]], %[[L]]
// CHECK: cim.recombine %[[C]]
// DIFF-LABEL: func.func @reprogrammed
// DIFF: cim.encode_weights %{{.*}} {encoding = #cim.encoding<differential
func.func @reprogrammed(%x: tensor<1x2xi8>, %w: tensor<2x2xi8>) -> tensor<1x2xi32> {
  %y = cim.crossbar_matmul %x, %w {reprogram, cim.tile = array<i64: 0, 0>, cim.weight_bits = 4 : i64} : tensor<1x2xi8>, tensor<2x2xi8> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}
