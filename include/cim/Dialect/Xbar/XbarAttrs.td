//===- XbarAttrs.td - Attributes of the xbar dialect -------*- tablegen -*-===//

#ifndef CIM_DIALECT_XBAR_XBARATTRS_TD
#define CIM_DIALECT_XBAR_XBARATTRS_TD

include "cim/Dialect/Xbar/XbarDialect.td"

def Xbar_ArrayAttr : Xbar_Attr<"ArrayCoord", "array"> {
  let summary = "Physical coordinate of one crossbar array";
  let description = [{
    Names one array of the machine: `#xbar.array<chip = 0, tile = 12,
    core = 3, array = 5>`. Indices are zero-based within their parent (array
    5 of core 3 of tile 12 of chip 0). Ops that carry it are checked against
    the module's `#cim.arch` when there is one.
  }];
  let parameters = (ins "int64_t":$chip, "int64_t":$tile, "int64_t":$core,
                        "int64_t":$array);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Xbar_CoreAttr : Xbar_Attr<"CoreCoord", "core"> {
  let summary = "Physical coordinate of one core";
  let description = [{
    Names one core: `#xbar.core<chip = 0, tile = 12, core = 3>`. After
    `xbar-route` every op carries the core that runs it (`xbar.core`).
  }];
  let parameters = (ins "int64_t":$chip, "int64_t":$tile, "int64_t":$core);
  let assemblyFormat = "`<` struct(params) `>`";
}

#endif // CIM_DIALECT_XBAR_XBARATTRS_TD
