//===- DigitalOps.cpp - The vector unit's instructions of digital ops -----===//
//
// Every lowering here computes only where elements are: strides from
// indexing maps and shapes. What the elements become is the body's business
// (ScalarBody.cpp) or a plain copy.
//
//===----------------------------------------------------------------------===//

#include "cim/Target/Program/DigitalOps.h"

#include "ScalarBody.h"

#include "cim/Dialect/CIM/CIMOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace cim;

namespace rt = cim::runtime;

bool cim::isEmptyTensor(Value value) {
  return value.getDefiningOp<tensor::EmptyOp>() != nullptr;
}

bool cim::isDigitalOp(Operation *op) {
  return isa<linalg::LinalgOp, tensor::PadOp, tensor::ExtractSliceOp,
             tensor::InsertSliceOp, tensor::ExpandShapeOp,
             tensor::CollapseShapeOp, tensor::ReshapeOp, Im2colOp,
             QuantizeDynamicOp>(op);
}

static SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    strides[d - 1] = strides[d] * shape[d];
  return strides;
}

/// `expr` as coefficients of the loop dims followed by a constant term, if
/// it is linear (sums of dims times constants: no mod, div or symbols).
static std::optional<SmallVector<int64_t>> linearize(AffineExpr expr,
                                                     unsigned loops) {
  SmallVector<int64_t> terms(loops + 1, 0);
  if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
    terms[dim.getPosition()] = 1;
    return terms;
  }
  if (auto constant = dyn_cast<AffineConstantExpr>(expr)) {
    terms[loops] = constant.getValue();
    return terms;
  }
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary || (expr.getKind() != AffineExprKind::Add &&
                  expr.getKind() != AffineExprKind::Mul))
    return std::nullopt;
  auto lhs = linearize(binary.getLHS(), loops);
  auto rhs = linearize(binary.getRHS(), loops);
  if (!lhs || !rhs)
    return std::nullopt;
  if (expr.getKind() == AffineExprKind::Add) {
    for (unsigned i = 0; i <= loops; ++i)
      terms[i] = (*lhs)[i] + (*rhs)[i];
    return terms;
  }
  // A product is linear when one side is a constant.
  auto onlyConstant = [&](ArrayRef<int64_t> t) {
    return llvm::all_of(t.drop_back(), [](int64_t c) { return c == 0; });
  };
  if (!onlyConstant(*lhs) && !onlyConstant(*rhs))
    return std::nullopt;
  const bool lhsConstant = onlyConstant(*lhs);
  const int64_t factor = lhsConstant ? lhs->back() : rhs->back();
  ArrayRef<int64_t> other = lhsConstant ? *rhs : *lhs;
  for (unsigned i = 0; i <= loops; ++i)
    terms[i] = other[i] * factor;
  return terms;
}

/// How a loop nest over `map`'s dims reaches an operand of `shape`.
static FailureOr<rt::Access> accessOf(AffineMap map, ArrayRef<int64_t> shape,
                                      Operation *at, unsigned operand) {
  rt::Access access;
  access.strides.assign(map.getNumDims(), 0);
  const SmallVector<int64_t> strides = rowMajorStrides(shape);
  for (auto [d, expr] : llvm::enumerate(map.getResults())) {
    auto terms = linearize(expr, map.getNumDims());
    if (!terms)
      return at->emitError()
             << "indexing map " << AffineMapAttr::get(map) << " of operand #" << operand
             << " is not linear in the loop indices; the runtime's generic "
                "reaches operands by strides (docs/isa.md)";
    for (unsigned l = 0; l < map.getNumDims(); ++l)
      access.strides[l] += (*terms)[l] * strides[d];
    access.offset += terms->back() * strides[d];
  }
  return access;
}

/// A static shape of `value`'s tensor type, or an error at `at`.
static FailureOr<ArrayRef<int64_t>> staticShape(Value value, Operation *at) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return at->emitError() << "'" << at->getName()
                           << "' needs static tensor shapes to run on the "
                              "runtime, got "
                           << value.getType();
  return type.getShape();
}

