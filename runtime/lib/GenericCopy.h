//===- GenericCopy.h - Copy loop nests of the vector unit ---------*- C++ -*-===//
//
// Private to the runtime library. A `generic` with no body and one input of
// the output's type is a copy (padding, im2col, slices, transposes): it runs
// without the register machinery, its loops reordered for the caches when
// every output element is written once (then the order cannot change the
// result) and its two innermost loops as plain nested loops. The same
// disjointness test tells when a body's points may split over threads.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_GENERICCOPY_H
#define CIM_RUNTIME_LIB_GENERICCOPY_H

#include "WorkerPool.h"
#include "cim/runtime/Elements.h"
#include "cim/runtime/Program.h"

#include <cstdint>
#include <vector>

namespace cim::runtime::detail {

/// One loop of a copy nest: its bound and the two operands' strides.
struct CopyLoop {
  int64_t bound, in, out;
};

/// Steps `index` over the first `count` of `loops` to the next point (the
/// last loop fastest), moving the offsets `in` and `out` with it; false
/// after the last point (then everything is back at the first).
bool nextPoint(const std::vector<CopyLoop> &loops, size_t count,
               std::vector<int64_t> &index, int64_t &in, int64_t &out);

/// Runs the copy nest `inst` (a Generic whose checks passed) from `from`
/// into `to` (already sized to the output). With a pool, a large copy that
/// writes each output element once is split over its threads by its
/// outermost loop (the points are independent then).
/// Whether distinct points of the copy nest write distinct output elements
/// (then they may run in any order, on any thread).
bool copyWritesEachElementOnce(const Instruction &inst);

/// Whether the points of a Generic that differ in a loop moving its output
/// (a loop of output stride 0 reduces: it is left out) write distinct
/// output elements. Then its points split by such a loop may run on
/// different threads: each element's updates all come from one of them,
/// in their order.
bool outputLoopsWriteDistinctElements(const Instruction &inst);

void copyNest(const Instruction &inst, const Elements<int64_t> &from,
              Elements<int64_t> &to, WorkerPool *pool = nullptr);
void copyNest(const Instruction &inst, const Elements<float> &from,
              Elements<float> &to, WorkerPool *pool = nullptr);
void copyNest(const Instruction &inst, const Elements<double> &from,
              Elements<double> &to, WorkerPool *pool = nullptr);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_GENERICCOPY_H
