//===- GenericTest.cpp - The vector unit's loop nest: what it computes ----===//
//
// generic (a loop nest of scalar ops over strided operands), reshape,
// dynamic_scale and quantize by a computed scale: what they compute, against
// expectations the tests compute with plain loops, and what they cost.
//
//===----------------------------------------------------------------------===//

#include "GenericTestSupport.h"

#include "../lib/GenericCopy.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

/// The one element a one-point generic computes: the scalars `args` are
/// constants [1] of their types (registers r0.., the output's element next,
/// then the body) and the result is the body's last register.
double runBody(const std::vector<std::pair<ElementType, double>> &args,
               ElementType outType, std::vector<ScalarOp> body) {
  ProgramBuilder b(smallArch());
  std::vector<int64_t> inputs;
  std::vector<Access> accesses;
  for (size_t a = 0; a < args.size(); ++a) {
    inputs.push_back(b.constant("a" + std::to_string(a), args[a].first, {1},
                                {args[a].second}));
    accesses.push_back({0, {0}});
  }
  const int64_t y = b.value("y", outType, {1});
  b.output(y);
  accesses.push_back({0, {0}});
  const int64_t result =
      static_cast<int64_t>(accesses.size() + body.size()) - 1;
  b.add(home, generic(inputs, y, {1}, accesses, std::move(body), result));
  ExecuteResult run = runOrFail(b.program, {});
  if (!run.outputs.count("y"))
    return std::nan("");
  const Tensor &t = run.outputs.at("y");
  return t.isInteger()                ? static_cast<double>(t.ints.at(0))
         : t.type == ElementType::F64 ? t.doubles.at(0)
                                      : static_cast<double>(t.floats.at(0));
}

// NumPy broadcasting by a zero stride, then ReLU against a constant.
TEST(GenericExecute, BiasAddBroadcastThenRelu) {
  BiasRelu fx;
  ExecuteResult result = runOrFail(fx.b.program, BiasRelu::inputs());
  // Rows {-1.5, 0.9, 2} and {3, -4, 2.7} plus {1, -0.5, -2.5}, each input
  // an f32.
  EXPECT_EQ(result.outputs.at("y"),
            Tensor::ofFloats({2, 3}, {0, f32(f32(0.9) - 0.5), 0, 4, 0,
                                      f32(f32(2.7) - 2.5)}));
}

// A reduction writes one output element many times; it starts from the
// initial output when there is one, else from the fill value.
TEST(GenericExecute, SumOverLastDimWithInitOrFill) {
  std::vector<double> data(20);
  for (size_t e = 0; e < data.size(); ++e)
    data[e] = 0.5 * static_cast<double>(e) - 3;
  const std::vector<double> start = {10, 20, 30, 40};
  for (bool withInit : {true, false}) {
    SCOPED_TRACE(withInit ? "init" : "fill");
    ProgramBuilder b(smallArch());
    const int64_t x = b.constant("x", F32, {4, 5}, data);
    const int64_t init = b.constant("init", F32, {4}, start);
    const int64_t y = b.value("y", F32, {4});
    b.output(y);
    Instruction sum = generic(withInit ? std::vector<int64_t>{x, init}
                                       : std::vector<int64_t>{x},
                              y, {4, 5}, {{0, {5, 1}}, {0, {1, 0}}},
                              {scalarOp(Op::AddF, {1, 0})}, 2, /*fill=*/0.5);
    sum.hasInit = withInit;
    b.add(home, sum);
    std::vector<double> expected(4);
    for (int64_t i = 0; i < 4; ++i) {
      expected[i] = withInit ? start[i] : 0.5;
      for (int64_t j = 0; j < 5; ++j)
        expected[i] += data[i * 5 + j];
    }
    EXPECT_EQ(runOrFail(b.program, {}).outputs.at("y"),
              Tensor::ofFloats({4}, expected));
  }
}

