//===- Estimate.h - A program's cycles without running it ---------*- C++
//-*-===//
//
// The compiler's summary (cim-compile) predicts an inference's cycles
// without simulating it: each core's instructions at their cost-model
// cycles (CostModel.h), weights preloaded, no waiting. It is an estimate,
// not a bound: units of one core overlap (which the sum ignores) while
// inputs, units and links make instructions wait (which it ignores too);
// cim-run's figure is the simulated one.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_ESTIMATE_H
#define CIM_RUNTIME_ESTIMATE_H

#include "cim/runtime/Program.h"

#include <cstdint>

namespace cim::runtime {

struct StaticEstimate {
  /// Cycles of the busiest core's instructions, back to back.
  int64_t busiestCoreCycles = 0;
  /// Cycles of every instruction of every core (total work).
  int64_t totalCycles = 0;
  int64_t instructions = 0;
};

/// Requires a program that passes validate().
StaticEstimate estimate(const Program &program);

} // namespace cim::runtime

#endif // CIM_RUNTIME_ESTIMATE_H
