//===- GraphFolding.cpp - Fold constant subgraphs of an ONNX graph ----------===//

#include "GraphFolding.h"
#include "ConstantFolder.h"
#include "HostTensor.h"
#include "NodeAttributes.h"

#include <map>
#include <memory>
#include <set>

using namespace cim::onnx_import;
using onnx::TensorProto;

namespace {

/// Constants by name, converted from initializers only when a node needs
/// them (weights feeding a Conv are never touched).
class ConstantTable {
public:
  explicit ConstantTable(onnx::GraphProto &graph) {
    for (auto &init : *graph.mutable_initializer())
      protos[init.name()] = &init;
  }

  const HostTensor *get(const std::string &name) {
    if (auto it = tensors.find(name); it != tensors.end())
      return &it->second;
    auto it = protos.find(name);
    if (it == protos.end())
      return nullptr;
    HostTensor tensor;
    std::string error;
    TensorProto copy = *it->second;
    if (!hostTensorFromProto(copy, tensor, error))
      return nullptr;
    return &(tensors[name] = std::move(tensor));
  }

  bool has(const std::string &name) const {
    return protos.count(name) || tensors.count(name);
  }

  void add(const std::string &name, HostTensor tensor) {
    tensors[name] = std::move(tensor);
  }

private:
  std::map<std::string, TensorProto *> protos;
  std::map<std::string, HostTensor> tensors;
};

/// Static shape of a value from the graph's type information, if known.
bool staticShape(const onnx::ValueInfoProto &info, std::vector<int64_t> &shape) {
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return false;
  shape.clear();
  for (const auto &dim : info.type().tensor_type().shape().dim()) {
    if (!dim.has_dim_value())
      return false;
    shape.push_back(dim.dim_value());
  }
  return true;
}

void addInitializer(onnx::GraphProto &graph, const std::string &name,
                    const HostTensor &tensor) {
  TensorProto *proto = graph.add_initializer();
  proto->set_name(name);
  proto->set_data_type(tensor.dtype);
  for (int64_t d : tensor.shape)
    proto->add_dims(d);
  proto->set_raw_data(*tensor.bytes);
}

} // namespace

int cim::onnx_import::foldConstantSubgraphs(onnx::GraphProto &graph) {
  ConstantTable constants(graph);
  std::map<std::string, const onnx::ValueInfoProto *> infos;
  for (const auto &info : graph.input())
    infos[info.name()] = &info;
  for (const auto &info : graph.value_info())
    infos[info.name()] = &info;
  std::set<std::string> graphOutputs;
  for (const auto &out : graph.output())
    graphOutputs.insert(out.name());

  std::vector<HostTensor> shapeOnly; // keeps Shape's stand-in inputs alive
  shapeOnly.reserve(graph.node_size());
  std::vector<std::pair<std::string, HostTensor>> added;
  std::vector<int> folded;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      continue;
    const std::string &op = node.op_type();
    // Graph outputs stay computed by their node so the signature keeps them.
    bool producesOutput = false;
    for (const auto &out : node.output())
      producesOutput |= graphOutputs.count(out) != 0;
    if (producesOutput || (op != "Constant" && !isFoldableOp(op)))
      continue;

    std::vector<HostTensor> outputs;
    if (op == "Constant") {
      const auto *value = NodeAttributes(node).find("value");
      if (!value)
        continue; // value_float(s)/value_int(s): the importer handles them
      HostTensor tensor;
      std::string error;
      TensorProto copy = value->t();
      if (!hostTensorFromProto(copy, tensor, error))
        continue;
      outputs.push_back(std::move(tensor));
    } else {
      std::vector<const HostTensor *> inputs;
      bool allConstant = true;
      for (int k = 0; k < node.input_size(); ++k) {
        const std::string &name = node.input(k);
        if (name.empty()) {
          inputs.push_back(nullptr);
          continue;
        }
        const HostTensor *constant = constants.get(name);
        std::vector<int64_t> shape;
        if (!constant && (op == "Shape" || op == "Size") && k == 0 &&
            infos.count(name) && staticShape(*infos[name], shape)) {
          HostTensor standIn;
          standIn.dtype = TensorProto::FLOAT;
          standIn.shape = shape;
          shapeOnly.push_back(standIn);
          constant = &shapeOnly.back();
        }
        allConstant &= constant != nullptr;
        inputs.push_back(constant);
      }
      if (!allConstant || !foldConstantNode(node, inputs, outputs))
        continue;
    }
    bool complete = true;
    for (int k = 0; k < node.output_size(); ++k)
      complete &= node.output(k).empty() || size_t(k) < outputs.size();
    if (!complete)
      continue;
    for (int k = 0; k < node.output_size(); ++k)
      if (!node.output(k).empty()) {
        constants.add(node.output(k), outputs[k]);
        added.emplace_back(node.output(k), outputs[k]);
      }
    folded.push_back(i);
  }

  for (const auto &[name, tensor] : added)
    addInitializer(graph, name, tensor);
  for (auto it = folded.rbegin(); it != folded.rend(); ++it)
    graph.mutable_node()->erase(graph.mutable_node()->begin() + *it);
  // Values that are now initializers no longer need inferred types.
  if (!folded.empty()) {
    std::set<std::string> now;
    for (const auto &[name, tensor] : added)
      now.insert(name);
    auto *infoList = graph.mutable_value_info();
    for (int k = infoList->size() - 1; k >= 0; --k)
      if (now.count(infoList->Get(k).name()))
        infoList->DeleteSubrange(k, 1);
  }
  return static_cast<int>(folded.size());
}
