//===- ProgramTranslation.cpp - The --emit-program translation ------------===//
//
// mlir-translate writes the output through a ToolOutputFile that is kept
// only when the translation succeeds, so a failed emission leaves no partial
// program behind.
//
//===----------------------------------------------------------------------===//

#include "ProgramTranslation.h"

#include "cim/InitAllDialects.h"
#include "cim/Target/Program/EmitProgram.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;

static LogicalResult emitProgramFile(Operation *op, llvm::raw_ostream &os) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError() << "--emit-program expects a builtin.module";
  return cim::emitProgram(module, os);
}

void cim::registerProgramTranslation() {
  TranslateFromMLIRRegistration registration(
      "emit-program",
      "Write a module mapped down to scheduled xbar ops (after "
      "xbar-schedule) as a runtime program file (.cimp, binary protobuf)",
      emitProgramFile,
      [](DialectRegistry &registry) { cim::registerAllDialects(registry); });
}
