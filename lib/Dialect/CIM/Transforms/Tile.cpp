//===- Tile.cpp - Split crossbar products into array-sized tiles ------------===//
//
// A weight matrix K x N needs ceil(K / rows) row blocks and
// ceil(N / weight columns per array) column blocks. Each block pair is one
// tile product on one array; the row blocks of a column are summed after
// conversion (cim.accumulate) and the column blocks concatenated. Constant
// weights are sliced here, at compile time.
//
//===----------------------------------------------------------------------===//

#include "WeightConstants.h"

#include "cim/Arch/CellEncoding.h"
#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/CIM/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace cim {
#define GEN_PASS_DEF_CIMTILE
#include "cim/Dialect/CIM/Passes.h.inc"
} // namespace cim

using namespace mlir;
using namespace cim;

namespace {

/// Discardable attributes a tile inherits from the product it came from.
void copyAnnotations(Operation *from, Operation *to) {
  for (NamedAttribute attr : from->getDiscardableAttrs())
    if (attr.getName().getValue().starts_with("cim."))
      to->setAttr(attr.getName(), attr.getValue());
}

/// Weight columns of one array for `weightBits`-bit weights on `spec`.
int64_t weightColumnsPerArray(const arch::ArchSpec &spec, int64_t weightBits) {
  arch::CellEncoding encoding = arch::CellEncoding::forArch(spec, weightBits);
  return (spec.array.cols - encoding.referenceColumns()) /
         encoding.columnsPerWeight();
}

struct TilePass : public cim::impl::CIMTileBase<TilePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  /// Tiles one 2-D product [M, K] x [K, N]; returns its [M, N] result.
  FailureOr<Value> tile2d(OpBuilder &b, CrossbarMatmulOp op, Value input,
                          Value weight,
                          const std::optional<std::vector<int64_t>> &values,
                          int64_t k, int64_t n, int64_t matrixId);

  arch::ArchSpec spec;
  int64_t rowsPerTile = 0;
  int64_t colsPerTile = 0;
};

