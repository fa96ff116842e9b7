//===- Pooling.cpp - MaxPool, AveragePool and the global pools --------------===//
//
// Windowed pools become linalg.pooling_nc(h)w_{max,sum} on an explicitly
// padded input: ONNX pads (and auto_pad) turn into a tensor.pad, and
// ceil_mode into extra end padding so the last partial window exists. The
// output size is the one ONNX shape inference gave, checked against the
// spec's formula. AveragePool divides the windowed sum by a count that
// depends only on shapes, so it is computed on the host.
//
// Global pools reduce all spatial dims with linalg.reduce and keep them as
// size-1 dims.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseSupport.h"
#include "../OpRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/APFloat.h"

#include <cmath>
#include <string>
#include <vector>

using namespace mlir;
using namespace cim::onnx_import;

namespace {

/// Where each pooling window sits, per spatial dim.
struct PoolGeometry {
  SmallVector<int64_t> input, kernel, strides, dilations, output;
  /// ONNX's begin/end padding (explicit or from auto_pad).
  SmallVector<int64_t> padBegin, padEnd;
  /// End padding actually applied: padEnd plus the cells that ceil_mode (or
  /// an output size rounded up by shape inference) reaches past it.
  SmallVector<int64_t> padEndApplied;
};

std::string joinInts(ArrayRef<int64_t> values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? "," : "") + std::to_string(values[i]);
  return text + "]";
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The most negative value of `type`: the padding and initial value of max
/// pooling, which never wins against a real element.
double lowestValue(Type type) {
  if (auto floatType = dyn_cast<FloatType>(type)) {
    APFloat lowest = APFloat::getLargest(floatType.getFloatSemantics(),
                                         /*Negative=*/true);
    bool losesInfo = false;
    lowest.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                   &losesInfo);
    return lowest.convertToDouble();
  }
  // Signed integers (int8 is the MaxPool integer type): -2^(w-1), exact as a
  // double for every width.
  return -std::ldexp(1.0, type.getIntOrFloatBitWidth() - 1);
}

