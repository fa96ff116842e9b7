//===- Indexing.cpp - Split, Slice, Gather --------------------------------===//
//
// The data movement ops that pick parts of a tensor: strided slices where
// the picked positions are evenly spaced (Split, Slice, Gather with such
// constant indices), linalg.generic with tensor.extract where they are not
// (Gather with other or run-time indices), and a reversing generic for
// Slice's negative steps.
//
//===----------------------------------------------------------------------===//

#include "DataMovementSupport.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace cim::onnx_import;
using namespace cim::onnx_import::data_movement;

namespace {

LogicalResult importSplit(ImportContext &ctx) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  FailureOr<int64_t> axis =
      checkedAxis(ctx, ctx.attrs().getInt("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  const int64_t dim = type.getDimSize(*axis);
  const int64_t parts = ctx.numOutputs();
  SmallVector<int64_t> sizes;
  if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> split = constantInts(ctx, 1, "split");
    if (failed(split))
      return failure();
    sizes = *split;
    if (static_cast<int64_t>(sizes.size()) != parts ||
        llvm::any_of(sizes, [](int64_t s) { return s < 0; }) ||
        std::accumulate(sizes.begin(), sizes.end(), int64_t(0)) != dim)
      return ctx.fail("split " + str(sizes) + " does not divide axis " +
                      std::to_string(*axis) + " of size " +
                      std::to_string(dim) + " into " + std::to_string(parts) +
                      " outputs");
  } else {
    if (parts == 0 || dim % parts != 0)
      return ctx.fail("axis " + std::to_string(*axis) + " of size " +
                      std::to_string(dim) + " does not split into " +
                      std::to_string(parts) + " equal parts");
    sizes.assign(parts, dim / parts);
  }
  SmallVector<int64_t> offsets(type.getRank(), 0), shape(type.getShape()),
      strides(type.getRank(), 1);
  for (int64_t i = 0; i < parts; ++i) {
    shape[*axis] = sizes[i];
    if (!ctx.node().output(i).empty() &&
        failed(setChecked(ctx, i,
                          extractSlice(ctx.builder(), ctx.loc(), *input,
                                       offsets, shape, strides))))
      return failure();
    offsets[*axis] += sizes[i];
  }
  return success();
}

/// `value` with `axes` read backwards: a linalg.generic whose input map is
/// `d -> n - 1 - d` on those axes.
Value reverseAxes(OpBuilder &b, Location loc, Value value,
                  ArrayRef<int64_t> axes) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    AffineExpr dim = b.getAffineDimExpr(d);
    exprs.push_back(llvm::is_contained(axes, d)
                        ? b.getAffineConstantExpr(type.getDimSize(d) - 1) - dim
                        : dim);
  }
  AffineMap map = AffineMap::get(type.getRank(), 0, exprs, b.getContext());
  return indexedGeneric(b, loc, type, {value}, {map},
                        [](OpBuilder &, Location, ValueRange args,
                           ArrayRef<Value>) { return args[0]; });
}

LogicalResult importSlice(ImportContext &ctx) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  const int64_t rank = type.getRank();
  FailureOr<SmallVector<int64_t>> starts = constantInts(ctx, 1, "starts");
  if (failed(starts))
    return failure();
  FailureOr<SmallVector<int64_t>> ends = constantInts(ctx, 2, "ends");
  if (failed(ends))
    return failure();
  const size_t count = starts->size();
  SmallVector<int64_t> axes, steps(count, 1);
  for (size_t i = 0; i < count; ++i)
    axes.push_back(i);
  if (ctx.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> given = constantInts(ctx, 3, "axes");
    if (failed(given))
      return failure();
    axes = *given;
  }
  if (ctx.hasInput(4)) {
    FailureOr<SmallVector<int64_t>> given = constantInts(ctx, 4, "steps");
    if (failed(given))
      return failure();
    steps = *given;
  }
  if (ends->size() != count || axes.size() != count || steps.size() != count)
    return ctx.fail("starts, ends, axes and steps have different lengths");
  FailureOr<SmallVector<int64_t>> checked = checkedAxes(ctx, axes, rank);
  if (failed(checked))
    return failure();

  SmallVector<int64_t> offsets(rank, 0), sizes(type.getShape()),
      strides(rank, 1), reversed;
  for (size_t i = 0; i < count; ++i) {
    const int64_t axis = (*checked)[i], dim = type.getDimSize(axis);
    int64_t start = (*starts)[i], end = (*ends)[i], step = steps[i];
    if (step == 0)
      return ctx.fail("step 0 on axis " + std::to_string(axis));
    // Negative indices count from the end; then clamp as the spec says,
    // which differs with the direction.
    start = start < 0 ? start + dim : start;
    end = end < 0 ? end + dim : end;
    if (dim == 0) {
      sizes[axis] = 0;
      continue;
    }
    // Sizes are counted as 1 + (distance - 1) / |step| so that huge steps
    // cannot overflow.
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      sizes[axis] = end > start ? 1 + (end - start - 1) / step : 0;
      offsets[axis] = start;
      strides[axis] = sizes[axis] > 1 ? step : 1;
      continue;
    }
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    const int64_t magnitude =
        step == std::numeric_limits<int64_t>::min() ? dim : -step;
    const int64_t n = start > end ? 1 + (start - end - 1) / magnitude : 0;
    // Read the same elements forwards from the last one, then reverse.
    sizes[axis] = n;
    offsets[axis] = n ? start - (n - 1) * magnitude : 0;
    strides[axis] = n > 1 ? magnitude : 1;
    if (n > 1)
      reversed.push_back(axis);
  }
  OpBuilder &b = ctx.builder();
  Value result = extractSlice(b, ctx.loc(), *input, offsets, sizes, strides);
  if (!reversed.empty())
    result = reverseAxes(b, ctx.loc(), result, reversed);
  return setChecked(ctx, 0, result);
}

