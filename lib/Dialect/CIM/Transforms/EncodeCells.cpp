//===- EncodeCells.cpp - cim pass (work in progress) -------------------------------===//

#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/CIM/Passes.h"

namespace cim {
#define GEN_PASS_DEF_CIMENCODECELLS
#include "cim/Dialect/CIM/Passes.h.inc"
} // namespace cim

using namespace mlir;

namespace {
struct EncodeCellsPass : public cim::impl::CIMEncodeCellsBase<EncodeCellsPass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation().emitError() << "not implemented yet";
    signalPassFailure();
  }
};
} // namespace
