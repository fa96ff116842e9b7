//===- cim-compile.cpp - ONNX model to runtime program in one command ------===//
//
//   cim-compile model.onnx --arch <preset|file> [--mode latency|throughput]
//       [--input-shape name=d0xd1x...] [--calibration-data dir/]
//       [--emit=mlir|cim|xbar|program] -o out
//
// Import, the mapping pipeline and emission in one process: what
// cim-translate --import-onnx | cim-opt --cim-pipeline | cim-translate
// --emit-program do, with the pass manager's own options
// (--mlir-timing, --mlir-print-ir-after-all, ...) passed through and a
// one-screen summary at the end. Diagnostics carry the importer's
// locations, so every stage's errors name the ONNX node at fault. Nothing is
// written unless every stage succeeds.
//
//===----------------------------------------------------------------------===//

#include "Calibration.h"

#include "cim/Dialect/CIM/CIMAttrs.h"
#include "cim/Dialect/CIM/NodeNames.h"
#include "cim/Import/ONNX/ImportONNX.h"
#include "cim/InitAllDialects.h"
#include "cim/Pipelines/MappingStatistics.h"
#include "cim/Pipelines/Pipelines.h"
#include "cim/Target/Program/EmitProgram.h"
#include "cim/runtime/Estimate.h"
#include "cim/runtime/ProgramIO.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx>"));
static cl::opt<std::string> outputPath("o", cl::Required,
                                       cl::desc("Output file"),
                                       cl::value_desc("path"));
static cl::opt<std::string> arch("arch", cl::Required,
                                 cl::desc("Hardware preset or arch YAML file"));
static cl::opt<std::string>
    mode("mode", cl::init("latency"),
         cl::desc("latency (one copy per matrix) or throughput (replicate "
                  "the busiest matrices into spare arrays)"));
static cl::opt<std::string> activationProducts(
    "activation-products", cl::init("cost"),
    cl::desc("Products of two activations: cost, digital or reprogram"));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Static shape of a graph input: name=d0xd1x... "
                         "(repeatable)"),
                cl::value_desc("name=shape"));
static cl::opt<std::string> calibrationData(
    "calibration-data",
    cl::desc("Directory of input tensors (.npy or .pb) whose ranges give "
             "static input scales instead of run-time ones"),
    cl::value_desc("dir"));
enum class Emit { Mlir, Cim, Xbar, Program };
static cl::opt<Emit> emit(
    "emit", cl::init(Emit::Program), cl::desc("Where to stop"),
    cl::values(clEnumValN(Emit::Mlir, "mlir",
                          "the imported model (linalg on tensors)"),
               clEnumValN(Emit::Cim, "cim",
                          "after the logical passes (cim dialect)"),
               clEnumValN(Emit::Xbar, "xbar",
                          "after the physical passes (xbar dialect)"),
               clEnumValN(Emit::Program, "program",
                          "the runtime program (.cimp), the default")));
static cl::opt<bool> quiet("quiet", cl::desc("No summary on stderr"));

