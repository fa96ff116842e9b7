//===- Builders.h - IR building blocks shared by the op handlers -*- C++ -*-===//
//
// Everything here emits upstream ops of the frontend contract (linalg,
// tensor, arith, math) on static tensors.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_LIB_IMPORT_ONNX_BUILDERS_H
#define CIM_LIB_IMPORT_ONNX_BUILDERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace cim::onnx_import {

/// Scalar body of an elementwise op: block arguments in, result out.
using ScalarBody = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;
using Combiner = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::Value element, mlir::Value acc)>;

int64_t normalizeAxis(int64_t axis, int64_t rank);
/// "[1, 3, 224, 224]", for diagnostics.
std::string shapeString(llvm::ArrayRef<int64_t> shape);

mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type);
/// A scalar constant of a float or integer element type.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type elementType, double value);
/// linalg.fill of `type` with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, double value);

/// linalg.generic over `resultType` reading `inputs` under numpy
/// broadcasting (inputs are right-aligned; size-1 dims repeat).
mlir::Value broadcastElementwise(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::RankedTensorType resultType,
                                 mlir::ValueRange inputs, ScalarBody body);
/// `value` repeated to `shape` under numpy broadcasting.
mlir::Value broadcastTo(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, llvm::ArrayRef<int64_t> shape);

/// tensor.collapse_shape / expand_shape when the reshape is one, else a
/// collapse to 1-D followed by an expand.
mlir::Value reshapeTo(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value value, llvm::ArrayRef<int64_t> shape);
/// linalg.transpose; `perm[i]` is the input dim of output dim i.
mlir::Value transpose(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value value, llvm::ArrayRef<int64_t> perm);
/// tensor.pad with a constant.
mlir::Value padConstant(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, llvm::ArrayRef<int64_t> low,
                        llvm::ArrayRef<int64_t> high, double padValue);
/// linalg.reduce over `dims`, starting from `init`; the result drops the
/// reduced dims.
mlir::Value reduce(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                   llvm::ArrayRef<int64_t> dims, double init,
                   Combiner combine);
/// ONNX Cast of one scalar: float<->int conversions truncate toward zero,
/// integer widening follows the source's signedness.
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::Type to, bool srcUnsigned,
                          bool dstUnsigned);

} // namespace cim::onnx_import

#endif // CIM_LIB_IMPORT_ONNX_BUILDERS_H
