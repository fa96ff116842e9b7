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
// always granted in time order. Values are computed when their instruction
// runs.
//
//===----------------------------------------------------------------------===//

#include "cim/runtime/Executor.h"

#include "CostModel.h"
#include "ExecuteValid.h"
#include "NeededValues.h"
#include "Numerics.h"
#include "ProductChains.h"
#include "Topology.h"
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

namespace {

enum class UnitKind { Array, Adc, ShiftAdd, VectorUnit };

/// What the scheduler knows of one instruction before running anything.
struct Planned {
  InstructionCost cost;
  /// Index into Simulator::unitBusy, -1 when the instruction needs no unit.
  int64_t unit = -1;
  /// Indices into Simulator::links (transfers).
  std::vector<int64_t> links;
  /// Index into Simulator::nodeNames / nodeEnergy.
  int64_t node = 0;
};

struct LinkState {
  Link link;
  int64_t busyUntil = 0;
  int64_t bytes = 0;
  int64_t busyCycles = 0;
};

class Simulator {
public:
  Simulator(const Program &program, const ExecuteOptions &options)
      : program(program), arch(program.arch), options(options),
        pool(options.threads > 0 ? options.threads
                                 : WorkerPool::availableThreads()) {}

  Status bind(const TensorMap &inputs);
  void plan();
  Status run();
  void finish(ExecuteResult &result);

private:
  int64_t unitId(UnitKind kind, int64_t index);
  /// Earliest start of core c's next instruction; -1 while an input is not
  /// produced yet.
  int64_t earliestStart(size_t c) const;
  Status issue(size_t c, int64_t start);
  Status deadlock() const;
  /// One read of value `id` done: its storage goes with the last one
  /// (outputs excepted).
  void release(int64_t id) {
    id = storageOf(id);
    if (--readersLeft[id] == 0 && !program.values[id].isOutput) {
      Elements<int64_t>().swap(store[id].ints);
      Elements<double>().swap(store[id].floats);
    }
  }

  const Program &program;
  const arch::ArchSpec &arch;
  const ExecuteOptions &options;

  std::vector<Tensor> store;
  /// Whether `inst` is the last reader of its first input's storage, which
  /// no other input of it shares and no output binding keeps.
  bool onlyReaderOfFirst(const Instruction &inst) const {
    const int64_t root = storageOf(inst.inputs[0]);
    if (readersLeft[root] != 1 || program.values[root].isOutput)
      return false;
    for (size_t i = 1; i < inst.inputs.size(); ++i)
      if (storageOf(inst.inputs[i]) == root)
        return false;
    return true;
  }
  /// A transfer's output reads its input's storage (the data is the same
  /// on every core): the value whose storage `id` reads, itself unless it
  /// was transferred. Its readers are counted on that value.
  std::vector<int64_t> sharedWith;
  int64_t storageOf(int64_t id) const {
    return sharedWith[id] >= 0 ? sharedWith[id] : id;
  }
  /// Instructions still to read each value: its storage is released when
  /// the last one has (outputs excepted), so a run holds the live values
  /// only, not every activation and plane of the network.
  std::vector<int64_t> readersLeft;
  /// Values some computed value or output depends on. In ideal numerics a
  /// rescale with a real-valued reference reads only the reference, so the
  /// integer path feeding it is timed and charged but not computed.
  std::vector<char> needed;
  /// The crossbar products computed in one pass when their mvm issues.
  std::unique_ptr<ProductChains> chains;
  /// Chains whose parity products wait for a reader (or for a program
  /// that rewrites cells): many small ones then run together, spread
  /// over the threads, instead of each on one thread. `waiting` marks
  /// their results, `waitingInputs` the reads still to be released.
  std::vector<ParityJob> waitingJobs;
  std::vector<int64_t> waitingInputs;
  std::vector<char> waiting;
  void runWaitingChains();
  bool readsWaiting(const Instruction &inst, const ProductChain *chain) const;
  /// Whether `inst` is a transfer whose output reads its input's storage
  /// (no copy, no read of the data).
  bool sharesInputStorage(const Instruction &inst) const {
    return inst.opcode == Opcode::Transfer && !options.observe &&
           !program.values[inst.output].isOutput &&
           program.values[inst.output].shape ==
               program.values[inst.inputs[0]].shape &&
           program.values[inst.output].type ==
               program.values[inst.inputs[0]].type;
  }
  BlockCache blockCache;
  SerialBlas serialBlas;
  WorkerPool pool;
  /// Cycle each value is ready on its core; -1 until produced.
  std::vector<int64_t> readyAt;
  std::vector<std::vector<Planned>> plans;
  std::map<std::pair<UnitKind, int64_t>, int64_t> unitIds;
  std::vector<int64_t> unitBusy;
  std::vector<LinkState> links;
  /// The link of each report.linkTimeline entry (index into links).
  std::vector<int64_t> reservedLinks;
  /// Level images of the arrays used, by dense array index.
  std::map<int64_t, CellImage> cells;
  /// Program instructions issued but not yet applied to their array's
  /// cells, by array: levels are written into the image only when an mvm
  /// reads the array, so runs that never read it (ideal numerics under
  /// real-valued references) never build it.
  std::map<int64_t, std::vector<std::pair<size_t, size_t>>> pendingPrograms;
  std::set<int64_t> programmedArrays;
  /// The cells of `array` with its pending programs applied.
  Status cellsOf(int64_t array, CellImage *&image);
  /// Value `id`'s tensor; constants are made from the program on first
  /// read (and released after the last like any value), not all at bind.
  Tensor &valueOf(int64_t id);

