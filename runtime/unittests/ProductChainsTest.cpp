//===- ProductChainsTest.cpp - The GEMM path equals the instruction path --===//
//
// The executor computes a dac -> mvm -> adc -> shift_add -> recombine chain
// with GEMMs when its mvm issues (ProductChains.h). A device model turns
// that path off (it must see every mvm), and an exact one changes no value,
// so the two runs below compute the same products by the two paths: every
// output bit and every cycle and picojoule must agree.
//
//===----------------------------------------------------------------------===//

#include "RuntimeTestSupport.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

/// Cells are exactly their levels: the instruction-by-instruction path.
class ExactDevice : public DeviceModel {
public:
  std::string name() const override { return "exact"; }
  void effectiveLevels(const CellBlock &block,
                       double *effective) const override {
    for (int64_t r = 0; r < block.rows; ++r)
      for (int64_t c = 0; c < block.cols; ++c)
        effective[r * block.cols + c] =
            static_cast<double>(block.levels[r * block.stride + c]);
  }
};

/// A program's results with the fused products and instruction by
/// instruction (through the exact device).
struct BothPaths {
  ExecuteResult fused, stepwise;
};
BothPaths runBothPaths(const Program &program, const TensorMap &inputs,
                       Numerics numerics = ExecuteOptions().numerics) {
  ExactDevice exact;
  ExecuteOptions fused, stepwise;
  fused.numerics = stepwise.numerics = numerics;
  stepwise.device = &exact;
  return {runOrFail(program, inputs, fused),
          runOrFail(program, inputs, stepwise)};
}

struct Case {
  arch::SignedEncoding scheme;
  int64_t cellBits, dacBits, adcBits, shift;
};

/// Runs one product of `c` both ways in both numerics and compares.
void expectSamePaths(const Case &c, int64_t k, uint64_t seed) {
  arch::ArchSpec spec = smallArch();
  spec.array.cell.signedEncoding = c.scheme;
  spec.array.cell.bits = c.cellBits;
  const arch::CellEncoding encoding = arch::CellEncoding::forArch(spec, 8);
  const int64_t m = 5, n = 6;
  const std::vector<int64_t> w = randomInts(k * n, -127, 127, seed);
  const std::vector<int64_t> x = randomInts(m * k, -128, 127, seed + 1);
  ProgramBuilder b(spec);
  buildMatmul(b, core(0, 0, 0), w, m, k, n, encoding, 8, c.dacBits, c.adcBits,
              c.shift);
  const TensorMap inputs = {{"x", Tensor::ofInts(ElementType::I8, {m, k}, x)}};
  for (Numerics numerics : {Numerics::Ideal, Numerics::Quantized}) {
    const auto [a, s] = runBothPaths(b.program, inputs, numerics);
    const std::string what = std::string(arch::toString(c.scheme)) + ", " +
                             std::to_string(c.cellBits) + "-bit cells, dac " +
                             std::to_string(c.dacBits) + ", adc " +
                             std::to_string(c.adcBits) + " shift " +
                             std::to_string(c.shift) + ", K " +
                             std::to_string(k) + ", " + toString(numerics);
    ASSERT_TRUE(a.outputs.count("y") && s.outputs.count("y")) << what;
    EXPECT_EQ(a.outputs.at("y"), s.outputs.at("y")) << what;
    EXPECT_EQ(a.report.totalCycles, s.report.totalCycles) << what;
    EXPECT_DOUBLE_EQ(a.report.energy.total(), s.report.energy.total()) << what;
    if (numerics == Numerics::Ideal) {
      EXPECT_EQ(a.outputs.at("y").ints, matmul(x, w, m, k, n)) << what;
    }
  }
}

TEST(RuntimeProductChains, GemmPathEqualsInstructionPath) {
  // Every signed encoding; 1- and 2-bit DAC planes; an ADC wide enough to
  // lose nothing (one GEMM with the recombined weights), one at its exact
  // edge, and narrow ones that clip and round (per-plane GEMM, then the
  // converters).
  const std::vector<Case> cases = {
      {arch::SignedEncoding::Offset, 2, 1, 16, 0},
      {arch::SignedEncoding::Offset, 2, 1, 8, 1},
      {arch::SignedEncoding::Offset, 2, 2, 6, 2},
      {arch::SignedEncoding::Differential, 2, 1, 16, 0},
      {arch::SignedEncoding::Differential, 1, 1, 5, 0},
      {arch::SignedEncoding::Differential, 4, 2, 7, 3},
      {arch::SignedEncoding::TwosComplement, 2, 1, 16, 0},
      {arch::SignedEncoding::TwosComplement, 2, 1, 6, 1},
      {arch::SignedEncoding::TwosComplement, 4, 4, 9, 2},
  };
  uint64_t seed = 100;
  for (const Case &c : cases)
    for (int64_t k : {7, 64})
      expectSamePaths(c, k, seed += 2);
}

