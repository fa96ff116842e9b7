//===- TestFoldConstants.cpp - Fold tensor data movement of constants -------===//
//
// Test-only pass: with constant inputs, canonicalize folds cim's products,
// array sums and recombinations, but upstream leaves tensor.extract_slice
// and tensor.concat of constants alone, and an xbar.mvm needs the levels an
// xbar.program elsewhere wrote. This pass folds those too, so a whole mapped
// product collapses to one constant that a test can compare with the
// product folded directly.
//
//===----------------------------------------------------------------------===//

#include "cim/Dialect/Xbar/XbarOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace {

/// tensor.concat of constants: the elements side by side along `dim`.
struct FoldConstantConcat : public OpRewritePattern<tensor::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<DenseElementsAttr> inputs;
    for (Value input : op.getInputs()) {
      DenseElementsAttr attr;
      if (!matchPattern(input, m_Constant(&attr)))
        return rewriter.notifyMatchFailure(op, "input is not a constant");
      inputs.push_back(attr);
    }
    auto type = cast<RankedTensorType>(op.getType());
    const int64_t dim = op.getDim();
    int64_t outer = 1;
    for (int64_t d = 0; d < dim; ++d)
      outer *= type.getDimSize(d);
    SmallVector<Attribute> values;
    values.reserve(type.getNumElements());
    for (int64_t o = 0; o < outer; ++o)
      for (DenseElementsAttr attr : inputs) {
        auto all = llvm::to_vector(attr.getValues<Attribute>());
        const int64_t chunk = static_cast<int64_t>(all.size()) / outer;
        values.append(all.begin() + o * chunk, all.begin() + (o + 1) * chunk);
      }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, DenseElementsAttr::get(type, values));
    return success();
  }
};

/// xbar.mvm of a constant input over a block some xbar.program in the same
/// function wrote with constant levels: the raw column sums.
struct FoldProgrammedMvm : public OpRewritePattern<cim::xbar::MvmOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(cim::xbar::MvmOp op,
                                PatternRewriter &rewriter) const override {
    DenseIntElementsAttr input, levels;
    if (!matchPattern(op.getInput(), m_Constant(&input)))
      return rewriter.notifyMatchFailure(op, "input is not a constant");
    auto func = op->getParentOfType<FunctionOpInterface>();
    func->walk([&](cim::xbar::ProgramOp program) {
      if (program.getArray() == op.getArray() &&
          program.getRow() == op.getRow() && program.getCol() == op.getCol())
        matchPattern(program.getLevels(), m_Constant(&levels));
    });
    if (!levels)
      return rewriter.notifyMatchFailure(op, "no constant program");
    auto type = cast<RankedTensorType>(op.getType());
    auto levelsType = cast<ShapedType>(levels.getType());
    const int64_t k = levelsType.getDimSize(0), c = levelsType.getDimSize(1);
    SmallVector<int64_t> x, g;
    for (const APInt &v : input.getValues<APInt>())
      x.push_back(v.getSExtValue());
    for (const APInt &v : levels.getValues<APInt>())
      g.push_back(v.getSExtValue());
    const int64_t vectors = static_cast<int64_t>(x.size()) / k;
    SmallVector<APInt> out;
    for (int64_t i = 0; i < vectors; ++i)
      for (int64_t j = 0; j < c; ++j) {
        int64_t sum = 0;
        for (int64_t l = 0; l < k; ++l)
          sum += x[i * k + l] * g[l * c + j];
        out.push_back(APInt(type.getElementTypeBitWidth(), sum, true));
      }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, DenseElementsAttr::get(type, out));
    return success();
  }
};

struct TestFoldConstantsPass
    : public PassWrapper<TestFoldConstantsPass, OperationPass<>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestFoldConstantsPass)

  StringRef getArgument() const final { return "cim-test-fold-constants"; }
  StringRef getDescription() const final {
    return "Test only: fold tensor.extract_slice and tensor.concat of "
           "constants (with the canonicalization patterns)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, tensor::TensorDialect>();
  }

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    tensor::populateFoldConstantExtractSlicePatterns(
        patterns, [](tensor::ExtractSliceOp) { return true; });
    patterns.add<FoldConstantConcat, FoldProgrammedMvm>(context);
    for (RegisteredOperationName name : context->getRegisteredOperations())
      name.getCanonicalizationPatterns(patterns, context);
    for (Dialect *dialect : context->getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

namespace cim::test {
void registerTestPasses() { PassRegistration<TestFoldConstantsPass>(); }
} // namespace cim::test
