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

#endif // CIM_DIALECT_CIM_PASSES_TD
