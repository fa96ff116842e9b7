//===- Executor.cpp - Run a program: values, time and energy
//----------------===//
//
// A deterministic list scheduler. Each core issues its stream in order (an
// instruction never starts before the one before it on its core) and an
// instruction starts at the earliest cycle when its inputs are ready and its
// unit is free: the array (program, mvm), the array's ADCs (adc) or
// shift-and-add (shift_add), the core's vector unit (recombine, accumulate,
// rescale, quantize), or every link of its route (transfer). Units of one
// core work in parallel, so the arrays of a core overlap. At every step the
// instruction that can start earliest runs next (ties: the first core in
// program order), so start times never decrease and a unit or link is
// always granted in time order. Values are computed in issue order: on the
// caller's thread, or, with threads to spare, on a thread of their own that
// follows the schedule (StepThread.h).
//
//===----------------------------------------------------------------------===//

#include "cim/runtime/Executor.h"

#include "ExecuteValid.h"
#include "Generic.h"
#include "Numerics.h"
#include "Simulator.h"
#include "cim/runtime/Validate.h"

#include <algorithm>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

const char *cim::runtime::toString(Numerics numerics) {
  return numerics == Numerics::Ideal ? "ideal" : "quantized";
}


Tensor &Simulator::valueOf(int64_t id) {
  id = storageOf(id);
  Tensor &t = store[id];
  const ValueInfo &value = program.values[id];
  if (!value.constant.empty() && !t.holdsElements()) {
    if (value.type == ElementType::F32)
      value.constant.copyTo(t.floats);
    else if (value.type == ElementType::F64)
      value.constant.copyTo(t.doubles);
    else
      value.constant.copyTo(t.ints);
  }
  return t;
}

void Simulator::runWaitingChains() {
  if (waitingJobs.empty())
    return;
  runParityJobs(waitingJobs, pool);
  waitingJobs.clear();
  for (int64_t id : waitingResults)
    waiting[id] = 0;
  waitingResults.clear();
  for (int64_t id : waitingInputs)
    release(id);
  waitingInputs.clear();
}

bool Simulator::readsWaiting(const Instruction &inst,
                             const ProductChain *chain) const {
  if (waitingJobs.empty())
    return false;
  for (int64_t id : inst.inputs)
    if (waiting[storageOf(id)])
      return true;
  return chain && waiting[storageOf(chain->input)];
}

Status Simulator::cellsOf(int64_t array, CellImage *&image) {
  auto [it, inserted] = cells.emplace(array, CellImage());
  if (inserted)
    it->second.assign(arch.array.rows * arch.array.cols, 0);
  image = &it->second;
  auto pending = pendingPrograms.find(array);
  if (pending == pendingPrograms.end())
    return Status::ok();
  // Waiting chains read plans of the cells about to change.
  runWaitingChains();
  for (auto [c, index] : pending->second) {
    const Instruction &inst = program.cores[c].instructions[index];
    const int64_t levels = inst.inputs[0];
    Tensor scratch;
    if (Status s = evaluate(arch, inst, {&valueOf(levels)}, image,
                            options.numerics, scratch);
        !s)
      return Status::error(toString(program.cores[c].core) + " instruction " +
                           std::to_string(index) + " (program): " +
                           s.message());
    release(levels);
  }
  pendingPrograms.erase(pending);
  blockCache.written(array);
  return Status::ok();
}

int64_t Simulator::earliestStart(size_t c) const {
  const Instruction &inst = program.cores[c].instructions[pc[c]];
  const Planned &planned = plans[c][pc[c]];
  int64_t start = lastStart[c];
  for (int64_t id : inst.inputs) {
    if (readyAt[id] < 0)
      return -1;
    start = std::max(start, readyAt[id]);
  }
  // An ideal reference is not data the machine waits for, but it must
  // exist before ideal numerics read it.
  if (options.numerics == Numerics::Ideal && inst.opcode == Opcode::Rescale &&
      inst.idealInput >= 0 &&
      (readyAt[inst.idealInput] < 0 || readyAt[inst.idealWeight] < 0))
    return -1;
  if (planned.unit >= 0)
    start = std::max(start, unitBusy[planned.unit]);
  for (int64_t link : planned.links)
    start = std::max(start, links[link].busyUntil);
  return start;
}