// A 2x2 stride-2 max pool over [2, 2, 4, 4]: six loops (n, c, oh, ow, kh,
// kw), the input row reached at oh * 2 + kh through the strides 8 and 4;
// every loop but the innermost wraps at some point.
TEST(GenericExecute, MaxPoolWindowReduction) {
  std::vector<double> data(64);
  for (size_t e = 0; e < data.size(); ++e)
    data[e] = static_cast<double>((e * 37) % 64) - 32;
  ProgramBuilder b(smallArch());
  const int64_t x = b.constant("x", F32, {2, 2, 4, 4}, data);
  const int64_t y = b.value("y", F32, {2, 2, 2, 2});
  b.output(y);
  b.add(home, generic({x}, y, {2, 2, 2, 2, 2, 2},
                      {{0, {32, 16, 8, 2, 4, 1}}, {0, {8, 4, 2, 1, 0, 0}}},
                      {scalarOp(Op::MaxF, {1, 0})}, 2, /*fill=*/-3.4e38));
  std::vector<double> expected(16, -std::numeric_limits<double>::infinity());
  for (int64_t nc = 0; nc < 4; ++nc)
    for (int64_t oh = 0; oh < 2; ++oh)
      for (int64_t ow = 0; ow < 2; ++ow)
        for (int64_t kh = 0; kh < 2; ++kh)
          for (int64_t kw = 0; kw < 2; ++kw) {
            double &out = expected[nc * 4 + oh * 2 + ow];
            out =
                std::max(out, data[nc * 16 + (oh * 2 + kh) * 4 + ow * 2 + kw]);
          }
  EXPECT_EQ(runOrFail(b.program, {}).outputs.at("y"),
            Tensor::ofFloats({2, 2, 2, 2}, expected));
}

// Copies run their loops in the best order only when every output element
// is written once: a [4, 3, 5] -> [3, 5, 4] transpose (the input-contiguous
// loop is moved inward, bound-1 loops dropped) must equal the plain loop
// nest, and a copy that writes one element several times (a zero output
// stride) must keep the last write of the original order.
TEST(GenericExecute, CopyOrderKeepsSemantics) {
  std::vector<double> data(60);
  for (size_t e = 0; e < data.size(); ++e)
    data[e] = static_cast<double>(e) * 1.5 - 7;
  ProgramBuilder b(smallArch());
  const int64_t x = b.constant("x", F32, {4, 3, 5}, data);
  const int64_t t = b.value("t", F32, {3, 5, 4});
  const int64_t last = b.value("last", F32, {6});
  b.output(t);
  b.output(last);
  // Loops (1, a, b, c) over the output [3, 5, 4]: t[a, b, c] = x[c, a, b].
  b.add(home, generic({x}, t, {1, 3, 5, 4},
                      {{0, {60, 5, 1, 15}}, {0, {60, 20, 4, 1}}}, {}, 0));
  // last[i + m + 3n] = x[i + 20m + 10n]: (i, m) = (0, 1) and (1, 0) write
  // the same element, and the loop order decides which write stays.
  b.add(home, generic({x}, last, {2, 2, 2},
                      {{0, {1, 20, 10}}, {0, {1, 1, 3}}}, {}, 0));
  const ExecuteResult result = runOrFail(b.program, {});
  std::vector<double> transposed(60), lastWritten(6, 0);
  for (int64_t a = 0; a < 3; ++a)
    for (int64_t bb = 0; bb < 5; ++bb)
      for (int64_t c = 0; c < 4; ++c)
        transposed[(a * 5 + bb) * 4 + c] = f32(data[c * 15 + a * 5 + bb]);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t m = 0; m < 2; ++m)
      for (int64_t n = 0; n < 2; ++n)
        lastWritten[i + m + 3 * n] = f32(data[i + 20 * m + 10 * n]);
  EXPECT_EQ(result.outputs.at("t"), Tensor::ofFloats({3, 5, 4}, transposed));
  EXPECT_EQ(result.outputs.at("last"), Tensor::ofFloats({6}, lastWritten));
}

// Data movement as strides: a transpose (a bare copy, no body op) and a
// padding copy whose output access starts at an offset over a fill.
TEST(GenericExecute, TransposeAndPadByStrides) {
  ProgramBuilder b(smallArch());
  const int64_t x = b.constant("x", I32, {2, 3}, {1, -2, 3, -40, 50, -60});
  const int64_t t = b.value("t", I32, {3, 2});
  const int64_t g = b.input("g", F32, {2, 2});
  const int64_t p = b.value("p", F32, {4, 5});
  b.output(t);
  b.output(p);
  // t[i, j] = x[j, i]: loops over t, x read with its strides swapped.
  b.add(home, generic({x}, t, {3, 2}, {{0, {1, 3}}, {0, {2, 1}}}, {}, 0));
  // p[1 + i, 2 + j] = g[i, j], 0.5 elsewhere.
  b.add(home, generic({g}, p, {2, 2}, {{0, {2, 1}}, {1 * 5 + 2, {5, 1}}}, {}, 0,
                      /*fill=*/0.5));
  const std::vector<double> gs = {1.25, -2, 3.5, 4};
  ExecuteResult result =
      runOrFail(b.program, {{"g", Tensor::ofFloats({2, 2}, gs)}});
  const std::vector<int64_t> xs = {1, -2, 3, -40, 50, -60};
  std::vector<int64_t> transposed(6);
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 2; ++j)
      transposed[i * 2 + j] = xs[j * 3 + i];
  EXPECT_EQ(result.outputs.at("t"), Tensor::ofInts(I32, {3, 2}, transposed));
  std::vector<double> padded(20, 0.5);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 2; ++j)
      padded[(1 + i) * 5 + 2 + j] = gs[i * 2 + j];
  EXPECT_EQ(result.outputs.at("p"), Tensor::ofFloats({4, 5}, padded));
}

