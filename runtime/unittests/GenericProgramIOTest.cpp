//===- GenericProgramIOTest.cpp - Generics in program files and listings --===//
//
// What a program file keeps of a generic and the new opcodes, which body
// opcodes a reader refuses, and what the listing shows.
//
//===----------------------------------------------------------------------===//

#include "GenericTestSupport.h"
#include "ProgramIOTestSupport.h"

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;
namespace pb = ::cim::program;

namespace {

/// A generic using every kind of body field (constants, loop index, gather,
/// both compares with predicates, widths, select, an initial output and a
/// fill), then reshape, dynamic_scale and quantize by the computed scale.
/// Values: %0 x, %1 init, %2 table, %3 y, %4 flat, %5 s, %6 q.
Program everyBodyField() {
  ProgramBuilder b(smallArch());
  const int64_t x = b.input("x", I32, {2, 3});
  const int64_t init =
      b.constant("init", F32, {2, 4}, {0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4});
  const int64_t table = b.constant("table", F32, {4}, {10, 20, 30, 40});
  const int64_t y = b.value("y", F32, {2, 4});
  const int64_t flat = b.value("flat", F32, {8});
  const int64_t s = b.value("s", F32, {});
  const int64_t q = b.value("q", I8, {8});
  b.output(y);
  b.output(q);
  // r0 = x[i, j], r1 = y[i, 1 + j];
  // y[i, 1 + j] += (x >u 3 ? table[j] : x) + (that > 0.1).
  Instruction inst =
      generic({x, init, table}, y, {2, 3}, {{0, {3, 1}}, {1, {4, 1}}},
              {constOp(3), cmpOp(Op::CmpI, 8, 0, 2, 32), dimOp(Op::Index, 1),
               dimOp(Op::Extract, 0, {4}), scalarOp(Op::SIToFP, {0}),
               scalarOp(Op::Select, {3, 5, 6}), scalarOp(Op::AddF, {7, 1}),
               constOp(0.1), cmpOp(Op::CmpF, 2, 8, 9),
               scalarOp(Op::UIToFP, {10}, 0, 1), scalarOp(Op::AddF, {8, 11})},
              12, /*fill=*/0.25);
  inst.hasInit = true;
  inst.node = "/Where";
  b.add(home, inst);
  b.add(home, make(Opcode::Reshape, {y}, flat));
  Instruction scale = make(Opcode::DynamicScale, {flat}, s);
  scale.quantBits = 6;
  b.add(home, scale);
  Instruction quantize = make(Opcode::Quantize, {flat, s}, q);
  quantize.quantBits = 6;
  b.add(home, quantize);
  EXPECT_TRUE(validate(b.program).isOk()) << validate(b.program).message();
  return b.program;
}

// A program file keeps every generic field and the new opcodes.
TEST(GenericProgramIO, RoundTripKeepsEveryField) {
  const Program original = everyBodyField();
  Program loaded;
  Status status =
      deserializeProgram(serializeOrFail(original), "generic.cimp", loaded);
  ASSERT_TRUE(status.isOk()) << status.message();
  ASSERT_EQ(loaded.cores.size(), 1u);
  ASSERT_EQ(loaded.cores[0].instructions.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE("instruction " + std::to_string(i));
    const Instruction &a = original.cores[0].instructions[i];
    const Instruction &b = loaded.cores[0].instructions[i];
    EXPECT_EQ(a.opcode, b.opcode);
    EXPECT_EQ(a.inputs, b.inputs);
    EXPECT_EQ(a.output, b.output);
    EXPECT_EQ(a.node, b.node);
    EXPECT_EQ(a.quantBits, b.quantBits);
    EXPECT_EQ(a.loopBounds, b.loopBounds);
    ASSERT_EQ(a.accesses.size(), b.accesses.size());
    for (size_t k = 0; k < a.accesses.size(); ++k) {
      EXPECT_EQ(a.accesses[k].offset, b.accesses[k].offset);
      EXPECT_EQ(a.accesses[k].strides, b.accesses[k].strides);
    }
    EXPECT_EQ(a.hasInit, b.hasInit);
    EXPECT_EQ(a.fill, b.fill);
    ASSERT_EQ(a.body.size(), b.body.size());
    for (size_t k = 0; k < a.body.size(); ++k) {
      SCOPED_TRACE("body op " + std::to_string(k));
      EXPECT_EQ(a.body[k].opcode, b.body[k].opcode);
      EXPECT_EQ(a.body[k].operands, b.body[k].operands);
      EXPECT_EQ(a.body[k].constant, b.body[k].constant);
      EXPECT_EQ(a.body[k].dim, b.body[k].dim);
      EXPECT_EQ(a.body[k].predicate, b.body[k].predicate);
      EXPECT_EQ(a.body[k].bits, b.body[k].bits);
      EXPECT_EQ(a.body[k].operandBits, b.body[k].operandBits);
    }
    EXPECT_EQ(a.bodyResult, b.bodyResult);
  }
  EXPECT_EQ(disassemble(original), disassemble(loaded));
  const TensorMap inputs = {
      {"x", Tensor::ofInts(I32, {2, 3}, {-1, 0, 4, 3, 7, -5})}};
  EXPECT_EQ(runOrFail(original, inputs).outputs,
            runOrFail(loaded, inputs).outputs);
}

// Body opcodes are stored as 1 + their position in CIM_SCALAR_OPCODES;
// 0 and anything past the list are refused, the last one is read.
TEST(GenericProgramIO, BodyOpcodeRange) {
  const pb::Program message = messageOf(everyBodyField());
  const pb::Instruction &written = message.cores(0).instructions(0);
  EXPECT_EQ(written.body(0).opcode(), 1u); // const is the first
  EXPECT_EQ(written.body_size(), 11);

  for (uint32_t bad : {0u, static_cast<uint32_t>(kScalarOpcodeCount + 1)}) {
    pb::Program broken = message;
    broken.mutable_cores(0)
        ->mutable_instructions(0)
        ->mutable_body(4)
        ->set_opcode(bad);
    std::string bytes;
    ASSERT_TRUE(broken.SerializeToString(&bytes));
    Program program;
    Status status = deserializeProgram(bytes, "bad.cimp", program);
    ASSERT_FALSE(status.isOk()) << bad;
    EXPECT_NE(status.message().find("instruction 0: body op 4 has an unknown "
                                    "opcode (" +
                                    std::to_string(bad) + ")"),
              std::string::npos)
        << status.message();
  }
  // Body op 4 (sitofp, one operand) read as the last opcode, log1p.
  pb::Program last = message;
  last.mutable_cores(0)->mutable_instructions(0)->mutable_body(4)->set_opcode(
      static_cast<uint32_t>(kScalarOpcodeCount));
  std::string bytes;
  ASSERT_TRUE(last.SerializeToString(&bytes));
  Program program;
  Status status = deserializeProgram(bytes, "last.cimp", program);
  ASSERT_TRUE(status.isOk()) << status.message();
  EXPECT_EQ(program.cores[0].instructions[0].body[4].opcode, Op::Log1P);
}

// The listing shows a generic's loops, accesses, start and body.
TEST(GenericDisassemble, LoopsAccessesAndBody) {
  BiasRelu relu;
  const std::string simple = disassemble(relu.b.program);
  EXPECT_NE(simple.find("0: %2 = generic %0, %1 loops [2, 3] in 0+[3, 1] in "
                        "0+[0, 1] out 0+[3, 1] fill 0 {r3 = addf r0, r1; r4 = "
                        "const 0; r5 = maximumf r3, r4} -> r5"),
            std::string::npos)
      << simple;
  const std::string text = disassemble(everyBodyField());
  for (const char *expected :
       {"0: %3 = generic %0, %1, %2 loops [2, 3] in 0+[3, 1] out 1+[4, 1] "
        "init {r2 = const 3; ",
        "r3 = cmpi r0, r2 predicate 8 i1 from i32; r4 = index dim 1; r5 = "
        "extract r4 dim 0; ",
        "r9 = const 0.1; r10 = cmpf r8, r9 predicate 2 i1; r11 = uitofp r10 "
        "from i1; r12 = addf r8, r11} -> r12  // /Where",
        "1: %4 = reshape %3\n", "2: %5 = dynamic_scale %4 bits 6\n",
        "3: %6 = quantize %4, %5 bits 6\n"})
    EXPECT_NE(text.find(expected), std::string::npos)
        << expected << "\nnot in\n"
        << text;
}

} // namespace
