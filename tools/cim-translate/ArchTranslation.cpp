//===- ArchTranslation.cpp - Arch YAML <-> #cim.arch translations -----------===//

#include "ArchTranslation.h"

#include "cim/Arch/ArchLoader.h"
#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/InitAllDialects.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static OwningOpRef<Operation *> importArchYaml(llvm::SourceMgr &sourceMgr,
                                               MLIRContext *context) {
  context->loadDialect<cim::CIMDialect>();
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  cim::arch::ArchLoadResult result = cim::arch::loadArchString(
      buffer->getBuffer().str(), buffer->getBufferIdentifier().str());
  if (!result.ok()) {
    cim::emitArchLoadErrors(context, result);
    return {};
  }
  Location loc = FileLineColLoc::get(context, buffer->getBufferIdentifier(),
                                     /*line=*/1, /*column=*/1);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  (*module)->setAttr(cim::CIMDialect::kArchAttrName,
                     cim::ArchAttr::get(context, result.getSpec()));
  return OwningOpRef<Operation *>(module.release());
}

static LogicalResult exportArchYaml(Operation *op, llvm::raw_ostream &os) {
  auto archAttr =
      op->getAttrOfType<cim::ArchAttr>(cim::CIMDialect::kArchAttrName);
  if (!archAttr)
    return op->emitError() << "module has no '"
                           << cim::CIMDialect::kArchAttrName
                           << "' attribute to export; attach one with "
                              "cim-opt --cim-arch=<preset|file>";
  os << cim::arch::writeArchYaml(archAttr.getArchSpec());
  return success();
}

void cim::registerArchTranslations() {
  TranslateToMLIRRegistration importRegistration(
      "import-arch-yaml",
      "Read an arch YAML file into a module carrying #cim.arch",
      importArchYaml, [](DialectRegistry &registry) {
        registry.insert<cim::CIMDialect>();
      });
  TranslateFromMLIRRegistration exportRegistration(
      "export-arch-yaml",
      "Write the #cim.arch of a module as an arch YAML file", exportArchYaml,
      [](DialectRegistry &registry) { cim::registerAllDialects(registry); });
}
