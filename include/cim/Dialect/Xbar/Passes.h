//===- Passes.h - Passes of the xbar dialect ----------------------*- C++ -*-===//

#ifndef CIM_DIALECT_XBAR_PASSES_H
#define CIM_DIALECT_XBAR_PASSES_H

#include "cim/Dialect/Xbar/XbarDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace cim::xbar {

#define GEN_PASS_DECL
#include "cim/Dialect/Xbar/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "cim/Dialect/Xbar/Passes.h.inc"

} // namespace cim::xbar

#endif // CIM_DIALECT_XBAR_PASSES_H
