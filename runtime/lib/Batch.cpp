//===- Batch.cpp - Pipelined runs of several inputs -----------------------===//

#include "cim/runtime/Batch.h"

#include "ExecuteValid.h"
#include "cim/runtime/Validate.h"

#include <map>
#include <tuple>
#include <vector>

using namespace cim::runtime;

/// Appends copy `index`'s suffix ("#1") to a name.
static void appendCopyIndex(std::string &name, int64_t index) {
  name += '#';
  name += std::to_string(index);
}

std::string cim::runtime::batchBinding(const std::string &binding,
                                       int64_t index) {
  std::string name = binding;
  appendCopyIndex(name, index);
  return name;
}

Status cim::runtime::batchProgram(const Program &program, int64_t n,
                                  Program &batched) {
  if (n < 1)
    return Status::error("the batch must hold at least one input, got " +
                         std::to_string(n));
  std::vector<bool> perInference(program.values.size(), false);
  for (size_t v = 0; v < program.values.size(); ++v)
    perInference[v] = program.values[v].isInput;
  for (const CoreProgram &core : program.cores)
    for (const Instruction &inst : core.instructions)
      if (inst.output >= 0 &&
          static_cast<size_t>(inst.output) < perInference.size())
        perInference[inst.output] = true;

  // An array programmed once keeps its levels for every copy; one the
  // program rewrites (reprogrammed products) is rewritten in every copy.
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t>, int64_t> writes;
  for (const CoreProgram &core : program.cores)
    for (const Instruction &inst : core.instructions)
      if (inst.opcode == Opcode::Program)
        ++writes[{inst.array.core.chip, inst.array.core.tile,
                  inst.array.core.core, inst.array.array}];

  batched = Program();
  batched.arch = program.arch;
  // Shared values keep one id; each per-inference value gets n ids.
  std::vector<int64_t> firstId(program.values.size());
  int64_t copiedValues = 0;
  for (bool each : perInference)
    copiedValues += each ? n : 1;
  batched.values.reserve(static_cast<size_t>(copiedValues));
  for (size_t v = 0; v < program.values.size(); ++v) {
    const ValueInfo &value = program.values[v];
    firstId[v] = static_cast<int64_t>(batched.values.size());
    const int64_t copies = perInference[v] ? n : 1;
    for (int64_t i = 0; i < copies; ++i) {
      // Copied in place: a value is a large struct, and a batch of a
      // network has a hundred thousand of them.
      ValueInfo &copy = batched.values.emplace_back(value);
      if (perInference[v]) {
        appendCopyIndex(copy.name, i);
        if (!value.binding.empty())
          copy.binding = batchBinding(value.binding, i);
      }
    }
  }
  auto idOf = [&](int64_t id, int64_t i) {
    if (id < 0 || static_cast<size_t>(id) >= firstId.size())
      return id; // validate() reports it
    return firstId[id] + (perInference[id] ? i : 0);
  };
  for (const CoreProgram &core : program.cores) {
    CoreProgram copy;
    copy.core = core.core;
    copy.instructions.reserve(core.instructions.size() * n);
    for (int64_t i = 0; i < n; ++i)
      for (const Instruction &inst : core.instructions) {
        // Constant levels written once stay for every copy; levels made
        // at run time are written by each copy.
        // (Ids are not validated yet: an out-of-range one is copied for
        // validate() to report.)
        const bool constantLevels =
            inst.opcode == Opcode::Program && !inst.inputs.empty() &&
            inst.inputs[0] >= 0 &&
            static_cast<size_t>(inst.inputs[0]) < program.values.size() &&
            !program.values[inst.inputs[0]].constant.empty();
        if (constantLevels && i > 0 &&
            writes[{inst.array.core.chip, inst.array.core.tile,
                    inst.array.core.core, inst.array.array}] == 1)
          continue;
        Instruction &repeated = copy.instructions.emplace_back(inst);
        for (int64_t &id : repeated.inputs)
          id = idOf(id, i);
        repeated.output = idOf(inst.output, i);
        if (inst.idealInput >= 0) {
          repeated.idealInput = idOf(inst.idealInput, i);
          repeated.idealWeight = idOf(inst.idealWeight, i);
        }
      }
    batched.cores.push_back(std::move(copy));
  }
  // A copy's binding ("y#1") may be one the program already had: the
  // batch could not tell them apart (executeBatch does not validate the
  // repetition, so this is checked here).
  for (bool inputs : {true, false}) {
    std::map<std::string, const ValueInfo *> bound;
    for (const ValueInfo &value : batched.values) {
      if ((inputs ? value.isInput : value.isOutput) == false ||
          value.binding.empty())
        continue;
      auto [it, inserted] = bound.emplace(value.binding, &value);
      if (!inserted)
        return Status::error("in a batch of " + std::to_string(n) + ", '" +
                             it->second->name + "' and '" + value.name +
                             "' share the " + (inputs ? "input" : "output") +
                             " binding '" + value.binding + "'");
    }
  }
  return Status::ok();
}

Status cim::runtime::executeBatch(const Program &program, int64_t n,
                                  const TensorMap &inputs,
                                  const ExecuteOptions &options,
                                  ExecuteResult &result, Program &repeated) {
  if (Status s = validate(program); !s)
    return s;
  if (n == 1)
    return detail::executeValid(program, inputs, options, result);
  if (Status s = batchProgram(program, n, repeated); !s)
    return s;
  return detail::executeValid(repeated, inputs, options, result);
}

Status cim::runtime::executeBatch(const Program &program, int64_t n,
                                  const TensorMap &inputs,
                                  const ExecuteOptions &options,
                                  ExecuteResult &result) {
  Program repeated;
  return executeBatch(program, n, inputs, options, result, repeated);
}
