//===- EmitProgram.cpp - Mapped modules to runtime programs ---------------===//
//
// One instruction per op, values by SSA. The work is bookkeeping: which
// value id an SSA value has, which core stream an op joins and where
// (xbar.core, xbar.order), and the op's attributes copied into the
// instruction's operands. The semantics were fixed when the ops were made;
// nothing here computes. Digital ops (linalg, padding, reshapes, im2col,
// dynamic quantisation) become vector-unit instructions by DigitalOps.cpp.
// Ops without an instruction are errors: emitting a program that skips or
// approximates them would run and be wrong.
//
//===----------------------------------------------------------------------===//

#include "cim/Target/Program/EmitProgram.h"

#include "cim/Target/Program/DigitalOps.h"

#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/CIM/NodeNames.h"
#include "cim/Dialect/Xbar/XbarOps.h"
#include "cim/runtime/Validate.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/MapVector.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <tuple>

using namespace mlir;
using namespace cim;

namespace rt = cim::runtime;

static constexpr llvm::StringLiteral kCoreAttr = "xbar.core";
static constexpr llvm::StringLiteral kOrderAttr = "xbar.order";
static constexpr llvm::StringLiteral kOnnxNameAttr = "onnx.name";
static constexpr llvm::StringLiteral kIsaDoc = "docs/isa.md";

/// A tensor.extract_slice the runtime's Slice executes: static offsets and
/// sizes, unit strides, the source's rank kept.
static bool isUnitSlice(tensor::ExtractSliceOp slice) {
  auto isOne = [](int64_t stride) { return stride == 1; };
  return !ShapedType::isDynamicShape(slice.getStaticOffsets()) &&
         !ShapedType::isDynamicShape(slice.getStaticSizes()) &&
         llvm::all_of(slice.getStaticStrides(), isOne) &&
         slice.getType().getRank() == slice.getSourceType().getRank();
}

/// The ops that are one runtime instruction each.
static bool isInstruction(Operation *op) {
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op))
    return isUnitSlice(slice);
  return isa<xbar::ProgramOp, xbar::DacOp, xbar::MvmOp, xbar::AdcOp,
             xbar::ShiftAddOp, xbar::TransferOp, RecombineOp, AccumulateOp,
             RescaleOp, QuantizeOp, EncodeWeightsOp, tensor::ConcatOp>(op);
}

/// A destination placeholder (`tensor.empty`) only names the shape of a
/// result: no instruction reads its contents (the digital lowering starts
/// such outputs from a fill instead), so it has no value in the program.
static bool isPlaceholder(Operation *op) { return isa<tensor::EmptyOp>(op); }

/// Ops that the mapping passes replace: finding one means they did not run.
static bool isUnmapped(Operation *op) {
  return isa<CrossbarMatmulOp, ArrayMatmulOp>(op);
}

/// The ONNX node an op came from: the name of the importer's
/// FusedLoc<"OpType">[NameLoc "name"(file)] (the first NameLoc anywhere in
/// the location), else the location printed; empty when unknown.
static std::string nodeName(Location loc) {
  std::string name = onnxNodeName(loc);
  if (!name.empty() || isa<UnknownLoc>(loc))
    return name;
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().strref() + ":" + Twine(file.getLine()) + ":" +
            Twine(file.getColumn()))
        .str();
  llvm::raw_string_ostream os(name);
  loc.print(os);
  return name;
}

/// The runtime's element type of `type`, if it has one: signless i8, i16,
/// i32, i64 and f32.
static std::optional<rt::ElementType> elementTypeOf(Type type) {
  if (type.isF32())
    return rt::ElementType::F32;
  if (type.isF64())
    return rt::ElementType::F64;
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer || !integer.isSignless())
    return std::nullopt;
  switch (integer.getWidth()) {
  case 1:
    return rt::ElementType::I1;
  case 8:
    return rt::ElementType::I8;
  case 16:
    return rt::ElementType::I16;
  case 32:
    return rt::ElementType::I32;
  case 64:
    return rt::ElementType::I64;
  default:
    return std::nullopt;
  }
}

