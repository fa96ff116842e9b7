//===- GenericFloat.cpp - Generic bodies in f32 registers ----------------===//

#include "GenericFloat.h"

#include "VectorClones.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace cim::runtime;
using namespace cim::runtime::detail;

namespace {

/// maximumF and minimumF in f32, without branches so that their loops
/// vectorize: NaN if either is; of equal operands (+0 and -0 among them)
/// the one whose bits are the AND (maximum: +0) or the OR (minimum: -0).
inline float extremumF(float a, float b, bool maximum) {
  uint32_t ua, ub;
  std::memcpy(&ua, &a, sizeof ua);
  std::memcpy(&ub, &b, sizeof ub);
  const uint32_t tied = maximum ? (ua & ub) : (ua | ub);
  float equal;
  std::memcpy(&equal, &tied, sizeof equal);
  const float picked = maximum ? (a > b ? a : b) : (a < b ? a : b);
  const float result = a == b ? equal : picked;
  return a != a || b != b ? std::numeric_limits<float>::quiet_NaN() : result;
}

} // namespace

bool detail::runsInFloat(const Instruction &inst,
                         const std::vector<const Tensor *> &inputs,
                         const Tensor &out) {
  if (out.type != ElementType::F32 ||
      inst.bodyResult < static_cast<int64_t>(inst.accesses.size()))
    return false;
  for (const Tensor *input : inputs)
    if (input->type != ElementType::F32)
      return false;
  for (const ScalarOp &op : inst.body) {
    switch (op.opcode) {
    case ScalarOpcode::Const:
      if (static_cast<double>(static_cast<float>(op.constant)) != op.constant &&
          !std::isnan(op.constant))
        return false;
      break;
    case ScalarOpcode::AddF:
    case ScalarOpcode::SubF:
    case ScalarOpcode::MulF:
    case ScalarOpcode::DivF:
    case ScalarOpcode::MaxF:
    case ScalarOpcode::MinF:
      if (op.bits == 64)
        return false;
      break;
    default:
      return false;
    }
  }
  return true;
}

CIM_VECTOR_CLONES
void detail::loadFloatRow(const Tensor &t, int64_t offset, int64_t stride,
                          int64_t n, float *row) {
  const float *from = t.floats.data() + offset;
  for (int64_t j = 0; j < n; ++j)
    row[j] = from[j * stride];
}

CIM_VECTOR_CLONES
void detail::applyFloatRow(const ScalarOp &op, const float *regs,
                           int64_t stride, int64_t n, float *result) {
  const float *a = regs + op.operands[0] * stride;
  const float *b = regs + op.operands[op.operands.size() > 1] * stride;
  switch (op.opcode) {
  case ScalarOpcode::AddF:
    for (int64_t j = 0; j < n; ++j)
      result[j] = a[j] + b[j];
    return;
  case ScalarOpcode::SubF:
    for (int64_t j = 0; j < n; ++j)
      result[j] = a[j] - b[j];
    return;
  case ScalarOpcode::MulF:
    for (int64_t j = 0; j < n; ++j)
      result[j] = a[j] * b[j];
    return;
  case ScalarOpcode::DivF:
    for (int64_t j = 0; j < n; ++j)
      result[j] = a[j] / b[j];
    return;
  case ScalarOpcode::MaxF:
    for (int64_t j = 0; j < n; ++j)
      result[j] = extremumF(a[j], b[j], true);
    return;
  case ScalarOpcode::MinF:
    for (int64_t j = 0; j < n; ++j)
      result[j] = extremumF(a[j], b[j], false);
    return;
  default:
    return; // runsInFloat admits no other op
  }
}
