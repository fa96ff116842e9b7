// RUN: cim-opt %s -split-input-file -verify-diagnostics

func.func @negative_index() {
  %levels = arith.constant dense<1> : tensor<4x4xi8>
  // expected-error @+1 {{#xbar.array core index must be non-negative, got -1}}
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = -1, array = 0> at [0, 0] : tensor<4x4xi8>
  return
}

// -----

func.func @program_rank(%levels: tensor<16xi8>) {
  // expected-error @+1 {{levels must be a 2-D tensor (rows x cols), got 'tensor<16xi8>'}}
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<16xi8>
  return
}

// -----

func.func @negative_offset(%levels: tensor<4x4xi8>) {
  // expected-error @+1 {{attribute 'row' failed to satisfy constraint: 64-bit signless integer attribute whose value is non-negative}}
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [-1, 0] : tensor<4x4xi8>
  return
}

// -----

func.func @mvm_rank(%x: tensor<4x4xi8>) -> tensor<4xi32> {
  // expected-error @+1 {{input and result must be [K] -> [C], [M, K] -> [M, C] or [P, M, K] -> [P, M, C], got 'tensor<4x4xi8>' -> 'tensor<4xi32>'}}
  %0 = xbar.mvm %x on #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<4x4xi8> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @float_levels(%levels: tensor<4x4xf32>) {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of signless integer values}}
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<4x4xf32>
  return
}

// -----

func.func @dac_planes(%x: tensor<4xi8>) -> tensor<2x4xi8> {
  // expected-error @+1 {{8-bit inputs through 3-bit DACs take 3 planes: the result must be 'tensor<3x4xi8>', got 'tensor<2x4xi8>'}}
  %p = xbar.dac %x input_bits 8 dac_bits 3 : tensor<4xi8> -> tensor<2x4xi8>
  return %p : tensor<2x4xi8>
}

// -----

func.func @shift_add_shape(%p: tensor<3x4xi32>) -> tensor<3xi32> {
  // expected-error @+1 {{result must be the planes' shape without the leading plane dim, got 'tensor<3x4xi32>' -> 'tensor<3xi32>'}}
  %y = xbar.shift_add %p dac_bits 1 : tensor<3x4xi32> -> tensor<3xi32>
  return %y : tensor<3xi32>
}
