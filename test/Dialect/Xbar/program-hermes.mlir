// HERMES-like unit cells hold G+ and G- together: signed levels are valid.
// RUN: cim-opt %s -split-input-file --cim-arch=hermes -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @signed_levels
func.func @signed_levels() {
  // CHECK: xbar.program
  %levels = arith.constant dense<[[-255, 255, 0]]> : tensor<1x3xi16>
  xbar.program %levels into #xbar.array<chip = 0, tile = 63, core = 0, array = 0> at [0, 0] : tensor<1x3xi16>
  return
}

// -----

func.func @too_negative() {
  %levels = arith.constant dense<[[-256]]> : tensor<1x1xi16>
  // expected-error @+1 {{cell level -256 at element 0 is outside -255..255 (8 bits per cell)}}
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<1x1xi16>
  return
}
