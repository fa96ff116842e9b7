//===- HostTensor.cpp - Constant ONNX tensors held by the importer ----------===//

#include "HostTensor.h"

#include "onnx/onnx_pb.h"

#include <cstring>

using namespace cim::onnx_import;
using onnx::TensorProto;

int64_t cim::onnx_import::elementSize(int32_t dtype) {
  switch (dtype) {
  case TensorProto::FLOAT:
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return 4;
  case TensorProto::DOUBLE:
  case TensorProto::INT64:
  case TensorProto::UINT64:
    return 8;
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
  case TensorProto::INT16:
  case TensorProto::UINT16:
    return 2;
  case TensorProto::INT8:
  case TensorProto::UINT8:
  case TensorProto::BOOL:
    return 1;
  default:
    return 0;
  }
}

const char *cim::onnx_import::dtypeName(int32_t dtype) {
  return TensorProto::DataType_IsValid(dtype)
             ? TensorProto::DataType_Name(
                   static_cast<TensorProto::DataType>(dtype))
                   .c_str()
             : "INVALID";
}

int64_t HostTensor::numElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

bool HostTensor::isFloat() const {
  return dtype == TensorProto::FLOAT || dtype == TensorProto::DOUBLE ||
         dtype == TensorProto::FLOAT16 || dtype == TensorProto::BFLOAT16;
}

bool HostTensor::isInteger() const { return !isFloat(); }

namespace {

template <typename T> T load(const char *data, int64_t index) {
  T value;
  std::memcpy(&value, data + index * sizeof(T), sizeof(T));
  return value;
}

template <typename T> void store(char *data, int64_t index, T value) {
  std::memcpy(data + index * sizeof(T), &value, sizeof(T));
}

float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1f,
           mantissa = h & 0x3ff, bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else { // subnormal: normalise
      exponent = 127 - 15 + 1;
      while (!(mantissa & 0x400)) {
        mantissa <<= 1;
        --exponent;
      }
      bits = sign | (exponent << 23) | ((mantissa & 0x3ff) << 13);
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t floatToHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint32_t sign = (bits >> 16) & 0x8000u;
  int32_t exponent = static_cast<int32_t>((bits >> 23) & 0xff) - 127 + 15;
  uint32_t mantissa = bits & 0x7fffff;
  if (((bits >> 23) & 0xff) == 0xff) // inf or nan
    return static_cast<uint16_t>(sign | 0x7c00u | (mantissa ? 0x200u : 0));
  if (exponent >= 31)
    return static_cast<uint16_t>(sign | 0x7c00u);
  if (exponent <= 0) {
    if (exponent < -10)
      return static_cast<uint16_t>(sign);
    mantissa |= 0x800000u;
    uint32_t shift = static_cast<uint32_t>(14 - exponent);
    uint32_t half = mantissa >> shift;
    uint32_t rest = mantissa & ((1u << shift) - 1), midpoint = 1u << (shift - 1);
    if (rest > midpoint || (rest == midpoint && (half & 1)))
      ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = sign | (static_cast<uint32_t>(exponent) << 10) |
                  (mantissa >> 13);
  uint32_t rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
    ++half; // may carry into the exponent, which is the correct rounding
  return static_cast<uint16_t>(half);
}

} // namespace

std::vector<int64_t> HostTensor::toInt64() const {
  const int64_t n = numElements();
  std::vector<int64_t> values(static_cast<size_t>(n));
  const char *data = bytes ? bytes->data() : nullptr;
  for (int64_t i = 0; i < n; ++i) {
    switch (dtype) {
    case TensorProto::INT64:
      values[i] = load<int64_t>(data, i);
      break;
    case TensorProto::UINT64:
      values[i] = static_cast<int64_t>(load<uint64_t>(data, i));
      break;
    case TensorProto::INT32:
      values[i] = load<int32_t>(data, i);
      break;
    case TensorProto::UINT32:
      values[i] = load<uint32_t>(data, i);
      break;
    case TensorProto::INT16:
      values[i] = load<int16_t>(data, i);
      break;
    case TensorProto::UINT16:
      values[i] = load<uint16_t>(data, i);
      break;
    case TensorProto::INT8:
      values[i] = load<int8_t>(data, i);
      break;
    case TensorProto::UINT8:
    case TensorProto::BOOL:
      values[i] = load<uint8_t>(data, i);
      break;
    default:
      values[i] = static_cast<int64_t>(toDouble()[i]);
      break;
    }
  }
  return values;
}

std::vector<double> HostTensor::toDouble() const {
  const int64_t n = numElements();
  std::vector<double> values(static_cast<size_t>(n));
  const char *data = bytes ? bytes->data() : nullptr;
  if (isInteger()) {
    std::vector<int64_t> ints = toInt64();
    for (int64_t i = 0; i < n; ++i)
      values[i] = static_cast<double>(ints[i]);
    return values;
  }
  for (int64_t i = 0; i < n; ++i) {
    switch (dtype) {
    case TensorProto::FLOAT:
      values[i] = load<float>(data, i);
      break;
    case TensorProto::DOUBLE:
      values[i] = load<double>(data, i);
      break;
    case TensorProto::FLOAT16:
      values[i] = halfToFloat(load<uint16_t>(data, i));
      break;
    case TensorProto::BFLOAT16: {
      uint32_t bits = static_cast<uint32_t>(load<uint16_t>(data, i)) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      values[i] = f;
      break;
    }
    default:
      values[i] = 0;
    }
  }
  return values;
}

HostTensor HostTensor::fromInt64(int32_t dtype, std::vector<int64_t> shape,
                                 const std::vector<int64_t> &values) {
  HostTensor tensor;
  tensor.dtype = dtype;
  tensor.shape = std::move(shape);
  if (tensor.isFloat()) {
    std::vector<double> asDouble(values.begin(), values.end());
    return fromDouble(dtype, tensor.shape, asDouble);
  }
  const int64_t size = elementSize(dtype);
  std::string data(values.size() * size, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    switch (size) {
    case 8:
      store<int64_t>(data.data(), i, values[i]);
      break;
    case 4:
      store<int32_t>(data.data(), i, static_cast<int32_t>(values[i]));
      break;
    case 2:
      store<int16_t>(data.data(), i, static_cast<int16_t>(values[i]));
      break;
    default:
      store<int8_t>(data.data(), i,
                    static_cast<int8_t>(dtype == TensorProto::BOOL
                                            ? values[i] != 0
                                            : values[i]));
    }
  }
  tensor.bytes = std::make_shared<const std::string>(std::move(data));
  return tensor;
}

HostTensor HostTensor::fromDouble(int32_t dtype, std::vector<int64_t> shape,
                                  const std::vector<double> &values) {
  HostTensor tensor;
  tensor.dtype = dtype;
  tensor.shape = std::move(shape);
  if (!tensor.isFloat()) {
    std::vector<int64_t> asInt(values.size());
    for (size_t i = 0; i < values.size(); ++i)
      asInt[i] = static_cast<int64_t>(values[i]);
    return fromInt64(dtype, tensor.shape, asInt);
  }
  std::string data(values.size() * elementSize(dtype), '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    switch (dtype) {
    case TensorProto::FLOAT:
      store<float>(data.data(), i, static_cast<float>(values[i]));
      break;
    case TensorProto::DOUBLE:
      store<double>(data.data(), i, values[i]);
      break;
    case TensorProto::FLOAT16:
      store<uint16_t>(data.data(), i,
                      floatToHalf(static_cast<float>(values[i])));
      break;
    default: { // BFLOAT16, round to nearest even
      float f = static_cast<float>(values[i]);
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      bits += 0x7fff + ((bits >> 16) & 1);
      store<uint16_t>(data.data(), i, static_cast<uint16_t>(bits >> 16));
    }
    }
  }
  tensor.bytes = std::make_shared<const std::string>(std::move(data));
  return tensor;
}

