//===- Gemm.h - Exact integer products through a BLAS GEMM -------*- C++ -*-===//
//
// Private to the runtime library. The simulator's crossbar products are
// integer products; GEMMs compute them in floating point (f32 on oneDNN's
// kernels, OneDnnGemm.h, f64 on OpenBLAS's), which is exact
// as long as every partial sum is an integer the format holds (2^24 for
// float, 2^53 for double). exactGemm picks the narrowest format whose bound
// covers the product and says so when none does, so callers can fall back
// to integer loops.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_GEMM_H
#define CIM_RUNTIME_LIB_GEMM_H

#include "cim/runtime/Elements.h"
#include "WorkerPool.h"

#include <cstdint>
#include <vector>

namespace cim::runtime::detail {

/// A K x N integer matrix kept as float for GEMMs (and as double, made on
/// first need, for products beyond float's exact range), with the largest
/// magnitude of its entries.
struct GemmMatrix {
  int64_t rows = 0, cols = 0;
  std::vector<float> asFloat;
  mutable std::vector<double> asDouble;
  int64_t maxAbs = 0;
  void assign(int64_t rows, int64_t cols, const std::vector<int64_t> &values);
};

/// out[m][n] = sum_k a[m][k] * b[k][n] for the M x K integers `a`
/// (row-major), exactly. Returns false (with `out` zero-filled) when the
/// bound maxAbs(a) * maxAbs(b) * K reaches 2^53. With a pool, blocks of
/// rows run on its threads (the integers are exact in any order).
bool exactGemm(const int64_t *a, int64_t m, int64_t k, const GemmMatrix &b,
               Elements<int64_t> &out, WorkerPool *pool = nullptr);

/// out = a * b for an integer-valued float `a` (M x K, entries at most
/// `maxA` in magnitude), exactly; false (out untouched) when float cannot
/// hold every partial sum.
bool exactFloatGemm(const std::vector<float> &a, int64_t m, int64_t k,
                    int64_t maxA, const GemmMatrix &b,
                    Elements<int64_t> &out, WorkerPool *pool = nullptr);

/// c = a * b in f32 for real-valued operands: a is M x K with rows `lda`
/// apart, b K x N with rows `ldb` apart, c M x N with rows `ldc` apart
/// (strided operands are the groups of a grouped product).
void realGemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
              const float *b, int64_t ldb, float *c, int64_t ldc);

/// OpenBLAS single-threaded while any SerialBlas is alive, its previous
/// thread count restored when the last one goes (runs on several host
/// threads nest): the simulator splits its products over its own worker
/// pool, and OpenBLAS's threads would spin beside it between the many
/// small GEMMs. The setting is the process's (OpenBLAS has no other): a
/// host using OpenBLAS on other threads during a run gets one thread too.
class SerialBlas {
public:
  SerialBlas();
  ~SerialBlas();
  SerialBlas(const SerialBlas &) = delete;
  SerialBlas &operator=(const SerialBlas &) = delete;
};

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_GEMM_H
