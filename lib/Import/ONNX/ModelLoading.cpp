//===- ModelLoading.cpp - From bytes to a checked, typed ONNX model ---------===//
//
// Compiled with -fexceptions: libonnx throws, and every throw is caught here.
//
//===----------------------------------------------------------------------===//

#include "ModelLoading.h"
#include "GraphFolding.h"

#include "onnx/checker.h"
#include "onnx/defs/parser.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"
#include "onnx_text.pb.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

using namespace cim::onnx_import;

namespace {

std::string directoryOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

/// Binary ONNX starts with field tags and lengths (bytes below 0x20); text
/// in either syntax is printable.
bool looksLikeText(const std::string &bytes) {
  const size_t prefix = std::min<size_t>(bytes.size(), 256);
  for (size_t i = 0; i < prefix; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
      return false;
  }
  return true;
}

bool startsWithAngle(const std::string &bytes) {
  for (char c : bytes) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
      continue;
    return c == '<';
  }
  return false;
}

/// Keeps the first error of the text-format parser with its position.
class FirstError : public google::protobuf::io::ErrorCollector {
public:
  void AddError(int line, int column, const std::string &message) override {
    if (!text.empty())
      return;
    // Name the messages as users know them, not by our private package.
    std::string cleaned = message;
    for (size_t at; (at = cleaned.find("cim_onnx_text.")) != std::string::npos;)
      cleaned.replace(at, 14, "onnx.");
    text = "line " + std::to_string(line + 1) + " column " +
           std::to_string(column + 1) + ": " + cleaned;
  }
  std::string text;
};

/// Parses protobuf text format through the full-runtime copy of the ONNX
/// messages, then hands the binary encoding to the lite ones.
bool parseProtobufText(const std::string &text, onnx::ModelProto &model,
                       std::string &error) {
  cim_onnx_text::ModelProto full;
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &full)) {
    error = errors.text.empty() ? "cannot be parsed" : errors.text;
    return false;
  }
  std::string binary;
  if (!full.SerializeToString(&binary) || !model.ParseFromString(binary)) {
    error = "cannot be converted to the binary form";
    return false;
  }
  return true;
}

/// Reads the bytes an external-data initializer points at into raw_data.
bool loadExternalData(onnx::TensorProto &tensor, const std::string &baseDir,
                      std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset")
      offset = std::stoll(entry.value());
    else if (entry.key() == "length")
      length = std::stoll(entry.value());
  }
  if (location.empty()) {
    error = "initializer '" + tensor.name() +
            "' has external data without a location";
    return false;
  }
  if (location.find("..") != std::string::npos || location[0] == '/') {
    error = "initializer '" + tensor.name() + "' points outside the model's "
            "directory ('" + location + "')";
    return false;
  }
  const std::string file = baseDir + "/" + location;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = "external data file '" + file + "' of initializer '" +
            tensor.name() + "' cannot be opened";
    return false;
  }
  in.seekg(0, std::ios::end);
  const int64_t size = in.tellg();
  if (length < 0)
    length = size - offset;
  if (offset < 0 || offset + length > size) {
    error = "external data file '" + file + "' is too short for initializer '" +
            tensor.name() + "' (needs bytes " + std::to_string(offset) + ".." +
            std::to_string(offset + length) + ", has " + std::to_string(size) +
            ")";
    return false;
  }
  std::string data(static_cast<size_t>(length), '\0');
  in.seekg(offset);
  in.read(data.data(), length);
  tensor.set_raw_data(std::move(data));
  tensor.clear_external_data();
  tensor.set_data_location(onnx::TensorProto::DEFAULT);
  return true;
}

std::string dimText(const onnx::TensorShapeProto_Dimension &dim) {
  if (dim.has_dim_value())
    return std::to_string(dim.dim_value());
  if (dim.has_dim_param() && !dim.dim_param().empty())
    return "'" + dim.dim_param() + "'";
  return "unknown";
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "x" : "") + std::to_string(shape[i]);
  return text;
}

