//===- TensorPb.cpp - ONNX TensorProto .pb files --------------------------===//

#include "cim/runtime/TensorPb.h"

#include "cim/runtime/FileIO.h"

#include "onnx_tensor.pb.h"

#include <limits>

using namespace cim::runtime;

namespace {

/// onnx.TensorProto.DataType values.
enum OnnxType : int32_t {
  kFloat = 1,
  kInt8 = 3,
  kUInt8 = 2,
  kUInt16 = 4,
  kUInt32 = 12,
  kUInt64 = 13,
  kInt16 = 5,
  kBool = 9,
  kInt32 = 6,
  kInt64 = 7,
  kDouble = 11,
};

/// ONNX's name of a data type, for messages.
std::string onnxTypeName(int32_t type) {
  static const char *const names[] = {
      "UNDEFINED", "FLOAT",  "UINT8",     "INT8",       "UINT16",  "INT16",
      "INT32",     "INT64",  "STRING",    "BOOL",       "FLOAT16", "DOUBLE",
      "UINT32",    "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
  if (type >= 0 && type < static_cast<int32_t>(std::size(names)))
    return names[type];
  return "data type " + std::to_string(type);
}

bool dtypeOf(int32_t type, NpyDType &dtype) {
  switch (type) {
  case kFloat:
    dtype = NpyDType::Float32;
    return true;
  case kDouble:
    dtype = NpyDType::Float64;
    return true;
  case kInt8:
    dtype = NpyDType::Int8;
    return true;
  case kInt16:
    dtype = NpyDType::Int16;
    return true;
  case kInt32:
    dtype = NpyDType::Int32;
    return true;
  case kInt64:
    dtype = NpyDType::Int64;
    return true;
  case kBool:
    dtype = NpyDType::Bool;
    return true;
  // Unsigned tensors are read as the same bits in a signless integer of
  // their width (the program's integers are signless; the ops say how to
  // read them).
  case kUInt8:
    dtype = NpyDType::Int8;
    return true;
  case kUInt16:
    dtype = NpyDType::Int16;
    return true;
  case kUInt32:
    dtype = NpyDType::Int32;
    return true;
  case kUInt64:
    dtype = NpyDType::Int64;
    return true;
  default:
    return false;
  }
}

int32_t onnxTypeOf(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::Float32:
    return kFloat;
  case NpyDType::Float64:
    return kDouble;
  case NpyDType::Int8:
    return kInt8;
  case NpyDType::Int16:
    return kInt16;
  case NpyDType::Int32:
    return kInt32;
  case NpyDType::Int64:
    return kInt64;
  case NpyDType::Bool:
    return kBool;
  }
  return 0;
}

/// Checks that `count` typed elements are there and copies them.
template <typename Field, typename Element>
std::string takeTyped(const Field &field, int64_t count, const char *fieldName,
                      std::vector<Element> &out) {
  if (static_cast<int64_t>(field.size()) != count)
    return "the dims hold " + std::to_string(count) + " elements but " +
           fieldName + " has " + std::to_string(field.size());
  out.assign(field.begin(), field.end());
  return "";
}

std::string parse(const std::string &bytes, NpyArray &array,
                  std::string *name) {
  cim::onnx_tensor::TensorProto tensor;
  if (!tensor.ParseFromString(bytes))
    return "not an ONNX TensorProto (the bytes do not parse; truncated?)";
  if (tensor.data_location() == 1 || tensor.external_data_size() > 0)
    return "the tensor's data is in an external file, which .pb tensor "
           "files do not support";
  if (!tensor.has_data_type())
    return "the tensor has no data_type";
  if (!dtypeOf(tensor.data_type(), array.dtype))
    return "unsupported element type " + onnxTypeName(tensor.data_type()) +
           " (FLOAT, DOUBLE, INT8..INT64, UINT8..UINT64 and BOOL are)";
  int64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0)
      return "negative dimension " + std::to_string(dim);
    if (dim > 0 && count > std::numeric_limits<int32_t>::max() / dim)
      return "the dims have too many elements";
    count *= dim;
  }
  array.shape.assign(tensor.dims().begin(), tensor.dims().end());

  if (tensor.has_raw_data()) {
    const int64_t expected = count * npyElementBytes(array.dtype);
    const int64_t have = static_cast<int64_t>(tensor.raw_data().size());
    if (have != expected)
      return "the dims hold " + std::to_string(count) + " " +
             toString(array.dtype) + " elements (" + std::to_string(expected) +
             " bytes) but raw_data has " + std::to_string(have) + " bytes";
    decodeElements(tensor.raw_data().data(), count, array);
  } else {
    std::string error;
    switch (tensor.data_type()) {
    case kFloat:
      error = takeTyped(tensor.float_data(), count, "float_data", array.floats);
      break;
    case kDouble:
      error =
          takeTyped(tensor.double_data(), count, "double_data", array.floats);
      break;
    case kInt64:
      error = takeTyped(tensor.int64_data(), count, "int64_data", array.ints);
      break;
    case kUInt32:
    case kUInt64:
      error = takeTyped(tensor.uint64_data(), count, "uint64_data", array.ints);
      break;
    default: // INT8, INT16, INT32, UINT8, UINT16, BOOL: in int32_data.
      error = takeTyped(tensor.int32_data(), count, "int32_data", array.ints);
      break;
    }
    if (!error.empty())
      return error;
    // Narrow types are stored widened: check each fits (unsigned ones in
    // their unsigned range, then as the same bits signed).
    const int64_t size = npyElementBytes(array.dtype);
    const int32_t type = tensor.data_type();
    if (type == kUInt8 || type == kUInt16 || type == kUInt32) {
      const int64_t bits = 8 * size;
      for (size_t e = 0; e < array.ints.size(); ++e) {
        if (array.ints[e] < 0 || array.ints[e] >= (int64_t(1) << bits))
          return "element " + std::to_string(e) + " = " +
                 std::to_string(array.ints[e]) + " does not fit " +
                 onnxTypeName(type);
        if (array.ints[e] >= (int64_t(1) << (bits - 1)))
          array.ints[e] -= int64_t(1) << bits;
      }
    } else if (array.isInteger() && size < 4) {
      const int64_t hi = (int64_t(1) << (8 * size - 1)) - 1;
      for (size_t e = 0; e < array.ints.size(); ++e)
        if (array.ints[e] < -hi - 1 || array.ints[e] > hi)
          return "element " + std::to_string(e) + " = " +
                 std::to_string(array.ints[e]) + " does not fit " +
                 toString(array.dtype);
    }
  }
  if (name)
    *name = tensor.name();
  return "";
}

} // namespace

