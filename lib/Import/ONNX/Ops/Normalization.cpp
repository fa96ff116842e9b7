//===- Normalization.cpp - BatchNormalization, LayerNormalization, Softmax --===//
//
// Inference-only normalisations. BatchNormalization with constant
// statistics is one multiply-add per element with host-computed per-channel
// factors (the ones after a Conv/Gemm were already folded into its weights
// by GraphRewrites.cpp). LayerNormalization reduces with linalg.reduce and
// combines in one generic. Softmax is linalg.softmax; LogSoftmax is spelled
// out in the numerically stable max-shifted form.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseSupport.h"
#include "../OpRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <string>
#include <vector>

using namespace mlir;
using namespace cim::onnx_import;

namespace {

/// Fails when any output from `first` on is used (has a name).
LogicalResult rejectOutputsFrom(ImportContext &ctx, size_t first,
                                const char *what) {
  for (size_t i = first; i < ctx.numOutputs(); ++i)
    if (!ctx.node().output(i).empty())
      return ctx.fail(Twine("the ") + what + " output is not supported");
  return success();
}

/// Float scalar conversion to `to` (parameters may be of another float type
/// than the data: T vs T1/T2 in the schemas).
Value toType(OpBuilder &b, Location loc, Value value, Type to) {
  return convertScalar(b, loc, value, to, false, false);
}

Value addF(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return arith::AddFOp::create(b, loc, lhs, rhs);
}
Value subF(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return arith::SubFOp::create(b, loc, lhs, rhs);
}
Value mulF(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return arith::MulFOp::create(b, loc, lhs, rhs);
}

/// Sum over `dims` of a float tensor.
Value sumOver(OpBuilder &b, Location loc, Value input,
              ArrayRef<int64_t> dims) {
  return reduce(b, loc, input, dims, 0.0,
                [](OpBuilder &nb, Location nl, Value e, Value acc) {
                  return addF(nb, nl, e, acc);
                });
}

/// Whether `type` broadcasts numpy-style to `shape` (right-aligned, each dim
/// equal or 1, not of higher rank): what broadcastElementwise can read.
bool broadcastsTo(RankedTensorType type, ArrayRef<int64_t> shape) {
  if (!type || type.getRank() > static_cast<int64_t>(shape.size()))
    return false;
  const int64_t offset = shape.size() - type.getRank();
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.getDimSize(i) != 1 && type.getDimSize(i) != shape[offset + i])
      return false;
  return true;
}

/// `input`'s shape with `dims` set to 1.
SmallVector<int64_t> keptShape(RankedTensorType type, ArrayRef<int64_t> dims) {
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t d : dims)
    shape[d] = 1;
  return shape;
}

//===----------------------------------------------------------------------===//
// BatchNormalization
//===----------------------------------------------------------------------===//

