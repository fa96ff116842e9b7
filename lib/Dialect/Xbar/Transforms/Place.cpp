//===- Place.cpp - Assign array tiles to physical arrays --------------------===//
//
// Packing is first-fit decreasing height: tiles sorted by rows, each array
// split into shelves (row bands as tall as the first tile put there), tiles
// side by side along a shelf's columns. Arrays are opened in hierarchy
// order, so a layer's tiles and the next layer's sit on neighbouring cores.
//
//===----------------------------------------------------------------------===//

#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/Xbar/Passes.h"
#include "cim/Dialect/Xbar/XbarOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"

#include <algorithm>
#include <map>

namespace cim::xbar {
#define GEN_PASS_DEF_XBARPLACE
#include "cim/Dialect/Xbar/Passes.h.inc"
} // namespace cim::xbar

using namespace mlir;
using namespace cim;
using namespace cim::xbar;

namespace {

struct Slot {
  int64_t array = -1; // linear index in hierarchy order
  int64_t row = 0;
  int64_t col = 0;
};

/// Shelves of one array: row bands, each filled left to right.
struct ArrayShelves {
  struct Shelf {
    int64_t row, height, usedCols;
  };
  std::vector<Shelf> shelves;
  int64_t nextRow = 0;
};

/// First-fit decreasing-height packer over an unbounded list of arrays.
class ShelfPacker {
public:
  ShelfPacker(int64_t rows, int64_t cols) : rows(rows), cols(cols) {}

  Slot place(int64_t height, int64_t width) {
    for (size_t a = 0; a < arrays.size(); ++a)
      if (auto slot = tryPlace(arrays[a], height, width)) {
        slot->array = static_cast<int64_t>(a);
        return *slot;
      }
    arrays.emplace_back();
    Slot slot = *tryPlace(arrays.back(), height, width);
    slot.array = static_cast<int64_t>(arrays.size()) - 1;
    return slot;
  }

  int64_t arraysUsed() const { return static_cast<int64_t>(arrays.size()); }

private:
  std::optional<Slot> tryPlace(ArrayShelves &array, int64_t height,
                               int64_t width) {
    for (auto &shelf : array.shelves)
      if (height <= shelf.height && shelf.usedCols + width <= cols) {
        Slot slot{-1, shelf.row, shelf.usedCols};
        shelf.usedCols += width;
        return slot;
      }
    if (array.nextRow + height <= rows && width <= cols) {
      array.shelves.push_back({array.nextRow, height, width});
      array.nextRow += height;
      return Slot{-1, array.shelves.back().row, 0};
    }
    return std::nullopt;
  }

  int64_t rows, cols;
  std::vector<ArrayShelves> arrays;
};

/// "'conv1' (Conv)" from an importer location, else the location printed.
std::string describe(Location loc) {
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    std::string opType;
    if (auto meta = dyn_cast_or_null<StringAttr>(fused.getMetadata()))
      opType = meta.str();
    for (Location inner : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(inner))
        return "'" + name.getName().str() + "'" +
               (opType.empty() ? "" : " (" + opType + ")");
  }
  if (auto name = dyn_cast<NameLoc>(loc))
    return "'" + name.getName().str() + "'";
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return file.getFilename().str() + ":" + std::to_string(file.getLine()) +
           ":" + std::to_string(file.getColumn());
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

struct Tile {
  ArrayMatmulOp op;
  int64_t rows, cols, vectors, matrix;
};

struct PlacePass : public cim::xbar::impl::XbarPlaceBase<PlacePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  ArrayCoordAttr coordinate(int64_t linear) {
    const auto &h = spec.hierarchy;
    int64_t array = linear % h.arraysPerCore;
    linear /= h.arraysPerCore;
    int64_t core = linear % h.coresPerTile;
    linear /= h.coresPerTile;
    int64_t tile = linear % h.tilesPerChip;
    int64_t chip = linear / h.tilesPerChip;
    return ArrayCoordAttr::get(&getContext(), chip, tile, core, array);
  }

  arch::ArchSpec spec;
};

