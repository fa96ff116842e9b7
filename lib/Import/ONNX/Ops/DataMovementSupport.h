//===- DataMovementSupport.h - Shared by the data movement ops -*- C++ -*-===//

#ifndef CIM_LIB_IMPORT_ONNX_OPS_DATAMOVEMENTSUPPORT_H
#define CIM_LIB_IMPORT_ONNX_OPS_DATAMOVEMENTSUPPORT_H

#include "../Builders.h"
#include "../ImportContext.h"
#include "../OpRegistry.h"

#include "mlir/IR/AffineMap.h"

#include <string>

namespace cim::onnx_import {

/// Split, Slice and Gather (Indexing.cpp); registerDataMovementOps calls it.
void registerIndexingOps(OpRegistry &registry);

namespace data_movement {

std::string str(mlir::Type type);
std::string str(llvm::ArrayRef<int64_t> values);
int64_t product(llvm::ArrayRef<int64_t> dims);

/// Sets output `index` after checking `value` against the inferred output
/// type: a disagreement means the handler misread the node, which must not
/// reach the IR silently.
mlir::LogicalResult setChecked(ImportContext &ctx, size_t index,
                               mlir::Value value);

/// The values of a shape-like input. Every shape here is static, so they
/// must be known at compile time; fails naming the input otherwise.
mlir::FailureOr<llvm::SmallVector<int64_t>>
constantInts(ImportContext &ctx, size_t index, const std::string &what);

/// `axis` normalised into [0, rank), failing on anything outside
/// [-rank, rank).
mlir::FailureOr<int64_t> checkedAxis(ImportContext &ctx, int64_t axis,
                                     int64_t rank);
/// Normalised axes, failing on duplicates.
mlir::FailureOr<llvm::SmallVector<int64_t>>
checkedAxes(ImportContext &ctx, llvm::ArrayRef<int64_t> axes, int64_t rank);

/// tensor.extract_slice with static offsets, sizes and strides; no op when
/// it takes everything.
mlir::Value extractSlice(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value value, llvm::ArrayRef<int64_t> offsets,
                         llvm::ArrayRef<int64_t> sizes,
                         llvm::ArrayRef<int64_t> strides);

/// Body of indexedGeneric: the elements of its inputs and the loop indices
/// in, the output element out.
using IndexedBody = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange args,
    llvm::ArrayRef<mlir::Value> indices)>;
/// A parallel linalg.generic producing `resultType` from `inputs` (read
/// through `inputMaps`); loop indices the body does not use are dropped. A
/// result with no elements is just a tensor.empty.
mlir::Value indexedGeneric(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::RankedTensorType resultType,
                           mlir::ValueRange inputs,
                           llvm::ArrayRef<mlir::AffineMap> inputMaps,
                           IndexedBody body);

mlir::Value indexConstant(mlir::OpBuilder &b, mlir::Location loc,
                          int64_t value);

} // namespace data_movement
} // namespace cim::onnx_import

#endif // CIM_LIB_IMPORT_ONNX_OPS_DATAMOVEMENTSUPPORT_H
