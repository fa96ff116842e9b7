//===- Quantize.cpp - Quantise crossbar products to integers --------------===//
//
// Every float cim.crossbar_matmul becomes
//
//   %xq, %sx = cim.quantize_dynamic %x bits I   (or cim.quantize with the
//                                                scale of an onnx.qdq
//                                                DequantizeLinear)
//   %wq      = arith.constant <levels>          (per output channel)
//   %acc     = cim.crossbar_matmul %xq, %wq     (i32 accumulator)
//   %y       = cim.rescale %acc, %sx weight_scales [...]
//
// The weight levels are computed here with exactly cim.quantize's semantics
// (double arithmetic, round half to even, symmetric narrow range): the same
// formula as its folder, applied per (group, output channel), which one
// cim.quantize cannot express for grouped weights, and to dense_resource
// blobs and QDQ-dequantised weights, which its folder does not read.
// Reprogrammed products quantise their activation weight per tensor, like
// the input.
//
//===----------------------------------------------------------------------===//

#include "cim/Arch/ArchSpec.h"
#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/CIM/Passes.h"

#include "WeightConstants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/Support/Debug.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#define DEBUG_TYPE "cim-quantize"

namespace cim {
#define GEN_PASS_DEF_CIMQUANTIZE
#include "cim/Dialect/CIM/Passes.h.inc"
} // namespace cim

using namespace mlir;
using namespace cim;

namespace {

/// Relative tolerance within which the nonzero weights of a column count as
/// one magnitude (ternary detection).
constexpr double kTernaryTolerance = 1e-6;

/// Bound on the ops walked back from a product's operand.
constexpr unsigned kMaxWalkDepth = 16;

/// Largest level of `bits`-bit symmetric narrow-range quantisation.
double levelLimit(int64_t bits) { return std::ldexp(1.0, bits - 1) - 1; }

/// cim.quantize's element semantics (see QuantizeOp::fold): divide in
/// double, round half to even, clamp; NaN becomes 0.
int64_t quantizeValue(double value, double scale, double limit) {
  const double scaled = value / scale;
  if (std::isnan(scaled))
    return 0;
  return static_cast<int64_t>(
      std::clamp(std::nearbyint(scaled), -limit, limit));
}

/// Smallest signless integer type of 8, 16 or 32 bits holding `bits`.
IntegerType storageType(MLIRContext *context, int64_t bits) {
  return IntegerType::get(context, bits <= 8 ? 8 : bits <= 16 ? 16 : 32);
}

double toDouble(APFloat value) {
  bool losesInfo = false;
  value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                &losesInfo);
  return value.convertToDouble();
}

/// Why a weight could not be read; the caller words the diagnostic.
enum class ReadFailure { NotConstant, MissingBlob };

/// The row-major values of a constant weight and, when it comes from an
/// ONNX DequantizeLinear, the model's scale of each element.
struct WeightValues {
  std::vector<double> values;
  /// Empty when the weight was stored in float.
  std::vector<double> modelScales;
};

FailureOr<WeightValues> readFloatWeight(Value value, ReadFailure &why,
                                        unsigned depth = 0);

/// The importer's form of an ONNX DequantizeLinear: an elementwise generic
/// tagged onnx.qdq = "dequantize" over (levels, scale[, zero point]).
linalg::GenericOp asDequantize(Value value) {
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic)
    return {};
  auto tag = generic->getAttrOfType<StringAttr>("onnx.qdq");
  if (!tag || tag.getValue() != "dequantize" ||
      generic.getInputs().size() < 2 || generic.getInputs().size() > 3 ||
      generic.getOutputs().size() != 1 ||
      !isa<IntegerType>(getElementTypeOrSelf(generic.getInputs()[0])))
    return {};
  return generic;
}

/// The importer widens unsigned ONNX integers (held as signless) with
/// arith.uitofp on the block argument of the levels.
bool hasUnsignedLevels(linalg::GenericOp dequantize) {
  BlockArgument levels = dequantize.getBody()->getArgument(0);
  return llvm::any_of(levels.getUsers(),
                      [](Operation *op) { return isa<arith::UIToFPOp>(op); });
}

