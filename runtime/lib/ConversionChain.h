//===- ConversionChain.h - The arithmetic after a crossbar's sums -*- C++ -*-===//
//
// Private to the runtime library. A dac -> mvm -> adc -> shift_add
// [-> recombine] chain whose ADC can lose bits converts every input plane's
// every column sum on its own. The ways of computing the sums (table
// lookups, plane GEMMs on an int8 engine) share what follows them: the ADC
// on 32-bit lanes, the shift-and-add of the planes and the recombination
// of a weight's columns, written here once and inlined into each kernel.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_CONVERSIONCHAIN_H
#define CIM_RUNTIME_LIB_CONVERSIONCHAIN_H

#include "cim/Arch/CellEncoding.h"

#include <algorithm>
#include <cmath>
#include <climits>
#include <cstdint>
#include <vector>

namespace cim::runtime::detail {

/// One dac -> mvm -> adc -> shift_add [-> recombine] chain's parameters.
struct ConversionChain {
  int64_t inputBits = 8, dacBits = 1;
  int64_t adcBits = 8, adcShift = 0;
  bool adcSigned = false;
  /// The chain's recombine, or null (the result is the shift-and-add's).
  const arch::CellEncoding *recombine = nullptr;
};

/// Whether every plane's column sum over K rows of levels at most
/// `maxLevel` fits int32 with the ADC's rounding half added.
inline bool planeSumsFitInt32(const ConversionChain &chain, int64_t k,
                              int64_t maxLevel) {
  return static_cast<double>(k) * static_cast<double>(maxLevel) *
                 static_cast<double>((int64_t(1) << chain.dacBits) - 1) +
             std::ldexp(1.0, static_cast<int>(chain.adcShift)) <
         2147483647.0;
}

/// Whether C columns are whole weights (and the reference column) of the
/// chain's recombine, if it has one.
inline bool columnsAreWholeWeights(const ConversionChain &chain, int64_t c) {
  return !chain.recombine || (c - chain.recombine->referenceColumns()) %
                                     chain.recombine->columnsPerWeight() ==
                                 0;
}

/// The ADC, shift-and-add and recombination of a chain over C columns.
struct ChainConversions {
  /// The ADC's code range, its rounding half and its dropped bits.
  int32_t lo, hi, half, shift;
  /// Outputs per input row: C without a recombine, else the weights.
  int64_t n;
  int64_t perWeight = 1, referenceColumns = 0;
  /// recombine() is linear in the column sums, so each output is a fixed
  /// combination of its columns and the reference column.
  std::vector<int64_t> perColumn;
  int64_t reference = 0;
  const arch::CellEncoding *recombine;

  ChainConversions(const ConversionChain &chain, int64_t c)
      : n(c), recombine(chain.recombine) {
    // The codes in int64, then within int32: the kernels' limits keep
    // every plane sum (so every code it converts to) inside int32, so the
    // clamp is exact even for a 32-bit ADC.
    const int64_t bits = chain.adcBits;
    const int64_t low = chain.adcSigned ? -(int64_t(1) << (bits - 1))
                                        : -((int64_t(1) << bits) - 1);
    const int64_t high = chain.adcSigned ? (int64_t(1) << (bits - 1)) - 1
                                         : (int64_t(1) << bits) - 1;
    lo = static_cast<int32_t>(std::max<int64_t>(low, INT32_MIN));
    hi = static_cast<int32_t>(std::min<int64_t>(high, INT32_MAX));
    shift = static_cast<int32_t>(chain.adcShift);
    half = shift > 0 ? int32_t(1) << (shift - 1) : 0;
    if (!recombine)
      return;
    perWeight = recombine->columnsPerWeight();
    referenceColumns = recombine->referenceColumns();
    n = (c - referenceColumns) / perWeight;
    std::vector<int64_t> unit(static_cast<size_t>(perWeight), 0);
    for (int64_t j = 0; j < perWeight; ++j) {
      unit[j] = 1;
      perColumn.push_back(recombine->recombine(unit.data(), 0));
      unit[j] = 0;
    }
    reference = recombine->recombine(unit.data(), 1);
  }

  /// combined[j] += adcConvert(sums[j]) * 2^place for j < width: the ADC
  /// as arch::adcConvert on 32-bit lanes, the shift-and-add shifted as
  /// unsigned (the codes may be negative). S is int32_t where the sums
  /// fit (see the kernels' limits) or int64_t. `sign` is +1 when every sum
  /// is known to be >= 0, -1 when known to be <= 0 (then the conversion
  /// needs no sign test), 0 otherwise.
  template <typename S>
  __attribute__((always_inline)) void
  convertPlane(const int32_t *__restrict sums, int64_t width, int64_t place,
               S *__restrict combined, int sign = 0) const {
    using U = std::make_unsigned_t<S>;
    const int64_t up = place + shift;
    auto add = [&](int64_t j, int32_t code) {
      combined[j] +=
          static_cast<S>(static_cast<U>(static_cast<S>(code)) << up);
    };
    if (sign > 0) {
      for (int64_t j = 0; j < width; ++j)
        add(j, std::min((sums[j] + half) >> shift, hi));
    } else if (sign < 0) {
      for (int64_t j = 0; j < width; ++j)
        add(j, std::max(-((half - sums[j]) >> shift), lo));
    } else {
      for (int64_t j = 0; j < width; ++j) {
        const int32_t s = sums[j];
        const int32_t magnitude = ((s < 0 ? -s : s) + half) >> shift;
        const int32_t code = s < 0 ? -magnitude : magnitude;
        add(j, std::min(std::max(code, lo), hi));
      }
    }
  }

  /// The row's n outputs from its C shift-and-add sums.
  template <typename S>
  __attribute__((always_inline)) void recombineRow(const S *combined, int64_t c,
                                                   int64_t *result) const {
    if (!recombine) {
      std::copy(combined, combined + c, result);
      return;
    }
    const int64_t base =
        referenceColumns ? static_cast<int64_t>(combined[c - 1]) * reference
                         : 0;
    for (int64_t w = 0; w < n; ++w) {
      int64_t y = base;
      for (int64_t j = 0; j < perWeight; ++j)
        y += perColumn[j] * static_cast<int64_t>(combined[w * perWeight + j]);
      result[w] = y;
    }
  }
};

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_CONVERSIONCHAIN_H
