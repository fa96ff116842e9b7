// RUN: cim-opt %s --cim-arch=%S/../CIM/Inputs/tiny.yaml --xbar-route | FileCheck %s

// Column blocks of one matrix on two cores read one dac's planes. The
// planes (8 planes of 2x4 digits, 64 bytes) are not moved: the dac is
// repeated on the second core and the 8-byte input crosses the mesh
// instead (tile 0 to tile 3: 2 hops), once; the second product's 64 bytes
// of sums return to core 0 for the function's result.
// CHECK: xbar.routing = {bytes_routed = 72 : i64
// CHECK-SAME: transfers = 2 : i64
// CHECK-LABEL: func.func @split
// CHECK: %[[Q:.*]] = cim.quantize
// CHECK: %[[D0:.*]] = xbar.dac %[[Q]] {{.*}}{xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>}
// CHECK: xbar.mvm %[[D0]] on <chip = 0, tile = 0, core = 0, array = 0>
// CHECK: %[[T:.*]] = xbar.transfer %[[Q]] from <chip = 0, tile = 0, core = 0> to <chip = 0, tile = 3, core = 0> hops 2 chip_hops 0 {{.*}} : tensor<2x4xi8>
// CHECK: %[[D1:.*]] = xbar.dac %[[T]] {{.*}}{xbar.core = #xbar.core<chip = 0, tile = 3, core = 0>}
// CHECK: xbar.mvm %[[D1]] on <chip = 0, tile = 3, core = 0, array = 1>
// CHECK-NOT: xbar.transfer {{.*}} : tensor<8x2x4xi8>
func.func @split(%x: tensor<2x4xf32>) -> (tensor<8x2x1xi32>, tensor<8x2x1xi32>) {
  %q = cim.quantize %x bits 8 scales [0.5] : tensor<2x4xf32> -> tensor<2x4xi8>
  %levels = arith.constant dense<[[3], [3], [2], [0]]> : tensor<4x1xi8>
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<4x1xi8>
  xbar.program %levels into #xbar.array<chip = 0, tile = 3, core = 0, array = 1> at [0, 0] : tensor<4x1xi8>
  %planes = xbar.dac %q input_bits 8 dac_bits 1 : tensor<2x4xi8> -> tensor<8x2x4xi8>
  %a = xbar.mvm %planes on #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<8x2x4xi8> -> tensor<8x2x1xi32>
  %b = xbar.mvm %planes on #xbar.array<chip = 0, tile = 3, core = 0, array = 1> at [0, 0] : tensor<8x2x4xi8> -> tensor<8x2x1xi32>
  return %a, %b : tensor<8x2x1xi32>, tensor<8x2x1xi32>
}