/// Gives every graph input a static shape, from --input-shape or by fixing a
/// symbolic batch dimension to 1; anything else is an error naming the dim.
void fixInputShapes(onnx::GraphProto &graph,
                    const std::map<std::string, std::vector<int64_t>> &shapes,
                    LoadedModel &result) {
  std::set<std::string> initializers;
  for (const auto &init : graph.initializer())
    initializers.insert(init.name());
  std::set<std::string> used;
  std::string inputNames;
  for (auto &input : *graph.mutable_input()) {
    if (initializers.count(input.name()))
      continue;
    inputNames += (inputNames.empty() ? "" : ", ") + input.name();
    if (!input.type().has_tensor_type()) {
      result.errors.push_back("input '" + input.name() +
                              "' is not a tensor; only tensor inputs are "
                              "supported");
      continue;
    }
    auto *shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    auto given = shapes.find(input.name());
    if (given != shapes.end()) {
      used.insert(input.name());
      if (input.type().tensor_type().has_shape() &&
          static_cast<size_t>(shape->dim_size()) != given->second.size()) {
        result.errors.push_back(
            "--input-shape " + input.name() + "=" + shapeText(given->second) +
            " has rank " + std::to_string(given->second.size()) +
            " but the input has rank " + std::to_string(shape->dim_size()));
        continue;
      }
      for (size_t i = 0; i < given->second.size(); ++i) {
        auto *dim = i < static_cast<size_t>(shape->dim_size())
                        ? shape->mutable_dim(i)
                        : shape->add_dim();
        if (dim->has_dim_value() && dim->dim_value() != given->second[i]) {
          result.errors.push_back(
              "--input-shape " + input.name() + "=" + shapeText(given->second) +
              " contradicts the model: dim " + std::to_string(i) + " is " +
              std::to_string(dim->dim_value()));
          break;
        }
        dim->set_dim_value(given->second[i]);
      }
      continue;
    }
    if (!input.type().tensor_type().has_shape()) {
      result.errors.push_back("input '" + input.name() +
                              "' has no shape; give one with --input-shape " +
                              input.name() + "=<d0>x<d1>x...");
      continue;
    }
    for (int i = 0; i < shape->dim_size(); ++i) {
      auto *dim = shape->mutable_dim(i);
      if (dim->has_dim_value() && dim->dim_value() > 0)
        continue;
      if (i == 0) {
        result.warnings.push_back("input '" + input.name() + "' dim 0 (" +
                                  dimText(*dim) +
                                  ") is symbolic; using batch size 1");
        dim->set_dim_value(1);
        continue;
      }
      result.errors.push_back(
          "input '" + input.name() + "' dim " + std::to_string(i) + " (" +
          dimText(*dim) + ") is not static; give it with --input-shape " +
          input.name() + "=<d0>x<d1>x...");
      break;
    }
  }
  for (const auto &[name, shape] : shapes)
    if (!used.count(name))
      result.errors.push_back("--input-shape names '" + name +
                              "', which is not a graph input (inputs: " +
                              inputNames + ")");
}

/// Shape inference merges with what the file says; stale intermediate
/// shapes from the exporter (with its symbolic dims) must go first.
void dropStaleShapes(onnx::GraphProto &graph) {
  graph.clear_value_info();
  for (auto &output : *graph.mutable_output()) {
    if (!output.type().has_tensor_type())
      continue;
    auto *tensorType = output.mutable_type()->mutable_tensor_type();
    for (const auto &dim : tensorType->shape().dim())
      if (!dim.has_dim_value()) {
        tensorType->clear_shape();
        break;
      }
  }
}

bool inferShapes(onnx::ModelProto &model, LoadedModel &result) {
  try {
    onnx::ShapeInferenceOptions options(/*check_type=*/true,
                                        /*strict_mode=*/1,
                                        /*data_prop=*/true);
    onnx::shape_inference::InferShapes(model,
                                       onnx::OpSchemaRegistry::Instance(),
                                       options);
  } catch (const std::exception &e) {
    result.errors.push_back(std::string("shape inference failed: ") +
                            e.what());
    return false;
  }
  return true;
}

} // namespace