namespace {

using Clock = std::chrono::steady_clock;

/// Import, then the pipeline up to `emit`; `table` gives static input
/// scales (empty: run-time scales).
OwningOpRef<ModuleOp> compile(MLIRContext &context, llvm::StringRef bytes,
                              const cim::OnnxImportOptions &importOptions,
                              const std::string &table) {
  OwningOpRef<ModuleOp> module =
      cim::importOnnxModel(bytes, inputPath, importOptions, &context);
  if (!module || emit == Emit::Mlir)
    return module;
  cim::CIMPipelineOptions options;
  options.arch = arch;
  options.mode = mode;
  options.activationProducts = activationProducts;
  options.calibrationTable = table;
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return nullptr;
  // --mlir-timing: the report prints when the manager goes, after the run.
  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope root = timing.getRootScope();
  pm.enableTiming(root);
  if (cim::passStatisticsRequested())
    pm.addInstrumentation(
        cim::createMappingStatisticsInstrumentation(llvm::errs()));
  cim::buildCIMLevelPipeline(pm, options);
  if (emit != Emit::Cim)
    cim::buildXbarLevelPipeline(pm, options);
  if (failed(pm.run(*module)))
    return nullptr;
  return module;
}

/// An integer field of a module attribute dictionary such as xbar.mapping.
int64_t field(ModuleOp module, llvm::StringRef attr, llvm::StringRef name) {
  auto dict = module->getAttrOfType<DictionaryAttr>(attr);
  auto value = dict ? dict.getAs<IntegerAttr>(name) : IntegerAttr();
  return value ? value.getInt() : -1;
}

void printSummary(ModuleOp module, const cim::runtime::Program *program,
                  double seconds) {
  llvm::errs() << "cim-compile: " << inputPath << " for '" << arch << "' ("
               << mode << ")\n";
  if (field(module, "xbar.mapping", "arrays_used") >= 0) {
    auto mapping = module->getAttrOfType<DictionaryAttr>("xbar.mapping");
    double utilisation = 0;
    if (auto u = mapping.getAs<FloatAttr>("utilization"))
      utilisation = u.getValueAsDouble();
    llvm::errs() << "  arrays        "
                 << field(module, "xbar.mapping", "arrays_used") << " of "
                 << field(module, "xbar.mapping", "arrays_available")
                 << " (packing bound "
                 << field(module, "xbar.mapping", "lower_bound_arrays")
                 << "), cell utilisation "
                 << llvm::format("%.1f%%", 100 * utilisation) << "\n";
    llvm::errs() << "  converters    "
                 << field(module, "xbar.converters", "adc_conversions")
                 << " ADC conversions, "
                 << field(module, "xbar.converters", "lossless_blocks")
                 << " lossless / "
                 << field(module, "xbar.converters", "lossy_blocks")
                 << " lossy blocks\n";
    llvm::errs() << "  interconnect  "
                 << field(module, "xbar.routing", "transfers")
                 << " transfers, "
                 << field(module, "xbar.routing", "bytes_routed")
                 << " bytes; " << field(module, "xbar.schedule", "cores_used")
                 << " cores\n";
  }
  if (program) {
    cim::runtime::StaticEstimate estimate = cim::runtime::estimate(*program);
    llvm::errs() << "  estimate      " << estimate.busiestCoreCycles
                 << " cycles per inference on the busiest core ("
                 << llvm::format("%.1f us",
                                 estimate.busiestCoreCycles /
                                     program->arch.clockGHz / 1e3)
                 << ", weights preloaded, no waiting), "
                 << estimate.instructions << " instructions\n";
  }
  llvm::errs() << "  compile time  " << llvm::format("%.2f s", seconds)
               << "\n";
}

/// "file:line:col: error: message [ONNX node 'name' (OpType)]", then the
/// notes the same way.
LogicalResult printDiagnostic(Diagnostic &diag) {
  auto print = [](Diagnostic &d) {
    Location loc = d.getLocation();
    std::string where;
    loc->walk([&](Location inner) {
      if (auto file = dyn_cast<FileLineColLoc>(inner)) {
        where = (file.getFilename().strref() + ":" + Twine(file.getLine()) +
                 ":" + Twine(file.getColumn()))
                    .str();
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    const char *severity = "error";
    if (d.getSeverity() == DiagnosticSeverity::Warning)
      severity = "warning";
    else if (d.getSeverity() == DiagnosticSeverity::Note)
      severity = "note";
    else if (d.getSeverity() == DiagnosticSeverity::Remark)
      severity = "remark";
    const std::string message = d.str();
    llvm::errs() << (where.empty() ? "cim-compile" : where) << ": " << severity
                 << ": " << message;
    // The importer's own messages name their node already.
    std::string node = cim::onnxNodeName(loc);
    if (!node.empty() && message.find("node '") == std::string::npos) {
      llvm::errs() << " [ONNX node '" << node << "'";
      if (auto fused = dyn_cast<FusedLoc>(loc))
        if (auto type = dyn_cast_if_present<StringAttr>(fused.getMetadata()))
          llvm::errs() << " (" << type.getValue() << ")";
      llvm::errs() << "]";
    }
    llvm::errs() << "\n";
  };
  print(diag);
  for (Diagnostic &note : diag.getNotes())
    print(note);
  return success();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  registerAsmPrinterCLOptions();
  cl::ParseCommandLineOptions(
      argc, argv,
      "cim-compile: an ONNX model to a crossbar runtime program in one "
      "command\n");
  const auto start = Clock::now();

  DialectRegistry registry;
  cim::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Every diagnostic names the ONNX node of the op at fault (from the
  // importer's location), whatever stage reports it; printing the op whole
  // would bury the message under the module.
  ScopedDiagnosticHandler diagnostics(&context, printDiagnostic);
  context.printOpOnDiagnostic(false);

  cim::OnnxImportOptions importOptions;
  for (const std::string &text : inputShapes) {
    std::string name, error;
    std::vector<int64_t> shape;
    if (!cim::parseInputShapeOption(text, name, shape, error)) {
      llvm::errs() << "cim-compile: " << error << "\n";
      return 2;
    }
    importOptions.inputShapes[name] = shape;
  }
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input = openInputFile(inputPath, &error);
  if (!input) {
    llvm::errs() << "cim-compile: " << error << "\n";
    return 1;
  }

  // With calibration data: compile with run-time scales, run the samples
  // through the program (ideal numerics) to find each product's input
  // range, then compile again with those ranges as static scales.
  std::string table;
  if (!calibrationData.empty()) {
    if (emit == Emit::Mlir) {
      llvm::errs() << "cim-compile: --calibration-data needs the pipeline "
                      "(--emit=cim, xbar or program)\n";
      return 2;
    }
    Emit wanted = emit;
    emit = Emit::Program;
    OwningOpRef<ModuleOp> first =
        compile(context, input->getBuffer(), importOptions, "");
    emit = wanted;
    if (!first)
      return 1;
    FailureOr<cim::runtime::Program> program =
        cim::translateModuleToProgram(*first);
    if (failed(program))
      return 1;
    if (!cim::calibrate(*program, calibrationData, table, error)) {
      llvm::errs() << "cim-compile: " << error << "\n";
      return 1;
    }
  }

  OwningOpRef<ModuleOp> module =
      compile(context, input->getBuffer(), importOptions, table);
  if (!table.empty())
    llvm::sys::fs::remove(table);
  if (!module)
    return 1;

  std::optional<cim::runtime::Program> program;
  if (emit == Emit::Program) {
    FailureOr<cim::runtime::Program> emitted =
        cim::translateModuleToProgram(*module);
    if (failed(emitted))
      return 1;
    program = std::move(*emitted);
    cim::runtime::Status saved =
        cim::runtime::saveProgramFile(*program, outputPath);
    if (!saved) {
      llvm::errs() << "cim-compile: " << saved.message() << "\n";
      return 1;
    }
  } else {
    std::unique_ptr<llvm::ToolOutputFile> out =
        openOutputFile(outputPath, &error);
    if (!out) {
      llvm::errs() << "cim-compile: " << error << "\n";
      return 1;
    }
    module->print(out->os());
    out->keep();
  }
  if (!quiet && emit != Emit::Mlir)
    printSummary(*module, program ? &*program : nullptr,
                 std::chrono::duration<double>(Clock::now() - start).count());
  return 0;
}
