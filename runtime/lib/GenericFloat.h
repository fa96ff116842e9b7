//===- GenericFloat.h - Generic bodies in f32 registers --------*- C++ -*-===//
//
// Private to the runtime library. A Generic body runs on rows of registers
// (Generic.cpp), in double in general. A body of only f32 arithmetic and
// extrema over f32 operands gives the same bits in f32 registers: the
// double result of an f32 add, subtract, multiply or divide rounded to f32
// is the f32 operation's result. Twice the vector lanes, half the bytes.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_GENERICFLOAT_H
#define CIM_RUNTIME_LIB_GENERICFLOAT_H

#include "cim/runtime/Program.h"
#include "cim/runtime/Tensor.h"

#include <cstdint>
#include <vector>

namespace cim::runtime::detail {

/// Whether the body of `inst` (a Generic over `inputs` into `out`)
/// computes in f32 registers with the bits of the double ones: f32
/// operands and result, only f32 arithmetic and extrema, constants that
/// are f32 values, and a result that some op computes (a loaded register
/// passed through would keep a signaling NaN the double path quiets).
bool runsInFloat(const Instruction &inst,
                 const std::vector<const Tensor *> &inputs, const Tensor &out);

/// Reads n f32 elements of `t`, `stride` apart from `offset`.
void loadFloatRow(const Tensor &t, int64_t offset, int64_t stride, int64_t n,
                  float *row);

/// Body op `op` (one runsInFloat admits) over a row of n points: register
/// r of point j is regs[r * stride + j].
void applyFloatRow(const ScalarOp &op, const float *regs, int64_t stride,
                   int64_t n, float *result);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_GENERICFLOAT_H
