//===- EncodeCells.cpp - Tile weights into cell levels ----------------------===//
//
// Each tile product [M, K] x [K, N] becomes the raw column sums of an array
// holding the tile's cell levels (cim.array_matmul) and the recombination
// that turns them back into weight-column sums (cim.recombine). The levels
// come from arch::CellEncoding, the same code the runtime uses, so compiler
// and simulator agree bit for bit.
//
//===----------------------------------------------------------------------===//

#include "WeightConstants.h"

#include "cim/Arch/CellEncoding.h"
#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/CIM/Passes.h"

#include <cstdlib>

namespace cim {
#define GEN_PASS_DEF_CIMENCODECELLS
#include "cim/Dialect/CIM/Passes.h.inc"
} // namespace cim

using namespace mlir;
using namespace cim;

namespace {

struct EncodeCellsPass
    : public cim::impl::CIMEncodeCellsBase<EncodeCellsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<arch::ArchSpec> found =
        ArchAttr::requireSpec(module, getArgument());
    if (failed(found))
      return signalPassFailure();
    const arch::ArchSpec &spec = *found;

    SmallVector<CrossbarMatmulOp> tiles;
    WalkResult walk = module.walk([&](CrossbarMatmulOp op) {
      auto weightType = cast<ShapedType>(op.getWeight().getType());
      if (!isa<IntegerType>(weightType.getElementType()))
        return WalkResult::advance(); // still float: not quantised yet
      if (!op->hasAttr("cim.tile")) {
        op.emitOpError() << "is not an array-sized tile; run cim-tile first";
        return WalkResult::interrupt();
      }
      tiles.push_back(op);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    for (CrossbarMatmulOp op : tiles)
      if (failed(encode(op, spec)))
        return signalPassFailure();
  }

  LogicalResult encode(CrossbarMatmulOp op, const arch::ArchSpec &spec) {
    const int64_t weightBits =
        op->hasAttr("cim.weight_bits")
            ? op->getAttrOfType<IntegerAttr>("cim.weight_bits").getInt()
            : spec.precision.weightBits;
    const arch::CellEncoding encoding =
        arch::CellEncoding::forArch(spec, weightBits);
    auto weightType = cast<RankedTensorType>(op.getWeight().getType());
    const int64_t k = weightType.getDimSize(0), n = weightType.getDimSize(1);
    const int64_t physical =
        n * encoding.columnsPerWeight() + encoding.referenceColumns();
    if (k > spec.array.rows || physical > spec.array.cols)
      return op.emitOpError() << "tile of " << k << " rows x " << physical
                              << " columns does not fit a " << spec.array.rows
                              << "x" << spec.array.cols << " array of '"
                              << spec.name << "'";
    // Levels are read as signed: b-bit cells need b + 1 bits.
    OpBuilder b(op);
    const unsigned levelBits = spec.array.cell.bits + 1 <= 8 ? 8 : 16;
    auto levelsType =
        RankedTensorType::get({k, physical}, b.getIntegerType(levelBits));
    auto attr = CellEncodingAttr::fromArch(b.getContext(), encoding);
    if (op.getReprogram()) {
      // The weight is an activation: the digital unit encodes it when it
      // is known, and the arrays are written with it then.
      Value levelsValue = EncodeWeightsOp::create(b, op.getLoc(), levelsType,
                                                  op.getWeight(), attr);
      replaceWithArrayProduct(b, op, levelsValue, attr, physical);
      return success();
    }
    std::optional<std::vector<int64_t>> weights =
        readIntegerConstant(op.getWeight());
    if (!weights)
      return op.emitOpError() << "weight must be an integer constant";

    std::vector<int64_t> levels(k * physical, 0);
    std::vector<int64_t> cellLevels(encoding.columnsPerWeight());
    for (int64_t r = 0; r < k; ++r) {
      for (int64_t c = 0; c < n; ++c) {
        const int64_t w = (*weights)[r * n + c];
        if (std::llabs(w) > encoding.maxMagnitude())
          return op.emitOpError()
                 << "weight " << w << " at [" << r << ", " << c
                 << "] is outside the symmetric " << weightBits
                 << "-bit range the encoding holds";
        encoding.encode(w, cellLevels.data());
        std::copy(cellLevels.begin(), cellLevels.end(),
                  levels.begin() + r * physical +
                      c * encoding.columnsPerWeight());
      }
      if (encoding.referenceColumns())
        levels[r * physical + physical - 1] = encoding.referenceLevel();
    }

    Value levelsValue = buildIntegerConstant(b, op.getLoc(), levelsType, levels);
    replaceWithArrayProduct(b, op, levelsValue, attr, physical);
    return success();
  }

  /// `op` as an array product over `levelsValue` and its recombination.
  void replaceWithArrayProduct(OpBuilder &b, CrossbarMatmulOp op,
                               Value levelsValue, CellEncodingAttr attr,
                               int64_t physical) {
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    auto columnsType = RankedTensorType::get(
        {resultType.getDimSize(0), physical}, resultType.getElementType());
    auto columns = ArrayMatmulOp::create(b, op.getLoc(), columnsType,
                                         op.getInput(), levelsValue, attr);
    for (NamedAttribute a : op->getDiscardableAttrs())
      if (a.getName().getValue().starts_with("cim."))
        columns->setAttr(a.getName(), a.getValue());
    auto recombined =
        RecombineOp::create(b, op.getLoc(), resultType, columns, attr);
    op.replaceAllUsesWith(recombined.getResult());
    op.erase();
    ++numEncodedTiles;
    numCells += cast<ShapedType>(levelsValue.getType()).getDimSize(0) *
                physical;
  }
};

} // namespace
