//===- CIMAttrs.h - Attributes of the cim dialect -----------------*- C++ -*-===//

#ifndef CIM_DIALECT_CIM_CIMATTRS_H
#define CIM_DIALECT_CIM_CIMATTRS_H

#include "cim/Arch/ArchSpec.h"
#include "cim/Arch/CellEncoding.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Operation.h"

#include "cim/Dialect/CIM/CIMEnums.h.inc"

namespace cim::detail {
/// Hand-written (CIMAttrs.cpp): caches the loaded spec.
struct ArchAttrStorage;
} // namespace cim::detail

#define GET_ATTRDEF_CLASSES
#include "cim/Dialect/CIM/CIMAttrs.h.inc"

namespace cim::arch {
class ArchLoadResult;
} // namespace cim::arch

namespace cim {

/// Emits every problem of a failed arch load as an MLIR error located at the
/// arch file's line, so tools print "arch/x.yaml:12:1: error: adc.bits ...".
void emitArchLoadErrors(mlir::MLIRContext *context,
                        const arch::ArchLoadResult &result);

} // namespace cim

#endif // CIM_DIALECT_CIM_CIMATTRS_H