// A copy with as many points as output elements keeps the fill where its
// points collide (the output is only left unfilled when every element is
// written once).
TEST(GenericExecute, CollidingCopyKeepsTheFillItNeverWrites) {
  ProgramBuilder b(smallArch());
  const int64_t g = b.input("g", F32, {2, 2});
  const int64_t d = b.value("d", F32, {4});
  b.output(d);
  // d[i + j] = g[i, j]: writes 0, 1, 1, 2; element 3 keeps 0.5.
  b.add(home, generic({g}, d, {2, 2}, {{0, {2, 1}}, {0, {1, 1}}}, {}, 0,
                      /*fill=*/0.5));
  const std::vector<double> gs = {1.25, -2, 3.5, 4};
  ExecuteResult result =
      runOrFail(b.program, {{"g", Tensor::ofFloats({2, 2}, gs)}});
  EXPECT_EQ(result.outputs.at("d"),
            Tensor::ofFloats({4}, {1.25, 3.5, 4, 0.5}));
}

// The fill is stored like a body result: rounded to f32, wrapped to
// the integer output's width (elements no loop point writes keep it).
TEST(GenericExecute, FillTakesTheOutputType) {
  ProgramBuilder b(smallArch());
  const int64_t one = b.constant("one", I8, {1}, {5});
  const int64_t f = b.value("f", F32, {3});
  const int64_t i = b.value("i", I8, {3});
  b.output(f);
  b.output(i);
  b.add(home, generic({one}, f, {1}, {{0, {0}}, {1, {0}}}, {}, 0, 0.1));
  b.add(home, generic({one}, i, {1}, {{0, {0}}, {1, {0}}}, {}, 0, 300));
  ExecuteResult result = runOrFail(b.program, {});
  EXPECT_EQ(result.outputs.at("f"),
            Tensor::ofFloats({3}, {f32(0.1), 5, f32(0.1)}));
  // 300 = 256 + 44.
  EXPECT_EQ(result.outputs.at("i"), Tensor::ofInts(I8, {3}, {44, 5, 44}));
}

// tensor.extract: a gather from a whole source at indices read from an
// accessed i64 input and a loop index; an index outside fails the run.
TEST(GenericExecute, GatherRowsAndRefuseIndexOutOfRange) {
  Gather fx;
  ExecuteResult result;
  const std::vector<int64_t> indices = {3, 1};
  Status status = fx.run(indices, result);
  ASSERT_TRUE(status.isOk()) << status.message();
  const std::vector<double> table =
      fx.b.program.values[fx.table].constant.values();
  std::vector<double> expected(6);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      expected[i * 3 + j] = table[indices[i] * 3 + j];
  EXPECT_EQ(result.outputs.at("out"), Tensor::ofFloats({2, 3}, expected));

  for (int64_t bad : {4, -1}) {
    status = fx.run({0, bad}, result);
    ASSERT_FALSE(status.isOk()) << bad;
    EXPECT_NE(status.message().find("gather index " + std::to_string(bad)),
              std::string::npos)
        << status.message();
    EXPECT_NE(status.message().find("instruction 0 (generic)"),
              std::string::npos)
        << status.message();
  }
}

