//===- DataMovement.cpp - Reshapes, Transpose, Concat, Pad, Expand, Tile --===//
//
// Ops that move data without arithmetic. Every tensor is static, so the
// shape-like inputs (Reshape's shape, Pad's pads, ...) must be compile-time
// constants; the output types shape inference gave are authoritative and
// what each handler computes is checked against them. Nodes whose inputs are
// all small constants never get here: the constant folder evaluated them.
// Split, Slice and Gather are in Indexing.cpp.
//
//===----------------------------------------------------------------------===//

#include "DataMovementSupport.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <numeric>

using namespace mlir;
using namespace cim::onnx_import;
using namespace cim::onnx_import::data_movement;

//===----------------------------------------------------------------------===//
// Helpers shared with Indexing.cpp
//===----------------------------------------------------------------------===//

namespace cim::onnx_import::data_movement {

std::string str(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

std::string str(ArrayRef<int64_t> values) { return shapeString(values); }

int64_t product(ArrayRef<int64_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

LogicalResult setChecked(ImportContext &ctx, size_t index, Value value) {
  FailureOr<RankedTensorType> expected = ctx.outputType(index);
  if (failed(expected))
    return failure();
  if (value.getType() != *expected)
    return ctx.fail("computed result type " + str(value.getType()) +
                    " but shape inference gave " + str(*expected));
  ctx.setOutput(index, value);
  return success();
}

FailureOr<SmallVector<int64_t>> constantInts(ImportContext &ctx, size_t index,
                                             const std::string &what) {
  if (!ctx.hasInput(index)) {
    (void)ctx.fail("the " + what + " input is required");
    return failure();
  }
  const HostTensor *tensor = ctx.constantInput(index);
  if (!tensor) {
    (void)ctx.fail(ctx.node().op_type() + "'s " + what +
                   " input must be a compile-time constant");
    return failure();
  }
  std::vector<int64_t> values = tensor->toInt64();
  return SmallVector<int64_t>(values.begin(), values.end());
}

FailureOr<int64_t> checkedAxis(ImportContext &ctx, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    (void)ctx.fail("axis " + std::to_string(axis) +
                   " is out of range for rank " + std::to_string(rank));
    return failure();
  }
  return normalizeAxis(axis, rank);
}

FailureOr<SmallVector<int64_t>>
checkedAxes(ImportContext &ctx, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    FailureOr<int64_t> a = checkedAxis(ctx, axis, rank);
    if (failed(a))
      return failure();
    if (llvm::is_contained(result, *a)) {
      (void)ctx.fail("axis " + std::to_string(axis) + " is repeated");
      return failure();
    }
    result.push_back(*a);
  }
  return result;
}

Value extractSlice(OpBuilder &b, Location loc, Value value,
                   ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
                   ArrayRef<int64_t> strides) {
  auto type = cast<RankedTensorType>(value.getType());
  bool whole = type.getShape() == sizes;
  for (size_t i = 0; i < offsets.size(); ++i)
    whole &= offsets[i] == 0 && strides[i] == 1;
  if (whole)
    return value;
  auto resultType = RankedTensorType::get(sizes, type.getElementType());
  return tensor::ExtractSliceOp::create(b, loc, resultType, value, ValueRange{},
                                        ValueRange{}, ValueRange{}, offsets,
                                        sizes, strides);
}

Value indexedGeneric(OpBuilder &b, Location loc, RankedTensorType resultType,
                     ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                     IndexedBody body) {
  // A loop nest over nothing: its result is never read.
  if (resultType.getNumElements() == 0)
    return emptyTensor(b, loc, resultType);
  const int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps(inputMaps.begin(), inputMaps.end());
  maps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs,
      ValueRange{emptyTensor(b, loc, resultType)}, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < rank; ++d)
          indices.push_back(linalg::IndexOp::create(nested, nestedLoc, d));
        linalg::YieldOp::create(
            nested, nestedLoc,
            body(nested, nestedLoc, args.drop_back(), indices));
      });
  // Only the indices the body read stay.
  for (Operation &op :
       llvm::make_early_inc_range(generic.getBody()->getOperations()))
    if (isa<linalg::IndexOp>(op) && op.use_empty())
      op.erase();
  return generic.getResult(0);
}

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

} // namespace cim::onnx_import::data_movement