/// A copy loop nest: the output element at each point is the input's.
static DigitalInstruction copyLoop(Value input, Value output,
                                   ArrayRef<int64_t> loops, rt::Access in,
                                   rt::Access out) {
  DigitalInstruction d;
  d.inst.opcode = rt::Opcode::Generic;
  d.inst.loopBounds.assign(loops.begin(), loops.end());
  d.inst.accesses = {std::move(in), std::move(out)};
  d.inst.bodyResult = 0;
  d.inputs.push_back(input);
  d.output = output;
  return d;
}

static rt::Access linearAccess(int64_t offset, ArrayRef<int64_t> strides) {
  rt::Access access;
  access.offset = offset;
  access.strides.assign(strides.begin(), strides.end());
  return access;
}

static FailureOr<DigitalInstruction> lowerLinalg(linalg::LinalgOp op) {
  Operation *at = op.getOperation();
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1)
    return at->emitError() << "'" << at->getName()
                           << "' must work on tensors and have one result to "
                              "run on the runtime's vector unit";
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  if (ShapedType::isDynamicShape(bounds))
    return at->emitError() << "'" << at->getName()
                           << "' has dynamic loop bounds";
  DigitalInstruction d;
  d.inst.opcode = rt::Opcode::Generic;
  d.inst.loopBounds.assign(bounds.begin(), bounds.end());
  DenseMap<Value, int64_t> registers;
  DenseMap<Value, double> constants;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  for (OpOperand *input : op.getDpsInputOperands()) {
    BlockArgument arg = op.getMatchingBlockArgument(input);
    if (arg.use_empty())
      continue; // e.g. a pooling op's window: its shape is all it gives
    Value value = input->get();
    if (!isa<ShapedType>(value.getType())) {
      std::optional<double> constant = scalarConstant(value);
      if (!constant)
        return at->emitError() << "scalar operand #"
                               << input->getOperandNumber() << " of '"
                               << at->getName()
                               << "' must be a constant to run on the "
                                  "runtime";
      constants[arg] = *constant;
      continue;
    }
    if (isEmptyTensor(value))
      return at->emitError() << "'" << at->getName()
                             << "' reads the contents of a tensor.empty";
    FailureOr<ArrayRef<int64_t>> shape = staticShape(value, at);
    if (failed(shape))
      return failure();
    FailureOr<rt::Access> access =
        accessOf(maps[input->getOperandNumber()], *shape, at,
                 input->getOperandNumber());
    if (failed(access))
      return failure();
    registers[arg] = static_cast<int64_t>(d.inputs.size());
    d.inputs.push_back(value);
    d.inst.accesses.push_back(std::move(*access));
  }
  OpOperand *init = op.getDpsInitOperand(0);
  BlockArgument outArg = op.getMatchingBlockArgument(init);
  const int64_t accessed = static_cast<int64_t>(d.inputs.size());
  registers[outArg] = accessed;
  FailureOr<ArrayRef<int64_t>> outShape = staticShape(init->get(), at);
  if (failed(outShape))
    return failure();
  AffineMap outMap = maps[init->getOperandNumber()];
  FailureOr<rt::Access> outAccess =
      accessOf(outMap, *outShape, at, init->getOperandNumber());
  if (failed(outAccess))
    return failure();
  d.inst.accesses.push_back(std::move(*outAccess));
  // The initial output matters when the body reads it (reductions) or when
  // the loop does not write every element once.
  const bool writesAll = outMap.isPermutation();
  d.inst.hasInit = !isEmptyTensor(init->get()) &&
                   (!outArg.use_empty() || !writesAll);
  if (d.inst.hasInit)
    d.inputs.push_back(init->get());
  FailureOr<ScalarBody> body = translateScalarBody(
      *op.getBlock(), std::move(registers), constants, accessed + 1, at);
  if (failed(body))
    return failure();
  d.inst.body = std::move(body->ops);
  d.inst.bodyResult = body->result;
  for (Value source : body->sources) {
    if (failed(staticShape(source, at)))
      return failure();
    d.inputs.push_back(source);
  }
  d.output = at->getResult(0);
  return d;
}

