//===- ParityProducts.h - Rounding ADC products from parities ----*- C++ -*-===//
//
// Private to the runtime library. The common lossy case: one-bit DACs,
// cells whose levels are all >= 0, and an ADC that drops one bit (shift 1)
// but provably never clips. Each plane's code is then its column sum
// rounded half away from zero, times two, which is the sum plus or minus
// its parity: S + par(S) on the lower planes (S >= 0) and S - par(S) on
// the sign plane (S <= 0). Shifted and added over the planes:
//
//   combined = x * levels + Q,  Q = sum_{p < top} par_p 2^p - par_top 2^top
//
// so the chain is one exact product of the whole input (P times fewer
// multiply-adds than the planes') plus a correction that needs only each
// plane's column-sum parities. A sum's parity is the parity of the digits
// ANDed with the levels' low bits: a GF(2) product, computed by table
// lookups over groups of eight rows (the XOR of every subset of a group's
// level bits, one 256-entry table per group), for all columns at once.
// Q's bits, read back per column, are Q itself as a two's complement
// `top + 1`-bit integer. The recombine is linear, so with a recombine the
// exact product uses the recombined weights and Q is recombined per row.
// The integers are the instruction path's, bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_PARITYPRODUCTS_H
#define CIM_RUNTIME_LIB_PARITYPRODUCTS_H

#include "ConversionChain.h"
#include "Gemm.h"
#include "WorkerPool.h"

#include <cstdint>
#include <vector>

namespace cim::runtime::detail {

/// Whether parityProducts computes `chain` on a K x C block whose column
/// sums of positive and of negated negative levels are `positive` and
/// `negative`, with `exact` (the K x N operand of the linear part: the
/// levels, or the recombined weights with a recombine).
bool parityProductsApply(const ConversionChain &chain, int64_t k, int64_t c,
                         const std::vector<int64_t> &positive,
                         const std::vector<int64_t> &negative,
                         const GemmMatrix &exact);

/// The inputs' low chain.inputBits bits, sign-extended, as int8: M rows of
/// parityRowBytes(K) bytes (zero past K), made once for every chain of the
/// same planes.
int64_t parityRowBytes(int64_t k);
void packInputBytes(const int64_t *x, int64_t m, int64_t k, int64_t inputBits,
                    WorkerPool &pool, std::vector<int8_t> &bytes);

/// The chain's result for the M inputs `bytes` (packInputBytes) and the
/// K x C `levels` (rows `stride` apart), with `exact` as above: M x N
/// recombined sums, or M x C shift-and-add sums without a recombine. Rows
/// run on `pool`'s threads. The parities are found with the CPU's GF(2)
/// affine instructions where it has them, unless `portable`. Returns
/// false, with `out` unspecified, if the int8 GEMM could not run.
bool parityProducts(const std::vector<int8_t> &bytes, int64_t m, int64_t k,
                    const int16_t *levels, int64_t stride, int64_t c,
                    const ConversionChain &chain, const GemmMatrix &exact,
                    WorkerPool &pool, std::vector<int64_t> &out,
                    bool portable = false);

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

#endif // CIM_RUNTIME_LIB_PARITYPRODUCTS_H