void PlacePass::runOnOperation() {
  ModuleOp module = getOperation();
  FailureOr<arch::ArchSpec> found =
      ArchAttr::requireSpec(module, getArgument());
  if (failed(found))
    return signalPassFailure();
  if (mode != "latency" && mode != "throughput") {
    module.emitError() << "xbar-place mode must be latency or throughput, "
                          "got '"
                       << mode << "'";
    return signalPassFailure();
  }
  spec = *found;
  const int64_t available = spec.totalArrays();

  std::vector<Tile> tiles;
  module.walk([&](ArrayMatmulOp op) {
    auto levels = cast<ShapedType>(op.getLevels().getType());
    auto input = cast<ShapedType>(op.getInput().getType());
    auto id = op->getAttrOfType<IntegerAttr>("cim.matrix_id");
    tiles.push_back({op, levels.getDimSize(0), levels.getDimSize(1),
                     input.getDimSize(0), id ? id.getInt() : -1});
  });

  // Tall tiles first; ties keep program order (stable), so a layer's tiles
  // stay together.
  std::vector<size_t> order(tiles.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return tiles[a].rows > tiles[b].rows;
  });

  ShelfPacker packer(spec.array.rows, spec.array.cols);
  std::vector<Slot> slots(tiles.size());
  int64_t cells = 0;
  for (size_t index : order) {
    Tile &tile = tiles[index];
    if (tile.rows > spec.array.rows || tile.cols > spec.array.cols) {
      tile.op.emitOpError() << "tile of " << tile.rows << "x" << tile.cols
                            << " does not fit a " << spec.array.rows << "x"
                            << spec.array.cols << " array; run cim-tile";
      return signalPassFailure();
    }
    slots[index] = packer.place(tile.rows, tile.cols);
    cells += tile.rows * tile.cols;
  }
  const int64_t used = packer.arraysUsed();
  const int64_t cellsPerArray = spec.cellsPerArray();
  const int64_t lowerBound =
      cellsPerArray ? (cells + cellsPerArray - 1) / cellsPerArray : 0;

  if (used > available) {
    // Name the layers that take the most arrays so the user knows where
    // the capacity goes.
    llvm::MapVector<Location, int64_t> byLayer;
    for (Tile &tile : tiles)
      byLayer[tile.op.getLoc()] += tile.rows * tile.cols;
    std::vector<std::pair<int64_t, Location>> ranked;
    for (auto &[loc, layerCells] : byLayer)
      ranked.push_back({layerCells, loc});
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](auto &a, auto &b) { return a.first > b.first; });
    InFlightDiagnostic diag = module.emitError();
    diag << "the model does not fit '" << spec.name << "': it needs " << used
         << " arrays, the machine has " << available << " (short by "
         << used - available << "); largest layers:";
    for (size_t i = 0; i < ranked.size() && i < 5; ++i)
      diag << (i ? "," : "") << " " << describe(ranked[i].second) << " ~"
           << (ranked[i].first + cellsPerArray - 1) / cellsPerArray
           << " arrays";
    return signalPassFailure();
  }

  // Throughput: give spare arrays to the matrices with the most vectors per
  // copy, one more replica at a time.
  std::map<int64_t, int64_t> replicas, tilesPerMatrix, vectorsPerMatrix;
  for (const Tile &tile : tiles) {
    ++tilesPerMatrix[tile.matrix];
    vectorsPerMatrix[tile.matrix] = tile.vectors;
    replicas[tile.matrix] = 1;
  }
  int64_t spare = available - used;
  if (mode == "throughput") {
    while (true) {
      int64_t best = -1;
      double bestLoad = 1.0;
      for (auto &[matrix, count] : replicas) {
        double load = double(vectorsPerMatrix[matrix]) / double(count);
        if (count < vectorsPerMatrix[matrix] && load > bestLoad &&
            tilesPerMatrix[matrix] <= spare) {
          bestLoad = load;
          best = matrix;
        }
      }
      if (best < 0)
        break;
      // A replica takes whole arrays of its own: one per tile, at worst.
      spare -= tilesPerMatrix[best];
      ++replicas[best];
    }
  }

  // Rewrite: program each slot, run the product on it.
  int64_t nextArray = used;
  for (size_t index = 0; index < tiles.size(); ++index) {
    Tile &tile = tiles[index];
    ArrayMatmulOp op = tile.op;
    OpBuilder b(op);
    Location loc = op.getLoc();
    const int64_t copies = replicas[tile.matrix];
    SmallVector<std::pair<ArrayCoordAttr, Slot>> placements;
    placements.push_back({coordinate(slots[index].array), slots[index]});
    for (int64_t r = 1; r < copies; ++r) {
      Slot extra{nextArray++, 0, 0};
      placements.push_back({coordinate(extra.array), extra});
      ++numReplicas;
    }
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    const int64_t m = tile.vectors;
    SmallVector<Value> pieces;
    int64_t start = 0;
    for (auto [r, placement] : llvm::enumerate(placements)) {
      auto [coord, slot] = placement;
      ProgramOp::create(b, loc, op.getLevels(), coord, slot.row, slot.col);
      // Replica r takes its share of the input vectors.
      const int64_t share =
          m / copies + (static_cast<int64_t>(r) < m % copies ? 1 : 0);
      Value input = op.getInput();
      auto inputType = cast<RankedTensorType>(input.getType());
      if (copies > 1)
        input = tensor::ExtractSliceOp::create(
            b, loc, input,
            ArrayRef<OpFoldResult>{b.getIndexAttr(start), b.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{b.getIndexAttr(share),
                                   b.getIndexAttr(inputType.getDimSize(1))},
            ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
      auto pieceType = RankedTensorType::get(
          {copies > 1 ? share : m, resultType.getDimSize(1)},
          resultType.getElementType());
      auto mvm = MvmOp::create(b, loc, pieceType, input, coord, slot.row,
                               slot.col);
      for (NamedAttribute a : op->getDiscardableAttrs())
        mvm->setAttr(a.getName(), a.getValue());
      pieces.push_back(mvm);
      start += share;
    }
    Value result = pieces.size() == 1
                       ? pieces.front()
                       : tensor::ConcatOp::create(b, loc, /*dim=*/0, pieces)
                             .getResult();
    op.replaceAllUsesWith(result);
    op.erase();
  }

  const int64_t arraysUsed = nextArray;
  numArraysUsed = arraysUsed;
  numCellsUsed = cells;
  Builder b(&getContext());
  module->setAttr(
      "xbar.mapping",
      b.getDictionaryAttr(
          {b.getNamedAttr("arrays_used", b.getI64IntegerAttr(arraysUsed)),
           b.getNamedAttr("arrays_available", b.getI64IntegerAttr(available)),
           b.getNamedAttr("cells_used", b.getI64IntegerAttr(cells)),
           b.getNamedAttr("lower_bound_arrays",
                          b.getI64IntegerAttr(lowerBound)),
           b.getNamedAttr("utilization",
                          b.getF64FloatAttr(
                              used ? double(cells) /
                                         double(used * cellsPerArray)
                                   : 0.0)),
           b.getNamedAttr("mode", b.getStringAttr(mode))}));
}

} // namespace
