//===- Route.cpp - Cores for every op, NoC transfers, buffer budgets --------===//
//
// Data stays where it is made: an op runs where its first operand was
// produced, array ops where their array is. Transfers are inserted only
// where a value crosses cores, with hop counts from the mesh and the chip
// links, so the runtime can charge and contend for each link.
//
//===----------------------------------------------------------------------===//

#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/Xbar/Passes.h"
#include "cim/Dialect/Xbar/XbarOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/DenseMap.h"

#include <cstdlib>
#include <map>

namespace cim::xbar {
#define GEN_PASS_DEF_XBARROUTE
#include "cim/Dialect/Xbar/Passes.h.inc"
} // namespace cim::xbar

using namespace mlir;
using namespace cim;
using namespace cim::xbar;

namespace {

struct Core {
  int64_t chip = 0, tile = 0, core = 0;
  bool operator==(const Core &o) const {
    return chip == o.chip && tile == o.tile && core == o.core;
  }
  bool operator<(const Core &o) const {
    return std::tie(chip, tile, core) < std::tie(o.chip, o.tile, o.core);
  }
};

/// Constants are program data and a tensor.empty only names a shape: both
/// are placed wherever they are used, never moved or buffered.
bool isPlacedAtUse(Value value) {
  Operation *def = value.getDefiningOp();
  return def && (def->hasTrait<OpTrait::ConstantLike>() ||
                 isa<tensor::EmptyOp>(def));
}

/// The ideal reference of a cim.rescale (its float input and weight) is
/// not data the machine moves or keeps: never transferred, never buffered.
bool isIdealReference(OpOperand &use) {
  auto rescale = dyn_cast<cim::RescaleOp>(use.getOwner());
  return rescale && use.getOperandNumber() >= 2;
}

int64_t bytesOf(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return 0;
  return shaped.getNumElements() *
         ((shaped.getElementTypeBitWidth() + 7) / 8);
}

struct RoutePass : public cim::xbar::impl::XbarRouteBase<RoutePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  /// Mesh hops between the routers of two tiles of one chip.
  int64_t meshHops(int64_t tileA, int64_t tileB) const {
    const int64_t perRouter = spec.noc.tilesPerRouter;
    const int64_t a = tileA / perRouter, b = tileB / perRouter;
    const int64_t cols = spec.noc.meshCols;
    return std::llabs(a / cols - b / cols) + std::llabs(a % cols - b % cols);
  }
  int64_t chipHops(int64_t a, int64_t b) const {
    const int64_t d = std::llabs(a - b);
    switch (spec.chipLink.topology) {
    case arch::ChipLinkTopology::Ring:
      return std::min(d, spec.hierarchy.chips - d);
    case arch::ChipLinkTopology::AllToAll:
      return d ? 1 : 0;
    default:
      return d;
    }
  }
  /// Router hops: within a chip XY on the mesh; across chips to and from
  /// the chip's link at router 0.
  int64_t hops(const Core &from, const Core &to) const {
    if (from.chip == to.chip)
      return meshHops(from.tile, to.tile);
    return meshHops(from.tile, 0) + meshHops(0, to.tile);
  }
  CoreCoordAttr attr(const Core &core) {
    return CoreCoordAttr::get(&getContext(), core.chip, core.tile, core.core);
  }
  /// One xbar.dac per core that reads its planes.
  static void splitDacsByCore(Block &body);

  arch::ArchSpec spec;
};

/// Planes are as many bits as the input they encode but one element per
/// digit, so a dac whose planes feed arrays on several cores (column blocks
/// of one matrix placed apart) is repeated on each of those cores and the
/// input, not the planes, crosses the NoC.
void RoutePass::splitDacsByCore(Block &body) {
  SmallVector<DacOp> dacs(body.getOps<DacOp>());
  for (DacOp dac : dacs) {
    std::map<Core, SmallVector<OpOperand *>> readersByCore;
    for (OpOperand &use : dac->getUses())
      if (auto mvm = dyn_cast<MvmOp>(use.getOwner())) {
        ArrayCoordAttr a = mvm.getArray();
        readersByCore[{a.getChip(), a.getTile(), a.getCore()}].push_back(&use);
      }
    if (readersByCore.size() < 2)
      continue;
    // The first core keeps the dac; every other gets a copy before its
    // first reader.
    for (auto &[core, uses] : llvm::drop_begin(readersByCore)) {
      Operation *first = uses.front()->getOwner();
      for (OpOperand *use : uses)
        if (use->getOwner()->isBeforeInBlock(first))
          first = use->getOwner();
      OpBuilder b(first);
      Operation *copy = b.clone(*dac);
      for (OpOperand *use : uses)
        use->set(copy->getResult(0));
    }
  }
}

