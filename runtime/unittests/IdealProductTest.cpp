//===- IdealProductTest.cpp - Rescales by their real-valued reference -----===//
//
// In ideal numerics a rescale that carries its product's float input and
// weight computes input x weight as an f32 GEMM, by blocks of rows and
// columns. The weight is read where the program holds it when it is stored
// as f32, narrowed from its tensor otherwise (integer-valued constants, or a
// weight computed at run time); every way gives the same product.
//
//===----------------------------------------------------------------------===//

#include "GenericTestSupport.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

enum class WeightFrom { FloatConstant, IntegerConstant, RunTime };

/// out = x * w through a rescale in ideal numerics, x [M, K] bound at run
/// time and w [K, N] (or, grouped, x [M, G, K] and w [G, K, N]).
Tensor idealRescale(int64_t m, int64_t groups, int64_t k, int64_t n,
                    const std::vector<double> &x, const std::vector<double> &w,
                    WeightFrom from, int64_t threads) {
  ProgramBuilder b(smallArch());
  const bool grouped = groups > 1;
  const std::vector<int64_t> xShape =
      grouped ? std::vector<int64_t>{m, groups, k} : std::vector<int64_t>{m, k};
  const std::vector<int64_t> wShape =
      grouped ? std::vector<int64_t>{groups, k, n} : std::vector<int64_t>{k, n};
  const std::vector<int64_t> outShape =
      grouped ? std::vector<int64_t>{m, groups, n} : std::vector<int64_t>{m, n};
  const int64_t outElements = m * groups * n;
  const int64_t acc =
      b.constant("acc", I32, outShape, std::vector<double>(outElements, 1));
  const int64_t scale = b.constant("scale", F32, {}, {0.5});
  const int64_t xReal = b.input("x", F32, xShape);
  int64_t weight;
  if (from == WeightFrom::RunTime) {
    // A copy of a bound input: the weight exists only as a tensor.
    const int64_t given = b.input("w", F32, wShape);
    weight = b.value("w_copy", F32, wShape);
    std::vector<int64_t> strides(wShape.size(), 1);
    for (size_t d = wShape.size(); d-- > 1;)
      strides[d - 1] = strides[d] * wShape[d];
    b.add(home, generic({given}, weight, wShape, {{0, strides}, {0, strides}},
                        {}, 0));
  } else {
    weight = b.constant("w", F32, wShape, w);
  }
  const int64_t out = b.value("out", F32, outShape);
  b.output(out);
  Instruction rescale = make(Opcode::Rescale, {acc, scale}, out);
  rescale.weightScales.assign(static_cast<size_t>(groups * n), 1.0);
  rescale.idealInput = xReal;
  rescale.idealWeight = weight;
  b.add(home, rescale);
  EXPECT_TRUE(validate(b.program).isOk()) << validate(b.program).message();
  TensorMap inputs = {{"x", Tensor::ofFloats(xShape, x)}};
  if (from == WeightFrom::RunTime)
    inputs["w"] = Tensor::ofFloats(wShape, w);
  ExecuteOptions options;
  options.numerics = Numerics::Ideal;
  options.threads = threads;
  ExecuteResult result;
  const Status status = execute(b.program, inputs, options, result);
  EXPECT_TRUE(status.isOk()) << status.message();
  return status ? result.outputs.at("out") : Tensor();
}

/// x * w in double (exact here: every value a multiple of 1/8 and every sum
/// far inside f32's exact range).
std::vector<double> product(int64_t m, int64_t groups, int64_t k, int64_t n,
                            const std::vector<double> &x,
                            const std::vector<double> &w) {
  std::vector<double> out(static_cast<size_t>(m * groups * n), 0.0);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t g = 0; g < groups; ++g)
      for (int64_t j = 0; j < n; ++j)
        for (int64_t e = 0; e < k; ++e)
          out[(r * groups + g) * n + j] +=
              x[(r * groups + g) * k + e] * w[(g * k + e) * n + j];
  return out;
}

std::vector<double> steps(size_t count, double step, int64_t span,
                          unsigned seed) {
  std::vector<double> values;
  for (int64_t v : randomInts(count, -span, span, seed))
    values.push_back(step * static_cast<double>(v));
  return values;
}

