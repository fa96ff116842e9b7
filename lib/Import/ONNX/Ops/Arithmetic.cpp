//===- Arithmetic.cpp - Elementwise math, comparisons, Cast, Where ----------===//
//
// Every op here is one broadcasting linalg.generic whose body is arith/math
// on scalars, so numpy broadcasting is handled once (Builders.cpp).
//
//===----------------------------------------------------------------------===//

#include "ElementwiseSupport.h"
#include "../OpRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace cim::onnx_import;
using onnx::TensorProto;

bool cim::onnx_import::isUnsignedDtype(int32_t dtype) {
  return dtype == TensorProto::UINT8 || dtype == TensorProto::UINT16 ||
         dtype == TensorProto::UINT32 || dtype == TensorProto::UINT64;
}

LogicalResult cim::onnx_import::importElementwise(ImportContext &ctx,
                                                  ScalarBody body) {
  SmallVector<Value> inputs;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    if (!ctx.hasInput(i))
      continue;
    FailureOr<Value> value = ctx.input(i);
    if (failed(value))
      return failure();
    inputs.push_back(*value);
  }
  FailureOr<RankedTensorType> type = ctx.outputType(0);
  if (failed(type))
    return failure();
  ctx.setOutput(0, broadcastElementwise(ctx.builder(), ctx.loc(), *type,
                                        inputs, body));
  return success();
}

namespace {

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

template <typename FloatOp, typename IntOp>
Value floatOrInt(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isFloat(lhs))
    return FloatOp::create(b, loc, lhs, rhs);
  return IntOp::create(b, loc, lhs, rhs);
}

LogicalResult importAdd(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    return floatOrInt<arith::AddFOp, arith::AddIOp>(b, loc, a[0], a[1]);
  });
}

LogicalResult importSub(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    return floatOrInt<arith::SubFOp, arith::SubIOp>(b, loc, a[0], a[1]);
  });
}

LogicalResult importMul(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    return floatOrInt<arith::MulFOp, arith::MulIOp>(b, loc, a[0], a[1]);
  });
}

LogicalResult importDiv(ImportContext &ctx) {
  const bool isUnsigned = isUnsignedDtype(ctx.inputDtype(0));
  return importElementwise(
      ctx, [isUnsigned](OpBuilder &b, Location loc, ValueRange a) -> Value {
        if (isFloat(a[0]))
          return arith::DivFOp::create(b, loc, a[0], a[1]);
        // Integer division truncates toward zero, as in ONNX.
        if (isUnsigned)
          return arith::DivUIOp::create(b, loc, a[0], a[1]);
        return arith::DivSIOp::create(b, loc, a[0], a[1]);
      });
}

LogicalResult importPow(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc,
                                   ValueRange a) -> Value {
    if (!isFloat(a[0]))
      return math::IPowIOp::create(
          b, loc, a[0],
          convertScalar(b, loc, a[1], a[0].getType(), false, false));
    // The exponent may be of another type (T1 vs T2 in the schema).
    Value exponent = convertScalar(b, loc, a[1], a[0].getType(), false, false);
    return math::PowFOp::create(b, loc, a[0], exponent);
  });
}

LogicalResult importMinMax(ImportContext &ctx, bool isMax) {
  const bool isUnsigned = isUnsignedDtype(ctx.inputDtype(0));
  return importElementwise(
      ctx, [=](OpBuilder &b, Location loc, ValueRange a) -> Value {
        Value acc = a[0];
        for (Value next : a.drop_front()) {
          if (isFloat(acc))
            acc = isMax ? Value(arith::MaximumFOp::create(b, loc, acc, next))
                        : Value(arith::MinimumFOp::create(b, loc, acc, next));
          else if (isUnsigned)
            acc = isMax ? Value(arith::MaxUIOp::create(b, loc, acc, next))
                        : Value(arith::MinUIOp::create(b, loc, acc, next));
          else
            acc = isMax ? Value(arith::MaxSIOp::create(b, loc, acc, next))
                        : Value(arith::MinSIOp::create(b, loc, acc, next));
        }
        return acc;
      });
}

template <typename OpTy> LogicalResult importFloatUnary(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    return OpTy::create(b, loc, a[0]).getResult();
  });
}

