//===- GenericValidateTest.cpp - Generics validate() refuses --------------===//
//
// A generic must stay inside its operands and have a well-formed body;
// reshape, dynamic_scale and quantize by a scale input check their operands.
// Each case breaks one thing and expects the message naming it.
//
//===----------------------------------------------------------------------===//

#include "GenericTestSupport.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

// validate() refuses generics that would read or write outside their
// operands or whose body is malformed, naming what is wrong.
TEST(GenericValidate, AccessesAndBody) {
  {
    BiasRelu fx;
    ASSERT_TRUE(validate(fx.b.program).isOk())
        << validate(fx.b.program).message();
  }
  {
    // x[i, 2 j] reaches element 3 + 2 * 2 = 7 of 6.
    BiasRelu fx;
    fx.inst().accesses[0].strides = {3, 2};
    expectInvalid(fx.b.program, "instruction 0 (generic): access 0 ('x') "
                                "reaches elements 0..7 of 6");
  }
  {
    BiasRelu fx;
    fx.inst().accesses[2].offset = 1;
    expectInvalid(fx.b.program,
                  "output access ('y') reaches elements 1..6 of 6");
  }
  {
    BiasRelu fx;
    fx.inst().accesses[1].offset = -1;
    expectInvalid(fx.b.program, "access 1 ('bias') reaches elements -1..1");
  }
  {
    BiasRelu fx;
    fx.inst().accesses[1].strides = {1};
    expectInvalid(fx.b.program, "access 1 ('bias') has 1 strides for 2 loops");
  }
  {
    // Register 3 is the op's own result.
    BiasRelu fx;
    fx.inst().body[0].operands = {0, 3};
    expectInvalid(fx.b.program, "body op 0 (addf) reads register 3, which is "
                                "not defined before it");
  }
  {
    BiasRelu fx;
    fx.inst().body[0].operands = {0};
    expectInvalid(fx.b.program, "body op 0 (addf) takes 2 operand(s), got 1");
  }
  {
    BiasRelu fx;
    fx.inst().body[1] = dimOp(Op::Index, 2);
    expectInvalid(fx.b.program, "body op 1 (index) reads loop 2 of 2");
  }
  {
    BiasRelu fx;
    fx.inst().accesses.clear();
    expectInvalid(fx.b.program, "needs an access for its output");
  }
  {
    BiasRelu fx;
    fx.inst().body.push_back(cmpOp(Op::CmpF, 16, 3, 4));
    expectInvalid(fx.b.program, "body op 3 (cmpf) has no predicate 16");
  }
  {
    BiasRelu fx;
    fx.inst().body.push_back(cmpOp(Op::CmpI, 10, 3, 4));
    expectInvalid(fx.b.program, "body op 3 (cmpi) has no predicate 10");
  }
  {
    BiasRelu fx;
    fx.inst().body[0].bits = 65;
    expectInvalid(fx.b.program, "integer widths outside 0..64");
  }
  {
    BiasRelu fx;
    fx.inst().bodyResult = 6;
    expectInvalid(fx.b.program, "body result register 6 is not one of its 6");
  }
  {
    BiasRelu fx;
    fx.inst().inputs = {fx.x};
    expectInvalid(fx.b.program, "has 2 accessed input(s) but 1 input(s)");
  }
  {
    Gather fx;
    ASSERT_TRUE(validate(fx.b.program).isOk())
        << validate(fx.b.program).message();
    fx.inst().body[1].dim = 1;
    expectInvalid(fx.b.program,
                  "body op 1 (extract) reads gather source 1, but there are 1");
  }
  {
    // The table is 2-D: two indices.
    Gather fx;
    fx.inst().body[1].operands = {0};
    expectInvalid(fx.b.program,
                  "body op 1 (extract) takes 2 operand(s), got 1");
  }
}

// The initial output must be the output's twin.
TEST(GenericValidate, InitialOutput) {
  for (auto [type, shape] :
       {std::pair<ElementType, std::vector<int64_t>>{F32, {5}}, {I32, {4}}}) {
    ProgramBuilder b(smallArch());
    const int64_t x = b.constant("x", F32, {4, 5}, std::vector<double>(20, 1));
    int64_t count = 1;
    for (int64_t dim : shape)
      count *= dim;
    const int64_t init =
        b.constant("init", type, shape, std::vector<double>(count, 0));
    const int64_t y = b.value("y", F32, {4});
    b.output(y);
    Instruction sum = generic({x, init}, y, {4, 5}, {{0, {5, 1}}, {0, {1, 0}}},
                              {scalarOp(Op::AddF, {1, 0})}, 2);
    sum.hasInit = true;
    b.add(home, sum);
    expectInvalid(b.program, "initial output 'init' must have the type and "
                             "shape of the output 'y'");
  }
}

// Reshape keeps the element count and type; dynamic_scale reads f32;
// quantize's scale input is one f32 element.
TEST(GenericValidate, ReshapeDynamicScaleQuantize) {
  {
    ProgramBuilder b(smallArch());
    const int64_t x = b.constant("x", I8, {2, 3}, {1, 2, 3, 4, 5, 6});
    const int64_t y = b.value("y", I8, {7});
    b.output(y);
    b.add(home, make(Opcode::Reshape, {x}, y));
    expectInvalid(b.program, "instruction 0 (reshape): value 1 'y' [7] must "
                             "hold the 6 i8 elements of value 0 'x' [2x3]");
    b.program.values[y].shape = {6};
    EXPECT_TRUE(validate(b.program).isOk()) << validate(b.program).message();
    b.program.values[y].type = I32;
    expectInvalid(b.program, "must hold the 6 i8 elements");
  }
  {
    ProgramBuilder b(smallArch());
    const int64_t x = b.constant("x", I8, {2}, {1, 2});
    const int64_t s = b.value("s", F32, {});
    b.output(s);
    b.add(home, make(Opcode::DynamicScale, {x}, s));
    expectInvalid(b.program, "instruction 0 (dynamic_scale): value 0 'x' must "
                             "be f32, got i8");
  }
  for (auto [type, shape] :
       {std::pair<ElementType, std::vector<int64_t>>{F32, {2}}, {I32, {}}}) {
    ProgramBuilder b(smallArch());
    const int64_t x = b.input("x", F32, {2});
    const int64_t s = b.input("s", type, shape);
    const int64_t q = b.value("q", I8, {2});
    b.output(q);
    b.add(home, make(Opcode::Quantize, {x, s}, q));
    expectInvalid(b.program, "instruction 0 (quantize): scale value 1 's' "
                             "must be one f32 element");
  }
}

} // namespace

namespace {

// A nest whose point count would wrap int64 (2^31 * 2^31 * 4 = 2^64) is
// not taken for an empty one: it is refused, as is any over 2^40 points.
TEST(GenericValidate, HugeNestsAreRefused) {
  for (std::vector<int64_t> bounds :
       {std::vector<int64_t>{int64_t(1) << 31, int64_t(1) << 31, 4},
        std::vector<int64_t>{int64_t(1) << 21, int64_t(1) << 20}}) {
    BiasRelu fx;
    fx.inst().loopBounds = bounds;
    for (Access &access : fx.inst().accesses)
      access.strides.assign(bounds.size(), 0);
    expectInvalid(fx.b.program, "the loop nest has more than 2^40 points");
  }
}

// Only a rescale takes a real-valued reference.
TEST(GenericValidate, IdealReferenceOnlyOnRescale) {
  BiasRelu fx;
  fx.inst().idealInput = 0;
  fx.inst().idealWeight = 0;
  expectInvalid(fx.b.program,
                "has an ideal reference, which only a rescale takes");
}

} // namespace