namespace {

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

LogicalResult finishReshape(ImportContext &ctx, Value input,
                            ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(input.getType());
  if (product(shape) != type.getNumElements())
    return ctx.fail("cannot reshape " + str(type) + " to " + str(shape));
  return setChecked(ctx, 0, reshapeTo(ctx.builder(), ctx.loc(), input, shape));
}

LogicalResult importReshape(ImportContext &ctx) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> target = constantInts(ctx, 1, "shape");
  if (failed(target))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  const bool allowZero = ctx.attrs().getInt("allowzero", 0) != 0;
  SmallVector<int64_t> shape;
  int64_t inferred = -1, known = 1;
  for (auto [i, dim] : llvm::enumerate(*target)) {
    // 0 copies the input's dim unless allowzero asks for a literal 0.
    if (dim == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= type.getRank())
        return ctx.fail("shape entry " + std::to_string(i) +
                        " is 0 (copy) but the input has rank " +
                        std::to_string(type.getRank()));
      dim = type.getDimSize(i);
    }
    if (dim == -1) {
      if (inferred >= 0)
        return ctx.fail("shape " + str(*target) + " has more than one -1");
      inferred = i;
    } else if (dim < 0) {
      return ctx.fail("shape " + str(*target) + " has a negative entry");
    } else {
      known *= dim;
    }
    shape.push_back(dim);
  }
  if (inferred >= 0) {
    if (known == 0 || type.getNumElements() % known != 0)
      return ctx.fail("cannot infer the -1 of shape " + str(*target) + " for " +
                      str(type));
    shape[inferred] = type.getNumElements() / known;
  }
  return finishReshape(ctx, *input, shape);
}

LogicalResult importFlatten(ImportContext &ctx) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  const int64_t rank = type.getRank();
  // The axis may equal the rank (everything goes to the outer dim).
  int64_t axis = ctx.attrs().getInt("axis", 1);
  if (axis < -rank || axis > rank)
    return ctx.fail("axis " + std::to_string(axis) +
                    " is out of range for rank " + std::to_string(rank));
  axis = normalizeAxis(axis, rank);
  ArrayRef<int64_t> dims = type.getShape();
  return finishReshape(
      ctx, *input,
      {product(dims.take_front(axis)), product(dims.drop_front(axis))});
}

LogicalResult importSqueeze(ImportContext &ctx) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  SmallVector<int64_t> axes;
  if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> given = constantInts(ctx, 1, "axes");
    if (failed(given))
      return failure();
    FailureOr<SmallVector<int64_t>> checked =
        checkedAxes(ctx, *given, type.getRank());
    if (failed(checked))
      return failure();
    axes = *checked;
    for (int64_t axis : axes)
      if (type.getDimSize(axis) != 1)
        return ctx.fail("cannot squeeze axis " + std::to_string(axis) +
                        " of size " + std::to_string(type.getDimSize(axis)));
  } else {
    // No axes: every size-1 dim goes.
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (type.getDimSize(i) == 1)
        axes.push_back(i);
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (!llvm::is_contained(axes, i))
      shape.push_back(type.getDimSize(i));
  return finishReshape(ctx, *input, shape);
}

LogicalResult importUnsqueeze(ImportContext &ctx) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> given = constantInts(ctx, 1, "axes");
  if (failed(given))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  // Negative axes count from the end of the output.
  const int64_t outRank = type.getRank() + given->size();
  FailureOr<SmallVector<int64_t>> axes = checkedAxes(ctx, *given, outRank);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t i = 0, j = 0; i < outRank; ++i)
    shape.push_back(llvm::is_contained(*axes, i) ? 1 : type.getDimSize(j++));
  return finishReshape(ctx, *input, shape);
}

//===----------------------------------------------------------------------===//
// Transpose, Identity, Dropout, Concat
//===----------------------------------------------------------------------===//

