//===- CIMAttrs.td - Attributes of the cim dialect ---------*- tablegen -*-===//

#ifndef CIM_DIALECT_CIM_CIMATTRS_TD
#define CIM_DIALECT_CIM_CIMATTRS_TD

include "cim/Dialect/CIM/CIMDialect.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def CIM_ArchAttr : CIM_Attr<"Arch", "arch"> {
  let summary = "The hardware description a module is compiled for";
  let description = [{
    Carries a whole hardware description (the YAML format of
    `docs/arch.md`) as a nested dictionary mirroring the YAML sections, so
    passes read the machine from the IR and the emitted program embeds exactly
    the spec it was compiled for. The verifier runs the same validation as the
    YAML loader, so an attribute edited by hand is checked like a file.

    ```mlir
    module attributes {cim.arch = #cim.arch<"isaac", {array = {cols = 128 : i64, ...}, ...}>} {}
    ```

    Build it with `ArchAttr::get(context, spec)`; read it back with
    `getSpec()`.
  }];
  let parameters = (ins
    StringRefParameter<"preset or file stem the spec came from">:$name,
    "::mlir::DictionaryAttr":$spec
  );
  let assemblyFormat = "`<` $name `,` $spec `>`";
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins "const ::cim::arch::ArchSpec &":$archSpec)>
  ];
  let extraClassDeclaration = [{
    /// The spec this attribute describes. The attribute verified on
    /// creation, so loading cannot fail here.
    ::cim::arch::ArchSpec getArchSpec() const;
    /// Validates a dictionary as a hardware description; every problem goes
    /// to `emitError`.
    static ::llvm::LogicalResult
    validate(::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError,
             ::mlir::DictionaryAttr spec);
    /// The `cim.arch` attribute of the enclosing module, if any.
    static ArchAttr lookup(::mlir::Operation *op);
  }];
}

#endif // CIM_DIALECT_CIM_CIMATTRS_TD
