//===- Quantize.cpp - cim pass (work in progress) -------------------------------===//

#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/CIM/Passes.h"

namespace cim {
#define GEN_PASS_DEF_CIMQUANTIZE
#include "cim/Dialect/CIM/Passes.h.inc"
} // namespace cim

using namespace mlir;

namespace {
struct QuantizePass : public cim::impl::CIMQuantizeBase<QuantizePass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation().emitError() << "not implemented yet";
    signalPassFailure();
  }
};
} // namespace