/// Reads and checks the window attributes and derives the padding; fails on
/// anything the spec does not allow or the importer does not handle.
FailureOr<PoolGeometry> poolGeometry(ImportContext &ctx,
                                     RankedTensorType inType,
                                     RankedTensorType outType,
                                     bool hasDilations) {
  const NodeAttributes &attrs = ctx.attrs();
  const int64_t spatial = inType.getRank() - 2;
  auto fail = [&](const Twine &message) -> FailureOr<PoolGeometry> {
    (void)ctx.fail(message);
    return failure();
  };
  if (spatial == 3)
    return fail("3-D pooling is not supported (only 1-D NCW and 2-D NCHW)");
  if (spatial < 1 || spatial > 2)
    return fail("input must be NCW or NCHW, got rank " +
                Twine(inType.getRank()));
  if (outType.getRank() != inType.getRank())
    return fail("output rank differs from the input rank");

  PoolGeometry g;
  g.input.assign(inType.getShape().begin() + 2, inType.getShape().end());
  g.output.assign(outType.getShape().begin() + 2, outType.getShape().end());
  std::optional<std::vector<int64_t>> kernel = attrs.getInts("kernel_shape");
  if (!kernel)
    return fail("kernel_shape is required");
  g.kernel.assign(kernel->begin(), kernel->end());
  std::vector<int64_t> ones(spatial, 1), zeros(2 * spatial, 0);
  std::vector<int64_t> strides = attrs.getInts("strides", ones);
  g.strides.assign(strides.begin(), strides.end());
  std::vector<int64_t> dilations = attrs.getInts("dilations", ones);
  g.dilations.assign(dilations.begin(), dilations.end());
  if (g.kernel.size() != size_t(spatial) || g.strides.size() != size_t(spatial) ||
      g.dilations.size() != size_t(spatial))
    return fail("kernel_shape, strides and dilations must have one value per "
                "spatial dim (" + Twine(spatial) + ")");
  for (int64_t i = 0; i < spatial; ++i)
    if (g.kernel[i] < 1 || g.strides[i] < 1 || g.dilations[i] < 1)
      return fail("kernel_shape, strides and dilations must be positive");
  if (!hasDilations && llvm::any_of(g.dilations, [](int64_t d) { return d != 1; }))
    return fail("dilations are not part of this op at opset 17");

  const std::string autoPad = attrs.getString("auto_pad", "NOTSET");
  std::vector<int64_t> pads = attrs.getInts("pads", zeros);
  if (pads.size() != size_t(2 * spatial))
    return fail("pads must have 2 x " + Twine(spatial) + " values, got " +
                Twine(pads.size()));
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return fail("negative pads are not supported");
  if (autoPad != "NOTSET" && llvm::any_of(pads, [](int64_t p) { return p; }))
    return fail("pads cannot be used together with auto_pad=" + autoPad);
  const int64_t ceilMode = attrs.getInt("ceil_mode", 0);

  for (int64_t i = 0; i < spatial; ++i) {
    const int64_t effectiveKernel = (g.kernel[i] - 1) * g.dilations[i] + 1;
    int64_t begin = 0, end = 0;
    if (autoPad == "NOTSET") {
      begin = pads[i];
      end = pads[spatial + i];
    } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      // Output ceil(in / stride); the odd cell of padding goes to the end
      // (SAME_UPPER) or the beginning (SAME_LOWER).
      const int64_t out = ceilDiv(g.input[i], g.strides[i]);
      const int64_t total = std::max<int64_t>(
          0, (out - 1) * g.strides[i] + effectiveKernel - g.input[i]);
      begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      end = total - begin;
    } else if (autoPad != "VALID") {
      return fail("unknown auto_pad '" + autoPad + "'");
    }
    g.padBegin.push_back(begin);
    g.padEnd.push_back(end);

    const int64_t span = g.input[i] + begin + end - effectiveKernel;
    if (span < 0)
      return fail("the window (" + Twine(effectiveKernel) +
                  " cells with dilation) is larger than the padded input (" +
                  Twine(g.input[i] + begin + end) + ") in spatial dim " +
                  Twine(i));
    const int64_t floorOut = span / g.strides[i] + 1;
    const int64_t ceilOut = ceilDiv(span, g.strides[i]) + 1;
    // With ceil_mode some implementations drop a last window that would
    // start in the end padding; accept both counts.
    const int64_t out = g.output[i];
    const bool matches =
        ceilMode ? (out == ceilOut || out == std::max(floorOut, ceilOut - 1))
                 : out == floorOut;
    if (!matches)
      return fail("output spatial dim " + Twine(i) + " is " + Twine(out) +
                  " but kernel " + joinInts(g.kernel) + ", strides " +
                  joinInts(g.strides) + ", pads " + joinInts(pads) +
                  " and ceil_mode " + Twine(ceilMode) + " give " +
                  Twine(ceilMode ? ceilOut : floorOut));
    const int64_t needed = (out - 1) * g.strides[i] + effectiveKernel;
    g.padEndApplied.push_back(
        end + std::max<int64_t>(0, needed - (g.input[i] + begin + end)));
  }
  return g;
}

/// Pads the spatial dims of `x` as the geometry says.
Value padSpatial(OpBuilder &b, Location loc, Value x, const PoolGeometry &g,
                 double padValue) {
  SmallVector<int64_t> low = {0, 0}, high = {0, 0};
  low.append(g.padBegin.begin(), g.padBegin.end());
  high.append(g.padEndApplied.begin(), g.padEndApplied.end());
  return padConstant(b, loc, x, low, high, padValue);
}

/// linalg.pooling_ncw_* / pooling_nchw_* over an already padded input; the
/// window operand is a tensor.empty of the kernel size, as linalg wants.
template <typename Op1D, typename Op2D>
Value emitPooling(OpBuilder &b, Location loc, Value padded,
                  RankedTensorType outType, const PoolGeometry &g,
                  double initValue) {
  Value window = tensor::EmptyOp::create(b, loc, g.kernel,
                                         outType.getElementType());
  Value init = filledTensor(b, loc, outType, initValue);
  Attribute strides = b.getI64TensorAttr(g.strides);
  Attribute dilations = b.getI64TensorAttr(g.dilations);
  if (g.kernel.size() == 1)
    return Op1D::create(b, loc, TypeRange{outType}, ValueRange{padded, window},
                        ValueRange{init}, strides, dilations)
        ->getResult(0);
  return Op2D::create(b, loc, TypeRange{outType}, ValueRange{padded, window},
                      ValueRange{init}, strides, dilations)
      ->getResult(0);
}

