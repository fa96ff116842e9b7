//===- Normalization.cpp - ONNX Normalization ops ---------------------------------------------===//

#include "../OpRegistry.h"

using namespace cim::onnx_import;

void cim::onnx_import::registerNormalizationOps(OpRegistry &) {}
