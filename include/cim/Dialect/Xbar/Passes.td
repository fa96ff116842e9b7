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

def XbarInsertConverters
    : Pass<"xbar-insert-converters", "::mlir::ModuleOp"> {
  let summary = "Stream inputs through DACs and read columns through ADCs";
  let description = [{
    Every `xbar.mvm` on full-precision inputs becomes the converter
    sequence the array really runs: `xbar.dac` splits each input into
    `ceil(input_bits / dac_bits)` planes (the input precision is that of the
    `cim.quantize` feeding it, else the arch's), `xbar.mvm` reads the array
    once per plane, `xbar.adc` converts every column sum with the arch's ADC
    bits, and `xbar.shift_add` weights the planes by their significance.
    The ADC range of each array block is set from its programmed levels:
    the largest column sum the block can produce,
    `max_c sum_k |level[k, c]| * max |digit|`, decides how many low bits
    the ADC cannot resolve (`shift`); when it fits the ADC exactly, the
    conversion is lossless and the product exact. The module records
    `xbar.converters = {dac_planes, adc_conversions, lossless_blocks,
    lossy_blocks}`.
  }];
  let statistics = [
    Statistic<"numAdcConversions", "adc-conversions",
              "ADC conversions per inference">,
  ];
  let dependentDialects = ["::cim::xbar::XbarDialect"];
}

def XbarRoute : Pass<"xbar-route", "::mlir::ModuleOp"> {
  let summary = "Assign every op to a core and move data between cores";
  let description = [{
    Array ops run on the core that owns their array (`xbar.program`,
    `xbar.dac`, `xbar.mvm`, `xbar.adc`, `xbar.shift_add`); every digital op
    runs on the core that produces its first operand, so data stays where it
    was made; graph inputs arrive at, and outputs leave from, core 0 of chip
    0. Each op gets `xbar.core`. Where a consumer's core differs from a
    producer's, an `xbar.transfer` carries the value, once per destination
    core, with its hop count on the mesh (XY routing between the routers of
    the two tiles; several tiles may share a router) and its die-to-die hops
    for the arch's chip-link topology. Buffers: every value lives on its
    core from definition to last use (DAC planes, raw sums and ADC codes
    stream through the array's peripherals and are not counted); each
    core's peak is compared with its
    scratchpad plus its share of the tile buffer, and what does not fit goes
    to DRAM (an error when the machine has none). The module records
    `xbar.routing = {transfers, bytes_routed, flit_hops, chip_link_bytes,
    peak_core_bytes, core_capacity_bytes, dram_bytes}`.
  }];
  let statistics = [
    Statistic<"numTransfers", "transfers", "NoC transfers inserted">,
  ];
  let dependentDialects = ["::cim::xbar::XbarDialect"];
}

def XbarSchedule : Pass<"xbar-schedule", "::mlir::ModuleOp"> {
  let summary = "Order each core's instructions";
  let description = [{
    Array programming moves to the start of each function (arrays are
    written once, when the program loads) in placement order. Every other
    op keeps the program order, which is a topological order of the data
    flow, and gets `xbar.order`, its position in its core's instruction
    stream; cores run their streams concurrently and wait only on
    transfers, so consecutive layers on different cores overlap when
    several inputs stream through (inter-layer pipelining). The order is a
    function of the IR alone: the same input gives the same schedule. The
    module records `xbar.schedule = {cores_used, instructions,
    max_core_instructions, programs}`. Requires `xbar-route`.
  }];
  let dependentDialects = ["::cim::xbar::XbarDialect"];
}

def XbarVerifyRuntimeContract
    : Pass<"xbar-verify-runtime-contract", "::mlir::ModuleOp"> {
  let summary = "Check that every op is executable by the runtime";
  let description = [{
    The mapping pipeline's last step: the module must translate to a
    runtime program (`cim-translate --emit-program`). Every op is an
    instruction of the runtime's ISA (docs/isa.md): an array, converter or
    data-movement instruction, or a digital op the vector unit's `generic`,
    `reshape` or `dynamic_scale` expresses (linalg ops with indexing maps
    linear in the loop indices and bodies of arith/math ops with a scalar
    counterpart, constant padding, static slices, im2col, dynamic
    quantisation), and every instruction has its core and its position in
    that core's stream. Each op that is not is reported (one error per op
    name); the IR is not changed.
  }];
}

#endif // CIM_DIALECT_XBAR_PASSES_TD
