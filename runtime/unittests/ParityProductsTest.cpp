//===- ParityProductsTest.cpp - Rounding ADC chains from parities ---------===//
//
// A parity job computes a chain whose ADC only rounds (one-bit DACs,
// levels >= 0, shift 1, no sum clips) as one exact product plus the
// planes' parity corrections. Each case is checked against the chain
// written out one conversion at a time (ChainTestSupport.h), with every
// encoding, input widths whose top plane is the sign, K and C off the
// group, word and GEMM block sizes, on one and three threads, by every way
// of computing it (parities by the GF(2) affine instructions where the CPU
// has them, or by table lookups; the exact GEMM on the int8 engine where
// there is one, or in float). The ADC sits at the edge of its
// range, and the rounding changes results (else the corrections would go
// untested). The limits of the method are checked on their own.
//
//===----------------------------------------------------------------------===//

#include "../lib/Gemm.h"
#include "../lib/OneDnnGemm.h"
#include "../lib/ParityProducts.h"

#include "ChainTestSupport.h"
#include "RuntimeTestSupport.h"

#include <random>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;
using namespace cim::runtime::test;
using namespace cim::runtime::test::chains;

namespace {

/// Rows: past one GEMM block (256) and off the GEMM row step (32).
constexpr int64_t kRows = 300;

/// Random weights in the quantiser's range, encoded (the levels of a
/// real network's block).
LevelBlock encodedWeights(int64_t k, int64_t n,
                          const arch::CellEncoding &encoding, unsigned seed) {
  const int64_t perWeight = encoding.columnsPerWeight();
  const int64_t c = n * perWeight + encoding.referenceColumns();
  LevelBlock block(k, c);
  const int64_t most = encoding.maxMagnitude();
  const std::vector<int64_t> w = randomInts(k * n, -most, most, seed);
  std::vector<int64_t> levels(perWeight);
  for (int64_t r = 0; r < k; ++r) {
    int16_t *row = block.levels() + r * block.stride;
    for (int64_t j = 0; j < n; ++j) {
      encoding.encode(w[r * n + j], levels.data());
      for (int64_t s = 0; s < perWeight; ++s)
        row[j * perWeight + s] = static_cast<int16_t>(levels[s]);
    }
    if (encoding.referenceColumns())
      row[c - 1] = static_cast<int16_t>(encoding.referenceLevel());
  }
  return block;
}

/// Random levels in [0, maxLevel], the range's ends present.
LevelBlock naturalLevels(int64_t k, int64_t c, int64_t maxLevel,
                         unsigned seed) {
  LevelBlock block(k, c);
  const std::vector<int64_t> levels = randomInts(k * c, 0, maxLevel, seed);
  for (int64_t r = 0; r < k; ++r)
    for (int64_t j = 0; j < c; ++j)
      block.levels()[r * block.stride + j] =
          static_cast<int16_t>(r == 0 ? (1 - j % 2) * maxLevel
                                      : levels[r * c + j]);
  return block;
}

/// A block's column sums of positive and of negated negative levels.
struct ColumnSums {
  std::vector<int64_t> positive, negative;
};

ColumnSums columnSums(const LevelBlock &block, int64_t k, int64_t c) {
  ColumnSums sums{std::vector<int64_t>(c, 0), std::vector<int64_t>(c, 0)};
  for (int64_t r = 0; r < k; ++r)
    for (int64_t j = 0; j < c; ++j) {
      const int64_t level = block.levels()[r * block.stride + j];
      (level > 0 ? sums.positive[j] : sums.negative[j]) += std::llabs(level);
    }
  return sums;
}

/// The linear part's operand: the levels, or with an encoding each row's
/// columns recombined into its weights.
GemmMatrix exactOperand(const LevelBlock &block, int64_t k, int64_t c,
                        const arch::CellEncoding *encoding) {
  std::vector<int64_t> values;
  int64_t n = c;
  if (!encoding) {
    for (int64_t r = 0; r < k; ++r)
      for (int64_t j = 0; j < c; ++j)
        values.push_back(block.levels()[r * block.stride + j]);
  } else {
    const int64_t perWeight = encoding->columnsPerWeight();
    const bool reference = encoding->referenceColumns() != 0;
    n = (c - encoding->referenceColumns()) / perWeight;
    std::vector<int64_t> row(c);
    for (int64_t r = 0; r < k; ++r) {
      for (int64_t j = 0; j < c; ++j)
        row[j] = block.levels()[r * block.stride + j];
      for (int64_t w = 0; w < n; ++w)
        values.push_back(encoding->recombine(row.data() + w * perWeight,
                                             reference ? row[c - 1] : 0));
    }
  }
  GemmMatrix matrix;
  matrix.assign(k, n, values);
  return matrix;
}

/// The plan's GEMM operand holds the linear part's K x N entries first.
void expectLinearOperand(const ParityPlan &plan, const GemmMatrix &exact,
                         const std::string &what) {
  ASSERT_EQ(exact.cols, plan.n) << what;
  for (int64_t r = 0; r < plan.k; ++r)
    for (int64_t w = 0; w < plan.n; ++w)
      ASSERT_EQ(plan.operand[r * plan.n + w], exact.asFloat[r * plan.n + w])
          << what << " row " << r << " weight " << w;
}

/// The narrowest ADC (bits) that converts every column's rounded sums
/// without clipping.
int64_t narrowestAdc(const ColumnSums &sums, bool isSigned) {
  int64_t code = 0;
  for (int64_t positive : sums.positive)
    code = std::max(code, (positive + 1) >> 1);
  int64_t bits = 1;
  while (((int64_t(1) << bits) - 1) < code)
    ++bits;
  return isSigned ? bits + 1 : bits;
}

/// Whether a result differs from the chain with a lossless ADC (the exact
/// product, recombined): then the rounding was seen.
bool roundingChangedSomething(const std::vector<int64_t> &x, int64_t k,
                              const LevelBlock &block, int64_t c,
                              ConversionChain chain,
                              const std::vector<int64_t> &result) {
  chain.adcShift = 0;
  chain.adcBits = 40;
  chain.adcSigned = true;
  Conversions seen;
  return naiveChain(x, kRows, k, block.levels(), block.stride, c, chain,
                    seen) != result;
}

TEST(RuntimeParityProducts, TransposesBitMatrices) {
  std::mt19937_64 gen(7);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t word = i == 0 ? ~uint64_t(0) : i == 1 ? 1 : gen();
    const uint64_t t = transposeBits8x8(word);
    for (int r = 0; r < 8; ++r)
      for (int b = 0; b < 8; ++b)
        ASSERT_EQ((t >> (8 * r + b)) & 1, (word >> (8 * b + r)) & 1)
            << std::hex << word;
  }
}