static FailureOr<DigitalInstruction> lowerPad(tensor::PadOp pad) {
  Operation *at = pad.getOperation();
  FailureOr<ArrayRef<int64_t>> inShape = staticShape(pad.getSource(), at);
  FailureOr<ArrayRef<int64_t>> outShape = staticShape(pad.getResult(), at);
  if (failed(inShape) || failed(outShape))
    return failure();
  ArrayRef<int64_t> low = pad.getStaticLow();
  if (ShapedType::isDynamicShape(low) ||
      ShapedType::isDynamicShape(pad.getStaticHigh()) ||
      llvm::any_of(low, [](int64_t l) { return l < 0; }) ||
      llvm::any_of(pad.getStaticHigh(), [](int64_t h) { return h < 0; }))
    return at->emitError() << "'tensor.pad' needs static, non-negative low "
                              "and high padding to run on the runtime";
  Value padValue = pad.getConstantPaddingValue();
  std::optional<double> fill =
      padValue ? scalarConstant(padValue) : std::nullopt;
  if (!fill)
    return at->emitError() << "'tensor.pad' must pad with a constant to run "
                              "on the runtime";
  const SmallVector<int64_t> outStrides = rowMajorStrides(*outShape);
  int64_t offset = 0;
  for (auto [l, stride] : llvm::zip(low, outStrides))
    offset += l * stride;
  DigitalInstruction d =
      copyLoop(pad.getSource(), pad.getResult(), *inShape,
               linearAccess(0, rowMajorStrides(*inShape)),
               linearAccess(offset, outStrides));
  d.inst.fill = *fill;
  return d;
}

/// The offset and per-dimension strides of a static slice of a tensor of
/// `shape` (tensor.extract_slice / insert_slice), or an error.
static FailureOr<rt::Access>
sliceAccess(OffsetSizeAndStrideOpInterface slice, ArrayRef<int64_t> shape,
            Operation *at) {
  ArrayRef<int64_t> offsets = slice.getStaticOffsets();
  ArrayRef<int64_t> strides = slice.getStaticStrides();
  if (ShapedType::isDynamicShape(offsets) ||
      ShapedType::isDynamicShape(strides) ||
      ShapedType::isDynamicShape(slice.getStaticSizes()))
    return at->emitError() << "'" << at->getName()
                           << "' needs static offsets, sizes and strides to "
                              "run on the runtime";
  const SmallVector<int64_t> layout = rowMajorStrides(shape);
  rt::Access access;
  for (size_t d = 0; d < shape.size(); ++d) {
    access.offset += offsets[d] * layout[d];
    access.strides.push_back(strides[d] * layout[d]);
  }
  return access;
}

static FailureOr<DigitalInstruction>
lowerExtractSlice(tensor::ExtractSliceOp slice) {
  Operation *at = slice.getOperation();
  FailureOr<ArrayRef<int64_t>> shape = staticShape(slice.getSource(), at);
  if (failed(shape) || failed(staticShape(slice.getResult(), at)))
    return failure();
  FailureOr<rt::Access> in = sliceAccess(slice, *shape, at);
  if (failed(in))
    return failure();
  // Loops over the sizes (dropped unit dims included): the result's
  // row-major order is theirs.
  ArrayRef<int64_t> sizes = slice.getStaticSizes();
  return copyLoop(slice.getSource(), slice.getResult(), sizes, *in,
                  linearAccess(0, rowMajorStrides(sizes)));
}

static FailureOr<DigitalInstruction>
lowerInsertSlice(tensor::InsertSliceOp insert) {
  Operation *at = insert.getOperation();
  FailureOr<ArrayRef<int64_t>> destShape = staticShape(insert.getDest(), at);
  if (failed(destShape) || failed(staticShape(insert.getSource(), at)))
    return failure();
  FailureOr<rt::Access> out = sliceAccess(insert, *destShape, at);
  if (failed(out))
    return failure();
  ArrayRef<int64_t> sizes = insert.getStaticSizes();
  DigitalInstruction d =
      copyLoop(insert.getSource(), insert.getResult(), sizes,
               linearAccess(0, rowMajorStrides(sizes)), *out);
  d.inst.hasInit = !isEmptyTensor(insert.getDest());
  if (d.inst.hasInit)
    d.inputs.push_back(insert.getDest());
  return d;
}