// Integer ops compute in int64 and wrap to their own `bits`; unsigned
// ops read their operands at `operandBits`; undefined cases do not trap.
TEST(GenericExecute, IntegerSemantics) {
  // 100 + 100 wraps to -56 in i8 even when stored into i32; at 32 bits it
  // does not, and storing 200 into an i8 output wraps it again.
  EXPECT_EQ(
      runBody({{I8, 100}, {I8, 100}}, I32, {scalarOp(Op::AddI, {0, 1}, 8)}),
      -56);
  EXPECT_EQ(
      runBody({{I8, 100}, {I8, 100}}, I32, {scalarOp(Op::AddI, {0, 1}, 32)}),
      200);
  EXPECT_EQ(
      runBody({{I8, 100}, {I8, 100}}, I8, {scalarOp(Op::AddI, {0, 1}, 32)}),
      -56);
  // Division truncates toward zero; by zero it gives 0.
  EXPECT_EQ(
      runBody({{I32, 7}, {I32, -2}}, I32, {scalarOp(Op::DivSI, {0, 1}, 32)}),
      -3);
  EXPECT_EQ(
      runBody({{I32, 7}, {I32, 0}}, I32, {scalarOp(Op::DivSI, {0, 1}, 32)}), 0);
  // -1 read as u8 is 255 > 1 (ugt = 8); signed (sgt = 4) it is not.
  EXPECT_EQ(runBody({{I8, -1}, {I8, 1}}, I32, {cmpOp(Op::CmpI, 8, 0, 1, 8)}),
            1);
  EXPECT_EQ(runBody({{I8, -1}, {I8, 1}}, I32, {cmpOp(Op::CmpI, 4, 0, 1, 8)}),
            0);
  // Widening: zero- or sign-extended from i8.
  EXPECT_EQ(runBody({{I8, -1}}, I32, {scalarOp(Op::ExtUI, {0}, 32, 8)}), 255);
  EXPECT_EQ(runBody({{I8, -1}}, I32, {scalarOp(Op::ExtSI, {0}, 32, 8)}), -1);
  // A boolean true (held as 1) is -1 to the signed ops, 1 to the unsigned.
  EXPECT_EQ(runBody({{I1, 1}}, I32, {scalarOp(Op::ExtSI, {0}, 32, 1)}), -1);
  EXPECT_EQ(runBody({{I1, 1}}, I32, {scalarOp(Op::ExtUI, {0}, 32, 1)}), 1);
  EXPECT_EQ(runBody({{I1, 1}}, F32, {scalarOp(Op::SIToFP, {0}, 0, 1)}), -1);
  // Narrowing keeps the low bits: 300 = 256 + 44, 200 = 256 - 56.
  EXPECT_EQ(runBody({{I32, 300}}, I32, {scalarOp(Op::TruncI, {0}, 8)}), 44);
  EXPECT_EQ(runBody({{I32, 200}}, I32, {scalarOp(Op::TruncI, {0}, 8)}), -56);
  // fptosi truncates; NaN (0 / 0 here) becomes 0, checked at 64 bits where
  // a raw conversion's INT64_MIN would show. r0 is the output.
  EXPECT_EQ(runBody({{F32, -2.75}}, I32, {scalarOp(Op::FPToSI, {0}, 32)}), -2);
  EXPECT_EQ(runBody({}, I64,
                    {constOp(0), scalarOp(Op::DivF, {1, 1}),
                     scalarOp(Op::FPToSI, {2}, 64)}),
            0);
  // select(a < b, a, b) is the minimum; select(a > b, a, b) the maximum.
  EXPECT_EQ(
      runBody({{I32, 5}, {I32, -3}}, I32,
              {cmpOp(Op::CmpI, 2, 0, 1), scalarOp(Op::Select, {3, 0, 1})}),
      -3);
  EXPECT_EQ(
      runBody({{I32, 5}, {I32, -3}}, I32,
              {cmpOp(Op::CmpI, 4, 0, 1), scalarOp(Op::Select, {3, 0, 1})}),
      5);
}

// Float ops compute in double but an f32 result holds only f32 values:
// each op's result is rounded (a chain sees f32 intermediates), and so is
// what is stored, even by an op that cannot round (negf of an input the
// host gave as the double 0.1).
TEST(GenericExecute, FloatResultsAreRoundedToF32) {
  const double third =
      runBody({}, F32, {constOp(1), constOp(3), scalarOp(Op::DivF, {1, 2})});
  EXPECT_EQ(third, f32(1.0 / 3));
  EXPECT_NE(third, 1.0 / 3);
  const double error =
      runBody({}, F32,
              {constOp(1), constOp(3), scalarOp(Op::DivF, {1, 2}),
               constOp(1.0 / 3), scalarOp(Op::SubF, {3, 4})});
  EXPECT_EQ(error, f32(f32(1.0 / 3) - 1.0 / 3));
  EXPECT_NE(error, 0);
  EXPECT_EQ(runBody({{F32, 0.1}}, F32, {scalarOp(Op::NegF, {0})}), f32(-0.1));
  EXPECT_EQ(runBody({{F32, 1}}, F32, {scalarOp(Op::Exp, {0})}),
            f32(std::exp(1.0)));
}

