//===- Disassemble.cpp - A readable listing of a program ------------------===//
//
// One line per value and per instruction, in the style of the xbar ops the
// instructions come from: `%3 = mvm %2 array 0 at (0, 0)`. Values are named
// by id (`%3`) and their names are in the value table. Deterministic (equal
// programs list identically): every operand an opcode reads is printed, and
// constants whole up to a limit, then by count and checksum.
//
//===----------------------------------------------------------------------===//

#include "cim/runtime/ProgramIO.h"

#include <cmath>
#include <cstdio>
#include <cstring>

using namespace cim;
using namespace cim::runtime;

/// Constants with at most this many elements are listed whole.
static constexpr size_t kListedElements = 16;

/// The shortest text that reads back as the same double.
static std::string number(double x) {
  char text[32];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(text, sizeof(text), "%.*g", precision, x);
    if (std::strtod(text, nullptr) == x || std::isnan(x))
      break;
  }
  return text;
}

static std::string shapeString(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t d = 0; d < shape.size(); ++d)
    text += (d ? "x" : "") + std::to_string(shape[d]);
  return text + "]";
}

static std::string valueRef(int64_t id) { return "%" + std::to_string(id); }

static std::string coreString(const CoreId &core) {
  return "(" + std::to_string(core.chip) + ", " + std::to_string(core.tile) +
         ", " + std::to_string(core.core) + ")";
}

/// FNV-1a over the elements' bits: a fingerprint of long constants.
static uint64_t checksum(const std::vector<double> &data) {
  uint64_t hash = 1469598103934665603ull;
  for (double x : data) {
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof(bits));
    for (int b = 0; b < 8; ++b) {
      hash ^= (bits >> (8 * b)) & 0xff;
      hash *= 1099511628211ull;
    }
  }
  return hash;
}

static std::string describeValue(int64_t id, const ValueInfo &value) {
  std::string line = "  " + valueRef(id) + " '" + value.name + "' " +
                     toString(value.type) + shapeString(value.shape);
  if (value.isInput)
    line += " input '" + value.binding + "'";
  if (value.isOutput)
    line += " output '" + value.binding + "'";
  if (!value.constant.empty()) {
    line += " constant";
    if (value.constant.size() <= kListedElements) {
      line += " [";
      for (size_t e = 0; e < value.constant.size(); ++e)
        line += (e ? ", " : "") + number(value.constant[e]);
      line += "]";
    } else {
      char hash[32];
      std::snprintf(hash, sizeof(hash), "%016llx",
                    static_cast<unsigned long long>(checksum(value.constant.values())));
      line += " (" + std::to_string(value.constant.size()) +
              " elements, checksum " + hash + ")";
    }
  }
  return line + "\n";
}

static std::string operands(const Instruction &inst) {
  std::string text;
  for (size_t i = 0; i < inst.inputs.size(); ++i)
    text += (i ? ", " : " ") + valueRef(inst.inputs[i]);
  return text;
}

static std::string block(const Instruction &inst) {
  return " array " + std::to_string(inst.array.array) + " of core " +
         coreString(inst.array.core) + " at (" + std::to_string(inst.row) +
         ", " + std::to_string(inst.col) + ")";
}

static std::string list(const std::vector<int64_t> &values) {
  std::string text = "[";
  for (size_t d = 0; d < values.size(); ++d)
    text += (d ? ", " : "") + std::to_string(values[d]);
  return text + "]";
}

/// `loops [..] access <offset>+[strides].. out .. fill|init {r2 = addf r0,
/// r1; ..} -> r2`: registers r0.. are the body's arguments, then its ops.
static std::string genericOperands(const Instruction &inst) {
  std::string text = " loops " + list(inst.loopBounds);
  for (size_t a = 0; a < inst.accesses.size(); ++a) {
    const Access &access = inst.accesses[a];
    text += (a + 1 == inst.accesses.size() ? " out " : " in ") +
            std::to_string(access.offset) + "+" + list(access.strides);
  }
  text += inst.hasInit ? " init" : " fill " + number(inst.fill);
  const size_t args = inst.accesses.size();
  text += " {";
  for (size_t i = 0; i < inst.body.size(); ++i) {
    const ScalarOp &op = inst.body[i];
    text += (i ? "; r" : "r") + std::to_string(args + i) + " = " +
            toString(op.opcode);
    for (size_t o = 0; o < op.operands.size(); ++o)
      text += (o ? ", r" : " r") + std::to_string(op.operands[o]);
    switch (op.opcode) {
    case ScalarOpcode::Const:
      text += " " + number(op.constant);
      break;
    case ScalarOpcode::Index:
    case ScalarOpcode::Extract:
      text += " dim " + std::to_string(op.dim);
      break;
    case ScalarOpcode::CmpF:
    case ScalarOpcode::CmpI:
      text += " predicate " + std::to_string(op.predicate);
      break;
    default:
      break;
    }
    if (op.bits)
      text += " i" + std::to_string(op.bits);
    if (op.operandBits)
      text += " from i" + std::to_string(op.operandBits);
  }
  return text + "} -> r" + std::to_string(inst.bodyResult);
}

