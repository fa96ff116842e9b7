//===- XbarOps.h - Operations of the xbar dialect -----------------*- C++ -*-===//

#ifndef CIM_DIALECT_XBAR_XBAROPS_H
#define CIM_DIALECT_XBAR_XBAROPS_H

#include "cim/Dialect/Xbar/XbarAttrs.h"
#include "cim/Dialect/Xbar/XbarDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "cim/Dialect/Xbar/XbarOps.h.inc"

#endif // CIM_DIALECT_XBAR_XBAROPS_H
