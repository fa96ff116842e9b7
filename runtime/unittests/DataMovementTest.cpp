//===- DataMovementTest.cpp - Slice and concat ----------------------------===//
//
// The data-movement instructions that tiled products need: what they
// compute (against hand-computed tensors), what validate() refuses, what
// they cost, and that a program file keeps their operands.
//
//===----------------------------------------------------------------------===//

#include "ProgramIOTestSupport.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

Instruction slice(int64_t in, int64_t out, std::vector<int64_t> offsets,
                  std::vector<int64_t> sizes) {
  Instruction inst = make(Opcode::Slice, {in}, out);
  inst.offsets = std::move(offsets);
  inst.sizes = std::move(sizes);
  return inst;
}

Instruction concat(std::vector<int64_t> inputs, int64_t out, int64_t axis) {
  Instruction inst = make(Opcode::Concat, std::move(inputs), out);
  inst.axis = axis;
  return inst;
}

/// x = [[0 1 2 3] [10 11 12 13] [20 21 22 23]] (i32) and
/// u = [[100] [101] [102]]; on core (0, 0, 0):
///   0: s = x[1:3, 1:4]                      (slice)
///   1: c = concat(x[:, 0:4], u) along 1     (concat, two inputs)
///   2: r = concat(s, s) along 0             (concat along rows)
///   3: f = slice of the f32 input g, [0:1, 1:3]
struct Fixture {
  ProgramBuilder b{smallArch()};
  CoreId home = core(0, 0, 0);
  int64_t x, u, g, s, c, r, f;

  Fixture() {
    x = b.constant("x", ElementType::I32, {3, 4},
                   {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23});
    u = b.constant("u", ElementType::I32, {3, 1}, {100, 101, 102});
    g = b.input("g", ElementType::F32, {2, 3});
    s = b.value("s", ElementType::I32, {2, 3});
    c = b.value("c", ElementType::I32, {3, 5});
    r = b.value("r", ElementType::I32, {4, 3});
    f = b.value("f", ElementType::F32, {1, 2});
    for (int64_t id : {s, c, r, f})
      b.output(id);
    b.add(home, slice(x, s, {1, 1}, {2, 3}));
    b.add(home, concat({x, u}, c, 1));
    b.add(home, concat({s, s}, r, 0));
    b.add(home, slice(g, f, {0, 1}, {1, 2}));
  }

  Instruction &at(size_t index) {
    return b.program.cores[0].instructions[index];
  }

  static TensorMap inputs() {
    return {{"g", Tensor::ofFloats({2, 3}, {0.5, -1.25, 3.0, 4.0, 5.0, 6.0})}};
  }

  /// validate() fails with a message containing `expected`.
  void expectInvalid(const std::string &expected) {
    Status status = validate(b.program);
    ASSERT_FALSE(status.isOk()) << "accepted; expected: " << expected;
    EXPECT_NE(status.message().find(expected), std::string::npos)
        << status.message();
  }
};

TEST(RuntimeDataMovement, SliceAndConcatCopyElements) {
  Fixture fx;
  ASSERT_TRUE(validate(fx.b.program).isOk())
      << validate(fx.b.program).message();
  for (Numerics numerics : {Numerics::Quantized, Numerics::Ideal}) {
    ExecuteOptions options;
    options.numerics = numerics;
    ExecuteResult result = runOrFail(fx.b.program, Fixture::inputs(), options);
    EXPECT_EQ(result.outputs.at("s"), Tensor::ofInts(ElementType::I32, {2, 3},
                                                     {11, 12, 13, 21, 22, 23}));
    EXPECT_EQ(result.outputs.at("c"),
              Tensor::ofInts(
                  ElementType::I32, {3, 5},
                  {0, 1, 2, 3, 100, 10, 11, 12, 13, 101, 20, 21, 22, 23, 102}));
    EXPECT_EQ(result.outputs.at("r"),
              Tensor::ofInts(ElementType::I32, {4, 3},
                             {11, 12, 13, 21, 22, 23, 11, 12, 13, 21, 22, 23}));
    EXPECT_EQ(result.outputs.at("f"), Tensor::ofFloats({1, 2}, {-1.25, 3.0}));
  }
}

