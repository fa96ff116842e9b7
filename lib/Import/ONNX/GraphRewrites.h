//===- GraphRewrites.h - ONNX graph rewrites before import -------*- C++ -*-===//

#ifndef CIM_LIB_IMPORT_ONNX_GRAPHREWRITES_H
#define CIM_LIB_IMPORT_ONNX_GRAPHREWRITES_H

namespace onnx {
class GraphProto;
} // namespace onnx

namespace cim::onnx_import {

/// Folds inference-mode BatchNormalization into the Conv or Gemm that feeds
/// it when that node's weights (and bias) and the BN parameters are float32
/// initializers and the BN is the only consumer: the crossbar then holds the
/// scaled weights and no digital normalisation remains. Returns how many
/// were folded; the others import as per-channel affine ops.
int foldBatchNormalization(onnx::GraphProto &graph);

} // namespace cim::onnx_import

#endif // CIM_LIB_IMPORT_ONNX_GRAPHREWRITES_H
