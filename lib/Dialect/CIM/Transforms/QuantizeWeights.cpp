//===- QuantizeWeights.cpp - Read and quantise crossbar weights -----------===//
//
// The weight half of cim-quantize: the values of a stationary weight (a
// float constant, a dense_resource blob, a QDQ model's DequantizeLinear of
// integer constants, seen through reshapes and transposes) and their
// per-channel quantisation with cim.quantize's exact semantics.
//
//===----------------------------------------------------------------------===//

#include "QuantizeWeights.h"
#include "WeightConstants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace mlir;
using namespace cim::quantization;

namespace {

/// Relative tolerance within which the nonzero weights of a column count as
/// one magnitude (ternary detection).
constexpr double kTernaryTolerance = 1e-6;

/// cim.quantize's element semantics (see QuantizeOp::fold): divide in
/// double, round half to even, clamp; NaN becomes 0.
int64_t quantizeValue(double value, double scale, double limit) {
  const double scaled = value / scale;
  if (std::isnan(scaled))
    return 0;
  return static_cast<int64_t>(
      std::clamp(std::nearbyint(scaled), -limit, limit));
}

FailureOr<WeightValues> readWeight(Value value, WeightReadFailure &why,
                                   unsigned depth);

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
                                           WeightReadFailure &why,
                                           unsigned depth) {
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
  FailureOr<WeightValues> scales = readWeight(inputs[1], why, depth + 1);
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
FailureOr<std::vector<double>> readFloatConstant(Attribute attr,
                                                 RankedTensorType type,
                                                 WeightReadFailure &why) {
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
    why = WeightReadFailure::MissingBlob;
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

FailureOr<WeightValues> readWeight(Value value, WeightReadFailure &why,
                                   unsigned depth) {
  why = WeightReadFailure::NotConstant;
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
    return readWeight(def->getOperand(0), why, depth + 1);
  auto transpose = dyn_cast_or_null<linalg::TransposeOp>(def);
  if (!transpose)
    return failure();
  FailureOr<WeightValues> source =
      readWeight(transpose.getInput(), why, depth + 1);
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

} // namespace

double cim::quantization::toDouble(APFloat value) {
  bool losesInfo = false;
  value.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                &losesInfo);
  return value.convertToDouble();
}

linalg::GenericOp cim::quantization::asDequantize(Value value) {
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

bool cim::quantization::hasUnsignedLevels(linalg::GenericOp dequantize) {
  BlockArgument levels = dequantize.getBody()->getArgument(0);
  return llvm::any_of(levels.getUsers(),
                      [](Operation *op) { return isa<arith::UIToFPOp>(op); });
}

FailureOr<WeightValues>
cim::quantization::readFloatWeight(Value value, WeightReadFailure &why) {
  return readWeight(value, why, /*depth=*/0);
}

QuantizedWeight cim::quantization::quantizeWeight(const WeightValues &weight,
                                                  int64_t groups, int64_t k,
                                                  int64_t n, int64_t bits) {
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
