//===- ModelLoading.h - From bytes to a checked, typed ONNX model -*- C++ -*-===//
//
// Everything that touches libonnx's own machinery (parser, checker, version
// converter, shape inference) lives behind this interface. libonnx reports
// failures by throwing; ModelLoading.cpp is compiled with exceptions and
// turns every one into a message, so nothing throws past it.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_LIB_IMPORT_ONNX_MODELLOADING_H
#define CIM_LIB_IMPORT_ONNX_MODELLOADING_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace cim::onnx_import {

/// The opset every model is converted to, so one handler per op suffices.
inline constexpr int64_t kTargetOpset = 17;
/// The oldest default-domain opset accepted.
inline constexpr int64_t kMinOpset = 1;

struct LoadedModel {
  std::unique_ptr<onnx::ModelProto> model;
  /// Default-domain opset the file declared before conversion.
  int64_t sourceOpset = 0;
  /// Problems that stop the import, each a whole sentence.
  std::vector<std::string> errors;
  /// Things the user should know (a symbolic batch dimension fixed to 1).
  std::vector<std::string> warnings;

  bool ok() const { return model && errors.empty(); }
};

/// Parses `bytes` (binary protobuf, or ONNX's textual syntax when the first
/// non-blank character is '<'), loads external data from files next to
/// `path`, runs the checker, converts to kTargetOpset, fixes input shapes
/// from `inputShapes` (symbolic batch dimensions default to 1) and runs
/// shape inference with data propagation.
LoadedModel
loadOnnxModel(const std::string &bytes, const std::string &path,
              const std::map<std::string, std::vector<int64_t>> &inputShapes);

/// The opset in which the form of `opType` valid at `opset` was introduced
/// (ONNX's schema registry), or 0 when ONNX has no such op.
int opSinceVersion(const std::string &opType, int64_t opset);

} // namespace cim::onnx_import

#endif // CIM_LIB_IMPORT_ONNX_MODELLOADING_H
