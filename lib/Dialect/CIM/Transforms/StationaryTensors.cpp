//===- StationaryTensors.cpp - Weights computable at compile time ---------===//

#include "StationaryTensors.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <cstring>
#include <functional>
#include <numeric>

using namespace mlir;
using cim::RawTensor;

/// Bounds the walk up the def chain: weights are a few ops from a constant.
static constexpr unsigned kMaxDepth = 8;

static bool isStationaryAt(Value value, unsigned depth) {
  Operation *def = value.getDefiningOp();
  if (!def)
    return false;
  if (def->hasTrait<OpTrait::ConstantLike>())
    return true;
  if (depth >= kMaxDepth || !isMemoryEffectFree(def))
    return false;
  for (Value operand : def->getOperands())
    if (!isStationaryAt(operand, depth + 1))
      return false;
  return true;
}

bool cim::isStationary(Value value) { return isStationaryAt(value, 0); }

static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// A tensor of `shape` whose element at each multi-index comes from the
/// element of `src` at linear index `sourceIndex(multi-index)`.
static RawTensor gather(const RawTensor &src, ArrayRef<int64_t> shape,
                        function_ref<int64_t(ArrayRef<int64_t>)> sourceIndex) {
  RawTensor out{SmallVector<int64_t>(shape), src.elementBytes, {}};
  const int64_t count = std::accumulate(shape.begin(), shape.end(), int64_t(1),
                                        std::multiplies<int64_t>());
  out.data.resize(count * src.elementBytes);
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t i = 0; i < count; ++i) {
    std::memcpy(out.data.data() + i * src.elementBytes,
                src.data.data() + sourceIndex(index) * src.elementBytes,
                src.elementBytes);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

RawTensor cim::transposeRaw(const RawTensor &src, ArrayRef<int64_t> perm) {
  SmallVector<int64_t> shape, srcStrides = stridesOf(src.shape);
  for (int64_t p : perm)
    shape.push_back(src.shape[p]);
  return gather(src, shape, [&](ArrayRef<int64_t> index) {
    int64_t linear = 0;
    for (auto [d, p] : llvm::enumerate(perm))
      linear += index[d] * srcStrides[p];
    return linear;
  });
}

/// The elements of a constant attribute: dense (splat or not) or a resource
/// blob, the form the importer gives large weights.
static std::optional<RawTensor> readRaw(Attribute attr) {
  auto typed = dyn_cast<TypedAttr>(attr);
  auto type = typed ? dyn_cast<RankedTensorType>(typed.getType()) : nullptr;
  if (!type || !type.hasStaticShape() ||
      !isa<FloatType>(type.getElementType()) ||
      type.getElementTypeBitWidth() % 8 != 0)
    return std::nullopt;
  RawTensor raw{SmallVector<int64_t>(type.getShape()),
                type.getElementTypeBitWidth() / 8u,
                {}};
  const size_t bytes = type.getNumElements() * raw.elementBytes;
  ArrayRef<char> data;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    data = dense.getRawData();
  else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    data = blob->getData();
  } else {
    return std::nullopt;
  }
  if (data.size() == bytes) {
    raw.data.assign(data.begin(), data.end());
  } else if (data.size() == raw.elementBytes) { // splat
    raw.data.reserve(bytes);
    for (int64_t i = 0; i < type.getNumElements(); ++i)
      raw.data.insert(raw.data.end(), data.begin(), data.end());
  } else {
    return std::nullopt;
  }
  return raw;
}

/// See evaluateStationary; `depth` ops from where it started.
static std::optional<RawTensor> evaluate(Value value, unsigned depth) {
  Attribute attr;
  if (matchPattern(value, m_Constant(&attr)))
    return readRaw(attr);
  Operation *def = value.getDefiningOp();
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!def || !type || !type.hasStaticShape() || depth >= kMaxDepth)
    return std::nullopt;
  auto reshaped = [&](Value source) -> std::optional<RawTensor> {
    std::optional<RawTensor> raw = evaluate(source, depth + 1);
    if (raw)
      raw->shape.assign(type.getShape().begin(), type.getShape().end());
    return raw;
  };
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(def))
    return reshaped(collapse.getSrc());
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(def))
    return reshaped(expand.getSrc());
  if (auto transpose = dyn_cast<linalg::TransposeOp>(def)) {
    if (!transpose.hasPureTensorSemantics())
      return std::nullopt;
    std::optional<RawTensor> raw = evaluate(transpose.getInput(), depth + 1);
    if (!raw)
      return std::nullopt;
    return transposeRaw(*raw, transpose.getPermutation());
  }
  // A broadcast, as linalg.broadcast or as the importer's generic copying
  // its input through projected (or constant-0) indexing maps.
  Value source;
  AffineMap inputMap, outputMap;
  MLIRContext *ctx = value.getContext();
  if (auto broadcast = dyn_cast<linalg::BroadcastOp>(def)) {
    source = broadcast.getInput();
    SmallVector<AffineExpr> kept;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (!llvm::is_contained(broadcast.getDimensions(), d))
        kept.push_back(getAffineDimExpr(d, ctx));
    inputMap = AffineMap::get(type.getRank(), 0, kept, ctx);
    outputMap = AffineMap::getMultiDimIdentityMap(type.getRank(), ctx);
  } else if (auto generic = dyn_cast<linalg::GenericOp>(def)) {
    if (generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
        !generic.hasPureTensorSemantics() ||
        generic.getNumParallelLoops() != generic.getNumLoops())
      return std::nullopt;
    auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
    if (generic.getBody()->getOperations().size() != 1 ||
        yield.getValues().front() != generic.getBody()->getArgument(0))
      return std::nullopt;
    source = generic.getDpsInputs().front();
    inputMap = generic.getIndexingMapsArray()[0];
    outputMap = generic.getIndexingMapsArray()[1];
  } else {
    return std::nullopt;
  }
  if (!outputMap.isPermutation())
    return std::nullopt;
  for (AffineExpr expr : inputMap.getResults())
    if (!isa<AffineDimExpr, AffineConstantExpr>(expr))
      return std::nullopt;
  std::optional<RawTensor> raw = evaluate(source, depth + 1);
  if (!raw)
    return std::nullopt;
  SmallVector<int64_t> srcStrides = stridesOf(raw->shape);
  SmallVector<int64_t> loops(outputMap.getNumDims());
  return gather(*raw, type.getShape(), [&](ArrayRef<int64_t> index) {
    for (auto [d, expr] : llvm::enumerate(outputMap.getResults()))
      loops[cast<AffineDimExpr>(expr).getPosition()] = index[d];
    int64_t linear = 0;
    for (auto [d, expr] : llvm::enumerate(inputMap.getResults())) {
      int64_t i = isa<AffineDimExpr>(expr)
                      ? loops[cast<AffineDimExpr>(expr).getPosition()]
                      : cast<AffineConstantExpr>(expr).getValue();
      linear += i * srcStrides[d];
    }
    return linear;
  });
}

std::optional<RawTensor> cim::evaluateStationary(Value value) {
  return evaluate(value, 0);
}

Value cim::buildConstant(OpBuilder &b, Location loc, Type elementType,
                         const RawTensor &raw) {
  auto type = RankedTensorType::get(raw.shape, elementType);
  auto attr = DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(raw.data.data(), raw.data.size()));
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
}
