//===- WriteProgram.cpp - Program files from mapped modules ---------------===//
//
// Apart from EmitProgram.cpp so that a client that only translates (the unit
// tests) does not pull in the protobuf serialiser.
//
//===----------------------------------------------------------------------===//

#include "cim/Target/Program/EmitProgram.h"

#include "cim/runtime/ProgramIO.h"

#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "cim-emit-program"

using namespace mlir;

namespace rt = cim::runtime;

LogicalResult cim::emitProgram(ModuleOp module, llvm::raw_ostream &os) {
  FailureOr<rt::Program> program = translateModuleToProgram(module);
  if (failed(program))
    return failure();
  std::string bytes;
  if (rt::Status status = rt::serializeProgram(*program, bytes); !status)
    return module.emitError()
           << "cannot serialise the program: " << status.message();
  LLVM_DEBUG(llvm::dbgs() << "emit-program: " << program->values.size()
                          << " values, " << program->cores.size() << " cores, "
                          << bytes.size() << " bytes\n");
  os << bytes;
  return success();
}