// Each float width is held at its own: an f64 input keeps 0.1 exactly
// through slice, concat and reshape, whether the host gives it as doubles
// or floats; an f32 input given as doubles is rounded to f32 once.
TEST(RuntimeDataMovement, FloatWidthsKeepTheirStorage) {
  ProgramBuilder b(smallArch());
  const int64_t d = b.input("d", ElementType::F64, {2, 2});
  const int64_t f = b.input("f", ElementType::F32, {2, 2});
  const int64_t ds = b.value("ds", ElementType::F64, {1, 2});
  const int64_t dc = b.value("dc", ElementType::F64, {3, 2});
  const int64_t dr = b.value("dr", ElementType::F64, {4});
  const int64_t fc = b.value("fc", ElementType::F32, {4, 2});
  for (int64_t id : {ds, dc, dr, fc})
    b.output(id);
  const CoreId home = core(0, 0, 0);
  b.add(home, slice(d, ds, {1, 0}, {1, 2}));
  b.add(home, concat({d, ds}, dc, 0));
  b.add(home, make(Opcode::Reshape, {d}, dr));
  b.add(home, concat({f, f}, fc, 0));
  const std::vector<double> wide = {0.1, -1e30, 1.0 / 3, 2.5};
  const std::vector<double> narrow = {0.1, -1.5, 1.0 / 3, 1e-3};
  auto rounded = [](std::vector<double> v) {
    for (double &x : v)
      x = static_cast<double>(static_cast<float>(x));
    return v;
  };
  Tensor asFloats = Tensor::ofFloats({2, 2}, rounded(wide));
  asFloats.type = ElementType::F64; // a host holding an f64 input as floats
  // And the f32 input "f" the other way: as doubles.
  Tensor narrowAsDoubles = Tensor::ofDoubles({2, 2}, narrow);
  narrowAsDoubles.type = ElementType::F32;
  for (const Tensor &given : {Tensor::ofDoubles({2, 2}, wide), asFloats}) {
    const std::vector<double> in = given.floats.empty() ? wide : rounded(wide);
    ExecuteResult result =
        runOrFail(b.program, {{"d", given}, {"f", narrowAsDoubles}});
    EXPECT_EQ(result.outputs.at("ds"),
              Tensor::ofDoubles({1, 2}, {in[2], in[3]}));
    EXPECT_EQ(
        result.outputs.at("dc"),
        Tensor::ofDoubles({3, 2}, {in[0], in[1], in[2], in[3], in[2], in[3]}));
    EXPECT_EQ(result.outputs.at("dr"), Tensor::ofDoubles({4}, in));
    // Rounded once, to the nearest f32 of each double.
    std::vector<double> twice = rounded(narrow);
    twice.insert(twice.end(), twice.begin(), twice.end());
    EXPECT_EQ(result.outputs.at("fc"), Tensor::ofFloats({4, 2}, twice));
    EXPECT_EQ(result.outputs.at("fc").floats[0], 0.1f);
  }
}

