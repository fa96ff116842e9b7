//===- Activations.cpp - Relu and friends ------------------------------------===//
//
// Each activation is one linalg.generic whose body is its formula as given
// by the ONNX operator spec (attribute defaults from the spec).
//
//===----------------------------------------------------------------------===//

#include "ElementwiseSupport.h"
#include "../OpRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace cim::onnx_import;

namespace {

Value constantLike(OpBuilder &b, Location loc, Value like, double value) {
  return scalarConstant(b, loc, like.getType(), value);
}

/// x < 0 ? negative : x
Value selectNegative(OpBuilder &b, Location loc, Value x, Value negative) {
  Value isNegative = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                           constantLike(b, loc, x, 0.0));
  return arith::SelectOp::create(b, loc, isNegative, negative, x);
}

/// clamp(alpha * x + beta, 0, 1)
Value hardSigmoid(OpBuilder &b, Location loc, Value x, double alpha,
                  double beta) {
  Value scaled = arith::MulFOp::create(b, loc, x, constantLike(b, loc, x, alpha));
  Value shifted =
      arith::AddFOp::create(b, loc, scaled, constantLike(b, loc, x, beta));
  Value low = arith::MaximumFOp::create(b, loc, shifted,
                                        constantLike(b, loc, x, 0.0));
  return arith::MinimumFOp::create(b, loc, low, constantLike(b, loc, x, 1.0));
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Value negated = arith::NegFOp::create(b, loc, x);
  Value exp = math::ExpOp::create(b, loc, negated);
  Value denominator =
      arith::AddFOp::create(b, loc, exp, constantLike(b, loc, x, 1.0));
  return arith::DivFOp::create(b, loc, constantLike(b, loc, x, 1.0),
                               denominator);
}

LogicalResult importRelu(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc,
                                   ValueRange a) -> Value {
    if (isa<FloatType>(a[0].getType()))
      return arith::MaximumFOp::create(b, loc, a[0],
                                       constantLike(b, loc, a[0], 0.0));
    return arith::MaxSIOp::create(b, loc, a[0], constantLike(b, loc, a[0], 0));
  });
}

LogicalResult importLeakyRelu(ImportContext &ctx) {
  const double alpha = ctx.attrs().getFloat("alpha", 0.01f);
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange a) {
    Value scaled =
        arith::MulFOp::create(b, loc, a[0], constantLike(b, loc, a[0], alpha));
    return selectNegative(b, loc, a[0], scaled);
  });
}

LogicalResult importPRelu(ImportContext &ctx) {
  // The slope broadcasts unidirectionally to the input.
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    Value scaled = arith::MulFOp::create(b, loc, a[0], a[1]);
    return selectNegative(b, loc, a[0], scaled);
  });
}

LogicalResult importElu(ImportContext &ctx) {
  const double alpha = ctx.attrs().getFloat("alpha", 1.0f);
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange a) {
    Value expm1 = math::ExpM1Op::create(b, loc, a[0]);
    Value scaled =
        arith::MulFOp::create(b, loc, expm1, constantLike(b, loc, a[0], alpha));
    return selectNegative(b, loc, a[0], scaled);
  });
}

LogicalResult importSelu(ImportContext &ctx) {
  const double alpha = ctx.attrs().getFloat("alpha", 1.67326319217681884765625f);
  const double gamma = ctx.attrs().getFloat("gamma", 1.05070102214813232421875f);
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange a) {
    Value x = a[0];
    // gamma * (x <= 0 ? alpha * (exp(x) - 1) : x)
    Value expm1 = math::ExpM1Op::create(b, loc, x);
    Value negative =
        arith::MulFOp::create(b, loc, expm1, constantLike(b, loc, x, alpha));
    Value isPositive = arith::CmpFOp::create(
        b, loc, arith::CmpFPredicate::OGT, x, constantLike(b, loc, x, 0.0));
    Value chosen = arith::SelectOp::create(b, loc, isPositive, x, negative);
    return arith::MulFOp::create(b, loc, chosen,
                                 constantLike(b, loc, x, gamma))
        .getResult();
  });
}

LogicalResult importSigmoid(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    return sigmoid(b, loc, a[0]);
  });
}

LogicalResult importHardSigmoid(ImportContext &ctx) {
  const double alpha = ctx.attrs().getFloat("alpha", 0.2f);
  const double beta = ctx.attrs().getFloat("beta", 0.5f);
  return importElementwise(ctx, [=](OpBuilder &b, Location loc, ValueRange a) {
    return hardSigmoid(b, loc, a[0], alpha, beta);
  });
}

LogicalResult importHardSwish(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    Value gate = hardSigmoid(b, loc, a[0], 1.0 / 6.0, 0.5);
    return arith::MulFOp::create(b, loc, a[0], gate).getResult();
  });
}

LogicalResult importSoftplus(ImportContext &ctx) {
  return importElementwise(ctx, [](OpBuilder &b, Location loc, ValueRange a) {
    Value exp = math::ExpOp::create(b, loc, a[0]);
    return math::Log1pOp::create(b, loc, exp).getResult();
  });
}

} // namespace

void cim::onnx_import::registerActivationOps(OpRegistry &r) {
  const std::string family = "Activations";
  const std::string generic = "linalg.generic";
  r.add("Relu", importRelu, family, generic + " (arith.maximumf)");
  r.add("LeakyRelu", importLeakyRelu, family, generic + " (arith.select)");
  r.add("PRelu", importPRelu, family, generic + " (arith.select)",
        "slope broadcasts to the input");
  r.add("Elu", importElu, family, generic + " (math.expm1)");
  r.add("Selu", importSelu, family, generic + " (math.expm1)");
  r.add("Sigmoid", importSigmoid, family, generic + " (math.exp)");
  r.add("HardSigmoid", importHardSigmoid, family, generic);
  r.add("HardSwish", importHardSwish, family, generic);
  r.add("Softplus", importSoftplus, family, generic + " (math.log1p)");
}
