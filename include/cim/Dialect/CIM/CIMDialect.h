//===- CIMDialect.h - The cim dialect -----------------------------*- C++ -*-===//

#ifndef CIM_DIALECT_CIM_CIMDIALECT_H
#define CIM_DIALECT_CIM_CIMDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "cim/Dialect/CIM/CIMDialect.h.inc"

#endif // CIM_DIALECT_CIM_CIMDIALECT_H
