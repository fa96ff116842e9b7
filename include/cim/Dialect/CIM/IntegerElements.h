//===- IntegerElements.h - Integer tensor constants as int64 -----*- C++ -*-===//
//
// The folders and passes that compute exact integer results (products,
// encodings, conversions) read and build constants through these two.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_DIALECT_CIM_INTEGERELEMENTS_H
#define CIM_DIALECT_CIM_INTEGERELEMENTS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

namespace cim {

/// Every element sign-extended to int64, row-major.
llvm::SmallVector<int64_t> signedElements(mlir::DenseIntElementsAttr attr);

/// Dense integer elements of `type` holding `values` (each truncated to the
/// element width).
mlir::DenseElementsAttr integerElements(mlir::ShapedType type,
                                        llvm::ArrayRef<int64_t> values);

} // namespace cim

#endif // CIM_DIALECT_CIM_INTEGERELEMENTS_H
