//===- ImportContext.cpp - What an op handler sees of the import ------------===//

#include "ImportContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinDialect.h"

using namespace mlir;
using namespace cim::onnx_import;
using onnx::TensorProto;

ImportContext::ImportContext(MLIRContext *context, const std::string &path,
                             int64_t largeConstantBytes)
    : b(context), modelPath(path), largeConstantBytes(largeConstantBytes),
      currentLoc(FileLineColLoc::get(context, path, 0, 0)) {}

Type ImportContext::elementType(int32_t dtype) const {
  MLIRContext *ctx = b.getContext();
  switch (dtype) {
  case TensorProto::FLOAT:
    return Float32Type::get(ctx);
  case TensorProto::DOUBLE:
    return Float64Type::get(ctx);
  case TensorProto::FLOAT16:
    return Float16Type::get(ctx);
  case TensorProto::BFLOAT16:
    return BFloat16Type::get(ctx);
  case TensorProto::BOOL:
    return IntegerType::get(ctx, 1);
  case TensorProto::INT8:
  case TensorProto::UINT8:
    return IntegerType::get(ctx, 8);
  case TensorProto::INT16:
  case TensorProto::UINT16:
    return IntegerType::get(ctx, 16);
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return IntegerType::get(ctx, 32);
  case TensorProto::INT64:
  case TensorProto::UINT64:
    return IntegerType::get(ctx, 64);
  default:
    return {};
  }
}

void ImportContext::recordType(const onnx::ValueInfoProto &info) {
  if (info.has_type())
    types[info.name()] = info.type();
}

FailureOr<RankedTensorType> ImportContext::typeOf(const std::string &name) {
  if (const HostTensor *constant = constantOf(name)) {
    Type elem = elementType(constant->dtype);
    if (!elem)
      return fail("value '" + name + "' has unsupported element type " +
                  dtypeName(constant->dtype));
    return RankedTensorType::get(constant->shape, elem);
  }
  auto it = types.find(name);
  if (it == types.end() || !it->second.has_tensor_type())
    return fail("shape inference gave no type for value '" + name + "'");
  const auto &tensorType = it->second.tensor_type();
  Type elem = elementType(tensorType.elem_type());
  if (!elem)
    return fail("value '" + name + "' has unsupported element type " +
                dtypeName(tensorType.elem_type()));
  if (!tensorType.has_shape())
    return fail("shape inference gave no shape for value '" + name +
                "'; its size depends on data that is not constant");
  SmallVector<int64_t> shape;
  for (const auto &dim : tensorType.shape().dim()) {
    if (!dim.has_dim_value())
      return fail("value '" + name + "' has a dynamic dimension" +
                  (dim.dim_param().empty()
                       ? std::string()
                       : " ('" + dim.dim_param() + "')") +
                  "; only static shapes are supported (fix the inputs with "
                  "--input-shape)");
    shape.push_back(dim.dim_value());
  }
  return RankedTensorType::get(shape, elem);
}

void ImportContext::defineValue(const std::string &name, Value value) {
  values[name] = value;
}

void ImportContext::defineConstant(const std::string &name,
                                   HostTensor tensor) {
  constants[name] = std::move(tensor);
  values.erase(name);
}

bool ImportContext::isDefined(const std::string &name) const {
  return values.count(name) || constants.count(name);
}

const HostTensor *ImportContext::constantOf(const std::string &name) const {
  auto it = constants.find(name);
  return it == constants.end() ? nullptr : &it->second;
}

FailureOr<Value> ImportContext::valueOf(const std::string &name) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  if (const HostTensor *constant = constantOf(name)) {
    if (!elementType(constant->dtype))
      return fail("constant '" + name + "' has unsupported element type " +
                  dtypeName(constant->dtype));
    Value value = materialize(*constant);
    values[name] = value; // materialise once, reuse after
    return value;
  }
  return fail("value '" + name + "' is not defined");
}

Value ImportContext::materialize(const HostTensor &tensor) {
  auto type = RankedTensorType::get(tensor.shape, elementType(tensor.dtype));
  const std::string &bytes = *tensor.bytes;
  ElementsAttr attr;
  if (tensor.dtype == TensorProto::BOOL) {
    // i1 dense storage is bit-packed; go through bools.
    SmallVector<bool> bits;
    for (char c : bytes)
      bits.push_back(c != 0);
    attr = DenseElementsAttr::get(type, bits);
  } else if (static_cast<int64_t>(bytes.size()) >= largeConstantBytes) {
    // The blob keeps the bytes alive through the shared pointer: no copy.
    std::shared_ptr<const std::string> owner = tensor.bytes;
    AsmResourceBlob blob = UnmanagedAsmResourceBlob::allocateWithAlign(
        ArrayRef<char>(owner->data(), owner->size()),
        static_cast<size_t>(elementSize(tensor.dtype)),
        [owner](void *, size_t, size_t) mutable { owner.reset(); });
    attr = DenseResourceElementsAttr::get(
        type, "onnx_weight_" + std::to_string(resourceCounter++),
        std::move(blob));
  } else {
    attr = DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(bytes.data(), bytes.size()));
  }
  return arith::ConstantOp::create(b, currentLoc, cast<TypedAttr>(attr));
}

Location ImportContext::nodeLocation(const onnx::NodeProto &node,
                                     size_t index) {
  MLIRContext *ctx = b.getContext();
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  Location file = FileLineColLoc::get(ctx, modelPath, 0, 0);
  return FusedLoc::get(ctx, {NameLoc::get(StringAttr::get(ctx, name), file)},
                       StringAttr::get(ctx, node.op_type()));
}

void ImportContext::beginNode(const onnx::NodeProto &node, size_t index) {
  currentNode = &node;
  currentAttrs.emplace(node);
  currentLoc = nodeLocation(node, index);
}

FailureOr<Value> ImportContext::input(size_t index) {
  if (!hasInput(index))
    return fail("input " + std::to_string(index) + " is required");
  return valueOf(currentNode->input(index));
}

const HostTensor *ImportContext::constantInput(size_t index) const {
  return hasInput(index) ? constantOf(currentNode->input(index)) : nullptr;
}

RankedTensorType ImportContext::inputType(size_t index) const {
  auto *self = const_cast<ImportContext *>(this);
  FailureOr<RankedTensorType> type = self->typeOf(currentNode->input(index));
  return succeeded(type) ? *type : RankedTensorType();
}

int32_t ImportContext::inputDtype(size_t index) const {
  const std::string &name = currentNode->input(index);
  if (const HostTensor *constant = constantOf(name))
    return constant->dtype;
  auto it = types.find(name);
  return it == types.end() ? 0 : it->second.tensor_type().elem_type();
}

FailureOr<RankedTensorType> ImportContext::outputType(size_t index) {
  return typeOf(currentNode->output(index));
}

int32_t ImportContext::outputDtype(size_t index) const {
  auto it = types.find(currentNode->output(index));
  return it == types.end() ? 0 : it->second.tensor_type().elem_type();
}

void ImportContext::setOutput(size_t index, Value value) {
  defineValue(currentNode->output(index), value);
}

LogicalResult ImportContext::fail(const llvm::Twine &message) {
  if (!currentNode) {
    emitError(currentLoc) << message;
    return failure();
  }
  std::string name = currentNode->name().empty() ? "<unnamed>"
                                                 : currentNode->name();
  emitError(currentLoc) << "node '" << name << "' ("
                        << currentNode->op_type() << "): " << message;
  return failure();
}
