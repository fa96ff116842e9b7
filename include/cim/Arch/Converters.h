//===- Converters.h - Exact integer semantics of DACs and ADCs ----*- C++
//-*-===//
//
// The digit a DAC applies and the value an ADC returns, defined once for the
// compiler (the xbar.dac / xbar.adc folders) and the runtime, so both compute
// the same bits. Plain C++17 with no MLIR or LLVM dependency. Inline: the
// simulator converts every plane of every column sum through them.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_ARCH_CONVERTERS_H
#define CIM_ARCH_CONVERTERS_H

#include <algorithm>
#include <cstdint>

namespace cim::arch {

/// Planes `ceil(inputBits / dacBits)` an input streams through the DACs.
inline int64_t dacPlanes(int64_t inputBits, int64_t dacBits) {
  return (inputBits + dacBits - 1) / dacBits;
}

/// Digit of plane `plane` of an `inputBits`-bit two's complement input
/// through `dacBits`-bit DACs: bits [plane*d, plane*d + d) of `x`, the top
/// plane sign-extended, so `x = sum_p 2^(p*d) * digit(p)` exactly.
inline int64_t dacDigit(int64_t x, int64_t plane, int64_t inputBits,
                        int64_t dacBits) {
  const int64_t planes = dacPlanes(inputBits, dacBits);
  const int64_t low = plane * dacBits;
  const int64_t width = std::min(dacBits, inputBits - low);
  int64_t digit = (x >> low) & ((int64_t(1) << width) - 1);
  // The top plane carries the sign bit: sign-extend its digit.
  if (plane == planes - 1 && (digit >> (width - 1)) & 1)
    digit -= int64_t(1) << width;
  return digit;
}

/// One conversion of a `bits`-bit ADC whose range drops the `shift` low
/// bits: `clamp(round_half_away(sum / 2^shift), lo, hi) * 2^shift`, with
/// [lo, hi] = [-2^(bits-1), 2^(bits-1) - 1] when `isSigned`, else
/// [-(2^bits - 1), 2^bits - 1] (the sign is known; the magnitude is
/// converted). The result is in the units of the sum.
inline int64_t adcConvert(int64_t sum, int64_t bits, int64_t shift,
                          bool isSigned) {
  const int64_t lo =
      isSigned ? -(int64_t(1) << (bits - 1)) : -((int64_t(1) << bits) - 1);
  const int64_t hi =
      isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
  int64_t code = sum;
  if (shift > 0) {
    // Round half away from zero.
    const int64_t half = int64_t(1) << (shift - 1);
    code = sum >= 0 ? (sum + half) >> shift : -((-sum + half) >> shift);
  }
  return std::clamp(code, lo, hi) * (int64_t(1) << shift);
}

} // namespace cim::arch

#endif // CIM_ARCH_CONVERTERS_H
