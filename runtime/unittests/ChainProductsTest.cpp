//===- ChainProductsTest.cpp - Lossy-ADC crossbar products, naively -------===//
//
// A dac -> mvm -> adc -> shift_add [-> recombine] chain whose ADC can lose
// bits is computed two ways: lookupProducts, from tables of level sums over
// groups of eight rows (int8, int16 or int32 entries, 32-bit shift-and-add
// sums), and planeProducts, from exact int8 GEMMs of every plane's digits
// (32- or 64-bit shift-and-add sums). Each case below is checked against
// the chain written out plainly from the shared converters (dacDigit,
// adcConvert, CellEncoding::recombine), by every method that applies to it,
// on every table width, DAC width, ADC range and encoding, with K and C off
// the group and chunk sizes and levels read through a row stride; one and
// three threads must agree. The packed input bits and the cases each
// method refuses are checked on their own.
//
//===----------------------------------------------------------------------===//

#include "../lib/LookupProducts.h"
#include "../lib/PlaneProducts.h"

#include "ChainTestSupport.h"
#include "RuntimeTestSupport.h"

#include "cim/Arch/Converters.h"

#include <string>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;
using namespace cim::runtime::test;
using namespace cim::runtime::test::chains;

namespace {

/// Rows of every product: enough for three threads' ranges of eight rows.
constexpr int64_t kRows = 26;

/// Runs `chain` on `x` and `block` by every method that applies (at least
/// one must), with one and three threads, and expects the naive chain's
/// integers from each.
void expectMethodsEqualNaive(const std::vector<int64_t> &x, int64_t m,
                             int64_t k, const LevelBlock &block, int64_t c,
                             int64_t maxLevel, const ConversionChain &chain,
                             Conversions &seen) {
  const std::string what = describe(chain, k, c, maxLevel);
  const bool lookup = lookupApplies(chain, k, c, maxLevel);
  const bool planes = planeProductsApply(chain, k, c, maxLevel);
  ASSERT_TRUE(lookup || planes) << what;
  const std::vector<int64_t> expected =
      naiveChain(x, m, k, block.levels(), block.stride, c, chain, seen);
  WorkerPool one(1), three(3);
  for (WorkerPool *pool : {&one, &three}) {
    const std::string threads = " threads " + std::to_string(pool->threads());
    if (lookup) {
      InputBits bits;
      packInputBits(x.data(), m, k, chain.inputBits, *pool, bits);
      Elements<int64_t> out(expected.size(), 0x5A5A5A5A);
      lookupProducts(bits, block.levels(), block.stride, k, c, maxLevel, chain,
                     *pool, out);
      EXPECT_EQ(out, expected) << "lookup " << what << threads;
    }
    if (planes) {
      Elements<int64_t> out(expected.size(), 0x5A5A5A5A);
      ASSERT_TRUE(planeProducts(x.data(), m, k, block.levels(), block.stride,
                                c, chain, *pool, out));
      EXPECT_EQ(out, expected) << "planes " << what << threads;
    }
  }
}

TEST(RuntimeLookupProducts, PacksTheLowBitsOfEveryEntry) {
  // 200 rows: three threads' ranges of at least 64 rows. Entries beyond
  // int8 keep only their low bits.
  const int64_t m = 200;
  WorkerPool one(1), three(3);
  InputBits single, multi;
  unsigned seed = 1;
  for (int64_t k : {1, 7, 8, 13, 130}) {
    std::vector<int64_t> x = randomInts(m * k, -1000, 1000, ++seed);
    x[0] = 300;
    x[m * k - 1] = -1000;
    for (int64_t bits = 1; bits <= 8; ++bits) {
      packInputBits(x.data(), m, k, bits, one, single);
      packInputBits(x.data(), m, k, bits, three, multi);
      const int64_t groups = (k + 7) / 8;
      ASSERT_EQ(single.rows, m);
      ASSERT_EQ(single.cols, k);
      ASSERT_EQ(single.bits, bits);
      ASSERT_EQ(single.groups, groups);
      ASSERT_EQ(single.masks.size(), static_cast<size_t>(m * bits * groups));
      std::vector<uint8_t> expected(single.masks.size());
      for (int64_t row = 0; row < m; ++row)
        for (int64_t i = 0; i < bits; ++i)
          for (int64_t g = 0; g < groups; ++g) {
            uint8_t mask = 0;
            for (int64_t r = 0; r < 8 && 8 * g + r < k; ++r)
              mask |= static_cast<uint8_t>(((x[row * k + 8 * g + r] >> i) & 1)
                                           << r);
            expected[(row * bits + i) * groups + g] = mask;
          }
      EXPECT_EQ(single.masks, expected) << "K " << k << " bits " << bits;
      EXPECT_EQ(multi.masks, expected) << "K " << k << " bits " << bits;
    }
  }
}

TEST(RuntimeChainProducts, ShiftAndAddSumsEqualTheNaiveChain) {
  // Every DAC width, input width, ADC range and shift, spread over the
  // three table widths (levels up to 3: int8; 100: int16; 1000 over at
  // least 33 rows: int32), K off the group size and C across the chunks.
  struct Shape {
    int64_t maxLevel, k;
  };
  std::vector<Shape> shapes;
  for (int64_t k : {1, 7, 8, 9, 130})
    shapes.push_back({3, k});
  for (int64_t k : {1, 7, 8, 9, 130})
    shapes.push_back({100, k});
  for (int64_t k : {64, 130})
    shapes.push_back({1000, k});
  std::vector<ConversionChain> chains;
  for (int64_t dacBits : {1, 2})
    for (int64_t inputBits : {8, 7, 5, 3})
      for (bool adcSigned : {false, true})
        for (int64_t shift = 0; shift <= 3; ++shift) {
          ConversionChain chain;
          chain.inputBits = inputBits;
          chain.dacBits = dacBits;
          chain.adcSigned = adcSigned;
          chain.adcShift = shift;
          chains.push_back(chain);
        }
  const int64_t adcBits[] = {3, 5, 8, 12, 18};
  Conversions seen;
  unsigned seed = 10;
  size_t next = 0;
  for (const Shape &shape : shapes)
    for (int64_t c : {1, 5, 70, 129}) {
      const LevelBlock block =
          randomLevels(shape.k, c, shape.maxLevel, nullptr, ++seed);
      const std::vector<int64_t> x =
          randomInts(kRows * shape.k, -128, 127, ++seed);
      // Two chains per shape: all 64 at least once.
      for (int twice = 0; twice < 2; ++twice, ++next) {
        ConversionChain chain = chains[next % chains.size()];
        chain.adcBits = adcBits[next % 5];
        expectMethodsEqualNaive(x, kRows, shape.k, block, c, shape.maxLevel,
                                chain, seen);
      }
    }
  EXPECT_GE(next, chains.size());
  // The ADCs both clipped and passed sums.
  EXPECT_GT(seen.clipped, 1000);
  EXPECT_GT(seen.passed, 1000);
}

TEST(RuntimeChainProducts, RecombinedSumsEqualTheNaiveChain) {
  // Each encoding, levels in its range: 2-bit cells (int8 tables), 7-bit
  // (int16), 10-bit over at least 33 rows (int32); a few weights and enough
  // for C past one and two chunks.
  struct Scheme {
    arch::SignedEncoding scheme;
    bool paired;
  };
  const Scheme schemes[] = {{arch::SignedEncoding::Differential, true},
                            {arch::SignedEncoding::Differential, false},
                            {arch::SignedEncoding::Offset, false},
                            {arch::SignedEncoding::TwosComplement, false}};
  const ConversionChain chains[] = {
      {8, 1, 6, 1, true, nullptr},  {8, 2, 7, 0, false, nullptr},
      {7, 1, 9, 2, false, nullptr}, {5, 2, 4, 3, true, nullptr},
      {3, 1, 16, 0, true, nullptr}, {8, 1, 20, 0, false, nullptr},
  };
  Conversions seen;
  unsigned seed = 500;
  size_t next = 0;
  for (const Scheme &s : schemes)
    for (int64_t cellBits : {2, 7, 10}) {
      arch::CellEncoding encoding;
      encoding.scheme = s.scheme;
      encoding.weightBits = 8;
      encoding.bitsPerCell = cellBits;
      encoding.slices = arch::requiredSlices(s.scheme, 8, cellBits);
      encoding.pairedColumns = s.paired;
      const int64_t maxLevel = (int64_t(1) << cellBits) - 1;
      const int64_t perWeight = encoding.columnsPerWeight();
      const std::vector<int64_t> ks =
          cellBits == 10 ? std::vector<int64_t>{64, 130}
                         : std::vector<int64_t>{1, 7, 8, 9, 130};
      const int64_t weights[] = {1, 3, 70 / perWeight + 1, 129 / perWeight + 1};
      for (int64_t k : ks)
        for (int64_t n : weights) {
          const int64_t c = n * perWeight + encoding.referenceColumns();
          const LevelBlock block =
              randomLevels(k, c, maxLevel, &encoding, ++seed);
          const std::vector<int64_t> x =
              randomInts(kRows * k, -128, 127, ++seed);
          ConversionChain chain = chains[next++ % 6];
          chain.recombine = &encoding;
          expectMethodsEqualNaive(x, kRows, k, block, c, maxLevel, chain, seen);
        }
    }
  EXPECT_GT(seen.clipped, 1000);
  EXPECT_GT(seen.passed, 1000);
}

TEST(RuntimeChainProducts, ExtremeSumsAtEachTableWidth) {
  // Columns of +maxLevel and -maxLevel and inputs of every bit set (-1) or
  // the extremes of 8 bits: the largest group sums and K-row sums each
  // width holds, at its edges (15: int8 entries, 8 * 15 = 120; 16: int16;
  // 252 over 130 rows: 32760 in int16; 253: int32). An ADC wide enough to
  // pass every sum gives the exact product.
  struct Edge {
    int64_t maxLevel, k, c;
  };
  const Edge edges[] = {{15, 2184, 3},  {15, 130, 70},  {16, 130, 70},
                        {252, 130, 70}, {253, 130, 70}, {1000, 64, 129},
                        {32767, 8, 3}};
  Conversions seen;
  for (const Edge &e : edges) {
    LevelBlock block(e.k, e.c);
    for (int64_t r = 0; r < e.k; ++r)
      for (int64_t j = 0; j < e.c; ++j)
        block.levels()[r * block.stride + j] =
            static_cast<int16_t>(j % 3 == 0   ? e.maxLevel
                                 : j % 3 == 1 ? -e.maxLevel
                                              : (r % 2 ? e.maxLevel : 0));
    const int64_t m = kRows;
    std::vector<int64_t> x(m * e.k);
    for (int64_t row = 0; row < m; ++row)
      for (int64_t r = 0; r < e.k; ++r)
        x[row * e.k + r] = row % 3 == 0 ? -1 : row % 3 == 1 ? -128 : 127;
    std::vector<int64_t> w(e.k * e.c);
    for (int64_t r = 0; r < e.k; ++r)
      for (int64_t j = 0; j < e.c; ++j)
        w[r * e.c + j] = block.levels()[r * block.stride + j];
    for (int64_t dacBits : {1, 2}) {
      ConversionChain chain;
      chain.dacBits = dacBits;
      chain.adcBits = 22;
      chain.adcSigned = true;
      expectMethodsEqualNaive(x, m, e.k, block, e.c, e.maxLevel, chain, seen);
      // And the plain product, independently of the converters.
      WorkerPool pool(3);
      InputBits bits;
      packInputBits(x.data(), m, e.k, 8, pool, bits);
      Elements<int64_t> out;
      lookupProducts(bits, block.levels(), block.stride, e.k, e.c, e.maxLevel,
                     chain, pool, out);
      EXPECT_EQ(out, matmul(x, w, m, e.k, e.c))
          << describe(chain, e.k, e.c, e.maxLevel);
      if (planeProductsApply(chain, e.k, e.c, e.maxLevel)) {
        ASSERT_TRUE(planeProducts(x.data(), m, e.k, block.levels(),
                                  block.stride, e.c, chain, pool, out));
        EXPECT_EQ(out, matmul(x, w, m, e.k, e.c))
            << "planes " << describe(chain, e.k, e.c, e.maxLevel);
      }
    }
  }
  EXPECT_EQ(seen.clipped, 0);
}

/// What both methods refuse: a recombine's columns that are not whole
/// weights (and the offset reference column), and empty products.
void expectWholeWeightsAndNoEmptyProducts(
    bool (*applies)(const ConversionChain &, int64_t, int64_t, int64_t)) {
  ConversionChain chain;
  arch::CellEncoding paired; // differential, 1-bit cells, one slice
  paired.slices = 3;         // 6 columns per weight
  chain.recombine = &paired;
  EXPECT_TRUE(applies(chain, 64, 12, 1));
  EXPECT_FALSE(applies(chain, 64, 13, 1));
  EXPECT_FALSE(applies(chain, 64, 9, 1));
  arch::CellEncoding offset;
  offset.scheme = arch::SignedEncoding::Offset;
  offset.bitsPerCell = 2;
  offset.slices = 4;
  chain.recombine = &offset;
  EXPECT_TRUE(applies(chain, 64, 9, 3));
  EXPECT_FALSE(applies(chain, 64, 8, 3));
  chain.recombine = nullptr;
  EXPECT_FALSE(applies(chain, 0, 64, 3));
  EXPECT_FALSE(applies(chain, 64, 0, 3));
}

TEST(RuntimeLookupProducts, AppliesOnlyWithinItsLimits) {
  ConversionChain chain; // 8-bit inputs, 1-bit DACs, 8-bit ADC
  EXPECT_TRUE(lookupApplies(chain, 64, 64, 3));

  // DAC digits of one or two bits only.
  chain.dacBits = 2;
  EXPECT_TRUE(lookupApplies(chain, 64, 64, 3));
  chain.dacBits = 3;
  EXPECT_FALSE(lookupApplies(chain, 64, 64, 3));
  chain.dacBits = 1;

  // At most 8 input bits (one packed byte).
  chain.inputBits = 9;
  EXPECT_FALSE(lookupApplies(chain, 64, 64, 3));
  chain.inputBits = 8;

  // Shift-and-add sums below 2^30.
  chain.adcBits = 15;
  chain.adcShift = 7;
  EXPECT_TRUE(lookupApplies(chain, 64, 64, 3)); // 15 + 7 + 8 = 30
  chain.adcBits = 16;
  EXPECT_FALSE(lookupApplies(chain, 64, 64, 3));
  chain.adcBits = 15;
  chain.adcShift = 8;
  EXPECT_FALSE(lookupApplies(chain, 64, 64, 3));
  chain.adcBits = 8;
  chain.adcShift = 0;

  // Tables of at most 16 MiB: 128 groups * 256 masks * (C + 64) * 2 bytes
  // (int16 entries, levels of 1 over 1024 rows) or * 4 (int32, levels of
  // 1000).
  EXPECT_FALSE(lookupApplies(chain, 8192, 2048, 1));
  EXPECT_TRUE(lookupApplies(chain, 1024, 192, 1));
  EXPECT_FALSE(lookupApplies(chain, 1024, 193, 1));
  EXPECT_TRUE(lookupApplies(chain, 1024, 64, 1000));
  EXPECT_FALSE(lookupApplies(chain, 1024, 65, 1000));

  // A plane's sums in 32 bits.
  chain.dacBits = 2;
  EXPECT_FALSE(lookupApplies(chain, 1, 1, int64_t(1) << 30));
  chain.dacBits = 1;
  EXPECT_TRUE(lookupApplies(chain, 1, 1, int64_t(1) << 30));

  expectWholeWeightsAndNoEmptyProducts(lookupApplies);
}

TEST(RuntimeChainProducts, PlaneProductsTakeWideDigitsAndSums) {
  // What only the plane GEMMs take: DAC digits of 3 to 7 bits, inputs past
  // 8 bits, ADCs up to 32 bits and shift-and-add sums past 32 bits;
  // with 150 or 300 rows, a thread's rows span several GEMM blocks.
  const ConversionChain chains[] = {
      {8, 3, 8, 0, false, nullptr},  {8, 4, 6, 2, true, nullptr},
      {9, 5, 10, 1, false, nullptr}, {12, 7, 12, 3, true, nullptr},
      {16, 1, 14, 2, true, nullptr}, {16, 6, 20, 5, false, nullptr},
      {24, 2, 24, 4, true, nullptr}, {8, 1, 8, 0, false, nullptr},
      // An unsigned 32-bit ADC: its code range is past int32's.
      {8, 1, 32, 1, false, nullptr},
  };
  Conversions seen;
  unsigned seed = 900;
  for (const ConversionChain &chain : chains)
    for (int64_t k : {1, 9, 130})
      for (int64_t maxLevel : {3, 127}) {
        // Few rows split a product by its outputs, many by its rows.
        const int64_t c = 70, m = maxLevel == 3 ? 150 : 300;
        ASSERT_FALSE(chain.dacBits > 2 && lookupApplies(chain, k, c, maxLevel));
        const LevelBlock block = randomLevels(k, c, maxLevel, nullptr, ++seed);
        const int64_t range = int64_t(1) << (chain.inputBits - 1);
        const std::vector<int64_t> x =
            randomInts(m * k, -range, range - 1, ++seed);
        expectMethodsEqualNaive(x, m, k, block, c, maxLevel, chain, seen);
      }
  EXPECT_GT(seen.clipped, 1000);
  EXPECT_GT(seen.passed, 1000);
}

TEST(RuntimePlaneProducts, AppliesOnlyWithinItsLimits) {
  ConversionChain chain; // 8-bit inputs, 1-bit DACs, 8-bit ADC
  EXPECT_TRUE(planeProductsApply(chain, 128, 128, 3));

  // Digits and levels in int8.
  chain.dacBits = 7;
  EXPECT_TRUE(planeProductsApply(chain, 128, 128, 3));
  chain.dacBits = 8;
  EXPECT_FALSE(planeProductsApply(chain, 128, 128, 3));
  chain.dacBits = 1;
  EXPECT_TRUE(planeProductsApply(chain, 128, 128, 127));
  EXPECT_FALSE(planeProductsApply(chain, 128, 128, 128));

  // A plane's sums in 32 bits, with the ADC's rounding half: 2^24 rows of
  // 127 reach 2^31 - 2^24; 7-bit digits (127) over 2^17 rows of 127 reach
  // 2^31 - 2^25 and over 2^18 rows overflow.
  EXPECT_TRUE(planeProductsApply(chain, int64_t(1) << 24, 1, 127));
  EXPECT_FALSE(planeProductsApply(chain, int64_t(1) << 25, 1, 127));
  chain.dacBits = 7;
  EXPECT_TRUE(planeProductsApply(chain, int64_t(1) << 17, 1, 127));
  EXPECT_FALSE(planeProductsApply(chain, int64_t(1) << 18, 1, 127));
  chain.dacBits = 1;

  // Shift-and-add sums in 64 bits.
  chain.inputBits = 32;
  chain.adcBits = 24;
  chain.adcShift = 6;
  EXPECT_TRUE(planeProductsApply(chain, 128, 128, 3)); // 62 bits
  chain.adcShift = 7;
  EXPECT_FALSE(planeProductsApply(chain, 128, 128, 3));
  expectWholeWeightsAndNoEmptyProducts(planeProductsApply);
}

} // namespace
