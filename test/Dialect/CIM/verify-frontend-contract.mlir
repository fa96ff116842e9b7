// RUN: cim-opt %s -split-input-file --cim-verify-frontend-contract -verify-diagnostics | FileCheck %s

// Inside the contract: it passes unchanged.
// CHECK-LABEL: func.func @inside
func.func @inside(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: linalg.matmul
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %e = math.exp %zero : f32
  return %y : tensor<2x3xf32>
}

// -----

// TOSA is lowered to linalg first, then checked.
// CHECK-LABEL: func.func @tosa
// CHECK-NOT: tosa.
// CHECK: linalg.generic
func.func @tosa(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error @+1 {{2 violation(s) of the frontend contract}}
module {
  func.func @outside(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
    %w = arith.constant dense<0.5> : tensor<16x8xf32>
    // expected-error @+1 {{'cim.crossbar_matmul' is outside the frontend contract (allowed: builtin, func, linalg, tensor, arith, math)}}
    %y = cim.crossbar_matmul %x, %w : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
    %c = arith.constant 0 : index
    // expected-error @+1 {{'memref.alloc' is outside the frontend contract}}
    %m = memref.alloc() : memref<4xf32>
    return %y : tensor<4x8xf32>
  }
}

// -----

// expected-error @+1 {{1 violation(s) of the frontend contract}}
module {
  // expected-error @+1 {{argument of type 'tensor<?x4xf32>' is outside the frontend contract (static ranked tensors and scalars only)}}
  func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    return %x : tensor<?x4xf32>
  }
}