/// The values of an integer constant, possibly reshaped; unsigned ones
/// zero-extended.
std::optional<std::vector<int64_t>> readIntegerWeight(Value value,
                                                      bool isUnsigned) {
  for (unsigned depth = 0; depth < kMaxWalkDepth; ++depth) {
    Operation *def = value.getDefiningOp();
    if (!isa_and_nonnull<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def))
      break;
    value = def->getOperand(0);
  }
  std::optional<std::vector<int64_t>> values = cim::readIntegerConstant(value);
  const unsigned width = getElementTypeOrSelf(value).getIntOrFloatBitWidth();
  if (values && isUnsigned && width < 64)
    for (int64_t &v : *values)
      v &= (int64_t(1) << width) - 1;
  return values;
}

/// Visits the multi-indices of `shape` in row-major order.
void forEachIndex(ArrayRef<int64_t> shape,
                  function_ref<void(ArrayRef<int64_t>)> body) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t i = 0; i < count; ++i) {
    body(index);
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

/// A DequantizeLinear of constants (QDQ models' weights), evaluated as the
/// generic computes it: (q - zero_point) * scale in its float type.
/// Operands are read through broadcasting maps (each result a dimension or
/// the constant 0).
FailureOr<WeightValues> evaluateDequantize(linalg::GenericOp dequantize,
                                           ReadFailure &why, unsigned depth) {
  auto type = cast<RankedTensorType>(dequantize->getResult(0).getType());
  const auto &semantics =
      cast<FloatType>(type.getElementType()).getFloatSemantics();
  SmallVector<AffineMap> maps = dequantize.getIndexingMapsArray();
  if (!maps.back().isIdentity())
    return failure();
  const bool isUnsigned = hasUnsignedLevels(dequantize);
  OperandRange inputs = dequantize.getInputs();
  std::optional<std::vector<int64_t>> levels =
      readIntegerWeight(inputs[0], isUnsigned);
  std::optional<std::vector<int64_t>> zeroPoints =
      inputs.size() == 3 ? readIntegerWeight(inputs[2], isUnsigned)
                         : std::vector<int64_t>{0};
  FailureOr<WeightValues> scales = readFloatWeight(inputs[1], why, depth + 1);
  if (!levels || !zeroPoints || failed(scales))
    return failure();

  // Per operand and loop dimension, the stride it advances by (0 where the
  // operand is broadcast).
  const int64_t rank = type.getRank();
  SmallVector<SmallVector<int64_t>> strides;
  for (auto [input, map] : llvm::zip(inputs, maps)) {
    auto shape = cast<ShapedType>(input.getType()).getShape();
    SmallVector<int64_t> operandStrides(rank, 0);
    int64_t stride = 1;
    for (int64_t r = map.getNumResults() - 1; r >= 0; --r) {
      AffineExpr expr = map.getResult(r);
      if (auto dim = dyn_cast<AffineDimExpr>(expr))
        operandStrides[dim.getPosition()] += stride;
      else if (!isa<AffineConstantExpr>(expr) ||
               cast<AffineConstantExpr>(expr).getValue() != 0)
        return failure();
      stride *= shape[r];
    }
    strides.push_back(std::move(operandStrides));
  }
  WeightValues result;
  result.values.reserve(type.getNumElements());
  result.modelScales.reserve(type.getNumElements());
  forEachIndex(type.getShape(), [&](ArrayRef<int64_t> index) {
    int64_t at[3] = {0, 0, 0};
    for (size_t i = 0; i < inputs.size(); ++i)
      for (int64_t d = 0; d < rank; ++d)
        at[i] += index[d] * strides[i][d];
    const int64_t zeroPoint = inputs.size() == 3 ? (*zeroPoints)[at[2]] : 0;
    bool losesInfo = false;
    APFloat value(static_cast<double>((*levels)[at[0]] - zeroPoint));
    value.convert(semantics, APFloat::rmNearestTiesToEven, &losesInfo);
    APFloat scale(scales->values[at[1]]);
    scale.convert(semantics, APFloat::rmNearestTiesToEven, &losesInfo);
    value.multiply(scale, APFloat::rmNearestTiesToEven);
    result.values.push_back(toDouble(value));
    result.modelScales.push_back(toDouble(scale));
  });
  return result;
}

/// `source` (row-major, of `srcShape`) transposed by `perm`:
/// result[i] = source[j] with j[perm[d]] = i[d].
std::vector<double> transposeValues(ArrayRef<double> source,
                                    ArrayRef<int64_t> srcShape,
                                    ArrayRef<int64_t> resultShape,
                                    ArrayRef<int64_t> perm) {
  const int64_t rank = srcShape.size();
  SmallVector<int64_t> srcStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    srcStrides[d] = srcStrides[d + 1] * srcShape[d + 1];
  std::vector<double> values;
  values.reserve(source.size());
  forEachIndex(resultShape, [&](ArrayRef<int64_t> index) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d)
      src += index[d] * srcStrides[perm[d]];
    values.push_back(source[src]);
  });
  return values;
}

