//===- Reduction.cpp - ReduceSum, ReduceMean and friends --------------------===//
//
// Every Reduce* op is one linalg.reduce over the normalised axes, an
// elementwise finish where the op needs one (mean, sqrt, log), and a
// reshape that re-inserts the reduced dims as 1s under keepdims. At opset 17
// the axes are an attribute, except for ReduceSum where they are an optional
// second input (which must be a constant here).
//
//===----------------------------------------------------------------------===//

#include "ElementwiseSupport.h"
#include "../OpRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

#include <set>
#include <string>

using namespace mlir;
using namespace cim::onnx_import;

namespace {

enum class ReduceKind {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  L1,
  L2,
  SumSquare,
  LogSum,
  LogSumExp
};

/// Whether the op is defined on floats only (its finish is sqrt/log/exp).
bool needsFloat(ReduceKind kind) {
  return kind == ReduceKind::L2 || kind == ReduceKind::LogSum ||
         kind == ReduceKind::LogSumExp;
}

/// The identity of the accumulation as an attribute, so that integer
/// extremes (INT64_MAX has no double) stay exact.
TypedAttr initialValue(OpBuilder &b, ReduceKind kind, Type type,
                       bool isUnsigned) {
  if (auto floatType = dyn_cast<FloatType>(type)) {
    const llvm::fltSemantics &sem = floatType.getFloatSemantics();
    switch (kind) {
    case ReduceKind::Max:
      return b.getFloatAttr(type, APFloat::getInf(sem, /*Negative=*/true));
    case ReduceKind::Min:
      return b.getFloatAttr(type, APFloat::getInf(sem, /*Negative=*/false));
    case ReduceKind::Prod:
      return b.getFloatAttr(type, 1.0);
    default:
      return b.getFloatAttr(type, 0.0);
    }
  }
  const unsigned width = type.getIntOrFloatBitWidth();
  switch (kind) {
  case ReduceKind::Max:
    return b.getIntegerAttr(type, isUnsigned ? APInt::getMinValue(width)
                                             : APInt::getSignedMinValue(width));
  case ReduceKind::Min:
    return b.getIntegerAttr(type, isUnsigned ? APInt::getMaxValue(width)
                                             : APInt::getSignedMaxValue(width));
  case ReduceKind::Prod:
    return b.getIntegerAttr(type, 1);
  default:
    return b.getIntegerAttr(type, 0);
  }
}

/// One accumulation step: acc (+|*|max|min) f(element).
Value combine(OpBuilder &b, Location loc, ReduceKind kind, bool isUnsigned,
              Value element, Value acc) {
  const bool isFloat = isa<FloatType>(element.getType());
  switch (kind) {
  case ReduceKind::Max:
    if (isFloat)
      return arith::MaximumFOp::create(b, loc, element, acc);
    return isUnsigned ? Value(arith::MaxUIOp::create(b, loc, element, acc))
                      : Value(arith::MaxSIOp::create(b, loc, element, acc));
  case ReduceKind::Min:
    if (isFloat)
      return arith::MinimumFOp::create(b, loc, element, acc);
    return isUnsigned ? Value(arith::MinUIOp::create(b, loc, element, acc))
                      : Value(arith::MinSIOp::create(b, loc, element, acc));
  case ReduceKind::Prod:
    return isFloat ? Value(arith::MulFOp::create(b, loc, element, acc))
                   : Value(arith::MulIOp::create(b, loc, element, acc));
  case ReduceKind::L1:
    if (isFloat)
      element = math::AbsFOp::create(b, loc, element);
    else if (!isUnsigned)
      element = math::AbsIOp::create(b, loc, element);
    break;
  case ReduceKind::L2:
  case ReduceKind::SumSquare:
    element = isFloat ? Value(arith::MulFOp::create(b, loc, element, element))
                      : Value(arith::MulIOp::create(b, loc, element, element));
    break;
  case ReduceKind::LogSumExp: // the input is already exp(x - max)
  case ReduceKind::Sum:
  case ReduceKind::Mean:
  case ReduceKind::LogSum:
    break;
  }
  return isFloat ? Value(arith::AddFOp::create(b, loc, element, acc))
                 : Value(arith::AddIOp::create(b, loc, element, acc));
}

/// linalg.reduce over `dims` (sorted) from a fill of `init`.
Value reduceDims(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> dims, TypedAttr init, ReduceKind kind,
                 bool isUnsigned) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!llvm::is_contained(dims, d))
      shape.push_back(type.getDimSize(d));
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  Value scalar = arith::ConstantOp::create(b, loc, init);
  Value filled =
      linalg::FillOp::create(b, loc, scalar, emptyTensor(b, loc, resultType))
          .getResult(0);
  auto op = linalg::ReduceOp::create(
      b, loc, ValueRange{input}, ValueRange{filled}, dims,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(
            nb, nl, combine(nb, nl, kind, isUnsigned, args[0], args[1]));
      });
  return op.getResult(0);
}

