//===- BatchTest.cpp - Batched programs: copies, sharing, pipelining ------===//

#include "RuntimeTestSupport.h"

#include "cim/runtime/Batch.h"
#include "cim/runtime/Report.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

/// An M x K by K x N product on core (0, 0, 0) of `b` (8-bit weights and
/// inputs, 1-bit DACs, 16-bit lossless ADCs).
void addMatmul(ProgramBuilder &b, const std::vector<int64_t> &w, int64_t m,
               int64_t k, int64_t n) {
  buildMatmul(b, core(0, 0, 0), w, m, k, n,
              arch::CellEncoding::forArch(b.program.arch, 8), 8, 1, 16, 0);
}

TEST(RuntimeBatch, EveryCopyComputesItsOwnInput) {
  const int64_t m = 2, k = 16, n = 3;
  const std::vector<int64_t> w = randomInts(k * n, -127, 127, 51);
  ProgramBuilder b(smallArch());
  addMatmul(b, w, m, k, n);
  const int64_t perInference =
      static_cast<int64_t>(b.program.cores[0].instructions.size()) - 1;

  Program batched;
  ASSERT_TRUE(batchProgram(b.program, 3, batched));
  // The array is written once; everything else runs three times.
  EXPECT_EQ(static_cast<int64_t>(batched.cores[0].instructions.size()),
            1 + 3 * perInference);
  TensorMap inputs;
  std::vector<std::vector<int64_t>> xs;
  for (int64_t i = 0; i < 3; ++i) {
    xs.push_back(randomInts(m * k, -128, 127, 60 + i));
    inputs[batchBinding("x", i)] =
        Tensor::ofInts(ElementType::I8, {m, k}, xs.back());
  }
  ExecuteOptions options;
  options.batch = 3;
  const ExecuteResult result = runOrFail(batched, inputs, options);
  for (int64_t i = 0; i < 3; ++i)
    EXPECT_EQ(result.outputs.at(batchBinding("y", i)).ints,
              matmul(xs[i], w, m, k, n))
        << "copy " << i;
  EXPECT_EQ(result.report.batch, 3);
  EXPECT_NEAR(result.report.inferencesPerSecond,
              3 / (result.report.latencyNs * 1e-9), 1e-6);

  Program none;
  EXPECT_FALSE(batchProgram(b.program, 0, none));
}

TEST(RuntimeBatch, CopiesOverlapLikeAPipeline) {
  const int64_t m = 4, k = 16, n = 3;
  ProgramBuilder b(smallArch());
  addMatmul(b, randomInts(k * n, -127, 127, 53), m, k, n);
  const TensorMap one = {
      {"x", Tensor::ofInts(ElementType::I8, {m, k},
                           randomInts(m * k, -128, 127, 54))}};
  ExecuteOptions options;
  options.weightsPreloaded = true; // programming would hide the overlap
  const double single = runOrFail(b.program, one, options).report.latencyNs;

  const int64_t copies = 4;
  Program batched;
  ASSERT_TRUE(batchProgram(b.program, copies, batched));
  TensorMap inputs;
  for (int64_t i = 0; i < copies; ++i)
    inputs[batchBinding("x", i)] = one.at("x");
  options.batch = copies;
  const double total = runOrFail(batched, inputs, options).report.latencyNs;
  // The DAC, array, ADC and shift-and-add of one core are separate units:
  // copy i + 1 converts its input while copy i is in the array.
  EXPECT_GT(total, single);
  EXPECT_LT(total, copies * single);
}

TEST(RuntimeBatch, RewrittenArraysAreRewrittenPerCopy) {
  ProgramBuilder b(smallArch());
  const std::vector<int64_t> w = randomInts(16 * 2, -127, 127, 52);
  addMatmul(b, w, 1, 16, 2);
  // A second write of the same array (a reprogrammed product).
  const Instruction write = b.program.cores[0].instructions[0];
  b.program.cores[0].instructions.push_back(write);
  Program batched;
  ASSERT_TRUE(batchProgram(b.program, 2, batched));
  int64_t writes = 0;
  for (const Instruction &inst : batched.cores[0].instructions)
    writes += inst.opcode == Opcode::Program;
  EXPECT_EQ(writes, 4);
}

