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

#include "cim/runtime/ConstantData.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cim::runtime {

/// I1 holds booleans as 0 or 1, one byte each.
enum class ElementType { I8, I16, I32, I64, F32, I1, F64 };

/// One tensor of the program. Values are written once (SSA), by one
/// instruction or by the host (inputs, constants).
struct ValueInfo {
  std::string name;
  ElementType type = ElementType::F32;
  std::vector<int64_t> shape;
  /// Row-major contents for constants; empty otherwise.
  ConstantData constant;
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
  /// inputs[0] float -> integer, symmetric, per tensor: by `scale`, or by
  /// inputs[1] (one f32 element, from DynamicScale) when given.
  Quantize,
  /// Copy inputs[0] from `from` to the instruction's core.
  Transfer,
  /// inputs[0] -> the block at `offsets` of shape `sizes` (unit strides, the
  /// rank kept): tensor.extract_slice.
  Slice,
  /// inputs... joined along dimension `axis`, in order: tensor.concat.
  Concat,
  /// A loop nest on the vector unit (linalg.generic with its indexing maps
  /// resolved to strides): see Generic below.
  Generic,
  /// inputs[0] with a new shape of as many elements, same order (row-major
  /// reinterpretation: tensor.expand_shape / collapse_shape): a buffer view.
  Reshape,
  /// inputs[0] f32 -> one f32 element max|x| / (2^(quantBits-1) - 1), 1 when
  /// x is all zero: the scale of cim.quantize_dynamic.
  DynamicScale,
  /// inputs[0] integer weights K x N -> cell levels K x physical by
  /// `encoding` (cim.encode_weights): the reprogram path's levels, written
  /// by a later Program.
  Encode,
};

/// The scalar operations of a Generic body, as X(enumerator, name). Float
/// ops compute in double and the result is rounded to f32 when stored;
/// integer ops compute in int64 and wrap to `bits` (exact while values stay
/// within 2^53). The program file stores an op by its position in this list
/// (changing the list changes the format version).
///
///   const       `constant`
///   index       the index of loop `dim` (linalg.index)
///   extract     the element of gather source `dim` at the operands as
///               indices (tensor.extract), bounds checked
///   cmpf, cmpi  `predicate` in arith::CmpFPredicate / CmpIPredicate
///               numbering; result 0 or 1
///   select      operands: condition, value if non-zero, value if zero
///   the rest    as the arith / math op of the same name
#define CIM_SCALAR_OPCODES(X)                                                 \
  X(Const, "const") X(Index, "index") X(Extract, "extract")                   \
  X(AddF, "addf") X(SubF, "subf") X(MulF, "mulf") X(DivF, "divf")             \
  X(RemF, "remf") X(MaxF, "maximumf") X(MinF, "minimumf")                     \
  X(MaxNumF, "maxnumf") X(MinNumF, "minnumf") X(PowF, "powf")                 \
  X(NegF, "negf") X(AbsF, "absf") X(Exp, "exp") X(Log, "log") X(Tanh, "tanh") \
  X(Sqrt, "sqrt") X(Rsqrt, "rsqrt") X(Erf, "erf") X(Floor, "floor")           \
  X(Ceil, "ceil") X(RoundEven, "roundeven") X(Round, "round")                 \
  X(AddI, "addi") X(SubI, "subi") X(MulI, "muli") X(DivSI, "divsi")           \
  X(DivUI, "divui") X(RemSI, "remsi") X(RemUI, "remui") X(MaxSI, "maxsi")     \
  X(MinSI, "minsi") X(MaxUI, "maxui") X(MinUI, "minui") X(AbsI, "absi")       \
  X(AndI, "andi") X(OrI, "ori") X(XOrI, "xori") X(ShLI, "shli")               \
  X(ShRSI, "shrsi") X(ShRUI, "shrui") X(CmpF, "cmpf") X(CmpI, "cmpi")         \
  X(Select, "select") X(SIToFP, "sitofp") X(UIToFP, "uitofp")                 \
  X(FPToSI, "fptosi") X(FPToUI, "fptoui") X(ExtSI, "extsi") X(ExtUI, "extui") \
  X(TruncI, "trunci") X(TruncF, "truncf") X(IPowI, "ipowi")                  \
  X(ExpM1, "expm1") X(Log1P, "log1p")

enum class ScalarOpcode {
#define CIM_SCALAR_ENUMERATOR(op, name) op,
  CIM_SCALAR_OPCODES(CIM_SCALAR_ENUMERATOR)
#undef CIM_SCALAR_ENUMERATOR
};

#define CIM_SCALAR_COUNT(op, name) +1
inline constexpr int64_t kScalarOpcodeCount =
    0 CIM_SCALAR_OPCODES(CIM_SCALAR_COUNT);
#undef CIM_SCALAR_COUNT

/// One scalar operation of a Generic body. Registers are numbered: first
/// the body's arguments (one per accessed input, then the output's current
/// element), then one per op in order.
struct ScalarOp {
  ScalarOpcode opcode = ScalarOpcode::Const;
  std::vector<int64_t> operands;
  double constant = 0;   // Const
  int64_t dim = 0;       // Index: loop; Extract: gather source
  int64_t predicate = 0; // CmpF, CmpI
  /// Integer result width the result wraps to (1..64); 0 for float results.
  int64_t bits = 0;
  /// Integer width unsigned ops read their operands at (DivUI, RemUI, MaxUI,
  /// MinUI, ShRUI, CmpI, UIToFP, ExtUI); 0 when unused.
  int64_t operandBits = 0;
};

/// How a Generic reaches one operand: at loop point i it reads (or writes)
/// the operand's row-major element offset + sum_l strides[l] * i[l].
struct Access {
  int64_t offset = 0;
  std::vector<int64_t> strides;
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
  /// Rescale: the product's real-valued reference, value ids of its float
  /// input ([M, K] or [M, G, K]) and weight ([K, N] or [G, K, N]), or -1.
  /// Not inputs: nothing moves them; ideal numerics compute the rescale's
  /// result as their product.
  int64_t idealInput = -1, idealWeight = -1;
  double scale = 1.0;                  // Quantize
  int64_t quantBits = 8;               // Quantize
  CoreId from;                         // Transfer
  int64_t hops = 0, chipHops = 0;      // Transfer
  std::vector<int64_t> offsets, sizes; // Slice
  int64_t axis = 0;                    // Concat

  // Generic: for every point of the loop nest `loopBounds` in row-major
  // order, the body reads each accessed input and the output's current
  // element and its result replaces that element. Inputs are the accessed
  // inputs (accesses[0 .. n-2]), then the initial output if `hasInit`
  // (else the output starts as `fill` everywhere), then the gather sources
  // Extract reads whole. accesses.back() is the output's.
  std::vector<int64_t> loopBounds;
  std::vector<Access> accesses;
  bool hasInit = false;
  double fill = 0;
  std::vector<ScalarOp> body;
  int64_t bodyResult = 0;
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
const char *toString(ScalarOpcode opcode);
const char *toString(ElementType type);
int64_t elementBytes(ElementType type);
/// Bits of an integer element type (1 for I1), 32 for F32.
int64_t integerBits(ElementType type);
/// Every type but F32 and F64 holds integers (stored as int64 while
/// executing; floats as double).
bool isInteger(ElementType type);
/// "core (chip 0, tile 3, core 1)": how messages and reports name a core.
std::string toString(const CoreId &core);

} // namespace cim::runtime

#endif // CIM_RUNTIME_PROGRAM_H
