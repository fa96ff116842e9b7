//===- SimulatorSetup.cpp - Bind inputs and plan every instruction --------===//
//
// Before the run: values sized and typed, inputs bound, readers counted
// (storage goes with the last), the fused products found; then each
// instruction's cost, unit and route links, made once.
//
//===----------------------------------------------------------------------===//

#include "NeededValues.h"
#include "Simulator.h"

#include <algorithm>
#include <set>
#include <string>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

Status Simulator::prepare(const TensorMap &inputs) {
  // Binding and planning read the program and write state of their own:
  // on two threads when the pool has them (for a batch of inferences they
  // are tens of milliseconds each, before anything can run).
  Status bound = Status::ok();
  pool.parallelFor(2, 1, [&](int64_t begin, int64_t end) {
    for (int64_t part = begin; part < end; ++part) {
      if (part == 0)
        bound = bind(inputs);
      else
        plan();
    }
  });
  return bound;
}

Status Simulator::bind(const TensorMap &inputs) {
  store.resize(program.values.size());
  sharedWith.assign(program.values.size(), -1);
  waiting.assign(program.values.size(), 0);
  readersLeft.assign(program.values.size(), 0);
  for (const CoreProgram &core : program.cores)
    for (const Instruction &inst : core.instructions)
      for (int64_t id : inst.inputs)
        ++readersLeft[id];
  // A device model sees every mvm's levels: no fused products then.
  chains = std::make_unique<ProductChains>(program, options.device == nullptr);
  for (int64_t id : chains->extraReads())
    ++readersLeft[id];
  needed = neededValues(program, options.numerics == Numerics::Ideal,
                        static_cast<bool>(options.observe));
  // Ideal numerics read the rescales' real-valued references too.
  if (options.numerics == Numerics::Ideal)
    for (const CoreProgram &core : program.cores)
      for (const Instruction &inst : core.instructions)
        if (inst.opcode == Opcode::Rescale && inst.idealInput >= 0) {
          ++readersLeft[inst.idealInput];
          ++readersLeft[inst.idealWeight];
        }
  findGathers();
  readyAt.assign(program.values.size(), -1);
  std::set<std::string> used;
  for (size_t v = 0; v < program.values.size(); ++v) {
    const ValueInfo &value = program.values[v];
    Tensor &t = store[v];
    t.type = value.type;
    t.shape = value.shape;
    if (!value.constant.empty()) {
      readyAt[v] = 0; // made on first read (valueOf)
      continue;
    }
    if (!value.isInput)
      continue;
    auto found = inputs.find(value.binding);
    if (found == inputs.end())
      return Status::error("input '" + value.binding + "' is not bound");
    used.insert(value.binding);
    const Tensor &given = found->second;
    const int64_t count = value.numElements();
    const bool integer = isInteger(value.type);
    // Floats of either width are taken at the value's own: from the
    // storage of the value's width if the host filled it, else the other.
    const bool fromDoubles = value.type == ElementType::F64
                                 ? !given.doubles.empty()
                                 : given.floats.empty();
    const int64_t held = static_cast<int64_t>(
        integer       ? given.ints.size()
        : fromDoubles ? given.doubles.size()
                      : given.floats.size());
    if (given.shape != value.shape || given.isInteger() != integer ||
        held != count)
      return Status::error("input '" + value.binding + "' must be " +
                           std::to_string(count) + " " + toString(value.type) +
                           " elements of the declared shape");
    t.ints = given.ints;
    if (value.type == ElementType::F64)
      fromDoubles
          ? t.doubles.assign(given.doubles.begin(), given.doubles.end())
          : t.doubles.assign(given.floats.begin(), given.floats.end());
    else if (value.type == ElementType::F32)
      fromDoubles
          ? t.floats.assign(given.doubles.begin(), given.doubles.end())
          : t.floats.assign(given.floats.begin(), given.floats.end());
    if (integer && value.type != ElementType::I64) {
      // Booleans are 0 or 1; other widths signed.
      const int64_t bits = integerBits(value.type);
      const int64_t hi = bits == 1 ? 1 : (int64_t(1) << (bits - 1)) - 1;
      const int64_t lo = bits == 1 ? 0 : -hi - 1;
      for (size_t e = 0; e < t.ints.size(); ++e)
        if (t.ints[e] < lo || t.ints[e] > hi)
          return Status::error("input '" + value.binding + "' element " +
                               std::to_string(e) + " = " +
                               std::to_string(t.ints[e]) + " does not fit " +
                               toString(value.type));
    }
    readyAt[v] = 0;
  }
  for (const auto &[name, tensor] : inputs)
    if (!used.count(name))
      return Status::error("the program has no input named '" + name + "'");
  return Status::ok();
}

