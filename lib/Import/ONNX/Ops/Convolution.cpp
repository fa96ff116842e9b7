//===- Convolution.cpp - Conv and ConvTranspose ---------------------------===//
//
// Conv becomes one named linalg convolution on an explicitly padded input
// (tensor.pad), chosen by group: plain (conv_*_ncw_fcw / nchw_fchw /
// ncdhw_fcdhw), depthwise (depthwise_conv_*) or grouped (conv_2d_ngchw_gfchw
// on reshaped operands). ConvTranspose becomes a plain stride-1 convolution
// over the input spread out by the strides and padded by the kernel extent,
// with the weights transposed and flipped at import. Bias is a broadcasting
// linalg.generic after the convolution. Constant weights are reshaped and
// rearranged on the host, so they reach the IR as one constant in the layout
// the linalg op reads.
//
//===----------------------------------------------------------------------===//

#include "../Builders.h"
#include "../ImportContext.h"
#include "../OpRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace cim::onnx_import;

namespace {

/// Per spatial dim: what the convolution window looks like and how much
/// padding surrounds the input (ONNX's pads split into begin and end).
struct Geometry {
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd;

  /// Input positions one window spans.
  int64_t extent(size_t i) const { return (kernel[i] - 1) * dilations[i] + 1; }
};

/// Reads kernel_shape (checked against the weights), strides, dilations and
/// the explicit pads shared by Conv and ConvTranspose.
LogicalResult readGeometry(ImportContext &ctx, ArrayRef<int64_t> kernel,
                           Geometry &geo) {
  const NodeAttributes &attrs = ctx.attrs();
  const size_t rank = kernel.size();
  geo.kernel.assign(kernel.begin(), kernel.end());
  if (auto shape = attrs.getInts("kernel_shape");
      shape && ArrayRef<int64_t>(*shape) != kernel)
    return ctx.fail("kernel_shape " + shapeString(*shape) +
                    " does not match the weights' spatial dims " +
                    shapeString(kernel));
  auto read = [&](const char *name, size_t size, int64_t fallback,
                  int64_t minimum, SmallVectorImpl<int64_t> &out) {
    std::vector<int64_t> values =
        attrs.getInts(name, std::vector<int64_t>(size, fallback));
    if (values.size() != size)
      return ctx.fail(std::string(name) + " has " +
                      std::to_string(values.size()) + " values, expected " +
                      std::to_string(size));
    for (int64_t v : values)
      if (v < minimum)
        return ctx.fail(std::string(name) +
                        " must be >= " + std::to_string(minimum) + ", got " +
                        shapeString(values));
    out.assign(values.begin(), values.end());
    return success();
  };
  SmallVector<int64_t> pads;
  if (failed(read("strides", rank, 1, 1, geo.strides)) ||
      failed(read("dilations", rank, 1, 1, geo.dilations)) ||
      failed(read("pads", 2 * rank, 0, 0, pads)))
    return failure();
  geo.padBegin.assign(pads.begin(), pads.begin() + rank);
  geo.padEnd.assign(pads.begin() + rank, pads.end());
  return success();
}

/// Input `index` reshaped to `shape`: a reshaped constant when it is one
/// (the weight stays a plain constant), else a tensor reshape.
FailureOr<Value> inputReshaped(ImportContext &ctx, size_t index,
                               ArrayRef<int64_t> shape) {
  const HostTensor *constant = ctx.constantInput(index);
  if (constant && ArrayRef<int64_t>(constant->shape) != shape)
    return ctx.materialize(
        constant->reshaped(std::vector<int64_t>(shape.begin(), shape.end())));
  FailureOr<Value> value = ctx.input(index);
  if (failed(value))
    return failure();
  return reshapeTo(ctx.builder(), ctx.loc(), *value, shape);
}

/// One named linalg convolution into a zero-filled accumulator.
template <typename OpTy>
Value namedConv(OpBuilder &b, Location loc, Value input, Value weights,
                ArrayRef<int64_t> resultShape, ArrayRef<int64_t> strides,
                ArrayRef<int64_t> dilations) {
  Type elementType = cast<RankedTensorType>(input.getType()).getElementType();
  auto type = RankedTensorType::get(resultShape, elementType);
  Value acc = filledTensor(b, loc, type, 0.0);
  return OpTy::create(b, loc, TypeRange{type}, ValueRange{input, weights},
                      ValueRange{acc}, b.getI64TensorAttr(strides),
                      b.getI64TensorAttr(dilations))
      .getResult(0);
}

/// Ungrouped convolution, channels first, of 1 to 3 spatial dims.
Value plainConv(OpBuilder &b, Location loc, Value input, Value weights,
                ArrayRef<int64_t> resultShape, ArrayRef<int64_t> strides,
                ArrayRef<int64_t> dilations) {
  switch (strides.size()) {
  case 1:
    return namedConv<linalg::Conv1DNcwFcwOp>(b, loc, input, weights,
                                             resultShape, strides, dilations);
  case 2:
    return namedConv<linalg::Conv2DNchwFchwOp>(b, loc, input, weights,
                                               resultShape, strides, dilations);
  default:
    return namedConv<linalg::Conv3DNcdhwFcdhwOp>(
        b, loc, input, weights, resultShape, strides, dilations);
  }
}

/// Depthwise convolution (one filter per channel), weights [C, k...].
Value depthwiseConv(OpBuilder &b, Location loc, Value input, Value weights,
                    ArrayRef<int64_t> resultShape, ArrayRef<int64_t> strides,
                    ArrayRef<int64_t> dilations) {
  switch (strides.size()) {
  case 1:
    return namedConv<linalg::DepthwiseConv1DNcwCwOp>(
        b, loc, input, weights, resultShape, strides, dilations);
  case 2:
    return namedConv<linalg::DepthwiseConv2DNchwChwOp>(
        b, loc, input, weights, resultShape, strides, dilations);
  default:
    return namedConv<linalg::DepthwiseConv3DNcdhwCdhwOp>(
        b, loc, input, weights, resultShape, strides, dilations);
  }
}

/// `result` [N, M, spatial...] plus the optional bias input 2 of shape [M].
LogicalResult addBias(ImportContext &ctx, Value &result) {
  if (!ctx.hasInput(2))
    return success();
  auto type = cast<RankedTensorType>(result.getType());
  const int64_t m = type.getDimSize(1);
  RankedTensorType biasType = ctx.inputType(2);
  if (!biasType)
    return failure();
  if (biasType.getShape() != ArrayRef<int64_t>{m} ||
      biasType.getElementType() != type.getElementType())
    return ctx.fail("bias of type " + shapeString(biasType.getShape()) +
                    " must be 1-D of the output channels M=" +
                    std::to_string(m) + " and the input's element type");
  // [M] -> [M, 1, ...] so that it right-aligns with the channel dim.
  SmallVector<int64_t> shape(type.getRank() - 1, 1);
  shape[0] = m;
  FailureOr<Value> bias = inputReshaped(ctx, 2, shape);
  if (failed(bias))
    return failure();
  result = broadcastElementwise(
      ctx.builder(), ctx.loc(), type, {result, *bias},
      [](OpBuilder &b, Location loc, ValueRange args) {
        return arith::AddFOp::create(b, loc, args[0], args[1]).getResult();
      });
  return success();
}

/// Checks the shape computed from the attributes against shape inference.
LogicalResult checkResultShape(ImportContext &ctx,
                               ArrayRef<int64_t> resultShape) {
  FailureOr<RankedTensorType> outType = ctx.outputType(0);
  if (failed(outType))
    return failure();
  if (outType->getShape() != resultShape)
    return ctx.fail("computed output shape " + shapeString(resultShape) +
                    " differs from the inferred " +
                    shapeString(outType->getShape()));
  return success();
}

/// Checks the common operand layout: NC + 1..3 spatial dims, float, weights
/// of the same rank.
LogicalResult checkOperands(ImportContext &ctx, RankedTensorType xType,
                            RankedTensorType wType) {
  if (!xType || !wType)
    return failure();
  const int64_t rank = xType.getRank() - 2;
  if (rank < 1 || rank > 3 || wType.getRank() != xType.getRank())
    return ctx.fail("expects an input of 1 to 3 spatial dims and weights "
                    "of the same rank, got input " +
                    shapeString(xType.getShape()) + " and weights " +
                    shapeString(wType.getShape()));
  if (!isa<FloatType>(xType.getElementType()) ||
      wType.getElementType() != xType.getElementType())
    return ctx.fail("input and weights must share one float element type");
  return success();
}

LogicalResult importConv(ImportContext &ctx) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  if (!ctx.hasInput(0) || !ctx.hasInput(1))
    return ctx.fail("inputs X and W are required");
  RankedTensorType xType = ctx.inputType(0), wType = ctx.inputType(1);
  if (failed(checkOperands(ctx, xType, wType)))
    return failure();
  const size_t rank = xType.getRank() - 2;
  const int64_t n = xType.getDimSize(0), c = xType.getDimSize(1);
  const int64_t m = wType.getDimSize(0);
  const int64_t group = ctx.attrs().getInt("group", 1);
  if (group < 1 || c % group != 0 || m % group != 0 ||
      wType.getDimSize(1) != c / group)
    return ctx.fail("group=" + std::to_string(group) +
                    " does not fit input channels C=" + std::to_string(c) +
                    " and weights " + shapeString(wType.getShape()) +
                    " (expected [M, C/group, k...] with group dividing M)");

