// RUN: cim-opt %s -split-input-file --cim-arch=%S/Inputs/tiny.yaml --cim-encode-cells -verify-diagnostics

func.func @not_tiled(%x: tensor<1x2xi8>) -> tensor<1x2xi32> {
  %w = arith.constant dense<1> : tensor<2x2xi8>
  // expected-error @+1 {{is not an array-sized tile; run cim-tile first}}
  %y = cim.crossbar_matmul %x, %w : tensor<1x2xi8>, tensor<2x2xi8> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

func.func @too_big(%x: tensor<1x5xi8>) -> tensor<1x2xi32> {
  %w = arith.constant dense<1> : tensor<5x2xi8>
  // expected-error @+1 {{tile of 5 rows x 5 columns does not fit a 4x9 array of 'tiny'}}
  %y = cim.crossbar_matmul %x, %w {cim.tile = array<i64: 0, 0>} : tensor<1x5xi8>, tensor<5x2xi8> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

func.func @out_of_range(%x: tensor<1x2xi8>) -> tensor<1x2xi32> {
  %w = arith.constant dense<[[1, 2], [3, -8]]> : tensor<2x2xi8>
  // expected-error @+1 {{weight -8 at [1, 1] is outside the symmetric 4-bit range the encoding holds}}
  %y = cim.crossbar_matmul %x, %w {cim.tile = array<i64: 0, 0>} : tensor<1x2xi8>, tensor<2x2xi8> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}
