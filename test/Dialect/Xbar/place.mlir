// RUN: cim-opt %s -split-input-file --cim-arch=%S/../CIM/Inputs/tiny.yaml --xbar-place | FileCheck %s
// RUN: cim-opt %s -split-input-file --cim-arch=%S/../CIM/Inputs/tiny.yaml --xbar-place="mode=throughput" | FileCheck %s --check-prefix=THROUGHPUT

// tiny: 16 arrays of 4 x 9 (4 tiles x 4 arrays). First-fit decreasing
// height: A (4x5) opens array 0; B (4x5) does not fit beside it and opens
// array 1; C (2x5) fits nowhere and opens array 2; D (2x4) fits beside A in
// array 0's shelf (5 + 4 = 9 columns).
// CHECK: module attributes {cim.arch = {{.*}}, xbar.mapping = {arrays_available = 16 : i64, arrays_used = 3 : i64, cells_used = 58 : i64, lower_bound_arrays = 2 : i64, mode = "latency", utilization = {{.*}} : f64}}
// CHECK-LABEL: func.func @pack
// CHECK-DAG: xbar.program %{{.*}} into <chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<4x5xi8>
// CHECK-DAG: xbar.program %{{.*}} into <chip = 0, tile = 0, core = 0, array = 1> at [0, 0] : tensor<4x5xi8>
// CHECK-DAG: xbar.program %{{.*}} into <chip = 0, tile = 0, core = 0, array = 2> at [0, 0] : tensor<2x5xi8>
// CHECK-DAG: xbar.program %{{.*}} into <chip = 0, tile = 0, core = 0, array = 0> at [0, 5] : tensor<2x4xi8>
// CHECK-DAG: xbar.mvm %{{.*}} on <chip = 0, tile = 0, core = 0, array = 0> at [0, 5] {cim.matrix_id = 3 : i64} : tensor<1x2xi8> -> tensor<1x4xi32>
// CHECK-NOT: cim.array_matmul
// THROUGHPUT-LABEL: func.func @pack
func.func @pack(%a: tensor<1x4xi8>, %c: tensor<1x2xi8>) -> (tensor<1x5xi32>, tensor<1x5xi32>, tensor<1x5xi32>, tensor<1x4xi32>) {
  %la = arith.constant dense<1> : tensor<4x5xi8>
  %lb = arith.constant dense<2> : tensor<4x5xi8>
  %lc = arith.constant dense<3> : tensor<2x5xi8>
  %ld = arith.constant dense<[[0, 1, 2, 3], [3, 2, 1, 0]]> : tensor<2x4xi8>
  %ya = cim.array_matmul %a, %la {cim.matrix_id = 0 : i64, encoding = #cim.encoding<offset, weight_bits = 4, bits_per_cell = 2, slices = 2, paired_columns = false>} : tensor<1x4xi8>, tensor<4x5xi8> -> tensor<1x5xi32>
  %yb = cim.array_matmul %a, %lb {cim.matrix_id = 1 : i64, encoding = #cim.encoding<offset, weight_bits = 4, bits_per_cell = 2, slices = 2, paired_columns = false>} : tensor<1x4xi8>, tensor<4x5xi8> -> tensor<1x5xi32>
  %yc = cim.array_matmul %c, %lc {cim.matrix_id = 2 : i64, encoding = #cim.encoding<offset, weight_bits = 4, bits_per_cell = 2, slices = 2, paired_columns = false>} : tensor<1x2xi8>, tensor<2x5xi8> -> tensor<1x5xi32>
  %yd = cim.array_matmul %c, %ld {cim.matrix_id = 3 : i64, encoding = #cim.encoding<offset, weight_bits = 4, bits_per_cell = 2, slices = 2, paired_columns = false>} : tensor<1x2xi8>, tensor<2x4xi8> -> tensor<1x4xi32>
  return %ya, %yb, %yc, %yd : tensor<1x5xi32>, tensor<1x5xi32>, tensor<1x5xi32>, tensor<1x4xi32>
}

// -----

// Throughput mode: a matrix with 8 input vectors gets spare arrays, each
// replica taking its share of the vectors, until each has one.
// CHECK: xbar.mapping = {arrays_available = 16 : i64, arrays_used = 1 : i64
// CHECK-LABEL: func.func @replicate
// CHECK: xbar.mvm %{{.*}} on <chip = 0, tile = 0, core = 0, array = 0> at [0, 0] {{.*}} : tensor<8x4xi8> -> tensor<8x5xi32>
// CHECK-NOT: tensor.concat
// THROUGHPUT: xbar.mapping = {arrays_available = 16 : i64, arrays_used = 8 : i64
// THROUGHPUT-LABEL: func.func @replicate
// THROUGHPUT: %[[S0:.*]] = tensor.extract_slice %{{.*}}[0, 0] [1, 4] [1, 1] : tensor<8x4xi8> to tensor<1x4xi8>
// THROUGHPUT: xbar.mvm %[[S0]] on <chip = 0, tile = 0, core = 0, array = 0> at [0, 0]
// THROUGHPUT: xbar.program %{{.*}} into <chip = 0, tile = 0, core = 0, array = 1> at [0, 0]
// THROUGHPUT: tensor.extract_slice %{{.*}}[1, 0] [1, 4] [1, 1]
// THROUGHPUT: xbar.mvm %{{.*}} on <chip = 0, tile = 0, core = 0, array = 1> at [0, 0]
// THROUGHPUT: xbar.mvm %{{.*}} on <chip = 0, tile = 1, core = 0, array = 3> at [0, 0]
// THROUGHPUT: tensor.concat dim(0) {{.*}} -> tensor<8x5xi32>
func.func @replicate(%a: tensor<8x4xi8>) -> tensor<8x5xi32> {
  %l = arith.constant dense<1> : tensor<4x5xi8>
  %y = cim.array_matmul %a, %l {cim.matrix_id = 0 : i64, encoding = #cim.encoding<offset, weight_bits = 4, bits_per_cell = 2, slices = 2, paired_columns = false>} : tensor<8x4xi8>, tensor<4x5xi8> -> tensor<8x5xi32>
  return %y : tensor<8x5xi32>
}
