//===- HostTensor.h - Constant ONNX tensors held by the importer -*- C++ -*-===//
//
// Initializers, Constant nodes and every value computable from them live on
// the host as raw little-endian bytes in ONNX's element layout. Weights are
// never converted: their bytes go straight into a dense_resource blob.
// Folding (shape arithmetic and friends) reads small tensors as int64 or
// double.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_LIB_IMPORT_ONNX_HOSTTENSOR_H
#define CIM_LIB_IMPORT_ONNX_HOSTTENSOR_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace cim::onnx_import {

struct HostTensor {
  /// onnx::TensorProto_DataType value.
  int32_t dtype = 0;
  std::vector<int64_t> shape;
  /// numElements() * elementSize(dtype) bytes; shared so that reshapes and
  /// identities cost nothing.
  std::shared_ptr<const std::string> bytes;

  int64_t numElements() const;
  bool isFloat() const;
  bool isInteger() const; // bool counts as integer
  /// Every element widened (exact for integers up to 2^53 as double).
  std::vector<int64_t> toInt64() const;
  std::vector<double> toDouble() const;

  static HostTensor fromInt64(int32_t dtype, std::vector<int64_t> shape,
                              const std::vector<int64_t> &values);
  static HostTensor fromDouble(int32_t dtype, std::vector<int64_t> shape,
                               const std::vector<double> &values);
  /// Same bytes, new shape (the element count must match).
  HostTensor reshaped(std::vector<int64_t> newShape) const;
};

/// Bytes per element of an ONNX data type; 0 for types we do not hold.
int64_t elementSize(int32_t dtype);
/// The ONNX name of a data type ("FLOAT", "INT64", ...).
const char *dtypeName(int32_t dtype);

/// Converts an initializer or a Constant's tensor; false with `error` set for
/// string tensors and other types the importer does not handle. With
/// `steal`, raw data moves out of the proto instead of being copied (how
/// weights reach their dense_resource blob without a copy).
bool hostTensorFromProto(onnx::TensorProto &proto, HostTensor &tensor,
                         std::string &error, bool steal = false);

} // namespace cim::onnx_import

#endif // CIM_LIB_IMPORT_ONNX_HOSTTENSOR_H
