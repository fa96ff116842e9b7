// RUN: cim-opt %s --cim-arch=%S/../CIM/Inputs/tiny.yaml --xbar-insert-converters | FileCheck %s

// tiny: 1-bit DACs, 8-bit ADCs, 4-bit inputs (from the cim.quantize). The
// block's largest column sum per plane is 3 + 3 + 2 + 0 = 8 (levels of
// column 0): 4 bits, within the ADC, so the conversion is lossless.
// CHECK: xbar.converters = {adc_conversions = 24 : i64, dac_planes = 4 : i64, lossless_blocks = 1 : i64, lossy_blocks = 0 : i64}
// CHECK-LABEL: func.func @chain
// CHECK: %[[Q:.*]] = cim.quantize
// CHECK: %[[P:.*]] = xbar.dac %[[Q]] input_bits 4 dac_bits 1 : tensor<2x4xi8> -> tensor<4x2x4xi8>
// CHECK: %[[S:.*]] = xbar.mvm %[[P]] on <chip = 0, tile = 0, core = 0, array = 1> at [0, 0] : tensor<4x2x4xi8> -> tensor<4x2x3xi32>
// CHECK: %[[A:.*]] = xbar.adc %[[S]] bits 8 shift 0 : tensor<4x2x3xi32>
// CHECK: %[[Y:.*]] = xbar.shift_add %[[A]] dac_bits 1 : tensor<4x2x3xi32> -> tensor<2x3xi32>
// CHECK: return %[[Y]]
func.func @chain(%x: tensor<2x4xf32>) -> tensor<2x3xi32> {
  %q = cim.quantize %x bits 4 scales [0.5] : tensor<2x4xf32> -> tensor<2x4xi8>
  %levels = arith.constant dense<[[3, 0, 1], [3, 1, 1], [2, 2, 0], [0, 3, 0]]> : tensor<4x3xi8>
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 1> at [0, 0] : tensor<4x3xi8>
  %y = xbar.mvm %q on #xbar.array<chip = 0, tile = 0, core = 0, array = 1> at [0, 0] : tensor<2x4xi8> -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}
