//===- ProgramCodec.cpp - Program fields in their protobuf form -----------===//

#include "ProgramCodec.h"

#include <cfloat>
#include <cmath>
#include <cstring>

using namespace cim;
using namespace cim::runtime;

namespace cim::runtime::detail {

//===----------------------------------------------------------------------===//
// Enumerations
//===----------------------------------------------------------------------===//

pb::ElementType toProto(ElementType type) {
  switch (type) {
  case ElementType::I8:
    return pb::ELEMENT_TYPE_I8;
  case ElementType::I16:
    return pb::ELEMENT_TYPE_I16;
  case ElementType::I32:
    return pb::ELEMENT_TYPE_I32;
  case ElementType::I64:
    return pb::ELEMENT_TYPE_I64;
  case ElementType::F32:
    return pb::ELEMENT_TYPE_F32;
  case ElementType::I1:
    return pb::ELEMENT_TYPE_I1;
  case ElementType::F64:
    return pb::ELEMENT_TYPE_F64;
  }
  return pb::ELEMENT_TYPE_UNSPECIFIED;
}

/// proto3 enumerations are open: a file can hold any number there.
bool fromProto(int type, ElementType &out) {
  switch (type) {
  case pb::ELEMENT_TYPE_I8:
    out = ElementType::I8;
    return true;
  case pb::ELEMENT_TYPE_I16:
    out = ElementType::I16;
    return true;
  case pb::ELEMENT_TYPE_I32:
    out = ElementType::I32;
    return true;
  case pb::ELEMENT_TYPE_I64:
    out = ElementType::I64;
    return true;
  case pb::ELEMENT_TYPE_F32:
    out = ElementType::F32;
    return true;
  case pb::ELEMENT_TYPE_I1:
    out = ElementType::I1;
    return true;
  case pb::ELEMENT_TYPE_F64:
    out = ElementType::F64;
    return true;
  default:
    return false;
  }
}

pb::Opcode toProto(Opcode opcode) {
  switch (opcode) {
  case Opcode::Program:
    return pb::OPCODE_PROGRAM;
  case Opcode::Dac:
    return pb::OPCODE_DAC;
  case Opcode::Mvm:
    return pb::OPCODE_MVM;
  case Opcode::Adc:
    return pb::OPCODE_ADC;
  case Opcode::ShiftAdd:
    return pb::OPCODE_SHIFT_ADD;
  case Opcode::Recombine:
    return pb::OPCODE_RECOMBINE;
  case Opcode::Accumulate:
    return pb::OPCODE_ACCUMULATE;
  case Opcode::Rescale:
    return pb::OPCODE_RESCALE;
  case Opcode::Quantize:
    return pb::OPCODE_QUANTIZE;
  case Opcode::Transfer:
    return pb::OPCODE_TRANSFER;
  case Opcode::Slice:
    return pb::OPCODE_SLICE;
  case Opcode::Concat:
    return pb::OPCODE_CONCAT;
  case Opcode::Generic:
    return pb::OPCODE_GENERIC;
  case Opcode::Reshape:
    return pb::OPCODE_RESHAPE;
  case Opcode::DynamicScale:
    return pb::OPCODE_DYNAMIC_SCALE;
  case Opcode::Encode:
    return pb::OPCODE_ENCODE;
  }
  return pb::OPCODE_UNSPECIFIED;
}

bool fromProto(int opcode, Opcode &out) {
  switch (opcode) {
  case pb::OPCODE_PROGRAM:
    out = Opcode::Program;
    return true;
  case pb::OPCODE_DAC:
    out = Opcode::Dac;
    return true;
  case pb::OPCODE_MVM:
    out = Opcode::Mvm;
    return true;
  case pb::OPCODE_ADC:
    out = Opcode::Adc;
    return true;
  case pb::OPCODE_SHIFT_ADD:
    out = Opcode::ShiftAdd;
    return true;
  case pb::OPCODE_RECOMBINE:
    out = Opcode::Recombine;
    return true;
  case pb::OPCODE_ACCUMULATE:
    out = Opcode::Accumulate;
    return true;
  case pb::OPCODE_RESCALE:
    out = Opcode::Rescale;
    return true;
  case pb::OPCODE_QUANTIZE:
    out = Opcode::Quantize;
    return true;
  case pb::OPCODE_TRANSFER:
    out = Opcode::Transfer;
    return true;
  case pb::OPCODE_SLICE:
    out = Opcode::Slice;
    return true;
  case pb::OPCODE_CONCAT:
    out = Opcode::Concat;
    return true;
  case pb::OPCODE_GENERIC:
    out = Opcode::Generic;
    return true;
  case pb::OPCODE_RESHAPE:
    out = Opcode::Reshape;
    return true;
  case pb::OPCODE_DYNAMIC_SCALE:
    out = Opcode::DynamicScale;
    return true;
  case pb::OPCODE_ENCODE:
    out = Opcode::Encode;
    return true;
  default:
    return false;
  }
}

pb::SignedEncoding toProto(arch::SignedEncoding scheme) {
  switch (scheme) {
  case arch::SignedEncoding::Differential:
    return pb::SIGNED_ENCODING_DIFFERENTIAL;
  case arch::SignedEncoding::Offset:
    return pb::SIGNED_ENCODING_OFFSET;
  case arch::SignedEncoding::TwosComplement:
    return pb::SIGNED_ENCODING_TWOS_COMPLEMENT;
  }
  return pb::SIGNED_ENCODING_UNSPECIFIED;
}

bool fromProto(int scheme, arch::SignedEncoding &out) {
  switch (scheme) {
  case pb::SIGNED_ENCODING_DIFFERENTIAL:
    out = arch::SignedEncoding::Differential;
    return true;
  case pb::SIGNED_ENCODING_OFFSET:
    out = arch::SignedEncoding::Offset;
    return true;
  case pb::SIGNED_ENCODING_TWOS_COMPLEMENT:
    out = arch::SignedEncoding::TwosComplement;
    return true;
  default:
    return false;
  }
}

//===----------------------------------------------------------------------===//
// Constants as little-endian bytes
//===----------------------------------------------------------------------===//

std::string describe(int64_t id, const ValueInfo &value) {
  return "value " + std::to_string(id) + " '" + value.name + "'";
}

/// Appends the low `size` bytes of `bits`, least significant first.
static void appendLittleEndian(uint64_t bits, int64_t size, std::string &out) {
  for (int64_t b = 0; b < size; ++b)
    out.push_back(static_cast<char>((bits >> (8 * b)) & 0xff));
}

static uint64_t readLittleEndian(const char *data, int64_t size) {
  uint64_t bits = 0;
  for (int64_t b = 0; b < size; ++b)
    bits |= uint64_t(static_cast<unsigned char>(data[b])) << (8 * b);
  return bits;
}

/// The constant's elements in its element type; fails on an element that
/// type cannot hold exactly (the file would not read back the same).
Status encodeConstant(int64_t id, const ValueInfo &value,
                             std::string &bytes) {
  const int64_t size = elementBytes(value.type);
  bytes.clear();
  const std::vector<double> elements = value.constant.values();
  bytes.reserve(elements.size() * size);
  for (size_t e = 0; e < elements.size(); ++e) {
    const double x = elements[e];
    if (value.type == ElementType::F64) {
      uint64_t bits;
      std::memcpy(&bits, &x, sizeof(bits));
      appendLittleEndian(bits, 8, bytes);
      continue;
    }
    if (value.type == ElementType::F32) {
      const bool fits = std::isnan(x) || std::isinf(x) ||
                        (std::fabs(x) <= FLT_MAX &&
                         static_cast<double>(static_cast<float>(x)) == x);
      if (!fits)
        return Status::error(describe(id, value) + " element " +
                             std::to_string(e) + " = " + std::to_string(x) +
                             " is not exactly representable as f32");
      const float f = static_cast<float>(x);
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof(bits));
      appendLittleEndian(bits, 4, bytes);
      continue;
    }
    const int64_t bitsWide = 8 * size;
    const double lo = -std::ldexp(1.0, static_cast<int>(bitsWide - 1));
    // 2^(bits-1) itself is the first value that does not fit.
    const double hiExclusive = std::ldexp(1.0, static_cast<int>(bitsWide - 1));
    if (!(x == std::floor(x)) || x < lo || x >= hiExclusive)
      return Status::error(describe(id, value) + " element " +
                           std::to_string(e) + " = " + std::to_string(x) +
                           " is not an integer that fits " +
                           toString(value.type));
    appendLittleEndian(static_cast<uint64_t>(static_cast<int64_t>(x)), size,
                       bytes);
  }
  return Status::ok();
}

void decodeConstant(const std::string &bytes, ElementType type,
                           std::vector<double> &out) {
  const int64_t size = elementBytes(type);
  const int64_t count = static_cast<int64_t>(bytes.size()) / size;
  out.resize(count);
  for (int64_t e = 0; e < count; ++e) {
    const uint64_t bits = readLittleEndian(bytes.data() + e * size, size);
    if (type == ElementType::F64) {
      std::memcpy(&out[e], &bits, sizeof(double));
      continue;
    }
    if (type == ElementType::F32) {
      const uint32_t word = static_cast<uint32_t>(bits);
      float f;
      std::memcpy(&f, &word, sizeof(f));
      out[e] = f;
      continue;
    }
    // Sign-extend from the element's width.
    const int shift = static_cast<int>(64 - 8 * size);
    const int64_t value = shift ? static_cast<int64_t>(bits << shift) >> shift
                                : static_cast<int64_t>(bits);
    out[e] = static_cast<double>(value);
  }
}

} // namespace cim::runtime::detail
