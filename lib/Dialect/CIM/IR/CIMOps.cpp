//===- CIMOps.cpp - Operations of the cim dialect ---------------------------===//

#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Arch/ArchSchema.h"
#include "cim/Dialect/CIM/IntegerElements.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlir;
using namespace cim;

//===----------------------------------------------------------------------===//
// Scales: printed with as many digits as a double needs to read back equal
// (the default f64 array syntax keeps 7 and would change the scales).
//===----------------------------------------------------------------------===//

static ParseResult parseScales(OpAsmParser &parser, DenseF64ArrayAttr &attr) {
  SmallVector<double> values;
  if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Square, [&]() {
        // Whole numbers may be written without a point ("scales [3]").
        int64_t integer;
        OptionalParseResult asInteger = parser.parseOptionalInteger(integer);
        if (asInteger.has_value()) {
          if (failed(*asInteger))
            return failure();
          values.push_back(static_cast<double>(integer));
          return success();
        }
        double value;
        if (parser.parseFloat(value))
          return failure();
        values.push_back(value);
        return success();
      }))
    return failure();
  attr = DenseF64ArrayAttr::get(parser.getContext(), values);
  return success();
}

static void printScales(OpAsmPrinter &printer, Operation *,
                        DenseF64ArrayAttr attr) {
  printer << '[';
  llvm::interleaveComma(attr.asArrayRef(), printer, [&](double value) {
    std::string text = arch::formatFieldValue(value);
    // Keep it a float literal for the parser ("1" -> "1.0").
    if (text.find_first_of(".eEn") == std::string::npos)
      text += ".0";
    printer << text;
  });
  printer << ']';
}

#define GET_OP_CLASSES
#include "cim/Dialect/CIM/CIMOps.cpp.inc"

//===----------------------------------------------------------------------===//
// CrossbarMatmulOp
//===----------------------------------------------------------------------===//

/// A weight is stationary when it is computable at compile time: a constant,
/// or an op free of memory effects (a transpose, a not yet folded quantize,
/// a tensor.empty init) whose operands are all stationary. The depth bound
/// keeps verification cheap.
static bool isStationary(Value value, unsigned depth = 0) {
  Operation *def = value.getDefiningOp();
  if (!def)
    return false;
  if (def->hasTrait<OpTrait::ConstantLike>())
    return true;
  if (depth >= 8 || !isMemoryEffectFree(def))
    return false;
  for (Value operand : def->getOperands())
    if (!isStationary(operand, depth + 1))
      return false;
  return true;
}

LogicalResult CrossbarMatmulOp::verify() {
  auto inputType = cast<ShapedType>(getInput().getType());
  auto weightType = cast<ShapedType>(getWeight().getType());
  auto resultType = cast<ShapedType>(getResult().getType());
  // Plain: [M, K] x [K, N]; grouped: [M, G, K] x [G, K, N] -> [M, G, N].
  const int64_t rank = weightType.getRank();
  if (rank != 2 && rank != 3)
    return emitOpError() << "weight must be 2-D [K, N] or grouped 3-D "
                            "[G, K, N], got "
                         << weightType;
  for (auto [name, type] : {std::pair<StringRef, ShapedType>{"input", inputType},
                            {"result", resultType}})
    if (type.getRank() != rank)
      return emitOpError() << name << " must be " << rank
                           << "-D like the weight, got " << type;
  const bool grouped = rank == 3;
  int64_t m = inputType.getDimSize(0), k = inputType.getDimSize(rank - 1);
  int64_t n = weightType.getDimSize(rank - 1);
  if (weightType.getDimSize(rank - 2) != k)
    return emitOpError() << "input has " << k << " columns but weight has "
                         << weightType.getDimSize(rank - 2) << " rows";
  if (grouped && inputType.getDimSize(1) != weightType.getDimSize(0))
    return emitOpError() << "input has " << inputType.getDimSize(1)
                         << " groups but weight has "
                         << weightType.getDimSize(0);
  SmallVector<int64_t> expected = {m};
  if (grouped)
    expected.push_back(weightType.getDimSize(0));
  expected.push_back(n);
  if (resultType.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError() << "result must be "
                         << llvm::join(llvm::map_range(expected,
                                                       [](int64_t d) {
                                                         return std::to_string(d);
                                                       }),
                                       "x")
                         << ", got " << resultType;

  Type inElem = inputType.getElementType();
  Type wElem = weightType.getElementType();
  Type outElem = resultType.getElementType();
  if (isa<FloatType>(inElem) != isa<FloatType>(wElem))
    return emitOpError() << "operands must both be float or both be signless "
                            "integer, got "
                         << inElem << " and " << wElem;
  if (isa<FloatType>(inElem)) {
    if (wElem != inElem || outElem != inElem)
      return emitOpError() << "float operands and result must share one "
                              "element type, got "
                           << inElem << ", " << wElem << " -> " << outElem;
  } else if (inElem.isSignlessInteger() && wElem.isSignlessInteger()) {
    unsigned width = std::max(inElem.getIntOrFloatBitWidth(),
                              wElem.getIntOrFloatBitWidth());
    if (!outElem.isSignlessInteger() ||
        outElem.getIntOrFloatBitWidth() < width)
      return emitOpError() << "integer product needs an integer accumulator "
                              "of at least "
                           << width << " bits, got " << outElem;
  } else {
    return emitOpError() << "operands must both be float or both be signless "
                            "integer, got "
                         << inElem << " and " << wElem;
  }

  if (!getReprogram() && !isStationary(getWeight()))
    return emitOpError() << "weight must be computable at compile time "
                            "(crossbar weights are stationary); a product of "
                            "two activations takes the digital or "
                            "reprogram path";
  return success();
}

/// Products of constants above this many multiply-adds are left alone:
/// folding is for exactness checks and small shapes, not for whole layers.
static constexpr int64_t kMaxFoldMacs = int64_t(1) << 24;

OpFoldResult CrossbarMatmulOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  auto weight = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getWeight());
  auto type = cast<RankedTensorType>(getResult().getType());
  if (!input || !weight)
    return {};
  // Plain [M,K] x [K,N] is the grouped form with one group.
  const bool grouped = type.getRank() == 3;
  const int64_t m = type.getDimSize(0);
  const int64_t g = grouped ? type.getDimSize(1) : 1;
  const int64_t n = type.getDimSize(type.getRank() - 1);
  auto inputType = cast<ShapedType>(input.getType());
  const int64_t k = inputType.getDimSize(inputType.getRank() - 1);
  if (m * g * n * k > kMaxFoldMacs)
    return {};
  SmallVector<int64_t> x = signedElements(input), w = signedElements(weight);
  SmallVector<int64_t> out;
  out.reserve(m * g * n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t group = 0; group < g; ++group)
      for (int64_t j = 0; j < n; ++j) {
        int64_t acc = 0;
        for (int64_t l = 0; l < k; ++l)
          acc += x[(i * g + group) * k + l] * w[(group * k + l) * n + j];
        out.push_back(acc);
      }
  return integerElements(type, out);
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------===//

