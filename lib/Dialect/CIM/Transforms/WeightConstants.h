//===- WeightConstants.h - Read and build constant weight matrices -*- C++ -*-===//

#ifndef CIM_LIB_DIALECT_CIM_TRANSFORMS_WEIGHTCONSTANTS_H
#define CIM_LIB_DIALECT_CIM_TRANSFORMS_WEIGHTCONSTANTS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <vector>

namespace cim {

/// The integer values of a constant (arith.constant of a dense or
/// dense_resource tensor), row-major, or nullopt when `value` is not one.
std::optional<std::vector<int64_t>> readIntegerConstant(mlir::Value value);

/// An arith.constant of `type` (signless integer elements) holding `values`.
mlir::Value buildIntegerConstant(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::RankedTensorType type,
                                 llvm::ArrayRef<int64_t> values);

} // namespace cim

#endif // CIM_LIB_DIALECT_CIM_TRANSFORMS_WEIGHTCONSTANTS_H