/// Gather as a linalg.generic over the output: the indices are read through
/// the loop dims they occupy, the data with tensor.extract.
Value gatherGeneric(OpBuilder &b, Location loc, RankedTensorType resultType,
                    Value data, Value indices, int64_t axis, bool wrap) {
  auto indicesType = cast<RankedTensorType>(indices.getType());
  const int64_t q = indicesType.getRank();
  const int64_t axisSize =
      cast<RankedTensorType>(data.getType()).getDimSize(axis);
  SmallVector<AffineExpr> exprs;
  for (int64_t j = 0; j < q; ++j)
    exprs.push_back(b.getAffineDimExpr(axis + j));
  AffineMap map =
      AffineMap::get(resultType.getRank(), 0, exprs, b.getContext());
  return indexedGeneric(
      b, loc, resultType, {indices}, {map},
      [&](OpBuilder &nb, Location nl, ValueRange args,
          ArrayRef<Value> loops) -> Value {
        Value index =
            arith::IndexCastOp::create(nb, nl, nb.getIndexType(), args[0]);
        if (wrap) { // negative indices count from the end
          Value zero = indexConstant(nb, nl, 0);
          Value isNegative = arith::CmpIOp::create(
              nb, nl, arith::CmpIPredicate::slt, index, zero);
          Value wrapped = arith::AddIOp::create(
              nb, nl, index, indexConstant(nb, nl, axisSize));
          index = arith::SelectOp::create(nb, nl, isNegative, wrapped, index);
        }
        SmallVector<Value> coords(loops.take_front(axis));
        coords.push_back(index);
        llvm::append_range(coords, loops.drop_front(axis + q));
        return tensor::ExtractOp::create(nb, nl, data, coords);
      });
}

LogicalResult importGather(ImportContext &ctx) {
  FailureOr<Value> data = ctx.input(0);
  if (failed(data))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  FailureOr<int64_t> axis =
      checkedAxis(ctx, ctx.attrs().getInt("axis", 0), dataType.getRank());
  FailureOr<RankedTensorType> resultType = ctx.outputType(0);
  if (failed(axis) || failed(resultType))
    return failure();
  const int64_t axisSize = dataType.getDimSize(*axis);
  OpBuilder &b = ctx.builder();
  const HostTensor *constant = ctx.constantInput(1);
  if (!constant) {
    // Embedding-style: indices computed at run time.
    FailureOr<Value> indices = ctx.input(1);
    if (failed(indices))
      return failure();
    return setChecked(ctx, 0,
                      gatherGeneric(b, ctx.loc(), *resultType, *data, *indices,
                                    *axis, /*wrap=*/true));
  }

  // Constant indices: resolve negatives and check bounds now.
  std::vector<int64_t> indices = constant->toInt64();
  for (int64_t &index : indices) {
    if (index < -axisSize || index >= axisSize)
      return ctx.fail("index " + std::to_string(index) +
                      " is out of range for axis " + std::to_string(*axis) +
                      " of size " + std::to_string(axisSize));
    index = normalizeAxis(index, axisSize);
  }
  // Evenly spaced increasing indices (a single one included) are one
  // strided slice, reshaped to put the indices' shape in place of the axis.
  const int64_t n = indices.size();
  const int64_t step = n > 1 ? indices[1] - indices[0] : 1;
  bool strided = n > 0 && step > 0;
  for (int64_t i = 1; strided && i < n; ++i)
    strided = indices[i] - indices[i - 1] == step;
  if (strided) {
    SmallVector<int64_t> offsets(dataType.getRank(), 0),
        sizes(dataType.getShape()), strides(dataType.getRank(), 1);
    offsets[*axis] = indices[0];
    sizes[*axis] = n;
    strides[*axis] = step;
    Value slice = extractSlice(b, ctx.loc(), *data, offsets, sizes, strides);
    return setChecked(ctx, 0,
                      reshapeTo(b, ctx.loc(), slice, resultType->getShape()));
  }
  Value resolved = ctx.materialize(HostTensor::fromInt64(
      onnx::TensorProto::INT64, constant->shape, indices));
  return setChecked(ctx, 0,
                    gatherGeneric(b, ctx.loc(), *resultType, *data, resolved,
                                  *axis, /*wrap=*/false));
}

} // namespace

void cim::onnx_import::registerIndexingOps(OpRegistry &r) {
  const std::string family = "Data movement";
  r.add("Split", importSplit, family, "tensor.extract_slice",
        "split input must be a compile-time constant; without it the axis "
        "must divide evenly");
  r.add("Slice", importSlice, family,
        "tensor.extract_slice (+ linalg.generic reversing negative-step axes)",
        "starts/ends/axes/steps must be compile-time constants");
  r.add("Gather", importGather, family,
        "tensor.extract_slice + reshape (evenly spaced constant indices), "
        "else linalg.generic with tensor.extract",
        "run-time indices are not bounds-checked (out of range is undefined)");
}
