//===- DigitalOps.h - The vector unit's instructions of digital ops -*- C++
//-*-===//
//
// What the runtime's vector unit runs for each digital op the mapping leaves
// (docs/isa.md, `generic`, `reshape`, `dynamic_scale`): linalg ops (named or
// generic) become one loop nest with their indexing maps resolved to
// strides and their body translated op by op; padding, strided and
// rank-reducing slices, insert_slice and cim.im2col become copy loop nests;
// expand/collapse_shape a reshape; cim.quantize_dynamic a dynamic_scale and
// a quantize. Used by the program emitter and by the pipeline's final
// contract check (xbar-verify-runtime-contract), so both accept exactly the
// same ops.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_TARGET_PROGRAM_DIGITALOPS_H
#define CIM_TARGET_PROGRAM_DIGITALOPS_H

#include "cim/runtime/Program.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

namespace cim {

/// One runtime instruction of a digital op, its value operands still as IR
/// values (the emitter numbers them).
struct DigitalInstruction {
  runtime::Instruction inst;
  /// Values read, in the instruction's input order.
  llvm::SmallVector<mlir::Value> inputs;
  /// The result the instruction writes.
  mlir::Value output;
};

/// Whether `op` is a digital op this file lowers (whether or not its
/// particular form is supported: lowerDigitalOp says that).
bool isDigitalOp(mlir::Operation *op);

/// The instructions of `op` in execution order, or a failure with an error
/// at `op` that says what the runtime cannot do.
mlir::FailureOr<llvm::SmallVector<DigitalInstruction, 2>>
lowerDigitalOp(mlir::Operation *op);

/// Whether `value` is only a destination placeholder (tensor.empty): no
/// instruction reads its contents.
bool isEmptyTensor(mlir::Value value);

} // namespace cim

#endif // CIM_TARGET_PROGRAM_DIGITALOPS_H