/// Little-endian raw elements of `type` (as MLIR stores resource blobs)
/// widened to double.
static void appendRawElements(ArrayRef<char> bytes, rt::ElementType type,
                              std::vector<double> &out) {
  const size_t width = static_cast<size_t>(rt::elementBytes(type));
  out.reserve(bytes.size() / width);
  for (size_t at = 0; at + width <= bytes.size(); at += width) {
    const char *p = bytes.data() + at;
    switch (type) {
    case rt::ElementType::I1:
      out.push_back(*p != 0 ? 1 : 0);
      break;
    case rt::ElementType::F64: {
      double v;
      std::memcpy(&v, p, sizeof(v));
      out.push_back(v);
      break;
    }
    case rt::ElementType::I8: {
      int8_t v;
      std::memcpy(&v, p, sizeof(v));
      out.push_back(v);
      break;
    }
    case rt::ElementType::I16: {
      int16_t v;
      std::memcpy(&v, p, sizeof(v));
      out.push_back(v);
      break;
    }
    case rt::ElementType::I32: {
      int32_t v;
      std::memcpy(&v, p, sizeof(v));
      out.push_back(v);
      break;
    }
    case rt::ElementType::I64: {
      int64_t v;
      std::memcpy(&v, p, sizeof(v));
      out.push_back(static_cast<double>(v));
      break;
    }
    case rt::ElementType::F32: {
      float v;
      std::memcpy(&v, p, sizeof(v));
      out.push_back(v);
      break;
    }
    }
  }
}

template <typename T>
static void appendAll(DenseElementsAttr dense, std::vector<double> &out) {
  for (T x : dense.getValues<T>())
    out.push_back(static_cast<double>(x));
}

/// The elements of a dense (possibly splat) constant of element `type`,
/// read natively: cell levels run to millions of elements.
static void appendDenseElements(DenseElementsAttr dense, rt::ElementType type,
                                std::vector<double> &out) {
  out.reserve(dense.getNumElements());
  switch (type) {
  case rt::ElementType::I1:
    return appendAll<bool>(dense, out);
  case rt::ElementType::F64:
    return appendAll<double>(dense, out);
  case rt::ElementType::I8:
    return appendAll<int8_t>(dense, out);
  case rt::ElementType::I16:
    return appendAll<int16_t>(dense, out);
  case rt::ElementType::I32:
    return appendAll<int32_t>(dense, out);
  case rt::ElementType::I64:
    return appendAll<int64_t>(dense, out);
  case rt::ElementType::F32:
    return appendAll<float>(dense, out);
  }
}

namespace {

using CoreKey = std::tuple<int64_t, int64_t, int64_t>;

/// An instruction waiting for its place in its core's stream.
struct Scheduled {
  int64_t order;
  /// Position among the instructions of one op (cim.quantize_dynamic has
  /// two).
  int64_t sub;
  Operation *op;
  rt::Instruction inst;
};

class ProgramEmitter {
public:
  explicit ProgramEmitter(ModuleOp module) : module(module) {}

  FailureOr<rt::Program> run();
  LogicalResult check() {
    return success(succeeded(selectFunction()) && succeeded(checkModule()));
  }

private:
  LogicalResult selectFunction();
  /// Everything that makes the module untranslatable, all reported.
  LogicalResult checkModule();
  LogicalResult defineArguments();
  LogicalResult defineConstant(arith::ConstantOp op);
  LogicalResult translate(Operation *op);
  LogicalResult translateDigital(Operation *op);
  /// The value id of an operand, or an error at `user` for one that has no
  /// value (a tensor.empty's contents, a scalar).
  FailureOr<int64_t> idOf(Value operand, Operation *user);
  LogicalResult bindOutputs(func::ReturnOp ret);
  /// A copy of value `id` (`value` in the IR) for result #`index`: a
  /// generic copy at the end of the stream of the core that made it.
  int64_t copyForOutput(int64_t id, Value value, func::ReturnOp ret,
                        size_t index);
  LogicalResult buildStreams();
  /// runtime::validate() as a contract check, its message at the op of the
  /// instruction it names when it names one.
  LogicalResult validateProgram();

  /// A new value of `value`'s static tensor type; `at` takes the error.
  FailureOr<int64_t> addValue(Value value, Operation *at);
  rt::ValueInfo &info(int64_t id) { return program.values[id]; }

  ModuleOp module;
  func::FuncOp func;
  std::optional<AsmState> asmState;
  rt::Program program;
  DenseMap<Value, int64_t> ids;
  std::map<CoreKey, std::vector<Scheduled>> streams;
  /// The instructions of each digital op, lowered while checking the module.
  DenseMap<Operation *, SmallVector<DigitalInstruction, 2>> digital;
  /// The op of each emitted instruction, by [stream][index].
  std::vector<std::vector<Operation *>> opOf;
};

} // namespace

