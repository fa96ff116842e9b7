//===- CostModel.h - Time and energy of one instruction ------------*- C++
//-*-===//
//
// Private to the runtime library. What one instruction costs on its own,
// before it waits for anything; the executor adds the waiting (inputs,
// busy units, busy links). All times are whole cycles at arch.clockGHz, each
// step rounded up on its own (hardware steps are clocked):
//
//   program     K rows written one after another: K * write_latency.
//   dac         0 cycles: it only selects digits; the DAC drive is part of
//               each analog step of the mvm (it cannot overlap the read it
//               feeds), so counting it here too would count it twice.
//   mvm         P * M analog steps of (dac.latency + array.read_latency).
//   adc         P * M steps; in each the adc.per_array ADCs convert the C
//               columns in turn: ceil(C / per_array) * adc.latency.
//   shift_add   P * M steps of shift_add.latency: one shift-and-add per
//               column, all C columns of a step in parallel.
//   vector ops  ceil(element ops / vector_unit.lanes) * vector_unit.latency
//               (recombine: one op per input column sum; accumulate: one add
//               per element and extra partial; rescale, quantize: one per
//               element).
//   slice,      data movement on the vector unit: ceil(output elements /
//   concat      vector_unit.lanes) * vector_unit.latency.
//   generic     ceil(loop points * body ops / vector_unit.lanes) *
//               vector_unit.latency (constants and loop indices are free, a
//               bare copy costs one op per point).
//   dynamic_    one op per element (the max |x| reduction).
//   scale
//   reshape     0: a new view of the same buffer.
//   transfer    hops * hop_latency + flits (one flit per cycle) + per chip
//               hop chip_link.latency + bytes / bandwidth; the executor
//               adds the wait for busy links.
//
// Energies (pJ): dac per row driven, plane and vector; array read per plane
// and vector; adc per conversion; shift-add per element; vector unit per
// element op (generic: per body op and loop point); slice and concat one core_buffer access per port_bits of
// output (booked as vector unit energy); NoC per flit and hop; chip link per bit and chip hop; cell
// writes per cell.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_COSTMODEL_H
#define CIM_RUNTIME_LIB_COSTMODEL_H

#include "cim/runtime/Executor.h"
#include "cim/runtime/Program.h"
#include "cim/runtime/Report.h"

#include <cstdint>

namespace cim::runtime::detail {

struct InstructionCost {
  /// Cycles from start to end when nothing else is in the way.
  int64_t cycles = 0;
  EnergyBreakdown energy;
  int64_t adcConversions = 0;
  int64_t macs = 0;
  /// Transfers: bytes moved and cycles each mesh / chip link of the route
  /// is held for serialisation.
  int64_t bytes = 0;
  int64_t meshLinkCycles = 0;
  int64_t chipLinkCycles = 0;
};

InstructionCost costOf(const Program &program, const Instruction &inst,
                       const ExecuteOptions &options);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_COSTMODEL_H
