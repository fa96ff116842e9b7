//===- ProgramIOTestSupport.h - A program that uses every field -*- C++ -*-===//
//
// The program the program-file tests write and read: every opcode, element
// type and kind of value, so a field the format forgot shows up as a
// difference after a round trip.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_UNITTESTS_PROGRAMIOTESTSUPPORT_H
#define CIM_RUNTIME_UNITTESTS_PROGRAMIOTESTSUPPORT_H

#include "RuntimeTestSupport.h"

#include "cim/runtime/ProgramIO.h"
#include "program.pb.h"

#include <string>

namespace cim::runtime::test {

/// Every opcode, every element type, an f32 input, constants of each
/// integer width, ONNX nodes, and a transfer between tiles: a matmul on
/// core (0, 0, 0) whose result moves to core (0, 3, 1), is accumulated with
/// a constant partial, rescaled and quantised there; a slice and a concat
/// on a third core.
inline Program kitchenSink() {
  arch::ArchSpec spec = smallArch();
  spec.array.cell.signedEncoding = arch::SignedEncoding::Offset;
  const arch::CellEncoding encoding = arch::CellEncoding::forArch(spec, 8);
  const int64_t m = 2, k = 16, n = 3;
  ProgramBuilder b(spec);
  const CoreId home = core(0, 0, 0), away = core(0, 3, 1);
  MatmulIds ids = buildMatmul(b, home, randomInts(k * n, -127, 127, 3), m, k, n,
                              encoding, 8, 2, 12, 1);
  for (Instruction &inst : b.program.cores[0].instructions)
    inst.node = "/layer1/MatMul";
  const int64_t moved = b.value("moved", ElementType::I32, {m, n});
  const int64_t partial = b.constant("partial", ElementType::I32, {m, n},
                                     {1, -2, 3, 2147483647, -2147483647, 0});
  const int64_t acc = b.value("acc", ElementType::I32, {m, n});
  const int64_t scale = b.input("scale", ElementType::F32, {});
  const int64_t y = b.value("real", ElementType::F32, {m, n});
  const int64_t q = b.value("q", ElementType::I8, {m, n});
  b.output(y);
  b.output(q);
  Instruction move = transfer(ids.result, moved, home, 2);
  move.node = "/layer1/MatMul";
  b.add(away, move);
  Instruction add = make(Opcode::Accumulate, {moved, partial}, acc);
  add.node = "/layer1/Add";
  b.add(away, add);
  Instruction rescale = make(Opcode::Rescale, {acc, scale}, y);
  rescale.weightScales = {0.125, 1.0 / 3.0, 1e-30};
  b.add(away, rescale);
  Instruction quantize = make(Opcode::Quantize, {y}, q);
  quantize.scale = 0.1;
  quantize.quantBits = 6;
  b.add(away, quantize);

  // Constants of the other widths, summed on a third core.
  const CoreId third = core(0, 1, 0);
  const int64_t a16 = b.constant("a16", ElementType::I16, {2}, {-32768, 32767});
  const int64_t s16 = b.value("s16", ElementType::I16, {2});
  const int64_t a64 = b.constant("a64", ElementType::I64, {2},
                                 {-9007199254740992.0, 9007199254740992.0});
  const int64_t s64 = b.value("s64", ElementType::I64, {2});
  const int64_t a8 =
      b.constant("a8", ElementType::I8, {2, 1, 2}, {-128, 127, 0, -1});
  const int64_t s8 = b.value("s8", ElementType::I8, {2, 1, 2});
  b.output(s16);
  b.output(s64);
  b.output(s8);
  b.add(third, make(Opcode::Accumulate, {a16}, s16));
  b.add(third, make(Opcode::Accumulate, {a64}, s64));
  b.add(third, make(Opcode::Accumulate, {a8}, s8));
  // Data movement: the second row of s8 joined below s8.
  const int64_t cut = b.value("cut", ElementType::I8, {1, 1, 2});
  const int64_t joined = b.value("joined", ElementType::I8, {3, 1, 2});
  b.output(joined);
  Instruction slice = make(Opcode::Slice, {s8}, cut);
  slice.offsets = {1, 0, 0};
  slice.sizes = {1, 1, 2};
  b.add(third, slice);
  Instruction concat = make(Opcode::Concat, {s8, cut}, joined);
  concat.axis = 0;
  b.add(third, concat);
  EXPECT_TRUE(validate(b.program).isOk()) << validate(b.program).message();
  return b.program;
}

inline TensorMap kitchenSinkInputs() {
  return {{"x", Tensor::ofInts(ElementType::I8, {2, 16},
                               randomInts(32, -128, 127, 9))},
          {"scale", Tensor::ofFloats({}, {0.5})}};
}

inline std::string serializeOrFail(const Program &program) {
  std::string bytes;
  Status status = serializeProgram(program, bytes);
  EXPECT_TRUE(status.isOk()) << status.message();
  return bytes;
}

/// The protobuf message of `program`, for tests that break one field.
inline ::cim::program::Program messageOf(const Program &program) {
  ::cim::program::Program message;
  EXPECT_TRUE(message.ParseFromString(serializeOrFail(program)));
  return message;
}

} // namespace cim::runtime::test

#endif // CIM_RUNTIME_UNITTESTS_PROGRAMIOTESTSUPPORT_H
