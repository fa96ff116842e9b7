//===- NodeAttributes.h - Typed access to an ONNX node's attributes -*- C++ -*-===//

#ifndef CIM_LIB_IMPORT_ONNX_NODEATTRIBUTES_H
#define CIM_LIB_IMPORT_ONNX_NODEATTRIBUTES_H

#include "onnx/onnx_pb.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cim::onnx_import {

/// Reads attributes by name with defaults, the way ONNX's schemas state
/// them. Absent attributes give the default; present ones of another kind
/// are the checker's business (it ran before import).
class NodeAttributes {
public:
  explicit NodeAttributes(const onnx::NodeProto &node) : node(node) {}

  const onnx::AttributeProto *find(const std::string &name) const {
    for (const auto &attr : node.attribute())
      if (attr.name() == name)
        return &attr;
    return nullptr;
  }
  bool has(const std::string &name) const { return find(name) != nullptr; }

  int64_t getInt(const std::string &name, int64_t fallback) const {
    const auto *attr = find(name);
    return attr ? attr->i() : fallback;
  }
  float getFloat(const std::string &name, float fallback) const {
    const auto *attr = find(name);
    return attr ? attr->f() : fallback;
  }
  std::string getString(const std::string &name,
                        const std::string &fallback) const {
    const auto *attr = find(name);
    return attr ? attr->s() : fallback;
  }
  std::optional<std::vector<int64_t>> getInts(const std::string &name) const {
    const auto *attr = find(name);
    if (!attr)
      return std::nullopt;
    return std::vector<int64_t>(attr->ints().begin(), attr->ints().end());
  }
  std::vector<int64_t> getInts(const std::string &name,
                               std::vector<int64_t> fallback) const {
    return getInts(name).value_or(std::move(fallback));
  }
  std::optional<std::vector<float>> getFloats(const std::string &name) const {
    const auto *attr = find(name);
    if (!attr)
      return std::nullopt;
    return std::vector<float>(attr->floats().begin(), attr->floats().end());
  }

private:
  const onnx::NodeProto &node;
};

} // namespace cim::onnx_import

#endif // CIM_LIB_IMPORT_ONNX_NODEATTRIBUTES_H
