//===- cim-translate.cpp - Translations in and out of cim IR ----------------===//
//
// Upstream's mlirTranslateMain. Translations registered so far:
//   --import-arch-yaml   arch YAML file -> module carrying #cim.arch
//   --export-arch-yaml   module carrying #cim.arch -> arch YAML
// The ONNX importer and the program emitter join here in later issues.
//
//===----------------------------------------------------------------------===//

#include "ArchTranslation.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  cim::registerArchTranslations();
  return mlir::failed(
             mlir::mlirTranslateMain(argc, argv, "cim translation driver\n"))
             ? 1
             : 0;
}