static std::string describeInstruction(int64_t index, const Instruction &inst) {
  std::string line = "  " + std::to_string(index) + ": ";
  if (inst.opcode != Opcode::Program)
    line += valueRef(inst.output) + " = ";
  line += toString(inst.opcode);
  line += operands(inst);
  switch (inst.opcode) {
  case Opcode::Program:
  case Opcode::Mvm:
    line += block(inst);
    break;
  case Opcode::Dac:
    line += " input_bits " + std::to_string(inst.inputBits) + " dac_bits " +
            std::to_string(inst.dacBits);
    break;
  case Opcode::Adc:
    line += " bits " + std::to_string(inst.adcBits) + " shift " +
            std::to_string(inst.shift) +
            (inst.signedRange ? " signed" : " unsigned");
    break;
  case Opcode::ShiftAdd:
    line += " dac_bits " + std::to_string(inst.dacBits);
    break;
  case Opcode::Recombine:
  case Opcode::Encode: {
    const arch::CellEncoding &e = inst.encoding;
    line += std::string(" encoding ") + arch::toString(e.scheme) +
            " weight_bits " + std::to_string(e.weightBits) + " cell_bits " +
            std::to_string(e.bitsPerCell) + " slices " +
            std::to_string(e.slices) + (e.pairedColumns ? " paired" : "");
    break;
  }
  case Opcode::Accumulate:
    break;
  case Opcode::Rescale:
    line += " weight_scales [";
    for (size_t s = 0; s < inst.weightScales.size(); ++s)
      line += (s ? ", " : "") + number(inst.weightScales[s]);
    line += "]";
    if (inst.idealInput >= 0)
      line += " ideal(" + valueRef(inst.idealInput) + ", " +
              valueRef(inst.idealWeight) + ")";
    break;
  case Opcode::Quantize:
    if (inst.inputs.size() < 2)
      line += " scale " + number(inst.scale);
    line += " bits " + std::to_string(inst.quantBits);
    break;
  case Opcode::DynamicScale:
    line += " bits " + std::to_string(inst.quantBits);
    break;
  case Opcode::Slice:
    line += " offsets " + list(inst.offsets) + " sizes " + list(inst.sizes);
    break;
  case Opcode::Generic:
    line += genericOperands(inst);
    break;
  case Opcode::Reshape:
    break;
  case Opcode::Concat:
    line += " axis " + std::to_string(inst.axis);
    break;
  case Opcode::Transfer:
    line += " from core " + coreString(inst.from) + " hops " +
            std::to_string(inst.hops) + " chip_hops " +
            std::to_string(inst.chipHops);
    break;
  }
  if (!inst.node.empty())
    line += "  // " + inst.node;
  return line + "\n";
}

std::string cim::runtime::disassemble(const Program &program) {
  const arch::Hierarchy &h = program.arch.hierarchy;
  std::string text = "arch '" + program.arch.name +
                     "': " + std::to_string(h.chips) + " chips x " +
                     std::to_string(h.tilesPerChip) + " tiles x " +
                     std::to_string(h.coresPerTile) + " cores x " +
                     std::to_string(h.arraysPerCore) + " arrays of " +
                     std::to_string(program.arch.array.rows) + "x" +
                     std::to_string(program.arch.array.cols) + "\n";
  text += "values (" + std::to_string(program.values.size()) + "):\n";
  for (size_t v = 0; v < program.values.size(); ++v)
    text += describeValue(static_cast<int64_t>(v), program.values[v]);
  for (const CoreProgram &stream : program.cores) {
    text += "core " + coreString(stream.core) + ", " +
            std::to_string(stream.instructions.size()) + " instructions:\n";
    for (size_t i = 0; i < stream.instructions.size(); ++i)
      text +=
          describeInstruction(static_cast<int64_t>(i), stream.instructions[i]);
  }
  return text;
}
