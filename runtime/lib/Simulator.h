//===- Simulator.h - The executor's state and steps ---------------*- C++ -*-===//
//
// Private to the runtime library: the scheduler and value store behind
// execute() (Executor.cpp runs it; SimulatorSetup.cpp binds the inputs and
// plans every instruction's cost, unit and links before the run).
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_SIMULATOR_H
#define CIM_RUNTIME_LIB_SIMULATOR_H

#include "CostModel.h"
#include "Gemm.h"
#include "ProductChains.h"
#include "RowGather.h"
#include "StepThread.h"
#include "Topology.h"
#include "WorkerPool.h"
#include "cim/runtime/Executor.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace cim::runtime::detail {

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

  /// bind() and plan(), side by side when the pool has two threads.
  Status prepare(const TensorMap &inputs);
  Status run();
  void finish(ExecuteResult &result);

private:
  Status bind(const TensorMap &inputs);
  void plan();
  int64_t unitId(UnitKind kind, int64_t index);
  /// Earliest start of core c's next instruction; -1 while an input is not
  /// produced yet.
  int64_t earliestStart(size_t c) const;
  /// Schedules core c's next instruction at `start` and has its value
  /// computed (on `steps` when it runs).
  Status issue(size_t c, int64_t start);
  /// Computes the value of an issued instruction and releases what it
  /// read; in issue order, on the caller's thread or on `steps`.
  Status compute(const Step &step);
  Status deadlock() const;
  /// One read of value `id` done: its storage goes with the last one
  /// (outputs excepted).
  void release(int64_t id) {
    id = storageOf(id);
    if (--readersLeft[id] == 0 && !program.values[id].isOutput) {
      store[id].releaseElements();
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
  /// In ideal numerics, the rescale inputs whose rows are gathered from
  /// their copy nest's source when the product runs (RowGather.h): by
  /// value, an index into `gathers` or -1. Their copy nest is not run.
  std::vector<int64_t> gatherOf;
  std::vector<RowGather> gathers;
  void findGathers();
  /// Whether instruction `index` of stream `c` computes anything: its
  /// value (or its chain's) is needed, or it has no value (a program).
  bool isComputed(size_t c, size_t index) const {
    const Instruction &inst = program.cores[c].instructions[index];
    const ProductChain *chain = chains->atMvm(c, index);
    return inst.output < 0 || needed[inst.output] ||
           (chain && needed[chain->result]);
  }
  /// The crossbar products computed in one pass when their mvm issues.
  std::unique_ptr<ProductChains> chains;
  /// Chains whose parity products wait for a reader (or for a program
  /// that rewrites cells): many small ones then run together, spread
  /// over the threads, instead of each on one thread. `waiting` marks
  /// their results (listed in `waitingResults`), `waitingInputs` the reads
  /// still to be released.
  std::vector<ParityJob> waitingJobs;
  std::vector<int64_t> waitingResults, waitingInputs;
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

  /// The thread computing values behind the schedule, while it runs.
  std::unique_ptr<StepThread> steps;
  int64_t totalSteps = 0, stepsDone = 0;

  std::vector<size_t> pc;
  std::vector<int64_t> lastStart;
  Report report;
};

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_SIMULATOR_H
