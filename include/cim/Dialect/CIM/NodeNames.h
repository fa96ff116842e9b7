//===- NodeNames.h - The ONNX node an op came from ---------------*- C++ -*-===//
//
// The importer gives every op the location FusedLoc<"OpType">[NameLoc
// "node"(file)]; reports, traces and calibration tables name ops by that
// node. Shared by the passes and the program emitter so both read the same
// name.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_DIALECT_CIM_NODENAMES_H
#define CIM_DIALECT_CIM_NODENAMES_H

#include "mlir/IR/Location.h"

#include <string>

namespace cim {

/// The name of the first NameLoc anywhere in `loc`, or "" when there is
/// none.
std::string onnxNodeName(mlir::Location loc);

} // namespace cim

#endif // CIM_DIALECT_CIM_NODENAMES_H
