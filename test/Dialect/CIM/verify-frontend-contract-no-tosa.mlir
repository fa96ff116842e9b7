// With allow-tosa=false, TOSA ops are reported instead of lowered.
// RUN: cim-opt %s --cim-verify-frontend-contract="allow-tosa=false" -verify-diagnostics

// expected-error @+1 {{1 violation(s) of the frontend contract}}
module {
  func.func @tosa(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'tosa.add' is outside the frontend contract}}
    %0 = tosa.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