void RoutePass::runOnOperation() {
  ModuleOp module = getOperation();
  FailureOr<arch::ArchSpec> found =
      ArchAttr::requireSpec(module, getArgument());
  if (failed(found))
    return signalPassFailure();
  spec = *found;
  const Core home;
  int64_t transfers = 0, bytesRouted = 0, flitHops = 0, chipBytes = 0;
  int64_t peakCore = 0, dramBytes = 0;
  const int64_t capacity =
      spec.coreBuffer.sizeKiB * 1024 +
      spec.tileBuffer.sizeKiB * 1024 / spec.hierarchy.coresPerTile;

  WalkResult walk = module.walk([&](FunctionOpInterface func) {
    if (func.isExternal())
      return WalkResult::advance();
    Block &body = func.getFunctionBody().front();
    splitDacsByCore(body);
    llvm::DenseMap<Value, Core> coreOf;
    for (BlockArgument arg : body.getArguments())
      coreOf[arg] = home;
    // Copies already made, by (value, destination core).
    std::map<std::pair<const void *, Core>, Value> moved;
    auto coreOfValue = [&](Value v) -> std::optional<Core> {
      auto it = coreOf.find(v);
      if (it == coreOf.end())
        return std::nullopt;
      return it->second;
    };
    auto arrayCore = [](ArrayCoordAttr a) {
      return Core{a.getChip(), a.getTile(), a.getCore()};
    };

    for (Operation &op : llvm::make_early_inc_range(body)) {
      if (op.getNumResults() == 1 && isPlacedAtUse(op.getResult(0)))
        continue;
      Core core = home;
      if (auto program = dyn_cast<ProgramOp>(op)) {
        core = arrayCore(program.getArray());
      } else if (auto mvm = dyn_cast<MvmOp>(op)) {
        core = arrayCore(mvm.getArray());
      } else if (isa<DacOp>(op)) {
        // Planes are made where the array that reads them is.
        for (Operation *user : op.getUsers())
          if (auto mvm = dyn_cast<MvmOp>(user)) {
            core = arrayCore(mvm.getArray());
            break;
          }
      } else if (op.hasTrait<OpTrait::IsTerminator>()) {
        core = home;
      } else {
        for (Value operand : op.getOperands())
          if (auto c = coreOfValue(operand)) {
            core = *c;
            break;
          }
      }
      op.setAttr("xbar.core", attr(core));

      // Bring every operand made elsewhere here, once per destination: the
      // op's operands and the tensors its body reads from outside (gathers).
      OpBuilder b(&op);
      SmallVector<OpOperand *> reads;
      for (OpOperand &operand : op.getOpOperands())
        if (!isIdealReference(operand))
          reads.push_back(&operand);
      visitUsedValuesDefinedAbove(op.getRegions(), [&](OpOperand *operand) {
        reads.push_back(operand);
      });
      for (OpOperand *read : reads) {
        OpOperand &operand = *read;
        Value value = operand.get();
        if (isPlacedAtUse(value))
          continue;
        std::optional<Core> source = coreOfValue(value);
        if (!source || *source == core)
          continue;
        Value &copy = moved[{value.getAsOpaquePointer(), core}];
        if (!copy) {
          const int64_t h = hops(*source, core);
          const int64_t ch = chipHops(source->chip, core.chip);
          auto transfer = TransferOp::create(
              b, op.getLoc(), value, attr(*source), attr(core),
              static_cast<uint64_t>(h), static_cast<uint64_t>(ch));
          transfer->setAttr("xbar.core", attr(core));
          copy = transfer;
          coreOf[copy] = core;
          const int64_t bytes = bytesOf(value.getType());
          ++transfers;
          bytesRouted += bytes;
          flitHops += (bytes * 8 + spec.noc.flitBits - 1) / spec.noc.flitBits *
                      h;
          chipBytes += ch ? bytes : 0;
        }
        operand.set(copy);
      }
      for (Value result : op.getResults())
        coreOf[result] = core;
    }

    // Buffer budget: each value occupies its core from definition to last
    // use; sweep the block in order and track every core's live bytes.
    llvm::DenseMap<Operation *, int64_t> position;
    int64_t index = 0;
    for (Operation &op : body)
      position[&op] = index++;
    std::map<Core, std::vector<std::pair<int64_t, int64_t>>> events;
    auto track = [&](Value value, int64_t start) {
      auto core = coreOfValue(value);
      if (!core || isPlacedAtUse(value))
        return;
      int64_t end = start;
      for (OpOperand &use : value.getUses()) {
        if (isIdealReference(use))
          continue;
        Operation *top = body.findAncestorOpInBlock(*use.getOwner());
        if (top)
          end = std::max(end, position[top]);
      }
      const int64_t bytes = bytesOf(value.getType());
      events[*core].push_back({start, bytes});
      events[*core].push_back({end + 1, -bytes});
    };
    for (BlockArgument arg : body.getArguments())
      track(arg, 0);
    for (Operation &op : body) {
      // DAC planes, raw sums and ADC codes stream through the array's
      // peripheral registers into the shift-and-add; they never sit in a
      // buffer whole.
      if (isa<DacOp, MvmOp, AdcOp>(op))
        continue;
      for (Value result : op.getResults())
        track(result, position[&op]);
    }
    for (auto &[core, list] : events) {
      llvm::sort(list);
      int64_t live = 0, peak = 0;
      for (auto [at, delta] : list) {
        live += delta;
        peak = std::max(peak, live);
      }
      peakCore = std::max(peakCore, peak);
      if (peak > capacity) {
        if (!spec.dram.present) {
          func.emitError() << "core (chip " << core.chip << ", tile "
                           << core.tile << ", core " << core.core
                           << ") needs " << peak
                           << " bytes of buffer at its peak but has "
                           << capacity << ", and '" << spec.name
                           << "' has no DRAM to spill to";
          return WalkResult::interrupt();
        }
        dramBytes += peak - capacity;
      }
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return signalPassFailure();

  numTransfers = transfers;
  Builder b(&getContext());
  module->setAttr(
      "xbar.routing",
      b.getDictionaryAttr(
          {b.getNamedAttr("transfers", b.getI64IntegerAttr(transfers)),
           b.getNamedAttr("bytes_routed", b.getI64IntegerAttr(bytesRouted)),
           b.getNamedAttr("flit_hops", b.getI64IntegerAttr(flitHops)),
           b.getNamedAttr("chip_link_bytes", b.getI64IntegerAttr(chipBytes)),
           b.getNamedAttr("peak_core_bytes", b.getI64IntegerAttr(peakCore)),
           b.getNamedAttr("core_capacity_bytes",
                          b.getI64IntegerAttr(capacity)),
           b.getNamedAttr("dram_bytes", b.getI64IntegerAttr(dramBytes))}));
}

} // namespace
