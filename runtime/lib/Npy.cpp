//===- Npy.cpp - NumPy .npy files for inputs and outputs ------------------===//
//
// The format (numpy.lib.format): the magic "\x93NUMPY", a major and a minor
// version byte, the header length (2 bytes little-endian in 1.0, 4 in 2.0),
// then a Python dict literal with the keys 'descr', 'fortran_order' and
// 'shape', padded with spaces and a newline; the raw elements follow.
//
//===----------------------------------------------------------------------===//

#include "cim/runtime/Npy.h"

#include "cim/runtime/FileIO.h"

#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

using namespace cim::runtime;

static const char kMagic[] = "\x93NUMPY";
static constexpr size_t kMagicSize = 6;
/// Bounds the element count so that byte sizes cannot overflow.
static constexpr int64_t kMaxElements =
    std::numeric_limits<int64_t>::max() / 16;

const char *cim::runtime::toString(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::Int8:
    return "int8";
  case NpyDType::Int16:
    return "int16";
  case NpyDType::Int32:
    return "int32";
  case NpyDType::Int64:
    return "int64";
  case NpyDType::Float32:
    return "float32";
  case NpyDType::Float64:
    return "float64";
  case NpyDType::Bool:
    return "bool";
  }
  return "?";
}

int64_t cim::runtime::npyElementBytes(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::Int8:
  case NpyDType::Bool:
    return 1;
  case NpyDType::Int16:
    return 2;
  case NpyDType::Int32:
  case NpyDType::Float32:
    return 4;
  case NpyDType::Int64:
  case NpyDType::Float64:
    return 8;
  }
  return 0;
}

bool cim::runtime::isInteger(NpyDType dtype) {
  return dtype != NpyDType::Float32 && dtype != NpyDType::Float64;
}

int64_t NpyArray::numElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

/// The descr numpy writes for each dtype on a little-endian machine.
static const char *descrOf(NpyDType dtype) {
  switch (dtype) {
  case NpyDType::Int8:
    return "|i1";
  case NpyDType::Int16:
    return "<i2";
  case NpyDType::Int32:
    return "<i4";
  case NpyDType::Int64:
    return "<i8";
  case NpyDType::Float32:
    return "<f4";
  case NpyDType::Float64:
    return "<f8";
  case NpyDType::Bool:
    return "|b1";
  }
  return "?";
}

//===----------------------------------------------------------------------===//
// The header dict
//===----------------------------------------------------------------------===//

namespace {

/// One value of the header dict: a string, a bool or a tuple of integers.
struct HeaderValue {
  enum Kind { String, Bool, Tuple } kind = String;
  std::string text;
  bool flag = false;
  std::vector<int64_t> items;
};

/// Parses the Python literal numpy writes: {'key': value, ...}.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : text(text) {}

  /// Empty, or what is wrong.
  std::string parse(std::map<std::string, HeaderValue> &dict) {
    skipSpace();
    if (!consume('{'))
      return "the header is not a dict";
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (std::string error = parseString(key); !error.empty())
        return error;
      skipSpace();
      if (!consume(':'))
        return "expected ':' after '" + key + "'";
      skipSpace();
      HeaderValue value;
      if (std::string error = parseValue(value); !error.empty())
        return error;
      if (!dict.emplace(key, value).second)
        return "the key '" + key + "' appears twice";
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (!consume('}'))
        return "expected ',' or '}' after the value of '" + key + "'";
      break;
    }
    skipSpace();
    if (pos != text.size())
      return "unexpected text after the dict";
    return "";
  }

