//===- ScalarBody.cpp - linalg bodies as runtime scalar ops ---------------===//

#include "ScalarBody.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace cim;

namespace rt = cim::runtime;

/// The ops that are one runtime scalar op each, by name.
static const llvm::StringMap<rt::ScalarOpcode> &scalarOpcodes() {
  using S = rt::ScalarOpcode;
  static const llvm::StringMap<rt::ScalarOpcode> table = {
      {"arith.addf", S::AddF},       {"arith.subf", S::SubF},
      {"arith.mulf", S::MulF},       {"arith.divf", S::DivF},
      {"arith.remf", S::RemF},       {"arith.maximumf", S::MaxF},
      {"arith.minimumf", S::MinF},   {"math.powf", S::PowF},
      {"arith.maxnumf", S::MaxNumF}, {"arith.minnumf", S::MinNumF},
      {"arith.negf", S::NegF},       {"math.absf", S::AbsF},
      {"math.exp", S::Exp},          {"math.log", S::Log},
      {"math.expm1", S::ExpM1},      {"math.log1p", S::Log1P},
      {"math.tanh", S::Tanh},        {"math.sqrt", S::Sqrt},
      {"math.rsqrt", S::Rsqrt},      {"math.erf", S::Erf},
      {"math.floor", S::Floor},      {"math.ceil", S::Ceil},
      {"math.roundeven", S::RoundEven}, {"math.round", S::Round},
      {"arith.addi", S::AddI},       {"arith.subi", S::SubI},
      {"arith.muli", S::MulI},       {"arith.divsi", S::DivSI},
      {"arith.divui", S::DivUI},     {"arith.remsi", S::RemSI},
      {"arith.remui", S::RemUI},     {"arith.maxsi", S::MaxSI},
      {"arith.minsi", S::MinSI},     {"arith.maxui", S::MaxUI},
      {"arith.minui", S::MinUI},     {"math.absi", S::AbsI},
      {"arith.andi", S::AndI},       {"arith.ori", S::OrI},
      {"arith.xori", S::XOrI},       {"arith.shli", S::ShLI},
      {"arith.shrsi", S::ShRSI},     {"arith.shrui", S::ShRUI},
      {"math.ipowi", S::IPowI},
      {"arith.cmpf", S::CmpF},       {"arith.cmpi", S::CmpI},
      {"arith.select", S::Select},   {"arith.sitofp", S::SIToFP},
      {"arith.uitofp", S::UIToFP},   {"arith.fptosi", S::FPToSI},
      {"arith.fptoui", S::FPToUI},   {"arith.extsi", S::ExtSI},
      {"arith.extui", S::ExtUI},     {"arith.trunci", S::TruncI},
      {"arith.truncf", S::TruncF},
  };
  return table;
}

/// Integer width of a scalar type (index as 64), 0 for floats.
static int64_t integerBits(Type type) {
  if (type.isIndex())
    return 64;
  if (auto integer = dyn_cast<IntegerType>(type))
    return integer.getWidth();
  return 0;
}

std::optional<double> cim::scalarConstant(Value value) {
  Attribute attr;
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    attr = constant.getValue();
  if (auto f = dyn_cast_if_present<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto i = dyn_cast_if_present<IntegerAttr>(attr))
    return i.getType().isInteger(1) ? double(i.getValue().getBoolValue())
                                    : double(i.getValue().getSExtValue());
  return std::nullopt;
}

namespace {

class BodyTranslator {
public:
  BodyTranslator(DenseMap<Value, int64_t> registers,
                 const DenseMap<Value, double> &constants, int64_t argCount,
                 Operation *at)
      : registers(std::move(registers)), constants(constants),
        argCount(argCount), at(at) {}

  FailureOr<ScalarBody> run(Block &block);

private:
  /// The register holding `value`, adding a Const op for a constant.
  FailureOr<int64_t> registerOf(Value value, Operation *user);
  LogicalResult translate(Operation &op);
  int64_t append(rt::ScalarOp op) {
    body.ops.push_back(std::move(op));
    return argCount + static_cast<int64_t>(body.ops.size()) - 1;
  }

  DenseMap<Value, int64_t> registers;
  const DenseMap<Value, double> &constants;
  int64_t argCount;
  Operation *at;
  ScalarBody body;
};

} // namespace

FailureOr<int64_t> BodyTranslator::registerOf(Value value, Operation *user) {
  auto it = registers.find(value);
  if (it != registers.end())
    return it->second;
  std::optional<double> constant = scalarConstant(value);
  if (auto known = constants.find(value); known != constants.end())
    constant = known->second;
  if (constant) {
    rt::ScalarOp op;
    op.opcode = rt::ScalarOpcode::Const;
    op.constant = *constant;
    op.bits = integerBits(value.getType());
    const int64_t reg = append(op);
    registers[value] = reg;
    return reg;
  }
  return at->emitError() << "'" << user->getName() << "' in the body of '"
                         << at->getName()
                         << "' reads a value computed outside the body "
                            "that is not a constant; the runtime's generic "
                            "reads only its operands, gather sources and "
                            "constants";
}