/// cim.im2col as a copy over (n, oh, ow, g, c, kh, kw); 1-D inputs as 2-D
/// with one row (see the op's description for the layout).
static FailureOr<DigitalInstruction> lowerIm2col(Im2colOp op) {
  Operation *at = op.getOperation();
  FailureOr<ArrayRef<int64_t>> inShape = staticShape(op.getInput(), at);
  FailureOr<ArrayRef<int64_t>> outShape = staticShape(op.getResult(), at);
  if (failed(inShape) || failed(outShape))
    return failure();
  const bool oneD = inShape->size() == 3;
  auto spatial = [&](ArrayRef<int64_t> values, int64_t fallback, int d) {
    return oneD ? (d == 0 ? fallback : values[0]) : values[d];
  };
  const int64_t n = (*inShape)[0], c = (*inShape)[1];
  const int64_t h = oneD ? 1 : (*inShape)[2], w = inShape->back();
  const int64_t kh = spatial(op.getKernel(), 1, 0),
                kw = spatial(op.getKernel(), 1, 1);
  const int64_t sh = spatial(op.getStrides(), 1, 0),
                sw = spatial(op.getStrides(), 1, 1);
  const int64_t dh = spatial(op.getDilations(), 1, 0),
                dw = spatial(op.getDilations(), 1, 1);
  const int64_t groups = static_cast<int64_t>(op.getGroups());
  const int64_t oh = (h - dh * (kh - 1) - 1) / sh + 1;
  const int64_t ow = (w - dw * (kw - 1) - 1) / sw + 1;
  const int64_t cg = c / groups;
  const SmallVector<int64_t> in = rowMajorStrides(*inShape);
  const int64_t sN = in[0], sC = in[1], sW = in.back();
  const int64_t sH = oneD ? 0 : in[2];
  int64_t outElements = 1;
  for (int64_t dim : *outShape)
    outElements *= dim;
  const int64_t row = outElements / (n * oh * ow);
  const int64_t perGroup = cg * kh * kw;
  return copyLoop(
      op.getInput(), op.getResult(), {n, oh, ow, groups, cg, kh, kw},
      linearAccess(0, {sN, sh * sH, sw * sW, cg * sC, sC, dh * sH, dw * sW}),
      linearAccess(0, {oh * ow * row, ow * row, row, perGroup, kh * kw, kw,
                       1}));
}

FailureOr<SmallVector<DigitalInstruction, 2>>
cim::lowerDigitalOp(Operation *op) {
  SmallVector<DigitalInstruction, 2> lowered;
  auto one = [&](FailureOr<DigitalInstruction> d)
      -> FailureOr<SmallVector<DigitalInstruction, 2>> {
    if (failed(d))
      return failure();
    lowered.push_back(std::move(*d));
    return lowered;
  };
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return one(lowerLinalg(linalgOp));
  if (auto pad = dyn_cast<tensor::PadOp>(op))
    return one(lowerPad(pad));
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op))
    return one(lowerExtractSlice(slice));
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(op))
    return one(lowerInsertSlice(insert));
  if (auto im2col = dyn_cast<Im2colOp>(op))
    return one(lowerIm2col(im2col));
  if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::ReshapeOp>(
          op)) {
    if (failed(staticShape(op->getOperand(0), op)) ||
        failed(staticShape(op->getResult(0), op)))
      return failure();
    DigitalInstruction d;
    d.inst.opcode = rt::Opcode::Reshape;
    d.inputs.push_back(op->getOperand(0));
    d.output = op->getResult(0);
    return one(d);
  }
  if (auto quantize = dyn_cast<QuantizeDynamicOp>(op)) {
    // The scale first (a reduction), then the levels by that scale.
    DigitalInstruction scale;
    scale.inst.opcode = rt::Opcode::DynamicScale;
    scale.inst.quantBits = static_cast<int64_t>(quantize.getBits());
    scale.inputs.push_back(quantize.getInput());
    scale.output = quantize.getScale();
    DigitalInstruction levels;
    levels.inst.opcode = rt::Opcode::Quantize;
    levels.inst.quantBits = scale.inst.quantBits;
    levels.inputs = {quantize.getInput(), quantize.getScale()};
    levels.output = quantize.getResult();
    lowered.push_back(std::move(scale));
    lowered.push_back(std::move(levels));
    return lowered;
  }
  return op->emitError() << "'" << op->getName()
                         << "' has no runtime instruction (docs/isa.md)";
}
