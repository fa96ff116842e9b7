// RUN: cim-opt %s --cim-arch=%S/Inputs/tiny.yaml --cim-tile | FileCheck %s

// tiny: 4 rows, 4 weight columns per array. A 10 x 5 weight needs row blocks
// of 4, 4, 2 and column blocks of 4, 1: six tiles, the three row blocks of
// each column block summed, the two column blocks concatenated.
// CHECK-LABEL: func.func @split
// CHECK-SAME: (%[[X:.*]]: tensor<2x10xi8>)
func.func @split(%x: tensor<2x10xi8>) -> tensor<2x5xi32> {
  %w = arith.constant dense<[[1, 2, 3, 4, 5], [-1, -2, -3, -4, -5], [0, 1, 0, 1, 0], [7, 7, 7, 7, 7], [1, 1, 1, 1, 1],
                             [2, 2, 2, 2, 2], [3, 3, 3, 3, 3], [4, 4, 4, 4, 4], [5, 5, 5, 5, 5], [6, 6, 6, 6, 6]]> : tensor<10x5xi8>
  // CHECK: %[[X0:.*]] = tensor.extract_slice %[[X]][0, 0] [2, 4] [1, 1]
  // CHECK: %[[X1:.*]] = tensor.extract_slice %[[X]][0, 4] [2, 4] [1, 1]
  // CHECK: %[[X2:.*]] = tensor.extract_slice %[[X]][0, 8] [2, 2] [1, 1]
  // The first tile holds rows 0-3, columns 0-3 of the weight.
  // CHECK: %[[W00:.*]] = arith.constant dense<{{\[}}[1, 2, 3, 4], [-1, -2, -3, -4], [0, 1, 0, 1], [7, 7, 7, 7]]> : tensor<4x4xi8>
  // CHECK: %[[T00:.*]] = cim.crossbar_matmul %[[X0]], %[[W00]] {cim.matrix_id = 0 : i64, cim.tile = array<i64: 0, 0>} : tensor<2x4xi8>, tensor<4x4xi8> -> tensor<2x4xi32>
  // CHECK: %[[T10:.*]] = cim.crossbar_matmul %[[X1]], %{{.*}} {cim.matrix_id = 0 : i64, cim.tile = array<i64: 1, 0>}
  // CHECK: %[[W20:.*]] = arith.constant dense<{{\[}}[5, 5, 5, 5], [6, 6, 6, 6]]> : tensor<2x4xi8>
  // CHECK: %[[T20:.*]] = cim.crossbar_matmul %[[X2]], %[[W20]] {cim.matrix_id = 0 : i64, cim.tile = array<i64: 2, 0>} : tensor<2x2xi8>, tensor<2x4xi8> -> tensor<2x4xi32>
  // CHECK: %[[A0:.*]] = cim.accumulate %[[T00]], %[[T10]], %[[T20]] : tensor<2x4xi32>
  // CHECK: %[[W01:.*]] = arith.constant dense<{{\[}}[5], [-5], [0], [7]]> : tensor<4x1xi8>
  // CHECK: %[[T01:.*]] = cim.crossbar_matmul %[[X0]], %[[W01]] {cim.matrix_id = 0 : i64, cim.tile = array<i64: 0, 1>}
  // CHECK: %[[A1:.*]] = cim.accumulate
  // CHECK: %[[Y:.*]] = tensor.concat dim(1) %[[A0]], %[[A1]] : (tensor<2x4xi32>, tensor<2x1xi32>) -> tensor<2x5xi32>
  // CHECK: return %[[Y]]
  %y = cim.crossbar_matmul %x, %w : tensor<2x10xi8>, tensor<10x5xi8> -> tensor<2x5xi32>
  return %y : tensor<2x5xi32>
}

// A product that fits one array is only tagged.
// CHECK-LABEL: func.func @fits
func.func @fits(%x: tensor<2x3xi8>) -> tensor<2x2xi32> {
  %w = arith.constant dense<1> : tensor<3x2xi8>
  // CHECK: cim.crossbar_matmul %{{.*}}, %{{.*}} {cim.matrix_id = 1 : i64, cim.tile = array<i64: 0, 0>} : tensor<2x3xi8>, tensor<3x2xi8> -> tensor<2x2xi32>
  // CHECK-NOT: cim.accumulate
  %y = cim.crossbar_matmul %x, %w : tensor<2x3xi8>, tensor<3x2xi8> -> tensor<2x2xi32>
  return %y : tensor<2x2xi32>
}

// Grouped: each group is its own matrix (placement packs them later).
// CHECK-LABEL: func.func @grouped
func.func @grouped(%x: tensor<5x2x3xi8>) -> tensor<5x2x1xi32> {
  %w = arith.constant dense<[[[1], [2], [3]], [[4], [5], [6]]]> : tensor<2x3x1xi8>
  // CHECK: %[[G0:.*]] = tensor.extract_slice %{{.*}}[0, 0, 0] [5, 1, 3] [1, 1, 1] : tensor<5x2x3xi8> to tensor<5x3xi8>
  // CHECK: cim.crossbar_matmul %[[G0]], %{{.*}} {cim.matrix_id = 2 : i64, cim.tile = array<i64: 0, 0>}
  // CHECK: tensor.extract_slice %{{.*}}[0, 1, 0] [5, 1, 3] [1, 1, 1]
  // CHECK: cim.crossbar_matmul %{{.*}}, %{{.*}} {cim.matrix_id = 3 : i64, cim.tile = array<i64: 0, 0>}
  // CHECK: tensor.concat dim(1) %{{.*}}, %{{.*}} : (tensor<5x1x1xi32>, tensor<5x1x1xi32>) -> tensor<5x2x1xi32>
  %y = cim.crossbar_matmul %x, %w : tensor<5x2x3xi8>, tensor<2x3x1xi8> -> tensor<5x2x1xi32>
  return %y : tensor<5x2x1xi32>
}

// Float products (not quantised yet) are left alone.
// CHECK-LABEL: func.func @float
func.func @float(%x: tensor<2x10xf32>) -> tensor<2x5xf32> {
  %w = arith.constant dense<1.0> : tensor<10x5xf32>
  // CHECK: cim.crossbar_matmul %{{.*}}, %{{.*}} : tensor<2x10xf32>, tensor<10x5xf32> -> tensor<2x5xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<2x10xf32>, tensor<10x5xf32> -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}
