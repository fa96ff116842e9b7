//===- Converters.h - Exact integer semantics of DACs and ADCs ----*- C++
//-*-===//
//
// The digit a DAC applies and the value an ADC returns, defined once for the
// compiler (the xbar.dac / xbar.adc folders) and the runtime, so both compute
// the same bits. Plain C++17 with no MLIR or LLVM dependency.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_ARCH_CONVERTERS_H
#define CIM_ARCH_CONVERTERS_H

#include <cstdint>

namespace cim::arch {

/// Planes `ceil(inputBits / dacBits)` an input streams through the DACs.
int64_t dacPlanes(int64_t inputBits, int64_t dacBits);

/// Digit of plane `plane` of an `inputBits`-bit two's complement input
/// through `dacBits`-bit DACs: bits [plane*d, plane*d + d) of `x`, the top
/// plane sign-extended, so `x = sum_p 2^(p*d) * digit(p)` exactly.
int64_t dacDigit(int64_t x, int64_t plane, int64_t inputBits, int64_t dacBits);

/// One conversion of a `bits`-bit ADC whose range drops the `shift` low
/// bits: `clamp(round_half_away(sum / 2^shift), lo, hi) * 2^shift`, with
/// [lo, hi] = [-2^(bits-1), 2^(bits-1) - 1] when `isSigned`, else
/// [-(2^bits - 1), 2^bits - 1] (the sign is known; the magnitude is
/// converted). The result is in the units of the sum.
int64_t adcConvert(int64_t sum, int64_t bits, int64_t shift, bool isSigned);

} // namespace cim::arch

#endif // CIM_ARCH_CONVERTERS_H