LoadedModel cim::onnx_import::loadOnnxModel(
    const std::string &bytes, const std::string &path,
    const std::map<std::string, std::vector<int64_t>> &inputShapes) {
  LoadedModel result;
  auto model = std::make_unique<onnx::ModelProto>();

  if (bytes.empty()) {
    result.errors.push_back("the file is empty");
    return result;
  }
  if (looksLikeText(bytes) && startsWithAngle(bytes)) {
    onnx::OnnxParser parser(bytes.c_str());
    onnx::Status status = parser.Parse(*model);
    if (!status.IsOK()) {
      result.errors.push_back("not a valid ONNX text model: " +
                              status.ErrorMessage());
      return result;
    }
  } else if (looksLikeText(bytes)) {
    std::string error;
    if (!parseProtobufText(bytes, *model, error)) {
      result.errors.push_back(
          "not a valid ONNX model in protobuf text format: " + error);
      return result;
    }
  } else if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
             !model->ParseFromArray(bytes.data(),
                                    static_cast<int>(bytes.size()))) {
    result.errors.push_back("not a valid ONNX model: the protobuf cannot be "
                            "parsed (corrupt or truncated file?)");
    return result;
  }
  if (!model->has_graph() || model->graph().node_size() == 0) {
    result.errors.push_back("not a valid ONNX model: it has no graph nodes");
    return result;
  }

  for (const auto &opset : model->opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      result.sourceOpset = opset.version();
  if (result.sourceOpset < kMinOpset || result.sourceOpset > kTargetOpset) {
    result.errors.push_back("default-domain opset " +
                            std::to_string(result.sourceOpset) +
                            " is not supported (supported: " +
                            std::to_string(kMinOpset) + ".." +
                            std::to_string(kTargetOpset) + ")");
    return result;
  }

  const std::string baseDir = directoryOf(path);
  for (auto &tensor : *model->mutable_graph()->mutable_initializer()) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL)
      continue;
    std::string error;
    if (!loadExternalData(tensor, baseDir, error)) {
      result.errors.push_back(error);
      return result;
    }
  }

  try {
    onnx::checker::check_model(*model);
  } catch (const std::exception &e) {
    result.errors.push_back(std::string("the model fails the ONNX checker: ") +
                            e.what());
    return result;
  }

  // Shapes first: the version converter's adapters (Softmax 12->13, ...)
  // need them.
  fixInputShapes(*model->mutable_graph(), inputShapes, result);
  if (!result.errors.empty())
    return result;
  dropStaleShapes(*model->mutable_graph());
  if (!inferShapes(*model, result))
    return result;

  if (result.sourceOpset != kTargetOpset) {
    try {
      *model = onnx::version_conversion::ConvertVersion(
          *model, static_cast<int>(kTargetOpset));
    } catch (const std::exception &e) {
      result.errors.push_back("cannot convert the model from opset " +
                              std::to_string(result.sourceOpset) + " to " +
                              std::to_string(kTargetOpset) + ": " + e.what());
      return result;
    }
    dropStaleShapes(*model->mutable_graph());
    if (!inferShapes(*model, result))
      return result;
  }

  // Alternate folding and inference until shapes computed from constants
  // are all known (each round can only shrink the graph).
  for (int round = 0; round < 16; ++round) {
    if (foldConstantSubgraphs(*model->mutable_graph()) == 0)
      break;
    if (!inferShapes(*model, result))
      return result;
  }
  result.model = std::move(model);
  return result;
}

int cim::onnx_import::opSinceVersion(const std::string &opType, int64_t opset) {
  const auto *schema =
      onnx::OpSchemaRegistry::Schema(opType, static_cast<int>(opset));
  return schema ? schema->SinceVersion() : 0;
}
