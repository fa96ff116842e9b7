//===- GenericTestSupport.h - Generics in tests -----------------*- C++ -*-===//
//
// Body ops in one call, and the two small generics several test files
// start from: a broadcast bias add with ReLU and a gather.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_UNITTESTS_GENERICTESTSUPPORT_H
#define CIM_RUNTIME_UNITTESTS_GENERICTESTSUPPORT_H

#include "RuntimeTestSupport.h"

#include <string>
#include <vector>

namespace cim::runtime::test {

using Op = ScalarOpcode;
constexpr ElementType F32 = ElementType::F32;
constexpr ElementType I8 = ElementType::I8;
constexpr ElementType I1 = ElementType::I1;
constexpr ElementType I32 = ElementType::I32;
constexpr ElementType I64 = ElementType::I64;

inline const CoreId home = core(0, 0, 0);

/// `x` rounded to f32, as an f32 value is stored.
inline double f32(double x) {
  return static_cast<double>(static_cast<float>(x));
}

inline ScalarOp constOp(double value) {
  ScalarOp op = scalarOp(Op::Const, {});
  op.constant = value;
  return op;
}
/// Index: the loop; Extract: the gather source.
inline ScalarOp dimOp(Op opcode, int64_t dim,
                      std::vector<int64_t> operands = {}) {
  ScalarOp op = scalarOp(opcode, std::move(operands));
  op.dim = dim;
  return op;
}
inline ScalarOp cmpOp(Op opcode, int64_t predicate, int64_t a, int64_t b,
                      int64_t operandBits = 0) {
  ScalarOp op = scalarOp(opcode, {a, b}, /*bits=*/1, operandBits);
  op.predicate = predicate;
  return op;
}

/// validate() fails with a message containing `expected`.
inline void expectInvalid(const Program &program, const std::string &expected) {
  Status status = validate(program);
  ASSERT_FALSE(status.isOk()) << "accepted; expected: " << expected;
  EXPECT_NE(status.message().find(expected), std::string::npos)
      << status.message();
}

/// y = max(x + bias, 0) for x [2, 3] and bias [3] broadcast along the rows
/// by a zero stride. Registers: r0 = x, r1 = bias, r2 = y's element.
struct BiasRelu {
  ProgramBuilder b{smallArch()};
  int64_t x, bias, y;
  BiasRelu() {
    x = b.input("x", F32, {2, 3});
    bias = b.constant("bias", F32, {3}, {1, -0.5, -2.5});
    y = b.value("y", F32, {2, 3});
    b.output(y);
    b.add(home,
          generic({x, bias}, y, {2, 3}, {{0, {3, 1}}, {0, {0, 1}}, {0, {3, 1}}},
                  {scalarOp(Op::AddF, {0, 1}), constOp(0),
                   scalarOp(Op::MaxF, {3, 4})},
                  5));
  }
  Instruction &inst() { return b.program.cores[0].instructions[0]; }
  static TensorMap inputs() {
    return {{"x", Tensor::ofFloats({2, 3}, {-1.5, 0.9, 2, 3, -4, 2.7})}};
  }
};

/// out[i, j] = table[idx[i], j]: the i64 indices are accessed, the f32
/// table [4, 3] is gather source 0. r0 = idx, r1 = out, r2 = j.
struct Gather {
  ProgramBuilder b{smallArch()};
  int64_t idx, table, out;
  Gather() {
    idx = b.input("idx", I64, {2});
    std::vector<double> rows(12);
    for (size_t e = 0; e < rows.size(); ++e)
      rows[e] = 0.5 * static_cast<double>(e) - 1;
    table = b.constant("table", F32, {4, 3}, rows);
    out = b.value("out", F32, {2, 3});
    b.output(out);
    b.add(home,
          generic({idx, table}, out, {2, 3}, {{0, {1, 0}}, {0, {3, 1}}},
                  {dimOp(Op::Index, 1), dimOp(Op::Extract, 0, {0, 2})}, 3));
  }
  Instruction &inst() { return b.program.cores[0].instructions[0]; }
  Status run(std::vector<int64_t> indices, ExecuteResult &result) const {
    return execute(b.program,
                   {{"idx", Tensor::ofInts(I64, {2}, std::move(indices))}}, {},
                   result);
  }
};

} // namespace cim::runtime::test

#endif // CIM_RUNTIME_UNITTESTS_GENERICTESTSUPPORT_H
