//===- GemmTest.cpp - Exact integer products through BLAS -----------------===//
//
// exactGemm must equal an integer triple loop in every format it picks
// (float under 2^24, double under 2^53), and refuse beyond.
//
//===----------------------------------------------------------------------===//

#include "../lib/Gemm.h"

#include "RuntimeTestSupport.h"

#include <memory>

// OpenBLAS's thread-count API (the runtime links OpenBLAS; its header is
// private to the library).
extern "C" int openblas_get_num_threads(void);
extern "C" void openblas_set_num_threads(int);

using namespace cim::runtime;
using namespace cim::runtime::detail;
using namespace cim::runtime::test;

namespace {

TEST(RuntimeGemm, ExactInFloatAndDouble) {
  const int64_t m = 7, k = 64, n = 9;
  // Float range (bound 127 * 127 * 64 < 2^24), then double range (bound
  // 2^20 * 2^12 * 64 = 2^38), with a matrix entry above 2^24 so that the
  // double copy cannot come from the float one.
  for (auto [aMax, bMax] : {std::pair<int64_t, int64_t>{127, 127},
                            {int64_t(1) << 20, int64_t(1) << 12},
                            {3, (int64_t(1) << 25) + 1}}) {
    std::vector<int64_t> a = randomInts(m * k, -aMax, aMax, 5);
    std::vector<int64_t> b = randomInts(k * n, -bMax, bMax, 6);
    b[0] = bMax;
    GemmMatrix matrix;
    matrix.assign(k, n, b);
    Elements<int64_t> out;
    ASSERT_TRUE(exactGemm(a.data(), m, k, matrix, out)) << aMax << " " << bMax;
    EXPECT_EQ(out, matmul(a, b, m, k, n)) << aMax << " " << bMax;
  }
}

TEST(RuntimeGemm, RefusesBeyondDouble) {
  const int64_t m = 2, k = 4, n = 2;
  std::vector<int64_t> a(m * k, int64_t(1) << 30), b(k * n, int64_t(1) << 30);
  GemmMatrix matrix;
  matrix.assign(k, n, b);
  Elements<int64_t> out;
  EXPECT_FALSE(exactGemm(a.data(), m, k, matrix, out));
}

// SerialBlas makes OpenBLAS single-threaded while any guard lives, and
// restores the count the process had after the last, also when the guards
// end in another order than they began (runs on two host threads).
TEST(RuntimeGemm, SerialBlasNestsAndRestores) {
  const int before = openblas_get_num_threads();
  openblas_set_num_threads(2);
  auto first = std::make_unique<SerialBlas>();
  EXPECT_EQ(openblas_get_num_threads(), 1);
  auto second = std::make_unique<SerialBlas>();
  first.reset();
  EXPECT_EQ(openblas_get_num_threads(), 1);
  second.reset();
  EXPECT_EQ(openblas_get_num_threads(), 2);
  openblas_set_num_threads(before);
}

} // namespace