/// The op's reduced axes, sorted and unique; empty with `identity` set when
/// noop_with_empty_axes asks for no reduction.
FailureOr<SmallVector<int64_t>> reducedAxes(ImportContext &ctx, int64_t rank,
                                            bool &identity) {
  std::vector<int64_t> axes;
  if (ctx.node().op_type() == "ReduceSum") {
    if (ctx.hasInput(1)) {
      const HostTensor *constant = ctx.constantInput(1);
      if (!constant) {
        (void)ctx.fail("the axes input must be a constant");
        return failure();
      }
      axes = constant->toInt64();
    }
  } else {
    axes = ctx.attrs().getInts("axes", std::vector<int64_t>());
  }
  identity = false;
  SmallVector<int64_t> result;
  if (axes.empty()) {
    if (ctx.attrs().getInt("noop_with_empty_axes", 0) != 0) {
      identity = true;
      return result;
    }
    for (int64_t d = 0; d < rank; ++d)
      result.push_back(d);
    return result;
  }
  std::set<int64_t> unique;
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank) {
      (void)ctx.fail("axis " + Twine(axis) + " is out of range for rank " +
                     Twine(rank));
      return failure();
    }
    unique.insert(normalizeAxis(axis, rank));
  }
  result.assign(unique.begin(), unique.end());
  return result;
}

LogicalResult importReduce(ImportContext &ctx, ReduceKind kind) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> outType = ctx.outputType(0);
  if (failed(outType))
    return failure();
  Value x = *input;
  auto inType = cast<RankedTensorType>(x.getType());
  Type elementType = inType.getElementType();
  const bool isFloat = isa<FloatType>(elementType);
  const bool isUnsigned = isUnsignedDtype(ctx.inputDtype(0));
  if (!isFloat && needsFloat(kind))
    return ctx.fail("needs a floating-point input");
  const int64_t rank = inType.getRank();

  bool identity = false;
  FailureOr<SmallVector<int64_t>> dims = reducedAxes(ctx, rank, identity);
  if (failed(dims))
    return failure();
  if (identity) {
    if (outType->getShape() != inType.getShape())
      return ctx.fail("noop_with_empty_axes: output shape must be the input's");
    ctx.setOutput(0, x);
    return success();
  }

  const bool keepDims = ctx.attrs().getInt("keepdims", 1) != 0;
  SmallVector<int64_t> keptShape, expected;
  int64_t count = 1;
  for (int64_t d = 0; d < rank; ++d) {
    const bool reduced = llvm::is_contained(*dims, d);
    if (reduced)
      count *= inType.getDimSize(d);
    keptShape.push_back(reduced ? 1 : inType.getDimSize(d));
    if (!reduced || keepDims)
      expected.push_back(keptShape.back());
  }
  if (outType->getShape() != ArrayRef<int64_t>(expected))
    return ctx.fail("inferred output shape differs from the reduction's");

  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  auto reducedType = [&](Value v) {
    return cast<RankedTensorType>(v.getType());
  };
  Value source = x;
  Value shift; // LogSumExp: the max subtracted before exp, added back after
  if (kind == ReduceKind::LogSumExp) {
    // log(sum(exp(x))) = m + log(sum(exp(x - m))) with m the max, so exp
    // never overflows; an infinite max is replaced by 0 (all -inf rows give
    // -inf, not NaN).
    Value max = reduceDims(b, loc, x, *dims,
                           initialValue(b, ReduceKind::Max, elementType, false),
                           ReduceKind::Max, false);
    shift = broadcastElementwise(
        b, loc, reducedType(max), {max},
        [](OpBuilder &nb, Location nl, ValueRange a) {
          Value magnitude = math::AbsFOp::create(nb, nl, a[0]);
          Value inf = arith::ConstantOp::create(
              nb, nl,
              nb.getFloatAttr(a[0].getType(),
                              APFloat::getInf(cast<FloatType>(a[0].getType())
                                                  .getFloatSemantics())));
          Value isInf = arith::CmpFOp::create(
              nb, nl, arith::CmpFPredicate::OEQ, magnitude, inf);
          Value zero = scalarConstant(nb, nl, a[0].getType(), 0.0);
          return arith::SelectOp::create(nb, nl, isInf, zero, a[0])
              .getResult();
        });
    Value shiftKept = reshapeTo(b, loc, shift, keptShape);
    source = broadcastElementwise(
        b, loc, inType, {x, shiftKept},
        [](OpBuilder &nb, Location nl, ValueRange a) {
          Value centered = arith::SubFOp::create(nb, nl, a[0], a[1]);
          return math::ExpOp::create(nb, nl, centered).getResult();
        });
  }

  Value result = reduceDims(b, loc, source, *dims,
                            initialValue(b, kind, elementType, isUnsigned),
                            kind, isUnsigned);

  // The elementwise finish on the reduced tensor.
  switch (kind) {
  case ReduceKind::Mean:
    result = broadcastElementwise(
        b, loc, reducedType(result), {result},
        [=](OpBuilder &nb, Location nl, ValueRange a) -> Value {
          Value n = scalarConstant(nb, nl, a[0].getType(), double(count));
          if (isFloat)
            return arith::DivFOp::create(nb, nl, a[0], n);
          // Integer mean truncates, as integer division does.
          return isUnsigned ? Value(arith::DivUIOp::create(nb, nl, a[0], n))
                            : Value(arith::DivSIOp::create(nb, nl, a[0], n));
        });
    break;
  case ReduceKind::L2:
    result = broadcastElementwise(
        b, loc, reducedType(result), {result},
        [](OpBuilder &nb, Location nl, ValueRange a) {
          return math::SqrtOp::create(nb, nl, a[0]).getResult();
        });
    break;
  case ReduceKind::LogSum:
    result = broadcastElementwise(
        b, loc, reducedType(result), {result},
        [](OpBuilder &nb, Location nl, ValueRange a) {
          return math::LogOp::create(nb, nl, a[0]).getResult();
        });
    break;
  case ReduceKind::LogSumExp:
    result = broadcastElementwise(
        b, loc, reducedType(result), {result, shift},
        [](OpBuilder &nb, Location nl, ValueRange a) {
          Value log = math::LogOp::create(nb, nl, a[0]);
          return arith::AddFOp::create(nb, nl, log, a[1]).getResult();
        });
    break;
  default:
    break;
  }
  ctx.setOutput(0, reshapeTo(b, loc, result, outType->getShape()));
  return success();
}