HostTensor HostTensor::reshaped(std::vector<int64_t> newShape) const {
  HostTensor tensor = *this;
  tensor.shape = std::move(newShape);
  return tensor;
}

bool cim::onnx_import::hostTensorFromProto(TensorProto &proto,
                                           HostTensor &tensor,
                                           std::string &error, bool steal) {
  tensor.dtype = proto.data_type();
  tensor.shape.assign(proto.dims().begin(), proto.dims().end());
  const int64_t size = elementSize(tensor.dtype);
  if (size == 0) {
    error = std::string("tensor '") + proto.name() + "' has element type " +
            dtypeName(tensor.dtype) + ", which is not supported";
    return false;
  }
  const int64_t n = tensor.numElements();
  if (proto.has_raw_data()) {
    if (static_cast<int64_t>(proto.raw_data().size()) != n * size) {
      error = "tensor '" + proto.name() + "' has " +
              std::to_string(proto.raw_data().size()) + " bytes of data, " +
              "expected " + std::to_string(n * size);
      return false;
    }
    if (steal)
      tensor.bytes = std::shared_ptr<const std::string>(
          proto.release_raw_data());
    else
      tensor.bytes = std::make_shared<const std::string>(proto.raw_data());
    return true;
  }
  // Typed fields: ONNX keeps small types widened in int32_data.
  std::string data(static_cast<size_t>(n * size), '\0');
  auto mismatch = [&](int64_t have) {
    error = "tensor '" + proto.name() + "' has " + std::to_string(have) +
            " values, expected " + std::to_string(n);
    return false;
  };
  switch (tensor.dtype) {
  case TensorProto::FLOAT:
    if (proto.float_data_size() != n)
      return mismatch(proto.float_data_size());
    std::memcpy(data.data(), proto.float_data().data(), n * 4);
    break;
  case TensorProto::DOUBLE:
    if (proto.double_data_size() != n)
      return mismatch(proto.double_data_size());
    std::memcpy(data.data(), proto.double_data().data(), n * 8);
    break;
  case TensorProto::INT64:
    if (proto.int64_data_size() != n)
      return mismatch(proto.int64_data_size());
    std::memcpy(data.data(), proto.int64_data().data(), n * 8);
    break;
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    if (proto.uint64_data_size() != n)
      return mismatch(proto.uint64_data_size());
    for (int64_t i = 0; i < n; ++i) {
      if (size == 8)
        store<uint64_t>(data.data(), i, proto.uint64_data(i));
      else
        store<uint32_t>(data.data(), i,
                        static_cast<uint32_t>(proto.uint64_data(i)));
    }
    break;
  default: // int32, int16, int8, uint16, uint8, bool, float16, bfloat16
    if (proto.int32_data_size() != n)
      return mismatch(proto.int32_data_size());
    for (int64_t i = 0; i < n; ++i) {
      int32_t v = proto.int32_data(i);
      if (size == 4)
        store<int32_t>(data.data(), i, v);
      else if (size == 2)
        store<uint16_t>(data.data(), i, static_cast<uint16_t>(v));
      else
        store<uint8_t>(data.data(), i, static_cast<uint8_t>(v));
    }
  }
  tensor.bytes = std::make_shared<const std::string>(std::move(data));
  return true;
}
