//===- ImportONNX.cpp - Walk an ONNX graph into the frontend contract -------===//

#include "cim/Import/ONNX/ImportONNX.h"

#include "ConstantFolder.h"
#include "GraphRewrites.h"
#include "ImportContext.h"
#include "ModelLoading.h"
#include "OpRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"


#include <set>
#include <sstream>

using namespace mlir;
using namespace cim::onnx_import;

bool cim::parseInputShapeOption(llvm::StringRef text, std::string &name,
                                std::vector<int64_t> &shape,
                                std::string &error) {
  auto [left, right] = text.rsplit('=');
  if (left.empty() || right.empty() || !text.contains('=')) {
    error = "--input-shape expects name=d0xd1x..., got '" + text.str() + "'";
    return false;
  }
  name = left.str();
  shape.clear();
  SmallVector<StringRef> dims;
  right.split(dims, 'x');
  for (StringRef dim : dims) {
    int64_t value;
    if (dim.getAsInteger(10, value) || value < 0) {
      error = "--input-shape " + text.str() + ": '" + dim.str() +
              "' is not a dimension size";
      return false;
    }
    shape.push_back(value);
  }
  return true;
}

namespace {

/// A node that failed or was unsupported poisons its outputs; nodes reading
/// them are skipped silently so one problem is reported once.
class GraphImporter {
public:
  GraphImporter(MLIRContext *context, StringRef path,
                const cim::OnnxImportOptions &options, int64_t sourceOpset)
      : context(context), path(path.str()),
        ctx(context, path.str(), options.largeConstantBytes),
        sourceOpset(sourceOpset) {}

  OwningOpRef<ModuleOp> run(onnx::ModelProto &model);

private:
  LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  bool tryFold(const onnx::NodeProto &node);

  MLIRContext *context;
  std::string path;
  ImportContext ctx;
  std::set<std::string> poisoned;
  struct Unsupported {
    std::string opType, node;
  };
  std::vector<Unsupported> unsupported;
  int64_t sourceOpset = 0;
};

} // namespace