// A float input is bound from the storage of its width if the host filled
// it, else the other; that storage must hold the declared count, whatever
// the other one holds.
TEST(RuntimeDataMovement, FloatBindingsCountTheStorageTheyTake) {
  ProgramBuilder b(smallArch());
  const int64_t d = b.input("d", ElementType::F64, {2, 2});
  const int64_t f = b.input("f", ElementType::F32, {2, 2});
  const int64_t s = b.value("s", ElementType::F64, {4});
  const int64_t t = b.value("t", ElementType::F32, {4});
  b.output(s);
  b.output(t);
  b.add(core(0, 0, 0), make(Opcode::Reshape, {d}, s));
  b.add(core(0, 0, 0), make(Opcode::Reshape, {f}, t));
  const Tensor good64 = Tensor::ofDoubles({2, 2}, {1, 2, 3, 4});
  const Tensor good32 = Tensor::ofFloats({2, 2}, {1, 2, 3, 4});
  // Doubles of the wrong count beside floats of the right one.
  Tensor shortDoubles = good32;
  shortDoubles.type = ElementType::F64;
  shortDoubles.doubles = {1, 2, 3};
  // An f32 input held only as doubles, of the wrong count.
  Tensor longDoubles = Tensor::ofDoubles({2, 2}, {1, 2, 3, 4, 5});
  longDoubles.type = ElementType::F32;
  for (const auto &[inputs, name] :
       {std::make_pair(TensorMap{{"d", shortDoubles}, {"f", good32}}, "d"),
        std::make_pair(TensorMap{{"d", good64}, {"f", longDoubles}}, "f")}) {
    ExecuteResult result;
    const Status status = execute(b.program, inputs, ExecuteOptions(), result);
    ASSERT_FALSE(status) << name;
    EXPECT_NE(
        status.message().find(std::string("input '") + name + "' must be 4"),
        std::string::npos)
        << status.message();
  }
  ExecuteResult result;
  EXPECT_TRUE(execute(b.program, {{"d", good64}, {"f", good32}},
                      ExecuteOptions(), result));
}

// A matrix slice large enough to be split over threads, whose ranges end
// mid-row: every thread count gives the rows of the window.
TEST(RuntimeDataMovement, LargeMatrixSliceOnThreads) {
  const int64_t rows = 310, cols = 261, m = 300, n = 250, r0 = 4, c0 = 7;
  std::vector<int64_t> data(rows * cols);
  for (int64_t e = 0; e < rows * cols; ++e)
    data[e] = e * 7 - 3;
  ProgramBuilder b(smallArch());
  const int64_t in = b.input("x", ElementType::I32, {rows, cols});
  const int64_t out = b.value("s", ElementType::I32, {m, n});
  b.output(out);
  b.add(core(0, 0, 0), slice(in, out, {r0, c0}, {m, n}));
  std::vector<int64_t> expected;
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = 0; c < n; ++c)
      expected.push_back(data[(r0 + r) * cols + c0 + c]);
  for (int64_t threads : {1, 2, 3}) {
    ExecuteOptions options;
    options.threads = threads;
    ExecuteResult result = runOrFail(
        b.program,
        {{"x", Tensor::ofInts(ElementType::I32, {rows, cols}, data)}}, options);
    EXPECT_EQ(result.outputs.at("s").ints, expected) << threads << " threads";
  }
}

TEST(RuntimeDataMovement, HigherRankSliceAndInnerConcat) {
  ProgramBuilder b(smallArch());
  const CoreId home = core(0, 0, 0);
  std::vector<double> data(2 * 3 * 4);
  for (size_t e = 0; e < data.size(); ++e)
    data[e] = static_cast<double>(e);
  const int64_t x = b.constant("x", ElementType::I8, {2, 3, 4}, data);
  const int64_t s = b.value("s", ElementType::I8, {2, 2, 2});
  const int64_t c = b.value("c", ElementType::I8, {2, 2, 4});
  b.output(s);
  b.output(c);
  b.add(home, slice(x, s, {0, 1, 2}, {2, 2, 2}));
  b.add(home, concat({s, s}, c, 2));
  ExecuteResult result = runOrFail(b.program, {});
  // x[d0][d1][d2] = 12 d0 + 4 d1 + d2.
  EXPECT_EQ(result.outputs.at("s"),
            Tensor::ofInts(ElementType::I8, {2, 2, 2},
                           {6, 7, 10, 11, 18, 19, 22, 23}));
  EXPECT_EQ(result.outputs.at("c"),
            Tensor::ofInts(
                ElementType::I8, {2, 2, 4},
                {6, 7, 6, 7, 10, 11, 10, 11, 18, 19, 18, 19, 22, 23, 22, 23}));
}

