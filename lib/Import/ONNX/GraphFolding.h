//===- GraphFolding.h - Fold constant subgraphs of an ONNX graph -*- C++ -*-===//
//
// Exporters compute shapes at run time (Shape -> Gather -> Concat -> Reshape,
// Slice bounds from arithmetic on shapes). ONNX shape inference cannot see
// through all of that, so loading alternates shape inference with this
// folding until nothing changes: every node whose inputs are constants (or,
// for Shape/Size, whose input has a static type) becomes an initializer.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_LIB_IMPORT_ONNX_GRAPHFOLDING_H
#define CIM_LIB_IMPORT_ONNX_GRAPHFOLDING_H

namespace onnx {
class GraphProto;
} // namespace onnx

namespace cim::onnx_import {

/// Replaces foldable nodes with initializers; returns how many were folded.
int foldConstantSubgraphs(onnx::GraphProto &graph);

} // namespace cim::onnx_import

#endif // CIM_LIB_IMPORT_ONNX_GRAPHFOLDING_H
