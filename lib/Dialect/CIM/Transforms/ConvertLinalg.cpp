//===- ConvertLinalg.cpp - Matrix products become crossbar ops ------------===//
//
// cim-convert-linalg maps the matrix products of the frontend contract onto
// crossbars:
//
// * `linalg.matmul` with a stationary right operand becomes
//   `cim.crossbar_matmul`; a `linalg.batch_matmul` with a stationary right
//   operand becomes one (all batches the same matrix: the batch folds into
//   the rows) or a grouped one (one group per batch).
// * Convolutions with stationary weights (NCHW/NCW, already padded by the
//   importer) become `cim.im2col` + a plain or grouped `cim.crossbar_matmul`
//   + the reshape and transpose back to NCHW. The weight rearrangement is
//   folded at compile time into a new `arith.constant`.
// * Products of two activations get a path: digital (the linalg op stays,
//   tagged `cim.path = "digital"`) or reprogram (`cim.crossbar_matmul
//   {reprogram}`), by option or by the cost model of ActivationPathCost.cpp.
//
// Everything else is left untouched. A non-zero accumulator is added back
// after the crossbar product with a `linalg.generic`.
//
//===----------------------------------------------------------------------===//

#include "ActivationPathCost.h"
#include "StationaryTensors.h"

#include "cim/Arch/ArchSpec.h"
#include "cim/Dialect/CIM/CIMAttrs.h"
#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/CIM/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Debug.h"

#include <cstring>
#include <numeric>
#include <optional>

#define DEBUG_TYPE "cim-convert-linalg"

namespace cim {
#define GEN_PASS_DEF_CIMCONVERTLINALG
#include "cim/Dialect/CIM/Passes.h.inc"
} // namespace cim

using namespace mlir;
using namespace cim;

static constexpr StringLiteral kPathAttr = "cim.path";
static constexpr StringLiteral kPathCostAttr = "cim.path_cost";

//===----------------------------------------------------------------------===//
// IR helpers
//===----------------------------------------------------------------------===//

static RankedTensorType tensorOf(ArrayRef<int64_t> shape, Type elementType) {
  return RankedTensorType::get(shape, elementType);
}

static Value transpose(OpBuilder &b, Location loc, Value input,
                       ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  return linalg::TransposeOp::create(b, loc, input, init, perm).getResult()[0];
}

/// [d0, .., d_{r-1}] -> [[0], [1, 2], [3], ...]: groups the dims `at` and
/// `at + 1`, the reshape between N x G x (C/G) x ... and N x C x ....
static SmallVector<ReassociationIndices> mergeDims(int64_t rank, int64_t at) {
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < rank; ++d) {
    if (d == at + 1)
      groups.back().push_back(d);
    else
      groups.push_back({d});
  }
  return groups;
}

/// The accumulator of a product is zero when the importer's zero fill (or a
/// zero constant) made it; anything else is added back after the crossbar.
static bool isZeroInit(Value init) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return matchPattern(init, m_AnyZeroFloat());
}

/// `product + init`, elementwise, as the linalg.generic the digital unit runs.
static Value addInit(OpBuilder &b, Location loc, Value product, Value init) {
  auto type = cast<RankedTensorType>(product.getType());
  Value empty =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{product, init}, ValueRange{empty},
      ArrayRef<AffineMap>{id, id, id}, iterators,
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        Value sum = arith::AddFOp::create(nb, nloc, args[0], args[1]);
        linalg::YieldOp::create(nb, nloc, sum);
      });
  return generic.getResult(0);
}

