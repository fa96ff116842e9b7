//===- Quantization.cpp - QuantizeLinear / DequantizeLinear ------------------===//
//
// QDQ pairs are imported as their exact arithmetic, and each generic is
// tagged `onnx.qdq` ("quantize" / "dequantize") with its scale and zero
// point still visible as operands, so cim-quantize can take the model's own
// quantisation instead of calibrating. Nothing is dropped.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseSupport.h"
#include "../OpRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace cim::onnx_import;
using onnx::TensorProto;

namespace {

/// Scale and zero point per axis are 1-D; line them up with `axis` of a
/// rank-`rank` tensor so numpy broadcasting applies.
FailureOr<Value> alignPerAxis(ImportContext &ctx, size_t index, int64_t rank) {
  FailureOr<Value> value = ctx.input(index);
  if (failed(value))
    return failure();
  auto type = cast<RankedTensorType>(value->getType());
  if (type.getRank() != 1 || rank == 0)
    return value;
  int64_t axis = normalizeAxis(ctx.attrs().getInt("axis", 1), rank);
  SmallVector<int64_t> shape = {type.getDimSize(0)};
  shape.append(rank - axis - 1, 1);
  return reshapeTo(ctx.builder(), ctx.loc(), *value, shape);
}

/// Appends the scale and, when present, the zero point, both aligned with
/// the quantisation axis.
LogicalResult appendScaleAndZeroPoint(ImportContext &ctx, int64_t rank,
                                      SmallVectorImpl<Value> &inputs) {
  for (size_t index = 1; index <= 2; ++index) {
    if (index == 2 && !ctx.hasInput(2))
      break;
    FailureOr<Value> value = alignPerAxis(ctx, index, rank);
    if (failed(value))
      return failure();
    inputs.push_back(*value);
  }
  return success();
}

LogicalResult importQuantizeLinear(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<RankedTensorType> type = ctx.outputType(0);
  if (failed(x) || failed(type))
    return failure();
  SmallVector<Value> inputs = {*x};
  if (failed(appendScaleAndZeroPoint(ctx, type->getRank(), inputs)))
    return failure();
  const bool isUnsigned = isUnsignedDtype(ctx.outputDtype(0));
  // Saturation bounds of the output type (uint8 by default).
  const unsigned width = type->getElementTypeBitWidth();
  const double lo = isUnsigned ? 0 : -std::ldexp(1.0, width - 1);
  const double hi = isUnsigned ? std::ldexp(1.0, width) - 1
                               : std::ldexp(1.0, width - 1) - 1;
  Type outElem = type->getElementType();
  Value result = broadcastElementwise(
      ctx.builder(), ctx.loc(), *type, inputs,
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Type floatType = a[0].getType();
        Value scaled = arith::DivFOp::create(b, loc, a[0], a[1]);
        Value rounded = math::RoundEvenOp::create(b, loc, scaled);
        if (a.size() > 2)
          rounded = arith::AddFOp::create(
              b, loc, rounded,
              convertScalar(b, loc, a[2], floatType, isUnsigned, false));
        Value clamped = arith::MinimumFOp::create(
            b, loc,
            arith::MaximumFOp::create(b, loc, rounded,
                                      scalarConstant(b, loc, floatType, lo)),
            scalarConstant(b, loc, floatType, hi));
        return convertScalar(b, loc, clamped, outElem, false, isUnsigned);
      });
  result.getDefiningOp()->setAttr("onnx.qdq",
                                  ctx.builder().getStringAttr("quantize"));
  ctx.setOutput(0, result);
  return success();
}

LogicalResult importDequantizeLinear(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<RankedTensorType> type = ctx.outputType(0);
  if (failed(x) || failed(type))
    return failure();
  SmallVector<Value> inputs = {*x};
  if (failed(appendScaleAndZeroPoint(ctx, type->getRank(), inputs)))
    return failure();
  const bool isUnsigned = isUnsignedDtype(ctx.inputDtype(0));
  Type outElem = type->getElementType();
  Value result = broadcastElementwise(
      ctx.builder(), ctx.loc(), *type, inputs,
      [&](OpBuilder &b, Location loc, ValueRange a) {
        Value value = convertScalar(b, loc, a[0], outElem, isUnsigned, false);
        if (a.size() > 2)
          value = arith::SubFOp::create(
              b, loc, value,
              convertScalar(b, loc, a[2], outElem, isUnsigned, false));
        return arith::MulFOp::create(b, loc, value, a[1]).getResult();
      });
  result.getDefiningOp()->setAttr("onnx.qdq",
                                  ctx.builder().getStringAttr("dequantize"));
  ctx.setOutput(0, result);
  return success();
}

} // namespace

void cim::onnx_import::registerQuantizationOps(OpRegistry &r) {
  const std::string family = "Quantization";
  r.add("QuantizeLinear", importQuantizeLinear, family,
        "linalg.generic tagged onnx.qdq = \"quantize\"",
        "per-tensor or per-axis; round half to even, saturating");
  r.add("DequantizeLinear", importDequantizeLinear, family,
        "linalg.generic tagged onnx.qdq = \"dequantize\"",
        "per-tensor or per-axis");
}