LogicalResult importTranspose(ImportContext &ctx) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  const int64_t rank = cast<RankedTensorType>(input->getType()).getRank();
  SmallVector<int64_t> perm;
  if (auto given = ctx.attrs().getInts("perm")) {
    perm.assign(given->begin(), given->end());
  } else {
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  }
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (static_cast<int64_t>(perm.size()) != rank ||
      llvm::any_of(llvm::enumerate(sorted), [](auto entry) {
        return entry.value() != static_cast<int64_t>(entry.index());
      }))
    return ctx.fail("perm " + str(perm) + " is not a permutation of rank " +
                    std::to_string(rank));
  return setChecked(ctx, 0, transpose(ctx.builder(), ctx.loc(), *input, perm));
}

LogicalResult importIdentity(ImportContext &ctx) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  return setChecked(ctx, 0, *input);
}

/// Inference-mode Dropout: the identity, and a mask that keeps everything.
LogicalResult importDropout(ImportContext &ctx) {
  if (ctx.hasInput(2)) {
    const HostTensor *training = ctx.constantInput(2);
    if (!training)
      return ctx.fail("Dropout's training_mode input must be a compile-time "
                      "constant");
    const HostTensor *ratio = ctx.constantInput(1);
    const bool dropsNothing = ctx.hasInput(1) && ratio &&
                              ratio->numElements() == 1 &&
                              ratio->toDouble()[0] == 0.0;
    if (training->numElements() == 1 && training->toInt64()[0] != 0 &&
        !dropsNothing)
      return ctx.fail("training-mode Dropout is not supported (random "
                      "masks); export the model in inference mode");
  }
  FailureOr<Value> input = ctx.input(0);
  if (failed(input) || failed(setChecked(ctx, 0, *input)))
    return failure();
  if (ctx.numOutputs() > 1 && !ctx.node().output(1).empty()) {
    FailureOr<RankedTensorType> maskType = ctx.outputType(1);
    if (failed(maskType))
      return failure();
    auto mask = DenseElementsAttr::get(*maskType, true);
    ctx.setOutput(1, arith::ConstantOp::create(ctx.builder(), ctx.loc(), mask));
  }
  return success();
}

LogicalResult importConcat(ImportContext &ctx) {
  SmallVector<Value> inputs;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    FailureOr<Value> input = ctx.input(i); // constants are materialised
    if (failed(input))
      return failure();
    inputs.push_back(*input);
  }
  if (inputs.empty())
    return ctx.fail("Concat needs at least one input");
  auto type = cast<RankedTensorType>(inputs[0].getType());
  FailureOr<int64_t> axis =
      checkedAxis(ctx, ctx.attrs().getInt("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  for (Value input : inputs) {
    auto other = cast<RankedTensorType>(input.getType());
    bool matches = other.getRank() == type.getRank() &&
                   other.getElementType() == type.getElementType();
    for (int64_t d = 0; matches && d < type.getRank(); ++d)
      matches = d == *axis || other.getDimSize(d) == type.getDimSize(d);
    if (!matches)
      return ctx.fail("cannot concatenate " + str(other) + " with " +
                      str(type) + " on axis " + std::to_string(*axis));
  }
  // Empty pieces contribute nothing.
  SmallVector<Value> pieces;
  for (Value input : inputs)
    if (cast<RankedTensorType>(input.getType()).getDimSize(*axis) != 0)
      pieces.push_back(input);
  if (pieces.empty())
    pieces.push_back(inputs[0]);
  Value result = pieces.size() == 1
                     ? pieces[0]
                     : Value(tensor::ConcatOp::create(ctx.builder(), ctx.loc(),
                                                      *axis, pieces));
  return setChecked(ctx, 0, result);
}

//===----------------------------------------------------------------------===//
// Pad, Expand, Tile
//===----------------------------------------------------------------------===//

