//===- LookupProducts.h - Bit-serial crossbar products by lookup --*- C++ -*-===//
//
// Private to the runtime library. When a crossbar's ADC can lose bits, every
// input plane's every column sum is converted on its own, so the simulator
// needs each of them exactly: P times the multiply-adds of the product (and
// more, counted per column slice). With 1- or 2-bit DACs a plane's digits
// are made of input bits, and a column sum over the rows whose bit is set
// is a sum of level rows: grouping the rows by eight, a group adds one of
// 256 precomputed rows of C sums (the method of the four Russians). One
// plane's C column sums then cost K/8 row additions of small integers
// instead of K*C multiply-adds, and the ADC, shift-and-add and
// recombination follow on each input row while its sums are in cache.
// The result is the same integers as the instruction path.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_LOOKUPPRODUCTS_H
#define CIM_RUNTIME_LIB_LOOKUPPRODUCTS_H

#include "cim/runtime/Elements.h"
#include "ConversionChain.h"
#include "WorkerPool.h"

#include <cstdint>
#include <vector>

namespace cim::runtime::detail {

/// An input's low `bits` two's-complement bits by groups of eight rows:
/// masks[(m * bits + i) * groups + g] holds bit i of the entries
/// 8g .. 8g+7 of input row m (bit r for entry 8g+r; 0 past the K entries).
struct InputBits {
  int64_t rows = 0, cols = 0, bits = 0, groups = 0;
  std::vector<uint8_t> masks;
};

/// Packs the M x K integers `x` (only their low `bits` bits, bits <= 8),
/// rows on `pool`'s threads.
void packInputBits(const int64_t *x, int64_t m, int64_t k, int64_t bits,
                   WorkerPool &pool, InputBits &out);

/// Whether lookupProducts computes `chain` on K x C levels of magnitude at
/// most `maxLevel` (a lookup pays when the DAC's digits are one or two
/// bits; the integer widths must hold every sum).
bool lookupApplies(const ConversionChain &chain, int64_t k, int64_t c,
                   int64_t maxLevel);

/// The chain's result for every row of `x` with the K x C `levels` (rows
/// `stride` apart: a block of an array's cells): M x N recombined sums, or
/// M x C shift-and-add sums without a recombine. Rows run on `pool`'s
/// threads.
void lookupProducts(const InputBits &x, const int16_t *levels, int64_t stride,
                    int64_t k, int64_t c, int64_t maxLevel,
                    const ConversionChain &chain, WorkerPool &pool,
                    Elements<int64_t> &out);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_LOOKUPPRODUCTS_H