TEST(RuntimeDataMovement, SliceRefusals) {
  {
    Fixture fx;
    fx.at(0).offsets = {1};
    fx.expectInvalid("instruction 0 (slice): needs one offset and one size "
                     "per dimension of value 0 'x' [3x4], got 1 offsets and "
                     "2 sizes");
  }
  {
    Fixture fx;
    fx.at(0).sizes = {2, 3, 1};
    fx.expectInvalid("got 2 offsets and 3 sizes");
  }
  {
    Fixture fx;
    fx.at(0).offsets = {2, 1};
    fx.expectInvalid("offsets [2x1] and sizes [2x3] leave value 0 'x' [3x4] "
                     "in dimension 0");
  }
  {
    Fixture fx;
    fx.at(0).offsets = {0, -1};
    fx.expectInvalid("in dimension 1");
  }
  {
    Fixture fx;
    fx.at(0).sizes = {2, 2};
    fx.expectInvalid("value 3 's' must have shape [2x2], got [2x3]");
  }
  {
    Fixture fx;
    fx.b.program.values[fx.s].type = ElementType::I16;
    fx.expectInvalid("value 3 's' must have the element type of value 0 'x' "
                     "(i32), got i16");
  }
  {
    Fixture fx;
    fx.at(0).inputs = {fx.x, fx.u};
    fx.expectInvalid("instruction 0 (slice): takes 1 input(s), got 2");
  }
}

TEST(RuntimeDataMovement, ConcatRefusals) {
  {
    Fixture fx;
    fx.at(1).inputs = {};
    fx.expectInvalid("instruction 1 (concat): takes at least 1 input(s), "
                     "got 0");
  }
  {
    Fixture fx;
    fx.at(1).axis = 2;
    fx.expectInvalid("axis 2 is not a dimension of value 4 'c' [3x5]");
  }
  {
    Fixture fx;
    fx.at(1).axis = -1;
    fx.expectInvalid("axis -1 is not a dimension");
  }
  {
    // Along rows, x and u differ in their columns.
    Fixture fx;
    fx.at(1).axis = 0;
    fx.expectInvalid("value 0 'x' [3x4] does not match value 4 'c' [3x5] "
                     "outside axis 0");
  }
  {
    // Rank: a 1-D piece.
    Fixture fx;
    fx.b.program.values[fx.u].shape = {3};
    fx.b.program.values[fx.u].constant = {100, 101, 102};
    fx.expectInvalid("value 1 'u' [3] does not match value 4 'c' [3x5]");
  }
  {
    Fixture fx;
    fx.b.program.values[fx.c].shape = {3, 6};
    fx.expectInvalid("the inputs hold 5 elements along axis 1, but value 4 "
                     "'c' [3x6] has 6");
  }
  {
    Fixture fx;
    fx.b.program.values[fx.u].type = ElementType::I16;
    fx.expectInvalid("value 1 'u' must have the element type of value 4 'c' "
                     "(i32), got i16");
  }
}

TEST(RuntimeDataMovement, CostIsVectorUnitDataMovement) {
  arch::ArchSpec spec = smallArch();
  spec.vectorUnit.lanes = 4;
  spec.vectorUnit.latencyNs = 3;
  spec.coreBuffer.portBits = 64;
  spec.coreBuffer.energyPjPerAccess = 2.5;
  ProgramBuilder b(spec);
  const CoreId home = core(0, 0, 0);
  const int64_t x =
      b.constant("x", ElementType::I32, {2, 5}, std::vector<double>(10, 7));
  const int64_t s = b.value("s", ElementType::I32, {2, 3});
  b.output(s);
  b.add(home, slice(x, s, {0, 1}, {2, 3}));
  ExecuteResult result = runOrFail(b.program, {});
  // 6 elements on 4 lanes: 2 steps of 3 cycles; 6 x 32 bits through a
  // 64-bit port: 3 accesses.
  EXPECT_EQ(result.report.totalCycles, 2 * 3);
  EXPECT_NEAR(result.report.energy.vectorUnit, 3 * 2.5, 1e-9);
  EXPECT_NEAR(result.report.energy.total(), 3 * 2.5, 1e-9);
}

