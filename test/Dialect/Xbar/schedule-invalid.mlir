// RUN: cim-opt %s --xbar-schedule -verify-diagnostics

func.func @unrouted(%x: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{'cim.accumulate' op has no core; run xbar-route before xbar-schedule}}
  %y = cim.accumulate %x, %x : tensor<2xi32>
  return %y : tensor<2xi32>
}