Status Simulator::compute(const Step &step) {
  const size_t c = step.core, index = step.index;
  const int64_t start = step.start;
  const CoreProgram &core = program.cores[c];
  const Instruction &inst = core.instructions[index];

  CellImage *image = nullptr;
  std::vector<const Tensor *> inputs;
  Tensor scratch;
  Tensor &out = inst.output >= 0 ? store[inst.output] : scratch;
  Status status = Status::ok();
  const bool computed = isComputed(c, index);
  if (inst.opcode == Opcode::Program) {
    // Written into the cells when an mvm reads the array (cellsOf).
    pendingPrograms[arrayIndex(arch, inst.array)].push_back({c, index});
  } else {
    if (inst.opcode == Opcode::Mvm && computed)
      status = cellsOf(arrayIndex(arch, inst.array), image);
    if (computed)
      for (int64_t id : inst.inputs)
        inputs.push_back(&valueOf(id));
  }
  const ProductChain *chain = computed ? chains->atMvm(c, index) : nullptr;
  if (computed && status && readsWaiting(inst, chain) &&
      !sharesInputStorage(inst))
    runWaitingChains();
  if (!status || inst.opcode == Opcode::Program) {
    // Failed applying a program, or a program (deferred above).
  } else if (!computed ||
             (inst.output >= 0 && gatherOf[inst.output] >= 0)) {
    // Nothing reads it: timed and charged, not computed. (Or a copy whose
    // rows its one reader, an ideal product, gathers itself.)
  } else if (chain) {
    const size_t jobs = waitingJobs.size();
    status = evaluateChain(arch, *chain, program.values[inst.output].shape.back(),
                           valueOf(chain->input), &store[chain->planes], *image,
                           arrayIndex(arch, inst.array), options.numerics,
                           blockCache, pool, store[chain->result],
                           waitingJobs);
    if (waitingJobs.size() > jobs) {
      waiting[chain->result] = 1;
      waitingResults.push_back(chain->result);
      waitingInputs.push_back(chain->input);
    } else {
      release(chain->input);
    }
  } else if (inst.opcode == Opcode::Rescale && inst.idealInput >= 0 &&
             options.numerics == Numerics::Ideal) {
    // A float model's weights are read where the program holds them.
    const int64_t weight = storageOf(inst.idealWeight);
    const float *w = store[weight].floats.empty()
                         ? program.values[weight].constant.storedFloats()
                         : nullptr;
    if (!w)
      w = valueOf(weight).floats.data();
    if (const int64_t g = gatherOf[inst.idealInput]; g >= 0) {
      const RowGather &gather = gathers[static_cast<size_t>(g)];
      idealProduct(valueOf(gather.source), w, pool, out, &gather);
      release(gather.source);
    } else {
      idealProduct(valueOf(inst.idealInput), w, pool, out);
    }
    release(inst.idealInput);
    release(inst.idealWeight);
  } else if (sharesInputStorage(inst)) {
    // A copy between cores: the output reads the input's storage, which
    // now also waits for the output's readers (outputs are kept whole).
    const int64_t root = storageOf(inst.inputs[0]);
    sharedWith[inst.output] = root;
    readersLeft[root] += readersLeft[inst.output];
    readersLeft[inst.output] = 0;
  } else if ((inst.opcode == Opcode::Transfer ||
              inst.opcode == Opcode::Reshape) &&
             readersLeft[storageOf(inst.inputs[0])] == 1 &&
             !program.values[storageOf(inst.inputs[0])].isOutput &&
             !options.observe) {
    // The last reader of a value that only moves: its storage moves too.
    out.takeElements(store[storageOf(inst.inputs[0])]);
  } else if (inst.opcode == Opcode::Accumulate && !options.observe &&
             onlyReaderOfFirst(inst)) {
    // The first sum's storage becomes the output's: no copy.
    out.ints = std::move(store[storageOf(inst.inputs[0])].ints);
    addPartials(inputs, out, &pool);
  } else if (!chains->skipsEvaluation(c, index)) {
    if (inst.opcode == Opcode::Generic && !inst.inputs.empty() &&
        !options.observe && onlyReaderOfFirst(inst) &&
        genericRunsInPlace(inst, program.values[inst.inputs[0]],
                           program.values[inst.output])) {
      // An elementwise body over a value nothing else reads (a bias add,
      // a ReLU): its output takes the input's storage, no new buffer.
      out.takeElements(store[storageOf(inst.inputs[0])]);
      inputs[0] = &out;
    }
    status = evaluate(arch, inst, inputs, image, options.numerics, out,
                      options.device, start, &pool);
    if (status && options.observe && inst.output >= 0)
      options.observe(inst, inputs, out);
  }
  if (!status)
    return Status::error(toString(core.core) + " instruction " +
                         std::to_string(index) + " (" + toString(inst.opcode) +
                         "): " + status.message());
  // A program's levels are released when they are applied (cellsOf).
  if (inst.opcode != Opcode::Program)
    for (int64_t id : inst.inputs)
      release(id);
  if (options.progress)
    options.progress(++stepsDone, totalSteps);
  return Status::ok();
}