// executeBatch validates the program once and runs its repetition: the
// same outputs and report as executing batchProgram's copy, the plain
// program for one inference, and a refusal of an invalid program.
TEST(RuntimeBatch, ExecuteBatchRunsTheRepetitionOfAValidProgram) {
  const int64_t m = 2, k = 16, n = 3;
  ProgramBuilder b(smallArch());
  addMatmul(b, randomInts(k * n, -127, 127, 57), m, k, n);
  TensorMap inputs;
  for (int64_t i = 0; i < 2; ++i)
    inputs[batchBinding("x", i)] = Tensor::ofInts(
        ElementType::I8, {m, k}, randomInts(m * k, -128, 127, 70 + i));
  ExecuteOptions options;
  options.batch = 2;
  Program batched;
  ASSERT_TRUE(batchProgram(b.program, 2, batched));
  const ExecuteResult expected = runOrFail(batched, inputs, options);
  ExecuteResult got;
  ASSERT_TRUE(executeBatch(b.program, 2, inputs, options, got));
  for (int64_t i = 0; i < 2; ++i)
    EXPECT_EQ(got.outputs.at(batchBinding("y", i)),
              expected.outputs.at(batchBinding("y", i)));
  EXPECT_EQ(renderReportJson(got.report), renderReportJson(expected.report));
  // Run again keeping the repetition: the same run, and the same copy.
  ExecuteResult kept;
  Program repeated;
  ASSERT_TRUE(executeBatch(b.program, 2, inputs, options, kept, repeated));
  EXPECT_EQ(renderReportJson(kept.report), renderReportJson(expected.report));
  ASSERT_EQ(repeated.cores.size(), batched.cores.size());
  EXPECT_EQ(repeated.values.size(), batched.values.size());
  EXPECT_EQ(repeated.cores[0].instructions.size(),
            batched.cores[0].instructions.size());

  const TensorMap one = {{"x", inputs.at(batchBinding("x", 0))}};
  ExecuteResult single;
  ASSERT_TRUE(executeBatch(b.program, 1, one, ExecuteOptions(), single));
  EXPECT_EQ(single.outputs.at("y"), expected.outputs.at(batchBinding("y", 0)));

  // An instruction reading a value no one writes.
  Program broken = b.program;
  broken.cores[0].instructions.back().inputs[0] =
      static_cast<int64_t>(broken.values.size()) + 5;
  ExecuteResult refused;
  const Status status = executeBatch(broken, 2, inputs, options, refused);
  EXPECT_FALSE(status);
  EXPECT_NE(status.message().find("value"), std::string::npos)
      << status.message();
}

// A copy's binding that the program already has ("y#1" beside a batched
// "y") is refused when the batch is made, not silently merged.
TEST(RuntimeBatch, CopiesMustNotTakeAnExistingBinding) {
  ProgramBuilder b(smallArch());
  const int64_t x = b.input("x", ElementType::I32, {2});
  const int64_t y = b.value("y", ElementType::I32, {2});
  b.output(y);
  const int64_t fixed = b.constant("fixed", ElementType::I32, {2}, {1, 2});
  b.output(fixed);
  b.program.values[fixed].binding = batchBinding("y", 1);
  b.add(core(0, 0, 0), make(Opcode::Accumulate, {x, x}, y));
  Program batched;
  EXPECT_TRUE(batchProgram(b.program, 1, batched));
  const Status status = batchProgram(b.program, 2, batched);
  EXPECT_FALSE(status);
  EXPECT_NE(status.message().find("share the output binding 'y#1'"),
            std::string::npos)
      << status.message();
}

} // namespace