  /// Dynamic energy by ONNX node, summed by index (the report's map is
  /// made in finish()).
  std::vector<std::string> nodeNames;
  std::vector<double> nodeEnergy;

  std::vector<size_t> pc;
  std::vector<int64_t> lastStart;
  Report report;
};

} // namespace

Tensor &Simulator::valueOf(int64_t id) {
  id = storageOf(id);
  Tensor &t = store[id];
  const ValueInfo &value = program.values[id];
  if (!value.constant.empty() && t.ints.empty() && t.floats.empty()) {
    if (!isInteger(value.type))
      value.constant.copyTo(t.floats);
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
  std::fill(waiting.begin(), waiting.end(), 0);
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
    if (given.shape != value.shape || given.isInteger() != integer ||
        static_cast<int64_t>(integer ? given.ints.size()
                                     : given.floats.size()) != count)
      return Status::error("input '" + value.binding + "' must be " +
                           std::to_string(count) + " " + toString(value.type) +
                           " elements of the declared shape");
    t.ints = given.ints;
    t.floats = given.floats;
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

int64_t Simulator::unitId(UnitKind kind, int64_t index) {
  auto [it, inserted] = unitIds.emplace(std::make_pair(kind, index),
                                        static_cast<int64_t>(unitBusy.size()));
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
              linkIds.emplace(link, static_cast<int64_t>(links.size()));
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

Status Simulator::issue(size_t c, int64_t start) {
  const CoreProgram &core = program.cores[c];
  const size_t index = pc[c];
  const Instruction &inst = core.instructions[index];
  const Planned &planned = plans[c][index];
  const int64_t end = start + planned.cost.cycles;

  CellImage *image = nullptr;
  std::vector<const Tensor *> inputs;
  Tensor scratch;
  Tensor &out = inst.output >= 0 ? store[inst.output] : scratch;
  Status status = Status::ok();
  const bool computed =
      inst.output < 0 || needed[inst.output] ||
      (chains->atMvm(c, index) && needed[chains->atMvm(c, index)->result]);
  if (inst.opcode == Opcode::Program) {
    // Written into the cells when an mvm reads the array (cellsOf).
    pendingPrograms[arrayIndex(arch, inst.array)].push_back({c, index});
    programmedArrays.insert(arrayIndex(arch, inst.array));
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
  } else if (!computed) {
    // Nothing reads it: timed and charged, not computed.
  } else if (chain) {
    const size_t jobs = waitingJobs.size();
    status = evaluateChain(arch, *chain, program.values[inst.output].shape.back(),
                           valueOf(chain->input), &store[chain->planes], *image,
                           arrayIndex(arch, inst.array), options.numerics,
                           blockCache, pool, store[chain->result],
                           options.observe ? nullptr : &waitingJobs);
    if (waitingJobs.size() > jobs) {
      waiting[chain->result] = 1;
      waitingInputs.push_back(chain->input);
    } else {
      release(chain->input);
    }
  } else if (inst.opcode == Opcode::Rescale && inst.idealInput >= 0 &&
             options.numerics == Numerics::Ideal) {
    idealProduct(valueOf(inst.idealInput), valueOf(inst.idealWeight), pool,
                 out);
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
    Tensor &moved = store[storageOf(inst.inputs[0])];
    out.ints = std::move(moved.ints);
    out.floats = std::move(moved.floats);
  } else if (inst.opcode == Opcode::Accumulate && !options.observe &&
             onlyReaderOfFirst(inst)) {
    // The first sum's storage becomes the output's: no copy.
    out.ints = std::move(store[storageOf(inst.inputs[0])].ints);
    addPartials(inputs, out, &pool);
  } else if (!chains->skipsEvaluation(c, index)) {
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
  int64_t total = 0, done = 0;
  for (const CoreProgram &core : program.cores)
    total += static_cast<int64_t>(core.instructions.size());
  if (options.timeline)
    report.timeline.reserve(static_cast<size_t>(total));

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
  while (!ready.empty()) {
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
    if (options.progress)
      options.progress(++done, total);
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
  if (Status s = simulator.bind(inputs); !s)
    return s;
  simulator.plan();
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
