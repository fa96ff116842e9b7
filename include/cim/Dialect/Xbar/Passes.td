//===- Passes.td - Passes of the xbar dialect --------------*- tablegen -*-===//

#ifndef CIM_DIALECT_XBAR_PASSES_TD
#define CIM_DIALECT_XBAR_PASSES_TD

include "mlir/Pass/PassBase.td"

def XbarPlace : Pass<"xbar-place", "::mlir::ModuleOp"> {
  let summary = "Assign every array tile to a physical array";
  let description = [{
    Every `cim.array_matmul` (one tile of cell levels, from
    `cim-encode-cells`) gets a physical array and an offset in it: its
    levels become an `xbar.program` at the start of the function (arrays are
    programmed once, at load) and the product an `xbar.mvm` on that array.
    Tiles are packed into arrays by first-fit decreasing height (shelves of
    rows, tiles side by side in columns), filling arrays in hierarchy order
    (chip, tile, core, array) so consecutive layers land on nearby cores.
    Tiles sharing an array share its rows' DACs and its ADCs and run one
    after another. In `throughput` mode, spare arrays hold replicas of the
    matrices with the most input vectors, each replica taking a share of the
    vectors. If the model does not fit, the pass fails naming the largest
    layers and the shortfall in arrays. The module records
    `xbar.mapping = {arrays_used, arrays_available, cells_used,
    utilization, lower_bound_arrays}`.
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"latency\"",
           "latency (one copy of each matrix) or throughput (replicate the "
           "busiest matrices into spare arrays)">,
  ];
  let statistics = [
    Statistic<"numArraysUsed", "arrays-used", "Physical arrays used">,
    Statistic<"numCellsUsed", "cells-used", "Cells holding weights">,
    Statistic<"numReplicas", "replicas", "Extra tile copies (throughput)">,
  ];
  let dependentDialects = ["::cim::xbar::XbarDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // CIM_DIALECT_XBAR_PASSES_TD
