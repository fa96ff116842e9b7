//===- OneDnnGemmTest.cpp - GEMMs on oneDNN ------------------------------===//
//
// int8Gemm is exact: against a plain integer product over the extremes of
// int8 (-128 x -128 sums), K past the engine's 64-wide tiles and strided
// operands whose gaps it must not read or write; the same from three
// threads at once; and a shape oneDNN refuses returns false instead of
// throwing. floatGemm: exact on integer-valued operands, within f32
// rounding of a double product on real ones, the same bytes from three
// threads at once as from one, and refusals returned.
//
//===----------------------------------------------------------------------===//

#include "../lib/OneDnnGemm.h"

#include "RuntimeTestSupport.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>
#include <utility>

using namespace cim::runtime::detail;
using namespace cim::runtime::test;

namespace {

/// a (m x k, rows lda apart) times b (k x n, rows ldb apart), plainly.
std::vector<int32_t> plainProduct(const std::vector<int8_t> &a, int64_t lda,
                                  const std::vector<int8_t> &b, int64_t ldb,
                                  int64_t m, int64_t k, int64_t n) {
  std::vector<int32_t> c(m * n, 0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t r = 0; r < k; ++r)
        c[i * n + j] += int32_t(a[i * lda + r]) * int32_t(b[r * ldb + j]);
  return c;
}

std::vector<int8_t> randomInt8(size_t count, unsigned seed) {
  std::vector<int8_t> out;
  for (int64_t v : randomInts(count, -128, 127, seed))
    out.push_back(static_cast<int8_t>(v));
  return out;
}

TEST(RuntimeInt8Gemm, ExactOnStridedOperands) {
  struct Shape {
    int64_t m, k, n;
  };
  unsigned seed = 1;
  for (const Shape &s : {Shape{1, 1, 1}, Shape{7, 130, 9}, Shape{64, 128, 125},
                         Shape{33, 300, 70}}) {
    const int64_t lda = s.k + 3, ldb = s.n + 5, ldc = s.n + 2;
    std::vector<int8_t> a = randomInt8(s.m * lda, ++seed);
    std::vector<int8_t> b = randomInt8(s.k * ldb, ++seed);
    // The extremes: a row of -128 times a column of -128.
    for (int64_t r = 0; r < s.k; ++r) {
      a[r] = -128;
      b[r * ldb] = -128;
    }
    const std::vector<int32_t> expected =
        plainProduct(a, lda, b, ldb, s.m, s.k, s.n);
    constexpr int32_t kGap = 0x5A5A5A5A;
    std::vector<int32_t> c(s.m * ldc, kGap);
    ASSERT_TRUE(
        int8Gemm(a.data(), s.m, s.k, lda, b.data(), s.n, ldb, c.data(), ldc));
    for (int64_t i = 0; i < s.m; ++i) {
      for (int64_t j = 0; j < s.n; ++j)
        ASSERT_EQ(c[i * ldc + j], expected[i * s.n + j])
            << s.m << "x" << s.k << "x" << s.n << " at " << i << ", " << j;
      for (int64_t j = s.n; j < ldc; ++j)
        ASSERT_EQ(c[i * ldc + j], kGap) << "wrote a gap";
    }
    EXPECT_EQ(c[0], 128 * 128 * s.k);
  }
}

/// Whether call(t) returned true `repeats` times on each of three threads
/// running at once, for each thread t.
template <typename Call>
std::vector<char> onThreeThreadsAtOnce(int repeats, Call call) {
  std::vector<std::thread> threads;
  std::vector<char> ok(3, 0);
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      bool all = true;
      for (int repeat = 0; repeat < repeats; ++repeat)
        all &= call(t);
      ok[t] = all;
    });
  for (std::thread &thread : threads)
    thread.join();
  return ok;
}

TEST(RuntimeInt8Gemm, ThreadsAtOnceAndRefusals) {
  const int64_t m = 40, k = 128, n = 60;
  const std::vector<int8_t> b = randomInt8(k * n, 90);
  std::vector<std::vector<int8_t>> as;
  std::vector<std::vector<int32_t>> cs(3, std::vector<int32_t>(m * n));
  for (unsigned t = 0; t < 3; ++t)
    as.push_back(randomInt8(m * k, 91 + t));
  const std::vector<char> ok = onThreeThreadsAtOnce(20, [&](int t) {
    return int8Gemm(as[t].data(), m, k, k, b.data(), n, n, cs[t].data(), n);
  });
  for (int t = 0; t < 3; ++t) {
    EXPECT_TRUE(ok[t]);
    EXPECT_EQ(cs[t], plainProduct(as[t], k, b, n, m, k, n)) << "thread " << t;
  }
  // A negative dimension is no shape: refused, not thrown.
  std::vector<int32_t> c(4);
  EXPECT_FALSE(int8Gemm(as[0].data(), -1, k, k, b.data(), n, n, c.data(), n));
}