/// All operands and the result share one float element type and are static:
/// what a float cim.crossbar_matmul needs.
static bool isStaticFloatProduct(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op->getNumResults() != 1)
    return false;
  Type element;
  for (Value v : op->getOperands()) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()))
      return false;
    if (element && element != type.getElementType())
      return false;
    element = type.getElementType();
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {
enum class ActivationPath { Cost, Digital, Reprogram };

/// What every pattern shares: the pass's choices, its counters, and the ops
/// a rewrite may have left dead (the old accumulator and weight), which the
/// pass erases after the walk.
struct ConvertState {
  ActivationPath activationPath = ActivationPath::Cost;
  std::optional<arch::ArchSpec> spec;
  int64_t crossbarProducts = 0, convolutions = 0, digitalProducts = 0,
          reprogrammedProducts = 0;
  llvm::SetVector<Operation *> maybeDead;
};

template <typename OpTy> struct ConvertPattern : OpRewritePattern<OpTy> {
  ConvertPattern(MLIRContext *ctx, ConvertState &state)
      : OpRewritePattern<OpTy>(ctx), state(state) {}

protected:
  /// Replaces `op` by `product` (of the op's result type) plus the op's
  /// accumulator unless it is zero.
  void finish(PatternRewriter &rewriter, Operation *op, Value product,
              Value init) const {
    if (!isZeroInit(init))
      product = addInit(rewriter, op->getLoc(), product, init);
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        state.maybeDead.insert(def);
    rewriter.replaceOp(op, product);
  }

  /// The weight as a value the crossbar takes: itself when it is a constant,
  /// a folded constant when it is data movement over one, else unchanged
  /// (still stationary).
  Value materializeWeight(PatternRewriter &rewriter, Location loc,
                          Value weight) const {
    Operation *def = weight.getDefiningOp();
    if (def && def->hasTrait<OpTrait::ConstantLike>())
      return weight;
    if (std::optional<RawTensor> raw = evaluateStationary(weight))
      return buildConstant(
          rewriter, loc,
          cast<RankedTensorType>(weight.getType()).getElementType(), *raw);
    return weight;
  }

  /// Decides the path of a product of two activations. `buildReprogram`
  /// builds the reprogrammed product with the given attributes on the
  /// crossbar op and returns the value replacing the op's result. Products
  /// the crossbar op cannot take (`canReprogram` false: not float, not
  /// static) always go digital.
  LogicalResult assignPath(
      PatternRewriter &rewriter, Operation *op, Value init, int64_t batch,
      int64_t m, int64_t k, int64_t n, bool canReprogram,
      function_ref<Value(ArrayRef<NamedAttribute>)> buildReprogram) const {
    std::optional<PathCost> cost;
    bool reprogram = false;
    switch (state.activationPath) {
    case ActivationPath::Digital:
      break;
    case ActivationPath::Reprogram:
      reprogram = true;
      break;
    case ActivationPath::Cost:
      if (state.spec && canReprogram) {
        cost = estimatePaths(*state.spec, batch, m, k, n);
        reprogram = cost->reprogramWins();
      }
      break;
    }
    reprogram &= canReprogram;
    SmallVector<NamedAttribute> tags = {rewriter.getNamedAttr(
        kPathAttr,
        rewriter.getStringAttr(reprogram ? "reprogram" : "digital"))};
    if (cost)
      tags.push_back(
          rewriter.getNamedAttr(kPathCostAttr, cost->toAttr(rewriter)));
    LLVM_DEBUG(llvm::dbgs() << "activation product at " << op->getLoc() << ": "
                            << (reprogram ? "reprogram" : "digital") << "\n");
    if (!reprogram) {
      rewriter.modifyOpInPlace(op, [&] {
        for (NamedAttribute tag : tags)
          op->setAttr(tag.getName(), tag.getValue());
      });
      ++state.digitalProducts;
      return success();
    }
    finish(rewriter, op, buildReprogram(tags), init);
    ++state.reprogrammedProducts;
    return success();
  }

  ConvertState &state;
};

/// [B, M, K] x [B, K, N] as a grouped crossbar product: the batch becomes
/// the group dim, [M, B, K] x [B, K, N] -> [M, B, N], transposed back.
static Value groupedProduct(OpBuilder &b, Location loc, Value lhs, Value weight,
                            ArrayRef<NamedAttribute> attrs, bool reprogram) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  const int64_t batch = lhsType.getDimSize(0), m = lhsType.getDimSize(1);
  Value rows = transpose(b, loc, lhs, {1, 0, 2});
  auto product = CrossbarMatmulOp::create(
      b, loc,
      tensorOf({m, batch, weightType.getDimSize(2)}, lhsType.getElementType()),
      rows, weight, reprogram);
  for (NamedAttribute attr : attrs)
    product->setAttr(attr.getName(), attr.getValue());
  return transpose(b, loc, product, {1, 0, 2});
}

