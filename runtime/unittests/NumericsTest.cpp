//===- NumericsTest.cpp - Values the simulator computes -------------------===//

#include "RuntimeTestSupport.h"

#include <cmath>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

/// Runs one Dac of the i8 inputs `xs` and returns its planes.
std::vector<int64_t> dacPlanes(const std::vector<int64_t> &xs,
                               int64_t dacBits) {
  ProgramBuilder b(smallArch());
  const CoreId c = core(0, 0, 0);
  const int64_t planes = (8 + dacBits - 1) / dacBits;
  const int64_t n = static_cast<int64_t>(xs.size());
  int64_t x = b.input("x", ElementType::I8, {1, n});
  int64_t p = b.value("p", ElementType::I8, {planes, 1, n});
  b.output(p);
  b.add(c, dac(x, p, 8, dacBits));
  ExecuteResult result = runOrFail(
      b.program, {{"x", Tensor::ofInts(ElementType::I8, {1, n}, xs)}});
  EXPECT_EQ(result.outputs["p"].shape, (std::vector<int64_t>{planes, 1, n}));
  const Elements<int64_t> &planeDigits = result.outputs["p"].ints;
  return {planeDigits.begin(), planeDigits.end()};
}

TEST(RuntimeNumerics, DacPlanesOneBit) {
  // -100 is 0b10011100 in 8 bits; the top bit weighs -128.
  EXPECT_EQ(dacPlanes({-100}, 1),
            (std::vector<int64_t>{0, 0, 1, 1, 1, 0, 0, -1}));
}

TEST(RuntimeNumerics, DacPlanesThreeBit) {
  // 3 planes: bits 0-2, 3-5, 6-7 (sign-extended): -100 = 4 + 3*8 - 2*64,
  // 77 = 5 + 1*8 + 1*64. Plane-major: [p][0][x].
  EXPECT_EQ(dacPlanes({-100, 77}, 3),
            (std::vector<int64_t>{4, 5, 3, 1, -2, 1}));
}

/// Differential with G+/G- columns, differential in one cell, offset and
/// two's complement, each on 8-bit weights in 2-bit cells.
struct EncodingCase {
  const char *name;
  arch::SignedEncoding scheme;
  bool inCell;
};

class RuntimeRecombine : public ::testing::TestWithParam<EncodingCase> {};