Status Simulator::issue(size_t c, int64_t start) {
  const CoreProgram &core = program.cores[c];
  const size_t index = pc[c];
  const Instruction &inst = core.instructions[index];
  const Planned &planned = plans[c][index];
  const int64_t end = start + planned.cost.cycles;
  if (steps)
    steps->push({c, index, start});
  else if (Status s = compute({c, index, start}); !s)
    return s;
  if (inst.opcode == Opcode::Program)
    programmedArrays.insert(arrayIndex(arch, inst.array));
  if (inst.output >= 0)
    readyAt[inst.output] = end;
  if (planned.unit >= 0)
    unitBusy[planned.unit] = end;
  for (int64_t id : planned.links) {
    LinkState &link = links[id];
    const int64_t hold = link.link.kind == LinkKind::Mesh
                             ? planned.cost.meshLinkCycles
                             : planned.cost.chipLinkCycles;
    link.busyUntil = start + hold;
    link.busyCycles += hold;
    link.bytes += planned.cost.bytes;
    if (!options.timeline)
      continue;
    // Named in finish(): a link's name is built once, not per transfer.
    report.linkTimeline.push_back(
        {"", link.link.kind == LinkKind::Mesh ? link.link.chip : -1, core.core,
         static_cast<int64_t>(index), inst.node, start, start + hold});
    reservedLinks.push_back(id);
  }
  lastStart[c] = start;
  ++pc[c];

  report.energy += planned.cost.energy;
  nodeEnergy[planned.node] += planned.cost.energy.total();
  report.adcConversions += planned.cost.adcConversions;
  report.macs += planned.cost.macs;
  if (inst.opcode == Opcode::Transfer) {
    report.nocBytes += planned.cost.bytes;
    report.chipLinkBytes += planned.cost.bytes * inst.chipHops;
  }
  report.totalCycles = std::max(report.totalCycles, end);
  if (options.timeline)
    report.timeline.push_back({core.core, static_cast<int64_t>(index),
                               inst.opcode, inst.node, start, end});
  ++report.instructions;
  return Status::ok();
}

Status Simulator::deadlock() const {
  std::string text = "deadlock: no core can progress;";
  for (size_t c = 0; c < program.cores.size(); ++c) {
    const auto &stream = program.cores[c].instructions;
    if (pc[c] >= stream.size())
      continue;
    const Instruction &inst = stream[pc[c]];
    text += " " + toString(program.cores[c].core) + " instruction " +
            std::to_string(pc[c]) + " (" + toString(inst.opcode) +
            ") waits for";
    for (int64_t id : inst.inputs)
      if (readyAt[id] < 0)
        text += " value " + std::to_string(id) + " '" +
                program.values[id].name + "'";
    if (inst.opcode == Opcode::Transfer)
      text += " from " + toString(inst.from);
    text += ";";
  }
  text.pop_back();
  return Status::error(text);
}

Status Simulator::run() {
  const size_t cores = program.cores.size();
  pc.assign(cores, 0);
  lastStart.assign(cores, 0);
  totalSteps = 0;
  for (const CoreProgram &core : program.cores)
    totalSteps += static_cast<int64_t>(core.instructions.size());
  if (options.timeline)
    report.timeline.reserve(static_cast<size_t>(totalSteps));

  // The cores that read each value: readers of v are
  // readerCores[readerStart[v] .. readerStart[v + 1]).
  const bool ideal = options.numerics == Numerics::Ideal;
  auto forEachRead = [&](auto f) {
    for (size_t c = 0; c < cores; ++c)
      for (const Instruction &inst : program.cores[c].instructions) {
        for (int64_t id : inst.inputs)
          f(id, c);
        if (ideal && inst.opcode == Opcode::Rescale && inst.idealInput >= 0) {
          f(inst.idealInput, c);
          f(inst.idealWeight, c);
        }
      }
  };
  const size_t values = program.values.size();
  std::vector<int64_t> readerStart(values + 1, 0);
  std::vector<size_t> lastReader(values, cores);
  forEachRead([&](int64_t id, size_t c) {
    if (lastReader[id] != c) {
      lastReader[id] = c;
      ++readerStart[id + 1];
    }
  });
  for (size_t v = 0; v < values; ++v)
    readerStart[v + 1] += readerStart[v];
  std::vector<size_t> readerCores(static_cast<size_t>(readerStart[values]));
  std::vector<int64_t> filled(readerStart.begin(), readerStart.end() - 1);
  lastReader.assign(values, cores);
  forEachRead([&](int64_t id, size_t c) {
    if (lastReader[id] != c) {
      lastReader[id] = c;
      readerCores[filled[id]++] = c;
    }
  });

  // Every core with an instruction left is either in `ready` (once) or
  // waits for a value its next instruction reads; a value made ready looks
  // at its readers again. Starts only move later (units, links and a
  // core's last start only advance, a ready value stays ready), so an
  // entry's start is a lower bound of its core's: the top entry issues if
  // its start still holds and goes back with its new start if not. The
  // smallest (start, core) issues, as if every core were looked at anew.
  using Entry = std::pair<int64_t, size_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> ready;
  std::vector<char> queued(cores, 0);
  auto consider = [&](size_t c) {
    if (queued[c] || pc[c] >= program.cores[c].instructions.size())
      return;
    const int64_t start = earliestStart(c);
    if (start >= 0) {
      ready.emplace(start, c);
      queued[c] = 1;
    }
  };
  for (size_t c = 0; c < cores; ++c)
    consider(c);
  // The values follow the schedule on a thread of their own when there
  // are threads to spare; an observer sees every value on the caller's.
  if (pool.threads() > 1 && !options.observe)
    steps = std::make_unique<StepThread>(
        [this](const Step &step) { return compute(step); });
  while (!ready.empty() && !(steps && steps->failed())) {
    const auto [estimate, best] = ready.top();
    ready.pop();
    const int64_t start = earliestStart(best);
    if (start != estimate) {
      ready.emplace(start, best);
      continue;
    }
    queued[best] = 0;
    const int64_t output = program.cores[best].instructions[pc[best]].output;
    if (Status s = issue(best, start); !s)
      return s;
    consider(best);
    if (output >= 0)
      for (int64_t r = readerStart[output]; r < readerStart[output + 1]; ++r)
        consider(readerCores[r]);
  }
  // A value that failed stops the run first: the schedule may have gone
  // on past it.
  if (steps) {
    Status computedAll = steps->finish();
    steps.reset();
    if (!computedAll)
      return computedAll;
  }
  for (size_t c = 0; c < cores; ++c)
    if (pc[c] < program.cores[c].instructions.size())
      return deadlock();
  runWaitingChains();
  return Status::ok();
}