bool GraphImporter::tryFold(const onnx::NodeProto &node) {
  std::vector<const HostTensor *> inputs;
  for (const std::string &name : node.input()) {
    if (name.empty()) {
      inputs.push_back(nullptr);
      continue;
    }
    const HostTensor *constant = ctx.constantOf(name);
    // Shape needs only the type of its input, not its data.
    if (!constant && node.op_type() != "Shape")
      return false;
    inputs.push_back(constant);
  }
  HostTensor typeOnly;
  if (node.op_type() == "Shape" && !inputs[0]) {
    FailureOr<RankedTensorType> type = ctx.typeOf(node.input(0));
    if (failed(type))
      return false;
    typeOnly.dtype = onnx::TensorProto::FLOAT;
    typeOnly.shape.assign(type->getShape().begin(), type->getShape().end());
    inputs[0] = &typeOnly;
  }
  std::vector<HostTensor> outputs;
  if (!foldConstantNode(node, inputs, outputs))
    return false;
  for (int i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty() && static_cast<size_t>(i) >= outputs.size())
      return false; // an output the folder does not produce is used
  for (size_t i = 0; i < outputs.size() && i < size_t(node.output_size()); ++i)
    if (!node.output(i).empty())
      ctx.defineConstant(node.output(i), std::move(outputs[i]));
  return true;
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        size_t index) {
  ctx.beginNode(node, index);
  auto poison = [&] {
    for (const std::string &output : node.output())
      poisoned.insert(output);
    return failure();
  };
  const bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
  const OpEntry *entry = defaultDomain ? opRegistry().lookup(node.op_type())
                                       : nullptr;
  auto recordUnsupported = [&] {
    std::string qualified = defaultDomain
                                ? node.op_type()
                                : node.domain() + "::" + node.op_type();
    unsupported.push_back(
        {qualified, node.name().empty() ? "<unnamed>" : node.name()});
    return poison();
  };
  const bool known = entry || (defaultDomain && (node.op_type() == "Constant" ||
                                                 isFoldableOp(node.op_type())));
  for (const std::string &input : node.input())
    if (!input.empty() && poisoned.count(input)) {
      // Downstream of a problem: still report an unsupported op here, so one
      // run lists them all; anything else was reported where it started.
      if (!known)
        return recordUnsupported();
      (void)poison();
      return success();
    }

  if (node.op_type() == "Constant" &&
      (node.domain().empty() || node.domain() == "ai.onnx")) {
    NodeAttributes attrs(node);
    HostTensor tensor;
    std::string error;
    if (const auto *value = attrs.find("value")) {
      onnx::TensorProto copy = value->t();
      if (!hostTensorFromProto(copy, tensor, error))
        {
        (void)ctx.fail(error);
        return poison();
      }
    } else if (const auto *f = attrs.find("value_float")) {
      tensor = HostTensor::fromDouble(onnx::TensorProto::FLOAT, {}, {f->f()});
    } else if (const auto *fs = attrs.find("value_floats")) {
      std::vector<double> values(fs->floats().begin(), fs->floats().end());
      tensor = HostTensor::fromDouble(onnx::TensorProto::FLOAT,
                                      {int64_t(values.size())}, values);
    } else if (const auto *i = attrs.find("value_int")) {
      tensor = HostTensor::fromInt64(onnx::TensorProto::INT64, {}, {i->i()});
    } else if (const auto *is = attrs.find("value_ints")) {
      std::vector<int64_t> values(is->ints().begin(), is->ints().end());
      tensor = HostTensor::fromInt64(onnx::TensorProto::INT64,
                                     {int64_t(values.size())}, values);
    } else {
      {
        (void)ctx.fail("only tensor, float(s) and int(s) constants are "
                      "supported");
        return poison();
      }
    }
    ctx.defineConstant(node.output(0), std::move(tensor));
    return success();
  }

  if (tryFold(node))
    return success();

  if (!entry)
    return recordUnsupported();
  if (failed(entry->handler(ctx)))
    return poison();
  for (const std::string &output : node.output())
    if (!output.empty() && !ctx.isDefined(output))
      {
        (void)ctx.fail("the importer produced no value for output '" + output +
                      "'");
        return poison();
      }
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run(onnx::ModelProto &model) {
  onnx::GraphProto &graph = *model.mutable_graph();
  Location fileLoc = FileLineColLoc::get(context, path, 0, 0);

  foldBatchNormalization(graph);

  std::set<std::string> initializerNames;
  for (auto &init : *graph.mutable_initializer()) {
    HostTensor tensor;
    std::string error;
    if (!hostTensorFromProto(init, tensor, error, /*steal=*/true)) {
      emitError(fileLoc) << error;
      return {};
    }
    initializerNames.insert(init.name());
    ctx.defineConstant(init.name(), std::move(tensor));
  }
  for (const auto &info : graph.input())
    ctx.recordType(info);
  for (const auto &info : graph.value_info())
    ctx.recordType(info);
  for (const auto &info : graph.output())
    ctx.recordType(info);

  // Signature: graph inputs that are not initializers, then the outputs.
  SmallVector<Type> argTypes, resultTypes;
  SmallVector<std::string> argNames;
  for (const auto &info : graph.input()) {
    if (initializerNames.count(info.name()))
      continue;
    FailureOr<RankedTensorType> type = ctx.typeOf(info.name());
    if (failed(type))
      return {};
    argTypes.push_back(*type);
    argNames.push_back(info.name());
  }
  for (const auto &info : graph.output()) {
    FailureOr<RankedTensorType> type = ctx.typeOf(info.name());
    if (failed(type))
      return {};
    resultTypes.push_back(*type);
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  OpBuilder &b = ctx.builder();
  b.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(b, fileLoc, "main",
                                   b.getFunctionType(argTypes, resultTypes));
  Block *entry = func.addEntryBlock();
  for (auto [index, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(index, "onnx.name", b.getStringAttr(name));
    ctx.defineValue(name, entry->getArgument(index));
  }
  for (auto [index, info] : llvm::enumerate(graph.output()))
    func.setResultAttr(index, "onnx.name", b.getStringAttr(info.name()));
  ctx.setInsertionPoint(entry);

  bool failedAny = false;
  for (auto [index, node] : llvm::enumerate(graph.node()))
    failedAny |= failed(importNode(node, index));

  for (const Unsupported &op : unsupported)
    emitError(fileLoc) << "unsupported ONNX op '" << op.opType << "' (node '"
                       << op.node << "', opset " << kTargetOpset
                       << " after conversion from " << sourceOpset << ")";
  if (!unsupported.empty()) {
    std::set<std::string> kinds;
    for (const Unsupported &op : unsupported)
      kinds.insert(op.opType);
    emitError(fileLoc) << unsupported.size() << " node(s) use "
                       << kinds.size() << " unsupported op type(s): "
                       << llvm::join(kinds, ", ");
  }
  if (failedAny || !unsupported.empty())
    return {};

  SmallVector<Value> results;
  ctx.setInsertionPoint(entry);
  for (const auto &info : graph.output()) {
    FailureOr<Value> value = ctx.valueOf(info.name());
    if (failed(value))
      return {};
    results.push_back(*value);
  }
  func::ReturnOp::create(b, fileLoc, results);
  if (failed(verify(*module)))
    return {};
  return module;
}

OwningOpRef<ModuleOp> cim::importOnnxModel(StringRef bytes, StringRef path,
                                           const OnnxImportOptions &options,
                                           MLIRContext *context) {
  context->loadDialect<arith::ArithDialect, func::FuncDialect,
                       linalg::LinalgDialect, math::MathDialect,
                       tensor::TensorDialect>();
  Location fileLoc = FileLineColLoc::get(context, path, 0, 0);
  LoadedModel loaded = loadOnnxModel(bytes.str(), path.str(),
                                     options.inputShapes);
  for (const std::string &warning : loaded.warnings)
    emitWarning(fileLoc) << warning;
  if (!loaded.ok()) {
    for (const std::string &error : loaded.errors)
      emitError(fileLoc) << error;
    return {};
  }
  GraphImporter importer(context, path, options, loaded.sourceOpset);
  return importer.run(*loaded.model);
}

std::string cim::renderOnnxOpTableMarkdown() {
  std::map<std::string, std::vector<std::string>> byFamily;
  for (const auto &[opType, entry] : opRegistry().all()) {
    int sinceVersion = opSinceVersion(opType, kTargetOpset);
    std::string since = sinceVersion > 0 ? std::to_string(sinceVersion) : "?";
    byFamily[entry.family].push_back(
        "| " + opType + " | " + std::to_string(kMinOpset) + "–" +
        std::to_string(kTargetOpset) + " (opset-" +
        std::to_string(kTargetOpset) + " form since " + since + ") | `" +
        entry.loweredTo + "` | " + (entry.limits.empty() ? "" : entry.limits) +
        " |");
  }
  std::ostringstream os;
  for (const auto &[family, rows] : byFamily) {
    os << "\n## " << family << "\n\n"
       << "| op | opsets | imported as | limits |\n|---|---|---|---|\n";
    for (const std::string &row : rows)
      os << row << "\n";
  }
  return os.str();
}