TEST_P(RuntimeRecombine, MatchesIntegerMatmul) {
  arch::ArchSpec spec = smallArch();
  spec.array.cell.signedEncoding = GetParam().scheme;
  spec.array.cell.differentialInCell = GetParam().inCell;
  const arch::CellEncoding encoding = arch::CellEncoding::forArch(spec, 8);
  const int64_t m = 3, k = 32, n = 6;
  const std::vector<int64_t> w = randomInts(k * n, -127, 127, 7);
  const std::vector<int64_t> x = randomInts(m * k, -128, 127, 11);

  ProgramBuilder b(spec);
  // 2-bit DACs: 4 planes. 16-bit signed ADC, shift 0: every sum is exact
  // (|sum| <= 32 rows * 2 * 3 levels).
  buildMatmul(b, core(0, 0, 0), w, m, k, n, encoding, 8, 2, 16, 0);
  const TensorMap inputs = {{"x", Tensor::ofInts(ElementType::I8, {m, k}, x)}};
  const std::vector<int64_t> expected = matmul(x, w, m, k, n);
  for (Numerics numerics : {Numerics::Quantized, Numerics::Ideal}) {
    ExecuteOptions options;
    options.numerics = numerics;
    ExecuteResult result = runOrFail(b.program, inputs, options);
    EXPECT_EQ(result.outputs["y"].ints, expected) << toString(numerics);
    EXPECT_EQ(result.outputs["y"].shape, (std::vector<int64_t>{m, n}));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Encodings, RuntimeRecombine,
    ::testing::Values(
        EncodingCase{"differential", arch::SignedEncoding::Differential, false},
        EncodingCase{"differential_in_cell", arch::SignedEncoding::Differential,
                     true},
        EncodingCase{"offset", arch::SignedEncoding::Offset, false},
        EncodingCase{"twos_complement", arch::SignedEncoding::TwosComplement,
                     false}),
    [](const ::testing::TestParamInfo<EncodingCase> &info) {
      return std::string(info.param.name);
    });

/// Converts the constant sums `sums` with one Adc.
std::vector<int64_t> convert(const std::vector<int64_t> &sums, int64_t bits,
                             int64_t shift, bool signedRange,
                             Numerics numerics = Numerics::Quantized) {
  ProgramBuilder b(smallArch());
  const int64_t n = static_cast<int64_t>(sums.size());
  int64_t s = b.constant("s", ElementType::I32, {n},
                         std::vector<double>(sums.begin(), sums.end()));
  int64_t v = b.value("v", ElementType::I32, {n});
  b.output(v);
  b.add(core(0, 0, 0), adc(s, v, bits, shift, signedRange));
  ExecuteOptions options;
  options.numerics = numerics;
  const Elements<int64_t> codes =
      runOrFail(b.program, {}, options).outputs["v"].ints;
  return {codes.begin(), codes.end()};
}

TEST(RuntimeNumerics, AdcRoundsHalfAwayAndClipsUnsignedRange) {
  // 3 bits, shift 1: codes in [-7, 7], value = code * 2.
  // 5/2 = 2.5 -> 3; 3/2 = 1.5 -> 2; 1/2 -> 1; -5/2 -> -3; -1/2 -> -1;
  // 20/2 = 10 -> 7; -20/2 -> -7.
  EXPECT_EQ(convert({5, 3, 2, 1, 0, -1, -5, 20, -20}, 3, 1, false),
            (std::vector<int64_t>{6, 4, 2, 2, 0, -2, -6, 14, -14}));
}

TEST(RuntimeNumerics, AdcClipsSignedRange) {
  // 3 bits signed: codes in [-4, 3]. 7/2 = 3.5 -> 4 -> 3; -7/2 -> -4.
  EXPECT_EQ(convert({7, -7, 20, -20, 6}, 3, 1, true),
            (std::vector<int64_t>{6, -8, 6, -8, 6}));
}

TEST(RuntimeNumerics, IdealAdcIsExact) {
  const std::vector<int64_t> sums = {7, -7, 20, -20, 6};
  EXPECT_EQ(convert(sums, 3, 1, true, Numerics::Ideal), sums);
}

TEST(RuntimeNumerics, IdealIsExactWhereQuantizedClips) {
  arch::ArchSpec spec = smallArch();
  const arch::CellEncoding encoding = arch::CellEncoding::forArch(spec, 8);
  const int64_t m = 2, k = 64, n = 4;
  // Large weights and inputs: column sums reach far beyond a 5-bit ADC.
  const std::vector<int64_t> w = randomInts(k * n, 100, 127, 3);
  const std::vector<int64_t> x = randomInts(m * k, 100, 127, 5);
  ProgramBuilder b(spec);
  buildMatmul(b, core(0, 0, 0), w, m, k, n, encoding, 8, 1, 5, 0);
  const TensorMap inputs = {{"x", Tensor::ofInts(ElementType::I8, {m, k}, x)}};
  const std::vector<int64_t> expected = matmul(x, w, m, k, n);

  ExecuteOptions ideal;
  ideal.numerics = Numerics::Ideal;
  EXPECT_EQ(runOrFail(b.program, inputs, ideal).outputs["y"].ints, expected);
  const Elements<int64_t> clipped =
      runOrFail(b.program, inputs).outputs["y"].ints;
  ASSERT_EQ(clipped.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_LT(std::llabs(clipped[i]), std::llabs(expected[i])) << i;
}

TEST(RuntimeNumerics, AccumulateRescaleQuantize) {
  ProgramBuilder b(smallArch());
  const CoreId c = core(0, 0, 0);
  int64_t p0 = b.constant("p0", ElementType::I32, {2, 2}, {1, -2, 3, 40});
  int64_t p1 = b.constant("p1", ElementType::I32, {2, 2}, {10, 20, -30, 2});
  int64_t s = b.constant("s", ElementType::F32, {}, {0.5});
  int64_t acc = b.value("acc", ElementType::I32, {2, 2});
  int64_t y = b.value("y", ElementType::F32, {2, 2});
  int64_t q = b.value("q", ElementType::I8, {2, 2});
  b.output(acc);
  b.output(y);
  b.output(q);
  b.add(c, make(Opcode::Accumulate, {p0, p1}, acc));
  Instruction rescale = make(Opcode::Rescale, {acc, s}, y);
  rescale.weightScales = {1.0, 0.25};
  b.add(c, rescale);
  Instruction quantize = make(Opcode::Quantize, {y}, q);
  quantize.scale = 0.5;
  quantize.quantBits = 4;
  b.add(c, quantize);
  ExecuteResult result = runOrFail(b.program, {});
  // acc = [11, 18, -27, 42]; y = acc * 0.5 * [1, 0.25] per column.
  EXPECT_EQ(result.outputs["acc"].ints,
            (std::vector<int64_t>{11, 18, -27, 42}));
  EXPECT_EQ(result.outputs["y"].floats,
            (std::vector<double>{5.5, 2.25, -13.5, 5.25}));
  // y / 0.5 = [11, 4.5, -27, 10.5]: half to even gives 4 and 10; 4 bits
  // clamp to [-7, 7].
  EXPECT_EQ(result.outputs["q"].ints, (std::vector<int64_t>{7, 4, -7, 7}));
}

TEST(RuntimeNumerics, QuantizeRoundsHalfToEven) {
  ProgramBuilder b(smallArch());
  int64_t x = b.input("x", ElementType::F32, {6});
  int64_t q = b.value("q", ElementType::I8, {6});
  b.output(q);
  Instruction quantize = make(Opcode::Quantize, {x}, q);
  quantize.scale = 1.0;
  quantize.quantBits = 8;
  b.add(core(0, 0, 0), quantize);
  ExecuteResult result = runOrFail(
      b.program, {{"x", Tensor::ofFloats(
                            {6}, {0.5, 1.5, 2.5, -2.5, std::nan(""), -1000})}});
  EXPECT_EQ(result.outputs["q"].ints,
            (std::vector<int64_t>{0, 2, 2, -2, 0, -127}));
}

TEST(RuntimeNumerics, TransferCopiesAcrossCores) {
  ProgramBuilder b(smallArch());
  const CoreId a = core(0, 0, 0), d = core(0, 3, 1);
  int64_t p0 = b.constant("p0", ElementType::I32, {3}, {1, 2, 3});
  int64_t sum = b.value("sum", ElementType::I32, {3});
  int64_t moved = b.value("moved", ElementType::I32, {3});
  b.output(moved);
  b.add(a, make(Opcode::Accumulate, {p0, p0}, sum));
  // Tile 0 (router 0) to tile 3 (router 3) on a 2 x 2 mesh: 2 hops.
  b.add(d, transfer(sum, moved, a, 2));
  EXPECT_EQ(runOrFail(b.program, {}).outputs["moved"].ints,
            (std::vector<int64_t>{2, 4, 6}));
}

// A transfer's output reads its input's storage: the storage must outlive
// every reader of the input and of each transferred copy (two cores, and a
// transfer of a transfer), a transferred program output is kept whole, and
// a reshape that is the last reader takes the shared storage over.
TEST(RuntimeNumerics, TransferredValuesShareStorageUntilTheirLastReader) {
  ProgramBuilder b(smallArch());
  const CoreId a = core(0, 0, 0), d = core(0, 1, 0), e = core(0, 2, 0),
               f = core(0, 3, 0);
  const ElementType i32 = ElementType::I32;
  int64_t p0 = b.constant("p0", i32, {4}, {1, 2, 3, 4});
  int64_t sum = b.value("sum", i32, {4});
  int64_t moved1 = b.value("moved1", i32, {4});
  int64_t moved2 = b.value("moved2", i32, {4});
  int64_t moved3 = b.value("moved3", i32, {4});
  int64_t r0 = b.value("r0", i32, {4});
  int64_t r1 = b.value("r1", i32, {4});
  int64_t r2 = b.value("r2", i32, {4});
  int64_t r3 = b.value("r3", i32, {4});
  int64_t shaped = b.value("shaped", i32, {2, 2});
  for (int64_t id : {moved2, r0, r1, r2, r3, shaped})
    b.output(id);
  b.add(a, make(Opcode::Accumulate, {p0, p0}, sum)); // 2 4 6 8
  b.add(d, transfer(sum, moved1, a, 1));
  b.add(e, transfer(sum, moved2, a, 1));
  b.add(f, transfer(moved1, moved3, d, 1));
  b.add(d, make(Opcode::Accumulate, {moved1, moved1}, r1));
  b.add(e, make(Opcode::Accumulate, {moved2, p0}, r2));
  b.add(f, make(Opcode::Accumulate, {moved3, moved3}, r3));
  b.add(a, make(Opcode::Accumulate, {sum, p0}, r0));
  b.add(f, make(Opcode::Reshape, {moved3}, shaped));
  ExecuteResult result = runOrFail(b.program, {});
  EXPECT_EQ(result.outputs["moved2"].ints, (std::vector<int64_t>{2, 4, 6, 8}));
  EXPECT_EQ(result.outputs["r0"].ints, (std::vector<int64_t>{3, 6, 9, 12}));
  EXPECT_EQ(result.outputs["r1"].ints, (std::vector<int64_t>{4, 8, 12, 16}));
  EXPECT_EQ(result.outputs["r2"].ints, (std::vector<int64_t>{3, 6, 9, 12}));
  EXPECT_EQ(result.outputs["r3"].ints, (std::vector<int64_t>{4, 8, 12, 16}));
  EXPECT_EQ(result.outputs["shaped"].ints, (std::vector<int64_t>{2, 4, 6, 8}));
  EXPECT_EQ(result.outputs["shaped"].shape, (std::vector<int64_t>{2, 2}));
}

// An accumulate takes its first sum's storage over only when it is that
// storage's last reader and no other input of it shares it.
TEST(RuntimeNumerics, AccumulateTakesOverOnlyADeadFirstSum) {
  ProgramBuilder b(smallArch());
  const CoreId a = core(0, 0, 0);
  const ElementType i32 = ElementType::I32;
  int64_t p0 = b.constant("p0", i32, {3}, {1, 2, 3});
  int64_t twice = b.value("twice", i32, {3});
  int64_t first = b.value("first", i32, {3});
  int64_t last = b.value("last", i32, {3});
  int64_t self = b.value("self", i32, {3});
  int64_t doubled = b.value("doubled", i32, {3});
  for (int64_t id : {first, last, doubled})
    b.output(id);
  b.add(a, make(Opcode::Accumulate, {p0, p0}, twice));     // 2 4 6
  b.add(a, make(Opcode::Accumulate, {twice, p0}, first));  // twice read later
  b.add(a, make(Opcode::Accumulate, {twice, twice}, self)); // shared inputs
  b.add(a, make(Opcode::Accumulate, {self, p0, p0}, last)); // self is dead
  b.add(a, make(Opcode::Accumulate, {p0, last}, doubled));  // p0's last read
  ExecuteResult result = runOrFail(b.program, {});
  EXPECT_EQ(result.outputs["first"].ints, (std::vector<int64_t>{3, 6, 9}));
  EXPECT_EQ(result.outputs["last"].ints, (std::vector<int64_t>{6, 12, 18}));
  EXPECT_EQ(result.outputs["doubled"].ints, (std::vector<int64_t>{7, 14, 21}));
}

} // namespace
