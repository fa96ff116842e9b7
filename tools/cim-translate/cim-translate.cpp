//===- cim-translate.cpp - Translations in and out of cim IR ----------------===//
//
// Upstream's mlirTranslateMain. Translations registered so far:
//   --import-onnx        ONNX model -> frontend contract (linalg on tensors)
//   --import-arch-yaml   arch YAML file -> module carrying #cim.arch
//   --export-arch-yaml   module carrying #cim.arch -> arch YAML
//   --emit-program       module after xbar-schedule -> runtime program (.cimp)
//
//===----------------------------------------------------------------------===//

#include "ArchTranslation.h"
#include "OnnxTranslation.h"
#include "ProgramTranslation.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  cim::registerArchTranslations();
  cim::registerOnnxTranslation();
  cim::registerProgramTranslation();
  return mlir::failed(
             mlir::mlirTranslateMain(argc, argv, "cim translation driver\n"))
             ? 1
             : 0;
}
