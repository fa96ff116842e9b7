//===- ConstantFolder.h - Evaluate ONNX nodes on constant inputs -*- C++ -*-===//
//
// Any node whose inputs are all constant is evaluated at import when its op
// is one the folder knows: shape arithmetic (Shape, Gather, Concat, Range,
// Expand, Where, Equal, ...) and elementwise math, wherever it appears in
// the graph rather than as recognised patterns. Folded values never reach
// the IR unless a non-folded op consumes them.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_LIB_IMPORT_ONNX_CONSTANTFOLDER_H
#define CIM_LIB_IMPORT_ONNX_CONSTANTFOLDER_H

#include "HostTensor.h"

#include <string>
#include <vector>

namespace onnx {
class NodeProto;
} // namespace onnx

namespace cim::onnx_import {

/// Evaluates `node` on `inputs` (null entries are absent optional inputs).
/// Returns false, leaving `outputs` empty, when the op is not foldable or an
/// input is too large to evaluate cheaply; the importer then emits IR.
bool foldConstantNode(const onnx::NodeProto &node,
                      const std::vector<const HostTensor *> &inputs,
                      std::vector<HostTensor> &outputs);

/// Whether foldConstantNode knows `opType` at all (for docs and tests).
bool isFoldableOp(const std::string &opType);

} // namespace cim::onnx_import

#endif // CIM_LIB_IMPORT_ONNX_CONSTANTFOLDER_H