/// Edge and reflect padding as one generic reading the source element each
/// output element copies. Negative pads (cropping) fall out of the same
/// index arithmetic.
Value padByIndex(OpBuilder &b, Location loc, Value value,
                 RankedTensorType resultType, ArrayRef<int64_t> low,
                 bool reflect) {
  auto type = cast<RankedTensorType>(value.getType());
  return indexedGeneric(
      b, loc, resultType, {}, {},
      [&](OpBuilder &nb, Location nl, ValueRange,
          ArrayRef<Value> loops) -> Value {
        SmallVector<Value> coords;
        for (int64_t d = 0; d < type.getRank(); ++d) {
          const int64_t size = type.getDimSize(d);
          if (low[d] == 0 && resultType.getDimSize(d) == size) {
            coords.push_back(loops[d]); // not padded
            continue;
          }
          Value zero = indexConstant(nb, nl, 0);
          Value last = indexConstant(nb, nl, size - 1);
          Value i = arith::SubIOp::create(nb, nl, loops[d],
                                          indexConstant(nb, nl, low[d]));
          if (reflect && size > 1) {
            // numpy's reflect: periodic with period 2 * (size - 1).
            Value period = indexConstant(nb, nl, 2 * (size - 1));
            Value rem = arith::RemSIOp::create(nb, nl, i, period);
            Value isNegative = arith::CmpIOp::create(
                nb, nl, arith::CmpIPredicate::slt, rem, zero);
            Value shifted = arith::AddIOp::create(nb, nl, rem, period);
            rem = arith::SelectOp::create(nb, nl, isNegative, shifted, rem);
            Value mirrored = arith::SubIOp::create(nb, nl, period, rem);
            Value beyond = arith::CmpIOp::create(
                nb, nl, arith::CmpIPredicate::sgt, rem, last);
            i = arith::SelectOp::create(nb, nl, beyond, mirrored, rem);
          } else { // edge (and reflect of a single element)
            i = arith::MaxSIOp::create(nb, nl, i, zero);
            i = arith::MinSIOp::create(nb, nl, i, last);
          }
          coords.push_back(i);
        }
        return tensor::ExtractOp::create(nb, nl, value, coords);
      });
}

LogicalResult importPad(ImportContext &ctx) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> pads = constantInts(ctx, 1, "pads");
  if (failed(pads))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  const int64_t rank = type.getRank();
  if (static_cast<int64_t>(pads->size()) != 2 * rank)
    return ctx.fail("pads " + str(*pads) + " must have 2 * rank = " +
                    std::to_string(2 * rank) + " entries");
  // [x1_begin, x2_begin, ..., x1_end, x2_end]
  ArrayRef<int64_t> low = ArrayRef<int64_t>(*pads).take_front(rank);
  ArrayRef<int64_t> high = ArrayRef<int64_t>(*pads).drop_front(rank);
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    shape.push_back(type.getDimSize(d) + low[d] + high[d]);
    if (shape.back() < 0)
      return ctx.fail("pads " + str(*pads) + " crop more than axis " +
                      std::to_string(d) + " holds");
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  OpBuilder &b = ctx.builder();
  const std::string mode = ctx.attrs().getString("mode", "constant");
  if (mode == "edge" || mode == "reflect") {
    for (int64_t d = 0; d < rank; ++d)
      if (type.getDimSize(d) == 0 && shape[d] != 0)
        return ctx.fail("cannot " + mode + "-pad the empty axis " +
                        std::to_string(d));
    return setChecked(
        ctx, 0,
        padByIndex(b, ctx.loc(), *input, resultType, low, mode == "reflect"));
  }
  if (mode != "constant")
    return ctx.fail("Pad mode '" + mode + "' is not supported");
  double padValue = 0.0;
  if (ctx.hasInput(2)) {
    const HostTensor *value = ctx.constantInput(2);
    if (!value)
      return ctx.fail("Pad's constant_value input must be a compile-time "
                      "constant");
    if (value->numElements() > 0)
      padValue = value->toDouble()[0];
  }
  // Negative pads crop: slice them off, then pad with the positive parts.
  SmallVector<int64_t> offsets, sizes, strides(rank, 1), padLow, padHigh;
  for (int64_t d = 0; d < rank; ++d) {
    offsets.push_back(std::max<int64_t>(-low[d], 0));
    sizes.push_back(type.getDimSize(d) - offsets.back() -
                    std::max<int64_t>(-high[d], 0));
    padLow.push_back(std::max<int64_t>(low[d], 0));
    padHigh.push_back(std::max<int64_t>(high[d], 0));
  }
  Value cropped = extractSlice(b, ctx.loc(), *input, offsets, sizes, strides);
  return setChecked(
      ctx, 0, padConstant(b, ctx.loc(), cropped, padLow, padHigh, padValue));
}

