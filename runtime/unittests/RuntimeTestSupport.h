//===- RuntimeTestSupport.h - Building programs in tests ----------*- C++
//-*-===//
//
// Small machines and a builder that writes programs the way an emitter
// would, so each test states only what it is about.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_UNITTESTS_RUNTIMETESTSUPPORT_H
#define CIM_RUNTIME_UNITTESTS_RUNTIMETESTSUPPORT_H

#include "cim/Arch/ArchLoader.h"
#include "cim/runtime/Executor.h"
#include "cim/runtime/Program.h"
#include "cim/runtime/Tensor.h"
#include "cim/runtime/Validate.h"

#include <gtest/gtest.h>

#include <iomanip>
#include <ostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace cim::runtime {

/// GoogleTest prints tensors in failures as "i8[2x3] {1, -2, ...}" rather
/// than as bytes (found by argument-dependent lookup).
inline void PrintTo(const Tensor &tensor, std::ostream *os) {
  *os << toString(tensor.type) << "[";
  for (size_t d = 0; d < tensor.shape.size(); ++d)
    *os << (d ? "x" : "") << tensor.shape[d];
  *os << "] {";
  const size_t count =
      tensor.isInteger() ? tensor.ints.size() : tensor.floats.size();
  for (size_t e = 0; e < count; ++e) {
    *os << (e ? ", " : "");
    if (tensor.isInteger())
      *os << tensor.ints[e];
    else
      *os << std::setprecision(17) << tensor.floats[e];
  }
  *os << "}";
}

} // namespace cim::runtime

namespace cim::runtime::test {

/// ISAAC's numbers on a machine small enough to read: 1 chip, 4 tiles on a
/// 2 x 2 mesh (one tile per router), 2 cores per tile, 2 arrays per core.
inline arch::ArchSpec smallArch() {
  arch::ArchLoadResult loaded = arch::loadArch("isaac");
  EXPECT_TRUE(loaded.ok()) << loaded.errorText();
  arch::ArchSpec spec = loaded.ok() ? loaded.getSpec() : arch::ArchSpec();
  spec.hierarchy = {1, 4, 2, 2};
  spec.noc.meshRows = 2;
  spec.noc.meshCols = 2;
  spec.noc.tilesPerRouter = 1;
  return spec;
}

inline CoreId core(int64_t chip, int64_t tile, int64_t core) {
  CoreId id;
  id.chip = chip;
  id.tile = tile;
  id.core = core;
  return id;
}

inline ArrayId array(const CoreId &core, int64_t index) {
  ArrayId id;
  id.core = core;
  id.array = index;
  return id;
}

class ProgramBuilder {
public:
  explicit ProgramBuilder(const arch::ArchSpec &spec) { program.arch = spec; }

  int64_t value(const std::string &name, ElementType type,
                std::vector<int64_t> shape) {
    ValueInfo info;
    info.name = name;
    info.type = type;
    info.shape = std::move(shape);
    program.values.push_back(info);
    return static_cast<int64_t>(program.values.size()) - 1;
  }
  int64_t input(const std::string &name, ElementType type,
                std::vector<int64_t> shape) {
    int64_t id = value(name, type, std::move(shape));
    program.values[id].isInput = true;
    program.values[id].binding = name;
    return id;
  }
  int64_t constant(const std::string &name, ElementType type,
                   std::vector<int64_t> shape, std::vector<double> data) {
    int64_t id = value(name, type, std::move(shape));
    program.values[id].constant = std::move(data);
    return id;
  }
  void output(int64_t id) {
    program.values[id].isOutput = true;
    program.values[id].binding = program.values[id].name;
  }

  /// Appends to `where`'s stream (created on first use); returns the index.
  int64_t add(const CoreId &where, Instruction inst) {
    for (CoreProgram &stream : program.cores)
      if (stream.core == where) {
        stream.instructions.push_back(std::move(inst));
        return static_cast<int64_t>(stream.instructions.size()) - 1;
      }
    program.cores.push_back({where, {std::move(inst)}});
    return 0;
  }

