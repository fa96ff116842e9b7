//===- ChainTestSupport.h - A lossy crossbar chain, written out plainly -*- C++ -*-===//
//
// Shared by the tests of the ways the runtime computes a dac -> mvm -> adc
// -> shift_add [-> recombine] chain: the chain one conversion at a time
// from the shared converters (dacDigit, adcConvert, CellEncoding), and
// blocks of random levels within an encoding's range, read through a row
// stride.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_UNITTESTS_CHAINTESTSUPPORT_H
#define CIM_RUNTIME_UNITTESTS_CHAINTESTSUPPORT_H

#include "../lib/ConversionChain.h"

#include "cim/Arch/Converters.h"

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace cim::runtime::test::chains {

using detail::ConversionChain;

/// The chain's parameters, printed in failures.
inline std::string describe(const ConversionChain &chain, int64_t k, int64_t c,
                     int64_t maxLevel) {
  std::string s =
      "inputBits " + std::to_string(chain.inputBits) + " dac " +
      std::to_string(chain.dacBits) + " adc " + std::to_string(chain.adcBits) +
      (chain.adcSigned ? "s" : "u") + " shift " +
      std::to_string(chain.adcShift) + " K " + std::to_string(k) + " C " +
      std::to_string(c) + " maxLevel " + std::to_string(maxLevel);
  if (const arch::CellEncoding *e = chain.recombine)
    s += std::string(" ") + arch::toString(e->scheme) +
         (e->pairedColumns ? "" : " in-cell") + " " +
         std::to_string(e->bitsPerCell) + "-bit cells x" +
         std::to_string(e->slices);
  return s;
}

/// How often the naive ADC clipped or passed a sum, over a test.
struct Conversions {
  int64_t clipped = 0, passed = 0;
};

/// The chain on the M x K inputs `x` and K x C levels `levels` (rows
/// `stride` apart), one conversion at a time.
inline std::vector<int64_t> naiveChain(const std::vector<int64_t> &x, int64_t m,
                                int64_t k, const int16_t *levels,
                                int64_t stride, int64_t c,
                                const ConversionChain &chain, Conversions &seen) {
  const int64_t planes = arch::dacPlanes(chain.inputBits, chain.dacBits);
  std::vector<int64_t> combined(m * c, 0), digits(k);
  for (int64_t row = 0; row < m; ++row)
    for (int64_t p = 0; p < planes; ++p) {
      for (int64_t r = 0; r < k; ++r)
        digits[r] =
            arch::dacDigit(x[row * k + r], p, chain.inputBits, chain.dacBits);
      for (int64_t j = 0; j < c; ++j) {
        int64_t sum = 0;
        for (int64_t r = 0; r < k; ++r)
          sum += digits[r] * levels[r * stride + j];
        const int64_t converted = arch::adcConvert(
            sum, chain.adcBits, chain.adcShift, chain.adcSigned);
        // The same conversion with a range that cannot clip.
        if (converted != arch::adcConvert(sum, 40, chain.adcShift, true))
          ++seen.clipped;
        else
          ++seen.passed;
        combined[row * c + j] +=
            converted * (int64_t(1) << (p * chain.dacBits));
      }
    }
  const arch::CellEncoding *encoding = chain.recombine;
  if (!encoding)
    return combined;
  const int64_t perWeight = encoding->columnsPerWeight();
  const int64_t references = encoding->referenceColumns();
  const int64_t n = (c - references) / perWeight;
  std::vector<int64_t> result(m * n);
  for (int64_t row = 0; row < m; ++row)
    for (int64_t w = 0; w < n; ++w)
      result[row * n + w] =
          encoding->recombine(&combined[row * c + w * perWeight],
                              references ? combined[row * c + c - 1] : 0);
  return result;
}

/// The levels column `j` of `c` may hold: [-maxLevel, maxLevel] without an
/// encoding, else the encoding's (the offset reference column's is fixed).
inline std::pair<int64_t, int64_t> levelRange(const arch::CellEncoding *encoding,
                                       int64_t j, int64_t c, int64_t maxLevel) {
  if (!encoding)
    return {-maxLevel, maxLevel};
  const int64_t top = (int64_t(1) << encoding->bitsPerCell) - 1;
  switch (encoding->scheme) {
  case arch::SignedEncoding::Differential:
    return {encoding->pairedColumns ? 0 : -top, top};
  case arch::SignedEncoding::Offset:
    if (j == c - 1)
      return {encoding->referenceLevel(), encoding->referenceLevel()};
    return {0, top};
  case arch::SignedEncoding::TwosComplement:
    // The top slice holds the sign bit.
    if (j % encoding->slices == encoding->slices - 1)
      return {0, 1};
    return {0, top};
  }
  return {0, 0};
}

/// A block of K x C levels at row 2, column 3 of a larger array whose other
/// cells hold a level no table may see.
struct LevelBlock {
  static constexpr int16_t kOutside = -7777;
  int64_t stride;
  std::vector<int16_t> cells;
  const int16_t *levels() const { return cells.data() + 2 * stride + 3; }
  int16_t *levels() { return cells.data() + 2 * stride + 3; }

  LevelBlock(int64_t k, int64_t c)
      : stride(c + 11), cells((k + 4) * (c + 11), kOutside) {}
};

inline LevelBlock randomLevels(int64_t k, int64_t c, int64_t maxLevel,
                        const arch::CellEncoding *encoding, unsigned seed) {
  LevelBlock block(k, c);
  std::mt19937 gen(seed);
  for (int64_t j = 0; j < c; ++j) {
    const auto [lo, hi] = levelRange(encoding, j, c, maxLevel);
    std::uniform_int_distribution<int64_t> dist(lo, hi);
    for (int64_t r = 0; r < k; ++r)
      block.levels()[r * block.stride + j] = static_cast<int16_t>(dist(gen));
    // The range's ends are present.
    block.levels()[j] = static_cast<int16_t>(j % 2 ? lo : hi);
  }
  return block;
}

} // namespace cim::runtime::test::chains

#endif // CIM_RUNTIME_UNITTESTS_CHAINTESTSUPPORT_H
