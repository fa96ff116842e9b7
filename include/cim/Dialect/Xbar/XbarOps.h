//===- XbarOps.h - Operations of the xbar dialect -----------------*- C++ -*-===//

#ifndef CIM_DIALECT_XBAR_XBAROPS_H
#define CIM_DIALECT_XBAR_XBAROPS_H

#include "cim/Dialect/Xbar/XbarAttrs.h"
#include "cim/Dialect/Xbar/XbarDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "cim/Dialect/Xbar/XbarOps.h.inc"

namespace cim::xbar {

// Both forward to the arch library (cim/Arch/Converters.h), where the
// runtime finds the same definitions.

/// Digit of plane `plane` of an `inputBits`-bit input through
/// `dacBits`-bit DACs (xbar.dac's semantics; the top plane is signed).
int64_t dacDigit(int64_t x, int64_t plane, int64_t inputBits,
                 int64_t dacBits);
/// One conversion of xbar.adc, in the units of the sum.
int64_t adcConvert(int64_t sum, int64_t bits, int64_t shift, bool isSigned);

} // namespace cim::xbar

#endif // CIM_DIALECT_XBAR_XBAROPS_H