LogicalResult importBatchNormalization(ImportContext &ctx) {
  if (ctx.attrs().getInt("training_mode", 0) != 0)
    return ctx.fail("training_mode=1 is not supported (inference only)");
  if (failed(rejectOutputsFrom(ctx, 1, "running_mean/running_var")))
    return failure();
  FailureOr<Value> x = ctx.input(0);
  FailureOr<RankedTensorType> outType = ctx.outputType(0);
  if (failed(x) || failed(outType))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  Type elementType = xType.getElementType();
  if (!isa<FloatType>(elementType))
    return ctx.fail("needs a floating-point input");
  if (xType.getRank() < 2)
    return ctx.fail("input must be (N, C, ...)");
  const int64_t channels = xType.getDimSize(1);
  for (size_t i = 1; i <= 4; ++i) {
    RankedTensorType type = ctx.inputType(i);
    if (!type || type.getNumElements() != channels)
      return ctx.fail("input " + Twine(i) + " must hold one value per channel (" +
                      Twine(channels) + ")");
  }
  const double epsilon = ctx.attrs().getFloat("epsilon", 1e-5f);
  // Per-channel parameters broadcast as [C, 1, ..., 1] against (N, C, ...).
  std::vector<int64_t> paramShape = {channels};
  paramShape.resize(xType.getRank() - 1, 1);
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();

  const HostTensor *scale = ctx.constantInput(1), *bias = ctx.constantInput(2),
                   *mean = ctx.constantInput(3), *var = ctx.constantInput(4);
  if (scale && bias && mean && var) {
    // y = x * a + c with a = scale / sqrt(var + eps), c = B - mean * a.
    std::vector<double> s = scale->toDouble(), bb = bias->toDouble(),
                        m = mean->toDouble(), v = var->toDouble();
    std::vector<double> a(channels), c(channels);
    for (int64_t k = 0; k < channels; ++k) {
      a[k] = s[k] / std::sqrt(v[k] + epsilon);
      c[k] = bb[k] - m[k] * a[k];
    }
    const int32_t dtype = ctx.inputDtype(0);
    Value factor = ctx.materialize(HostTensor::fromDouble(dtype, paramShape, a));
    Value shift = ctx.materialize(HostTensor::fromDouble(dtype, paramShape, c));
    ctx.setOutput(0, broadcastElementwise(
                         b, loc, *outType, {*x, factor, shift},
                         [](OpBuilder &nb, Location nl, ValueRange args) {
                           return addF(nb, nl, mulF(nb, nl, args[0], args[1]),
                                       args[2]);
                         }));
    return success();
  }

  // Statistics computed at run time: the full formula.
  SmallVector<Value> operands = {*x};
  for (size_t i = 1; i <= 4; ++i) {
    FailureOr<Value> param = ctx.input(i);
    if (failed(param))
      return failure();
    operands.push_back(reshapeTo(b, loc, *param, paramShape));
  }
  ctx.setOutput(
      0, broadcastElementwise(
             b, loc, *outType, operands,
             [=](OpBuilder &nb, Location nl, ValueRange args) -> Value {
               Type t = args[0].getType();
               Value s = toType(nb, nl, args[1], t);
               Value bias = toType(nb, nl, args[2], t);
               Value m = toType(nb, nl, args[3], t);
               Value v = toType(nb, nl, args[4], t);
               Value eps = scalarConstant(nb, nl, t, epsilon);
               Value stddev = math::SqrtOp::create(nb, nl, addF(nb, nl, v, eps));
               Value normalized = arith::DivFOp::create(
                   nb, nl, subF(nb, nl, args[0], m), stddev);
               return addF(nb, nl, mulF(nb, nl, normalized, s), bias);
             }));
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormalization, InstanceNormalization
//===----------------------------------------------------------------------===//

/// Mean and 1/sqrt(variance + eps) of `x` over `dims`, both with the
/// reduced dims kept as 1s. The variance is the mean of squared deviations
/// (two passes), as in ONNX's function body.
std::pair<Value, Value> meanAndInvStdDev(OpBuilder &b, Location loc, Value x,
                                         ArrayRef<int64_t> dims,
                                         double epsilon) {
  auto type = cast<RankedTensorType>(x.getType());
  double count = 1;
  for (int64_t d : dims)
    count *= type.getDimSize(d);
  SmallVector<int64_t> kept = keptShape(type, dims);

  Value sum = sumOver(b, loc, x, dims);
  auto reducedType = cast<RankedTensorType>(sum.getType());
  Value mean = broadcastElementwise(
      b, loc, reducedType, {sum},
      [=](OpBuilder &nb, Location nl, ValueRange a) {
        Value n = scalarConstant(nb, nl, a[0].getType(), count);
        return arith::DivFOp::create(nb, nl, a[0], n).getResult();
      });
  mean = reshapeTo(b, loc, mean, kept);

  Value squares = broadcastElementwise(
      b, loc, type, {x, mean}, [](OpBuilder &nb, Location nl, ValueRange a) {
        Value d = subF(nb, nl, a[0], a[1]);
        return mulF(nb, nl, d, d);
      });
  Value squareSum = sumOver(b, loc, squares, dims);
  Value invStdDev = broadcastElementwise(
      b, loc, reducedType, {squareSum},
      [=](OpBuilder &nb, Location nl, ValueRange a) {
        Type t = a[0].getType();
        Value variance = arith::DivFOp::create(nb, nl, a[0],
                                               scalarConstant(nb, nl, t, count));
        Value shifted = addF(nb, nl, variance, scalarConstant(nb, nl, t, epsilon));
        return math::RsqrtOp::create(nb, nl, shifted).getResult();
      });
  return {mean, reshapeTo(b, loc, invStdDev, kept)};
}

/// y = (x - mean) * invStdDev * scale + bias, computed in `x`'s (possibly
/// widened) type and produced as `outType`. `scale` and `bias` (optional)
/// broadcast numpy-style against the output.
Value normalizeAffine(OpBuilder &b, Location loc, RankedTensorType outType,
                      Value x, Value mean, Value invStdDev, Value scale,
                      Value bias) {
  SmallVector<Value> operands = {x, mean, invStdDev, scale};
  if (bias)
    operands.push_back(bias);
  const bool hasBias = static_cast<bool>(bias);
  Type outElement = outType.getElementType();
  return broadcastElementwise(
      b, loc, outType, operands,
      [=](OpBuilder &nb, Location nl, ValueRange a) {
        Type t = a[0].getType();
        Value normalized = mulF(nb, nl, subF(nb, nl, a[0], a[1]), a[2]);
        Value y = mulF(nb, nl, normalized, toType(nb, nl, a[3], t));
        if (hasBias)
          y = addF(nb, nl, y, toType(nb, nl, a[4], t));
        return toType(nb, nl, y, outElement);
      });
}

LogicalResult importLayerNormalization(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<Value> scale = ctx.input(1);
  FailureOr<RankedTensorType> outType = ctx.outputType(0);
  if (failed(x) || failed(scale) || failed(outType))
    return failure();
  Value bias;
  if (ctx.hasInput(2)) {
    FailureOr<Value> value = ctx.input(2);
    if (failed(value))
      return failure();
    bias = *value;
  }
  auto xType = cast<RankedTensorType>(x->getType());
  auto floatType = dyn_cast<FloatType>(xType.getElementType());
  if (!floatType)
    return ctx.fail("needs a floating-point input");
  const int64_t rank = xType.getRank();
  const int64_t rawAxis = ctx.attrs().getInt("axis", -1);
  if (rawAxis < -rank || rawAxis >= rank)
    return ctx.fail("axis " + Twine(rawAxis) + " is out of range for rank " +
                    Twine(rank));
  const int64_t axis = normalizeAxis(rawAxis, rank);
  const double epsilon = ctx.attrs().getFloat("epsilon", 1e-5f);
  for (size_t i = 1; i <= 2; ++i)
    if (ctx.hasInput(i) && !broadcastsTo(ctx.inputType(i), xType.getShape()))
      return ctx.fail("input " + Twine(i) +
                      " does not broadcast to the input's shape");
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();

  // stash_type=1 (the default) computes f16/bf16 inputs in f32, as the
  // function body's casts do; wider inputs are computed in their own type.
  Value xc = *x;
  if (ctx.attrs().getInt("stash_type", 1) == 1 && floatType.getWidth() < 32) {
    auto wideType = RankedTensorType::get(xType.getShape(), b.getF32Type());
    xc = broadcastElementwise(b, loc, wideType, {xc},
                              [](OpBuilder &nb, Location nl, ValueRange a) {
                                return toType(nb, nl, a[0], nb.getF32Type());
                              });
  }
  SmallVector<int64_t> dims;
  for (int64_t d = axis; d < rank; ++d)
    dims.push_back(d);
  auto [mean, invStdDev] = meanAndInvStdDev(b, loc, xc, dims, epsilon);
  ctx.setOutput(0, normalizeAffine(b, loc, *outType, xc, mean, invStdDev,
                                   *scale, bias));
  // The optional Mean and InvStdDev outputs: the statistics themselves,
  // reduced dims kept as 1s, in the stash type the model declares.
  for (auto [index, statistic] : {std::pair<size_t, Value>{1, mean},
                                  {2, invStdDev}}) {
    if (index >= ctx.numOutputs() || ctx.node().output(index).empty())
      continue;
    FailureOr<RankedTensorType> type = ctx.outputType(index);
    if (failed(type))
      return failure();
    if (type->getShape() != cast<RankedTensorType>(statistic.getType()).getShape())
      return ctx.fail("output " + Twine(index) +
                      " does not have the statistics' shape");
    Type element = type->getElementType();
    ctx.setOutput(index,
                  broadcastElementwise(
                      b, loc, *type, {statistic},
                      [=](OpBuilder &nb, Location nl, ValueRange a) {
                        return toType(nb, nl, a[0], element);
                      }));
  }
  return success();
}

LogicalResult importInstanceNormalization(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<Value> scale = ctx.input(1);
  FailureOr<Value> bias = ctx.input(2);
  FailureOr<RankedTensorType> outType = ctx.outputType(0);
  if (failed(x) || failed(scale) || failed(bias) || failed(outType))
    return failure();
  auto xType = cast<RankedTensorType>(x->getType());
  if (!isa<FloatType>(xType.getElementType()))
    return ctx.fail("needs a floating-point input");
  const int64_t rank = xType.getRank();
  if (rank < 3)
    return ctx.fail("input must be (N, C, D1, ...)");
  const int64_t channels = xType.getDimSize(1);
  for (size_t i = 1; i <= 2; ++i)
    if (!ctx.inputType(i) || ctx.inputType(i).getNumElements() != channels)
      return ctx.fail("input " + Twine(i) + " must hold one value per channel");
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  SmallVector<int64_t> dims, paramShape = {channels};
  for (int64_t d = 2; d < rank; ++d) {
    dims.push_back(d);
    paramShape.push_back(1);
  }
  auto [mean, invStdDev] = meanAndInvStdDev(
      b, loc, *x, dims, ctx.attrs().getFloat("epsilon", 1e-5f));
  ctx.setOutput(0, normalizeAffine(b, loc, *outType, *x, mean, invStdDev,
                                   reshapeTo(b, loc, *scale, paramShape),
                                   reshapeTo(b, loc, *bias, paramShape)));
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax, LogSoftmax
//===----------------------------------------------------------------------===//

/// The single normalised axis of the opset-13 form, or failure.
FailureOr<int64_t> softmaxAxis(ImportContext &ctx, RankedTensorType type) {
  if (!isa<FloatType>(type.getElementType())) {
    (void)ctx.fail("needs a floating-point input");
    return failure();
  }
  const int64_t rank = type.getRank();
  const int64_t axis = ctx.attrs().getInt("axis", -1);
  if (rank == 0 || axis < -rank || axis >= rank) {
    (void)ctx.fail("axis " + Twine(axis) + " is out of range for rank " +
                   Twine(rank));
    return failure();
  }
  return normalizeAxis(axis, rank);
}

LogicalResult importSoftmax(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  FailureOr<int64_t> axis = softmaxAxis(ctx, type);
  if (failed(axis))
    return failure();
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  auto op = linalg::SoftmaxOp::create(b, loc, TypeRange{type}, *x,
                                      emptyTensor(b, loc, type),
                                      static_cast<uint64_t>(*axis));
  ctx.setOutput(0, op->getResult(0));
  return success();
}

LogicalResult importLogSoftmax(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  FailureOr<int64_t> axis = softmaxAxis(ctx, type);
  if (failed(axis))
    return failure();
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  // y = x - m - log(sum(exp(x - m))) with m the max along the axis: exp
  // never overflows and the largest term contributes exp(0) = 1.
  SmallVector<int64_t> kept = keptShape(type, {*axis});
  Value max = reduce(b, loc, *x, {*axis}, -INFINITY,
                     [](OpBuilder &nb, Location nl, Value e, Value acc) {
                       return arith::MaximumFOp::create(nb, nl, e, acc)
                           .getResult();
                     });
  Value maxKept = reshapeTo(b, loc, max, kept);
  Value exps = broadcastElementwise(
      b, loc, type, {*x, maxKept}, [](OpBuilder &nb, Location nl, ValueRange a) {
        return math::ExpOp::create(nb, nl, subF(nb, nl, a[0], a[1]))
            .getResult();
      });
  Value sum = sumOver(b, loc, exps, {*axis});
  Value logSum = broadcastElementwise(
      b, loc, cast<RankedTensorType>(sum.getType()), {sum},
      [](OpBuilder &nb, Location nl, ValueRange a) {
        return math::LogOp::create(nb, nl, a[0]).getResult();
      });
  Value logSumKept = reshapeTo(b, loc, logSum, kept);
  ctx.setOutput(0, broadcastElementwise(
                       b, loc, type, {*x, maxKept, logSumKept},
                       [](OpBuilder &nb, Location nl, ValueRange a) {
                         return subF(nb, nl, subF(nb, nl, a[0], a[1]), a[2]);
                       }));
  return success();
}

} // namespace

void cim::onnx_import::registerNormalizationOps(OpRegistry &r) {
  const std::string family = "Normalization";
  r.add("BatchNormalization", importBatchNormalization, family,
        "linalg.generic (x * a + b with host-computed per-channel a, b; the "
        "full formula when the statistics are not constant)",
        "inference only (training_mode=1 and the running_mean/var outputs "
        "are rejected); float only");
  r.add("LayerNormalization", importLayerNormalization, family,
        "linalg.reduce (mean, variance) + linalg.generic (math.rsqrt)",
        "stash_type=1 computes f16/bf16 in f32, wider types in their own "
        "type; float only");
  r.add("InstanceNormalization", importInstanceNormalization, family,
        "linalg.reduce (mean, variance) + linalg.generic (math.rsqrt)",
        "float only");
  r.add("Softmax", importSoftmax, family, "linalg.softmax",
        "opset-13 form: one axis (default -1); float only");
  r.add("LogSoftmax", importLogSoftmax, family,
        "linalg.reduce (max, sum of exp) + linalg.generic (x - max - log sum)",
        "opset-13 form: one axis (default -1), max-shifted for stability; "
        "float only");
}