TEST(RuntimeDataMovement, ProgramFileKeepsOperands) {
  Fixture fx;
  Program loaded;
  Status status =
      deserializeProgram(serializeOrFail(fx.b.program), "move.cimp", loaded);
  ASSERT_TRUE(status.isOk()) << status.message();
  ASSERT_EQ(loaded.cores.size(), 1u);
  ASSERT_EQ(loaded.cores[0].instructions.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const Instruction &a = fx.at(i), &b = loaded.cores[0].instructions[i];
    EXPECT_EQ(a.opcode, b.opcode) << i;
    EXPECT_EQ(a.inputs, b.inputs) << i;
    EXPECT_EQ(a.offsets, b.offsets) << i;
    EXPECT_EQ(a.sizes, b.sizes) << i;
    EXPECT_EQ(a.axis, b.axis) << i;
  }
  EXPECT_EQ(disassemble(fx.b.program), disassemble(loaded));
  EXPECT_NE(disassemble(loaded).find("%3 = slice %0 offsets [1, 1] sizes "
                                     "[2, 3]"),
            std::string::npos)
      << disassemble(loaded);
  EXPECT_NE(disassemble(loaded).find("%4 = concat %0, %1 axis 1"),
            std::string::npos);
  EXPECT_EQ(runOrFail(fx.b.program, Fixture::inputs()).outputs,
            runOrFail(loaded, Fixture::inputs()).outputs);

  // The reader's range check covers the new operands.
  ::cim::program::Program message = messageOf(fx.b.program);
  message.mutable_cores(0)->mutable_instructions(0)->set_offsets(1, int64_t(1)
                                                                        << 40);
  std::string bytes;
  ASSERT_TRUE(message.SerializeToString(&bytes));
  status = deserializeProgram(bytes, "bad.cimp", loaded);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("offsets = 1099511627776 is out of range"),
            std::string::npos)
      << status.message();
  message = messageOf(fx.b.program);
  message.mutable_cores(0)->mutable_instructions(1)->set_axis(
      -(int64_t(1) << 33));
  ASSERT_TRUE(message.SerializeToString(&bytes));
  status = deserializeProgram(bytes, "bad.cimp", loaded);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("axis = -8589934592 is out of range"),
            std::string::npos)
      << status.message();
}

// A constant can be an output itself (an ONNX graph returning a folded
// value): constants are made on first read, and an output is read at the
// end even when no instruction reads it.
TEST(RuntimeDataMovement, ConstantOutputsAreWritten) {
  ProgramBuilder b(smallArch());
  const int64_t mask =
      b.constant("mask", ElementType::I1, {2, 2}, {1, 0, 0, 1});
  const int64_t scale = b.constant("scale", ElementType::F32, {}, {0.5});
  b.output(mask);
  b.output(scale);
  const ExecuteResult result = runOrFail(b.program, {});
  EXPECT_EQ(result.outputs.at("mask").ints, (std::vector<int64_t>{1, 0, 0, 1}));
  EXPECT_EQ(result.outputs.at("scale").floats, (std::vector<double>{0.5}));
}

// Booleans bind as 0 or 1 only.
TEST(RuntimeDataMovement, BooleanInputsAreZeroOrOne) {
  ProgramBuilder b(smallArch());
  const int64_t in = b.input("flag", ElementType::I1, {2});
  const int64_t out = b.value("copy", ElementType::I1, {2});
  b.output(out);
  b.add(core(0, 0, 0),
        generic({in}, out, {2}, {Access{0, {1}}, Access{0, {1}}}, {}, 0));
  EXPECT_EQ(runOrFail(b.program,
                      {{"flag", Tensor::ofInts(ElementType::I1, {2}, {1, 0})}})
                .outputs.at("copy")
                .ints,
            (std::vector<int64_t>{1, 0}));
  ExecuteResult result;
  Status status = execute(
      b.program, {{"flag", Tensor::ofInts(ElementType::I1, {2}, {1, 2})}},
      ExecuteOptions(), result);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("element 1 = 2 does not fit i1"),
            std::string::npos)
      << status.message();
}

} // namespace
