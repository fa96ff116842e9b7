//===- EncodeTest.cpp - Weights to cell levels at run time ----------------===//
//
// The reprogram path: `encode` turns a run-time integer weight matrix into
// the cell levels a later `program` writes, exactly as the compiler encodes
// constants (arch::CellEncoding::encode); then the array product of those
// levels equals the integer product.
//
//===----------------------------------------------------------------------===//

#include "RuntimeTestSupport.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

/// x (M x K, input "x") times w (K x N, input "w") through encode ->
/// program -> dac -> mvm -> adc -> shift_add -> recombine, lossless ADC.
Program reprogrammedProduct(const arch::CellEncoding &encoding, int64_t m,
                            int64_t k, int64_t n) {
  ProgramBuilder b(smallArch());
  const int64_t physical =
      n * encoding.columnsPerWeight() + encoding.referenceColumns();
  const CoreId here = core(0, 0, 0);
  const ArrayId at = array(here, 0);
  const int64_t x = b.input("x", ElementType::I8, {m, k});
  const int64_t w = b.input("w", ElementType::I8, {k, n});
  const int64_t levels = b.value("levels", ElementType::I8, {k, physical});
  const int64_t planes = b.value("planes", ElementType::I8, {8, m, k});
  const int64_t sums = b.value("sums", ElementType::I32, {8, m, physical});
  const int64_t codes = b.value("codes", ElementType::I32, {8, m, physical});
  const int64_t combined = b.value("combined", ElementType::I32, {m, physical});
  const int64_t y = b.value("y", ElementType::I32, {m, n});
  b.output(y);
  Instruction encode = make(Opcode::Encode, {w}, levels);
  encode.encoding = encoding;
  b.add(here, encode);
  b.add(here, programCells(levels, at));
  b.add(here, dac(x, planes, 8, 1));
  b.add(here, mvm(planes, sums, at));
  b.add(here, adc(sums, codes, 16, 0, true));
  b.add(here, shiftAdd(codes, combined, 1));
  b.add(here, recombine(combined, y, encoding));
  return b.program;
}

TEST(RuntimeEncode, RunTimeWeightsGiveTheIntegerProduct) {
  const arch::ArchSpec spec = smallArch();
  const int64_t m = 3, k = 12, n = 5;
  for (arch::SignedEncoding scheme :
       {arch::SignedEncoding::Offset, arch::SignedEncoding::Differential,
        arch::SignedEncoding::TwosComplement}) {
    arch::ArchSpec variant = spec;
    variant.array.cell.signedEncoding = scheme;
    const arch::CellEncoding encoding = arch::CellEncoding::forArch(variant, 8);
    Program program = reprogrammedProduct(encoding, m, k, n);
    program.arch = variant;
    const std::vector<int64_t> x = randomInts(m * k, -128, 127, 3);
    const std::vector<int64_t> w = randomInts(k * n, -127, 127, 4);
    TensorMap inputs = {{"x", Tensor::ofInts(ElementType::I8, {m, k}, x)},
                        {"w", Tensor::ofInts(ElementType::I8, {k, n}, w)}};
    ExecuteOptions options;
    options.weightsPreloaded = true;
    const ExecuteResult result = runOrFail(program, inputs, options);
    EXPECT_EQ(result.outputs.at("y").ints, matmul(x, w, m, k, n))
        << arch::toString(scheme);
    // Levels made at run time cannot be preloaded: the write is charged.
    EXPECT_GT(result.report.energy.cellWrite, 0) << arch::toString(scheme);
  }
}

TEST(RuntimeEncode, RefusesWhatTheEncodingCannotHold) {
  const arch::CellEncoding encoding =
      arch::CellEncoding::forArch(smallArch(), 8);
  Program program = reprogrammedProduct(encoding, 1, 2, 1);
  // -128 is outside the symmetric 8-bit range the encodings hold.
  TensorMap inputs = {
      {"x", Tensor::ofInts(ElementType::I8, {1, 2}, {1, 1})},
      {"w", Tensor::ofInts(ElementType::I8, {2, 1}, {5, -128})}};
  ExecuteResult result;
  Status status = execute(program, inputs, ExecuteOptions(), result);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("encode"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("weight -128 at [1, 0]"), std::string::npos)
      << status.message();

  // Levels of the wrong width are refused before running.
  Program wrong = reprogrammedProduct(encoding, 1, 2, 1);
  wrong.values[2].shape = {2, 3};
  EXPECT_FALSE(validate(wrong).isOk());
  EXPECT_NE(validate(wrong).message().find("physical columns"),
            std::string::npos)
      << validate(wrong).message();
}

} // namespace