  Geometry geo;
  if (failed(readGeometry(ctx, wType.getShape().drop_front(2), geo)))
    return failure();
  const std::string autoPad = ctx.attrs().getString("auto_pad", "NOTSET");
  SmallVector<int64_t> resultShape{n, m};
  for (size_t i = 0; i < rank; ++i) {
    const int64_t in = xType.getDimSize(2 + i), s = geo.strides[i];
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      // The output keeps ceil(in / stride); odd total padding puts the
      // extra element at the end (UPPER) or the beginning (LOWER).
      const int64_t out = (in + s - 1) / s;
      const int64_t total =
          std::max<int64_t>(0, (out - 1) * s + geo.extent(i) - in);
      const int64_t half = total / 2;
      geo.padBegin[i] = autoPad == "SAME_UPPER" ? half : total - half;
      geo.padEnd[i] = total - geo.padBegin[i];
    } else if (autoPad == "VALID") {
      geo.padBegin[i] = geo.padEnd[i] = 0;
    } else if (autoPad != "NOTSET") {
      return ctx.fail("unknown auto_pad '" + autoPad + "'");
    }
    const int64_t padded = in + geo.padBegin[i] + geo.padEnd[i];
    if (padded < geo.extent(i))
      return ctx.fail(
          "the dilated kernel (extent " + std::to_string(geo.extent(i)) +
          ") is larger than the padded input (" + std::to_string(padded) +
          ") in spatial dim " + std::to_string(i));
    resultShape.push_back((padded - geo.extent(i)) / s + 1);
  }
  if (failed(checkResultShape(ctx, resultShape)))
    return failure();

  const bool depthwise = group == c && m == c && group > 1;
  const bool grouped = group > 1 && !depthwise;
  if (grouped && rank == 3)
    return ctx.fail("grouped 3-D Conv (group=" + std::to_string(group) +
                    ", not depthwise) is not supported: linalg has no "
                    "grouped 3-D convolution");

  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> low{0, 0}, high{0, 0};
  low.append(geo.padBegin);
  high.append(geo.padEnd);
  Value padded = padConstant(b, loc, *x, low, high, 0.0);
  auto paddedShape = cast<RankedTensorType>(padded.getType()).getShape();
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);

  Value result;
  if (group == 1) {
    FailureOr<Value> w = ctx.input(1);
    if (failed(w))
      return failure();
    result =
        plainConv(b, loc, padded, *w, resultShape, geo.strides, geo.dilations);
  } else if (depthwise) {
    // [C, 1, k...] -> [C, k...]
    SmallVector<int64_t> wShape{c};
    wShape.append(kernel.begin(), kernel.end());
    FailureOr<Value> w = inputReshaped(ctx, 1, wShape);
    if (failed(w))
      return failure();
    result = depthwiseConv(b, loc, padded, *w, resultShape, geo.strides,
                           geo.dilations);
  } else {
    // conv_2d_ngchw_gfchw on [N, G, C/G, H, W] and [G, M/G, C/G, kh, kw];
    // a 1-D convolution runs as 2-D with a unit height.
    SmallVector<int64_t> spatial(paddedShape.drop_front(2));
    SmallVector<int64_t> k(kernel), strides(geo.strides),
        dilations(geo.dilations),
        outSpatial(ArrayRef<int64_t>(resultShape).drop_front(2));
    if (rank == 1) {
      spatial.insert(spatial.begin(), 1);
      k.insert(k.begin(), 1);
      strides.insert(strides.begin(), 1);
      dilations.insert(dilations.begin(), 1);
      outSpatial.insert(outSpatial.begin(), 1);
    }
    SmallVector<int64_t> xShape{n, group, c / group};
    xShape.append(spatial);
    SmallVector<int64_t> wShape{group, m / group, c / group};
    wShape.append(k);
    SmallVector<int64_t> outShape{n, group, m / group};
    outShape.append(outSpatial);
    FailureOr<Value> w = inputReshaped(ctx, 1, wShape);
    if (failed(w))
      return failure();
    Value xg = reshapeTo(b, loc, padded, xShape);
    result = namedConv<linalg::Conv2DNgchwGfchwOp>(b, loc, xg, *w, outShape,
                                                   strides, dilations);
    result = reshapeTo(b, loc, result, resultShape);
  }
  if (failed(addBias(ctx, result)))
    return failure();
  ctx.setOutput(0, result);
  return success();
}