private:
  void skipSpace() {
    while (pos < text.size() &&
           std::isspace(static_cast<unsigned char>(text[pos])))
      ++pos;
  }
  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool consumeWord(const char *word) {
    const size_t size = std::strlen(word);
    if (text.compare(pos, size, word) != 0)
      return false;
    pos += size;
    return true;
  }

  std::string parseString(std::string &out) {
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return "expected a quoted key or string";
    const char quote = text[pos++];
    const size_t end = text.find(quote, pos);
    if (end == std::string::npos)
      return "unterminated string";
    out = text.substr(pos, end - pos);
    pos = end + 1;
    return "";
  }

  std::string parseInteger(int64_t &out) {
    if (pos >= text.size() ||
        !std::isdigit(static_cast<unsigned char>(text[pos])))
      return "shape entries must be non-negative integers";
    out = 0;
    while (pos < text.size() &&
           std::isdigit(static_cast<unsigned char>(text[pos]))) {
      const int digit = text[pos++] - '0';
      if (out > (std::numeric_limits<int64_t>::max() - digit) / 10)
        return "a shape entry is too large";
      out = out * 10 + digit;
    }
    consume('L'); // Python 2 longs.
    return "";
  }

  std::string parseValue(HeaderValue &value) {
    if (pos < text.size() && (text[pos] == '\'' || text[pos] == '"')) {
      value.kind = HeaderValue::String;
      return parseString(value.text);
    }
    if (consumeWord("True") || consumeWord("False")) {
      value.kind = HeaderValue::Bool;
      value.flag = text.compare(pos - 4, 4, "True") == 0;
      return "";
    }
    if (!consume('('))
      return "expected a string, True, False or a tuple";
    value.kind = HeaderValue::Tuple;
    while (true) {
      skipSpace();
      if (consume(')'))
        return "";
      int64_t item;
      if (std::string error = parseInteger(item); !error.empty())
        return error;
      value.items.push_back(item);
      skipSpace();
      if (consume(','))
        continue;
      if (!consume(')'))
        return "expected ',' or ')' in the shape";
      return "";
    }
  }

  const std::string &text;
  size_t pos = 0;
};

} // namespace