/// The values of a float constant: a DenseElementsAttr or a dense_resource
/// blob (the importer stores large weights as raw little-endian blobs).
FailureOr<std::vector<double>>
readFloatConstant(Attribute attr, RankedTensorType type, ReadFailure &why) {
  auto floatType = cast<FloatType>(type.getElementType());
  std::vector<double> values;
  values.reserve(type.getNumElements());
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    if (dense.isSplat()) {
      values.assign(type.getNumElements(),
                    toDouble(dense.getSplatValue<APFloat>()));
      return values;
    }
    for (const APFloat &v : dense.getValues<APFloat>())
      values.push_back(toDouble(v));
    return values;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return failure();
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob) {
    why = ReadFailure::MissingBlob;
    return failure();
  }
  const unsigned width = floatType.getWidth();
  const size_t bytes = width / 8;
  ArrayRef<char> data = blob->getData();
  if (width % 8 != 0 || width > 64 ||
      data.size() != static_cast<size_t>(type.getNumElements()) * bytes)
    return failure();
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    uint64_t raw = 0;
    std::memcpy(&raw, data.data() + i * bytes, bytes);
    values.push_back(
        toDouble(APFloat(floatType.getFloatSemantics(), APInt(width, raw))));
  }
  return values;
}

/// The row-major values of a stationary float weight: a constant, possibly
/// dequantised (QDQ models), reshaped or transposed by ops that have not
/// been folded.
FailureOr<WeightValues> readFloatWeight(Value value, ReadFailure &why,
                                        unsigned depth) {
  why = ReadFailure::NotConstant;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (depth > kMaxWalkDepth || !type || !type.hasStaticShape() ||
      !isa<FloatType>(type.getElementType()))
    return failure();
  Attribute attr;
  if (matchPattern(value, m_Constant(&attr))) {
    FailureOr<std::vector<double>> values = readFloatConstant(attr, type, why);
    if (failed(values))
      return failure();
    return WeightValues{std::move(*values), {}};
  }
  if (linalg::GenericOp dequantize = asDequantize(value))
    return evaluateDequantize(dequantize, why, depth);
  Operation *def = value.getDefiningOp();
  // Reshapes keep the row-major order of the data.
  if (isa_and_nonnull<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def))
    return readFloatWeight(def->getOperand(0), why, depth + 1);
  auto transpose = dyn_cast_or_null<linalg::TransposeOp>(def);
  if (!transpose)
    return failure();
  FailureOr<WeightValues> source =
      readFloatWeight(transpose.getInput(), why, depth + 1);
  if (failed(source))
    return failure();
  ArrayRef<int64_t> srcShape =
      cast<ShapedType>(transpose.getInput().getType()).getShape();
  ArrayRef<int64_t> perm = transpose.getPermutation();
  WeightValues result;
  result.values =
      transposeValues(source->values, srcShape, type.getShape(), perm);
  if (!source->modelScales.empty())
    result.modelScales =
        transposeValues(source->modelScales, srcShape, type.getShape(), perm);
  return result;
}

