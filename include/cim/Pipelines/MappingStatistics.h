//===- MappingStatistics.h - What the mapping passes measured ----*- C++ -*-===//
//
// `-mlir-pass-statistics` for the mapping pipeline. The passes declare
// their statistics in TableGen, but Debian's LLVM is a release build with
// LLVM_ENABLE_STATS off, which compiles every pass statistic (upstream's
// too) to a no-op. The figures the passes record on the module
// (xbar.mapping, xbar.converters, xbar.routing, xbar.schedule) are what
// users ask for — arrays and cells used, utilisation, ADC conversions,
// bytes routed — so an instrumentation collects them after each pass and
// prints them as a statistics report when the pass manager finishes.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_PIPELINES_MAPPINGSTATISTICS_H
#define CIM_PIPELINES_MAPPINGSTATISTICS_H

#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

namespace cim {

/// Prints, when destroyed (with its pass manager), the figures each mapping
/// pass recorded on the module, by pass.
std::unique_ptr<mlir::PassInstrumentation>
createMappingStatisticsInstrumentation(llvm::raw_ostream &os);

/// Whether `-mlir-pass-statistics` is on the command line.
bool passStatisticsRequested();

} // namespace cim

#endif // CIM_PIPELINES_MAPPINGSTATISTICS_H
