//===- Tile.cpp - cim pass (work in progress) -------------------------------===//

#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/CIM/Passes.h"

namespace cim {
#define GEN_PASS_DEF_CIMTILE
#include "cim/Dialect/CIM/Passes.h.inc"
} // namespace cim

using namespace mlir;

namespace {
struct TilePass : public cim::impl::CIMTileBase<TilePass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation().emitError() << "not implemented yet";
    signalPassFailure();
  }
};
} // namespace