struct MatmulToCrossbar : ConvertPattern<linalg::MatmulOp> {
  using ConvertPattern::ConvertPattern;

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr(kPathAttr))
      return rewriter.notifyMatchFailure(op, "path already assigned");
    if (!op.hasPureTensorSemantics() || op.hasUserDefinedMaps())
      return rewriter.notifyMatchFailure(op, "not a plain matmul on tensors");
    Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
    Value init = op.getDpsInits()[0];
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    const bool floatProduct = isStaticFloatProduct(op);
    Location loc = op.getLoc();
    if (isStationary(w)) {
      if (!floatProduct)
        return rewriter.notifyMatchFailure(op, "not a static float product");
      Value weight = materializeWeight(rewriter, loc, w);
      Value product = CrossbarMatmulOp::create(rewriter, loc, type, x, weight);
      finish(rewriter, op, product, init);
      ++state.crossbarProducts;
      return success();
    }
    auto xType = cast<ShapedType>(x.getType());
    return assignPath(rewriter, op, init, /*batch=*/1, xType.getDimSize(0),
                      xType.getDimSize(1), type.getDimSize(1), floatProduct,
                      [&](ArrayRef<NamedAttribute> tags) -> Value {
                        auto product =
                            CrossbarMatmulOp::create(rewriter, loc, type, x, w,
                                                     /*reprogram=*/true);
                        for (NamedAttribute tag : tags)
                          product->setAttr(tag.getName(), tag.getValue());
                        return product;
                      });
  }
};

struct BatchMatmulToCrossbar : ConvertPattern<linalg::BatchMatmulOp> {
  using ConvertPattern::ConvertPattern;

  LogicalResult matchAndRewrite(linalg::BatchMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr(kPathAttr))
      return rewriter.notifyMatchFailure(op, "path already assigned");
    if (!op.hasPureTensorSemantics() || op.hasUserDefinedMaps())
      return rewriter.notifyMatchFailure(op,
                                         "not a plain batch_matmul on tensors");
    Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
    Value init = op.getDpsInits()[0];
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    auto lhsType = cast<ShapedType>(lhs.getType());
    const bool floatProduct = isStaticFloatProduct(op);
    Location loc = op.getLoc();
    const int64_t batch = type.getDimSize(0), m = type.getDimSize(1),
                  k = lhsType.getDimSize(2), n = type.getDimSize(2);
    if (!isStationary(rhs))
      return assignPath(rewriter, op, init, batch, m, k, n, floatProduct,
                        [&](ArrayRef<NamedAttribute> tags) {
                          return groupedProduct(rewriter, loc, lhs, rhs, tags,
                                                /*reprogram=*/true);
                        });
    if (!floatProduct)
      return rewriter.notifyMatchFailure(op, "not a static float product");

    Type element = type.getElementType();
    std::optional<RawTensor> raw = evaluateStationary(rhs);
    if (raw && allBatchesEqual(*raw)) {
      // One matrix: the batch folds into the rows.
      RawTensor matrix = *raw;
      matrix.shape = {k, n};
      matrix.data.resize(k * n * matrix.elementBytes);
      Value weight = buildConstant(rewriter, loc, element, matrix);
      Value rows = tensor::CollapseShapeOp::create(
          rewriter, loc, tensorOf({batch * m, k}, element), lhs,
          ArrayRef<ReassociationIndices>{{0, 1}, {2}});
      Value product = CrossbarMatmulOp::create(
          rewriter, loc, tensorOf({batch * m, n}, element), rows, weight);
      Value result = tensor::ExpandShapeOp::create(
          rewriter, loc, type, product,
          ArrayRef<ReassociationIndices>{{0, 1}, {2}});
      finish(rewriter, op, result, init);
    } else {
      Value weight = materializeWeight(rewriter, loc, rhs);
      finish(rewriter, op,
             groupedProduct(rewriter, loc, lhs, weight, {},
                            /*reprogram=*/false),
             init);
    }
    ++state.crossbarProducts;
    return success();
  }