LogicalResult importExpand(ImportContext &ctx) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> target = constantInts(ctx, 1, "shape");
  if (failed(target))
    return failure();
  // Bidirectional broadcast of the input's shape and the given one.
  ArrayRef<int64_t> inShape =
      cast<RankedTensorType>(input->getType()).getShape();
  const size_t rank = std::max(inShape.size(), target->size());
  SmallVector<int64_t> shape(rank);
  for (size_t i = 0; i < rank; ++i) {
    auto dimOf = [&](ArrayRef<int64_t> dims) -> int64_t {
      return i + dims.size() < rank ? 1 : dims[i + dims.size() - rank];
    };
    int64_t a = dimOf(inShape), c = dimOf(*target);
    if (c < 0 || (a != c && a != 1 && c != 1))
      return ctx.fail("cannot broadcast " + str(inShape) + " to " +
                      str(*target));
    shape[i] = a == 1 ? c : a;
  }
  return setChecked(ctx, 0,
                    broadcastTo(ctx.builder(), ctx.loc(), *input, shape));
}

/// Tile reads input element (d mod n) for output index d of each tiled axis.
LogicalResult importTile(ImportContext &ctx) {
  FailureOr<Value> input = ctx.input(0);
  if (failed(input))
    return failure();
  FailureOr<SmallVector<int64_t>> repeats = constantInts(ctx, 1, "repeats");
  if (failed(repeats))
    return failure();
  auto type = cast<RankedTensorType>(input->getType());
  const int64_t rank = type.getRank();
  if (static_cast<int64_t>(repeats->size()) != rank ||
      llvm::any_of(*repeats, [](int64_t r) { return r < 0; }))
    return ctx.fail("repeats " + str(*repeats) +
                    " must hold one non-negative count per axis of " +
                    str(type));
  OpBuilder &b = ctx.builder();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t size = type.getDimSize(d), count = (*repeats)[d];
    shape.push_back(size * count);
    AffineExpr dim = b.getAffineDimExpr(d);
    exprs.push_back(count > 1 && size > 0 ? dim % size : dim);
  }
  if (shape == type.getShape())
    return setChecked(ctx, 0, *input);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  AffineMap map = AffineMap::get(rank, 0, exprs, b.getContext());
  return setChecked(ctx, 0,
                    indexedGeneric(b, ctx.loc(), resultType, {*input}, {map},
                                   [](OpBuilder &, Location, ValueRange args,
                                      ArrayRef<Value>) { return args[0]; }));
}

} // namespace

void cim::onnx_import::registerDataMovementOps(OpRegistry &r) {
  const std::string family = "Data movement";
  const std::string reshape = "tensor.collapse_shape / tensor.expand_shape";
  r.add("Reshape", importReshape, family, reshape,
        "shape input must be a compile-time constant");
  r.add("Flatten", importFlatten, family, reshape);
  r.add("Squeeze", importSqueeze, family, reshape,
        "axes input must be a compile-time constant");
  r.add("Unsqueeze", importUnsqueeze, family, reshape,
        "axes input must be a compile-time constant");
  r.add("Transpose", importTranspose, family, "linalg.transpose");
  r.add("Identity", importIdentity, family, "(no op)");
  r.add("Dropout", importDropout, family, "(no op); mask: arith.constant",
        "inference only: training_mode must be a constant false (or ratio "
        "0)");
  r.add("Concat", importConcat, family, "tensor.concat");
  r.add("Pad", importPad, family,
        "tensor.pad (constant), linalg.generic with tensor.extract (edge, "
        "reflect)",
        "pads and constant_value must be compile-time constants");
  r.add("Expand", importExpand, family, "linalg.generic (broadcast)",
        "shape input must be a compile-time constant");
  r.add("Tile", importTile, family, "linalg.generic (d mod n maps)",
        "repeats must be a compile-time constant");
  registerIndexingOps(r);
}
