//===- CIMDialect.td - The cim dialect ---------------------*- tablegen -*-===//

#ifndef CIM_DIALECT_CIM_CIMDIALECT_TD
#define CIM_DIALECT_CIM_CIMDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def CIM_Dialect : Dialect {
  let name = "cim";
  let cppNamespace = "::cim";
  let summary = "Logical crossbar level of the analog compute-in-memory compiler";
  let description = [{
    The `cim` dialect sits between the frontend contract (linalg on tensors)
    and the physical `xbar` dialect. Matrix products whose weight operand is a
    constant become crossbar ops; quantisation, tiling into array-sized
    blocks and the encoding of weights into cells are explicit in the IR,
    with exact integer semantics, so a verifier and the runtime agree bit for
    bit. Ops here are not yet bound to a physical array.

    The module carries the machine it is compiled for in the `cim.arch`
    attribute (`#cim.arch<...>`), attached by `--cim-arch=<preset|file>`.
  }];
  let useDefaultAttributePrinterParser = 1;
  // Folded quantisation materialises as arith.constant.
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Name of the module attribute that holds the `#cim.arch`.
    static constexpr ::llvm::StringLiteral kArchAttrName = "cim.arch";

  private:
    /// Defined next to the attribute storage classes (CIMAttrs.cpp).
    void registerAttributes();
  public:
  }];
}

class CIM_Op<string mnemonic, list<Trait> traits = []>
    : Op<CIM_Dialect, mnemonic, traits>;

class CIM_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<CIM_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // CIM_DIALECT_CIM_CIMDIALECT_TD