/// Empty, or why `descr` is not one of the supported dtypes.
static std::string parseDescr(const std::string &descr, NpyDType &dtype) {
  static const std::pair<const char *, NpyDType> known[] = {
      {"<f4", NpyDType::Float32}, {"<f8", NpyDType::Float64},
      {"<i1", NpyDType::Int8},    {"|i1", NpyDType::Int8},
      {"<i2", NpyDType::Int16},   {"<i4", NpyDType::Int32},
      {"<i8", NpyDType::Int64},   {"|b1", NpyDType::Bool}};
  for (const auto &[name, type] : known)
    if (descr == name) {
      dtype = type;
      return "";
    }
  if (!descr.empty() && descr[0] == '>')
    return "big-endian data ('" + descr +
           "') is not supported; save it little-endian (e.g. "
           "a.astype(a.dtype.newbyteorder('<')))";
  return "unsupported dtype '" + descr +
         "' (supported: float32, float64, int8, int16, int32, int64)";
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

static std::string parseNpyBytes(const std::string &bytes, NpyArray &array) {
  if (bytes.size() < kMagicSize + 2 ||
      bytes.compare(0, kMagicSize, kMagic, kMagicSize) != 0)
    return "not a .npy file (no \\x93NUMPY magic)";
  const int major = static_cast<unsigned char>(bytes[kMagicSize]);
  const int minor = static_cast<unsigned char>(bytes[kMagicSize + 1]);
  if ((major != 1 && major != 2) || minor != 0)
    return ".npy format version " + std::to_string(major) + "." +
           std::to_string(minor) + " is not supported (1.0 and 2.0 are)";
  const size_t lengthBytes = major == 1 ? 2 : 4;
  const size_t preamble = kMagicSize + 2 + lengthBytes;
  if (bytes.size() < preamble)
    return "truncated: the file ends inside the header length";
  uint64_t headerLength = 0;
  for (size_t b = 0; b < lengthBytes; ++b)
    headerLength |=
        uint64_t(static_cast<unsigned char>(bytes[kMagicSize + 2 + b]))
        << (8 * b);
  if (headerLength > bytes.size() - preamble)
    return "truncated: the header declares " + std::to_string(headerLength) +
           " bytes but the file ends after " +
           std::to_string(bytes.size() - preamble);
  const std::string header = bytes.substr(preamble, headerLength);

  std::map<std::string, HeaderValue> dict;
  if (std::string error = HeaderParser(header).parse(dict); !error.empty())
    return "malformed header (" + error +
           "): " + header.substr(0, header.find_last_not_of(" \n") + 1);
  for (const char *key : {"descr", "fortran_order", "shape"})
    if (!dict.count(key))
      return std::string("the header has no '") + key + "'";
  if (dict.size() != 3)
    return "the header has keys other than 'descr', 'fortran_order' and "
           "'shape'";
  const HeaderValue &descr = dict["descr"];
  const HeaderValue &fortran = dict["fortran_order"];
  const HeaderValue &shape = dict["shape"];
  if (descr.kind != HeaderValue::String)
    return "'descr' is not a simple dtype string (structured arrays are not "
           "supported)";
  if (fortran.kind != HeaderValue::Bool)
    return "'fortran_order' is not True or False";
  if (shape.kind != HeaderValue::Tuple)
    return "'shape' is not a tuple";
  if (std::string error = parseDescr(descr.text, array.dtype); !error.empty())
    return error;
  if (fortran.flag)
    return "Fortran-order arrays are not supported; save a C-order array "
           "(numpy.ascontiguousarray)";

  int64_t count = 1;
  for (int64_t dim : shape.items) {
    if (dim > 0 && count > kMaxElements / dim)
      return "the shape has too many elements";
    count *= dim;
  }
  array.shape = shape.items;
  const int64_t size = npyElementBytes(array.dtype);
  const uint64_t expected = static_cast<uint64_t>(count * size);
  const uint64_t available = bytes.size() - preamble - headerLength;
  if (available < expected)
    return "truncated: the shape holds " + std::to_string(count) + " " +
           toString(array.dtype) + " elements (" + std::to_string(expected) +
           " bytes) but the file has " + std::to_string(available) +
           " bytes of data";
  if (available > expected)
    return "the file has " + std::to_string(available - expected) +
           " bytes after the " + std::to_string(count) + " elements";

  decodeElements(bytes.data() + preamble + headerLength, count, array);
  return "";
}

Status cim::runtime::parseNpy(const std::string &bytes,
                              const std::string &source, NpyArray &array) {
  array = NpyArray();
  if (std::string error = parseNpyBytes(bytes, array); !error.empty()) {
    array = NpyArray();
    return Status::error(source + ": " + error);
  }
  return Status::ok();
}

Status cim::runtime::readNpyFile(const std::string &path, NpyArray &array) {
  std::string bytes;
  if (Status s = readFile(path, bytes); !s)
    return s;
  return parseNpy(bytes, path, array);
}

//===----------------------------------------------------------------------===//
// Elements (shared with TensorPb.cpp: both store little-endian elements)
//===----------------------------------------------------------------------===//

void cim::runtime::decodeElements(const char *data, int64_t count,
                                  NpyArray &array) {
  const int64_t size = npyElementBytes(array.dtype);
  array.ints.clear();
  array.floats.clear();
  for (int64_t e = 0; e < count; ++e) {
    uint64_t bits = 0;
    for (int64_t b = 0; b < size; ++b)
      bits |= uint64_t(static_cast<unsigned char>(data[e * size + b]))
              << (8 * b);
    switch (array.dtype) {
    case NpyDType::Float32: {
      const uint32_t word = static_cast<uint32_t>(bits);
      float f;
      std::memcpy(&f, &word, sizeof(f));
      array.floats.push_back(f);
      break;
    }
    case NpyDType::Float64: {
      double d;
      std::memcpy(&d, &bits, sizeof(d));
      array.floats.push_back(d);
      break;
    }
    case NpyDType::Bool:
      array.ints.push_back(bits != 0 ? 1 : 0);
      break;
    default: {
      const int shift = static_cast<int>(64 - 8 * size);
      array.ints.push_back(shift ? static_cast<int64_t>(bits << shift) >> shift
                                 : static_cast<int64_t>(bits));
      break;
    }
    }
  }
}

Status cim::runtime::encodeElements(const NpyArray &array, std::string &bytes) {
  const int64_t size = npyElementBytes(array.dtype);
  const int64_t count = static_cast<int64_t>(
      array.isInteger() ? array.ints.size() : array.floats.size());
  bytes.reserve(bytes.size() + count * size);
  for (int64_t e = 0; e < count; ++e) {
    uint64_t bits;
    switch (array.dtype) {
    case NpyDType::Float32: {
      // Out of float range rounds to infinity, as numpy's astype does.
      const double x = array.floats[e];
      const float f = std::isfinite(x) && std::fabs(x) > FLT_MAX
                          ? (x > 0 ? HUGE_VALF : -HUGE_VALF)
                          : static_cast<float>(x);
      uint32_t word;
      std::memcpy(&word, &f, sizeof(word));
      bits = word;
      break;
    }
    case NpyDType::Float64:
      std::memcpy(&bits, &array.floats[e], sizeof(bits));
      break;
    case NpyDType::Bool:
      if (array.ints[e] != 0 && array.ints[e] != 1)
        return Status::error("element " + std::to_string(e) + " = " +
                             std::to_string(array.ints[e]) +
                             " is not a bool (0 or 1)");
      bits = static_cast<uint64_t>(array.ints[e]);
      break;
    default: {
      const int64_t x = array.ints[e];
      if (size < 8) {
        const int64_t hi = (int64_t(1) << (8 * size - 1)) - 1;
        if (x < -hi - 1 || x > hi)
          return Status::error("element " + std::to_string(e) + " = " +
                               std::to_string(x) + " does not fit " +
                               toString(array.dtype));
      }
      bits = static_cast<uint64_t>(x);
      break;
    }
    }
    for (int64_t b = 0; b < size; ++b)
      bytes.push_back(static_cast<char>((bits >> (8 * b)) & 0xff));
  }
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

Status cim::runtime::checkElementCount(const NpyArray &array) {
  int64_t count = 1;
  for (int64_t dim : array.shape) {
    if (dim < 0)
      return Status::error("negative dimension " + std::to_string(dim));
    if (dim > 0 && count > kMaxElements / dim)
      return Status::error("the shape has too many elements");
    count *= dim;
  }
  const size_t held =
      array.isInteger() ? array.ints.size() : array.floats.size();
  if (static_cast<int64_t>(held) != count)
    return Status::error("the shape holds " + std::to_string(count) +
                         " elements but the array has " + std::to_string(held) +
                         " " + toString(array.dtype) + " elements");
  return Status::ok();
}

Status cim::runtime::renderNpy(const NpyArray &array, std::string &bytes) {
  if (Status s = checkElementCount(array); !s)
    return s;

  std::string header = std::string("{'descr': '") + descrOf(array.dtype) +
                       "', 'fortran_order': False, 'shape': (";
  for (size_t d = 0; d < array.shape.size(); ++d)
    header += (d ? ", " : "") + std::to_string(array.shape[d]);
  header += array.shape.size() == 1 ? ",), }" : "), }";
  // numpy pads the preamble and header to a multiple of 64 bytes, the last
  // byte a newline.
  size_t preamble = kMagicSize + 2 + 2;
  const bool version2 = header.size() + 1 + 63 > 0xffff;
  if (version2)
    preamble += 2;
  header.append(63 - (preamble + header.size()) % 64, ' ');
  header += '\n';

  bytes.assign(kMagic, kMagicSize);
  bytes.push_back(static_cast<char>(version2 ? 2 : 1));
  bytes.push_back(0);
  for (size_t b = 0; b < preamble - kMagicSize - 2; ++b)
    bytes.push_back(static_cast<char>((header.size() >> (8 * b)) & 0xff));
  bytes += header;
  return encodeElements(array, bytes);
}

Status cim::runtime::writeNpyFile(const NpyArray &array,
                                  const std::string &path) {
  std::string bytes;
  if (Status s = renderNpy(array, bytes); !s)
    return Status::error(path + ": " + s.message());
  return writeFileAtomically(path, bytes);
}
