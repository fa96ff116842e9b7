//===- NeededValues.cpp - Values a run must compute -----------------------===//

#include "NeededValues.h"

#include "Topology.h"

#include <unordered_map>
#include <unordered_set>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

std::vector<char> detail::neededValues(const Program &program, bool ideal,
                                       bool observe) {
  const size_t values = program.values.size();
  // An observer sees every value: all of them are computed then.
  std::vector<char> needed(values, observe ? 1 : 0);
  if (observe)
    return needed;
  const arch::ArchSpec &arch = program.arch;
  // Backwards from the outputs, over the writer of each needed value
  // (transfers link the cores' streams). A program's levels are needed
  // when a needed mvm reads its array.
  std::vector<const Instruction *> writer(values, nullptr);
  std::unordered_map<int64_t, std::vector<const Instruction *>> programsOf;
  std::vector<int64_t> work;
  auto mark = [&](int64_t id) {
    if (id >= 0 && !needed[id]) {
      needed[id] = 1;
      work.push_back(id);
    }
  };
  auto markInputs = [&](const Instruction &inst) {
    if (ideal && inst.opcode == Opcode::Rescale && inst.idealInput >= 0) {
      mark(inst.idealInput);
      mark(inst.idealWeight);
      return;
    }
    for (int64_t id : inst.inputs)
      mark(id);
  };
  // (Validation leaves program the only instruction that writes no value.)
  for (const CoreProgram &core : program.cores)
    for (const Instruction &inst : core.instructions) {
      if (inst.opcode == Opcode::Program)
        programsOf[arrayIndex(arch, inst.array)].push_back(&inst);
      else
        writer[inst.output] = &inst;
    }
  for (size_t v = 0; v < values; ++v)
    if (program.values[v].isOutput)
      mark(static_cast<int64_t>(v));
  std::unordered_set<int64_t> readArrays;
  while (!work.empty()) {
    const Instruction *inst = writer[work.back()];
    work.pop_back();
    if (!inst)
      continue;
    if (inst->opcode == Opcode::Mvm) {
      const int64_t array = arrayIndex(arch, inst->array);
      if (readArrays.insert(array).second)
        for (const Instruction *write : programsOf[array])
          markInputs(*write);
    }
    markInputs(*inst);
  }
  return needed;
}
