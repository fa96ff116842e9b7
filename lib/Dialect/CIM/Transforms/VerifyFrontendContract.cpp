//===- VerifyFrontendContract.cpp - Is a module inside the contract? --------===//
//
// The contract: upstream func/linalg/tensor/arith/math (and builtin) ops on
// static tensors. Everything the importer emits must pass, and so must
// input from other frontends; TOSA is first lowered with upstream's
// pipeline.
//
//===----------------------------------------------------------------------===//

#include "cim/Dialect/CIM/Passes.h"

#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSet.h"

namespace cim {
#define GEN_PASS_DEF_CIMVERIFYFRONTENDCONTRACT
#include "cim/Dialect/CIM/Passes.h.inc"
} // namespace cim

using namespace mlir;

namespace {

/// Dialects whose ops may appear in a contract module.
const llvm::StringSet<> &allowedDialects() {
  static const llvm::StringSet<> dialects = {"builtin", "func", "linalg",
                                             "tensor", "arith", "math"};
  return dialects;
}

/// A type is inside the contract when it is a scalar or a static tensor.
bool isContractType(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return isa<RankedTensorType>(type) && shaped.hasStaticShape();
  return type.isIntOrIndexOrFloat() || isa<FunctionType>(type);
}

struct VerifyFrontendContractPass
    : public cim::impl::CIMVerifyFrontendContractBase<
          VerifyFrontendContractPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (allowTosa && failed(lowerTosa(module)))
      return signalPassFailure();

    unsigned violations = 0;
    module.walk([&](Operation *op) {
      StringRef dialect = op->getName().getDialectNamespace();
      if (!allowedDialects().contains(dialect)) {
        op->emitError() << "'" << op->getName()
                        << "' is outside the frontend contract (allowed: "
                           "builtin, func, linalg, tensor, arith, math)";
        ++violations;
        return;
      }
      for (Type type : op->getResultTypes())
        if (!isContractType(type)) {
          op->emitError() << "result of type " << type
                          << " is outside the frontend contract (static "
                             "ranked tensors and scalars only)";
          ++violations;
          return;
        }
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            if (!isContractType(arg.getType())) {
              op->emitError() << "argument of type " << arg.getType()
                              << " is outside the frontend contract (static "
                                 "ranked tensors and scalars only)";
              ++violations;
            }
    });
    if (violations) {
      module.emitError() << violations
                         << " violation(s) of the frontend contract";
      signalPassFailure();
    }
  }

  LogicalResult lowerTosa(ModuleOp module) {
    bool hasTosa = false;
    module.walk([&](Operation *op) {
      hasTosa |= op->getName().getDialectNamespace() == "tosa";
      return hasTosa ? WalkResult::interrupt() : WalkResult::advance();
    });
    if (!hasTosa)
      return success();
    OpPassManager pipeline(ModuleOp::getOperationName());
    tosa::addTosaToLinalgPasses(pipeline, TosaToLinalgOptions());
    return runPipeline(pipeline, module);
  }
};

} // namespace
