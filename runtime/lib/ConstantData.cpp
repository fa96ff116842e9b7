//===- ConstantData.cpp - A program constant's elements, stored compactly -===//

#include "cim/runtime/ConstantData.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

using namespace cim::runtime;

namespace {

/// Whether `x` is an integer in [lo, hi] (within int32) that reads back as
/// itself (-0.0 does not: its sign would be lost). A cast round trip rather
/// than std::trunc, which is a library call on baseline x86-64.
bool integerIn(double x, double lo, double hi) {
  return x >= lo && x <= hi &&
         static_cast<double>(static_cast<int32_t>(x)) == x &&
         !(x == 0 && std::signbit(x));
}

template <typename T> T read(const unsigned char *data, size_t i) {
  T v;
  std::memcpy(&v, data + i * sizeof(T), sizeof(T));
  return v;
}

template <typename T>
void store(const std::vector<double> &values, std::vector<unsigned char> &out) {
  out.resize(values.size() * sizeof(T));
  for (size_t i = 0; i < values.size(); ++i) {
    const T v = static_cast<T>(values[i]);
    std::memcpy(out.data() + i * sizeof(T), &v, sizeof(T));
  }
}

/// f(a value of the element type) for a storage width (ConstantData::Width
/// in order: int8, int16, int32, float, double).
template <typename F> auto byWidth(ConstantData::Width width, F f) {
  switch (width) {
  case ConstantData::Width::I8:
    return f(int8_t());
  case ConstantData::Width::I16:
    return f(int16_t());
  case ConstantData::Width::I32:
    return f(int32_t());
  case ConstantData::Width::F32:
    return f(float());
  case ConstantData::Width::F64:
    break;
  }
  return f(double());
}

/// Calls f(index, element) for every element.
template <typename F>
void withElements(const unsigned char *data, ConstantData::Width width,
                  size_t count, F f) {
  // Copied out element by element through memcpy: the bytes need not be
  // aligned for T.
  byWidth(width, [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i < count; ++i)
      f(i, static_cast<double>(read<T>(data, i)));
  });
}

/// The smallest and largest of `count` elements of T at `data`, NaNs
/// skipped (a comparison with NaN is false); {0, 0} when none is left.
/// Plain min/max loops, which vectorize.
template <typename T>
std::pair<double, double> storedRange(const unsigned char *data, size_t count) {
  T least = std::numeric_limits<T>::max(), most = std::numeric_limits<T>::lowest();
  if constexpr (!std::is_integral_v<T>) {
    least = std::numeric_limits<T>::infinity();
    most = -std::numeric_limits<T>::infinity();
  }
  for (size_t i = 0; i < count; ++i) {
    const T x = read<T>(data, i);
    least = x < least ? x : least;
    most = x > most ? x : most;
  }
  if (count == 0 || least > most)
    return {0, 0};
  return {static_cast<double>(least), static_cast<double>(most)};
}

} // namespace

void ConstantData::assign(const std::vector<double> &values) {
  count = values.size();
  bool i8 = true, i16 = true, i32 = true, f32 = true;
  for (double x : values) {
    if (i32) {
      if (!integerIn(x, -2147483648.0, 2147483647.0))
        i8 = i16 = i32 = false;
      else if (x < -32768 || x > 32767)
        i8 = i16 = false;
      else if (x < -128 || x > 127)
        i8 = false;
    }
    // NaN fails the round trip and stays double (its payload intact).
    // (A finite double beyond float's range has no float: the cast would
    // be undefined.)
    if (f32 && ((std::isfinite(x) && std::fabs(x) > FLT_MAX) ||
                static_cast<double>(static_cast<float>(x)) != x))
      f32 = false;
    if (!i32 && !f32)
      break;
  }
  assign(values, i8    ? Width::I8
                 : i16 ? Width::I16
                 : i32 ? Width::I32
                 : f32 ? Width::F32
                       : Width::F64);
}

void ConstantData::assign(const std::vector<double> &values, Width to) {
  count = values.size();
  width = to;
  auto bytes = std::make_shared<std::vector<unsigned char>>();
  byWidth(to, [&](auto tag) { store<decltype(tag)>(values, *bytes); });
  storage = std::move(bytes);
  findRange();
}

void ConstantData::findRange() {
  byWidth(width, [&](auto tag) {
    const auto [least, most] =
        storedRange<decltype(tag)>(data(), count);
    low = least;
    high = most;
  });
}

void ConstantData::assignBytes(const void *data, size_t elements, Width to) {
  count = elements;
  width = to;
  auto stored = std::make_shared<std::vector<unsigned char>>();
  byWidth(to, [&](auto tag) {
    using T = decltype(tag);
    const auto *bytes = static_cast<const unsigned char *>(data);
    stored->resize(elements * sizeof(T));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (elements)
      std::memcpy(stored->data(), bytes, elements * sizeof(T));
#else
    // Little-endian bytes into the host's order.
    for (size_t i = 0; i < elements * sizeof(T); i += sizeof(T))
      for (size_t b = 0; b < sizeof(T); ++b)
        (*stored)[i + b] = bytes[i + sizeof(T) - 1 - b];
#endif
  });
  storage = std::move(stored);
  findRange();
}

double ConstantData::operator[](size_t i) const {
  return byWidth(width, [&](auto tag) {
    return static_cast<double>(read<decltype(tag)>(data(), i));
  });
}

void ConstantData::set(size_t i, double value) {
  std::vector<double> all = values();
  all.at(i) = value;
  assign(all);
}

std::pair<double, double> ConstantData::range() const { return {low, high}; }

bool ConstantData::sameBits(const std::vector<double> &a,
                            const std::vector<double> &b) {
  return a.size() == b.size() &&
         (a.empty() ||
          std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

std::vector<double> ConstantData::values() const {
  std::vector<double> out(count);
  withElements(data(), width, count,
               [&](size_t i, double x) { out[i] = x; });
  return out;
}

void ConstantData::copyTo(Elements<double> &out) const {
  out.resize(count);
  withElements(data(), width, count,
               [&](size_t i, double x) { out[i] = x; });
}

void ConstantData::copyTo(Elements<float> &out) const {
  out.resize(count);
  withElements(data(), width, count,
               [&](size_t i, double x) { out[i] = static_cast<float>(x); });
}

void ConstantData::copyTo(Elements<int64_t> &out) const {
  out.resize(count);
  withElements(data(), width, count,
               [&](size_t i, double x) { out[i] = static_cast<int64_t>(x); });
}
