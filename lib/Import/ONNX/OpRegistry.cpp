//===- OpRegistry.cpp - The table of ONNX op import handlers ----------------===//

#include "OpRegistry.h"

using namespace cim::onnx_import;

const OpRegistry &cim::onnx_import::opRegistry() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerElementwiseOps(r);
    registerActivationOps(r);
    registerQuantizationOps(r);
    registerLinearOps(r);
    registerConvolutionOps(r);
    registerPoolingOps(r);
    registerNormalizationOps(r);
    registerReductionOps(r);
    registerDataMovementOps(r);
    return r;
  }();
  return registry;
}