/// Shared checks of MaxPool and AveragePool: the input and output types.
LogicalResult poolTypes(ImportContext &ctx, Value &x, RankedTensorType &inType,
                        RankedTensorType &outType) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  FailureOr<RankedTensorType> out = ctx.outputType(0);
  if (failed(out))
    return failure();
  x = *input;
  inType = cast<RankedTensorType>(x.getType());
  outType = *out;
  return success();
}

LogicalResult importMaxPool(ImportContext &ctx) {
  if (ctx.attrs().getInt("storage_order", 0) != 0)
    return ctx.fail("storage_order=1 (column-major Indices) is not supported");
  if (ctx.numOutputs() > 1 && !ctx.node().output(1).empty())
    return ctx.fail("the Indices output is not supported");
  Value x;
  RankedTensorType inType, outType;
  if (failed(poolTypes(ctx, x, inType, outType)))
    return failure();
  Type elementType = inType.getElementType();
  if (!isa<FloatType>(elementType) && isUnsignedDtype(ctx.inputDtype(0)))
    return ctx.fail("unsigned integer MaxPool is not supported "
                    "(linalg.pooling_nchw_max compares signed)");
  FailureOr<PoolGeometry> g =
      poolGeometry(ctx, inType, outType, /*hasDilations=*/true);
  if (failed(g))
    return failure();
  OpBuilder &b = ctx.builder();
  const double lowest = lowestValue(elementType);
  Value padded = padSpatial(b, ctx.loc(), x, *g, lowest);
  ctx.setOutput(0, emitPooling<linalg::PoolingNcwMaxOp,
                               linalg::PoolingNchwMaxOp>(b, ctx.loc(), padded,
                                                         outType, *g, lowest));
  return success();
}

/// Number of cells of window `o` (start o * stride - padBegin, unit steps)
/// inside [low, high).
int64_t cellsInside(int64_t o, int64_t i, const PoolGeometry &g, int64_t low,
                    int64_t high) {
  const int64_t start = o * g.strides[i] - g.padBegin[i];
  const int64_t first = std::max(start, low);
  const int64_t last = std::min(start + g.kernel[i], high);
  return std::max<int64_t>(0, last - first);
}

LogicalResult importAveragePool(ImportContext &ctx) {
  Value x;
  RankedTensorType inType, outType;
  if (failed(poolTypes(ctx, x, inType, outType)))
    return failure();
  if (!isa<FloatType>(inType.getElementType()))
    return ctx.fail("AveragePool needs a floating-point input");
  FailureOr<PoolGeometry> g =
      poolGeometry(ctx, inType, outType, /*hasDilations=*/false);
  if (failed(g))
    return failure();
  const bool countPad = ctx.attrs().getInt("count_include_pad", 0) != 0;

  // Divisor per output position, a product over spatial dims. As in ONNX
  // Runtime (and the ONNX reference implementation): count_include_pad=1
  // counts the cells inside the input plus its pads, but not the extra end
  // cells that ceil_mode adds; count_include_pad=0 counts input cells only.
  // A window with no counted cell divides by 1 rather than 0.
  const size_t spatial = g->kernel.size();
  std::vector<std::vector<int64_t>> counts(spatial);
  for (size_t i = 0; i < spatial; ++i)
    for (int64_t o = 0; o < g->output[i]; ++o) {
      const int64_t low = countPad ? -g->padBegin[i] : 0;
      const int64_t high =
          countPad ? g->input[i] + g->padEnd[i] : g->input[i];
      counts[i].push_back(std::max<int64_t>(1, cellsInside(o, i, *g, low, high)));
    }
  std::vector<double> divisors = {1.0};
  for (size_t i = 0; i < spatial; ++i) {
    std::vector<double> next;
    for (double d : divisors)
      for (int64_t c : counts[i])
        next.push_back(d * c);
    divisors = std::move(next);
  }
  const bool uniform = llvm::all_equal(divisors);

  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Value padded = padSpatial(b, loc, x, *g, 0.0);
  Value sum = emitPooling<linalg::PoolingNcwSumOp, linalg::PoolingNchwSumOp>(
      b, loc, padded, outType, *g, 0.0);
  if (uniform) {
    const double divisor = divisors.front();
    ctx.setOutput(0, broadcastElementwise(
                         b, loc, outType, {sum},
                         [=](OpBuilder &nb, Location nl, ValueRange a) {
                           Value d = scalarConstant(nb, nl, a[0].getType(),
                                                    divisor);
                           return arith::DivFOp::create(nb, nl, a[0], d)
                               .getResult();
                         }));
    return success();
  }
  // Only the spatial dims vary: a [OH, OW] constant broadcast over N and C.
  std::vector<int64_t> shape(g->output.begin(), g->output.end());
  Value divisorTensor = ctx.materialize(
      HostTensor::fromDouble(ctx.inputDtype(0), shape, divisors));
  ctx.setOutput(0, broadcastElementwise(
                       b, loc, outType, {sum, divisorTensor},
                       [](OpBuilder &nb, Location nl, ValueRange a) {
                         return arith::DivFOp::create(nb, nl, a[0], a[1])
                             .getResult();
                       }));
  return success();
}