// linalg.index: an output computed from the loop indices alone (no
// input), 4 i + j; r0 is the output's element.
TEST(GenericExecute, IndexMakesAnIota) {
  ProgramBuilder b(smallArch());
  const int64_t y = b.value("y", I32, {3, 4});
  b.output(y);
  b.add(home, generic({}, y, {3, 4}, {{0, {4, 1}}},
                      {dimOp(Op::Index, 0), constOp(4),
                       scalarOp(Op::MulI, {1, 2}, 32), dimOp(Op::Index, 1),
                       scalarOp(Op::AddI, {3, 4}, 32)},
                      5));
  std::vector<int64_t> expected;
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 4; ++j)
      expected.push_back(4 * i + j);
  EXPECT_EQ(runOrFail(b.program, {}).outputs.at("y"),
            Tensor::ofInts(I32, {3, 4}, expected));
}

// A row loop longer than the interpreter's tile of points: every tile
// reads its own inputs and loop indices (y[i, j] = x[i, j] + 3j over rows
// of 2500).
TEST(GenericExecute, LongRowsRunByTiles) {
  const int64_t rows = 2, cols = 2500;
  std::vector<double> data(rows * cols);
  for (size_t e = 0; e < data.size(); ++e)
    data[e] = static_cast<double>(e % 17) - 8;
  ProgramBuilder b(smallArch());
  const int64_t x = b.constant("x", F32, {rows, cols}, data);
  const int64_t y = b.value("y", F32, {rows, cols});
  b.output(y);
  b.add(home, generic({x}, y, {rows, cols}, {{0, {cols, 1}}, {0, {cols, 1}}},
                      {dimOp(Op::Index, 1), scalarOp(Op::SIToFP, {2}, 0, 64),
                       constOp(3), scalarOp(Op::MulF, {3, 4}),
                       scalarOp(Op::AddF, {0, 5})},
                      6));
  std::vector<double> expected(data.size());
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      expected[i * cols + j] = f32(data[i * cols + j] + 3.0 * j);
  EXPECT_EQ(runOrFail(b.program, {}).outputs.at("y"),
            Tensor::ofFloats({rows, cols}, expected));
}

// Reshape keeps the row-major order; dynamic_scale is max|x| / (2^(b-1)
// - 1) in f32 (1 for all zeros); quantize by that scale as an input equals
// quantize by the same scale as an operand.
TEST(GenericReshapeAndScale, ReshapeDynamicScaleQuantize) {
  ProgramBuilder b(smallArch());
  const std::vector<double> xs = {0.5, -3.3, 1.25, 0, 2, -0.1};
  const int64_t ints = b.constant("ints", I8, {2, 3}, {1, -2, 3, -4, 5, -6});
  const int64_t cols = b.value("cols", I8, {3, 2});
  const int64_t flat = b.value("flat", I8, {6});
  const int64_t x = b.input("x", F32, {2, 3});
  const int64_t zeros = b.constant("zeros", F32, {4}, {0, 0, 0, 0});
  const int64_t s = b.value("s", F32, {});
  const int64_t s4 = b.value("s4", F32, {1});
  const int64_t one = b.value("one", F32, {});
  const int64_t q = b.value("q", I8, {2, 3});
  const int64_t qFixed = b.value("q_fixed", I8, {2, 3});
  for (int64_t id : {cols, flat, s, s4, one, q, qFixed})
    b.output(id);
  b.add(home, make(Opcode::Reshape, {ints}, cols));
  b.add(home, make(Opcode::Reshape, {cols}, flat));
  Instruction scale = make(Opcode::DynamicScale, {x}, s);
  scale.quantBits = 8;
  b.add(home, scale);
  scale.output = s4;
  scale.quantBits = 4;
  b.add(home, scale);
  scale = make(Opcode::DynamicScale, {zeros}, one);
  b.add(home, scale);
  Instruction quantize = make(Opcode::Quantize, {x, s}, q);
  quantize.scale = 1000; // ignored: the input gives the scale
  b.add(home, quantize);
  double largest = 0;
  for (double v : xs)
    largest = std::max(largest, std::fabs(v));
  const double expectedScale = f32(largest / 127);
  quantize = make(Opcode::Quantize, {x}, qFixed);
  quantize.scale = expectedScale;
  b.add(home, quantize);

  ExecuteResult result =
      runOrFail(b.program, {{"x", Tensor::ofFloats({2, 3}, xs)}});
  EXPECT_EQ(result.outputs.at("cols"),
            Tensor::ofInts(I8, {3, 2}, {1, -2, 3, -4, 5, -6}));
  EXPECT_EQ(result.outputs.at("flat"),
            Tensor::ofInts(I8, {6}, {1, -2, 3, -4, 5, -6}));
  EXPECT_EQ(result.outputs.at("s"), Tensor::ofFloats({}, {expectedScale}));
  EXPECT_EQ(result.outputs.at("s4"), Tensor::ofFloats({1}, {f32(3.3 / 7)}));
  EXPECT_EQ(result.outputs.at("one"), Tensor::ofFloats({}, {1.0}));
  std::vector<int64_t> levels;
  for (double v : xs)
    levels.push_back(static_cast<int64_t>(
        std::clamp(std::nearbyint(v / expectedScale), -127.0, 127.0)));
  // 3.3 / f32(3.3 / 127) is a hair over 127: clipped.
  EXPECT_EQ(levels, (std::vector<int64_t>{19, -127, 48, 0, 77, -4}));
  EXPECT_EQ(result.outputs.at("q"), Tensor::ofInts(I8, {2, 3}, levels));
  EXPECT_EQ(result.outputs.at("q_fixed"), result.outputs.at("q"));
}

