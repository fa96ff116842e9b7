//===- DataMovement.cpp - ONNX DataMovement ops ---------------------------------------------===//

#include "../OpRegistry.h"

using namespace cim::onnx_import;

void cim::onnx_import::registerDataMovementOps(OpRegistry &) {}
