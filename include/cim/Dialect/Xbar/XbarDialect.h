//===- XbarDialect.h - The xbar dialect ---------------------------*- C++ -*-===//

#ifndef CIM_DIALECT_XBAR_XBARDIALECT_H
#define CIM_DIALECT_XBAR_XBARDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "cim/Dialect/Xbar/XbarDialect.h.inc"

#endif // CIM_DIALECT_XBAR_XBARDIALECT_H
