//===- ConvertLinalg.cpp - cim pass (work in progress) -------------------------------===//

#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/CIM/Passes.h"

namespace cim {
#define GEN_PASS_DEF_CIMCONVERTLINALG
#include "cim/Dialect/CIM/Passes.h.inc"
} // namespace cim

using namespace mlir;

namespace {
struct ConvertLinalgPass : public cim::impl::CIMConvertLinalgBase<ConvertLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation().emitError() << "not implemented yet";
    signalPassFailure();
  }
};
} // namespace
