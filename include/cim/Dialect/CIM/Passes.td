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

#endif // CIM_DIALECT_CIM_PASSES_TD
