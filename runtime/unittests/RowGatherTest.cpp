//===- RowGatherTest.cpp - A copy nest's rows read from its source --------===//

#include "../lib/RowGather.h"
#include "GenericTestSupport.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;
using namespace cim::runtime::test;

namespace {

/// An im2col of a [2, 4, 5] activation by a 3 x 3 kernel, stride 1: 6 rows
/// (2 x 3 positions) of 18 (2 channels x 3 x 3). `inOffset` shifts the
/// source (a padded activation's interior, say).
Instruction im2col(int64_t inOffset = 0) {
  return generic({0}, 1, {2, 3, 2, 3, 3},
                 {{inOffset, {5, 1, 20, 5, 1}}, {0, {54, 18, 9, 3, 1}}}, {},
                 0);
}

/// Source offset of every output element, by running the nest.
std::vector<int64_t> sourceOf(const Instruction &copy, int64_t elements) {
  std::vector<int64_t> source(static_cast<size_t>(elements), -1);
  const std::vector<int64_t> &bounds = copy.loopBounds;
  std::vector<int64_t> index(bounds.size(), 0);
  while (true) {
    int64_t in = copy.accesses[0].offset, out = copy.accesses[1].offset;
    for (size_t l = 0; l < bounds.size(); ++l) {
      in += index[l] * copy.accesses[0].strides[l];
      out += index[l] * copy.accesses[1].strides[l];
    }
    source[out] = in;
    size_t l = bounds.size();
    while (l-- > 0 && ++index[l] == bounds[l])
      index[l] = 0;
    if (l == static_cast<size_t>(-1))
      return source;
  }
}

TEST(RowGather, AnIm2colReadsEachElementFromItsSource) {
  for (int64_t inOffset : {0, 7}) {
    const Instruction copy = im2col(inOffset);
    RowGather gather;
    ASSERT_TRUE(rowGatherOf(copy, 6, 18, gather));
    EXPECT_EQ(gather.source, 0);
    const std::vector<int64_t> source = sourceOf(copy, 6 * 18);
    for (int64_t r = 0; r < 6; ++r)
      for (int64_t j = 0; j < 18; ++j)
        EXPECT_EQ(gather.rows[r] + gather.cols[j], source[r * 18 + j])
            << "row " << r << " column " << j;
  }
}

TEST(RowGather, OnlySeparableCopiesOfEveryElement) {
  RowGather gather;
  // Rows of another width: the row loop's stride is not a multiple.
  EXPECT_FALSE(rowGatherOf(im2col(), 3, 36, gather));
  EXPECT_FALSE(rowGatherOf(im2col(), 9, 12, gather));
  // Fewer points than elements.
  EXPECT_FALSE(rowGatherOf(im2col(), 7, 18, gather));
  // Every element once, but a loop (4 steps of 3 in rows of 6) moves
  // within a row and across rows.
  const Instruction straddles =
      generic({0}, 1, {4, 3}, {{0, {3, 1}}, {0, {3, 1}}}, {}, 0);
  EXPECT_FALSE(rowGatherOf(straddles, 2, 6, gather));
  // An offset output, a body, an initial value.
  Instruction shifted = im2col();
  shifted.accesses[1].offset = 1;
  EXPECT_FALSE(rowGatherOf(shifted, 6, 18, gather));
  Instruction body = im2col();
  body.body = {scalarOp(Op::NegF, {0})};
  body.bodyResult = 2;
  EXPECT_FALSE(rowGatherOf(body, 6, 18, gather));
  Instruction init = im2col();
  init.hasInit = true;
  EXPECT_FALSE(rowGatherOf(init, 6, 18, gather));
}

// A transpose is separable too: rows [4] of width 3 from a [3, 4] source.
TEST(RowGather, ATransposeIsSeparable) {
  const Instruction transpose =
      generic({0}, 1, {3, 4}, {{0, {4, 1}}, {0, {1, 3}}}, {}, 0);
  RowGather gather;
  ASSERT_TRUE(rowGatherOf(transpose, 4, 3, gather));
  EXPECT_EQ(gather.rows, std::vector<int64_t>({0, 1, 2, 3}));
  EXPECT_EQ(gather.cols, std::vector<int64_t>({0, 4, 8}));
}

} // namespace
