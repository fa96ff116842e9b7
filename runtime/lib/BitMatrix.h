//===- BitMatrix.h - 8 x 8 bit matrices in a 64-bit word ----------*- C++ -*-===//
//
// Private to the runtime library. The crossbar kernels that work on input
// bits (table lookups, parity products) turn eight rows' bytes into eight
// planes' row masks and back with one transpose.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_BITMATRIX_H
#define CIM_RUNTIME_LIB_BITMATRIX_H

#include <cstdint>

namespace cim::runtime::detail {

/// The 8 x 8 bit matrix in `word` (row i = byte i, column j = bit j)
/// transposed: bit 8 * i + j of the result is bit 8 * j + i of `word`.
inline uint64_t transposeBits8x8(uint64_t word) {
  uint64_t t = (word ^ (word >> 7)) & 0x00AA00AA00AA00AAull;
  word ^= t ^ (t << 7);
  t = (word ^ (word >> 14)) & 0x0000CCCC0000CCCCull;
  word ^= t ^ (t << 14);
  t = (word ^ (word >> 28)) & 0x00000000F0F0F0F0ull;
  word ^= t ^ (t << 28);
  return word;
}

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_BITMATRIX_H