/// GlobalAveragePool / GlobalMaxPool: reduce dims 2.., keep them as 1s.
LogicalResult importGlobalPool(ImportContext &ctx, bool isMax) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  FailureOr<RankedTensorType> outType = ctx.outputType(0);
  if (failed(outType))
    return failure();
  auto inType = cast<RankedTensorType>(x->getType());
  Type elementType = inType.getElementType();
  if (!isa<FloatType>(elementType))
    return ctx.fail("global pooling needs a floating-point input");
  if (inType.getRank() < 3)
    return ctx.fail("input must have at least one spatial dim (N, C, ...)");
  SmallVector<int64_t> dims, expected = {inType.getDimSize(0),
                                         inType.getDimSize(1)};
  int64_t count = 1;
  for (int64_t d = 2; d < inType.getRank(); ++d) {
    dims.push_back(d);
    expected.push_back(1);
    count *= inType.getDimSize(d);
  }
  if (outType->getShape() != ArrayRef<int64_t>(expected))
    return ctx.fail("output shape must be [N, C, 1, ...]");

  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  Value reduced;
  if (isMax) {
    reduced = reduce(b, loc, *x, dims, -INFINITY,
                     [](OpBuilder &nb, Location nl, Value e, Value acc) {
                       return arith::MaximumFOp::create(nb, nl, e, acc)
                           .getResult();
                     });
  } else {
    Value sum = reduce(b, loc, *x, dims, 0.0,
                       [](OpBuilder &nb, Location nl, Value e, Value acc) {
                         return arith::AddFOp::create(nb, nl, e, acc)
                             .getResult();
                       });
    auto sumType = cast<RankedTensorType>(sum.getType());
    reduced = broadcastElementwise(
        b, loc, sumType, {sum}, [=](OpBuilder &nb, Location nl, ValueRange a) {
          Value n = scalarConstant(nb, nl, a[0].getType(), double(count));
          return arith::DivFOp::create(nb, nl, a[0], n).getResult();
        });
  }
  ctx.setOutput(0, reshapeTo(b, loc, reduced, outType->getShape()));
  return success();
}

LogicalResult importGlobalAveragePool(ImportContext &ctx) {
  return importGlobalPool(ctx, /*isMax=*/false);
}

LogicalResult importGlobalMaxPool(ImportContext &ctx) {
  return importGlobalPool(ctx, /*isMax=*/true);
}

} // namespace

void cim::onnx_import::registerPoolingOps(OpRegistry &r) {
  const std::string family = "Pooling";
  const std::string common =
      "1-D (NCW) and 2-D (NCHW) only, 3-D is rejected; pads/auto_pad become a "
      "tensor.pad, ceil_mode extra end padding; the output size is ONNX shape "
      "inference's, so a ceil_mode window lying wholly in the end padding "
      "yields the pad value (MaxPool) or 0 (AveragePool)";
  r.add("MaxPool", importMaxPool, family,
        "tensor.pad + linalg.pooling_nchw_max / pooling_ncw_max",
        common + "; pads with the lowest finite value; the Indices output and "
                 "storage_order=1 are rejected; unsigned integer inputs are "
                 "rejected");
  r.add("AveragePool", importAveragePool, family,
        "tensor.pad + linalg.pooling_nchw_sum / pooling_ncw_sum + "
        "linalg.generic (divide)",
        common + "; float only; the divisor per output position is a host "
                 "constant (count_include_pad=1 counts pads but not the "
                 "ceil_mode extra cells, as ONNX Runtime does)");
  r.add("GlobalAveragePool", importGlobalAveragePool, family,
        "linalg.reduce + linalg.generic (divide) + tensor.expand_shape",
        "float only");
  r.add("GlobalMaxPool", importGlobalMaxPool, family,
        "linalg.reduce + tensor.expand_shape", "float only");
}