void Simulator::finish(ExecuteResult &result) {
  std::vector<std::string> linkNames;
  for (const LinkState &state : links)
    linkNames.push_back(toString(state.link));
  for (size_t r = 0; r < reservedLinks.size(); ++r)
    report.linkTimeline[r].link = linkNames[reservedLinks[r]];
  result.outputs.clear();
  for (size_t v = 0; v < program.values.size(); ++v)
    if (program.values[v].isOutput)
      result.outputs[program.values[v].binding] = valueOf(static_cast<int64_t>(v));

  for (size_t n = 0; n < nodeNames.size(); ++n)
    report.energyByNode[nodeNames[n]] = nodeEnergy[n];
  report.arch = arch.name;
  report.numerics = toString(options.numerics);
  report.latencyNs = static_cast<double>(report.totalCycles) / arch.clockGHz;
  std::set<std::pair<int64_t, int64_t>> tiles;
  for (const CoreProgram &core : program.cores)
    if (!core.instructions.empty()) {
      ++report.coresUsed;
      tiles.insert({core.core.chip, core.core.tile});
    }
  report.tilesUsed = static_cast<int64_t>(tiles.size());
  report.arraysUsed = static_cast<int64_t>(programmedArrays.size());
  // mW * ns = pJ.
  report.energy.leakage = arch.leakageMwPerTile *
                          static_cast<double>(report.tilesUsed) *
                          report.latencyNs;
  const double ops = 2.0 * static_cast<double>(report.macs);
  // ops per ns / 1e3 = 1e12 ops per s.
  report.tops = report.latencyNs > 0 ? ops / report.latencyNs / 1e3 : 0;
  report.batch = options.batch;
  report.inferencesPerSecond =
      report.latencyNs > 0
          ? static_cast<double>(options.batch) / (report.latencyNs * 1e-9)
          : 0;
  const double energy = report.energy.total();
  report.topsPerWatt = energy > 0 ? ops / energy : 0;

  std::vector<const LinkState *> byBytes;
  for (const LinkState &link : links)
    byBytes.push_back(&link);
  std::sort(byBytes.begin(), byBytes.end(),
            [](const LinkState *a, const LinkState *b) {
              return std::tie(b->bytes, a->link) < std::tie(a->bytes, b->link);
            });
  for (size_t i = 0; i < byBytes.size() && i < 5; ++i)
    report.busiestLinks.push_back({toString(byBytes[i]->link),
                                   byBytes[i]->bytes, byBytes[i]->busyCycles});
  report.summary = summarize(report);
  result.report = std::move(report);
}

Status detail::executeValid(const Program &program, const TensorMap &inputs,
                            const ExecuteOptions &options,
                            ExecuteResult &result) {
  Simulator simulator(program, options);
  if (Status s = simulator.prepare(inputs); !s)
    return s;
  if (Status s = simulator.run(); !s)
    return s;
  simulator.finish(result);
  return Status::ok();
}

Status cim::runtime::execute(const Program &program, const TensorMap &inputs,
                             const ExecuteOptions &options,
                             ExecuteResult &result) {
  if (Status s = validate(program); !s)
    return s;
  return executeValid(program, inputs, options, result);
}
