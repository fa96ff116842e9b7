//===- Pooling.cpp - ONNX Pooling ops ---------------------------------------------===//

#include "../OpRegistry.h"

using namespace cim::onnx_import;

void cim::onnx_import::registerPoolingOps(OpRegistry &) {}
