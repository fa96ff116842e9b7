//===- XbarDialect.td - The xbar dialect -------------------*- tablegen -*-===//

#ifndef CIM_DIALECT_XBAR_XBARDIALECT_TD
#define CIM_DIALECT_XBAR_XBARDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Xbar_Dialect : Dialect {
  let name = "xbar";
  let cppNamespace = "::cim::xbar";
  let summary = "Physical machine level: the runtime's instruction set as IR";
  let description = [{
    Ops of the `xbar` dialect mirror the runtime's instructions one to one:
    programming cells of an array, array matrix-vector products, conversion,
    shift-and-add, digital vector ops, buffer and DRAM traffic, NoC
    send/receive and synchronisation. Every op names the physical array
    (chip, tile, core, array) it runs on, so emission is a plain translation.
    When the module carries a `#cim.arch`, verifiers check that coordinates
    and array regions exist on that machine.
  }];
  let useDefaultAttributePrinterParser = 1;
  // Converter ops fold on constants (exactness tests); results materialise
  // as arith.constant.
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

class Xbar_Op<string mnemonic, list<Trait> traits = []>
    : Op<Xbar_Dialect, mnemonic, traits>;

class Xbar_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Xbar_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // CIM_DIALECT_XBAR_XBARDIALECT_TD