  Program program;
};

inline Instruction make(Opcode opcode, std::vector<int64_t> inputs,
                        int64_t output) {
  Instruction inst;
  inst.opcode = opcode;
  inst.inputs = std::move(inputs);
  inst.output = output;
  return inst;
}
inline Instruction programCells(int64_t levels, const ArrayId &at,
                                int64_t row = 0, int64_t col = 0) {
  Instruction inst = make(Opcode::Program, {levels}, -1);
  inst.array = at;
  inst.row = row;
  inst.col = col;
  return inst;
}
inline Instruction dac(int64_t in, int64_t out, int64_t inputBits,
                       int64_t dacBits) {
  Instruction inst = make(Opcode::Dac, {in}, out);
  inst.inputBits = inputBits;
  inst.dacBits = dacBits;
  return inst;
}
inline Instruction mvm(int64_t in, int64_t out, const ArrayId &at,
                       int64_t row = 0, int64_t col = 0) {
  Instruction inst = make(Opcode::Mvm, {in}, out);
  inst.array = at;
  inst.row = row;
  inst.col = col;
  return inst;
}
inline Instruction adc(int64_t in, int64_t out, int64_t bits, int64_t shift,
                       bool signedRange) {
  Instruction inst = make(Opcode::Adc, {in}, out);
  inst.adcBits = bits;
  inst.shift = shift;
  inst.signedRange = signedRange;
  return inst;
}
inline Instruction shiftAdd(int64_t in, int64_t out, int64_t dacBits) {
  Instruction inst = make(Opcode::ShiftAdd, {in}, out);
  inst.dacBits = dacBits;
  return inst;
}
inline Instruction recombine(int64_t in, int64_t out,
                             const arch::CellEncoding &encoding) {
  Instruction inst = make(Opcode::Recombine, {in}, out);
  inst.encoding = encoding;
  return inst;
}
inline Instruction transfer(int64_t in, int64_t out, const CoreId &from,
                            int64_t hops, int64_t chipHops = 0) {
  Instruction inst = make(Opcode::Transfer, {in}, out);
  inst.from = from;
  inst.hops = hops;
  inst.chipHops = chipHops;
  return inst;
}

/// One op of a generic's body; `bits` is the integer width its result
/// wraps to (0: a float result), `operandBits` the width unsigned ops read.
inline ScalarOp scalarOp(ScalarOpcode opcode, std::vector<int64_t> operands,
                         int64_t bits = 0, int64_t operandBits = 0) {
  ScalarOp op;
  op.opcode = opcode;
  op.operands = std::move(operands);
  op.bits = bits;
  op.operandBits = operandBits;
  return op;
}
/// A generic over `loopBounds` whose output starts as `fill` (set hasInit
/// and add the initial output to `inputs` for the other kind).
inline Instruction generic(std::vector<int64_t> inputs, int64_t output,
                           std::vector<int64_t> loopBounds,
                           std::vector<Access> accesses,
                           std::vector<ScalarOp> body, int64_t bodyResult,
                           double fill = 0) {
  Instruction inst = make(Opcode::Generic, std::move(inputs), output);
  inst.loopBounds = std::move(loopBounds);
  inst.accesses = std::move(accesses);
  inst.body = std::move(body);
  inst.bodyResult = bodyResult;
  inst.fill = fill;
  return inst;
}

/// Random integers in [lo, hi], reproducible.
inline std::vector<int64_t> randomInts(size_t count, int64_t lo, int64_t hi,
                                       unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<int64_t> values(count);
  for (int64_t &v : values)
    v = dist(gen);
  return values;
}

/// y = x * w for x M x K and w K x N, the plain way.
inline std::vector<int64_t> matmul(const std::vector<int64_t> &x,
                                   const std::vector<int64_t> &w, int64_t m,
                                   int64_t k, int64_t n) {
  std::vector<int64_t> y(m * n, 0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t l = 0; l < k; ++l)
        y[i * n + j] += x[i * k + l] * w[l * n + j];
  return y;
}

/// Ids of the values of a one-array integer product (see buildMatmul).
struct MatmulIds {
  int64_t input = -1, levels = -1, planes = -1, sums = -1, converted = -1,
          combined = -1, result = -1;
};

/// The levels of weights w (K x N) in `encoding`, K x physical columns,
/// with the offset encoding's reference column last.
inline std::vector<double> encodeLevels(const std::vector<int64_t> &w,
                                        int64_t k, int64_t n,
                                        const arch::CellEncoding &encoding) {
  const int64_t perWeight = encoding.columnsPerWeight();
  const int64_t physical = n * perWeight + encoding.referenceColumns();
  std::vector<double> levels(k * physical, 0);
  std::vector<int64_t> digits(perWeight);
  for (int64_t r = 0; r < k; ++r) {
    for (int64_t j = 0; j < n; ++j) {
      encoding.encode(w[r * n + j], digits.data());
      for (int64_t s = 0; s < perWeight; ++s)
        levels[r * physical + j * perWeight + s] =
            static_cast<double>(digits[s]);
    }
    if (encoding.referenceColumns())
      levels[r * physical + physical - 1] =
          static_cast<double>(encoding.referenceLevel());
  }
  return levels;
}

/// Program(levels) -> Dac -> Mvm -> Adc -> ShiftAdd -> Recombine on array 0
/// of `where`, input "x" (M x K, i8) bound, output "y" (M x N).
inline MatmulIds buildMatmul(ProgramBuilder &b, const CoreId &where,
                             const std::vector<int64_t> &w, int64_t m,
                             int64_t k, int64_t n,
                             const arch::CellEncoding &encoding,
                             int64_t inputBits, int64_t dacBits,
                             int64_t adcBits, int64_t shift) {
  MatmulIds ids;
  const int64_t physical =
      n * encoding.columnsPerWeight() + encoding.referenceColumns();
  const int64_t planes = (inputBits + dacBits - 1) / dacBits;
  ids.input = b.input("x", ElementType::I8, {m, k});
  ids.levels = b.constant("levels", ElementType::I8, {k, physical},
                          encodeLevels(w, k, n, encoding));
  ids.planes = b.value("planes", ElementType::I8, {planes, m, k});
  ids.sums = b.value("sums", ElementType::I32, {planes, m, physical});
  ids.converted = b.value("converted", ElementType::I32, {planes, m, physical});
  ids.combined = b.value("combined", ElementType::I32, {m, physical});
  ids.result = b.value("y", ElementType::I32, {m, n});
  b.output(ids.result);
  const ArrayId at = array(where, 0);
  b.add(where, programCells(ids.levels, at));
  b.add(where, dac(ids.input, ids.planes, inputBits, dacBits));
  b.add(where, mvm(ids.planes, ids.sums, at));
  b.add(where, adc(ids.sums, ids.converted, adcBits, shift, true));
  b.add(where, shiftAdd(ids.converted, ids.combined, dacBits));
  b.add(where, recombine(ids.combined, ids.result, encoding));
  return ids;
}

/// Runs `program` and fails the test on error.
inline ExecuteResult runOrFail(const Program &program, const TensorMap &inputs,
                               ExecuteOptions options = {}) {
  ExecuteResult result;
  Status status = execute(program, inputs, options, result);
  EXPECT_TRUE(status.isOk()) << status.message();
  return result;
}

} // namespace cim::runtime::test

#endif // CIM_RUNTIME_UNITTESTS_RUNTIMETESTSUPPORT_H
