//===- Executor.h - Run a program: values, time and energy ---------*- C++
//-*-===//
//
// Executes a validated Program with the shared integer semantics (the
// compiler's folders compute the same bits) and a deterministic cycle-level
// model of time and energy (docs/design/runtime-simulator.md describes
// the model and its choices).
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_EXECUTOR_H
#define CIM_RUNTIME_EXECUTOR_H

#include "cim/runtime/DeviceModel.h"
#include "cim/runtime/Program.h"
#include "cim/runtime/Report.h"
#include "cim/runtime/Status.h"
#include "cim/runtime/Tensor.h"

#include <functional>
#include <map>
#include <string>

namespace cim::runtime {

enum class Numerics {
  /// Bit-exact: every conversion as the ADC does it (rounding, clipping).
  Quantized,
  /// Every ADC conversion exact (no rounding, no clipping); everything else
  /// as Quantized, so array products equal the integer products.
  Ideal,
};

const char *toString(Numerics numerics);

struct ExecuteOptions {
  Numerics numerics = Numerics::Quantized;
  /// Cells were written at load time: program instructions still set the
  /// levels but take no time and no energy.
  bool weightsPreloaded = false;
  /// Called with (instructions run, instructions in the program) after
  /// every instruction (a tool draws a progress bar from it; the callee
  /// keeps it cheap); not called when empty.
  std::function<void(int64_t done, int64_t total)> progress;
  /// Non-ideal devices between cell levels and column sums
  /// (DeviceModel.h); none: cells are exactly their levels. Not owned.
  const DeviceModel *device = nullptr;
  /// Called after every instruction that computed its own value, with the
  /// instruction, its inputs and its output (cim-compile's calibration
  /// reads the ranges of quantised inputs this way); not called when empty.
  /// With an observer every value is computed, even those nothing reads;
  /// values made by a fused crossbar product (ProductChains.h) or by an
  /// ideal rescale are not reported.
  std::function<void(const Instruction &, const std::vector<const Tensor *> &,
                     const Tensor &)>
      observe;
  /// Inferences the program runs (a batched program, Batch.h): the report's
  /// throughput is this many per latency.
  int64_t batch = 1;
  /// Threads computing values (0: one per CPU the process may run on);
  /// with more than one, the schedule runs beside them on its own thread.
  /// Outputs and reports do not depend on it.
  int64_t threads = 0;
  /// Record Report::timeline and linkTimeline (what a trace draws). A tool
  /// that writes no trace turns it off: it is an entry per instruction.
  bool timeline = true;
};

/// Tensors by binding name (ValueInfo::binding).
using TensorMap = std::map<std::string, Tensor>;

struct ExecuteResult {
  TensorMap outputs;
  Report report;
};

/// Validates `program`, binds `inputs` (every input binding, with its shape
/// and an integer/float kind matching its type) and runs it. Fails with the
/// validation error, a binding error, a run-time error (a computed cell
/// level out of range) or a deadlock naming the waiting instructions.
Status execute(const Program &program, const TensorMap &inputs,
               const ExecuteOptions &options, ExecuteResult &result);

} // namespace cim::runtime

#endif // CIM_RUNTIME_EXECUTOR_H
