//===- Gemm.cpp - Exact integer products through a BLAS GEMM --------------===//

#include "Gemm.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

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

template <typename T>
static void convert(const int64_t *from, int64_t count, std::vector<T> &to) {
  to.resize(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    to[i] = static_cast<T>(from[i]);
}

bool detail::exactGemm(const int64_t *a, int64_t m, int64_t k,
                       const GemmMatrix &b, std::vector<int64_t> &out) {
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
    std::vector<float> af, cf(static_cast<size_t>(m * n));
    convert(a, m * k, af);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f,
                af.data(), k, b.asFloat.data(), n, 0.0f, cf.data(), n);
    for (size_t i = 0; i < cf.size(); ++i)
      out[i] = static_cast<int64_t>(cf[i]);
    return true;
  }
  if (bound < 9007199254740992.0) { // 2^53: double is exact
    if (b.asDouble.empty())
      b.asDouble.assign(b.asFloat.begin(), b.asFloat.end());
    std::vector<double> ad, cd(static_cast<size_t>(m * n));
    convert(a, m * k, ad);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0,
                ad.data(), k, b.asDouble.data(), n, 0.0, cd.data(), n);
    for (size_t i = 0; i < cd.size(); ++i)
      out[i] = static_cast<int64_t>(cd[i]);
    return true;
  }
  return false;
}

void detail::setGemmThreads(int threads) {
  if (threads > 0)
    openblas_set_num_threads(threads);
}