TEST(RuntimeParityProducts, PacksTheSignExtendedLowBits) {
  // Entries beyond int8 keep their low inputBits bits, sign-extended; the
  // row is padded with zeros to whole groups.
  const int64_t m = 200, k = 13;
  const std::vector<int64_t> x = randomInts(m * k, -1000, 1000, 3);
  WorkerPool three(3);
  for (int64_t bits : {1, 5, 8}) {
    std::vector<int8_t> bytes;
    packInputBytes(x.data(), m, k, bits, three, bytes);
    ASSERT_EQ(parityRowBytes(k), 16);
    ASSERT_EQ(bytes.size(), static_cast<size_t>(m * 16));
    for (int64_t row = 0; row < m; ++row)
      for (int64_t e = 0; e < 16; ++e) {
        int64_t expected = 0;
        if (e < k)
          for (int64_t p = 0; p < bits; ++p)
            expected += arch::dacDigit(x[row * k + e], p, bits, 1) << p;
        ASSERT_EQ(bytes[row * 16 + e], expected)
            << "bits " << bits << " row " << row << " entry " << e;
      }
  }
}

/// Encodings whose levels are all >= 0, and none (levels 0 .. maxLevel).
struct Scheme {
  bool encoded;
  arch::SignedEncoding scheme;
  bool paired;
  int64_t cellBits;
};

