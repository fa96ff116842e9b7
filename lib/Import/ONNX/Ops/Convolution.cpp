//===- Convolution.cpp - ONNX Convolution ops ---------------------------------------------===//

#include "../OpRegistry.h"

using namespace cim::onnx_import;

void cim::onnx_import::registerConvolutionOps(OpRegistry &) {}