FailureOr<Value>
TilePass::tile2d(OpBuilder &b, CrossbarMatmulOp op, Value input, Value weight,
                 const std::optional<std::vector<int64_t>> &values, int64_t k,
                 int64_t n, int64_t matrixId) {
  Location loc = op.getLoc();
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  auto resultElem = cast<RankedTensorType>(op.getResult().getType())
                        .getElementType();
  const int64_t m = inputType.getDimSize(0);
  const int64_t rowBlocks = (k + rowsPerTile - 1) / rowsPerTile;
  const int64_t colBlocks = (n + colsPerTile - 1) / colsPerTile;

  // One input slice per row block, shared by every column block.
  SmallVector<Value> inputBlocks;
  for (int64_t i = 0; i < rowBlocks; ++i) {
    const int64_t row0 = i * rowsPerTile;
    const int64_t kSize = std::min(rowsPerTile, k - row0);
    inputBlocks.push_back(
        rowBlocks == 1
            ? input
            : tensor::ExtractSliceOp::create(
                  b, loc, input,
                  ArrayRef<OpFoldResult>{b.getIndexAttr(0),
                                         b.getIndexAttr(row0)},
                  ArrayRef<OpFoldResult>{b.getIndexAttr(m),
                                         b.getIndexAttr(kSize)},
                  ArrayRef<OpFoldResult>{b.getIndexAttr(1),
                                         b.getIndexAttr(1)})
                  .getResult());
  }

  SmallVector<Value> columns;
  for (int64_t j = 0; j < colBlocks; ++j) {
    const int64_t col0 = j * colsPerTile;
    const int64_t nSize = std::min(colsPerTile, n - col0);
    SmallVector<Value> partials;
    for (int64_t i = 0; i < rowBlocks; ++i) {
      const int64_t row0 = i * rowsPerTile;
      const int64_t kSize = std::min(rowsPerTile, k - row0);
      Value x = inputBlocks[i];
      Value w = weight;
      if (rowBlocks > 1 || colBlocks > 1) {
        auto blockType =
            RankedTensorType::get({kSize, nSize}, weightType.getElementType());
        if (values) {
          // Constant weights: slice now, so each tile holds only its block.
          std::vector<int64_t> block;
          block.reserve(kSize * nSize);
          for (int64_t r = 0; r < kSize; ++r)
            for (int64_t c = 0; c < nSize; ++c)
              block.push_back((*values)[(row0 + r) * n + col0 + c]);
          w = buildIntegerConstant(b, loc, blockType, block);
        } else {
          w = tensor::ExtractSliceOp::create(
              b, loc, blockType, weight,
              ArrayRef<OpFoldResult>{b.getIndexAttr(row0),
                                     b.getIndexAttr(col0)},
              ArrayRef<OpFoldResult>{b.getIndexAttr(kSize),
                                     b.getIndexAttr(nSize)},
              ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
        }
      }
      auto tileType = RankedTensorType::get({m, nSize}, resultElem);
      auto tile = CrossbarMatmulOp::create(b, loc, tileType, x, w,
                                           op.getReprogramAttr());
      copyAnnotations(op, tile);
      tile->setAttr("cim.tile", b.getDenseI64ArrayAttr({i, j}));
      tile->setAttr("cim.matrix_id", b.getI64IntegerAttr(matrixId));
      ++numTiles;
      partials.push_back(tile);
    }
    if (partials.size() == 1) {
      columns.push_back(partials.front());
    } else {
      columns.push_back(AccumulateOp::create(b, loc, partials.front().getType(),
                                             partials));
      ++numAccumulations;
    }
  }
  if (columns.size() == 1)
    return columns.front();
  return tensor::ConcatOp::create(b, loc, /*dim=*/1, columns).getResult();
}

void TilePass::runOnOperation() {
  ModuleOp module = getOperation();
  FailureOr<arch::ArchSpec> found =
      ArchAttr::requireSpec(module, getArgument());
  if (failed(found))
    return signalPassFailure();
  spec = *found;
  rowsPerTile = spec.array.rows;

  SmallVector<CrossbarMatmulOp> products;
  int64_t nextMatrixId = 0;
  module.walk([&](CrossbarMatmulOp op) {
    if (auto id = op->getAttrOfType<IntegerAttr>("cim.matrix_id"))
      nextMatrixId = std::max(nextMatrixId, id.getInt() + 1);
    if (!op->hasAttr("cim.tile") &&
        isa<IntegerType>(
            cast<ShapedType>(op.getWeight().getType()).getElementType()))
      products.push_back(op);
  });

  for (CrossbarMatmulOp op : products) {
    const int64_t weightBits =
        op->hasAttr("cim.weight_bits")
            ? op->getAttrOfType<IntegerAttr>("cim.weight_bits").getInt()
            : spec.precision.weightBits;
    colsPerTile = weightColumnsPerArray(spec, weightBits);
    if (colsPerTile < 1) {
      op.emitOpError() << spec.array.cols << "-column arrays of '"
                       << spec.name << "' cannot hold one " << weightBits
                       << "-bit weight";
      return signalPassFailure();
    }
    OpBuilder b(op);
    auto weightType = cast<RankedTensorType>(op.getWeight().getType());
    std::optional<std::vector<int64_t>> values =
        op.getReprogram() ? std::nullopt
                          : readIntegerConstant(op.getWeight());
    if (!op.getReprogram() && !values) {
      op.emitOpError() << "weight must be an integer constant when tiling "
                          "(run --canonicalize after cim-quantize)";
      return signalPassFailure();
    }
    FailureOr<Value> result;
    if (weightType.getRank() == 2) {
      result = tile2d(b, op, op.getInput(), op.getWeight(), values,
                      weightType.getDimSize(0), weightType.getDimSize(1),
                      nextMatrixId++);
    } else {
      // Grouped: each group is its own matrix; placement packs small ones.
      const int64_t groups = weightType.getDimSize(0);
      const int64_t k = weightType.getDimSize(1), n = weightType.getDimSize(2);
      auto inputType = cast<RankedTensorType>(op.getInput().getType());
      const int64_t m = inputType.getDimSize(0);
      auto elem = cast<RankedTensorType>(op.getResult().getType())
                      .getElementType();
      SmallVector<Value> pieces;
      for (int64_t g = 0; g < groups; ++g) {
        Location loc = op.getLoc();
        auto xType = RankedTensorType::get({m, k}, inputType.getElementType());
        Value x = tensor::ExtractSliceOp::create(
            b, loc, xType, op.getInput(),
            ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(g),
                                   b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(m), b.getIndexAttr(1),
                                   b.getIndexAttr(k)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1),
                                   b.getIndexAttr(1)});
        auto wType =
            RankedTensorType::get({k, n}, weightType.getElementType());
        Value w;
        std::optional<std::vector<int64_t>> groupValues;
        if (values) {
          groupValues.emplace(values->begin() + g * k * n,
                              values->begin() + (g + 1) * k * n);
          w = buildIntegerConstant(b, loc, wType, *groupValues);
        } else {
          w = tensor::ExtractSliceOp::create(
              b, loc, wType, op.getWeight(),
              ArrayRef<OpFoldResult>{b.getIndexAttr(g), b.getIndexAttr(0),
                                     b.getIndexAttr(0)},
              ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(k),
                                     b.getIndexAttr(n)},
              ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1),
                                     b.getIndexAttr(1)});
        }
        FailureOr<Value> piece =
            tile2d(b, op, x, w, groupValues, k, n, nextMatrixId++);
        if (failed(piece))
          return signalPassFailure();
        auto expanded = RankedTensorType::get({m, 1, n}, elem);
        pieces.push_back(tensor::ExpandShapeOp::create(
            b, loc, expanded, *piece,
            ArrayRef<ReassociationIndices>{{0}, {1, 2}}));
      }
      result = pieces.size() == 1
                   ? pieces.front()
                   : tensor::ConcatOp::create(b, op.getLoc(), /*dim=*/1,
                                              pieces)
                         .getResult();
    }
    if (failed(result))
      return signalPassFailure();
    op.replaceAllUsesWith(*result);
    op.erase();
  }
}

} // namespace
