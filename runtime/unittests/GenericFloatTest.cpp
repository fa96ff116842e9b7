//===- GenericFloatTest.cpp - Bodies in f32 registers -----------*- C++ -*-===//
//
// A body of f32 arithmetic and extrema over f32 operands runs in f32
// registers; it must give the bits the double registers give (each op
// rounded to f32), NaNs aside: a NaN for a NaN. Every pair of special
// values (NaNs and zeros of both signs, infinities, a subnormal, the
// largest float, values whose sums and quotients round) through every
// admitted op, against the same body with one operand f64 (which runs in
// double); a constant that is no f32 value keeps the body in double; and
// which bodies runsInFloat admits.
//
//===----------------------------------------------------------------------===//

#include "../lib/GenericFloat.h"
#include "RuntimeTestSupport.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;
using namespace cim::runtime::test;

namespace {

using Op = ScalarOpcode;

const std::vector<double> kSpecial = {
    std::nan(""), 0.0,        -0.0,
    INFINITY,     -INFINITY,  1.0,
    -2.25,        1e-45,      3.4028234663852886e38,
    1.0 / 3.0,    16777217.0, 0.1,
    -std::nan("")};

/// The output of one generic over every (a, b) pair of kSpecial: a is
/// f32 or f64 (double registers), b f32, and the body `body`.
Tensor pairs(ElementType aType, std::vector<ScalarOp> body) {
  const int64_t n = static_cast<int64_t>(kSpecial.size());
  std::vector<double> a, b;
  for (double x : kSpecial)
    for (double y : kSpecial) {
      a.push_back(static_cast<double>(static_cast<float>(x)));
      b.push_back(static_cast<double>(static_cast<float>(y)));
    }
  ProgramBuilder builder(smallArch());
  const int64_t ia = builder.constant("a", aType, {n * n}, a);
  const int64_t ib = builder.constant("b", ElementType::F32, {n * n}, b);
  const int64_t y = builder.value("y", ElementType::F32, {n * n});
  builder.output(y);
  const int64_t result = static_cast<int64_t>(3 + body.size()) - 1;
  builder.add(core(0, 0, 0),
              generic({ia, ib}, y, {n * n}, {{0, {1}}, {0, {1}}, {0, {1}}},
                      std::move(body), result));
  return runOrFail(builder.program, {}).outputs.at("y");
}

/// Each element's bits, every NaN as one value: which NaN an operation on
/// two NaNs returns (its sign and payload) is the CPU's choice, and the
/// compiler may put a commutative op's operands either way round; IEEE
/// 754 leaves it open, and so does the simulator.
std::vector<uint32_t> bitsOf(const Tensor &t) {
  EXPECT_EQ(t.floats.size(), kSpecial.size() * kSpecial.size());
  std::vector<uint32_t> bits(t.floats.size());
  std::memcpy(bits.data(), t.floats.data(), bits.size() * sizeof(float));
  for (size_t e = 0; e < bits.size(); ++e)
    if (std::isnan(t.floats[e]))
      bits[e] = 0x7FC00000u;
  return bits;
}

TEST(GenericFloat, EveryOpGivesTheDoubleRegistersBits) {
  for (Op op : {Op::AddF, Op::SubF, Op::MulF, Op::DivF, Op::MaxF, Op::MinF})
    for (bool swapped : {false, true}) {
      const std::vector<int64_t> operands =
          swapped ? std::vector<int64_t>{1, 0} : std::vector<int64_t>{0, 1};
      const Tensor inFloat = pairs(ElementType::F32, {scalarOp(op, operands)});
      const Tensor inDouble = pairs(ElementType::F64, {scalarOp(op, operands)});
      EXPECT_EQ(bitsOf(inFloat), bitsOf(inDouble))
          << "op " << static_cast<int>(op) << (swapped ? " swapped" : "");
    }
}

TEST(GenericFloat, ExtremaOfZerosAndNaNs) {
  const int64_t n = static_cast<int64_t>(kSpecial.size());
  const Tensor max = pairs(ElementType::F32, {scalarOp(Op::MaxF, {0, 1})});
  const Tensor min = pairs(ElementType::F32, {scalarOp(Op::MinF, {0, 1})});
  // kSpecial[1] is +0 and kSpecial[2] is -0; kSpecial[0] is NaN.
  EXPECT_FALSE(std::signbit(max.floats[1 * n + 2]));
  EXPECT_FALSE(std::signbit(max.floats[2 * n + 1]));
  EXPECT_TRUE(std::signbit(min.floats[1 * n + 2]));
  EXPECT_TRUE(std::signbit(min.floats[2 * n + 1]));
  EXPECT_TRUE(std::isnan(max.floats[0 * n + 5]));
  EXPECT_TRUE(std::isnan(min.floats[5 * n + 0]));
  EXPECT_EQ(max.floats[5 * n + 6], 1.0f);
  EXPECT_EQ(min.floats[5 * n + 6], -2.25f);
}

TEST(GenericFloat, AConstantThatIsNoF32ValueKeepsDoubleRegisters) {
  // 1 + (2^-24 + 2^-50) rounds up to 1 + 2^-23; with the constant first
  // rounded to f32 (2^-24) the sum would tie and round to 1.
  const double c = std::ldexp(1.0, -24) + std::ldexp(1.0, -50);
  ProgramBuilder builder(smallArch());
  const int64_t x = builder.constant("x", ElementType::F32, {2}, {1.0, 1.0});
  const int64_t y = builder.value("y", ElementType::F32, {2});
  builder.output(y);
  ScalarOp constant = scalarOp(Op::Const, {});
  constant.constant = c;
  builder.add(core(0, 0, 0),
              generic({x}, y, {2}, {{0, {1}}, {0, {1}}},
                      {constant, scalarOp(Op::AddF, {0, 2})}, 3));
  const Tensor out = runOrFail(builder.program, {}).outputs.at("y");
  const float expected = 1.0f + std::ldexp(1.0f, -23);
  EXPECT_EQ(out.floats, (std::vector<float>{expected, expected}));
}

TEST(GenericFloat, WhichBodiesRunInFloat) {
  const Tensor f32 = Tensor::ofFloats({1}, {1.0});
  const Tensor f64 = Tensor::ofDoubles({1}, {1.0});
  Instruction add = generic({0, 1}, 2, {1}, {{0, {1}}, {0, {1}}, {0, {1}}},
                            {scalarOp(Op::AddF, {0, 1})}, 3);
  EXPECT_TRUE(runsInFloat(add, {&f32, &f32}, f32));
  EXPECT_FALSE(runsInFloat(add, {&f64, &f32}, f32));
  EXPECT_FALSE(runsInFloat(add, {&f32, &f32}, f64));
  Instruction wide = add;
  wide.body[0].bits = 64;
  EXPECT_FALSE(runsInFloat(wide, {&f32, &f32}, f32));
  // A result that is a loaded operand: the double path quiets a
  // signaling NaN on the way, the float one would not.
  Instruction passThrough = add;
  passThrough.bodyResult = 1;
  EXPECT_FALSE(runsInFloat(passThrough, {&f32, &f32}, f32));
  Instruction compare = add;
  compare.body[0] = scalarOp(Op::CmpF, {0, 1});
  EXPECT_FALSE(runsInFloat(compare, {&f32, &f32}, f32));
  Instruction constant = add;
  ScalarOp c = scalarOp(Op::Const, {});
  c.constant = 0.5;
  constant.body = {c, scalarOp(Op::MaxF, {0, 3})};
  constant.bodyResult = 4;
  EXPECT_TRUE(runsInFloat(constant, {&f32, &f32}, f32));
  constant.body[0].constant = 0.1;
  EXPECT_FALSE(runsInFloat(constant, {&f32, &f32}, f32));
}

} // namespace