/// A weight quantised per (group, output channel).
struct QuantizedWeight {
  /// Row-major levels, same shape as the weight.
  std::vector<int64_t> levels;
  /// One per output channel, group-major: scales[g * N + n].
  SmallVector<double> scales;
  int64_t bits = 0;
  bool ternary = false;
};

/// Quantises a [G, K, N] weight (G = 1 for the plain form) per column
/// (g, n): scale = max_k |w| / (2^(W-1) - 1), 1 for an all-zero column.
/// When every column's nonzero weights share one magnitude, the weight is
/// ternary and takes 2 bits with that magnitude as scale, which is the same
/// formula at W = 2. A column dequantised by the model (QDQ) with one
/// scale keeps that scale when its levels fit W bits: the model's own
/// levels, exactly, rather than a requantisation of them.
QuantizedWeight quantizeWeight(const WeightValues &weight, int64_t groups,
                               int64_t k, int64_t n, int64_t bits) {
  ArrayRef<double> w = weight.values;
  auto at = [&](int64_t g, int64_t r, int64_t c) {
    return (g * k + r) * n + c;
  };
  SmallVector<double> maxAbs(groups * n, 0.0);
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t r = 0; r < k; ++r)
      for (int64_t c = 0; c < n; ++c)
        maxAbs[g * n + c] =
            std::max(maxAbs[g * n + c], std::abs(w[at(g, r, c)]));

  bool ternary = true;
  for (int64_t g = 0; g < groups && ternary; ++g)
    for (int64_t r = 0; r < k && ternary; ++r)
      for (int64_t c = 0; c < n && ternary; ++c) {
        const double magnitude = std::abs(w[at(g, r, c)]);
        const double a = maxAbs[g * n + c];
        if (magnitude != 0 && a - magnitude > kTernaryTolerance * a)
          ternary = false;
      }

  QuantizedWeight result;
  result.ternary = ternary;
  result.bits = ternary ? 2 : bits;
  const double limit = levelLimit(result.bits);
  result.scales.reserve(maxAbs.size());
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t c = 0; c < n; ++c) {
      const double a = maxAbs[g * n + c];
      double scale = a > 0 ? a / limit : 1.0;
      if (!ternary && !weight.modelScales.empty()) {
        const double model = weight.modelScales[at(g, 0, c)];
        bool uniform = model > 0 && std::isfinite(model);
        for (int64_t r = 1; r < k && uniform; ++r)
          uniform = weight.modelScales[at(g, r, c)] == model;
        if (uniform && std::nearbyint(a / model) <= limit)
          scale = model;
      }
      result.scales.push_back(scale);
    }
  result.levels.resize(w.size());
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t r = 0; r < k; ++r)
      for (int64_t c = 0; c < n; ++c)
        result.levels[at(g, r, c)] =
            quantizeValue(w[at(g, r, c)], result.scales[g * n + c], limit);
  return result;
}

template <typename T>
DenseElementsAttr narrowAttr(RankedTensorType type, ArrayRef<int64_t> values) {
  std::vector<T> narrow(values.begin(), values.end());
  return DenseElementsAttr::get(type, ArrayRef<T>(narrow));
}

DenseElementsAttr levelsAttr(RankedTensorType type, ArrayRef<int64_t> values) {
  switch (type.getElementTypeBitWidth()) {
  case 8:
    return narrowAttr<int8_t>(type, values);
  case 16:
    return narrowAttr<int16_t>(type, values);
  default:
    return narrowAttr<int32_t>(type, values);
  }
}

/// Ops whose result holds values of their first operand, only moved (zero
/// padding adds exact zeros): a quantisation scale of the operand is one of
/// the result.
Value skipValuePreservingOps(Value value) {
  for (unsigned depth = 0; depth < kMaxWalkDepth; ++depth) {
    Operation *def = value.getDefiningOp();
    if (!def)
      return value;
    if (isa<cim::Im2colOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
            tensor::ExtractSliceOp>(def)) {
      value = def->getOperand(0);
      continue;
    }
    if (auto transpose = dyn_cast<linalg::TransposeOp>(def)) {
      value = transpose.getInput();
      continue;
    }
    if (auto pad = dyn_cast<tensor::PadOp>(def)) {
      Value padding = pad.getConstantPaddingValue();
      if (padding && matchPattern(padding, m_AnyZeroFloat())) {
        value = pad.getSource();
        continue;
      }
    }
    return value;
  }
  return value;
}

