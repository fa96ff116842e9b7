//===- GenericCheck.cpp - What validation and costs read of a generic -----===//
//
// The static side of the vector unit's loop-nest instruction: its point and
// operation counts (the cost model's) and the checks validation runs before
// anything executes it (Generic.cpp runs it).
//
//===----------------------------------------------------------------------===//

#include "Generic.h"

#include <algorithm>
#include <cstdint>

using namespace cim::runtime;
using namespace cim::runtime::detail;

namespace {

/// Operand count of each scalar op; -1 for Extract (one per source dim).
int64_t arity(ScalarOpcode op) {
  switch (op) {
  case ScalarOpcode::Const:
  case ScalarOpcode::Index:
    return 0;
  case ScalarOpcode::Extract:
    return -1;
  case ScalarOpcode::NegF:
  case ScalarOpcode::AbsF:
  case ScalarOpcode::Exp:
  case ScalarOpcode::ExpM1:
  case ScalarOpcode::Log1P:
  case ScalarOpcode::Log:
  case ScalarOpcode::Tanh:
  case ScalarOpcode::Sqrt:
  case ScalarOpcode::Rsqrt:
  case ScalarOpcode::Erf:
  case ScalarOpcode::Floor:
  case ScalarOpcode::Ceil:
  case ScalarOpcode::RoundEven:
  case ScalarOpcode::Round:
  case ScalarOpcode::AbsI:
  case ScalarOpcode::SIToFP:
  case ScalarOpcode::UIToFP:
  case ScalarOpcode::FPToSI:
  case ScalarOpcode::FPToUI:
  case ScalarOpcode::ExtSI:
  case ScalarOpcode::ExtUI:
  case ScalarOpcode::TruncI:
  case ScalarOpcode::TruncF:
    return 1;
  case ScalarOpcode::Select:
    return 3;
  default:
    return 2;
  }
}

} // namespace

int64_t detail::genericIterations(const Instruction &inst) {
  int64_t points = 1;
  for (int64_t bound : inst.loopBounds)
    points *= bound;
  return points;
}

int64_t detail::genericOpsPerPoint(const Instruction &inst) {
  int64_t ops = 0;
  for (const ScalarOp &op : inst.body)
    if (op.opcode != ScalarOpcode::Const && op.opcode != ScalarOpcode::Index)
      ++ops;
  return std::max<int64_t>(ops, 1);
}

std::string detail::checkGeneric(const Instruction &inst,
                                 const std::vector<ValueInfo> &values) {
  const size_t loops = inst.loopBounds.size();
  if (inst.accesses.empty())
    return "needs an access for its output";
  const size_t accessed = inst.accesses.size() - 1;
  const size_t leading = accessed + (inst.hasInit ? 1 : 0);
  if (inst.inputs.size() < leading)
    return "has " + std::to_string(accessed) + " accessed input(s)" +
           (inst.hasInit ? " and an initial output" : "") + " but " +
           std::to_string(inst.inputs.size()) + " input(s)";
  // Bounds of 2^31 and strides of 2^32 keep every offset sum in 128 bits
  // far from overflow; the sums themselves must then land inside.
  for (size_t l = 0; l < loops; ++l)
    if (inst.loopBounds[l] < 0 || inst.loopBounds[l] > (int64_t(1) << 31))
      return "loop " + std::to_string(l) + " bound " +
             std::to_string(inst.loopBounds[l]) + " is outside 0..2^31";
  // The nest is empty when a bound is 0; otherwise its points are bounded
  // (a product of 2^31 bounds would wrap int64 and pass as empty).
  bool empty = false;
  __int128 points = 1;
  for (int64_t bound : inst.loopBounds) {
    empty |= bound == 0;
    points *= bound;
    if (points > (__int128(1) << 40))
      points = __int128(1) << 41; // saturate: the check below refuses it
  }
  if (!empty && points > (__int128(1) << 40))
    return "the loop nest has more than 2^40 points";
  for (size_t a = 0; a < inst.accesses.size(); ++a) {
    const Access &access = inst.accesses[a];
    const ValueInfo &operand =
        values[a < accessed ? inst.inputs[a] : inst.output];
    const std::string what =
        a < accessed ? "access " + std::to_string(a) + " ('" + operand.name +
                           "')"
                     : "output access ('" + operand.name + "')";
    if (access.strides.size() != loops)
      return what + " has " + std::to_string(access.strides.size()) +
             " strides for " + std::to_string(loops) + " loops";
    if (empty)
      continue;
    __int128 low = access.offset, high = access.offset;
    for (size_t l = 0; l < loops; ++l) {
      if (access.strides[l] < -(int64_t(1) << 32) ||
          access.strides[l] > (int64_t(1) << 32))
        return what + " stride " + std::to_string(access.strides[l]) +
               " is outside +-2^32";
      const __int128 span =
          static_cast<__int128>(access.strides[l]) * (inst.loopBounds[l] - 1);
      (span < 0 ? low : high) += span;
    }
    if (low < 0 || high >= operand.numElements())
      return what + " reaches elements " + std::to_string((int64_t)low) +
             ".." + std::to_string((int64_t)high) + " of " +
             std::to_string(operand.numElements());
  }
  if (inst.hasInit) {
    const ValueInfo &init = values[inst.inputs[accessed]];
    const ValueInfo &out = values[inst.output];
    if (init.type != out.type || init.shape != out.shape)
      return "initial output '" + init.name +
             "' must have the type and shape of the output '" + out.name + "'";
  }
  const int64_t args = static_cast<int64_t>(inst.accesses.size());
  const size_t sources = inst.inputs.size() - leading;
  for (size_t i = 0; i < inst.body.size(); ++i) {
    const ScalarOp &op = inst.body[i];
    const std::string at = "body op " + std::to_string(i) + " (" +
                           toString(op.opcode) + ")";
    int64_t expected = arity(op.opcode);
    if (op.opcode == ScalarOpcode::Extract) {
      if (op.dim < 0 || static_cast<size_t>(op.dim) >= sources)
        return at + " reads gather source " + std::to_string(op.dim) +
               ", but there are " + std::to_string(sources);
      expected = static_cast<int64_t>(
          values[inst.inputs[leading + op.dim]].shape.size());
    }
    if (op.opcode == ScalarOpcode::Index &&
        (op.dim < 0 || static_cast<size_t>(op.dim) >= loops))
      return at + " reads loop " + std::to_string(op.dim) + " of " +
             std::to_string(loops);
    if (static_cast<int64_t>(op.operands.size()) != expected)
      return at + " takes " + std::to_string(expected) + " operand(s), got " +
             std::to_string(op.operands.size());
    for (int64_t r : op.operands)
      if (r < 0 || r >= args + static_cast<int64_t>(i))
        return at + " reads register " + std::to_string(r) +
               ", which is not defined before it";
    if (op.bits < 0 || op.bits > 64 || op.operandBits < 0 ||
        op.operandBits > 64)
      return at + " has integer widths outside 0..64";
    if ((op.opcode == ScalarOpcode::CmpF || op.opcode == ScalarOpcode::CmpI) &&
        (op.predicate < 0 ||
         op.predicate > (op.opcode == ScalarOpcode::CmpF ? 15 : 9)))
      return at + " has no predicate " + std::to_string(op.predicate);
  }
  const int64_t registers = args + static_cast<int64_t>(inst.body.size());
  if (inst.bodyResult < 0 || inst.bodyResult >= registers)
    return "body result register " + std::to_string(inst.bodyResult) +
           " is not one of its " + std::to_string(registers);
  return "";
}
