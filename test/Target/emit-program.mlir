// cim-translate --emit-program: scheduled xbar IR -> a runtime program,
// one instruction per op, run on the simulator and compared with the product
// computed in Python.
//
// RUN: cim-opt %s --cim-arch=%S/../Dialect/CIM/Inputs/tiny.yaml -mlir-print-debuginfo | cim-translate --emit-program -o %t.cimp
// RUN: cim-run %t.cimp --disassemble | FileCheck %s
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %python %S/Inputs/npy_product.py two-cores-inputs %t.dir
// RUN: cim-run %t.cimp --input x_low=%t.dir/x_low.npy --input x_high=%t.dir/x_high.npy --output-dir %t.dir/out --numerics quantized
// RUN: %python %S/Inputs/npy_product.py two-cores-check %t.dir/out | FileCheck %s --check-prefix=RESULT

// Values by SSA, bindings from onnx.name (else out<i>); constants only when
// an instruction reads them.
// CHECK: arch 'tiny'
// CHECK: values (20):
// CHECK: %[[XLOW:[0-9]+]] '%arg0' i8[2x4] input 'x_low'
// CHECK: %[[XHIGH:[0-9]+]] '%arg1' f32[2x4] input 'x_high'
// CHECK: %[[L0:[0-9]+]] '%cst' i8[4x7] constant
// CHECK: %[[L1:[0-9]+]] '%cst_0' i8[4x7] constant
// CHECK: i32[2x3] output 'y'
// CHECK: f32[] constant [2]
// CHECK: f32[2x3] output 'out1'
//
// One stream per core, in xbar.order order; nodes from the ONNX locations
// (else the location printed).
// CHECK-LABEL: core (0, 0, 0), 10 instructions:
// CHECK-NEXT: 0: program %[[L0]] array 0 of core (0, 0, 0) at (0, 0)  // matmul_0
// CHECK-NEXT: 1: %[[P0:[0-9]+]] = dac %[[XLOW]] input_bits 4 dac_bits 1  // matmul_0
// CHECK-NEXT: 2: %[[S0:[0-9]+]] = mvm %[[P0]] array 0 of core (0, 0, 0) at (0, 0)  // matmul_0
// CHECK-NEXT: 3: %[[A0:[0-9]+]] = adc %[[S0]] bits 8 shift 0 signed  // matmul_0
// CHECK-NEXT: 4: %[[C0:[0-9]+]] = shift_add %[[A0]] dac_bits 1  // matmul_0
// CHECK-NEXT: 5: %[[Y0:[0-9]+]] = recombine %[[C0]] encoding offset weight_bits 4 cell_bits 2 slices 2  // matmul_0
// CHECK-NEXT: 6: %[[Q:[0-9]+]] = quantize %[[XHIGH]] scale 0.5 bits 4  // quant_x_high
// CHECK-NEXT: 7: %[[Y1T:[0-9]+]] = transfer %[[Y1:[0-9]+]] from core (0, 1, 0) hops 1 chip_hops 0  // matmul_0
// CHECK-NEXT: 8: %[[Y:[0-9]+]] = accumulate %[[Y0]], %[[Y1T]]  // matmul_0
// CHECK-NEXT: 9: %{{[0-9]+}} = rescale %[[Y]], %{{[0-9]+}} weight_scales [0.25, 0.5, 1]  // rescale.mlir:3:7
// CHECK-LABEL: core (0, 1, 0), 7 instructions:
// CHECK-NEXT: 0: program %[[L1]] array 0 of core (0, 1, 0) at (0, 0)  // matmul_0
// CHECK-NEXT: 1: %[[QT:[0-9]+]] = transfer %[[Q]] from core (0, 0, 0) hops 1 chip_hops 0  // matmul_0
// CHECK-NEXT: 2: %[[P1:[0-9]+]] = dac %[[QT]] input_bits 4 dac_bits 1  // matmul_0
// CHECK-NEXT: 3: %[[S1:[0-9]+]] = mvm %[[P1]] array 0 of core (0, 1, 0) at (0, 0)  // matmul_0
// CHECK-NEXT: 4: %[[A1:[0-9]+]] = adc %[[S1]] bits 8 shift 0 unsigned  // matmul_0
// CHECK-NEXT: 5: %[[C1:[0-9]+]] = shift_add %[[A1]] dac_bits 1  // matmul_0
// CHECK-NEXT: 6: %[[Y1]] = recombine %[[C1]] encoding offset weight_bits 4 cell_bits 2 slices 2  // matmul_0
// CHECK-NOT: instructions
//
// The simulator's outputs equal the product computed in Python, bit for bit
// (quantised numerics: every ADC conversion here is exact).
// RESULT: y.npy: 6 elements match
// RESULT: out1.npy: 6 elements match

