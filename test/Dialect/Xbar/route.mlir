// RUN: cim-opt %s --cim-arch=%S/../CIM/Inputs/tiny.yaml --xbar-route | FileCheck %s

// tiny: 4 tiles of 1 core each on a 2x2 mesh, one tile per router. The
// product on tile 3 (router (1,1)) reads an input quantised on tile 0: 2
// hops. The accumulation runs where its first operand was made (tile 3), so
// the other partial moves there, and the result returns to core 0. Three
// transfers of 8 bytes = 2 flits of 32 bits, each over 2 hops: 12 flit-hops.
// CHECK: xbar.routing = {bytes_routed = 24 : i64, chip_link_bytes = 0 : i64, core_capacity_bytes = 10240 : i64, dram_bytes = 0 : i64, flit_hops = 12 : i64, peak_core_bytes = {{[0-9]+}} : i64, transfers = 3 : i64}
// CHECK-LABEL: func.func @route
// CHECK: %[[Q:.*]] = cim.quantize %{{.*}} {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>}
// CHECK: xbar.program {{.*}} {xbar.core = #xbar.core<chip = 0, tile = 3, core = 0>}
// CHECK: %[[T:.*]] = xbar.transfer %[[Q]] from <chip = 0, tile = 0, core = 0> to <chip = 0, tile = 3, core = 0> hops 2 chip_hops 0 {xbar.core = #xbar.core<chip = 0, tile = 3, core = 0>} : tensor<2x4xi8>
// CHECK: %[[S:.*]] = xbar.mvm %[[T]] on <chip = 0, tile = 3, core = 0, array = 1> at [0, 0] {xbar.core = #xbar.core<chip = 0, tile = 3, core = 0>}
// CHECK: %[[P:.*]] = xbar.transfer %{{.*}} from <chip = 0, tile = 0, core = 0> to <chip = 0, tile = 3, core = 0> hops 2 chip_hops 0 {{.*}} : tensor<2x1xi32>
// CHECK: %[[A:.*]] = cim.accumulate %[[S]], %[[P]] {xbar.core = #xbar.core<chip = 0, tile = 3, core = 0>}
// CHECK: %[[R:.*]] = xbar.transfer %[[A]] from <chip = 0, tile = 3, core = 0> to <chip = 0, tile = 0, core = 0> hops 2 chip_hops 0
// CHECK: return {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>} %[[R]]
func.func @route(%x: tensor<2x4xf32>, %p: tensor<2x1xi32>) -> tensor<2x1xi32> {
  %q = cim.quantize %x bits 4 scales [0.5] : tensor<2x4xf32> -> tensor<2x4xi8>
  %levels = arith.constant dense<[[3], [3], [2], [0]]> : tensor<4x1xi8>
  xbar.program %levels into #xbar.array<chip = 0, tile = 3, core = 0, array = 1> at [0, 0] : tensor<4x1xi8>
  %s = xbar.mvm %q on #xbar.array<chip = 0, tile = 3, core = 0, array = 1> at [0, 0] : tensor<2x4xi8> -> tensor<2x1xi32>
  %y = cim.accumulate %s, %p : tensor<2x1xi32>
  return %y : tensor<2x1xi32>
}
