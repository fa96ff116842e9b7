//===- InitAllDialects.h - Everything the cim tools register ------*- C++ -*-===//

#ifndef CIM_INITALLDIALECTS_H
#define CIM_INITALLDIALECTS_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace cim {

/// Our dialects plus the upstream dialects of the frontend contract (func,
/// linalg, tensor, arith, math, tosa) and what their passes need.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Our passes plus the upstream passes users run on the contract's dialects
/// (canonicalize, cse, linalg and tosa passes, tosa-to-linalg, ...).
void registerAllPasses();

} // namespace cim

#endif // CIM_INITALLDIALECTS_H