private:
  static bool allBatchesEqual(const RawTensor &raw) {
    if (raw.shape[0] == 0)
      return false;
    const size_t bytes = raw.data.size() / raw.shape[0];
    for (int64_t b = 1; b < raw.shape[0]; ++b)
      if (std::memcmp(raw.data.data(), raw.data.data() + b * bytes, bytes))
        return false;
    return true;
  }
};

/// A convolution in the terms of cim.im2col: the input as N x C x spatial
/// (grouped ops: N x G x C/G x spatial, reshaped when rewriting), the
/// weights in (group, filter-in-group, channel-in-group, kernel...) order.
struct ConvForm {
  Value input, weight, init;
  bool groupedInput = false;
  int64_t groups = 1, filters = 0;
  SmallVector<int64_t> kernel, strides, dilations;
};

template <typename OpTy> static ConvForm baseForm(OpTy op, int64_t kernelFrom) {
  ConvForm form;
  form.input = op.getDpsInputs()[0];
  form.weight = op.getDpsInputs()[1];
  form.init = op.getDpsInits()[0];
  auto weightType = cast<ShapedType>(form.weight.getType());
  for (int64_t d = kernelFrom; d < weightType.getRank(); ++d)
    form.kernel.push_back(weightType.getDimSize(d));
  for (APInt v : op.getStrides().template getValues<APInt>())
    form.strides.push_back(v.getSExtValue());
  for (APInt v : op.getDilations().template getValues<APInt>())
    form.dilations.push_back(v.getSExtValue());
  return form;
}

// Weight [F, C, K...].
static ConvForm describe(linalg::Conv2DNchwFchwOp op) {
  ConvForm form = baseForm(op, 2);
  form.filters = cast<ShapedType>(form.weight.getType()).getDimSize(0);
  return form;
}
static ConvForm describe(linalg::Conv1DNcwFcwOp op) {
  ConvForm form = baseForm(op, 2);
  form.filters = cast<ShapedType>(form.weight.getType()).getDimSize(0);
  return form;
}
// Input [N, G, C/G, H, W], weight [G, F/G, C/G, KH, KW].
static ConvForm describe(linalg::Conv2DNgchwGfchwOp op) {
  ConvForm form = baseForm(op, 3);
  auto weightType = cast<ShapedType>(form.weight.getType());
  form.groupedInput = true;
  form.groups = weightType.getDimSize(0);
  form.filters = form.groups * weightType.getDimSize(1);
  return form;
}
// Weight [C, K...]: one filter per channel.
static ConvForm describe(linalg::DepthwiseConv2DNchwChwOp op) {
  ConvForm form = baseForm(op, 1);
  form.groups = form.filters =
      cast<ShapedType>(form.weight.getType()).getDimSize(0);
  return form;
}
static ConvForm describe(linalg::DepthwiseConv1DNcwCwOp op) {
  ConvForm form = baseForm(op, 1);
  form.groups = form.filters =
      cast<ShapedType>(form.weight.getType()).getDimSize(0);
  return form;
}

/// Reshapes between N x C x ... and N x G x C/G x ... (either way) to
/// `type`; the identity when the ranks already agree.
static Value matchGroupDims(OpBuilder &b, Location loc, Value value,
                            RankedTensorType type) {
  auto current = cast<RankedTensorType>(value.getType());
  if (current.getRank() == type.getRank())
    return value;
  if (current.getRank() + 1 == type.getRank())
    return tensor::ExpandShapeOp::create(b, loc, type, value,
                                         mergeDims(type.getRank(), 1));
  return tensor::CollapseShapeOp::create(b, loc, type, value,
                                         mergeDims(current.getRank(), 1));
}

