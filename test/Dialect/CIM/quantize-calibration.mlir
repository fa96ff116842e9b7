// RUN: cim-opt %s --cim-arch=isaac --cim-quantize="calibration-table=%S/Inputs/calibration.json" | FileCheck %s
// RUN: not cim-opt %s --cim-arch=isaac --cim-quantize="calibration-table=%S/Inputs/calibration-broken.json" 2>&1 | FileCheck %s --check-prefix=BROKEN
// RUN: not cim-opt %s --cim-arch=isaac --cim-quantize="calibration-table=%S/Inputs/missing.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not cim-opt %s --cim-arch=isaac --cim-quantize="calibration-table=%S/Inputs/calibration-negative.json" 2>&1 | FileCheck %s --check-prefix=NEGATIVE

// A product whose ONNX node is in the table gets a static input scale,
// max |x| / 127 for 8-bit inputs (2.54 / 127 = 0.02, rounded to f32), and its rescale a
// constant; one that is not keeps the run-time scale.
// CHECK-LABEL: func.func @calibrated
// CHECK: cim.quantize %{{.*}} bits 8 scales [0.019999999552965164]
// CHECK-NOT: cim.quantize_dynamic
// CHECK: cim.quantize_dynamic
// CHECK-NOT: cim.quantize_dynamic
func.func @calibrated(%x: tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %w = arith.constant dense<[[0.5, -0.25, 1.0], [0.125, 0.75, -1.0], [0.0, 0.5, 0.25], [-0.5, 1.0, 0.0]]> : tensor<4x3xf32>
  %y = cim.crossbar_matmul %x, %w : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32> loc("fc")
  %z = cim.crossbar_matmul %x, %w : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32> loc("other")
  return %y, %z : tensor<2x3xf32>, tensor<2x3xf32>
}

// BROKEN: error: cim-quantize: calibration table '{{.*}}calibration-broken.json' is not a readable JSON object of input ranges by ONNX node
// MISSING: error: cim-quantize: calibration table '{{.*}}missing.json' is not a readable JSON object of input ranges by ONNX node
// NEGATIVE: error: cim-quantize: calibration table '{{.*}}calibration-negative.json' gives node 'fc' a range that is not a finite number >= 0
