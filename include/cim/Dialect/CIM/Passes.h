//===- Passes.h - Passes of the cim dialect -----------------------*- C++ -*-===//

#ifndef CIM_DIALECT_CIM_PASSES_H
#define CIM_DIALECT_CIM_PASSES_H

#include "cim/Dialect/CIM/CIMDialect.h"
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
