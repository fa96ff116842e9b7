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

#include "cim/Pipelines/MappingStatistics.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  cim::registerAllDialects(registry);
  cim::registerAllPasses();
  cim::test::registerTestPasses();
  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv, "cim optimizer driver: analog compute-in-memory compiler\n",
      registry);

  // Upstream's driver, with the mapping passes' figures added to
  // -mlir-pass-statistics (cim/Pipelines/MappingStatistics.h says why).
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  mlir::MlirOptMainConfig fromCommandLine = config;
  config.setPassPipelineSetupFn(
      [fromCommandLine](mlir::PassManager &pm) -> mlir::LogicalResult {
        if (mlir::failed(fromCommandLine.setupPassPipeline(pm)))
          return mlir::failure();
        if (cim::passStatisticsRequested())
          pm.addInstrumentation(
              cim::createMappingStatisticsInstrumentation(llvm::errs()));
        return mlir::success();
      });

  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputFilename, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return EXIT_FAILURE;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return EXIT_FAILURE;
  }
  if (mlir::failed(mlir::MlirOptMain(output->os(), std::move(input), registry,
                                     config)))
    return EXIT_FAILURE;
  output->keep();
  return EXIT_SUCCESS;
}