FailureOr<rt::Program> ProgramEmitter::run() {
  if (failed(selectFunction()) || failed(checkModule()))
    return failure();
  program.arch = ArchAttr::lookup(module).getArchSpec();
  asmState.emplace(func);
  if (failed(defineArguments()))
    return failure();
  Block &body = func.getBody().front();
  for (Operation &op : body) {
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      if (failed(defineConstant(constant)))
        return failure();
    } else if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      if (failed(bindOutputs(ret)))
        return failure();
    } else if (!isPlaceholder(&op) && failed(translate(&op))) {
      return failure();
    }
  }
  if (failed(buildStreams()) || failed(validateProgram()))
    return failure();
  return std::move(program);
}

LogicalResult ProgramEmitter::selectFunction() {
  SmallVector<func::FuncOp> defined;
  for (auto candidate : module.getOps<func::FuncOp>())
    if (!candidate.isExternal())
      defined.push_back(candidate);
  for (func::FuncOp candidate : defined)
    if (candidate.getSymName() == "main")
      func = candidate;
  if (!func && defined.size() == 1)
    func = defined.front();
  if (!func)
    return module.emitError()
           << "expected a function named 'main' or a single function to "
              "emit as the program, found "
           << defined.size() << " functions";
  if (!func.getBody().hasOneBlock())
    return func.emitError() << "the program's function must have one block";
  return success();
}

LogicalResult ProgramEmitter::checkModule() {
  bool ok = true;
  if (!ArchAttr::lookup(module)) {
    module.emitError() << "module has no '" << CIMDialect::kArchAttrName
                       << "' to embed in the program; attach one with "
                          "cim-opt --cim-arch=<preset|file>";
    ok = false;
  }

  // One error per distinct op name, at its first op, so that a model with a
  // thousand reshapes reads as one missing instruction.
  llvm::MapVector<OperationName, SmallVector<Operation *>> unsupported;
  Operation *unscheduled = nullptr;
  int64_t unscheduledCount = 0;
  for (Operation &op : func.getBody().front()) {
    if (isa<arith::ConstantOp, func::ReturnOp>(op) || isPlaceholder(&op))
      continue;
    if (!isInstruction(&op)) {
      if (!isDigitalOp(&op)) {
        unsupported[op.getName()].push_back(&op);
        continue;
      }
      // The lowering reports what it cannot do at the op.
      FailureOr<SmallVector<DigitalInstruction, 2>> lowered =
          lowerDigitalOp(&op);
      if (failed(lowered)) {
        ok = false;
        continue;
      }
      digital[&op] = std::move(*lowered);
    }
    if (!op.getAttrOfType<xbar::CoreCoordAttr>(kCoreAttr) ||
        !op.getAttrOfType<IntegerAttr>(kOrderAttr)) {
      if (!unscheduled)
        unscheduled = &op;
      ++unscheduledCount;
    }
  }
  for (auto &[name, ops] : unsupported) {
    InFlightDiagnostic diag = ops.front()->emitError();
    if (isUnmapped(ops.front()))
      diag << "'" << name << "' is not mapped to arrays yet: run the mapping "
           << "pipeline (cim-opt --cim-pipeline=\"arch=...\") first";
    else
      diag << "'" << name << "' has no runtime instruction yet (see " << kIsaDoc
           << ")";
    if (ops.size() > 1)
      diag.attachNote(ops[1]->getLoc())
          << ops.size() - 1 << " more '" << name << "' op"
          << (ops.size() > 2 ? "s" : "") << ", the next one here";
    ok = false;
  }
  if (unscheduled) {
    InFlightDiagnostic diag = unscheduled->emitError()
                              << "'" << unscheduled->getName() << "' has no '"
                              << kCoreAttr << "' or '" << kOrderAttr
                              << "': run xbar-route and xbar-schedule first";
    if (unscheduledCount > 1)
      diag << " (" << unscheduledCount << " ops lack them)";
    ok = false;
  }
  return success(ok);
}

FailureOr<int64_t> ProgramEmitter::addValue(Value value, Operation *at) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  std::optional<rt::ElementType> element;
  if (type && type.hasStaticShape())
    element = elementTypeOf(type.getElementType());
  if (!element) {
    InFlightDiagnostic diag =
        at ? at->emitError() : mlir::emitError(value.getLoc());
    return diag << "values of type " << value.getType()
                << " have no runtime representation (static tensors of "
                   "i1, i8, i16, i32, i64, f32 or f64 only)";
  }
  rt::ValueInfo valueInfo;
  // The name the value has in the printed function ("%cst", "%3"), so a
  // listing of the program reads against the IR.
  llvm::raw_string_ostream name(valueInfo.name);
  value.printAsOperand(name, *asmState);
  valueInfo.type = *element;
  valueInfo.shape.assign(type.getShape().begin(), type.getShape().end());
  program.values.push_back(std::move(valueInfo));
  const int64_t id = static_cast<int64_t>(program.values.size()) - 1;
  ids[value] = id;
  return id;
}

