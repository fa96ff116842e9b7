// With a #cim.arch on the module, placement is checked against the machine.
// RUN: cim-opt %s -split-input-file --cim-arch=isaac -verify-diagnostics
// The arch is attached by a pass, after parsing: verification runs again
// when the pass is done, and that is where these errors come from.

func.func @no_such_tile(%x: tensor<128xi8>) -> tensor<8xi32> {
  // expected-error @+1 {{tile 168 does not exist on 'isaac' (it has 168)}}
  %0 = xbar.mvm %x on #xbar.array<chip = 0, tile = 168, core = 0, array = 0> at [0, 0] : tensor<128xi8> -> tensor<8xi32>
  return %0 : tensor<8xi32>
}

// -----

func.func @no_such_chip(%x: tensor<128xi8>) -> tensor<8xi32> {
  // expected-error @+1 {{chip 1 does not exist on 'isaac' (it has 1)}}
  %0 = xbar.mvm %x on #xbar.array<chip = 1, tile = 0, core = 0, array = 0> at [0, 0] : tensor<128xi8> -> tensor<8xi32>
  return %0 : tensor<8xi32>
}

// -----

func.func @too_many_rows(%x: tensor<128xi8>) -> tensor<8xi32> {
  // expected-error @+1 {{rows 1..129 exceed the 128 rows of a 'isaac' array}}
  %0 = xbar.mvm %x on #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [1, 0] : tensor<128xi8> -> tensor<8xi32>
  return %0 : tensor<8xi32>
}

// -----

func.func @too_many_columns() {
  %levels = arith.constant dense<1> : tensor<4x8xi8>
  // expected-error @+1 {{columns 124..132 exceed the 128 columns of a 'isaac' array}}
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 7> at [0, 124] : tensor<4x8xi8>
  return
}

// -----

func.func @level_too_high() {
  // isaac cells hold 2 bits: levels 0..3.
  %levels = arith.constant dense<[[0, 1], [2, 4]]> : tensor<2x2xi8>
  // expected-error @+1 {{cell level 4 at element 3 is outside 0..3 (2 bits per cell)}}
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<2x2xi8>
  return
}

// -----

func.func @levels_too_narrow(%levels: tensor<2x2xi1>) {
  // expected-error @+1 {{element type 'i1' cannot hold 2-bit cell levels}}
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<2x2xi1>
  return
}

// -----

func.func @negative_level() {
  // Unsigned levels on isaac: -1 is not a conductance.
  %levels = arith.constant dense<[[0, -1]]> : tensor<1x2xi8>
  // expected-error @+1 {{cell level -1 at element 1 is outside 0..3 (2 bits per cell)}}
  xbar.program %levels into #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<1x2xi8>
  return
}