TEST(RuntimeProductChains, SumsReadElsewhereKeepTheInstructionPath) {
  // The shift-and-add result is also an output: the chain stops before the
  // recombine, and both values are still right.
  const arch::ArchSpec spec = smallArch();
  const arch::CellEncoding encoding = arch::CellEncoding::forArch(spec, 8);
  const int64_t m = 2, k = 9, n = 3;
  const std::vector<int64_t> w = randomInts(k * n, -127, 127, 7);
  const std::vector<int64_t> x = randomInts(m * k, -128, 127, 8);
  ProgramBuilder b(spec);
  MatmulIds ids =
      buildMatmul(b, core(0, 0, 0), w, m, k, n, encoding, 8, 1, 16, 0);
  b.output(ids.combined);
  const TensorMap inputs = {{"x", Tensor::ofInts(ElementType::I8, {m, k}, x)}};
  const auto [a, s] = runBothPaths(b.program, inputs);
  EXPECT_EQ(a.outputs.at("y").ints, matmul(x, w, m, k, n));
  ASSERT_EQ(a.outputs.size(), 2u);
  for (const auto &[name, tensor] : s.outputs)
    EXPECT_EQ(a.outputs.at(name), tensor) << name;
}

/// Rounding-ADC chains (offset 2-bit cells, one-bit DACs, shift 1: the
/// parity path, whose chains wait for a reader and run together) of one
/// input on core (0, 0, 0): chain i on array `arrays[i]` with its own
/// weights (programmed just before it), result "y<i>".
struct WaitingChains {
  static arch::ArchSpec offsetTwoBitCells() {
    arch::ArchSpec spec = smallArch();
    spec.array.cell.signedEncoding = arch::SignedEncoding::Offset;
    spec.array.cell.bits = 2;
    return spec;
  }
  const arch::ArchSpec spec = offsetTwoBitCells();
  ProgramBuilder b{spec};
  TensorMap inputs;
  std::vector<int64_t> results;
  static constexpr int64_t m = 5, k = 7, n = 6, planes = 8;

  explicit WaitingChains(const std::vector<int64_t> &arrays) {
    const arch::CellEncoding encoding = arch::CellEncoding::forArch(spec, 8);
    const int64_t physical =
        n * encoding.columnsPerWeight() + encoding.referenceColumns();
    const CoreId at = core(0, 0, 0);
    inputs = {{"x", Tensor::ofInts(ElementType::I8, {m, k},
                                   randomInts(m * k, -128, 127, 31))}};
    const int64_t input = b.input("x", ElementType::I8, {m, k});
    const int64_t digits = b.value("planes", ElementType::I8, {planes, m, k});
    b.add(at, dac(input, digits, 8, 1));
    for (size_t i = 0; i < arrays.size(); ++i) {
      const std::string tag = std::to_string(i);
      const int64_t levels = b.constant(
          "levels" + tag, ElementType::I8, {k, physical},
          encodeLevels(randomInts(k * n, -127, 127, 32 + i), k, n, encoding));
      const int64_t sums =
          b.value("sums" + tag, ElementType::I32, {planes, m, physical});
      const int64_t converted =
          b.value("converted" + tag, ElementType::I32, {planes, m, physical});
      const int64_t combined =
          b.value("combined" + tag, ElementType::I32, {m, physical});
      results.push_back(b.value("y" + tag, ElementType::I32, {m, n}));
      b.add(at, programCells(levels, array(at, arrays[i])));
      b.add(at, mvm(digits, sums, array(at, arrays[i])));
      b.add(at, adc(sums, converted, 8, 1, false));
      b.add(at, shiftAdd(converted, combined, 1));
      b.add(at, recombine(combined, results.back(), encoding));
    }
  }
};

TEST(RuntimeProductChains, WaitingProductsKeepTheCellsOfTheirIssue) {
  // Nothing reads the chains before the end, and their array is rewritten
  // between the two: the first must still see the first weights.
  WaitingChains chains({0, 0});
  for (int64_t result : chains.results)
    chains.b.output(result);
  const auto [a, s] = runBothPaths(chains.b.program, chains.inputs);
  for (const char *name : {"y0", "y1"})
    EXPECT_EQ(a.outputs.at(name), s.outputs.at(name)) << name;
  EXPECT_NE(s.outputs.at("y0"), s.outputs.at("y1"));
}

TEST(RuntimeProductChains, WaitingProductsRunBeforeTheirReaders) {
  // Both results go to another core by transfers that only share their
  // storage (no read), and an accumulate there reads them (taking over the
  // first one's storage): the chains must have run by then.
  WaitingChains chains({0, 1});
  ProgramBuilder &b = chains.b;
  const CoreId sink = core(0, 1, 0);
  std::vector<int64_t> moved;
  for (size_t i = 0; i < chains.results.size(); ++i) {
    moved.push_back(b.value("moved" + std::to_string(i), ElementType::I32,
                            {WaitingChains::m, WaitingChains::n}));
    b.add(sink, transfer(chains.results[i], moved.back(), core(0, 0, 0), 1));
  }
  const int64_t sum = b.value("sum", ElementType::I32,
                              {WaitingChains::m, WaitingChains::n});
  b.output(sum);
  b.add(sink, make(Opcode::Accumulate, moved, sum));
  const auto [a, s] = runBothPaths(b.program, chains.inputs);
  EXPECT_EQ(a.outputs.at("sum"), s.outputs.at("sum"));
}

} // namespace
