//===- XbarDialect.cpp - The xbar dialect -----------------------------------===//

#include "cim/Dialect/Xbar/XbarDialect.h"
#include "cim/Dialect/Xbar/XbarOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace cim::xbar;

#include "cim/Dialect/Xbar/XbarDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "cim/Dialect/Xbar/XbarAttrs.cpp.inc"

void XbarDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "cim/Dialect/Xbar/XbarOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "cim/Dialect/Xbar/XbarAttrs.cpp.inc"
      >();
}

Operation *XbarDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

LogicalResult
ArrayCoordAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       int64_t chip, int64_t tile, int64_t core,
                       int64_t array) {
  for (auto [name, index] : {std::pair<StringRef, int64_t>{"chip", chip},
                             {"tile", tile},
                             {"core", core},
                             {"array", array}})
    if (index < 0)
      return emitError() << "#xbar.array " << name
                         << " index must be non-negative, got " << index;
  return success();
}
