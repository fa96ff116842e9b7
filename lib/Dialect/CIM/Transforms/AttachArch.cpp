//===- AttachArch.cpp - Attach a hardware description to a module ----------===//

#include "cim/Arch/ArchLoader.h"
#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/CIM/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

namespace cim {
#define GEN_PASS_DEF_CIMATTACHARCH
#include "cim/Dialect/CIM/Passes.h.inc"
} // namespace cim

using namespace mlir;
using namespace cim;

namespace {

struct AttachArchPass : public cim::impl::CIMAttachArchBase<AttachArchPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (arch.empty()) {
      module.emitError() << "cim-attach-arch needs arch=<preset|file>";
      return signalPassFailure();
    }
    if (module->hasAttr(CIMDialect::kArchAttrName) && !replace) {
      module.emitError() << "module already has a '"
                         << CIMDialect::kArchAttrName
                         << "'; pass replace=true to overwrite it";
      return signalPassFailure();
    }
    arch::ArchLoadResult result = arch::loadArch(arch);
    if (!result.ok()) {
      // One diagnostic per problem, each at the file and line at fault.
      emitArchLoadErrors(&getContext(), result);
      return signalPassFailure();
    }
    module->setAttr(CIMDialect::kArchAttrName,
                    ArchAttr::get(&getContext(), result.getSpec()));
  }
};

} // namespace

void cim::registerCIMArchPipeline() {
  // A pipeline rather than a pass so that `--cim-arch=isaac` works: the
  // registry hands the raw text after '=' to this function.
  mlir::registerPassPipeline(
      "cim-arch",
      "Attach a hardware description: --cim-arch=<preset|file> (shorthand "
      "for --cim-attach-arch=\"arch=<preset|file>\")",
      [](OpPassManager &pm, StringRef options,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        StringRef value = options.trim();
        value.consume_front("arch=");
        if (value.empty())
          return errorHandler("--cim-arch needs a preset name or a file path");
        CIMAttachArchOptions passOptions;
        passOptions.arch = value.str();
        pm.addPass(createCIMAttachArch(passOptions));
        return success();
      },
      [](function_ref<void(const mlir::detail::PassOptions &)>) {});
}