// 300 x 20 times 20 x 130: two row blocks and two column blocks of the
// GEMM, on one thread and on three, the weight read in three ways.
TEST(IdealProduct, EveryBlockAndEveryWayOfReadingTheWeight) {
  const int64_t m = 300, k = 20, n = 130;
  const std::vector<double> x = steps(m * k, 0.5, 8, 1);
  const std::vector<double> fractional = steps(k * n, 0.25, 8, 2);
  const std::vector<double> integral = steps(k * n, 1.0, 3, 3);
  // The constants take the two ways: read in place as f32, and narrowed
  // from their tensor (stored as integers).
  ASSERT_NE(ConstantData(fractional).storedFloats(), nullptr);
  ASSERT_EQ(ConstantData(integral).storedFloats(), nullptr);
  for (int64_t threads : {1, 3}) {
    for (WeightFrom from : {WeightFrom::FloatConstant, WeightFrom::RunTime})
      EXPECT_EQ(idealRescale(m, 1, k, n, x, fractional, from, threads).floats,
                product(m, 1, k, n, x, fractional))
          << threads << " threads, way " << static_cast<int>(from);
    EXPECT_EQ(idealRescale(m, 1, k, n, x, integral, WeightFrom::IntegerConstant,
                           threads)
                  .floats,
              product(m, 1, k, n, x, integral))
        << threads << " threads";
  }
}

// Grouped: each group's rows of x times its own weight block.
TEST(IdealProduct, GroupsUseTheirOwnWeights) {
  const int64_t m = 3, groups = 2, k = 4, n = 5;
  const std::vector<double> x = steps(m * groups * k, 0.5, 6, 4);
  const std::vector<double> w = steps(groups * k * n, 0.25, 6, 5);
  for (WeightFrom from : {WeightFrom::FloatConstant, WeightFrom::RunTime})
    EXPECT_EQ(idealRescale(m, groups, k, n, x, w, from, 2).floats,
              product(m, groups, k, n, x, w))
        << "way " << static_cast<int>(from);
}

// The input an im2col of a bound activation: when the rescale is the
// matrix's one reader its rows are gathered from the activation (the copy
// is not run); when the matrix is also an output the copy runs. Both give
// the product of the matrix.
TEST(IdealProduct, AnIm2colInputIsGatheredFromItsSource) {
  // [2, H, W] by 3 x 3, stride 1: (H-2)(W-2) rows of 18, times 18 x N.
  // The small one is one block; the large one has 3 row blocks of 256 and
  // 2 column blocks of 128, taken a whole row block at a time on 1 thread
  // and block by block on 3.
  struct Size {
    int64_t h, w, n;
  };
  for (const Size &size : {Size{4, 5, 4}, Size{22, 37, 130}}) {
    const int64_t oh = size.h - 2, ow = size.w - 2, hw = size.h * size.w;
    const int64_t m = oh * ow, k = 18, n = size.n;
    const std::vector<double> activation = steps(2 * hw, 0.5, 8, 6);
    const std::vector<double> w = steps(k * n, 0.25, 8, 7);
    std::vector<double> matrix(static_cast<size_t>(m * k));
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x)
        for (int64_t c = 0; c < 2; ++c)
          for (int64_t kh = 0; kh < 3; ++kh)
            for (int64_t kw = 0; kw < 3; ++kw)
              matrix[(y * ow + x) * k + c * 9 + kh * 3 + kw] =
                  activation[c * hw + (y + kh) * size.w + x + kw];
    for (bool matrixIsOutput : {false, true}) {
      ProgramBuilder b(smallArch());
      const int64_t acc =
          b.constant("acc", I32, {m, n}, std::vector<double>(m * n, 1));
      const int64_t scale = b.constant("scale", F32, {}, {0.5});
      const int64_t act = b.input("act", F32, {2, size.h, size.w});
      const int64_t cols = b.value("cols", F32, {m, k});
      b.add(home, generic({act}, cols, {oh, ow, 2, 3, 3},
                          {{0, {size.w, 1, hw, size.w, 1}},
                           {0, {ow * k, k, 9, 3, 1}}},
                          {}, 0));
      if (matrixIsOutput)
        b.output(cols);
      const int64_t weight = b.constant("w", F32, {k, n}, w);
      const int64_t out = b.value("out", F32, {m, n});
      b.output(out);
      Instruction rescale = make(Opcode::Rescale, {acc, scale}, out);
      rescale.weightScales.assign(static_cast<size_t>(n), 1.0);
      rescale.idealInput = cols;
      rescale.idealWeight = weight;
      b.add(home, rescale);
      ASSERT_TRUE(validate(b.program).isOk()) << validate(b.program).message();
      for (int64_t threads : {1, 3}) {
        ExecuteOptions options;
        options.numerics = Numerics::Ideal;
        options.threads = threads;
        ExecuteResult result;
        ASSERT_TRUE(execute(
            b.program,
            {{"act", Tensor::ofFloats({2, size.h, size.w}, activation)}},
            options, result));
        EXPECT_EQ(result.outputs.at("out").floats,
                  product(m, 1, k, n, matrix, w))
            << m << " rows, matrix output " << matrixIsOutput << ", " << threads
            << " threads";
        if (matrixIsOutput) {
          EXPECT_EQ(result.outputs.at("cols").floats, matrix);
        }
      }
    }
  }
}

} // namespace
