//===- Converters.cpp - Exact integer semantics of DACs and ADCs ----------===//

#include "cim/Arch/Converters.h"

#include <algorithm>

using namespace cim::arch;

int64_t cim::arch::dacPlanes(int64_t inputBits, int64_t dacBits) {
  return (inputBits + dacBits - 1) / dacBits;
}

int64_t cim::arch::dacDigit(int64_t x, int64_t plane, int64_t inputBits,
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

int64_t cim::arch::adcConvert(int64_t sum, int64_t bits, int64_t shift,
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
