//===- EmitProgramTest.cpp - Mapped modules run on the simulator ----------===//
//
// The emitter's contract, checked by running what it emits: a product
// translated to a runtime program and executed gives the integer product
// computed here, both for hand-written xbar IR on two cores and for a
// cim.crossbar_matmul mapped by the pipeline's passes.
//
//===----------------------------------------------------------------------===//

#include "cim/Target/Program/EmitProgram.h"
#include "cim/Arch/ArchLoader.h"
#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/InitAllDialects.h"
#include "cim/runtime/Executor.h"

// randomInts and matmul, shared with the runtime's own tests.
#include "RuntimeTestSupport.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace mlir;
namespace rt = cim::runtime;
using cim::runtime::test::matmul;
using cim::runtime::test::randomInts;

namespace {

class EmitProgramTest : public ::testing::Test {
protected:
  EmitProgramTest() {
    DialectRegistry registry;
    cim::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    handler.emplace(&context, [this](Diagnostic &diag) {
      diagnostics.push_back(diag.str());
      return success();
    });
  }

  /// Parses `text` and attaches the arch `presetOrPath` (none when empty).
  OwningOpRef<ModuleOp> parse(const std::string &text,
                              const std::string &presetOrPath) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(text, &context, "test.mlir");
    EXPECT_TRUE(module) << joinedDiagnostics();
    if (module && !presetOrPath.empty()) {
      cim::arch::ArchLoadResult loaded = cim::arch::loadArch(presetOrPath);
      EXPECT_TRUE(loaded.ok()) << loaded.errorText();
      (*module)->setAttr(cim::CIMDialect::kArchAttrName,
                         cim::ArchAttr::get(&context, loaded.getSpec()));
    }
    return module;
  }

  /// Defined after the helpers that build product modules.
  FailureOr<rt::Program> mapAndEmit(int64_t m, int64_t k, int64_t n,
                                    const std::vector<int64_t> &w);

  std::string joinedDiagnostics() const {
    std::string text;
    for (const std::string &d : diagnostics)
      text += d + "\n";
    return text;
  }

  MLIRContext context;
  std::optional<ScopedDiagnosticHandler> handler;
  std::vector<std::string> diagnostics;
};

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  EXPECT_TRUE(bool(buffer)) << path;
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

const char *kTinyArch = CIM_TEST_DIR "/Dialect/CIM/Inputs/tiny.yaml";

const rt::ValueInfo *findBinding(const rt::Program &program,
                                 const std::string &binding) {
  for (const rt::ValueInfo &value : program.values)
    if (value.binding == binding)
      return &value;
  return nullptr;
}

TEST_F(EmitProgramTest, TwoCoreProductRunsExactly) {
  OwningOpRef<ModuleOp> module =
      parse(readFile(CIM_TEST_DIR "/Target/emit-program.mlir"), kTinyArch);
  ASSERT_TRUE(module);
  FailureOr<rt::Program> program = cim::translateModuleToProgram(*module);
  ASSERT_TRUE(succeeded(program)) << joinedDiagnostics();

  // Two streams in coordinate order, instructions in xbar.order order.
  ASSERT_EQ(program->cores.size(), 2u);
  EXPECT_EQ(program->arch.name, "tiny");
  using O = rt::Opcode;
  auto opcodes = [&](size_t c) {
    std::vector<O> list;
    for (const rt::Instruction &inst : program->cores[c].instructions)
      list.push_back(inst.opcode);
    return list;
  };
  EXPECT_EQ(program->cores[0].core.tile, 0);
  EXPECT_EQ(opcodes(0),
            (std::vector<O>{O::Program, O::Dac, O::Mvm, O::Adc, O::ShiftAdd,
                            O::Recombine, O::Quantize, O::Transfer,
                            O::Accumulate, O::Rescale}));
  EXPECT_EQ(program->cores[1].core.tile, 1);
  EXPECT_EQ(opcodes(1), (std::vector<O>{O::Program, O::Transfer, O::Dac, O::Mvm,
                                        O::Adc, O::ShiftAdd, O::Recombine}));
  const rt::Instruction &adc = program->cores[0].instructions[3];
  EXPECT_TRUE(adc.signedRange);
  EXPECT_FALSE(program->cores[1].instructions[4].signedRange);
  EXPECT_EQ(adc.node, "matmul_0");
  EXPECT_EQ(program->cores[0].instructions[6].node, "quant_x_high");
  EXPECT_EQ(program->cores[0].instructions[9].node, "rescale.mlir:3:7");
  EXPECT_EQ(program->cores[0].instructions[9].weightScales,
            (std::vector<double>{0.25, 0.5, 1.0}));
  const rt::Instruction &back = program->cores[0].instructions[7];
  EXPECT_EQ(back.from.tile, 1);
  EXPECT_EQ(back.hops, 1);

  // Bindings: onnx.name where there is one, else out<i>.
  ASSERT_TRUE(findBinding(*program, "x_low"));
  EXPECT_TRUE(findBinding(*program, "x_low")->isInput);
  ASSERT_TRUE(findBinding(*program, "y"));
  EXPECT_TRUE(findBinding(*program, "y")->isOutput);
  ASSERT_TRUE(findBinding(*program, "out1"));
  EXPECT_EQ(findBinding(*program, "out1")->type, rt::ElementType::F32);

  const std::vector<int64_t> w = {1,  -2, 3,  -4, 5, -6, 7, 0,  -1, 2,  -3, 4,
                                  -5, 6,  -7, 0,  1, 2,  3, -4, 5,  -6, 7,  0};
  const std::vector<int64_t> xLow = {3, -7, 0, 5, -1, 2, 7, -8};
  // 5.0 / 0.5 = 10 clamps to 7; -0.75 / 0.5 = -1.5 rounds to even -2.
  const std::vector<double> xHigh = {0.5,   -3.5, 5.0, 1.0,
                                     -0.75, 2.0,  0.0, -1.5};
  const std::vector<int64_t> xHighQ = {1, -7, 7, 2, -2, 4, 0, -3};
  std::vector<int64_t> x(16);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t k = 0; k < 4; ++k) {
      x[i * 8 + k] = xLow[i * 4 + k];
      x[i * 8 + 4 + k] = xHighQ[i * 4 + k];
    }
  const std::vector<int64_t> expected = matmul(x, w, 2, 8, 3);

  rt::TensorMap inputs;
  inputs["x_low"] = rt::Tensor::ofInts(rt::ElementType::I8, {2, 4}, xLow);
  inputs["x_high"] = rt::Tensor::ofFloats({2, 4}, xHigh);
  rt::ExecuteResult result;
  rt::Status status =
      rt::execute(*program, inputs, rt::ExecuteOptions(), result);
  ASSERT_TRUE(status.isOk()) << status.message();
  EXPECT_EQ(result.outputs["y"].ints, expected);
  const double weightScales[] = {0.25, 0.5, 1.0};
  ASSERT_EQ(result.outputs["out1"].floats.size(), 6u);
  for (int64_t e = 0; e < 6; ++e)
    EXPECT_DOUBLE_EQ(result.outputs["out1"].floats[e],
                     static_cast<double>(expected[e]) * 2.0 *
                         weightScales[e % 3])
        << "element " << e;
}

