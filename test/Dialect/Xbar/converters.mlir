// Semantics of the converter ops, checked by folding hand-worked values.
// RUN: cim-opt %s --canonicalize | FileCheck %s
// RUN: cim-opt %s | cim-opt | FileCheck %s --check-prefix=ROUNDTRIP

// 8-bit inputs through 3-bit DACs: 3 planes of bits [0,3), [3,6), [6,8),
// the top one signed. -100 = 0b10011100: digits 4, 3, and 0b10 -> -2, so
// -100 = 4 + 3*8 - 2*64.
// CHECK-LABEL: func.func @dac
// CHECK: arith.constant dense<{{\[}}[4, 5], [3, 0], [-2, 1]]> : tensor<3x2xi8>
// ROUNDTRIP: xbar.dac %{{.*}} input_bits 8 dac_bits 3 : tensor<2xi8> -> tensor<3x2xi8>
func.func @dac() -> tensor<3x2xi8> {
  %x = arith.constant dense<[-100, 69]> : tensor<2xi8>
  %p = xbar.dac %x input_bits 8 dac_bits 3 : tensor<2xi8> -> tensor<3x2xi8>
  return %p : tensor<3x2xi8>
}

// Shift-and-add undoes the planes.
// CHECK-LABEL: func.func @dac_then_shift_add
// CHECK: arith.constant dense<[-100, 69]> : tensor<2xi32>
// ROUNDTRIP: xbar.shift_add %{{.*}} dac_bits 3 : tensor<3x2xi32> -> tensor<2xi32>
func.func @dac_then_shift_add() -> tensor<2xi32> {
  %x = arith.constant dense<[-100, 69]> : tensor<2xi32>
  %p = xbar.dac %x input_bits 8 dac_bits 3 : tensor<2xi32> -> tensor<3x2xi32>
  %y = xbar.shift_add %p dac_bits 3 : tensor<3x2xi32> -> tensor<2xi32>
  return %y : tensor<2xi32>
}

// A 4-bit ADC dropping one low bit: round half away from zero, clamp to
// +-15 (magnitude range) or [-8, 7] (signed range), back in sum units.
// 5 -> 3 -> 6; -5 -> -3 -> -6; 7 -> 4 -> 8; 300 -> 150 -> 15 -> 30.
// CHECK-LABEL: func.func @adc
// CHECK-DAG: arith.constant dense<[6, -6, 8, 30]> : tensor<4xi32>
// CHECK-DAG: arith.constant dense<[6, -6, 8, 14]> : tensor<4xi32>
// ROUNDTRIP: xbar.adc %{{.*}} bits 4 shift 1 : tensor<4xi32>
// ROUNDTRIP: xbar.adc %{{.*}} bits 4 shift 1 signed : tensor<4xi32>
func.func @adc() -> (tensor<4xi32>, tensor<4xi32>) {
  %s = arith.constant dense<[5, -5, 7, 300]> : tensor<4xi32>
  %a = xbar.adc %s bits 4 shift 1 : tensor<4xi32>
  %b = xbar.adc %s bits 4 shift 1 signed : tensor<4xi32>
  return %a, %b : tensor<4xi32>, tensor<4xi32>
}
