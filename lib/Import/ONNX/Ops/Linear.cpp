//===- Linear.cpp - ONNX Linear ops ---------------------------------------------===//

#include "../OpRegistry.h"

using namespace cim::onnx_import;

void cim::onnx_import::registerLinearOps(OpRegistry &) {}
