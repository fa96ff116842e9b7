//===- Batch.h - Pipelined runs of several inputs ----------------*- C++
//-*-===//
//
// `cim-run --batch N` runs N inferences back to back on the same mapped
// chip: every core's instruction stream repeated N times (an array written
// once is programmed by the first copy only), and every input, output and
// intermediate value once per copy. Because each core works through its copies
// in order while the others proceed, the copies overlap like a pipeline and the
// report's throughput is N over the whole run's latency.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_BATCH_H
#define CIM_RUNTIME_BATCH_H

#include "cim/runtime/Executor.h"
#include "cim/runtime/Program.h"
#include "cim/runtime/Status.h"

#include <string>

namespace cim::runtime {

/// The binding of copy `index` of a bound value: "x" -> "x#2".
std::string batchBinding(const std::string &binding, int64_t index);

/// `program` repeated for `n` inferences (n >= 1). Values no instruction
/// writes and that are not inputs (constants: weights, scales) are shared.
Status batchProgram(const Program &program, int64_t n, Program &batched);

/// execute() of `program` repeated for `n` inferences (n >= 1; inputs bound
/// as batchBinding names when n > 1). The program is validated once: its
/// repetition is then valid by construction (every id is remapped
/// consistently), and validating the copy would cost n times as much.
Status executeBatch(const Program &program, int64_t n, const TensorMap &inputs,
                    const ExecuteOptions &options, ExecuteResult &result);
/// As above, with the repeated program (n > 1) moved into `repeated`
/// instead of freed: a tool about to exit can leave it, as LLVM's tools
/// leave their modules (a network's batch is hundreds of thousands of
/// values and instructions, tens of milliseconds to free).
Status executeBatch(const Program &program, int64_t n, const TensorMap &inputs,
                    const ExecuteOptions &options, ExecuteResult &result,
                    Program &repeated);

} // namespace cim::runtime

#endif // CIM_RUNTIME_BATCH_H
