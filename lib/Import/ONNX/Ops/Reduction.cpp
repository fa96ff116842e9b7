//===- Reduction.cpp - ONNX Reduction ops ---------------------------------------------===//

#include "../OpRegistry.h"

using namespace cim::onnx_import;

void cim::onnx_import::registerReductionOps(OpRegistry &) {}