LogicalResult importNeg(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc,
                                   ValueRange a) -> Value {
    if (isFloat(a[0]))
      return arith::NegFOp::create(b, loc, a[0]);
    return arith::SubIOp::create(
        b, loc, scalarConstant(b, loc, a[0].getType(), 0), a[0]);
  });
}

LogicalResult importAbs(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc,
                                   ValueRange a) -> Value {
    if (isFloat(a[0]))
      return math::AbsFOp::create(b, loc, a[0]);
    return math::AbsIOp::create(b, loc, a[0]);
  });
}

LogicalResult importReciprocal(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    return arith::DivFOp::create(
               b, loc, scalarConstant(b, loc, a[0].getType(), 1.0), a[0])
        .getResult();
  });
}

LogicalResult importClip(ImportContext &ctx) {
  // min and max are optional scalar inputs (attributes before opset 11; the
  // converter moved them).
  const bool hasMin = ctx.hasInput(1), hasMax = ctx.hasInput(2);
  const bool isUnsigned = isUnsignedDtype(ctx.inputDtype(0));
  SmallVector<Value> inputs;
  for (size_t i = 0; i < 3; ++i) {
    if (!ctx.hasInput(i))
      continue;
    FailureOr<Value> value = ctx.input(i);
    if (failed(value))
      return failure();
    inputs.push_back(*value);
  }
  FailureOr<RankedTensorType> type = ctx.outputType(0);
  if (failed(type))
    return failure();
  ctx.setOutput(0, broadcastElementwise(
                       ctx.builder(), ctx.loc(), *type, inputs,
                       [=](OpBuilder &b, Location loc, ValueRange a) {
                         Value x = a[0];
                         size_t next = 1;
                         if (hasMin) {
                           Value lo = a[next++];
                           x = isFloat(x) ? Value(arith::MaximumFOp::create(
                                                b, loc, x, lo))
                               : isUnsigned
                                   ? Value(arith::MaxUIOp::create(b, loc, x, lo))
                                   : Value(arith::MaxSIOp::create(b, loc, x, lo));
                         }
                         if (hasMax) {
                           Value hi = a[next];
                           x = isFloat(x) ? Value(arith::MinimumFOp::create(
                                                b, loc, x, hi))
                               : isUnsigned
                                   ? Value(arith::MinUIOp::create(b, loc, x, hi))
                                   : Value(arith::MinSIOp::create(b, loc, x, hi));
                         }
                         return x;
                       }));
  return success();
}

LogicalResult importCast(ImportContext &ctx) {
  const bool srcUnsigned = isUnsignedDtype(ctx.inputDtype(0));
  const bool dstUnsigned = isUnsignedDtype(ctx.outputDtype(0));
  FailureOr<RankedTensorType> type = ctx.outputType(0);
  if (failed(type))
    return failure();
  Type to = type->getElementType();
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange a) {
    return convertScalar(b, loc, a[0], to, srcUnsigned, dstUnsigned);
  });
}

LogicalResult importCompare(ImportContext &ctx, arith::CmpFPredicate fpred,
                            arith::CmpIPredicate spred,
                            arith::CmpIPredicate upred) {
  const bool isUnsigned = isUnsignedDtype(ctx.inputDtype(0));
  return importElementwise(
      ctx, [=](OpBuilder &b, Location loc, ValueRange a) -> Value {
        if (isFloat(a[0]))
          return arith::CmpFOp::create(b, loc, fpred, a[0], a[1]);
        return arith::CmpIOp::create(b, loc, isUnsigned ? upred : spred, a[0],
                                     a[1]);
      });
}

/// One handler per comparison, as a plain function the table can hold.
template <arith::CmpFPredicate F, arith::CmpIPredicate S,
          arith::CmpIPredicate U>
LogicalResult importCompareOp(ImportContext &ctx) {
  return importCompare(ctx, F, S, U);
}

LogicalResult importWhere(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    return arith::SelectOp::create(b, loc, a[0], a[1], a[2]).getResult();
  });
}

template <typename OpTy> LogicalResult importLogical(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    return OpTy::create(b, loc, a[0], a[1]).getResult();
  });
}