LogicalResult BodyTranslator::translate(Operation &op) {
  StringRef name = op.getName().getStringRef();
  // Floats are f32 or f64 on the vector unit: rounding through f16 or
  // bf16 would be silently wrong.
  auto otherFloat = [](Type type) {
    return isa<FloatType>(type) && !type.isF32() && !type.isF64();
  };
  for (Type type : llvm::concat<const Type>(op.getOperandTypes(),
                                            op.getResultTypes()))
    if (otherFloat(type))
      return at->emitError() << "'" << name << "' in the body of '"
                             << at->getName() << "' computes in " << type
                             << "; the runtime's scalar ops compute in f32 "
                                "or f64";
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    if (failed(registerOf(constant.getResult(), &op)))
      return failure();
    return success();
  }
  // Conversions that leave the value as the runtime holds it unchanged:
  // extf (values are f32 already), and index casts that widen with the
  // sign (or keep the width).
  const bool indexCast = isa<arith::IndexCastOp, arith::IndexCastUIOp>(op);
  const int64_t fromBits =
      op.getNumOperands() ? integerBits(op.getOperand(0).getType()) : 0;
  const int64_t toBits =
      op.getNumResults() ? integerBits(op.getResult(0).getType()) : 0;
  if (isa<arith::ExtFOp>(op) ||
      (indexCast && (toBits == fromBits ||
                     (toBits > fromBits && isa<arith::IndexCastOp>(op))))) {
    FailureOr<int64_t> reg = registerOf(op.getOperand(0), &op);
    if (failed(reg))
      return failure();
    registers[op.getResult(0)] = *reg;
    return success();
  }
  rt::ScalarOp scalar;
  if (auto index = dyn_cast<linalg::IndexOp>(op)) {
    scalar.opcode = rt::ScalarOpcode::Index;
    scalar.dim = static_cast<int64_t>(index.getDim());
  } else if (auto extract = dyn_cast<tensor::ExtractOp>(op)) {
    Value source = extract.getTensor();
    if (source.getParentBlock() == op.getBlock())
      return at->emitError() << "'tensor.extract' in the body of '"
                             << at->getName()
                             << "' reads a tensor made inside the body";
    scalar.opcode = rt::ScalarOpcode::Extract;
    auto found = llvm::find(body.sources, source);
    scalar.dim = found - body.sources.begin();
    if (found == body.sources.end())
      body.sources.push_back(source);
    for (Value index : extract.getIndices()) {
      FailureOr<int64_t> reg = registerOf(index, &op);
      if (failed(reg))
        return failure();
      scalar.operands.push_back(*reg);
    }
    registers[op.getResult(0)] = append(scalar);
    return success();
  } else if (indexCast) {
    // Narrowing (index to i32) wraps; index_castui widens without sign.
    scalar.opcode =
        toBits > fromBits ? rt::ScalarOpcode::ExtUI : rt::ScalarOpcode::TruncI;
  } else {
    auto found = scalarOpcodes().find(name);
    if (found == scalarOpcodes().end())
      return at->emitError()
             << "'" << name << "' in the body of '" << at->getName()
             << "' has no runtime scalar operation (docs/isa.md, generic)";
    scalar.opcode = found->second;
    if (auto cmpf = dyn_cast<arith::CmpFOp>(op))
      scalar.predicate = static_cast<int64_t>(cmpf.getPredicate());
    if (auto cmpi = dyn_cast<arith::CmpIOp>(op))
      scalar.predicate = static_cast<int64_t>(cmpi.getPredicate());
  }
  if (op.getNumResults() != 1)
    return at->emitError() << "'" << name << "' in the body of '"
                           << at->getName() << "' must have one result";
  // An integer result's width; 64 marks an f64 result (no f32 rounding).
  scalar.bits = op.getResult(0).getType().isF64()
                    ? 64
                    : integerBits(op.getResult(0).getType());
  if (op.getNumOperands() > 0)
    scalar.operandBits = integerBits(op.getOperand(0).getType());
  if (scalar.opcode == rt::ScalarOpcode::Select)
    scalar.operandBits = 0;
  for (Value operand : op.getOperands()) {
    FailureOr<int64_t> reg = registerOf(operand, &op);
    if (failed(reg))
      return failure();
    scalar.operands.push_back(*reg);
  }
  registers[op.getResult(0)] = append(scalar);
  return success();
}

FailureOr<ScalarBody> BodyTranslator::run(Block &block) {
  for (Operation &op : block.without_terminator())
    if (failed(translate(op)))
      return failure();
  Operation *terminator = block.getTerminator();
  if (terminator->getNumOperands() != 1)
    return at->emitError() << "'" << at->getName()
                           << "' must yield one value to run on the runtime's "
                              "vector unit, got "
                           << terminator->getNumOperands();
  FailureOr<int64_t> result = registerOf(terminator->getOperand(0), terminator);
  if (failed(result))
    return failure();
  body.result = *result;
  return std::move(body);
}

FailureOr<ScalarBody>
cim::translateScalarBody(Block &block, DenseMap<Value, int64_t> registers,
                         const DenseMap<Value, double> &constants,
                         int64_t argCount, Operation *at) {
  return BodyTranslator(std::move(registers), constants, argCount, at)
      .run(block);
}
