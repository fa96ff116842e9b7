//===- Pipelines.h - The mapping pipeline -------------------------*- C++ -*-===//

#ifndef CIM_PIPELINES_PIPELINES_H
#define CIM_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace cim {

struct CIMPipelineOptions
    : public mlir::PassPipelineOptions<CIMPipelineOptions> {
  Option<std::string> arch{*this, "arch",
                           llvm::cl::desc("Preset name or arch YAML file")};
  Option<std::string> mode{
      *this, "mode",
      llvm::cl::desc("latency (one copy per matrix) or throughput (replicate "
                     "the busiest matrices into spare arrays)"),
      llvm::cl::init("latency")};
  Option<std::string> activationProducts{
      *this, "activation-products",
      llvm::cl::desc("Products of two activations: cost, digital, reprogram"),
      llvm::cl::init("cost")};
  Option<std::string> calibrationTable{
      *this, "calibration-table",
      llvm::cl::desc("JSON input ranges by ONNX node for static input "
                     "scales (cim-quantize)")};
};

/// Frontend-contract check, then linalg -> cim -> xbar for `options.arch`:
/// buildCIMLevelPipeline, then buildXbarLevelPipeline.
void buildCIMPipeline(mlir::OpPassManager &pm,
                      const CIMPipelineOptions &options);

/// The logical half: contract check, arch, convert, quantize, tile, encode
/// cells (the module at the `cim` level).
void buildCIMLevelPipeline(mlir::OpPassManager &pm,
                           const CIMPipelineOptions &options);

/// The physical half: place, converters, route, schedule, and the runtime
/// contract check (the module at the `xbar` level).
void buildXbarLevelPipeline(mlir::OpPassManager &pm,
                            const CIMPipelineOptions &options);

/// Registers `--cim-pipeline="arch=... mode=..."`.
void registerCIMPipeline();

} // namespace cim

#endif // CIM_PIPELINES_PIPELINES_H
