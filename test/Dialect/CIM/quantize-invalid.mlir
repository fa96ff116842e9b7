// cim-quantize failures, each at the product at fault.
// RUN: cim-opt %s -split-input-file -verify-diagnostics --cim-quantize="weight-bits=8 input-bits=8"
// Without an arch, a precision left at 0 cannot be resolved.
// RUN: not cim-opt %s -split-input-file --cim-quantize 2>&1 | FileCheck %s --check-prefix=NOARCH
// RUN: not cim-opt %s -split-input-file --cim-quantize="weight-bits=8" 2>&1 | FileCheck %s --check-prefix=NOINPUT
// RUN: not cim-opt %s -split-input-file --cim-quantize="weight-bits=1" 2>&1 | FileCheck %s --check-prefix=BADBITS

// NOARCH: quantize-invalid.mlir:[[# @LINE + 5]]:8: error: cannot quantise: no weight precision (the module has no #cim.arch; attach one with --cim-arch or set cim-quantize's weight-bits)
// NOINPUT: quantize-invalid.mlir:[[# @LINE + 4]]:8: error: cannot quantise: no input precision (the module has no #cim.arch; attach one with --cim-arch or set cim-quantize's input-bits)
// BADBITS: error: cim-quantize: weight-bits must be 0 (the arch's) or in [2, 32], got 1
func.func @needs_precision(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// A weight that verifies as stationary but is no constant the quantiser
// can read.
func.func @unreadable_weight(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = tensor.empty() : tensor<2x2xf32>
  // expected-error @+1 {{cannot quantise: the weight is not a float constant the quantiser can read}}
  %y = cim.crossbar_matmul %x, %w : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// A resource printed with its data elided has nothing to quantise.
func.func @elided_weight(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense_resource<__elided__> : tensor<2x2xf32>
  // expected-error @+1 {{cannot quantise: the weight's dense_resource blob holds no data}}
  %y = cim.crossbar_matmul %x, %w : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

func.func @infinite_weight(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[0x7F800000, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  // expected-error @+1 {{cannot quantise: the weight holds non-finite values}}
  %y = cim.crossbar_matmul %x, %w : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}
