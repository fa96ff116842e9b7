//===- ScalarBody.h - linalg bodies as runtime scalar ops ---------*- C++
//-*-===//
//
// Private to CIMTargetProgram. The region of a linalg op (arith, math,
// linalg.index, tensor.extract, ending in linalg.yield) as the body of a
// runtime `generic` (cim/runtime/Program.h, ScalarOp).
//
//===----------------------------------------------------------------------===//

#ifndef CIM_LIB_TARGET_PROGRAM_SCALARBODY_H
#define CIM_LIB_TARGET_PROGRAM_SCALARBODY_H

#include "cim/runtime/Program.h"

#include "mlir/IR/Block.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <vector>

namespace cim {

struct ScalarBody {
  std::vector<runtime::ScalarOp> ops;
  /// Register of the yielded value.
  int64_t result = 0;
  /// Tensors defined outside the body that tensor.extract reads whole (the
  /// generic's gather sources, in Extract's `dim` order).
  llvm::SmallVector<mlir::Value> sources;
};

/// Translates `block`. `registers` gives the register of each value already
/// known (the block arguments the generic accesses); `argCount` is how many
/// argument registers there are (ops take the next ones). Constants, in the
/// body, captured from outside or given in `constants` (block arguments of
/// scalar constant operands), become Const ops; any other captured scalar,
/// or an op without a scalar counterpart, is an error at `at`.
mlir::FailureOr<ScalarBody>
translateScalarBody(mlir::Block &block,
                    llvm::DenseMap<mlir::Value, int64_t> registers,
                    const llvm::DenseMap<mlir::Value, double> &constants,
                    int64_t argCount, mlir::Operation *at);

/// The value of a scalar constant (float, integer or index), if `value` is
/// one.
std::optional<double> scalarConstant(mlir::Value value);

} // namespace cim

#endif // CIM_LIB_TARGET_PROGRAM_SCALARBODY_H
