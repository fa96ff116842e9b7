//===- PlaneProducts.h - Bit-serial crossbar products on int8 GEMMs -*- C++ -*-===//
//
// Private to the runtime library. When a crossbar's ADC can lose bits, each
// input plane's column sums must be known exactly before they are
// converted: P times the multiply-adds of the product. A plane's digits and
// the cell levels are small integers, so all of a row block's planes go
// through one exact int8 GEMM ((rows x P) x K digits times K x C levels,
// int32 sums; OneDnnGemm.h), and the ADC, shift-and-add and recombination
// follow on each row while its sums are in cache. The result is the same
// integers as the instruction path. Worth it where the int8 GEMM runs on a
// matrix engine (int8GemmIsFast()); table lookups are used elsewhere.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_PLANEPRODUCTS_H
#define CIM_RUNTIME_LIB_PLANEPRODUCTS_H

#include "cim/runtime/Elements.h"
#include "ConversionChain.h"
#include "WorkerPool.h"

#include <cstdint>
#include <vector>

namespace cim::runtime::detail {

/// Whether planeProducts computes `chain` on K x C levels of magnitude at
/// most `maxLevel`: digits and levels must fit int8, every plane's sums
/// int32 and the shift-and-add sums int64.
bool planeProductsApply(const ConversionChain &chain, int64_t k, int64_t c,
                        int64_t maxLevel);

/// The chain's result for every row of the M x K inputs `x` (their low
/// chain.inputBits bits) with the K x C `levels` (rows `stride` apart: a
/// block of an array's cells): M x N recombined sums, or M x C
/// shift-and-add sums without a recombine. Rows run on `pool`'s threads.
/// Returns false, with `out` unspecified, if the int8 GEMM could not run.
bool planeProducts(const int64_t *x, int64_t m, int64_t k,
                   const int16_t *levels, int64_t stride, int64_t c,
                   const ConversionChain &chain, WorkerPool &pool,
                   Elements<int64_t> &out);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_PLANEPRODUCTS_H
