//===- StationaryTensors.h - Weights computable at compile time -*- C++ -*-===//
//
// What cim-convert-linalg needs to know about a weight: whether it is
// stationary (the notion of cim.crossbar_matmul's verifier) and, when it is
// a constant seen through data movement, its elements, so rearrangements
// fold into a new constant.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_LIB_DIALECT_CIM_TRANSFORMS_STATIONARYTENSORS_H
#define CIM_LIB_DIALECT_CIM_TRANSFORMS_STATIONARYTENSORS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <vector>

namespace cim {

/// A value is stationary when it is a constant or a memory-effect-free op
/// over stationary operands, to a bounded depth. Mirrors the check of
/// CrossbarMatmulOp's verifier (CIMOps.cpp).
bool isStationary(mlir::Value value);

/// The elements of a stationary float tensor, row-major, as raw bytes:
/// weight rearrangements only move elements, so bytes serve every float
/// type alike.
struct RawTensor {
  llvm::SmallVector<int64_t> shape;
  size_t elementBytes = 0;
  std::vector<char> data;
};

/// The elements of `value` when it is a float constant (dense, splat or a
/// resource blob, the importer's form for large weights) seen through
/// tensor.collapse_shape / expand_shape, linalg.transpose, linalg.broadcast
/// and the importer's copy-only broadcasting linalg.generic. Arithmetic on
/// constants is not evaluated: nullopt.
std::optional<RawTensor> evaluateStationary(mlir::Value value);

/// `result` with result dim d being `src` dim perm[d].
RawTensor transposeRaw(const RawTensor &src, llvm::ArrayRef<int64_t> perm);

/// An arith.constant of `raw`'s shape and `elementType`.
mlir::Value buildConstant(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Type elementType, const RawTensor &raw);

} // namespace cim

#endif // CIM_LIB_DIALECT_CIM_TRANSFORMS_STATIONARYTENSORS_H