/// A `cim.crossbar_matmul` of an i8 argument and a constant weight.
std::string productModule(int64_t m, int64_t k, int64_t n,
                          const std::vector<int64_t> &w) {
  std::string text = "func.func @main(%x: tensor<" + std::to_string(m) + "x" +
                     std::to_string(k) + "xi8>) -> tensor<" +
                     std::to_string(m) + "x" + std::to_string(n) +
                     "xi32> {\n  %w = arith.constant dense<[";
  for (int64_t r = 0; r < k; ++r) {
    text += r ? ", [" : "[";
    for (int64_t c = 0; c < n; ++c)
      text += (c ? ", " : "") + std::to_string(w[r * n + c]);
    text += "]";
  }
  const std::string xType =
      "tensor<" + std::to_string(m) + "x" + std::to_string(k) + "xi8>";
  const std::string wType =
      "tensor<" + std::to_string(k) + "x" + std::to_string(n) + "xi8>";
  const std::string yType =
      "tensor<" + std::to_string(m) + "x" + std::to_string(n) + "xi32>";
  text += "]> : " + wType + "\n";
  text += "  %y = cim.crossbar_matmul %x, %w {cim.weight_bits = 8 : i64} : " +
          xType + ", " + wType + " -> " + yType + "\n";
  text += "  return %y : " + yType + "\n}\n";
  return text;
}

void registerPassesOnce() {
  static const bool registered = (cim::registerAllPasses(), true);
  (void)registered;
}

/// The passes after quantisation, added to a pass manager on the module.
const char *kMappingPasses = "cim-tile,cim-encode-cells,xbar-place,"
                             "xbar-insert-converters,xbar-route,xbar-schedule";

/// y = x * w (m x k times the constant k x n) mapped on isaac by the passes
/// after quantisation and emitted; failure leaves the diagnostics.
FailureOr<rt::Program>
EmitProgramTest::mapAndEmit(int64_t m, int64_t k, int64_t n,
                            const std::vector<int64_t> &w) {
  OwningOpRef<ModuleOp> module = parse(productModule(m, k, n, w), "isaac");
  if (!module)
    return failure();
  PassManager pm(&context);
  if (failed(parsePassPipeline(kMappingPasses, pm)) || failed(pm.run(*module)))
    return failure();
  return cim::translateModuleToProgram(*module);
}