template <typename OpTy> struct ConvToCrossbar : ConvertPattern<OpTy> {
  using ConvertPattern<OpTy>::ConvertPattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!isStaticFloatProduct(op))
      return rewriter.notifyMatchFailure(op, "not a static float convolution");
    ConvForm form = describe(op);
    if (!isStationary(form.weight))
      return rewriter.notifyMatchFailure(op, "weights are not stationary");
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    auto inputType = cast<RankedTensorType>(form.input.getType());
    Type element = type.getElementType();
    const int64_t spatial = form.kernel.size();
    const int64_t g = form.groups, fg = form.filters / g;
    const int64_t n = inputType.getDimSize(0);
    const int64_t channels = form.groupedInput ? g * inputType.getDimSize(2)
                                               : inputType.getDimSize(1);

    // Output positions as cim.im2col counts them; they must be the op's.
    SmallVector<int64_t> out;
    int64_t rows = n, window = channels / g;
    for (int64_t d = 0; d < spatial; ++d) {
      const int64_t size =
          inputType.getDimSize(inputType.getRank() - spatial + d);
      const int64_t extent = (form.kernel[d] - 1) * form.dilations[d] + 1;
      if (size < extent)
        return rewriter.notifyMatchFailure(op, "kernel larger than the input");
      out.push_back((size - extent) / form.strides[d] + 1);
      if (out.back() != type.getDimSize(type.getRank() - spatial + d))
        return rewriter.notifyMatchFailure(op, "output is not the full "
                                               "valid convolution");
      rows *= out.back();
      window *= form.kernel[d];
    }

    Location loc = op.getLoc();
    // The input as N x C x spatial: the importer's expand_shape looked
    // through, else collapsed.
    SmallVector<int64_t> flatShape = {n, channels};
    for (int64_t d = 0; d < spatial; ++d)
      flatShape.push_back(
          inputType.getDimSize(inputType.getRank() - spatial + d));
    auto flatType = tensorOf(flatShape, element);
    Value input = form.input;
    if (form.groupedInput) {
      auto expand = input.template getDefiningOp<tensor::ExpandShapeOp>();
      if (expand && expand.getSrc().getType() == flatType &&
          expand.getReassociationIndices() == mergeDims(inputType.getRank(), 1))
        input = expand.getSrc();
      else
        input = matchGroupDims(rewriter, loc, input, flatType);
    }

    // Weight matrix: row c*KH*KW + kh*KW + kw of group g holds the filters
    // of that group: [G, F/G, K] transposed to [G, K, F/G] (no G when 1).
    SmallVector<int64_t> midShape, perm, matrixShape;
    if (g == 1) {
      midShape = {form.filters, window};
      perm = {1, 0};
      matrixShape = {window, form.filters};
    } else {
      midShape = {g, fg, window};
      perm = {0, 2, 1};
      matrixShape = {g, window, fg};
    }
    Value weight;
    if (std::optional<RawTensor> raw = evaluateStationary(form.weight)) {
      raw->shape = midShape;
      weight = buildConstant(rewriter, loc, element, transposeRaw(*raw, perm));
    } else {
      // Stationary but not a plain constant: the same rearrangement as ops.
      auto weightType = cast<RankedTensorType>(form.weight.getType());
      ReassociationIndices all(weightType.getRank());
      std::iota(all.begin(), all.end(), 0);
      Value flat = tensor::CollapseShapeOp::create(
          rewriter, loc, form.weight, ArrayRef<ReassociationIndices>{all});
      ReassociationIndices allMid(midShape.size());
      std::iota(allMid.begin(), allMid.end(), 0);
      Value mid = tensor::ExpandShapeOp::create(
          rewriter, loc, tensorOf(midShape, element), flat,
          ArrayRef<ReassociationIndices>{allMid});
      weight = transpose(rewriter, loc, mid, perm);
    }

    SmallVector<int64_t> colsShape = {rows}, productShape = {rows};
    if (g > 1) {
      colsShape.push_back(g);
      productShape.push_back(g);
    }
    colsShape.push_back(window);
    productShape.push_back(g > 1 ? fg : form.filters);
    Value cols =
        Im2colOp::create(rewriter, loc, tensorOf(colsShape, element), input,
                         form.kernel, form.strides, form.dilations, g);
    Value product = CrossbarMatmulOp::create(
        rewriter, loc, tensorOf(productShape, element), cols, weight);

    // [R, (G,) F'] -> [N, spatial..., (G,) F'] -> [N, (G,) F', spatial...].
    SmallVector<int64_t> unfolded = {n};
    llvm::append_range(unfolded, out);
    llvm::append_range(unfolded, ArrayRef<int64_t>(productShape).drop_front());
    SmallVector<ReassociationIndices> split(1);
    for (int64_t d = 0; d <= spatial; ++d)
      split[0].push_back(d);
    for (int64_t d = spatial + 1; d < static_cast<int64_t>(unfolded.size());
         ++d)
      split.push_back({d});
    Value result = tensor::ExpandShapeOp::create(
        rewriter, loc, tensorOf(unfolded, element), product, split);
    SmallVector<int64_t> toNchw = {0};
    for (int64_t d = spatial + 1; d < static_cast<int64_t>(unfolded.size());
         ++d)
      toNchw.push_back(d);
    for (int64_t d = 1; d <= spatial; ++d)
      toNchw.push_back(d);
    result = transpose(rewriter, loc, result, toNchw);
    result = matchGroupDims(rewriter, loc, result, type);

    this->finish(rewriter, op, result, form.init);
    ++this->state.convolutions;
    ++this->state.crossbarProducts;
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct ConvertLinalgPass
    : public cim::impl::CIMConvertLinalgBase<ConvertLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    ConvertState state;
    if (activationProducts == "cost")
      state.activationPath = ActivationPath::Cost;
    else if (activationProducts == "digital")
      state.activationPath = ActivationPath::Digital;
    else if (activationProducts == "reprogram")
      state.activationPath = ActivationPath::Reprogram;
    else {
      module.emitError() << "activation-products must be cost, digital or "
                            "reprogram, got '"
                         << activationProducts << "'";
      return signalPassFailure();
    }
    if (ArchAttr arch = ArchAttr::lookup(module))
      state.spec = arch.getArchSpec();

    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<MatmulToCrossbar, BatchMatmulToCrossbar,
                 ConvToCrossbar<linalg::Conv2DNchwFchwOp>,
                 ConvToCrossbar<linalg::Conv1DNcwFcwOp>,
                 ConvToCrossbar<linalg::Conv2DNgchwGfchwOp>,
                 ConvToCrossbar<linalg::DepthwiseConv2DNchwChwOp>,
                 ConvToCrossbar<linalg::DepthwiseConv1DNcwCwOp>>(ctx, state);
    // One walk, no folding and no DCE: ops the patterns do not handle stay
    // exactly as they were.
    walkAndApplyPatterns(module, std::move(patterns));

    // Aggregated digital ops (linalg.softmax) become the linalg.generic
    // reductions and maps they stand for: the vector unit's loop nests.
    SmallVector<linalg::AggregatedOpInterface> aggregated;
    module.walk([&](linalg::AggregatedOpInterface op) {
      aggregated.push_back(op);
    });
    IRRewriter rewriter(ctx);
    for (linalg::AggregatedOpInterface op : aggregated) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> parts = op.decomposeOperation(rewriter);
      if (failed(parts) || parts->empty())
        continue; // not decomposable: the program emitter names it
      for (Value part : *parts)
        if (Operation *def = part.getDefiningOp())
          def->setLoc(op->getLoc());
      rewriter.replaceOp(op, *parts);
    }

    // Erase what the rewrites left dead (zero fills, their tensor.empty,
    // weights now folded into new constants), and nothing else.
    while (!state.maybeDead.empty()) {
      Operation *op = state.maybeDead.pop_back_val();
      if (!isOpTriviallyDead(op))
        continue;
      for (Value operand : op->getOperands())
        if (Operation *def = operand.getDefiningOp())
          state.maybeDead.insert(def);
      op->erase();
    }

    numCrossbarProducts += state.crossbarProducts;
    numConvolutions += state.convolutions;
    numDigitalProducts += state.digitalProducts;
    numReprogrammedProducts += state.reprogrammedProducts;
  }
};
} // namespace
