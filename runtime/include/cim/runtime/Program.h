//===- Program.h - A compiled program, in memory -----------------*- C++
//-*-===//
//
// What the simulator executes: the machine it was compiled for, the values
// (tensors) the instructions read and write, and one instruction stream per
// core. Instructions mirror the xbar ops one to one
// (docs/design/runtime-isa.md); their integer semantics are the shared ones of
// arch::CellEncoding and of the converter functions below, so the compiler's
// folders and the simulator compute the same bits.
//
// Plain C++17: no MLIR, no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_PROGRAM_H
#define CIM_RUNTIME_PROGRAM_H

#include "cim/Arch/ArchSpec.h"
#include "cim/Arch/CellEncoding.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cim::runtime {

enum class ElementType { I8, I16, I32, I64, F32 };

/// One tensor of the program. Values are written once (SSA), by one
/// instruction or by the host (inputs, constants).
struct ValueInfo {
  std::string name;
  ElementType type = ElementType::F32;
  std::vector<int64_t> shape;
  /// Row-major contents for constants; empty otherwise.
  std::vector<double> constant;
  /// ONNX input or output name for bound values; empty otherwise.
  std::string binding;
  bool isInput = false;
  bool isOutput = false;

  int64_t numElements() const;
  int64_t bytes() const;
};

struct CoreId {
  int64_t chip = 0, tile = 0, core = 0;
  bool operator==(const CoreId &o) const {
    return chip == o.chip && tile == o.tile && core == o.core;
  }
};

struct ArrayId {
  CoreId core;
  int64_t array = 0;
};

enum class Opcode {
  /// Write `levels` (a constant K x C) into `array` at (row, col).
  Program,
  /// inputs[0] M x K -> planes P x M x K (inputBits, dacBits).
  Dac,
  /// inputs[0] planes P x M x K -> raw sums P x M x C over the block.
  Mvm,
  /// inputs[0] sums -> converted values (bits, shift, signedRange).
  Adc,
  /// inputs[0] P x M x C -> M x C, plane p weighted 2^(p * dacBits).
  ShiftAdd,
  /// inputs[0] column sums M x (N*cpw + ref) -> M x N (encoding).
  Recombine,
  /// inputs... summed elementwise (partial sums of row blocks).
  Accumulate,
  /// inputs[0] accumulator, inputs[1] scalar input scale -> float
  /// acc * scale * weightScales[n].
  Rescale,
  /// inputs[0] float -> integer, symmetric with scales (per tensor).
  Quantize,
  /// Copy inputs[0] from `from` to the instruction's core.
  Transfer,
  /// inputs[0] -> the block at `offsets` of shape `sizes` (unit strides, the
  /// rank kept): tensor.extract_slice.
  Slice,
  /// inputs... joined along dimension `axis`, in order: tensor.concat.
  Concat,
};

struct Instruction {
  Opcode opcode = Opcode::Program;
  /// Value ids read, in order.
  std::vector<int64_t> inputs;
  /// Value id written (-1 for Program).
  int64_t output = -1;
  /// ONNX node the instruction came from (for reports and traces).
  std::string node;

  // Operands of particular opcodes.
  ArrayId array;                       // Program, Mvm
  int64_t row = 0, col = 0;            // Program, Mvm
  int64_t inputBits = 8, dacBits = 1;  // Dac, ShiftAdd (dacBits)
  int64_t adcBits = 8, shift = 0;      // Adc
  bool signedRange = false;            // Adc
  arch::CellEncoding encoding;         // Recombine
  std::vector<double> weightScales;    // Rescale
  double scale = 1.0;                  // Quantize
  int64_t quantBits = 8;               // Quantize
  CoreId from;                         // Transfer
  int64_t hops = 0, chipHops = 0;      // Transfer
  std::vector<int64_t> offsets, sizes; // Slice
  int64_t axis = 0;                    // Concat
};

struct CoreProgram {
  CoreId core;
  std::vector<Instruction> instructions;
};

struct Program {
  /// The spec the program was compiled for, embedded so that compiler and
  /// simulator can never disagree.
  arch::ArchSpec arch;
  std::vector<ValueInfo> values;
  std::vector<CoreProgram> cores;
};

const char *toString(Opcode opcode);
const char *toString(ElementType type);
int64_t elementBytes(ElementType type);
/// Every type but F32 holds integers (stored as int64 while executing).
bool isInteger(ElementType type);
/// "core (chip 0, tile 3, core 1)": how messages and reports name a core.
std::string toString(const CoreId &core);

} // namespace cim::runtime

#endif // CIM_RUNTIME_PROGRAM_H