LogicalResult importNot(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    return arith::XOrIOp::create(b, loc, a[0],
                                 scalarConstant(b, loc, a[0].getType(), 1))
        .getResult();
  });
}

} // namespace

void cim::onnx_import::registerElementwiseOps(OpRegistry &r) {
  const std::string family = "Elementwise arithmetic";
  const std::string generic = "linalg.generic";
  r.add("Add", importAdd, family, generic + " (arith.addf/addi)",
        "numpy broadcasting");
  r.add("Sub", importSub, family, generic + " (arith.subf/subi)",
        "numpy broadcasting");
  r.add("Mul", importMul, family, generic + " (arith.mulf/muli)",
        "numpy broadcasting");
  r.add("Div", importDiv, family, generic + " (arith.divf/divsi/divui)",
        "integer division truncates toward zero");
  r.add("Pow", importPow, family, generic + " (math.powf/ipowi)", "");
  r.add("Min", [](ImportContext &c) { return importMinMax(c, false); }, family,
        generic + " (arith.minimumf/minsi)", "variadic, broadcasting");
  r.add("Max", [](ImportContext &c) { return importMinMax(c, true); }, family,
        generic + " (arith.maximumf/maxsi)", "variadic, broadcasting");
  r.add("Sqrt", importFloatUnary<math::SqrtOp>, family, generic + " (math.sqrt)");
  r.add("Exp", importFloatUnary<math::ExpOp>, family, generic + " (math.exp)");
  r.add("Log", importFloatUnary<math::LogOp>, family, generic + " (math.log)");
  r.add("Erf", importFloatUnary<math::ErfOp>, family, generic + " (math.erf)");
  r.add("Tanh", importFloatUnary<math::TanhOp>, family,
        generic + " (math.tanh)");
  r.add("Floor", importFloatUnary<math::FloorOp>, family,
        generic + " (math.floor)");
  r.add("Ceil", importFloatUnary<math::CeilOp>, family,
        generic + " (math.ceil)");
  r.add("Neg", importNeg, family, generic + " (arith.negf/subi)");
  r.add("Abs", importAbs, family, generic + " (math.absf/absi)");
  r.add("Reciprocal", importReciprocal, family, generic + " (arith.divf)");
  r.add("Clip", importClip, family, generic + " (arith.maximumf/minimumf)",
        "min and max optional");
  r.add("Cast", importCast, family, generic + " (arith casts)",
        "float to integer truncates toward zero; no string types");
  r.add("Equal", importCompareOp<arith::CmpFPredicate::OEQ,
                                 arith::CmpIPredicate::eq,
                                 arith::CmpIPredicate::eq>,
        family, generic + " (arith.cmpf/cmpi)");
  r.add("Less", importCompareOp<arith::CmpFPredicate::OLT,
                                arith::CmpIPredicate::slt,
                                arith::CmpIPredicate::ult>,
        family, generic + " (arith.cmpf/cmpi)");
  r.add("LessOrEqual", importCompareOp<arith::CmpFPredicate::OLE,
                                       arith::CmpIPredicate::sle,
                                       arith::CmpIPredicate::ule>,
        family, generic + " (arith.cmpf/cmpi)");
  r.add("Greater", importCompareOp<arith::CmpFPredicate::OGT,
                                   arith::CmpIPredicate::sgt,
                                   arith::CmpIPredicate::ugt>,
        family, generic + " (arith.cmpf/cmpi)");
  r.add("GreaterOrEqual", importCompareOp<arith::CmpFPredicate::OGE,
                                          arith::CmpIPredicate::sge,
                                          arith::CmpIPredicate::uge>,
        family, generic + " (arith.cmpf/cmpi)");
  r.add("Where", importWhere, family, generic + " (arith.select)");
  r.add("And", importLogical<arith::AndIOp>, family, generic + " (arith.andi)");
  r.add("Or", importLogical<arith::OrIOp>, family, generic + " (arith.ori)");
  r.add("Xor", importLogical<arith::XOrIOp>, family, generic + " (arith.xori)");
  r.add("Not", importNot, family, generic + " (arith.xori)");
}
