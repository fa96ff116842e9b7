//===- GenericInPlaceTest.cpp - Bodies that skip the fill or a buffer -----===//
//
// A body that replaces every element of its output is not filled first,
// runs over merged loops, and takes over its first input's storage when
// it is that input's last reader. Each shortcut must leave the values of
// the plain nest.
//
//===----------------------------------------------------------------------===//

#include "../lib/Generic.h"
#include "GenericTestSupport.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;
using namespace cim::runtime::test;

namespace {

ValueInfo valueOf(ElementType type, std::vector<int64_t> shape) {
  ValueInfo value;
  value.type = type;
  value.shape = std::move(shape);
  return value;
}

TEST(GenericInPlace, OnlyAnElementwiseBodyOverItsFirstInput) {
  BiasRelu biasRelu;
  const Instruction &inst = biasRelu.inst();
  const ValueInfo x = valueOf(F32, {2, 3}), y = valueOf(F32, {2, 3});
  EXPECT_TRUE(bodyReplacesEveryElement(inst, 6));
  EXPECT_TRUE(genericRunsInPlace(inst, x, y));
  // Another type or size of storage.
  EXPECT_FALSE(genericRunsInPlace(inst, valueOf(I32, {2, 3}), y));
  EXPECT_FALSE(genericRunsInPlace(inst, valueOf(F32, {2, 4}), y));
  // The first input read elsewhere than the point writes (a transpose).
  Instruction transposed = inst;
  transposed.accesses[0] = {0, {1, 2}};
  EXPECT_TRUE(bodyReplacesEveryElement(transposed, 6));
  EXPECT_FALSE(genericRunsInPlace(transposed, x, y));
  // A body that reads the output (an accumulation into it).
  Instruction reads = inst;
  reads.body[0].operands = {0, 2};
  EXPECT_FALSE(bodyReplacesEveryElement(reads, 6));
  // A reduction: a loop that does not move the output.
  Instruction reduces = inst;
  reduces.loopBounds = {2, 3, 2};
  for (Access &access : reduces.accesses)
    access.strides.push_back(0);
  EXPECT_FALSE(bodyReplacesEveryElement(reduces, 6));
  // Fewer points than elements: the rest keep the fill.
  EXPECT_FALSE(bodyReplacesEveryElement(inst, 8));
}

// x feeds two bodies; the first must not take x's storage while the second
// still reads it, and the second (x's last reader) may.
TEST(GenericInPlace, AValueStillReadKeepsItsStorage) {
  ProgramBuilder b(smallArch());
  const int64_t x = b.input("x", F32, {2, 3});
  const int64_t doubled = b.value("doubled", F32, {2, 3});
  const int64_t negated = b.value("negated", F32, {2, 3});
  b.output(doubled);
  b.output(negated);
  const std::vector<Access> same = {{0, {3, 1}}, {0, {3, 1}}};
  b.add(home, generic({x}, doubled, {2, 3}, same,
                      {scalarOp(Op::AddF, {0, 0})}, 2));
  b.add(home, generic({x}, negated, {2, 3}, same,
                      {scalarOp(Op::NegF, {0})}, 2));
  const std::vector<double> in = {1, -2, 3.5, 0, 7, -0.25};
  std::vector<double> twice, minus;
  for (double v : in) {
    twice.push_back(2 * v);
    minus.push_back(-v);
  }
  for (int64_t threads : {1, 3}) {
    ExecuteOptions options;
    options.threads = threads;
    ExecuteResult result;
    ASSERT_TRUE(execute(b.program, {{"x", Tensor::ofFloats({2, 3}, in)}},
                        options, result));
    EXPECT_EQ(result.outputs.at("doubled").floats, twice) << threads;
    EXPECT_EQ(result.outputs.at("negated").floats, minus) << threads;
  }
}

// A body that writes only some elements leaves the fill in the others
// (the output is filled first, not only sized).
TEST(GenericInPlace, ABodyOverPartOfTheOutputKeepsTheFill) {
  ProgramBuilder b(smallArch());
  const int64_t x = b.input("x", F32, {2, 3});
  const int64_t y = b.value("y", F32, {4, 3});
  b.output(y);
  // Rows 1 and 2 of y get -x; rows 0 and 3 keep the fill 7.
  b.add(home, generic({x}, y, {2, 3}, {{0, {3, 1}}, {3, {3, 1}}},
                      {scalarOp(Op::NegF, {0})}, 2, /*fill=*/7));
  const std::vector<double> in = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(runOrFail(b.program, {{"x", Tensor::ofFloats({2, 3}, in)}})
                .outputs.at("y")
                .floats,
            std::vector<double>({7, 7, 7, -1, -2, -3, -4, -5, -6, 7, 7, 7}));
}

// Loops that every operand walks as one are merged, unless the body reads
// a loop index: out[i, j, k] = j over a contiguous [2, 3, 4] must not
// become out[i, e] = e.
TEST(GenericInPlace, LoopIndicesKeepTheirLoops) {
  ProgramBuilder b(smallArch());
  const int64_t out = b.value("out", F32, {2, 3, 4});
  b.output(out);
  b.add(home, generic({}, out, {2, 3, 4}, {{0, {12, 4, 1}}},
                      {dimOp(Op::Index, 1), scalarOp(Op::SIToFP, {1})}, 2));
  ASSERT_TRUE(validate(b.program).isOk()) << validate(b.program).message();
  std::vector<double> expected;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      expected.insert(expected.end(), 4, j);
  EXPECT_EQ(runOrFail(b.program, {}).outputs.at("out").floats, expected);
}

} // namespace