/// The timing entry of `home`'s instruction `index`.
const InstructionTiming &timingOf(const Report &report, int64_t index) {
  for (const InstructionTiming &t : report.timeline)
    if (t.core == home && t.index == index)
      return t;
  static const InstructionTiming none;
  ADD_FAILURE() << "no timing for instruction " << index;
  return none;
}

// A generic costs ceil(points * ops / lanes) vector-unit steps, where
// constants and loop indices are free and a bare copy is one op; a reshape
// is a view and costs nothing.
TEST(GenericCost, VectorUnitStepsAndFreeReshape) {
  ProgramBuilder b(smallArch());
  const arch::ArchSpec &spec = b.program.arch;
  const int64_t lanes = spec.vectorUnit.lanes;
  const int64_t step = spec.nsToCycles(spec.vectorUnit.latencyNs);
  ASSERT_GT(lanes, 2);
  ASSERT_GT(step, 0);
  // Points chosen so that counting a free op would change the result.
  const int64_t points = 2 * lanes + 1;
  const int64_t x =
      b.constant("x", F32, {points}, std::vector<double>(points, 1.5));
  const int64_t y = b.value("y", F32, {points});
  const int64_t copy = b.value("copy", F32, {points});
  const int64_t view = b.value("view", F32, {1, points});
  b.output(view);
  // y = (x + x) * 3, with a loop index nobody reads: two ops per point.
  b.add(home, generic({x}, y, {points}, {{0, {1}}, {0, {1}}},
                      {scalarOp(Op::AddF, {0, 0}), constOp(3),
                       scalarOp(Op::MulF, {2, 3}), dimOp(Op::Index, 0)},
                      4));
  b.add(home, generic({y}, copy, {points}, {{0, {1}}, {0, {1}}}, {}, 0));
  b.add(home, make(Opcode::Reshape, {copy}, view));
  ExecuteResult result = runOrFail(b.program, {});
  const Report &r = result.report;
  auto ceilDiv = [](int64_t a, int64_t d) { return (a + d - 1) / d; };
  const InstructionTiming &twoOps = timingOf(r, 0), &bare = timingOf(r, 1),
                          &reshape = timingOf(r, 2);
  EXPECT_EQ(twoOps.end - twoOps.start, ceilDiv(points * 2, lanes) * step);
  EXPECT_EQ(bare.end - bare.start, ceilDiv(points, lanes) * step);
  EXPECT_EQ(reshape.end - reshape.start, 0);
  EXPECT_EQ(r.totalCycles,
            ceilDiv(points * 2, lanes) * step + ceilDiv(points, lanes) * step);
  EXPECT_NEAR(r.energy.vectorUnit,
              static_cast<double>(points * 3) * spec.vectorUnit.energyPjPerOp,
              1e-9);
  EXPECT_EQ(result.outputs.at("view"),
            Tensor::ofFloats({1, points}, std::vector<double>(points, 9)));
}

// f64 values and ops (bits 64 on a float op) keep double precision;
// the same op into f32 rounds.
TEST(GenericExecute, F64StaysDouble) {
  constexpr ElementType F64 = ElementType::F64;
  EXPECT_EQ(runBody({{F64, 1.0}, {F64, 3.0}}, F64,
                    {scalarOp(Op::DivF, {0, 1}, 64)}),
            1.0 / 3.0);
  EXPECT_EQ(runBody({{F64, 1.0}, {F64, 3.0}}, F32,
                    {scalarOp(Op::DivF, {0, 1})}),
            static_cast<double>(1.0f / 3.0f));
  // truncf from f64 rounds to f32 even into an f64 output.
  EXPECT_EQ(runBody({{F64, 0.1}}, F64, {scalarOp(Op::TruncF, {0})}),
            static_cast<double>(0.1f));
}

