//===- DeviceModelTest.cpp - The device hook between cells and sums -------===//

#include "RuntimeTestSupport.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

/// Effective conductance = gain * level; records what it was asked for.
class GainModel : public DeviceModel {
public:
  explicit GainModel(double gain) : gain(gain) {}
  std::string name() const override { return "gain"; }
  void effectiveLevels(const CellBlock &block,
                       double *effective) const override {
    blocks.push_back(block);
    for (int64_t r = 0; r < block.rows; ++r)
      for (int64_t c = 0; c < block.cols; ++c)
        effective[r * block.cols + c] =
            gain * static_cast<double>(block.levels[r * block.stride + c]);
  }
  double gain;
  mutable std::vector<CellBlock> blocks;
};

struct OneProduct {
  Program program;
  TensorMap inputs;
  std::vector<int64_t> expected;
  int64_t physicalColumns = 0;
};

/// y = x * w on one array, with a 16-bit ADC that loses nothing.
OneProduct oneProduct() {
  const arch::ArchSpec spec = smallArch();
  const int64_t m = 3, k = 16, n = 4;
  const std::vector<int64_t> w = randomInts(k * n, -127, 127, 41);
  const std::vector<int64_t> x = randomInts(m * k, -128, 127, 42);
  const arch::CellEncoding encoding = arch::CellEncoding::forArch(spec, 8);
  ProgramBuilder b(spec);
  buildMatmul(b, core(0, 0, 0), w, m, k, n, encoding, 8, 1, 16, 0);
  OneProduct out;
  out.program = b.program;
  out.inputs = {{"x", Tensor::ofInts(ElementType::I8, {m, k}, x)}};
  out.expected = matmul(x, w, m, k, n);
  out.physicalColumns =
      n * encoding.columnsPerWeight() + encoding.referenceColumns();
  return out;
}

TEST(RuntimeDeviceModel, ExactDevicesChangeNothing) {
  OneProduct p = oneProduct();
  GainModel exact(1.0);
  ExecuteOptions options;
  options.device = &exact;
  const ExecuteResult result = runOrFail(p.program, p.inputs, options);
  EXPECT_EQ(result.outputs.at("y").ints, p.expected);

  // Asked once per mvm (8 DAC planes are one mvm instruction), for the
  // block the mvm reads, at the cycle the mvm starts.
  ASSERT_EQ(exact.blocks.size(), 1u);
  const CellBlock &block = exact.blocks[0];
  EXPECT_TRUE(block.array.core == core(0, 0, 0));
  EXPECT_EQ(block.array.array, 0);
  EXPECT_EQ(block.row, 0);
  EXPECT_EQ(block.rows, 16);
  EXPECT_EQ(block.cols, p.physicalColumns);
  EXPECT_EQ(block.stride, p.program.arch.array.cols);
  int64_t mvmStart = -1;
  for (const InstructionTiming &t : result.report.timeline)
    if (t.opcode == Opcode::Mvm)
      mvmStart = t.start;
  EXPECT_EQ(block.cycle, mvmStart);
  EXPECT_GT(block.cycle, 0); // after programming
}

TEST(RuntimeDeviceModel, ConductancesReachTheColumnSums) {
  OneProduct p = oneProduct();
  // Every cell conducts twice its level: every column sum doubles, and the
  // recombined product (linear in the columns, reference included) too.
  GainModel doubled(2.0);
  ExecuteOptions options;
  options.device = &doubled;
  const ExecuteResult result = runOrFail(p.program, p.inputs, options);
  std::vector<int64_t> twice = p.expected;
  for (int64_t &v : twice)
    v *= 2;
  EXPECT_EQ(result.outputs.at("y").ints, twice);

  // Cells 5% too conductive: a 1-bit plane's column sum of up to 48 level
  // units moves by up to 2.4 units, which survives the rounding.
  GainModel slightlyHigh(1.05);
  options.device = &slightlyHigh;
  const ExecuteResult perturbed = runOrFail(p.program, p.inputs, options);
  EXPECT_NE(perturbed.outputs.at("y").ints, p.expected);
}

} // namespace
