//===- Gemm.cpp - Exact integer products through a BLAS GEMM --------------===//

#include "Gemm.h"
#include "OneDnnGemm.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <mutex>

using namespace cim::runtime;
using namespace cim::runtime::detail;

void GemmMatrix::assign(int64_t r, int64_t c,
                        const std::vector<int64_t> &values) {
  rows = r;
  cols = c;
  maxAbs = 0;
  asFloat.resize(values.size());
  asDouble.clear();
  for (size_t i = 0; i < values.size(); ++i) {
    maxAbs = std::max<int64_t>(maxAbs, std::llabs(values[i]));
    asFloat[i] = static_cast<float>(values[i]);
  }
  // Entries beyond float's exact range: the double copy cannot be made
  // from the float one later.
  if (maxAbs >= (int64_t(1) << 24))
    asDouble.assign(values.begin(), values.end());
}

static void blasGemm(int64_t m, int64_t n, int64_t k, const float *a,
                     const float *b, float *c) {
  realGemm(m, n, k, a, k, b, n, c, n);
}
static void blasGemm(int64_t m, int64_t n, int64_t k, const double *a,
                     const double *b, double *c) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, a, k,
              b, n, 0.0, c, n);
}

/// Rows per block when a pool splits a GEMM.
constexpr int64_t kBlockRows = 256;

/// Calls rows(begin, end) over [0, m): in blocks on the pool, if any.
static void overRows(int64_t m, WorkerPool *pool,
                     const std::function<void(int64_t, int64_t)> &rows) {
  if (!pool || m <= kBlockRows) {
    rows(0, m);
    return;
  }
  const int64_t blocks = (m + kBlockRows - 1) / kBlockRows;
  pool->parallelFor(blocks, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t block = b0; block < b1; ++block)
      rows(block * kBlockRows, std::min(m, (block + 1) * kBlockRows));
  });
}

/// out = a * b through a GEMM in T, the integers converted in and out.
template <typename T>
static void gemmAs(const int64_t *a, int64_t m, int64_t k, const T *b,
                   int64_t n, int64_t *out) {
  std::vector<T> at(static_cast<size_t>(m * k)), ct(static_cast<size_t>(m * n));
  for (int64_t i = 0; i < m * k; ++i)
    at[i] = static_cast<T>(a[i]);
  blasGemm(m, n, k, at.data(), b, ct.data());
  for (size_t i = 0; i < ct.size(); ++i)
    out[i] = static_cast<int64_t>(ct[i]);
}

bool detail::exactGemm(const int64_t *a, int64_t m, int64_t k,
                       const GemmMatrix &b, Elements<int64_t> &out,
                       WorkerPool *pool) {
  const int64_t n = b.cols;
  int64_t maxA = 0;
  for (int64_t i = 0; i < m * k; ++i)
    maxA = std::max<int64_t>(maxA, std::llabs(a[i]));
  // Every partial sum is bounded by sum |a||b| <= maxA * maxB * K.
  const double bound = static_cast<double>(maxA) *
                       static_cast<double>(b.maxAbs) * static_cast<double>(k);
  out.assign(static_cast<size_t>(m * n), 0);
  if (m == 0 || n == 0 || k == 0 || bound == 0)
    return true;
  if (bound < 16777216.0) { // 2^24: float is exact
    overRows(m, pool, [&](int64_t r0, int64_t r1) {
      gemmAs(a + r0 * k, r1 - r0, k, b.asFloat.data(), n, out.data() + r0 * n);
    });
    return true;
  }
  if (bound < 9007199254740992.0) { // 2^53: double is exact
    if (b.asDouble.empty())
      b.asDouble.assign(b.asFloat.begin(), b.asFloat.end());
    overRows(m, pool, [&](int64_t r0, int64_t r1) {
      gemmAs(a + r0 * k, r1 - r0, k, b.asDouble.data(), n,
             out.data() + r0 * n);
    });
    return true;
  }
  return false;
}

bool detail::exactFloatGemm(const std::vector<float> &a, int64_t m,
                            int64_t k, int64_t maxA, const GemmMatrix &b,
                            Elements<int64_t> &out, WorkerPool *pool) {
  const int64_t n = b.cols;
  if (static_cast<double>(maxA) * static_cast<double>(b.maxAbs) *
          static_cast<double>(k) >=
      16777216.0)
    return false;
  out.assign(static_cast<size_t>(m * n), 0);
  if (m == 0 || n == 0 || k == 0)
    return true;
  overRows(m, pool, [&](int64_t r0, int64_t r1) {
    std::vector<float> c(static_cast<size_t>((r1 - r0) * n));
    blasGemm(r1 - r0, n, k, a.data() + r0 * k, b.asFloat.data(), c.data());
    for (size_t i = 0; i < c.size(); ++i)
      out[r0 * n + i] = static_cast<int64_t>(c[i]);
  });
  return true;
}

void detail::realGemm(int64_t m, int64_t n, int64_t k, const float *a,
                      int64_t lda, const float *b, int64_t ldb, float *c,
                      int64_t ldc) {
  if (m == 0 || n == 0)
    return;
  if (floatGemm(m, n, k, a, lda, b, ldb, c, ldc))
    return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, lda,
              b, ldb, 0.0f, c, ldc);
}

namespace {
std::mutex serialBlasMutex;
int serialBlasUsers = 0, serialBlasPrevious = 1;
} // namespace

SerialBlas::SerialBlas() {
  std::lock_guard<std::mutex> lock(serialBlasMutex);
  if (serialBlasUsers++ == 0) {
    serialBlasPrevious = openblas_get_num_threads();
    openblas_set_num_threads(1);
  }
}

SerialBlas::~SerialBlas() {
  std::lock_guard<std::mutex> lock(serialBlasMutex);
  if (--serialBlasUsers == 0)
    openblas_set_num_threads(serialBlasPrevious);
}


