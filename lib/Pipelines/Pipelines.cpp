//===- Pipelines.cpp - The mapping pipeline ----------------------------------===//
//
// Built by a function and registered separately (IREE/torch-mlir style): an
// input-legality check first, then the cim and xbar passes in order, and
// last the check that the result is a runtime program.
//
//===----------------------------------------------------------------------===//

#include "cim/Pipelines/Pipelines.h"

#include "cim/Dialect/CIM/Passes.h"
#include "cim/Dialect/Xbar/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void cim::buildCIMLevelPipeline(OpPassManager &pm,
                                const CIMPipelineOptions &options) {
  pm.addPass(createCIMVerifyFrontendContract());
  if (!options.arch.empty()) {
    CIMAttachArchOptions attach;
    attach.arch = options.arch;
    attach.replace = true;
    pm.addPass(createCIMAttachArch(attach));
  }
  CIMConvertLinalgOptions convert;
  convert.activationProducts = options.activationProducts;
  pm.addPass(createCIMConvertLinalg(convert));
  CIMQuantizeOptions quantize;
  quantize.calibrationTable = options.calibrationTable;
  pm.addPass(createCIMQuantize(quantize));
  // Folds the quantised weight constants before they are sliced.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCIMTile());
  pm.addPass(createCIMEncodeCells());
}

void cim::buildXbarLevelPipeline(OpPassManager &pm,
                                 const CIMPipelineOptions &options) {
  xbar::XbarPlaceOptions place;
  place.mode = options.mode;
  pm.addPass(xbar::createXbarPlace(place));
  pm.addPass(xbar::createXbarInsertConverters());
  pm.addPass(createCanonicalizerPass());
  // Column blocks of one matrix read the same input slice: one DAC pass.
  pm.addPass(createCSEPass());
  pm.addPass(xbar::createXbarRoute());
  pm.addPass(xbar::createXbarSchedule());
  pm.addPass(xbar::createXbarVerifyRuntimeContract());
}

void cim::buildCIMPipeline(OpPassManager &pm,
                           const CIMPipelineOptions &options) {
  buildCIMLevelPipeline(pm, options);
  buildXbarLevelPipeline(pm, options);
}

void cim::registerCIMPipeline() {
  PassPipelineRegistration<CIMPipelineOptions>(
      "cim-pipeline",
      "Map a frontend-contract module onto the machine: "
      "--cim-pipeline=\"arch=<preset|file> mode=latency|throughput\"",
      buildCIMPipeline);
}
