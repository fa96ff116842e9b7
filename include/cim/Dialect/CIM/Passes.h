//===- Passes.h - Passes of the cim dialect -----------------------*- C++ -*-===//

#ifndef CIM_DIALECT_CIM_PASSES_H
#define CIM_DIALECT_CIM_PASSES_H

#include "cim/Dialect/CIM/CIMDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace cim {

#define GEN_PASS_DECL
#include "cim/Dialect/CIM/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "cim/Dialect/CIM/Passes.h.inc"

/// Registers `--cim-arch=<preset|file>`, shorthand for
/// `--cim-attach-arch=arch=<preset|file>`.
void registerCIMArchPipeline();

} // namespace cim

#endif // CIM_DIALECT_CIM_PASSES_H
