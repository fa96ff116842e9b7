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
  if (attribute.getName() != kArchAttrName)
    return op->emitError() << "unknown cim attribute '"
                           << attribute.getName().getValue() << "'";
  if (!isa<ModuleOp>(op))
    return op->emitError() << "'" << kArchAttrName
                           << "' belongs on a builtin.module, not on '"
                           << op->getName() << "'";
  if (!isa<ArchAttr>(attribute.getValue()))
    return op->emitError() << "'" << kArchAttrName
                           << "' must be a #cim.arch attribute, got "
                           << attribute.getValue();
  return success();
}
