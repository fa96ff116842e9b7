//===- Builders.cpp - IR building blocks shared by the op handlers ----------===//

#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;
using namespace cim::onnx_import;

int64_t cim::onnx_import::normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

std::string cim::onnx_import::shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Value cim::onnx_import::emptyTensor(OpBuilder &b, Location loc,
                                    RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value cim::onnx_import::scalarConstant(OpBuilder &b, Location loc,
                                       Type elementType, double value) {
  if (auto floatType = dyn_cast<FloatType>(elementType))
    return arith::ConstantOp::create(b, loc,
                                     b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(elementType, static_cast<int64_t>(value)));
}

Value cim::onnx_import::filledTensor(OpBuilder &b, Location loc,
                                     RankedTensorType type, double value) {
  Value scalar = scalarConstant(b, loc, type.getElementType(), value);
  return linalg::FillOp::create(b, loc, scalar, emptyTensor(b, loc, type))
      .getResult(0);
}

Value cim::onnx_import::broadcastElementwise(OpBuilder &b, Location loc,
                                             RankedTensorType resultType,
                                             ValueRange inputs,
                                             ScalarBody body) {
  const int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    auto type = cast<RankedTensorType>(input.getType());
    SmallVector<AffineExpr> exprs;
    const int64_t offset = rank - type.getRank();
    for (int64_t i = 0; i < type.getRank(); ++i) {
      bool repeats = type.getDimSize(i) == 1 &&
                     resultType.getDimSize(offset + i) != 1;
      exprs.push_back(repeats ? b.getAffineConstantExpr(0)
                              : b.getAffineDimExpr(offset + i));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs,
      ValueRange{emptyTensor(b, loc, resultType)}, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value cim::onnx_import::broadcastTo(OpBuilder &b, Location loc, Value value,
                                    ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return broadcastElementwise(
      b, loc, resultType, {value},
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

Value cim::onnx_import::reshapeTo(OpBuilder &b, Location loc, Value value,
                                  ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  if (type.getRank() > resultType.getRank()) {
    if (auto reassociation =
            getReassociationIndicesForReshape(type, resultType))
      return tensor::CollapseShapeOp::create(b, loc, resultType, value,
                                             *reassociation);
  } else if (type.getRank() < resultType.getRank()) {
    if (auto reassociation =
            getReassociationIndicesForReshape(resultType, type))
      return tensor::ExpandShapeOp::create(b, loc, resultType, value,
                                           *reassociation);
  }
  // A general reshape: through 1-D, which both ops can always express.
  int64_t count = type.getNumElements();
  auto flatType = RankedTensorType::get({count}, type.getElementType());
  Value flat = value;
  if (type.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t i = 0; i < type.getRank(); ++i)
      all[0].push_back(i);
    if (type.getRank() == 0)
      all.clear();
    flat = type.getRank() == 0
               ? Value(tensor::ExpandShapeOp::create(b, loc, flatType, value,
                                                     all))
               : Value(tensor::CollapseShapeOp::create(b, loc, flatType,
                                                       value, all));
  }
  if (resultType.getRank() == 1)
    return flat;
  SmallVector<ReassociationIndices> all(1);
  for (int64_t i = 0; i < resultType.getRank(); ++i)
    all[0].push_back(i);
  if (resultType.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, resultType, flat,
                                           ArrayRef<ReassociationIndices>{});
  return tensor::ExpandShapeOp::create(b, loc, resultType, flat, all);
}

Value cim::onnx_import::transpose(OpBuilder &b, Location loc, Value value,
                                  ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(value.getType());
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identity &= perm[i] == static_cast<int64_t>(i);
  if (identity)
    return value;
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return linalg::TransposeOp::create(b, loc, value,
                                     emptyTensor(b, loc, resultType), perm)
      .getResult()[0];
}

Value cim::onnx_import::padConstant(OpBuilder &b, Location loc, Value value,
                                    ArrayRef<int64_t> low,
                                    ArrayRef<int64_t> high, double padValue) {
  bool none = true;
  for (size_t i = 0; i < low.size(); ++i)
    none &= low[i] == 0 && high[i] == 0;
  if (none)
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    shape.push_back(type.getDimSize(i) + low[i] + high[i]);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value scalar = scalarConstant(b, loc, type.getElementType(), padValue);
  SmallVector<OpFoldResult> lowFold, highFold;
  for (size_t i = 0; i < low.size(); ++i) {
    lowFold.push_back(b.getIndexAttr(low[i]));
    highFold.push_back(b.getIndexAttr(high[i]));
  }
  return tensor::PadOp::create(b, loc, resultType, value, lowFold, highFold,
                               scalar);
}

Value cim::onnx_import::reduce(OpBuilder &b, Location loc, Value input,
                               ArrayRef<int64_t> dims, double init,
                               Combiner combine) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!llvm::is_contained(dims, i))
      shape.push_back(type.getDimSize(i));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value initTensor = filledTensor(b, loc, resultType, init);
  SmallVector<int64_t> sortedDims(dims.begin(), dims.end());
  llvm::sort(sortedDims);
  auto op = linalg::ReduceOp::create(
      b, loc, ValueRange{input}, ValueRange{initTensor}, sortedDims,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                combine(nested, nestedLoc, args[0], args[1]));
      });
  return op.getResult(0);
}

Value cim::onnx_import::convertScalar(OpBuilder &b, Location loc, Value value,
                                      Type to, bool srcUnsigned,
                                      bool dstUnsigned) {
  Type from = value.getType();
  if (from == to)
    return value;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth()
               ? Value(arith::ExtFOp::create(b, loc, to, value))
               : Value(arith::TruncFOp::create(b, loc, to, value));
  if (fromFloat) {
    if (to.isInteger(1)) // nonzero is true
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value,
                                   scalarConstant(b, loc, from, 0));
    return dstUnsigned ? Value(arith::FPToUIOp::create(b, loc, to, value))
                       : Value(arith::FPToSIOp::create(b, loc, to, value));
  }
  if (toFloat)
    return srcUnsigned || from.isInteger(1)
               ? Value(arith::UIToFPOp::create(b, loc, to, value))
               : Value(arith::SIToFPOp::create(b, loc, to, value));
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (to.isInteger(1))
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value,
                                 scalarConstant(b, loc, from, 0));
  if (fromWidth < toWidth)
    return srcUnsigned || from.isInteger(1)
               ? Value(arith::ExtUIOp::create(b, loc, to, value))
               : Value(arith::ExtSIOp::create(b, loc, to, value));
  return arith::TruncIOp::create(b, loc, to, value);
}
