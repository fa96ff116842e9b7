//===- GraphRewrites.cpp - ONNX graph rewrites before import ----------------===//

#include "GraphRewrites.h"
#include "HostTensor.h"
#include "NodeAttributes.h"

#include <cmath>
#include <map>

using namespace cim::onnx_import;
using onnx::TensorProto;

namespace {

class InitializerTable {
public:
  explicit InitializerTable(onnx::GraphProto &graph) : graph(graph) {
    for (auto &init : *graph.mutable_initializer())
      byName[init.name()] = &init;
  }

  /// Float32 data of an initializer, or false.
  bool readFloats(const std::string &name, std::vector<int64_t> &shape,
                  std::vector<double> &values) const {
    auto it = byName.find(name);
    if (it == byName.end() || it->second->data_type() != TensorProto::FLOAT)
      return false;
    HostTensor tensor;
    std::string error;
    TensorProto copy = *it->second;
    if (!hostTensorFromProto(copy, tensor, error))
      return false;
    shape = tensor.shape;
    values = tensor.toDouble();
    return true;
  }

  /// Adds a float32 initializer under a fresh name and returns the name.
  std::string add(const std::string &base, const std::vector<int64_t> &shape,
                  const std::vector<double> &values) {
    std::string name = base;
    for (int k = 0; byName.count(name); ++k)
      name = base + "_" + std::to_string(k);
    TensorProto *tensor = graph.add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(TensorProto::FLOAT);
    for (int64_t d : shape)
      tensor->add_dims(d);
    HostTensor host = HostTensor::fromDouble(TensorProto::FLOAT, shape, values);
    tensor->set_raw_data(*host.bytes);
    byName[name] = tensor;
    return name;
  }

private:
  onnx::GraphProto &graph;
  std::map<std::string, TensorProto *> byName;
};

} // namespace

int cim::onnx_import::foldBatchNormalization(onnx::GraphProto &graph) {
  InitializerTable initializers(graph);
  std::map<std::string, int> producer, consumers;
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const auto &out : graph.node(i).output())
      producer[out] = i;
    for (const auto &in : graph.node(i).input())
      ++consumers[in];
  }
  for (const auto &out : graph.output())
    ++consumers[out.name()];

  std::vector<int> removed;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &bn = graph.node(i);
    if (bn.op_type() != "BatchNormalization" || bn.input_size() != 5 ||
        NodeAttributes(bn).getInt("training_mode", 0) != 0)
      continue;
    auto prod = producer.find(bn.input(0));
    if (prod == producer.end() || consumers[bn.input(0)] != 1)
      continue;
    onnx::NodeProto &linear = *graph.mutable_node(prod->second);
    const bool isConv = linear.op_type() == "Conv";
    const bool isGemm = linear.op_type() == "Gemm";
    if (!isConv && !isGemm)
      continue;

    std::vector<int64_t> wShape, sShape, bShape, mShape, vShape, cShape;
    std::vector<double> w, scale, bias, mean, var, c;
    if (!initializers.readFloats(linear.input(1), wShape, w) ||
        !initializers.readFloats(bn.input(1), sShape, scale) ||
        !initializers.readFloats(bn.input(2), bShape, bias) ||
        !initializers.readFloats(bn.input(3), mShape, mean) ||
        !initializers.readFloats(bn.input(4), vShape, var))
      continue;
    const size_t channels = scale.size();
    const bool hasBias = linear.input_size() > 2 && !linear.input(2).empty();
    if (hasBias && !initializers.readFloats(linear.input(2), cShape, c))
      continue;
    if (hasBias && c.size() != channels)
      continue; // a broadcast Gemm bias: leave it to the digital path
    const double epsilon = NodeAttributes(bn).getFloat("epsilon", 1e-5f);
    std::vector<double> factor(channels);
    for (size_t k = 0; k < channels; ++k)
      factor[k] = scale[k] / std::sqrt(var[k] + epsilon);

    NodeAttributes attrs(linear);
    double beta = isGemm ? attrs.getFloat("beta", 1.0f) : 1.0;
    if (isConv) {
      if (wShape.empty() || static_cast<size_t>(wShape[0]) != channels)
        continue;
      const size_t per = w.size() / channels;
      for (size_t k = 0; k < channels; ++k)
        for (size_t j = 0; j < per; ++j)
          w[k * per + j] *= factor[k];
    } else {
      // Output column m of Gemm is row m of B when transB, else column m.
      if (attrs.getInt("transA", 0) != 0 || wShape.size() != 2)
        continue;
      const bool transB = attrs.getInt("transB", 0) != 0;
      const int64_t rows = wShape[0], cols = wShape[1];
      if (static_cast<size_t>(transB ? rows : cols) != channels)
        continue;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t q = 0; q < cols; ++q)
          w[r * cols + q] *= factor[transB ? r : q];
    }
    std::vector<double> newBias(channels);
    for (size_t k = 0; k < channels; ++k)
      newBias[k] =
          ((hasBias ? beta * c[k] : 0.0) - mean[k]) * factor[k] + bias[k];

    linear.set_input(1, initializers.add(linear.input(1) + "_bn", wShape, w));
    std::string biasName = initializers.add(bn.name() + "_folded_bias",
                                            {int64_t(channels)}, newBias);
    if (linear.input_size() > 2)
      linear.set_input(2, biasName);
    else
      linear.add_input(biasName);
    if (isGemm)
      for (auto &attr : *linear.mutable_attribute())
        if (attr.name() == "beta")
          attr.set_f(1.0f);
    linear.set_output(0, bn.output(0));
    removed.push_back(i);
  }
  for (auto it = removed.rbegin(); it != removed.rend(); ++it)
    graph.mutable_node()->erase(graph.mutable_node()->begin() + *it);
  return static_cast<int>(removed.size());
}
