//===- CIMAttrs.td - Attributes of the cim dialect ---------*- tablegen -*-===//

#ifndef CIM_DIALECT_CIM_CIMATTRS_TD
#define CIM_DIALECT_CIM_CIMATTRS_TD

include "cim/Dialect/CIM/CIMDialect.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/EnumAttr.td"

def CIM_SignedEncoding : I32EnumAttr<"SignedEncoding",
    "how a signed weight is stored in non-negative cells", [
      I32EnumAttrCase<"differential", 0>,
      I32EnumAttrCase<"offset", 1>,
      I32EnumAttrCase<"twos_complement", 2>
    ]> {
  let cppNamespace = "::cim";
  let genSpecializedAttr = 0;
}
def CIM_SignedEncodingAttr : EnumAttr<CIM_Dialect, CIM_SignedEncoding,
                                      "signed_encoding">;

def CIM_CellEncodingAttr : CIM_Attr<"CellEncoding", "encoding"> {
  let summary = "How the weights of one array are laid out in cell levels";
  let description = [{
    States exactly how logical weight column `n` (of `N`) of a `W`-bit
    weight occupies the array's physical columns, so `cim.recombine` and the
    runtime agree bit for bit. With `b` bits per cell and `S` slices, slice
    `s` holds bits `[b*s, b*s + b)`:

    * `differential`: `S = ceil((W-1)/b)` slices of `|w|`. With
      `paired_columns`, slice `s` of column `n` is the column pair
      `2*(n*S + s)` (G+, level = digit if `w > 0`) and `2*(n*S + s) + 1`
      (G-, level = digit if `w < 0`). Without (G+ and G- inside one unit
      cell), column `n*S + s` holds the signed level `sign(w) * digit`.
      `y[n] = sum_s 2^(b*s) * (C[+] - C[-])`.
    * `offset`: `S = ceil(W/b)` slices of `u = w + 2^(W-1)` in columns
      `n*S + s`; one reference column, `N*S`, holds `2^(W-1-b*(S-1))` in
      every row. `y[n] = sum_s 2^(b*s) * C[n*S+s] - 2^(b*(S-1)) * C[N*S]`.
    * `twos_complement`: `S = ceil((W-1)/b) + 1`; slices `0..S-2` hold the
      low `W-1` bits of `w`'s two's complement, slice `S-1` only the sign
      bit. `y[n] = sum_{s<S-1} 2^(b*s) * C[n*S+s] - 2^(W-1) * C[n*S+S-1]`.

    ```mlir
    #cim.encoding<offset, weight_bits = 8, bits_per_cell = 2, slices = 4, paired_columns = false>
    ```
  }];
  let parameters = (ins
    "::cim::SignedEncoding":$scheme,
    "int64_t":$weightBits,
    "int64_t":$bitsPerCell,
    "int64_t":$slices,
    "bool":$pairedColumns
  );
  let assemblyFormat = [{
    `<` $scheme `,` `weight_bits` `=` $weightBits `,` `bits_per_cell` `=`
    $bitsPerCell `,` `slices` `=` $slices `,` `paired_columns` `=`
    $pairedColumns `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Physical columns one logical weight column occupies.
    int64_t columnsPerWeight() const {
      return getSlices() * (getPairedColumns() ? 2 : 1);
    }
    /// Reference columns after the weight columns (offset only).
    int64_t referenceColumns() const {
      return getScheme() == ::cim::SignedEncoding::offset ? 1 : 0;
    }
    /// Physical columns for `n` logical weight columns.
    int64_t physicalColumns(int64_t n) const {
      return n * columnsPerWeight() + referenceColumns();
    }
    /// The plain-C++ form the encoder and the runtime share.
    ::cim::arch::CellEncoding toArch() const;
    static CellEncodingAttr fromArch(::mlir::MLIRContext *context,
                                     const ::cim::arch::CellEncoding &encoding);
  }];
}

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
  // The storage caches the loaded spec: verifiers of placed ops read it for
  // every op, and loading validates the whole description.
  let genStorageClass = 0;
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
    /// The spec of the module's machine, or an error at `module` saying
    /// that `passName` needs one and how to attach it.
    static ::mlir::FailureOr<::cim::arch::ArchSpec>
    requireSpec(::mlir::Operation *module, ::llvm::StringRef passName);
  }];
}

#endif // CIM_DIALECT_CIM_CIMATTRS_TD