// Large copies run on the pool's threads, split by their outermost loop,
// only when every output element is written once: an im2col over a padded
// image and a transpose give the serial bytes with 1, 2 and 3 threads, and
// a copy whose points collide keeps the serial order's last write.
TEST(GenericExecute, LargeCopiesSplitOverThreadsOnlyWhenPointsAreDisjoint) {
  auto copy = [](std::vector<int64_t> bounds, Access in, Access out) {
    Instruction inst;
    inst.opcode = Opcode::Generic;
    inst.loopBounds = std::move(bounds);
    inst.accesses = {std::move(in), std::move(out)};
    inst.bodyResult = 0;
    return inst;
  };
  // The copy point by point, in the original loop order.
  auto serial = [](const Instruction &inst, const Elements<double> &from,
                   std::vector<double> &to) {
    const size_t loops = inst.loopBounds.size();
    std::vector<int64_t> index(loops, 0);
    while (true) {
      int64_t i = inst.accesses[0].offset, o = inst.accesses[1].offset;
      for (size_t l = 0; l < loops; ++l) {
        i += index[l] * inst.accesses[0].strides[l];
        o += index[l] * inst.accesses[1].strides[l];
      }
      to[o] = from[i];
      size_t l = loops;
      while (l-- > 0 && ++index[l] == inst.loopBounds[l])
        index[l] = 0;
      if (l == static_cast<size_t>(-1))
        return;
    }
  };
  // A 16 x 34 x 34 padded image; im2col rows of 3 x 3 windows over 32 x 32
  // outputs: loops (y, x, c, ky, kx), 147456 points.
  // A loop of bound 1 with output stride 0 repeats nothing.
  const Instruction im2col = copy(
      {32, 32, 1, 16, 3, 3}, {0, {34, 1, 0, 34 * 34, 34, 1}},
      {0, {32 * 144, 144, 0, 9, 3, 1}});
  // A transpose of 300 x 400 (120000 points).
  const Instruction transpose =
      copy({400, 300}, {0, {1, 400}}, {0, {300, 1}});
  // Points (a, b, c) write a + b + 100c: a and b collide (70000 points).
  const Instruction colliding =
      copy({100, 7, 100}, {0, {700, 100, 1}}, {0, {1, 1, 100}});
  // Every point (a, c) writes c: the last a stays (10000 points per a).
  const Instruction overwriting = copy({100, 10000}, {0, {10000, 1}}, {0, {0, 1}});
  const std::vector<std::pair<const Instruction *, std::pair<size_t, size_t>>>
      cases = {{&im2col, {16 * 34 * 34, 32 * 32 * 144}},
               {&transpose, {120000, 120000}},
               {&colliding, {70000, 106 * 100}},
               {&overwriting, {1000000, 10000}}};
  EXPECT_TRUE(detail::copyWritesEachElementOnce(im2col));
  EXPECT_TRUE(detail::copyWritesEachElementOnce(transpose));
  EXPECT_FALSE(detail::copyWritesEachElementOnce(colliding));
  EXPECT_FALSE(detail::copyWritesEachElementOnce(overwriting));
  for (const auto &[inst, sizes] : cases) {
    Elements<double> from(sizes.first);
    for (size_t e = 0; e < from.size(); ++e)
      from[e] = static_cast<double>(e) * 0.5 - 3;
    std::vector<double> expected(sizes.second, -1);
    serial(*inst, from, expected);
    for (int64_t threads : {1, 2, 3}) {
      detail::WorkerPool pool(threads);
      Elements<double> got(sizes.second, -1);
      detail::copyNest(*inst, from, got, &pool);
      EXPECT_EQ(got, expected) << threads << " threads, "
                               << inst->loopBounds.size() << " loops";
    }
  }
}

} // namespace

namespace {

/// y (f32, `outShape`) from one generic over `x` (f32 [size]) with `body`
/// (result register `result`), on `threads` threads.
Tensor runLargeBody(const std::vector<double> &x, std::vector<int64_t> outShape,
                    std::vector<int64_t> bounds, std::vector<Access> accesses,
                    std::vector<ScalarOp> body, int64_t result, double fill,
                    int64_t threads) {
  ProgramBuilder b(smallArch());
  const int64_t in = b.constant("x", F32, {static_cast<int64_t>(x.size())}, x);
  const int64_t y = b.value("y", F32, std::move(outShape));
  b.output(y);
  b.add(home, generic({in}, y, std::move(bounds), std::move(accesses),
                      std::move(body), result, fill));
  ExecuteOptions options;
  options.threads = threads;
  return runOrFail(b.program, {}, options).outputs.at("y");
}

} // namespace

