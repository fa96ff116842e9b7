//===- Schedule.cpp - Per-core instruction order ----------------------------===//

#include "cim/Dialect/Xbar/Passes.h"
#include "cim/Dialect/Xbar/XbarOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <map>
#include <tuple>

namespace cim::xbar {
#define GEN_PASS_DEF_XBARSCHEDULE
#include "cim/Dialect/Xbar/Passes.h.inc"
} // namespace cim::xbar

using namespace mlir;
using namespace cim::xbar;

namespace {

struct SchedulePass
    : public cim::xbar::impl::XbarScheduleBase<SchedulePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder b(&getContext());
    int64_t instructions = 0, programs = 0, busiest = 0;
    std::map<std::tuple<int64_t, int64_t, int64_t>, int64_t> perCore;

    WalkResult walk = module.walk([&](FunctionOpInterface func) {
      if (func.isExternal())
        return WalkResult::advance();
      Block &body = func.getFunctionBody().front();

      // Load phase: programs of constant levels (and the constants they
      // write) first, in placement order. Levels computed at run time (the
      // reprogram path) are written where the program order has them.
      Operation *insertAfter = nullptr;
      // Replicas program the same levels: move each constant once.
      llvm::SmallPtrSet<Operation *, 16> hoisted;
      for (Operation &op : llvm::make_early_inc_range(body)) {
        auto program = dyn_cast<ProgramOp>(op);
        if (!program || !program.getLevels().getDefiningOp() ||
            !program.getLevels().getDefiningOp()->hasTrait<
                OpTrait::ConstantLike>())
          continue;
        Operation *levels = program.getLevels().getDefiningOp();
        if (levels && levels->getBlock() == &body &&
            levels->hasTrait<OpTrait::ConstantLike>() &&
            hoisted.insert(levels).second) {
          insertAfter ? levels->moveAfter(insertAfter)
                      : levels->moveBefore(&body.front());
          insertAfter = levels;
        }
        insertAfter ? op.moveAfter(insertAfter) : op.moveBefore(&body.front());
        insertAfter = &op;
        ++programs;
      }

      for (Operation &op : body) {
        // Constants and destination placeholders are not instructions.
        if (op.hasTrait<OpTrait::ConstantLike>() || isa<tensor::EmptyOp>(op))
          continue;
        auto core = op.getAttrOfType<CoreCoordAttr>("xbar.core");
        if (!core) {
          op.emitOpError() << "has no core; run xbar-route before "
                              "xbar-schedule";
          return WalkResult::interrupt();
        }
        int64_t &next =
            perCore[{core.getChip(), core.getTile(), core.getCore()}];
        op.setAttr("xbar.order", b.getI64IntegerAttr(next++));
        busiest = std::max(busiest, next);
        ++instructions;
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    module->setAttr(
        "xbar.schedule",
        b.getDictionaryAttr(
            {b.getNamedAttr("cores_used",
                            b.getI64IntegerAttr(perCore.size())),
             b.getNamedAttr("instructions", b.getI64IntegerAttr(instructions)),
             b.getNamedAttr("max_core_instructions",
                            b.getI64IntegerAttr(busiest)),
             b.getNamedAttr("programs", b.getI64IntegerAttr(programs))}));
  }
};

} // namespace
