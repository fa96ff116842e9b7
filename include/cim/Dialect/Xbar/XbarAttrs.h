//===- XbarAttrs.h - Attributes of the xbar dialect ---------------*- C++ -*-===//

#ifndef CIM_DIALECT_XBAR_XBARATTRS_H
#define CIM_DIALECT_XBAR_XBARATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"

#define GET_ATTRDEF_CLASSES
#include "cim/Dialect/Xbar/XbarAttrs.h.inc"

#endif // CIM_DIALECT_XBAR_XBARATTRS_H