LogicalResult ProgramEmitter::defineArguments() {
  for (BlockArgument arg : func.getArguments()) {
    FailureOr<int64_t> id = addValue(arg, nullptr);
    if (failed(id))
      return failure();
    const unsigned index = arg.getArgNumber();
    auto onnxName = func.getArgAttrOfType<StringAttr>(index, kOnnxNameAttr);
    info(*id).isInput = true;
    info(*id).binding =
        onnxName ? onnxName.str() : "arg" + std::to_string(index);
  }
  return success();
}

LogicalResult ProgramEmitter::defineConstant(arith::ConstantOp op) {
  // A constant no instruction reads (the original weights, once their cell
  // levels exist) has no place in the program; scalars live in the bodies
  // of the generics that read them.
  if (op->use_empty() || !isa<ShapedType>(op.getType()))
    return success();
  FailureOr<int64_t> id = addValue(op.getResult(), op);
  if (failed(id))
    return failure();
  rt::ValueInfo &value = info(*id);
  Attribute attr = op.getValue();
  std::vector<double> elements;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    appendDenseElements(dense, value.type, elements);
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return op.emitError() << "the data of dense_resource '"
                            << resource.getRawHandle().getKey()
                            << "' is not in the module (elided?)";
    ArrayRef<char> bytes = blob->getData();
    const int64_t expected = value.bytes();
    if (static_cast<int64_t>(bytes.size()) != expected)
      return op.emitError()
             << "dense_resource '" << resource.getRawHandle().getKey()
             << "' holds " << bytes.size() << " bytes, its type needs "
             << expected;
    appendRawElements(bytes, value.type, elements);
  } else {
    return op.emitError() << "constants of this kind have no runtime "
                             "representation (dense or dense_resource "
                             "elements only)";
  }
  value.constant.assign(elements);
  return success();
}

FailureOr<int64_t> ProgramEmitter::idOf(Value operand, Operation *user) {
  auto it = ids.find(operand);
  if (it != ids.end())
    return it->second;
  if (isEmptyTensor(operand))
    return user->emitError() << "'" << user->getName()
                             << "' reads the contents of a tensor.empty, "
                                "which are undefined";
  return user->emitError() << "'" << user->getName() << "' reads "
                           << operand.getType()
                           << ", which has no value in the program";
}

LogicalResult ProgramEmitter::translateDigital(Operation *op) {
  auto core = op->getAttrOfType<xbar::CoreCoordAttr>(kCoreAttr);
  const int64_t order = op->getAttrOfType<IntegerAttr>(kOrderAttr).getInt();
  int64_t sub = 0;
  for (DigitalInstruction &lowered : digital[op]) {
    rt::Instruction inst = std::move(lowered.inst);
    inst.node = nodeName(op->getLoc());
    for (Value input : lowered.inputs) {
      FailureOr<int64_t> id = idOf(input, op);
      if (failed(id))
        return failure();
      inst.inputs.push_back(*id);
    }
    FailureOr<int64_t> id = addValue(lowered.output, op);
    if (failed(id))
      return failure();
    inst.output = *id;
    streams[{core.getChip(), core.getTile(), core.getCore()}].push_back(
        {order, sub++, op, std::move(inst)});
  }
  return success();
}

