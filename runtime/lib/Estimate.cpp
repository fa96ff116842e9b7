//===- Estimate.cpp - A program's cycles without running it ---------------===//

#include "cim/runtime/Estimate.h"

#include "CostModel.h"

#include <algorithm>

using namespace cim::runtime;

StaticEstimate cim::runtime::estimate(const Program &program) {
  ExecuteOptions options;
  options.weightsPreloaded = true;
  StaticEstimate result;
  for (const CoreProgram &core : program.cores) {
    int64_t cycles = 0;
    for (const Instruction &inst : core.instructions)
      cycles += detail::costOf(program, inst, options).cycles;
    result.busiestCoreCycles = std::max(result.busiestCoreCycles, cycles);
    result.totalCycles += cycles;
    result.instructions += static_cast<int64_t>(core.instructions.size());
  }
  return result;
}
