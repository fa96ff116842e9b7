//===- ImportContext.h - What an op handler sees of the import ---*- C++ -*-===//
//
// One ImportContext walks the graph. For each node it hands the op's
// handler typed access to inputs (materialising constants on demand),
// attributes, the inferred output types, and a builder positioned in the
// function body with the node's location. Handlers set outputs or fail with
// a message; the context prefixes it with the node so every error leads back
// to the ONNX node.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_LIB_IMPORT_ONNX_IMPORTCONTEXT_H
#define CIM_LIB_IMPORT_ONNX_IMPORTCONTEXT_H

#include "HostTensor.h"
#include "NodeAttributes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <optional>
#include <string>

namespace cim::onnx_import {

class ImportContext {
public:
  ImportContext(mlir::MLIRContext *context, const std::string &modelPath,
                int64_t largeConstantBytes);

  //===--- For handlers -------------------------------------------------===//

  mlir::OpBuilder &builder() { return b; }
  mlir::MLIRContext *getContext() { return b.getContext(); }
  /// Location of the node being imported: its name and op type, in the file.
  mlir::Location loc() const { return currentLoc; }
  const onnx::NodeProto &node() const { return *currentNode; }
  const NodeAttributes &attrs() const { return *currentAttrs; }

  /// Number of inputs including absent optional ones (empty names).
  size_t numInputs() const { return currentNode->input_size(); }
  bool hasInput(size_t index) const {
    return index < numInputs() && !currentNode->input(index).empty();
  }
  /// The SSA value of an input; constants become arith.constant on first
  /// use. Fails (with a diagnostic) if the input is absent.
  mlir::FailureOr<mlir::Value> input(size_t index);
  /// The host data of an input when it is a compile-time constant.
  const HostTensor *constantInput(size_t index) const;
  /// Static ranked type of an input.
  mlir::RankedTensorType inputType(size_t index) const;
  /// ONNX element type of an input (keeps signedness that MLIR's signless
  /// integers drop).
  int32_t inputDtype(size_t index) const;

  size_t numOutputs() const { return currentNode->output_size(); }
  /// Inferred static type of an output; fails when shape inference left it
  /// unknown or symbolic.
  mlir::FailureOr<mlir::RankedTensorType> outputType(size_t index);
  int32_t outputDtype(size_t index) const;
  void setOutput(size_t index, mlir::Value value);

  /// Emits an error at the node: "<message>" located at the node.
  mlir::LogicalResult fail(const llvm::Twine &message);

  /// An arith.constant holding `tensor` (a dense_resource blob above the
  /// size threshold, sharing the bytes rather than copying them).
  mlir::Value materialize(const HostTensor &tensor);

  //===--- For the driver -----------------------------------------------===//

  mlir::Type elementType(int32_t dtype) const;
  mlir::FailureOr<mlir::RankedTensorType> typeOf(const std::string &name);
  void defineValue(const std::string &name, mlir::Value value);
  void defineConstant(const std::string &name, HostTensor tensor);
  /// Records the type ONNX inferred for a value (graph inputs, value_info,
  /// outputs).
  void recordType(const onnx::ValueInfoProto &info);
  bool isDefined(const std::string &name) const;
  /// The value of `name`, materialising a constant if needed.
  mlir::FailureOr<mlir::Value> valueOf(const std::string &name);
  const HostTensor *constantOf(const std::string &name) const;
  void beginNode(const onnx::NodeProto &node, size_t index);
  mlir::Location nodeLocation(const onnx::NodeProto &node, size_t index);
  void setInsertionPoint(mlir::Block *block) { b.setInsertionPointToEnd(block); }

private:
  mlir::OpBuilder b;
  std::string modelPath;
  int64_t largeConstantBytes;
  mlir::Location currentLoc;
  const onnx::NodeProto *currentNode = nullptr;
  std::optional<NodeAttributes> currentAttrs;
  llvm::StringMap<mlir::Value> values;
  std::map<std::string, HostTensor> constants;
  std::map<std::string, onnx::TypeProto> types;
  unsigned resourceCounter = 0;
};

} // namespace cim::onnx_import

#endif // CIM_LIB_IMPORT_ONNX_IMPORTCONTEXT_H