Status cim::runtime::parseTensorPb(const std::string &bytes,
                                   const std::string &source, NpyArray &array,
                                   std::string *name) {
  array = NpyArray();
  if (std::string error = parse(bytes, array, name); !error.empty()) {
    array = NpyArray();
    return Status::error(source + ": " + error);
  }
  return Status::ok();
}

Status cim::runtime::renderTensorPb(const NpyArray &array,
                                    const std::string &name,
                                    std::string &bytes) {
  if (Status s = checkElementCount(array); !s)
    return s;
  cim::onnx_tensor::TensorProto tensor;
  for (int64_t dim : array.shape)
    tensor.add_dims(dim);
  tensor.set_data_type(onnxTypeOf(array.dtype));
  tensor.set_name(name);
  std::string raw;
  if (Status s = encodeElements(array, raw); !s)
    return s;
  tensor.set_raw_data(std::move(raw));
  if (!tensor.SerializeToString(&bytes))
    return Status::error("cannot serialize the tensor '" + name + "'");
  return Status::ok();
}

Status cim::runtime::readTensorFile(const std::string &path, NpyArray &array) {
  const bool pb =
      path.size() >= 3 && path.compare(path.size() - 3, 3, ".pb") == 0;
  if (!pb)
    return readNpyFile(path, array);
  std::string bytes;
  if (Status s = readFile(path, bytes); !s)
    return s;
  return parseTensorPb(bytes, path, array);
}
