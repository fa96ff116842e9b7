//===- OnnxTranslation.cpp - The --import-onnx translation -----------------===//

#include "OnnxTranslation.h"

#include "cim/Import/ONNX/ImportONNX.h"
#include "cim/InitAllDialects.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

// Translation options are command-line options of the translate tool, as in
// upstream mlir-translate.
static llvm::cl::list<std::string> inputShapes(
    "input-shape",
    llvm::cl::desc("Static shape of a graph input for --import-onnx: "
                   "name=d0xd1x... (repeatable)"),
    llvm::cl::value_desc("name=shape"));

static OwningOpRef<Operation *> importOnnx(llvm::SourceMgr &sourceMgr,
                                           MLIRContext *context) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  StringRef path = buffer->getBufferIdentifier();
  cim::OnnxImportOptions options;
  for (const std::string &text : inputShapes) {
    std::string name, error;
    std::vector<int64_t> shape;
    if (!cim::parseInputShapeOption(text, name, shape, error)) {
      emitError(UnknownLoc::get(context)) << error;
      return {};
    }
    options.inputShapes[name] = shape;
  }
  OwningOpRef<ModuleOp> module =
      cim::importOnnxModel(buffer->getBuffer(), path, options, context);
  if (!module)
    return {};
  return OwningOpRef<Operation *>(module.release());
}

void cim::registerOnnxTranslation() {
  TranslateToMLIRRegistration registration(
      "import-onnx",
      "Import an ONNX model (binary, or ONNX's textual syntax) into the "
      "frontend contract (linalg on tensors)",
      importOnnx,
      [](DialectRegistry &registry) { cim::registerAllDialects(registry); });
}
