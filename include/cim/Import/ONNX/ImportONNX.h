//===- ImportONNX.h - ONNX models into the frontend contract ------*- C++ -*-===//
//
// Imports an ONNX model as a module holding one func.func @main in the
// frontend contract: upstream linalg named ops on static tensors plus
// tensor/arith/math/func. Weights become arith.constant (dense_resource
// blobs when large). Every op's location names its ONNX node and the file.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_IMPORT_ONNX_IMPORTONNX_H
#define CIM_IMPORT_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cim {

struct OnnxImportOptions {
  /// Static shapes for graph inputs by name ("--input-shape x=1x3x224x224").
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Constants of at least this many bytes become dense_resource blobs.
  int64_t largeConstantBytes = 1024;
};

/// Parses "name=1x3x224x224" into `name` and `shape`; on failure returns
/// false with `error` saying why.
bool parseInputShapeOption(llvm::StringRef text, std::string &name,
                           std::vector<int64_t> &shape, std::string &error);

/// Imports `bytes` (binary ONNX, or ONNX's textual syntax) read from
/// `path`. Diagnostics go to the context's handler; returns null on failure,
/// after reporting every problem found (all unsupported ops in one run).
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxModel(llvm::StringRef bytes, llvm::StringRef path,
                const OnnxImportOptions &options, mlir::MLIRContext *context);

/// docs/onnx-ops.md: every op the importer handles, generated from its table.
std::string renderOnnxOpTableMarkdown();

} // namespace cim

#endif // CIM_IMPORT_ONNX_IMPORTONNX_H
