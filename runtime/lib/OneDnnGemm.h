//===- OneDnnGemm.h - Exact int8 products on the CPU's matrix engine -*- C++ -*-===//
//
// Private to the runtime library. Crossbar digits and cell levels are small
// integers: an input plane's digits and a block's levels fit int8, and their
// products summed over an array's rows fit int32. Such a product is exact
// on an int8 GEMM, which oneDNN (Debian's libdnnl) runs on the CPU's matrix
// engine (Intel AMX) where there is one: there it is several times faster
// than any other way the simulator has. This wrapper is the only place that
// speaks to oneDNN.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_ONEDNNGEMM_H
#define CIM_RUNTIME_LIB_ONEDNNGEMM_H

#include <cstdint>

namespace cim::runtime::detail {

/// Whether int8 GEMMs run on a matrix engine (checked once: oneDNN's pick
/// for a crossbar-sized product is an AMX kernel). Where they do not, the
/// table lookups are faster and the callers use those.
bool int8GemmIsFast();

/// c[i * ldc + j] = sum_r a[i * lda + r] * b[r * ldb + j] for i < m, j < n,
/// r < k, exactly (the caller keeps every sum within int32). Safe to call
/// from several threads at once; each call runs on its calling thread
/// only. Returns false if oneDNN cannot run it (then c is unspecified).
bool int8Gemm(const int8_t *a, int64_t m, int64_t k, int64_t lda,
              const int8_t *b, int64_t n, int64_t ldb, int32_t *c,
              int64_t ldc);

/// c = a * b in f32: a is M x K with rows `lda` apart, b K x N with rows
/// `ldb` apart, c M x N with rows `ldc` apart. Runs on the calling thread
/// only, safe from several at once; the sums' order depends on the shape
/// alone. Returns false if oneDNN refuses it (then c is unspecified).
bool floatGemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
               const float *b, int64_t ldb, float *c, int64_t ldc);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_ONEDNNGEMM_H