/// Checks what both quantisation ops share: the integer side can hold
/// `bits`, and the scales are valid for the axis.
static LogicalResult verifyQuantParams(Operation *op, ShapedType intType,
                                       int64_t bits, ArrayRef<double> scales,
                                       std::optional<int64_t> axis) {
  unsigned width = intType.getElementType().getIntOrFloatBitWidth();
  if (width < bits)
    return op->emitOpError() << "integer element type "
                             << intType.getElementType() << " cannot hold "
                             << bits << "-bit values";
  for (auto [index, scale] : llvm::enumerate(scales))
    if (!(scale > 0) || !std::isfinite(scale))
      return op->emitOpError() << "scales must be positive and finite, got "
                               << "scales[" << index << "] = " << scale;
  if (!axis) {
    if (scales.size() != 1)
      return op->emitOpError() << "without an axis there must be exactly one "
                                  "scale, got "
                               << scales.size();
    return success();
  }
  if (*axis < 0 || *axis >= intType.getRank())
    return op->emitOpError() << "axis " << *axis << " is out of range for a "
                             << "rank-" << intType.getRank() << " tensor";
  int64_t channels = intType.getDimSize(*axis);
  if (!ShapedType::isDynamic(channels) &&
      static_cast<int64_t>(scales.size()) != channels)
    return op->emitOpError() << "axis " << *axis << " has " << channels
                             << " channels but " << scales.size()
                             << " scales were given";
  return success();
}

/// Scale of each element of a row-major tensor of `shape`.
static double scaleAt(int64_t linearIndex, ArrayRef<int64_t> shape,
                      ArrayRef<double> scales, std::optional<int64_t> axis) {
  if (!axis)
    return scales.front();
  int64_t stride = 1;
  for (int64_t dim = shape.size() - 1; dim > *axis; --dim)
    stride *= shape[dim];
  return scales[(linearIndex / stride) % shape[*axis]];
}

LogicalResult QuantizeOp::verify() {
  return verifyQuantParams(*this, cast<ShapedType>(getResult().getType()),
                           getBits(), getScales(), getAxis());
}

LogicalResult DequantizeOp::verify() {
  return verifyQuantParams(*this, cast<ShapedType>(getInput().getType()),
                           getBits(), getScales(), getAxis());
}

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput());
  auto resultType = dyn_cast<RankedTensorType>(getResult().getType());
  if (!input || !resultType || !resultType.hasStaticShape())
    return {};
  const double limit = std::ldexp(1.0, getBits() - 1) - 1;
  unsigned width = resultType.getElementTypeBitWidth();
  ArrayRef<int64_t> shape = resultType.getShape();
  SmallVector<APInt> values;
  values.reserve(resultType.getNumElements());
  int64_t index = 0;
  for (const APFloat &element : input.getValues<APFloat>()) {
    double scaled = element.convertToDouble() /
                    scaleAt(index++, shape, getScales(), getAxis());
    // nearbyint rounds half to even under the default rounding mode.
    double level = std::clamp(std::nearbyint(scaled), -limit, limit);
    if (std::isnan(scaled))
      level = 0;
    values.push_back(APInt(width, static_cast<int64_t>(level),
                           /*isSigned=*/true));
  }
  return DenseElementsAttr::get(resultType, values);
}

OpFoldResult DequantizeOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  auto resultType = dyn_cast<RankedTensorType>(getResult().getType());
  if (!input || !resultType || !resultType.hasStaticShape())
    return {};
  const int64_t limit = (int64_t(1) << (getBits() - 1)) - 1;
  auto floatType = cast<FloatType>(resultType.getElementType());
  ArrayRef<int64_t> shape = resultType.getShape();
  SmallVector<APFloat> values;
  values.reserve(resultType.getNumElements());
  int64_t index = 0;
  for (const APInt &element : input.getValues<APInt>()) {
    int64_t level = element.getSExtValue();
    // A value outside `bits` breaks the op's contract: leave it to runtime
    // checks rather than folding a wrong constant.
    if (level < -limit || level > limit)
      return {};
    APFloat value(static_cast<double>(level) *
                  scaleAt(index++, shape, getScales(), getAxis()));
    bool losesInfo = false;
    value.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
    values.push_back(value);
  }
  return DenseElementsAttr::get(resultType, values);
}
