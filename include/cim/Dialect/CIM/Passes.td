//===- Passes.td - Passes of the cim dialect ---------------*- tablegen -*-===//

#ifndef CIM_DIALECT_CIM_PASSES_TD
#define CIM_DIALECT_CIM_PASSES_TD

include "mlir/Pass/PassBase.td"

def CIMAttachArch : Pass<"cim-attach-arch", "::mlir::ModuleOp"> {
  let summary = "Attach a hardware description to the module";
  let description = [{
    Loads a preset (`isaac`, `hermes`, `flash8`) or a YAML file, validates it
    and stores it as the module's `cim.arch` attribute, which every later
    pass reads. An invalid file fails the pass with the loader's diagnostics
    (file, line, field). `cim-opt --cim-arch=<preset|file>` is shorthand for
    this pass.
  }];
  let options = [
    Option<"arch", "arch", "std::string", /*default=*/"\"\"",
           "Preset name or path of an arch YAML file">,
    Option<"replace", "replace", "bool", /*default=*/"false",
           "Replace an arch already attached instead of failing">,
  ];
  let dependentDialects = ["::cim::CIMDialect"];
}

def CIMVerifyFrontendContract
    : Pass<"cim-verify-frontend-contract", "::mlir::ModuleOp"> {
  let summary = "Check that a module is inside the frontend contract";
  let description = [{
    The frontend contract is what the mapping pipeline accepts: upstream
    `func`, `linalg`, `tensor`, `arith` and `math` ops (plus `builtin`) on
    statically shaped tensors. Every op outside it and every dynamic shape is
    reported, each at its location (which names the ONNX node for imported
    models), and the pass fails if there was any. With `allow-tosa` (the
    default), a module holding TOSA ops is first lowered with upstream's
    TOSA-to-linalg pipeline, so TOSA input from other frontends is accepted.
    Plain linalg from other frontends (torch-mlir's linalg-on-tensors output)
    passes as is when it meets the rules.
  }];
  let options = [
    Option<"allowTosa", "allow-tosa", "bool", /*default=*/"true",
           "Lower TOSA ops with the upstream TOSA-to-linalg pipeline first">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::tosa::TosaDialect", "::mlir::func::FuncDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def CIMConvertLinalg : Pass<"cim-convert-linalg", "::mlir::ModuleOp"> {
  let summary = "Matrix products with stationary weights become crossbar ops";
  let description = [{
    `linalg.matmul` (and `linalg.batch_matmul` whose right operand is one
    constant matrix) with a constant weight becomes `cim.crossbar_matmul`;
    convolutions (`linalg.conv_{1d_ncw_fcw,2d_nchw_fchw}`,
    `linalg.conv_2d_ngchw_gfchw`, `linalg.depthwise_conv_{1d_ncw_cw,2d_nchw_chw}`)
    become `cim.im2col` + a (grouped) `cim.crossbar_matmul` + the reshape and
    transpose back to NCHW. Products of two activations are never rejected:
    they stay linalg ops tagged `cim.path = "digital"`, or become a
    `cim.crossbar_matmul {reprogram}` when the arch's cost model says writing
    the cells each time is cheaper than the digital path. Aggregated ops
    (`linalg.softmax`) are decomposed into the `linalg.generic` reductions
    and maps they stand for. Everything else stays linalg: the digital ops
    the vector units run.
  }];
  let options = [
    Option<"activationProducts", "activation-products", "std::string",
           /*default=*/"\"cost\"",
           "Products of two activations: cost (choose by the arch's cost "
           "model), digital, or reprogram">,
  ];
  let statistics = [
    Statistic<"numCrossbarProducts", "crossbar-products",
              "Matrix products mapped to crossbars">,
    Statistic<"numConvolutions", "convolutions",
              "Convolutions unfolded with im2col">,
    Statistic<"numDigitalProducts", "digital-products",
              "Activation products left to the digital units">,
    Statistic<"numReprogrammedProducts", "reprogrammed-products",
              "Activation products computed by reprogramming arrays">,
  ];
  let dependentDialects = ["::cim::CIMDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect"];
}

def CIMQuantize : Pass<"cim-quantize", "::mlir::ModuleOp"> {
  let summary = "Quantise crossbar products to integers";
  let description = [{
    Every float `cim.crossbar_matmul` becomes an integer one: the constant
    weight quantised per output channel to `weight-bits` (symmetric, narrow
    range; ternary weights {-a, 0, +a} per column are kept ternary, 2 bits),
    the input quantised to `input-bits` — with the scale of an ONNX
    DequantizeLinear feeding it when there is one (`onnx.qdq`), else by
    `cim.quantize_dynamic` at run time, unless a calibration table gives the
    input's range — and the i32 accumulator rescaled by `cim.rescale`.
    Defaults come from the module's `#cim.arch`. A calibration table
    (`calibration-table`, JSON `{"<ONNX node>": max |x|, ...}`, written by
    `cim-compile --calibration-data`) makes the input scale of each listed
    product's node static: `max |x| / (2^(bits-1) - 1)`.
  }];
  let options = [
    Option<"calibrationTable", "calibration-table", "std::string",
           /*default=*/"\"\"",
           "JSON file of each product's input range by ONNX node">,
    Option<"weightBits", "weight-bits", "int64_t", /*default=*/"0",
           "Weight precision (0: the arch's precision.weight_bits)">,
    Option<"inputBits", "input-bits", "int64_t", /*default=*/"0",
           "Input precision (0: the arch's precision.input_bits)">,
  ];
  let statistics = [
    Statistic<"numQuantizedProducts", "quantized-products",
              "Crossbar products quantised">,
    Statistic<"numTernary", "ternary-products",
              "Products whose weights are ternary">,
    Statistic<"numStaticInputScales", "static-input-scales",
              "Inputs quantised with a scale known at compile time">,
  ];
  let dependentDialects = ["::cim::CIMDialect", "::mlir::arith::ArithDialect"];
}

def CIMTile : Pass<"cim-tile", "::mlir::ModuleOp"> {
  let summary = "Split crossbar products into array-sized tiles";
  let description = [{
    Every integer `cim.crossbar_matmul` whose weight needs more rows or
    columns than one array offers (after the columns the cell encoding
    takes) is split into row blocks of at most `array.rows` and column
    blocks of at most the array's weight columns. Each tile is a
    `cim.crossbar_matmul` tagged `cim.tile = [row block, column block]`;
    the row blocks of a column block are summed by `cim.accumulate`, the
    column blocks joined by `tensor.concat`. Grouped products split into one
    product per group first.
  }];
  let statistics = [
    Statistic<"numTiles", "tiles", "Array-sized tiles produced">,
    Statistic<"numAccumulations", "accumulations",
              "Partial-sum accumulations across row blocks">,
  ];
  let dependentDialects = ["::cim::CIMDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

def CIMEncodeCells : Pass<"cim-encode-cells", "::mlir::ModuleOp"> {
  let summary = "Encode tile weights into cell levels";
  let description = [{
    Each tile `cim.crossbar_matmul` becomes `cim.array_matmul` over the
    tile's cell levels (a constant, computed here with the arch's signed
    encoding and bits per cell) followed by `cim.recombine`, whose
    `#cim.encoding` states the exact integer semantics. After this pass the
    weights exist only as cell levels.
  }];
  let statistics = [
    Statistic<"numEncodedTiles", "encoded-tiles", "Tiles encoded">,
    Statistic<"numCells", "cells", "Cells holding weights (incl. reference)">,
  ];
  let dependentDialects = ["::cim::CIMDialect", "::mlir::arith::ArithDialect"];
}

#endif // CIM_DIALECT_CIM_PASSES_TD