// Large bodies split over threads by their outermost loop only when every
// output element is updated from one value of it, in the serial order: a
// max pool (reductions inside the split loop), a sum whose reduction loop
// is outermost and a nest whose points collide stay exact for 1-3 threads.
TEST(GenericExecute, LargeBodiesSplitOverThreadsKeepTheSerialOrder) {
  // Values whose sums depend on the order they are added in. The nests are
  // large enough (milliseconds) for a wrong split's threads to overlap.
  std::vector<double> x(200 * 21 * 512);
  for (size_t e = 0; e < x.size(); ++e)
    x[e] = f32(std::ldexp(1.0 + static_cast<double>((e * 7919) % 1000),
                          static_cast<int>((e * 31) % 40) - 20));

  // 3 x 3 max pool: loops (c, oh, ow, kh, kw) over [64, 34, 34].
  std::vector<double> pooled(64 * 32 * 32,
                             -std::numeric_limits<double>::infinity());
  for (int64_t c = 0; c < 64; ++c)
    for (int64_t oh = 0; oh < 32; ++oh)
      for (int64_t ow = 0; ow < 32; ++ow)
        for (int64_t kh = 0; kh < 3; ++kh)
          for (int64_t kw = 0; kw < 3; ++kw) {
            double &out = pooled[(c * 32 + oh) * 32 + ow];
            out = std::max(out, x[(c * 34 + oh + kh) * 34 + ow + kw]);
          }
  // Sum over the outermost loop: y[i] = sum_k x[k * 4096 + i], k < 500.
  std::vector<double> sums(4096, 0.0);
  for (int64_t k = 0; k < 500; ++k)
    for (int64_t i = 0; i < 4096; ++i)
      sums[i] = f32(sums[i] + x[k * 4096 + i]);
  // Points (a, b, i) add into y[(a + b) * 512 + i]: a and b collide.
  std::vector<double> collided(220 * 512, 0.0);
  for (int64_t a = 0; a < 200; ++a)
    for (int64_t bb = 0; bb < 21; ++bb)
      for (int64_t i = 0; i < 512; ++i)
        collided[(a + bb) * 512 + i] =
            f32(collided[(a + bb) * 512 + i] + x[(a * 21 + bb) * 512 + i]);

  for (int64_t threads : {1, 2, 3}) {
    EXPECT_EQ(runLargeBody(x, {64, 32, 32}, {64, 32, 32, 3, 3},
                           {{0, {34 * 34, 34, 1, 34, 1}},
                            {0, {32 * 32, 32, 1, 0, 0}}},
                           {scalarOp(Op::MaxF, {1, 0})}, 2, -3.4e38, threads),
              Tensor::ofFloats({64, 32, 32}, pooled))
        << threads << " threads";
    EXPECT_EQ(runLargeBody(x, {4096}, {500, 4096}, {{0, {4096, 1}}, {0, {0, 1}}},
                           {scalarOp(Op::AddF, {1, 0})}, 2, 0, threads),
              Tensor::ofFloats({4096}, sums))
        << threads << " threads";
    EXPECT_EQ(runLargeBody(x, {220 * 512}, {200, 21, 512},
                           {{0, {21 * 512, 512, 1}}, {0, {512, 512, 1}}},
                           {scalarOp(Op::AddF, {1, 0})}, 2, 0, threads),
              Tensor::ofFloats({220 * 512}, collided))
        << threads << " threads";
  }
}

// A split body that fails reports the first point to fail in the serial
// order, whatever the thread count: a gather of 20000 rows with a bad
// index in the first rows and another in the last.
TEST(GenericExecute, LargeBodyReportsTheFirstFailingPoint) {
  const int64_t rows = 20000;
  ProgramBuilder b(smallArch());
  const int64_t idx = b.input("idx", I64, {rows});
  const int64_t table =
      b.constant("table", F32, {4, 3}, std::vector<double>(12, 1.5));
  const int64_t out = b.value("out", F32, {rows, 3});
  b.output(out);
  b.add(home, generic({idx, table}, out, {rows, 3}, {{0, {1, 0}}, {0, {3, 1}}},
                      {dimOp(Op::Index, 1), dimOp(Op::Extract, 0, {0, 2})}, 3));
  std::vector<int64_t> indices(rows, 2);
  indices[100] = 9;
  indices[rows - 5] = -7;
  for (int64_t threads : {1, 2, 3}) {
    ExecuteOptions options;
    options.threads = threads;
    ExecuteResult result;
    const Status status =
        execute(b.program, {{"idx", Tensor::ofInts(I64, {rows}, indices)}},
                options, result);
    ASSERT_FALSE(status.isOk()) << threads << " threads";
    EXPECT_NE(status.message().find("gather index 9 "), std::string::npos)
        << threads << " threads: " << status.message();
  }
}