/// ConvTranspose weights [C, M, k...] as the weights of the equivalent
/// convolution: [M, C, k...] with every spatial dim reversed. Reversing all
/// spatial dims of a row-major block reverses its flattened order.
HostTensor transposeAndFlip(const HostTensor &w) {
  const int64_t c = w.shape[0], m = w.shape[1];
  const int64_t spatial = w.numElements() / std::max<int64_t>(1, c * m);
  const int64_t size = elementSize(w.dtype);
  const std::string &src = *w.bytes;
  auto dst = std::make_shared<std::string>(src.size(), '\0');
  for (int64_t ci = 0; ci < c; ++ci)
    for (int64_t mi = 0; mi < m; ++mi)
      for (int64_t j = 0; j < spatial; ++j)
        std::copy_n(src.data() + ((ci * m + mi) * spatial + j) * size, size,
                    dst->data() +
                        ((mi * c + ci) * spatial + (spatial - 1 - j)) * size);
  HostTensor result;
  result.dtype = w.dtype;
  result.shape = w.shape;
  std::swap(result.shape[0], result.shape[1]);
  result.bytes = std::move(dst);
  return result;
}

LogicalResult importConvTranspose(ImportContext &ctx) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  const NodeAttributes &attrs = ctx.attrs();
  if (!ctx.hasInput(0) || !ctx.hasInput(1))
    return ctx.fail("inputs X and W are required");
  RankedTensorType xType = ctx.inputType(0), wType = ctx.inputType(1);
  if (failed(checkOperands(ctx, xType, wType)))
    return failure();
  const size_t rank = xType.getRank() - 2;
  const int64_t n = xType.getDimSize(0), c = xType.getDimSize(1);
  const int64_t group = attrs.getInt("group", 1);
  if (group != 1)
    return ctx.fail("grouped ConvTranspose (group=" + std::to_string(group) +
                    ") is not supported; only group=1");
  if (wType.getDimSize(0) != c)
    return ctx.fail(
        "weights " + shapeString(wType.getShape()) +
        " do not start with the input channels C=" + std::to_string(c));
  const int64_t m = wType.getDimSize(1);
  const HostTensor *weights = ctx.constantInput(1);
  if (!weights || elementSize(weights->dtype) == 0)
    return ctx.fail("ConvTranspose weights must be a constant (they are "
                    "transposed and flipped at import)");

  Geometry geo;
  if (failed(readGeometry(ctx, wType.getShape().drop_front(2), geo)))
    return failure();
  std::vector<int64_t> outputPadding =
      attrs.getInts("output_padding", std::vector<int64_t>(rank, 0));
  if (outputPadding.size() != rank)
    return ctx.fail("output_padding has " +
                    std::to_string(outputPadding.size()) +
                    " values, expected " + std::to_string(rank));
  if (llvm::any_of(outputPadding, [](int64_t p) { return p < 0; }))
    return ctx.fail("output_padding must be >= 0");
  std::optional<std::vector<int64_t>> outputShape =
      attrs.getInts("output_shape");
  if (outputShape && outputShape->size() == rank + 2)
    outputShape->erase(outputShape->begin(), outputShape->begin() + 2);
  if (outputShape && outputShape->size() != rank)
    return ctx.fail("output_shape has " + std::to_string(outputShape->size()) +
                    " values, expected " + std::to_string(rank));
  const std::string autoPad = attrs.getString("auto_pad", "NOTSET");
  const bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!same && autoPad != "VALID" && autoPad != "NOTSET")
    return ctx.fail("unknown auto_pad '" + autoPad + "'");

  SmallVector<int64_t> resultShape{n, m};
  // The equivalent convolution reads the input spread out by the strides
  // and padded by extent - 1 - pad on each side (+ output_padding at the
  // end).
  SmallVector<int64_t> low{0, 0}, high{0, 0}, spreadShape{n, c};
  for (size_t i = 0; i < rank; ++i) {
    const int64_t in = xType.getDimSize(2 + i), s = geo.strides[i];
    const int64_t extent = geo.extent(i);
    const int64_t natural = s * (in - 1) + outputPadding[i] + extent;
    if (outputShape || same) {
      // The spec's split: SAME_UPPER puts the odd element at the end, every
      // other case (SAME_LOWER, explicit output_shape) at the beginning.
      const int64_t target = outputShape ? (*outputShape)[i] : in * s;
      const int64_t total = natural - target;
      // Floor division as in the ONNX reference: a target beyond the
      // natural size makes the total negative.
      const int64_t half = total >= 0 ? total / 2 : -((1 - total) / 2);
      geo.padBegin[i] = autoPad == "SAME_UPPER" ? half : total - half;
      geo.padEnd[i] = total - geo.padBegin[i];
    } else if (autoPad == "VALID") {
      geo.padBegin[i] = geo.padEnd[i] = 0;
    }
    const int64_t before = extent - 1 - geo.padBegin[i];
    const int64_t after = extent - 1 - geo.padEnd[i] + outputPadding[i];
    if (before < 0 || after < 0)
      return ctx.fail("pads [" + std::to_string(geo.padBegin[i]) + ", " +
                      std::to_string(geo.padEnd[i]) +
                      "] exceed the dilated kernel extent minus one (" +
                      std::to_string(extent - 1) + ") in spatial dim " +
                      std::to_string(i) + "; cropping is not supported");
    low.push_back(before);
    high.push_back(after);
    spreadShape.push_back((in - 1) * s + 1 + before + after);
    resultShape.push_back(natural - geo.padBegin[i] - geo.padEnd[i]);
  }
  if (failed(checkResultShape(ctx, resultShape)))
    return failure();

  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  Value spread;
  if (llvm::all_of(geo.strides, [](int64_t s) { return s == 1; })) {
    spread = padConstant(b, loc, *x, low, high, 0.0);
  } else {
    // Zeros everywhere but at low + i * stride, where input element i goes.
    auto spreadType =
        RankedTensorType::get(spreadShape, xType.getElementType());
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (int64_t i = 0; i < xType.getRank(); ++i) {
      offsets.push_back(b.getIndexAttr(low[i]));
      sizes.push_back(b.getIndexAttr(xType.getDimSize(i)));
      strides.push_back(b.getIndexAttr(i < 2 ? 1 : geo.strides[i - 2]));
    }
    spread = tensor::InsertSliceOp::create(
        b, loc, *x, filledTensor(b, loc, spreadType, 0.0), offsets, sizes,
        strides);
  }
  Value w = ctx.materialize(transposeAndFlip(*weights));
  SmallVector<int64_t> unitStrides(rank, 1);
  Value result =
      plainConv(b, loc, spread, w, resultShape, unitStrides, geo.dilations);
  if (failed(addBias(ctx, result)))
    return failure();
  ctx.setOutput(0, result);
  return success();
}

} // namespace

void cim::onnx_import::registerConvolutionOps(OpRegistry &r) {
  const std::string family = "Convolution";
  r.add("Conv", importConv, family,
        "linalg.conv_{1d_ncw_fcw,2d_nchw_fchw,3d_ncdhw_fcdhw} / "
        "linalg.depthwise_conv_{1d_ncw_cw,2d_nchw_chw,3d_ncdhw_cdhw} / "
        "linalg.conv_2d_ngchw_gfchw (+ tensor.pad, linalg.generic bias)",
        "1-D to 3-D, float; all auto_pad modes; grouped (not depthwise) "
        "convolutions only in 1-D and 2-D (1-D runs as 2-D with unit height)");
  r.add("ConvTranspose", importConvTranspose, family,
        "linalg.conv_{1d_ncw_fcw,2d_nchw_fchw,3d_ncdhw_fcdhw} over the input "
        "spread by tensor.insert_slice (+ linalg.generic bias)",
        "group=1 only; weights must be constant; pads may not exceed the "
        "dilated kernel extent minus one; output_shape and auto_pad split "
        "pads as the ONNX spec states");
}
