//===- EmitProgram.h - Mapped modules to runtime programs -------*- C++ -*-===//
//
// The compiler side of the program format: a module after the mapping
// pipeline's xbar passes (every op on a core, in its core's order) becomes a
// cim::runtime::Program, one instruction per op, values by SSA
// (docs/design/runtime-isa.md). Ops the runtime has no instruction for yet
// are reported, never approximated.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_TARGET_PROGRAM_EMITPROGRAM_H
#define CIM_TARGET_PROGRAM_EMITPROGRAM_H

#include "cim/runtime/Program.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

namespace cim {

/// Translates the entry function of `module` (`@main`, or its only function)
/// and the module's `#cim.arch` into a program that passes
/// runtime::validate(). Every problem is reported at the op that causes it
/// (all unsupported ops at once), and the result is then a failure.
mlir::FailureOr<runtime::Program>
translateModuleToProgram(mlir::ModuleOp module);

/// The checks of translateModuleToProgram that need no constant data: one
/// entry function, an arch, every op an instruction (digital ops lowered to
/// the vector unit's), every instruction on a core at a position. The
/// pipeline's final contract check (xbar-verify-runtime-contract).
mlir::LogicalResult verifyRuntimeContract(mlir::ModuleOp module);

/// translateModuleToProgram, then the protobuf bytes of the program file
/// (runtime::serializeProgram) written to `os`: `cim-translate --emit-program`.
mlir::LogicalResult emitProgram(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace cim

#endif // CIM_TARGET_PROGRAM_EMITPROGRAM_H