LogicalResult ProgramEmitter::translate(Operation *op) {
  if (digital.count(op))
    return translateDigital(op);
  rt::Instruction inst;
  inst.node = nodeName(op->getLoc());
  // A rescale's ideal reference is not an input: the machine never moves
  // it (its float input and weight, read in ideal numerics only).
  auto rescaleOp = dyn_cast<RescaleOp>(op);
  ValueRange operands = op->getOperands();
  if (rescaleOp)
    operands = operands.take_front(2);
  for (Value operand : operands) {
    FailureOr<int64_t> id = idOf(operand, op);
    if (failed(id))
      return failure();
    inst.inputs.push_back(*id);
  }
  if (rescaleOp && rescaleOp.getIdealInput()) {
    FailureOr<int64_t> in = idOf(rescaleOp.getIdealInput(), op);
    FailureOr<int64_t> weight = idOf(rescaleOp.getIdealWeight(), op);
    if (failed(in) || failed(weight))
      return failure();
    inst.idealInput = *in;
    inst.idealWeight = *weight;
  }
  if (op->getNumResults() == 1) {
    FailureOr<int64_t> id = addValue(op->getResult(0), op);
    if (failed(id))
      return failure();
    inst.output = *id;
  }

  auto arrayOf = [](xbar::ArrayCoordAttr attr) {
    rt::ArrayId array;
    array.core.chip = attr.getChip();
    array.core.tile = attr.getTile();
    array.core.core = attr.getCore();
    array.array = attr.getArray();
    return array;
  };
  auto core = op->getAttrOfType<xbar::CoreCoordAttr>(kCoreAttr);

  if (auto program = dyn_cast<xbar::ProgramOp>(op)) {
    inst.opcode = rt::Opcode::Program;
    inst.array = arrayOf(program.getArray());
    inst.row = program.getRow();
    inst.col = program.getCol();
  } else if (auto dac = dyn_cast<xbar::DacOp>(op)) {
    inst.opcode = rt::Opcode::Dac;
    inst.inputBits = dac.getInputBits();
    inst.dacBits = dac.getDacBits();
  } else if (auto mvm = dyn_cast<xbar::MvmOp>(op)) {
    inst.opcode = rt::Opcode::Mvm;
    inst.array = arrayOf(mvm.getArray());
    inst.row = mvm.getRow();
    inst.col = mvm.getCol();
  } else if (auto adc = dyn_cast<xbar::AdcOp>(op)) {
    inst.opcode = rt::Opcode::Adc;
    inst.adcBits = adc.getBits();
    inst.shift = adc.getShift();
    inst.signedRange = adc.getSignedRange();
  } else if (auto shiftAdd = dyn_cast<xbar::ShiftAddOp>(op)) {
    inst.opcode = rt::Opcode::ShiftAdd;
    inst.dacBits = shiftAdd.getDacBits();
  } else if (auto recombine = dyn_cast<RecombineOp>(op)) {
    inst.opcode = rt::Opcode::Recombine;
    inst.encoding = recombine.getEncoding().toArch();
  } else if (auto encode = dyn_cast<EncodeWeightsOp>(op)) {
    inst.opcode = rt::Opcode::Encode;
    inst.encoding = encode.getEncoding().toArch();
  } else if (isa<AccumulateOp>(op)) {
    inst.opcode = rt::Opcode::Accumulate;
  } else if (auto rescale = dyn_cast<RescaleOp>(op)) {
    inst.opcode = rt::Opcode::Rescale;
    inst.weightScales.assign(rescale.getWeightScales().begin(),
                             rescale.getWeightScales().end());
  } else if (auto quantize = dyn_cast<QuantizeOp>(op)) {
    if (quantize.getScales().size() != 1)
      return op->emitError()
             << "per-axis 'cim.quantize' (" << quantize.getScales().size()
             << " scales) has no runtime instruction yet (see " << kIsaDoc
             << "); the runtime quantises with one scale per tensor";
    inst.opcode = rt::Opcode::Quantize;
    inst.scale = quantize.getScales().front();
    inst.quantBits = quantize.getBits();
  } else if (auto transfer = dyn_cast<xbar::TransferOp>(op)) {
    xbar::CoreCoordAttr from = transfer.getFrom(), to = transfer.getTo();
    if (to != core)
      return op->emitError()
             << "transfers to " << to << " but runs on " << core << " ('"
             << kCoreAttr << "'): a transfer runs on its destination";
    inst.opcode = rt::Opcode::Transfer;
    inst.from.chip = from.getChip();
    inst.from.tile = from.getTile();
    inst.from.core = from.getCore();
    inst.hops = transfer.getHops();
    inst.chipHops = transfer.getChipHops();
  } else if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    // The source only: the offsets, sizes and strides are static.
    inst.inputs.resize(1);
    inst.opcode = rt::Opcode::Slice;
    inst.offsets.assign(slice.getStaticOffsets().begin(),
                        slice.getStaticOffsets().end());
    inst.sizes.assign(slice.getStaticSizes().begin(),
                      slice.getStaticSizes().end());
  } else if (auto concat = dyn_cast<tensor::ConcatOp>(op)) {
    inst.opcode = rt::Opcode::Concat;
    inst.axis = static_cast<int64_t>(concat.getDim());
  } else {
    llvm_unreachable("checkModule admits instructions only");
  }

  const int64_t order = op->getAttrOfType<IntegerAttr>(kOrderAttr).getInt();
  streams[{core.getChip(), core.getTile(), core.getCore()}].push_back(
      {order, 0, op, std::move(inst)});
  return success();
}

