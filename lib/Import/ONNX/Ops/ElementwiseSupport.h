//===- ElementwiseSupport.h - Helpers for elementwise handlers ----*- C++ -*-===//

#ifndef CIM_LIB_IMPORT_ONNX_OPS_ELEMENTWISESUPPORT_H
#define CIM_LIB_IMPORT_ONNX_OPS_ELEMENTWISESUPPORT_H

#include "../Builders.h"
#include "../ImportContext.h"

namespace cim::onnx_import {

/// Imports a node whose every present input feeds one broadcasting
/// linalg.generic producing output 0 with `body`.
mlir::LogicalResult importElementwise(ImportContext &ctx, ScalarBody body);

/// Whether an ONNX data type is an unsigned integer.
bool isUnsignedDtype(int32_t dtype);

} // namespace cim::onnx_import

#endif // CIM_LIB_IMPORT_ONNX_OPS_ELEMENTWISESUPPORT_H