TEST(RuntimeParityProducts, EqualTheNaiveChain) {
  const Scheme schemes[] = {
      {false, arch::SignedEncoding::Offset, false, 3},
      {true, arch::SignedEncoding::Offset, false, 2}, // isaac's cells
      {true, arch::SignedEncoding::Offset, false, 4},
      {true, arch::SignedEncoding::Differential, true, 2},
      {true, arch::SignedEncoding::TwosComplement, false, 1},
  };
  unsigned seed = 900;
  int64_t cases = 0, rounded = 0;
  for (const Scheme &s : schemes) {
    arch::CellEncoding encoding;
    encoding.scheme = s.scheme;
    encoding.weightBits = 8;
    encoding.bitsPerCell = s.cellBits;
    encoding.slices = arch::requiredSlices(s.scheme, 8, s.cellBits);
    encoding.pairedColumns = s.paired;
    const arch::CellEncoding *e = s.encoded ? &encoding : nullptr;
    const int64_t perWeight = e ? encoding.columnsPerWeight() : 1;
    const int64_t maxLevel = (int64_t(1) << s.cellBits) - 1;
    for (int64_t k : {1, 9, 128, 130})
      for (int64_t weights : std::vector<int64_t>{1, 31, 65 / perWeight + 1,
                                                200 / perWeight}) {
        const int64_t c = weights * perWeight + (e ? e->referenceColumns() : 0);
        const LevelBlock block = e ? encodedWeights(k, weights, *e, ++seed)
                                   : naturalLevels(k, c, maxLevel, ++seed);
        const ColumnSums sums = columnSums(block, k, c);
        const std::vector<int64_t> x = randomInts(kRows * k, -200, 200, ++seed);
        for (int64_t inputBits : {8, 5, 1}) {
          const bool isSigned = (seed + inputBits) % 2 == 0;
          ConversionChain chain{inputBits, 1, narrowestAdc(sums, isSigned), 1,
                                isSigned, e};
          const std::string what = describe(chain, k, c, maxLevel);
          const ParityPlan plan = planParity(chain, block.levels(), block.stride,
                                             k, c, sums.positive, sums.negative);
          ASSERT_TRUE(plan.applies) << what;
          expectLinearOperand(plan, exactOperand(block, k, c, e), what);
          Conversions seen;
          const std::vector<int64_t> expected = naiveChain(
              x, kRows, k, block.levels(), block.stride, c, chain, seen);
          EXPECT_EQ(seen.clipped, 0) << what;
          ++cases;
          rounded += roundingChangedSomething(x, k, block, c, chain, expected);
          // One bit less: some column could clip.
          --chain.adcBits;
          EXPECT_FALSE(planParity(chain, block.levels(), block.stride, k, c,
                                  sums.positive, sums.negative)
                           .applies)
              << what;
          ++chain.adcBits;
          // Every way: affine or lookup parities, int8 or float GEMM.
          std::vector<ParityPlan> plans = {plan};
          for (ParityWays ways : {ParityWays{true, false}, ParityWays{false, true},
                                  ParityWays{true, true}})
            plans.push_back(planParity(chain, block.levels(), block.stride, k,
                                       c, sums.positive, sums.negative, ways));
          ASSERT_EQ(plan.affine, parityAffineAvailable()) << what;
          ASSERT_EQ(plan.floatGemm, !int8GemmIsFast()) << what;
          ASSERT_TRUE(plans[1].applies && !plans[1].affine) << what;
          ASSERT_TRUE(plans[2].applies && plans[2].floatGemm) << what;
          WorkerPool one(1), three(3);
          for (WorkerPool *pool : {&one, &three}) {
            auto bytes = std::make_shared<std::vector<int8_t>>();
            packInputBytes(x.data(), kRows, k, inputBits, *pool, *bytes);
            for (const ParityPlan &p : plans) {
              Elements<int64_t> out(expected.size(), 0x5A5A5A5A);
              runParityJobs({parityJob(p, bytes, kRows, block.levels(),
                                       block.stride, out)},
                            *pool);
              EXPECT_EQ(out, expected)
                  << what << (p.affine ? " affine" : " lookups")
                  << (p.floatGemm ? " float" : " int8")
                  << " threads " << pool->threads();
            }
          }
        }
      }
  }
  // The rounding changed the results of nearly every case (a one-row
  // block with one-bit inputs may not lose a bit).
  EXPECT_GE(rounded, cases * 9 / 10);
}

TEST(RuntimeParityProducts, JobsRunTogetherAsOnTheirOwn) {
  // Chains of different blocks and row counts (none, fewer than one
  // piece, exactly one, one row more, several pieces) run as one batch
  // whose pieces the threads take in turn: each result is its chain's.
  arch::CellEncoding encoding;
  encoding.scheme = arch::SignedEncoding::Offset;
  encoding.weightBits = 8;
  encoding.bitsPerCell = 2;
  encoding.slices = arch::requiredSlices(encoding.scheme, 8, 2);
  const int64_t k = 72, weights = 9;
  const int64_t c = weights * encoding.columnsPerWeight() +
                    encoding.referenceColumns();
  struct Chain {
    LevelBlock block;
    ParityPlan plan;
    int64_t m;
    std::vector<int64_t> expected;
    std::shared_ptr<std::vector<int8_t>> bytes;
  };
  std::vector<Chain> chains;
  unsigned seed = 4000;
  WorkerPool serial(1);
  for (int64_t m : {0, 1, 49, 128, 129, 300, 7}) {
    LevelBlock block = encodedWeights(k, weights, encoding, ++seed);
    const ColumnSums sums = columnSums(block, k, c);
    const ConversionChain chain{8, 1, narrowestAdc(sums, false), 1, false,
                                &encoding};
    ParityPlan plan = planParity(chain, block.levels(), block.stride, k, c,
                                 sums.positive, sums.negative);
    ASSERT_TRUE(plan.applies) << m;
    const std::vector<int64_t> x = randomInts(m * k, -128, 127, ++seed);
    Conversions seen;
    std::vector<int64_t> expected =
        naiveChain(x, m, k, block.levels(), block.stride, c, chain, seen);
    auto bytes = std::make_shared<std::vector<int8_t>>();
    packInputBytes(x.data(), m, k, 8, serial, *bytes);
    chains.push_back({std::move(block), std::move(plan), m,
                      std::move(expected), std::move(bytes)});
  }
  for (int64_t threads : {1, 2, 3}) {
    WorkerPool pool(threads);
    std::vector<Elements<int64_t>> outs(chains.size());
    std::vector<ParityJob> jobs;
    for (size_t i = 0; i < chains.size(); ++i) {
      Chain &ch = chains[i];
      outs[i].assign(ch.expected.size(), 0x5A5A5A5A);
      jobs.push_back(parityJob(ch.plan, ch.bytes, ch.m, ch.block.levels(),
                               ch.block.stride, outs[i]));
    }
    runParityJobs(jobs, pool);
    for (size_t i = 0; i < chains.size(); ++i)
      EXPECT_EQ(outs[i], chains[i].expected)
          << chains[i].m << " rows, " << threads << " threads";
  }
}