// A 2x8 by 8x3 integer product in xbar-schedule's form on the tiny arch
// (test/Dialect/CIM/Inputs/tiny.yaml: 4x9 arrays of 2-bit cells, offset
// encoding of 4-bit weights, one core per tile on a 2x2 mesh). Row block 0
// of the weights runs on tile 0, row block 1 on tile 1; the second half of
// the input arrives as floats, is quantised on core 0 and moved to tile 1;
// the partial product comes back for the accumulation and the rescale.
//
// Weights W (8x3), as the levels below encode them (u = w + 8, slices
// u & 3 and u >> 2, reference column 2):
//    1 -2  3 | -4  5 -6 |  7  0 -1 |  2 -3  4
//   -5  6 -7 |  0  1  2 |  3 -4  5 | -6  7  0
//
// y      = x_low * W[0:4] + quantize(x_high, 0.5, 4 bits) * W[4:8]
// y_real = y * 2.0 * [0.25, 0.5, 1.0]
//
// unittests/Target/EmitProgramTest.cpp parses this file too and runs the
// program in-process.
func.func @main(%x_low: tensor<2x4xi8> {onnx.name = "x_low"},
                %x_high: tensor<2x4xf32> {onnx.name = "x_high"})
    -> (tensor<2x3xi32> {onnx.name = "y"}, tensor<2x3xf32>) {
  %l0 = arith.constant dense<[[1, 2, 2, 1, 3, 2, 2], [0, 1, 1, 3, 2, 0, 2], [3, 3, 0, 2, 3, 1, 2], [2, 2, 1, 1, 0, 3, 2]]> : tensor<4x7xi8>
  xbar.program %l0 into <chip = 0, tile = 0, core = 0, array = 0> at [0, 0] {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<4x7xi8> loc(#matmul)
  %l1 = arith.constant dense<[[3, 0, 2, 3, 1, 0, 2], [0, 2, 1, 2, 2, 2, 2], [3, 2, 0, 1, 1, 3, 2], [2, 0, 3, 3, 0, 2, 2]]> : tensor<4x7xi8>
  xbar.program %l1 into <chip = 0, tile = 1, core = 0, array = 0> at [0, 0] {xbar.core = #xbar.core<chip = 0, tile = 1, core = 0>, xbar.order = 0 : i64} : tensor<4x7xi8> loc(#matmul)
  // Row block 0 on core 0.
  %p0 = xbar.dac %x_low input_bits 4 dac_bits 1 {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 1 : i64} : tensor<2x4xi8> -> tensor<4x2x4xi8> loc(#matmul)
  %s0 = xbar.mvm %p0 on <chip = 0, tile = 0, core = 0, array = 0> at [0, 0] {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 2 : i64} : tensor<4x2x4xi8> -> tensor<4x2x7xi32> loc(#matmul)
  %a0 = xbar.adc %s0 bits 8 shift 0 signed {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 3 : i64} : tensor<4x2x7xi32> loc(#matmul)
  %c0 = xbar.shift_add %a0 dac_bits 1 {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 4 : i64} : tensor<4x2x7xi32> -> tensor<2x7xi32> loc(#matmul)
  %y0 = cim.recombine %c0 {encoding = #cim.encoding<offset, weight_bits = 4, bits_per_cell = 2, slices = 2, paired_columns = false>, xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 5 : i64} : tensor<2x7xi32> -> tensor<2x3xi32> loc(#matmul)
  %q = cim.quantize %x_high bits 4 scales [0.5] {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 6 : i64} : tensor<2x4xf32> -> tensor<2x4xi8> loc(#quant)
  // Row block 1 on tile 1, one hop away.
  %qt = xbar.transfer %q from <chip = 0, tile = 0, core = 0> to <chip = 0, tile = 1, core = 0> hops 1 chip_hops 0 {xbar.core = #xbar.core<chip = 0, tile = 1, core = 0>, xbar.order = 1 : i64} : tensor<2x4xi8> loc(#matmul)
  %p1 = xbar.dac %qt input_bits 4 dac_bits 1 {xbar.core = #xbar.core<chip = 0, tile = 1, core = 0>, xbar.order = 2 : i64} : tensor<2x4xi8> -> tensor<4x2x4xi8> loc(#matmul)
  %s1 = xbar.mvm %p1 on <chip = 0, tile = 1, core = 0, array = 0> at [0, 0] {xbar.core = #xbar.core<chip = 0, tile = 1, core = 0>, xbar.order = 3 : i64} : tensor<4x2x4xi8> -> tensor<4x2x7xi32> loc(#matmul)
  %a1 = xbar.adc %s1 bits 8 shift 0 {xbar.core = #xbar.core<chip = 0, tile = 1, core = 0>, xbar.order = 4 : i64} : tensor<4x2x7xi32> loc(#matmul)
  %c1 = xbar.shift_add %a1 dac_bits 1 {xbar.core = #xbar.core<chip = 0, tile = 1, core = 0>, xbar.order = 5 : i64} : tensor<4x2x7xi32> -> tensor<2x7xi32> loc(#matmul)
  %y1 = cim.recombine %c1 {encoding = #cim.encoding<offset, weight_bits = 4, bits_per_cell = 2, slices = 2, paired_columns = false>, xbar.core = #xbar.core<chip = 0, tile = 1, core = 0>, xbar.order = 6 : i64} : tensor<2x7xi32> -> tensor<2x3xi32> loc(#matmul)
  // Back on core 0: the two row blocks' partial sums, then the rescale.
  %y1t = xbar.transfer %y1 from <chip = 0, tile = 1, core = 0> to <chip = 0, tile = 0, core = 0> hops 1 chip_hops 0 {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 7 : i64} : tensor<2x3xi32> loc(#matmul)
  %y = cim.accumulate %y0, %y1t {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 8 : i64} : tensor<2x3xi32> loc(#matmul)
  %scale = arith.constant dense<2.0> : tensor<f32>
  %r = cim.rescale %y, %scale weight_scales [0.25, 0.5, 1.0] {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 9 : i64} : tensor<2x3xi32>, tensor<f32> -> tensor<2x3xf32> loc(#rescale)
  return {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 10 : i64} %y, %r : tensor<2x3xi32>, tensor<2x3xf32>
}

#file = loc("model.onnx":0:0)
#matmul = loc(fused<"MatMul">["matmul_0"(#file)])
#quant = loc(fused<"QuantizeLinear">["quant_x_high"(#file)])
#rescale = loc("rescale.mlir":3:7)