/// The single value of a constant with one element or a splat.
template <typename AttrT> std::optional<AttrT> singleConstant(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto elements = dyn_cast<DenseElementsAttr>(attr);
  if (!elements || !isa<AttrT>(elements))
    return std::nullopt;
  if (elements.isSplat() || elements.getNumElements() == 1)
    return cast<AttrT>(elements);
  return std::nullopt;
}

/// When `value` is (a data movement of) the result of an ONNX
/// DequantizeLinear with one constant scale, the static scale to quantise
/// it to `bits` with. That is the model's own scale, unless the levels the
/// DequantizeLinear can produce, q - zero_point, do not fit `bits`
/// symmetric levels (fewer bits than the model, or an off-centre zero
/// point): then the smallest integer multiple of it under which they fit.
/// The one extra negative level of a full two's complement range (-128 for
/// int8) is clamped rather than paid for with a coarser scale.
std::optional<double> staticScale(Value value, int64_t bits) {
  linalg::GenericOp generic = asDequantize(skipValuePreservingOps(value));
  if (!generic)
    return std::nullopt;
  Value levels = generic.getDpsInputOperand(0)->get();
  auto levelType = cast<IntegerType>(getElementTypeOrSelf(levels));
  auto scaleAttr =
      singleConstant<DenseFPElementsAttr>(generic.getDpsInputOperand(1)->get());
  if (!scaleAttr)
    return std::nullopt;
  const double scale = toDouble(*scaleAttr->value_begin<APFloat>());
  if (!(scale > 0) || !std::isfinite(scale))
    return std::nullopt;

  const bool isUnsigned = hasUnsignedLevels(generic);
  int64_t zeroPoint = 0;
  if (generic.getNumDpsInputs() == 3) {
    auto zpAttr = singleConstant<DenseIntElementsAttr>(
        generic.getDpsInputOperand(2)->get());
    if (!zpAttr)
      return std::nullopt;
    APInt zp = *zpAttr->value_begin<APInt>();
    zeroPoint = isUnsigned ? static_cast<int64_t>(zp.getZExtValue())
                           : zp.getSExtValue();
  }
  const unsigned width = levelType.getWidth();
  if (width > 32)
    return std::nullopt;
  const double qMin = isUnsigned ? 0 : -std::ldexp(1.0, width - 1);
  const double qMax =
      isUnsigned ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
  const double maxLevel = std::max(zeroPoint - qMin, qMax - zeroPoint);
  const double limit = levelLimit(bits);
  const double factor =
      maxLevel <= limit + 1 ? 1.0 : std::ceil(maxLevel / limit);
  return scale * factor;
}

/// An activation quantised for a crossbar product.
struct QuantizedActivation {
  Value levels;
  /// 0-D float tensor holding the scale (a constant when static).
  Value scale;
  std::optional<double> staticScale;
};

/// Quantises an activation per tensor: with the static scale of a QDQ
/// DequantizeLinear when there is one, else at run time. A static scale is
/// materialised as a constant only when `needScaleValue`.
QuantizedActivation quantizeActivation(OpBuilder &b, Location loc, Value x,
                                       int64_t bits, bool needScaleValue) {
  auto type = cast<RankedTensorType>(x.getType());
  auto floatType = cast<FloatType>(type.getElementType());
  auto levelType =
      RankedTensorType::get(type.getShape(), storageType(b.getContext(), bits));
  auto scaleType = RankedTensorType::get({}, floatType);
  QuantizedActivation result;
  if (std::optional<double> scale = staticScale(x, bits)) {
    // Round to the float type once so the quantize scale and the rescale
    // operand are the same number.
    APFloat rounded(*scale);
    bool losesInfo = false;
    rounded.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                    &losesInfo);
    result.staticScale = toDouble(rounded);
    result.levels = cim::QuantizeOp::create(
        b, loc, levelType, x, b.getI64IntegerAttr(bits),
        b.getDenseF64ArrayAttr({*result.staticScale}), IntegerAttr());
    if (needScaleValue)
      result.scale = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(scaleType, rounded));
    return result;
  }
  auto dynamic = cim::QuantizeDynamicOp::create(b, loc, levelType, scaleType, x,
                                                b.getI64IntegerAttr(bits));
  result.levels = dynamic.getResult();
  result.scale = dynamic.getScale();
  return result;
}