LogicalResult ProgramEmitter::bindOutputs(func::ReturnOp ret) {
  for (auto [index, operand] : llvm::enumerate(ret.getOperands())) {
    auto onnxName = func.getResultAttrOfType<StringAttr>(
        static_cast<unsigned>(index), kOnnxNameAttr);
    const std::string binding =
        onnxName ? onnxName.str() : "out" + std::to_string(index);
    FailureOr<int64_t> id = idOf(operand, ret);
    if (failed(id))
      return failure();
    // A value carries one binding: an output that is also an input or an
    // earlier output is a copy, made where the value is, after everything.
    if (info(*id).isInput || info(*id).isOutput)
      id = copyForOutput(*id, operand, ret, index);
    info(*id).isOutput = true;
    info(*id).binding = binding;
  }
  return success();
}

int64_t ProgramEmitter::copyForOutput(int64_t id, Value value,
                                      func::ReturnOp ret, size_t index) {
  rt::ValueInfo copy = info(id);
  copy.name += ".out" + std::to_string(index);
  copy.constant.clear();
  copy.binding.clear();
  copy.isInput = copy.isOutput = false;
  program.values.push_back(std::move(copy));
  const int64_t copyId = static_cast<int64_t>(program.values.size()) - 1;
  rt::Instruction inst;
  inst.opcode = rt::Opcode::Generic;
  inst.loopBounds = {info(id).numElements()};
  inst.accesses = {rt::Access{0, {1}}, rt::Access{0, {1}}};
  inst.inputs = {id};
  inst.output = copyId;
  inst.node = nodeName(ret.getLoc());
  // On the core that made the value; inputs and constants on core 0.
  CoreKey core{0, 0, 0};
  if (Operation *def = value.getDefiningOp())
    if (auto at = def->getAttrOfType<xbar::CoreCoordAttr>(kCoreAttr))
      core = {at.getChip(), at.getTile(), at.getCore()};
  streams[core].push_back({std::numeric_limits<int64_t>::max(),
                           static_cast<int64_t>(index), ret.getOperation(),
                           std::move(inst)});
  return copyId;
}

LogicalResult ProgramEmitter::buildStreams() {
  // Streams in coordinate order, instructions in xbar.order order.
  for (auto &[key, entries] : streams) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Scheduled &a, const Scheduled &b) {
                       return std::tie(a.order, a.sub) <
                              std::tie(b.order, b.sub);
                     });
    rt::CoreProgram stream;
    std::tie(stream.core.chip, stream.core.tile, stream.core.core) = key;
    opOf.emplace_back();
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i > 0 && entries[i].order == entries[i - 1].order &&
          entries[i].op != entries[i - 1].op) {
        InFlightDiagnostic diag = entries[i].op->emitError()
                                  << "shares position " << entries[i].order
                                  << " ('" << kOrderAttr << "') of "
                                  << rt::toString(stream.core)
                                  << " with another op; run xbar-schedule";
        diag.attachNote(entries[i - 1].op->getLoc()) << "the other op";
        return failure();
      }
      stream.instructions.push_back(std::move(entries[i].inst));
      opOf.back().push_back(entries[i].op);
    }
    program.cores.push_back(std::move(stream));
  }
  return success();
}

LogicalResult ProgramEmitter::validateProgram() {
  rt::Status status = rt::validate(program);
  if (status)
    return success();
  const std::string &message = status.message();
  // Instruction messages start "core (chip 0, tile 0, core 0) instruction 3".
  for (size_t c = 0; c < program.cores.size(); ++c)
    for (size_t i = 0; i < opOf[c].size(); ++i) {
      const std::string prefix = rt::toString(program.cores[c].core) +
                                 " instruction " + std::to_string(i) + " (";
      if (StringRef(message).starts_with(prefix))
        return opOf[c][i]->emitError()
               << "the emitted program is invalid: " << message;
    }
  return module.emitError() << "the emitted program is invalid: " << message;
}

LogicalResult cim::verifyRuntimeContract(ModuleOp module) {
  return ProgramEmitter(module).check();
}

FailureOr<rt::Program> cim::translateModuleToProgram(ModuleOp module) {
  return ProgramEmitter(module).run();
}
