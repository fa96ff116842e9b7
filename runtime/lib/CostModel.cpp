//===- CostModel.cpp - Time and energy of one instruction -----------------===//

#include "CostModel.h"

#include "Generic.h"

#include <algorithm>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The P x M steps of a [P, M, C]-shaped value (lower ranks: P = M = 1 for
/// the missing dims): every element but the innermost dim.
static int64_t steps(const ValueInfo &value) {
  const int64_t inner = value.shape.empty() ? 1 : value.shape.back();
  return inner ? value.numElements() / inner : 0;
}

InstructionCost detail::costOf(const Program &program, const Instruction &inst,
                               const ExecuteOptions &options) {
  const arch::ArchSpec &a = program.arch;
  InstructionCost cost;
  if (inst.opcode == Opcode::Generic) {
    // Every loop point runs the body's ops on one lane.
    const int64_t ops = genericIterations(inst) * genericOpsPerPoint(inst);
    cost.cycles =
        ceilDiv(ops, a.vectorUnit.lanes) * a.nsToCycles(a.vectorUnit.latencyNs);
    cost.energy.vectorUnit =
        static_cast<double>(ops) * a.vectorUnit.energyPjPerOp;
    return cost;
  }
  const ValueInfo &in = program.values[inst.inputs[0]];
  switch (inst.opcode) {
  case Opcode::Program: {
    // Levels computed at run time (the reprogram path) cannot be loaded
    // ahead: they are written when the program reaches them.
    if (options.weightsPreloaded && !in.constant.empty())
      return cost;
    const int64_t rows = in.shape[0], cols = in.shape[1];
    cost.cycles = rows * a.nsToCycles(a.array.cell.writeLatencyNs);
    cost.energy.cellWrite =
        static_cast<double>(rows * cols) * a.array.cell.writeEnergyPj;
    return cost;
  }
  case Opcode::Dac: {
    // Every element of the input is one row driven for one vector.
    const int64_t planes = program.values[inst.output].shape[0];
    cost.energy.dac =
        static_cast<double>(planes * in.numElements()) * a.dac.energyPj;
    return cost;
  }
  case Opcode::Mvm: {
    const int64_t vectorSteps = steps(in);
    cost.cycles =
        vectorSteps * a.nsToCycles(a.dac.latencyNs + a.array.readLatencyNs);
    cost.energy.arrayRead =
        static_cast<double>(vectorSteps) * a.array.readEnergyPj;
    // Planes are digits of one input: M * K * C MACs whatever P is.
    const int64_t planes = in.shape.size() == 3 ? in.shape[0] : 1;
    const int64_t columns = program.values[inst.output].shape.back();
    cost.macs = planes ? in.numElements() / planes * columns : 0;
    return cost;
  }
  case Opcode::Adc: {
    const int64_t columns = in.shape.empty() ? 1 : in.shape.back();
    cost.cycles = steps(in) * a.nsToCycles(ceilDiv(columns, a.adc.perArray) *
                                           a.adc.latencyNs);
    cost.adcConversions = in.numElements();
    cost.energy.adc = static_cast<double>(cost.adcConversions) * a.adc.energyPj;
    return cost;
  }
  case Opcode::ShiftAdd:
    cost.cycles = steps(in) * a.nsToCycles(a.shiftAdd.latencyNs);
    cost.energy.shiftAdd =
        static_cast<double>(in.numElements()) * a.shiftAdd.energyPj;
    return cost;
  case Opcode::Recombine:
  case Opcode::Accumulate:
  case Opcode::Rescale:
  case Opcode::Quantize:
  case Opcode::DynamicScale:
  case Opcode::Encode: {
    int64_t ops = in.numElements();
    if (inst.opcode == Opcode::Accumulate)
      ops *= std::max<int64_t>(static_cast<int64_t>(inst.inputs.size()) - 1, 1);
    cost.cycles =
        ceilDiv(ops, a.vectorUnit.lanes) * a.nsToCycles(a.vectorUnit.latencyNs);
    cost.energy.vectorUnit =
        static_cast<double>(ops) * a.vectorUnit.energyPjPerOp;
    return cost;
  }
  case Opcode::Slice:
  case Opcode::Concat: {
    // Data movement through the vector unit: every output element is one
    // lane-step, and every core_buffer.port_bits of the output one buffer
    // access (one access per element if the arch gives no port width).
    const ValueInfo &out = program.values[inst.output];
    const int64_t elements = out.numElements();
    cost.cycles = ceilDiv(elements, a.vectorUnit.lanes) *
                  a.nsToCycles(a.vectorUnit.latencyNs);
    const int64_t accesses =
        a.coreBuffer.portBits > 0
            ? ceilDiv(out.bytes() * 8, a.coreBuffer.portBits)
            : elements;
    cost.energy.vectorUnit =
        static_cast<double>(accesses) * a.coreBuffer.energyPjPerAccess;
    return cost;
  }
  case Opcode::Reshape:
  case Opcode::Generic:
    // A reshape is a new view of the same buffer: free.
    return cost;
  case Opcode::Transfer: {
    cost.bytes = in.bytes();
    const int64_t flits = ceilDiv(cost.bytes * 8, a.noc.flitBits);
    cost.meshLinkCycles = flits;
    cost.cycles = inst.hops * a.nsToCycles(a.noc.hopLatencyNs) + flits;
    cost.energy.noc =
        static_cast<double>(flits * inst.hops) * a.noc.hopEnergyPjPerFlit;
    if (inst.chipHops > 0) {
      // GB/s is bytes per ns.
      cost.chipLinkCycles = a.nsToCycles(static_cast<double>(cost.bytes) /
                                         a.chipLink.bandwidthGBps);
      cost.cycles += inst.chipHops *
                     (a.nsToCycles(a.chipLink.latencyNs) + cost.chipLinkCycles);
      cost.energy.chipLink =
          static_cast<double>(cost.bytes * 8 * inst.chipHops) *
          a.chipLink.energyPjPerBit;
    }
    return cost;
  }
  }
  return cost;
}