void Simulator::findGathers() {
  gatherOf.assign(program.values.size(), -1);
  // An observer sees every value, the copy's too.
  if (options.numerics != Numerics::Ideal || options.observe)
    return;
  // Each value's producer, and the instructions that read it and are
  // computed (those of the integer path under an ideal reference are
  // not).
  std::vector<const Instruction *> producer(program.values.size(), nullptr);
  std::vector<int64_t> computedReads(program.values.size(), 0);
  for (size_t c = 0; c < program.cores.size(); ++c)
    for (size_t i = 0; i < program.cores[c].instructions.size(); ++i) {
      const Instruction &inst = program.cores[c].instructions[i];
      if (inst.output >= 0)
        producer[inst.output] = &inst;
      if (isComputed(c, i))
        for (int64_t id : inst.inputs)
          ++computedReads[id];
    }
  for (const CoreProgram &core : program.cores)
    for (const Instruction &inst : core.instructions) {
      if (inst.opcode != Opcode::Rescale || inst.idealInput < 0)
        continue;
      // The rescale must be the matrix's one computed reader (its
      // reference is no instruction input), so it is needed nowhere else.
      const int64_t x = inst.idealInput;
      const ValueInfo &value = program.values[x];
      if (!producer[x] || computedReads[x] != 0 || value.isOutput ||
          value.shape.empty() || value.shape[0] == 0)
        continue;
      RowGather gather;
      if (!rowGatherOf(*producer[x], value.shape[0],
                       value.numElements() / value.shape[0], gather))
        continue;
      // The rescale reads the copy's source too, after the copy (skipped).
      ++readersLeft[gather.source];
      gatherOf[x] = static_cast<int64_t>(gathers.size());
      gathers.push_back(std::move(gather));
    }
}

int64_t Simulator::unitId(UnitKind kind, int64_t index) {
  // try_emplace: no node is made for a unit already known.
  auto [it, inserted] = unitIds.try_emplace(
      std::make_pair(kind, index), static_cast<int64_t>(unitBusy.size()));
  if (inserted)
    unitBusy.push_back(0);
  return it->second;
}

void Simulator::plan() {
  std::map<Link, int64_t> linkIds;
  std::unordered_map<std::string_view, int64_t> nodeIds;
  static const std::string unnamed = "(none)";
  // The array whose sums a value carries: the ADCs and shift-and-add of
  // that array process it.
  std::vector<int64_t> arrayOf(program.values.size(), -1);
  plans.resize(program.cores.size());
  for (size_t c = 0; c < program.cores.size(); ++c) {
    const CoreProgram &core = program.cores[c];
    const int64_t coreIdx = coreIndex(arch, core.core);
    plans[c].reserve(core.instructions.size());
    // Runs of instructions share their node: looked up once a run.
    const std::string *lastNode = nullptr;
    int64_t lastNodeId = 0;
    for (const Instruction &inst : core.instructions) {
      Planned planned;
      planned.cost = costOf(program, inst, options);
      const std::string &node = inst.node.empty() ? unnamed : inst.node;
      if (!lastNode || *lastNode != node) {
        auto [named, added] =
            nodeIds.emplace(node, static_cast<int64_t>(nodeNames.size()));
        if (added)
          nodeNames.push_back(node);
        lastNode = &node;
        lastNodeId = named->second;
      }
      planned.node = lastNodeId;
      const int64_t source =
          inst.inputs.empty() ? -1 : arrayOf[inst.inputs[0]];
      // Sums of no array (e.g. host constants) use the core's own units.
      const int64_t local = source >= 0 ? source : -1 - coreIdx;
      switch (inst.opcode) {
      case Opcode::Program:
      case Opcode::Mvm: {
        const int64_t array = arrayIndex(arch, inst.array);
        planned.unit = unitId(UnitKind::Array, array);
        if (inst.opcode == Opcode::Mvm)
          arrayOf[inst.output] = array;
        break;
      }
      case Opcode::Adc:
        planned.unit = unitId(UnitKind::Adc, local);
        arrayOf[inst.output] = source;
        break;
      case Opcode::ShiftAdd:
        planned.unit = unitId(UnitKind::ShiftAdd, local);
        break;
      case Opcode::Recombine:
      case Opcode::Accumulate:
      case Opcode::Rescale:
      case Opcode::Quantize:
      case Opcode::Slice:
      case Opcode::Concat:
      case Opcode::Generic:
      case Opcode::DynamicScale:
      case Opcode::Encode:
        planned.unit = unitId(UnitKind::VectorUnit, coreIdx);
        break;
      case Opcode::Dac:
      case Opcode::Reshape:
        break;
      case Opcode::Transfer: {
        Route route;
        // Validation already computed the same route successfully.
        (void)computeRoute(arch, inst.from, core.core, route);
        for (const Link &link : route.links) {
          auto [it, inserted] =
              linkIds.try_emplace(link, static_cast<int64_t>(links.size()));
          if (inserted)
            links.push_back({link, 0, 0, 0});
          planned.links.push_back(it->second);
        }
        break;
      }
      }
      plans[c].push_back(std::move(planned));
    }
  }
  nodeEnergy.assign(nodeNames.size(), 0.0);
}