TEST_F(EmitProgramTest, MappedProductOnIsaacRunsExactly) {
  registerPassesOnce();
  // One row block (K <= 128) and one column block (N <= 31 weight columns
  // of four 2-bit slices plus the reference column): no tiling slices, so
  // every op after the passes is an instruction. K = 40 keeps each plane's
  // sum within the 8-bit ADC (shift 0), so the quantized run is exact.
  const int64_t m = 3, k = 40, n = 31;
  const std::vector<int64_t> w = randomInts(k * n, -127, 127, 7);
  const std::vector<int64_t> x = randomInts(m * k, -127, 127, 8);
  FailureOr<rt::Program> program = mapAndEmit(m, k, n, w);
  ASSERT_TRUE(succeeded(program)) << joinedDiagnostics();
  rt::TensorMap inputs;
  inputs["arg0"] = rt::Tensor::ofInts(rt::ElementType::I8, {m, k}, x);
  rt::ExecuteResult result;
  rt::Status status =
      rt::execute(*program, inputs, rt::ExecuteOptions(), result);
  ASSERT_TRUE(status.isOk()) << status.message();
  EXPECT_EQ(result.outputs["out0"].ints, matmul(x, w, m, k, n));
}

TEST_F(EmitProgramTest, TiledProductSlicesAndConcatenates) {
  registerPassesOnce();
  // K = 200 takes two row blocks (the input is sliced) and N = 40 two column
  // blocks (the results are concatenated): slice and concat instructions,
  // and the ideal run is the integer product.
  const int64_t m = 2, k = 200, n = 40;
  const std::vector<int64_t> w = randomInts(k * n, -127, 127, 9);
  const std::vector<int64_t> x = randomInts(m * k, -127, 127, 10);
  FailureOr<rt::Program> program = mapAndEmit(m, k, n, w);
  ASSERT_TRUE(succeeded(program)) << joinedDiagnostics();
  int64_t slices = 0, concats = 0;
  for (const rt::CoreProgram &core : program->cores)
    for (const rt::Instruction &inst : core.instructions) {
      slices += inst.opcode == rt::Opcode::Slice;
      concats += inst.opcode == rt::Opcode::Concat;
    }
  EXPECT_EQ(slices, 2);
  EXPECT_EQ(concats, 1);
  rt::TensorMap inputs;
  inputs["arg0"] = rt::Tensor::ofInts(rt::ElementType::I8, {m, k}, x);
  rt::ExecuteOptions options;
  options.numerics = rt::Numerics::Ideal;
  rt::ExecuteResult result;
  rt::Status status = rt::execute(*program, inputs, options, result);
  ASSERT_TRUE(status.isOk()) << status.message();
  EXPECT_EQ(result.outputs["out0"].ints, matmul(x, w, m, k, n));
}

TEST_F(EmitProgramTest, EveryUnsupportedOpNameIsReportedOnce) {
  // Bit casts and splats of a run-time scalar have no instruction: one
  // error per op name, in the order first met.
  OwningOpRef<ModuleOp> module = parse(R"mlir(
func.func @main(%x: tensor<2x8xf32>, %s: f32) -> (tensor<2x8xi32>, tensor<4xf32>, tensor<2x8xi32>) {
  %a = tensor.bitcast %x : tensor<2x8xf32> to tensor<2x8xi32>
  %b = tensor.splat %s : tensor<4xf32>
  %c = tensor.bitcast %x : tensor<2x8xf32> to tensor<2x8xi32>
  return %a, %b, %c : tensor<2x8xi32>, tensor<4xf32>, tensor<2x8xi32>
}
)mlir",
                                       "isaac");
  ASSERT_TRUE(module);
  EXPECT_TRUE(failed(cim::translateModuleToProgram(*module)));
  ASSERT_EQ(diagnostics.size(), 2u) << joinedDiagnostics();
  EXPECT_EQ(diagnostics[0], "'tensor.bitcast' has no runtime instruction yet "
                            "(see docs/isa.md)");
  EXPECT_EQ(diagnostics[1], "'tensor.splat' has no runtime instruction yet "
                            "(see docs/isa.md)");
}

TEST_F(EmitProgramTest, ResourceConstantsAreRead) {
  // A weight-like constant in a dense_resource blob (how the ONNX importer
  // stores large initialisers), read through an accumulate.
  OwningOpRef<ModuleOp> module = parse(R"mlir(
func.func @main(%x: tensor<2xi16>) -> tensor<2xi16> {
  %c = arith.constant dense_resource<blob> : tensor<2xi16>
  %y = cim.accumulate %x, %c {xbar.core = #xbar.core<chip = 0, tile = 0, core = 0>, xbar.order = 0 : i64} : tensor<2xi16>
  return %y : tensor<2xi16>
}
{-#
  dialect_resources: {
    builtin: {
      blob: "0x02000000FBFF0900"
    }
  }
#-}
)mlir",
                                       "isaac");
  ASSERT_TRUE(module);
  FailureOr<rt::Program> program = cim::translateModuleToProgram(*module);
  ASSERT_TRUE(succeeded(program)) << joinedDiagnostics();
  const rt::ValueInfo &constant = program->values[1];
  EXPECT_EQ(constant.type, rt::ElementType::I16);
  EXPECT_EQ(constant.constant, (std::vector<double>{-5, 9}));
}

} // namespace