template <ReduceKind Kind> LogicalResult importReduceOp(ImportContext &ctx) {
  return importReduce(ctx, Kind);
}

} // namespace

void cim::onnx_import::registerReductionOps(OpRegistry &r) {
  const std::string family = "Reduction";
  const std::string reduce = "linalg.reduce";
  const std::string common = "keepdims, negative axes";
  const std::string floatOnly = "; float only";
  r.add("ReduceSum", importReduceOp<ReduceKind::Sum>, family, reduce,
        common + ", noop_with_empty_axes; the axes input must be a constant");
  r.add("ReduceMean", importReduceOp<ReduceKind::Mean>, family,
        reduce + " + linalg.generic (divide)",
        common + "; integer means truncate");
  r.add("ReduceMax", importReduceOp<ReduceKind::Max>, family,
        reduce + " (arith.maximumf / maxsi / maxui)",
        common + "; NaN propagates");
  r.add("ReduceMin", importReduceOp<ReduceKind::Min>, family,
        reduce + " (arith.minimumf / minsi / minui)",
        common + "; NaN propagates");
  r.add("ReduceProd", importReduceOp<ReduceKind::Prod>, family, reduce,
        common);
  r.add("ReduceL1", importReduceOp<ReduceKind::L1>, family,
        reduce + " (abs, add)", common);
  r.add("ReduceL2", importReduceOp<ReduceKind::L2>, family,
        reduce + " + linalg.generic (math.sqrt)", common + floatOnly);
  r.add("ReduceSumSquare", importReduceOp<ReduceKind::SumSquare>, family,
        reduce + " (mul, add)", common);
  r.add("ReduceLogSum", importReduceOp<ReduceKind::LogSum>, family,
        reduce + " + linalg.generic (math.log)", common + floatOnly);
  r.add("ReduceLogSumExp", importReduceOp<ReduceKind::LogSumExp>, family,
        reduce + " (max, then sum of exp(x - max)) + linalg.generic "
                 "(math.log)",
        common + "; computed stably (the max is subtracted first)" +
            floatOnly);
}
