//===- CIMDialect.cpp - The cim dialect -------------------------------------===//

#include "cim/Dialect/CIM/CIMDialect.h"
#include "cim/Dialect/CIM/CIMOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace cim;

#include "cim/Dialect/CIM/CIMDialect.cpp.inc"

void CIMDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "cim/Dialect/CIM/CIMOps.cpp.inc"
      >();
  registerAttributes();
}

Operation *CIMDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

LogicalResult CIMDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attribute) {
  StringRef name = attribute.getName().getValue();
  Attribute value = attribute.getValue();
  if (name == kArchAttrName) {
    if (!isa<ModuleOp>(op))
      return op->emitError() << "'" << kArchAttrName
                             << "' belongs on a builtin.module, not on '"
                             << op->getName() << "'";
    if (!isa<ArchAttr>(value))
      return op->emitError() << "'" << kArchAttrName
                             << "' must be a #cim.arch attribute, got "
                             << value;
    return success();
  }
  // Annotations the mapping passes leave on ops, checked for their kind.
  if (name == "cim.path") {
    auto path = dyn_cast<StringAttr>(value);
    if (!path || (path.getValue() != "digital" &&
                  path.getValue() != "reprogram"))
      return op->emitError() << "'cim.path' must be \"digital\" or "
                                "\"reprogram\", got "
                             << value;
    return success();
  }
  if (name == "cim.path_cost") {
    if (!isa<DictionaryAttr>(value))
      return op->emitError() << "'cim.path_cost' must be a dictionary";
    return success();
  }
  if (name == "cim.ternary") {
    if (!isa<UnitAttr>(value))
      return op->emitError() << "'cim.ternary' is a unit attribute";
    return success();
  }
  if (name == "cim.weight_bits" || name == "cim.matrix_id") {
    auto integer = dyn_cast<IntegerAttr>(value);
    if (!integer || integer.getInt() < 0)
      return op->emitError() << "'" << name
                             << "' must be a non-negative integer, got "
                             << value;
    return success();
  }
  if (name == "cim.tile") {
    auto tile = dyn_cast<DenseI64ArrayAttr>(value);
    if (!tile || tile.size() != 2 || tile[0] < 0 || tile[1] < 0)
      return op->emitError() << "'cim.tile' must be [row block, column "
                                "block], got "
                             << value;
    return success();
  }
  return op->emitError() << "unknown cim attribute '" << name << "'";
}