/// a (m x k, rows lda apart) times b (k x n, rows ldb apart) in double,
/// and the sums of the products' magnitudes (f32's error scale).
std::pair<std::vector<double>, std::vector<double>>
plainProduct(const std::vector<float> &a, int64_t lda,
             const std::vector<float> &b, int64_t ldb, int64_t m, int64_t k,
             int64_t n) {
  std::vector<double> c(m * n, 0.0), magnitude(m * n, 0.0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t r = 0; r < k; ++r) {
        const double p = double(a[i * lda + r]) * double(b[r * ldb + j]);
        c[i * n + j] += p;
        magnitude[i * n + j] += std::abs(p);
      }
  return {c, magnitude};
}

/// Integers in [-60, 60] (products over K = 576 stay below 2^24, so f32
/// sums are exact), or reals in about [-1, 1].
std::vector<float> randomFloats(size_t count, bool integers, unsigned seed) {
  std::vector<float> out;
  for (int64_t v : randomInts(count, -60, 60, seed))
    out.push_back(integers ? float(v) : float(v) / 59.0f);
  return out;
}

TEST(RuntimeFloatGemm, ExactOnIntegersCloseOnRealsStrided) {
  struct Shape {
    int64_t m, k, n;
  };
  unsigned seed = 20;
  for (bool integers : {true, false})
    for (const Shape &s : {Shape{1, 1, 1}, Shape{7, 130, 9},
                           Shape{256, 576, 128}, Shape{33, 300, 70}}) {
      const int64_t lda = s.k + 3, ldb = s.n + 5, ldc = s.n + 2;
      const std::vector<float> a = randomFloats(s.m * lda, integers, ++seed);
      const std::vector<float> b = randomFloats(s.k * ldb, integers, ++seed);
      const auto [expected, magnitude] =
          plainProduct(a, lda, b, ldb, s.m, s.k, s.n);
      // The product's elements start as NaN (beta 0: never read), the
      // gaps between rows as a value they must keep.
      constexpr float kGap = -12345.5f;
      std::vector<float> c(s.m * ldc, kGap);
      for (int64_t i = 0; i < s.m; ++i)
        std::fill_n(c.begin() + i * ldc, s.n,
                    std::numeric_limits<float>::quiet_NaN());
      ASSERT_TRUE(floatGemm(s.m, s.n, s.k, a.data(), lda, b.data(), ldb,
                            c.data(), ldc));
      for (int64_t i = 0; i < s.m; ++i) {
        for (int64_t j = 0; j < s.n; ++j) {
          const double tolerance =
              integers ? 0.0 : 1e-5 * magnitude[i * s.n + j];
          ASSERT_NEAR(c[i * ldc + j], expected[i * s.n + j], tolerance)
              << (integers ? "integers " : "reals ") << s.m << "x" << s.k << "x"
              << s.n << " at " << i << ", " << j;
        }
        for (int64_t j = s.n; j < ldc; ++j)
          ASSERT_EQ(c[i * ldc + j], kGap) << "wrote a gap";
      }
    }
}

TEST(RuntimeFloatGemm, ThreadsAtOnceMatchOneAndRefusals) {
  const int64_t m = 300, k = 200, n = 70;
  const std::vector<float> a = randomFloats(m * k, false, 60);
  const std::vector<float> b = randomFloats(k * n, false, 61);
  std::vector<float> alone(m * n);
  ASSERT_TRUE(floatGemm(m, n, k, a.data(), k, b.data(), n, alone.data(), n));
  std::vector<std::vector<float>> cs(3, std::vector<float>(m * n));
  const std::vector<char> ok = onThreeThreadsAtOnce(10, [&](int t) {
    return floatGemm(m, n, k, a.data(), k, b.data(), n, cs[t].data(), n);
  });
  for (int t = 0; t < 3; ++t) {
    EXPECT_TRUE(ok[t]);
    EXPECT_EQ(cs[t], alone) << "thread " << t;
  }
  std::vector<float> c(4);
  EXPECT_FALSE(floatGemm(-1, n, k, a.data(), k, b.data(), n, c.data(), n));
  // A leading dimension shorter than a row is refused too.
  EXPECT_FALSE(floatGemm(m, n, k, a.data(), k - 1, b.data(), n, c.data(), n));
}

} // namespace
