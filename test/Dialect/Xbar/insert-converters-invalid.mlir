// RUN: cim-opt %s -split-input-file --cim-arch=%S/../CIM/Inputs/tiny.yaml --xbar-insert-converters -verify-diagnostics

func.func @unprogrammed(%x: tensor<1x4xi8>) -> tensor<1x5xi32> {
  // expected-error @+1 {{reads an array block no xbar.program wrote; the ADC range cannot be set}}
  %y = xbar.mvm %x on #xbar.array<chip = 0, tile = 0, core = 0, array = 0> at [0, 0] : tensor<1x4xi8> -> tensor<1x5xi32>
  return %y : tensor<1x5xi32>
}