TEST(RuntimeParityProducts, AppliesOnlyWithinItsLimits) {
  const int64_t k = 16, c = 9; // offset, 2-bit cells: 2 weights + reference
  arch::CellEncoding offset;
  offset.scheme = arch::SignedEncoding::Offset;
  offset.bitsPerCell = 2;
  offset.slices = 4;
  offset.pairedColumns = false;
  const LevelBlock block = encodedWeights(k, 2, offset, 5);
  const ColumnSums sums = columnSums(block, k, c);
  const ConversionChain good{8, 1, 8, 1, false, &offset};
  auto plan = [&](const ConversionChain &chain, const LevelBlock &levels,
                  const ColumnSums &s, int64_t rows, int64_t columns) {
    return planParity(chain, levels.levels(), levels.stride, rows, columns,
                      s.positive, s.negative);
  };
  ASSERT_TRUE(plan(good, block, sums, k, c).applies);
  auto refuses = [&](const ConversionChain &chain, const ColumnSums &s) {
    return !plan(chain, block, s, k, c).applies;
  };
  // One-bit digits, shift 1, at most 8 input bits.
  ConversionChain chain = good;
  chain.dacBits = 2;
  EXPECT_TRUE(refuses(chain, sums));
  chain = good;
  for (int64_t shift : {0, 2}) {
    chain.adcShift = shift;
    EXPECT_TRUE(refuses(chain, sums)) << "shift " << shift;
  }
  chain = good;
  chain.inputBits = 9;
  EXPECT_TRUE(refuses(chain, sums));
  // A negative level anywhere.
  ColumnSums negative = sums;
  negative.negative[4] = 1;
  EXPECT_TRUE(refuses(good, negative));
  // A column whose rounded sum would clip: at the edge, and one past.
  ColumnSums edge = sums;
  edge.positive[2] = 2 * 255; // 255, the largest code
  EXPECT_FALSE(refuses(good, edge));
  edge.positive[2] = 2 * 255 + 1; // 255.5 rounds to 256
  EXPECT_TRUE(refuses(good, edge));
  // Columns that are not whole weights, and sizes outside the tables.
  EXPECT_FALSE(plan(good, block, sums, k, c - 1).applies);
  EXPECT_FALSE(plan(good, block, sums, 0, c).applies);
  const LevelBlock tall = encodedWeights(513, 2, offset, 7);
  ConversionChain wide = good; // 512 rows of 3 round to at most 768
  wide.adcBits = 10;
  EXPECT_TRUE(plan(wide, tall, columnSums(tall, 512, c), 512, c).applies);
  EXPECT_FALSE(plan(wide, tall, columnSums(tall, 513, c), 513, c).applies);
  // Recombined weights beyond int8: with a reference level of 1 instead
  // of 2, levels 3333 are 255 - 64 = 191; 0000 with 2 is -128, the edge.
  LevelBlock off = block;
  for (int64_t j = 0; j < 4; ++j)
    off.levels()[3 * off.stride + j] = 0;
  EXPECT_TRUE(plan(good, off, columnSums(off, k, c), k, c).applies);
  for (int64_t j = 0; j < 4; ++j)
    off.levels()[3 * off.stride + j] = 3;
  off.levels()[3 * off.stride + c - 1] = 1;
  EXPECT_FALSE(plan(good, off, columnSums(off, k, c), k, c).applies);
  // Recombination coefficients beyond int8 (offset on 1-bit cells: the
  // top slice counts 128).
  arch::CellEncoding bits = offset;
  bits.bitsPerCell = 1;
  bits.slices = 8;
  const int64_t bitsC = 2 * 8 + 1;
  const LevelBlock bitsBlock = encodedWeights(k, 2, bits, 6);
  const ConversionChain bitsChain{8, 1, 8, 1, false, &bits};
  EXPECT_FALSE(plan(bitsChain, bitsBlock, columnSums(bitsBlock, k, bitsC), k,
                    bitsC)
                   .applies);
}

} // namespace