/// i32 unless the sum of K largest products could overflow it.
IntegerType accumulatorType(MLIRContext *context, int64_t inputBits,
                            int64_t weightBits, int64_t k) {
  const double bound = levelLimit(inputBits) * levelLimit(weightBits) * k;
  return IntegerType::get(
      context, bound <= std::numeric_limits<int32_t>::max() ? 32 : 64);
}

/// Erases the now unused producers of an old float weight.
void eraseIfDead(Value value) {
  Operation *def = value.getDefiningOp();
  if (!def || !def->use_empty() || !isMemoryEffectFree(def))
    return;
  SmallVector<Value> operands(def->getOperands());
  def->erase();
  for (Value operand : operands)
    eraseIfDead(operand);
}

struct QuantizePass : public cim::impl::CIMQuantizeBase<QuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto [name, value] :
         {std::pair<StringRef, int64_t>{"weight-bits", weightBits},
          {"input-bits", inputBits}})
      if (value != 0 && (value < 2 || value > 32)) {
        module.emitError() << "cim-quantize: " << name
                           << " must be 0 (the arch's) or in [2, 32], got "
                           << value;
        return signalPassFailure();
      }

    SmallVector<cim::CrossbarMatmulOp> products;
    module.walk([&](cim::CrossbarMatmulOp op) {
      // Integer products are done already: the pass is idempotent.
      if (isa<FloatType>(getElementTypeOrSelf(op.getInput())))
        products.push_back(op);
    });
    bool failedAny = false;
    for (cim::CrossbarMatmulOp op : products)
      if (failed(quantizeProduct(op)))
        failedAny = true;
    if (failedAny)
      signalPassFailure();
  }

  /// The bit widths for `op`: the options, else the arch's precision.
  FailureOr<std::pair<int64_t, int64_t>> bitsFor(cim::CrossbarMatmulOp op) {
    int64_t w = weightBits, in = inputBits;
    if (w != 0 && in != 0)
      return std::make_pair(w, in);
    cim::ArchAttr arch = cim::ArchAttr::lookup(op);
    if (!arch) {
      op.emitError() << "cannot quantise: no " << (w == 0 ? "weight" : "input")
                     << " precision (the module has no #cim.arch; attach one "
                        "with --cim-arch or set cim-quantize's "
                     << (w == 0 ? "weight-bits" : "input-bits") << ")";
      return failure();
    }
    if (arch != cachedArch) {
      cachedArch = arch;
      cachedPrecision = arch.getArchSpec().precision;
    }
    if (w == 0)
      w = cachedPrecision.weightBits;
    if (in == 0)
      in = cachedPrecision.inputBits;
    if (w < 2 || w > 32 || in < 2 || in > 32) {
      op.emitError() << "cannot quantise to " << w << "-bit weights and " << in
                     << "-bit inputs from arch '" << arch.getName()
                     << "': symmetric quantisation needs 2 to 32 bits";
      return failure();
    }
    return std::make_pair(w, in);
  }

  LogicalResult quantizeProduct(cim::CrossbarMatmulOp op) {
    FailureOr<std::pair<int64_t, int64_t>> bits = bitsFor(op);
    if (failed(bits))
      return failure();
    auto [wBits, inBits] = *bits;

    auto weightType = cast<RankedTensorType>(op.getWeight().getType());
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    const bool grouped = weightType.getRank() == 3;
    const int64_t groups = grouped ? weightType.getDimSize(0) : 1;
    const int64_t k = weightType.getDimSize(weightType.getRank() - 2);
    const int64_t n = weightType.getDimSize(weightType.getRank() - 1);
    MLIRContext *context = &getContext();
    OpBuilder b(op);
    Location loc = op.getLoc();

    Value weightLevels;
    SmallVector<double> weightScales;
    int64_t usedWeightBits = wBits;
    bool ternary = false;
    std::optional<QuantizedActivation> dynamicWeight;
    if (!op.getReprogram()) {
      ReadFailure why;
      FailureOr<WeightValues> w = readFloatWeight(op.getWeight(), why);
      if (failed(w)) {
        if (why == ReadFailure::MissingBlob)
          return op.emitError() << "cannot quantise: the weight's "
                                   "dense_resource blob holds no data (elided "
                                   "when the module was printed?)";
        return op.emitError()
               << "cannot quantise: the weight is not a float constant the "
                  "quantiser can read (arith.constant, possibly dequantised, "
                  "reshaped or transposed)";
      }
      if (!llvm::all_of(w->values, [](double v) { return std::isfinite(v); }))
        return op.emitError()
               << "cannot quantise: the weight holds non-finite values";
      QuantizedWeight q = quantizeWeight(*w, groups, k, n, wBits);
      usedWeightBits = q.bits;
      ternary = q.ternary;
      weightScales = std::move(q.scales);
      auto levelType = RankedTensorType::get(
          weightType.getShape(), storageType(context, usedWeightBits));
      weightLevels =
          arith::ConstantOp::create(b, loc, levelsAttr(levelType, q.levels));
    } else {
      // The weight is an activation written into the arrays at run time:
      // quantised per tensor like an input, so its scale is one number that
      // joins the input's in the rescale.
      dynamicWeight = quantizeActivation(b, loc, op.getWeight(), wBits,
                                         /*needScaleValue=*/false);
      weightLevels = dynamicWeight->levels;
      weightScales.assign(groups * n, dynamicWeight->staticScale.value_or(1.0));
    }

    QuantizedActivation input =
        quantizeActivation(b, loc, op.getInput(), inBits,
                           /*needScaleValue=*/true);
    if (input.staticScale)
      ++numStaticInputScales;
    Value inputScale = input.scale;
    if (dynamicWeight && !dynamicWeight->staticScale)
      inputScale =
          arith::MulFOp::create(b, loc, inputScale, dynamicWeight->scale);

    auto accType = RankedTensorType::get(
        resultType.getShape(),
        accumulatorType(context, inBits, usedWeightBits, k));
    auto product = cim::CrossbarMatmulOp::create(
        b, loc, accType, input.levels, weightLevels, op.getReprogram());
    // Keep the annotations of earlier passes (cim.path, cim.matrix_id, ...).
    for (NamedAttribute attr : op->getDiscardableAttrs())
      product->setAttr(attr.getName(), attr.getValue());
    product->setAttr("cim.weight_bits", b.getI64IntegerAttr(usedWeightBits));
    if (ternary)
      product->setAttr("cim.ternary", b.getUnitAttr());
    else
      product->removeAttr("cim.ternary");

    auto rescale = cim::RescaleOp::create(b, loc, resultType,
                                          product.getResult(), inputScale,
                                          b.getDenseF64ArrayAttr(weightScales));
    LLVM_DEBUG(llvm::dbgs()
               << "cim-quantize: " << loc << ": W=" << usedWeightBits
               << (ternary ? " (ternary)" : "") << " I=" << inBits
               << (input.staticScale ? " static" : " dynamic") << "\n");
    Value oldWeight = op.getWeight();
    op.getResult().replaceAllUsesWith(rescale.getResult());
    op.erase();
    if (!dynamicWeight)
      eraseIfDead(oldWeight);

    ++numQuantizedProducts;
    if (ternary)
      ++numTernary;
    return success();
  }

  cim::ArchAttr cachedArch;
  cim::arch::PrecisionSpec cachedPrecision;
};

} // namespace
