//===- cim-opt.cpp - The cim optimizer driver -------------------------------===//
//
// Upstream's MlirOptMain with our dialects and passes plus the upstream
// dialects of the frontend contract and their standard passes.
//
//===----------------------------------------------------------------------===//

#include "cim/InitAllDialects.h"

namespace cim::test {
void registerTestPasses();
} // namespace cim::test

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  cim::registerAllDialects(registry);
  cim::registerAllPasses();
  cim::test::registerTestPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "cim optimizer driver: analog compute-in-memory compiler\n",
      registry));
}
