//===- ConstantData.cpp - A program constant's elements, stored compactly -===//

#include "cim/runtime/ConstantData.h"

#include <cfloat>
#include <cmath>
#include <cstring>

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

/// Calls f(pointer to the typed elements) for the storage's width.
template <typename F>
void withElements(const std::vector<unsigned char> &storage, int width,
                  size_t count, F f) {
  // Copied out element by element through memcpy: the bytes need not be
  // aligned for T.
  auto each = [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i < count; ++i)
      f(i, static_cast<double>(read<T>(storage.data(), i)));
  };
  switch (width) {
  case 0:
    return each(int8_t());
  case 1:
    return each(int16_t());
  case 2:
    return each(int32_t());
  case 3:
    return each(float());
  default:
    return each(double());
  }
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
  switch (to) {
  case Width::I8:
    store<int8_t>(values, storage);
    break;
  case Width::I16:
    store<int16_t>(values, storage);
    break;
  case Width::I32:
    store<int32_t>(values, storage);
    break;
  case Width::F32:
    store<float>(values, storage);
    break;
  case Width::F64:
    store<double>(values, storage);
    break;
  }
  storage.shrink_to_fit();
}

double ConstantData::operator[](size_t i) const {
  switch (width) {
  case Width::I8:
    return read<int8_t>(storage.data(), i);
  case Width::I16:
    return read<int16_t>(storage.data(), i);
  case Width::I32:
    return read<int32_t>(storage.data(), i);
  case Width::F32:
    return read<float>(storage.data(), i);
  case Width::F64:
    break;
  }
  return read<double>(storage.data(), i);
}

void ConstantData::set(size_t i, double value) {
  std::vector<double> all = values();
  all.at(i) = value;
  assign(all);
}

std::pair<double, double> ConstantData::range() const {
  if (count == 0)
    return {0, 0};
  double low = 0, high = 0;
  bool first = true;
  withElements(storage, static_cast<int>(width), count,
               [&](size_t, double x) {
                 if (x != x)
                   return;
                 if (first || x < low)
                   low = x;
                 if (first || x > high)
                   high = x;
                 first = false;
               });
  return {low, high};
}

bool ConstantData::sameBits(const std::vector<double> &a,
                            const std::vector<double> &b) {
  return a.size() == b.size() &&
         (a.empty() ||
          std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

std::vector<double> ConstantData::values() const {
  std::vector<double> out;
  copyTo(out);
  return out;
}

void ConstantData::copyTo(std::vector<double> &out) const {
  out.resize(count);
  withElements(storage, static_cast<int>(width), count,
               [&](size_t i, double x) { out[i] = x; });
}

void ConstantData::copyTo(std::vector<int64_t> &out) const {
  out.resize(count);
  withElements(storage, static_cast<int>(width), count,
               [&](size_t i, double x) { out[i] = static_cast<int64_t>(x); });
}
