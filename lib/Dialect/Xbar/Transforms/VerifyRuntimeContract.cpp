//===- VerifyRuntimeContract.cpp - Every op executable by the runtime -----===//
//
// The mapping pipeline ends here: what the program emitter would refuse is
// reported while the IR is still at hand, with the emitter's own checks
// (cim::verifyRuntimeContract: every op an instruction, every instruction
// on a core at a position). The emitter still validates the whole program
// it builds (value shapes, bindings, stream order) before writing it.
//
//===----------------------------------------------------------------------===//

#include "cim/Dialect/Xbar/Passes.h"
#include "cim/Target/Program/EmitProgram.h"

namespace cim::xbar {
#define GEN_PASS_DEF_XBARVERIFYRUNTIMECONTRACT
#include "cim/Dialect/Xbar/Passes.h.inc"
} // namespace cim::xbar

namespace {

struct VerifyRuntimeContractPass
    : public cim::xbar::impl::XbarVerifyRuntimeContractBase<
          VerifyRuntimeContractPass> {
  void runOnOperation() override {
    if (mlir::failed(cim::verifyRuntimeContract(getOperation())))
      signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace
