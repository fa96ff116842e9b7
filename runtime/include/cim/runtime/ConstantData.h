//===- ConstantData.h - A program constant's elements, stored compactly -*- C++ -*-===//
//
// A program's constants are mostly cell levels (small integers) and f32
// weights; held as double they took eight times the bytes of the program
// file. ConstantData keeps the elements at the narrowest width that holds
// every one of them exactly (int8, int16, int32, float or double) and reads
// them back as the same doubles, so callers see a sequence of doubles.
// Copies share the stored bytes (every change stores anew), so copying a
// program (a batch repeats its values) copies no constant's elements.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_CONSTANTDATA_H
#define CIM_RUNTIME_CONSTANTDATA_H

#include "cim/runtime/Elements.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <utility>
#include <vector>

namespace cim::runtime {

class ConstantData {
public:
  /// How elements are stored: picked by assign(), or given by a caller
  /// that knows every element is exact at that width (a file's i8 data).
  enum class Width : uint8_t { I8, I16, I32, F32, F64 };

  ConstantData() = default;
  ConstantData(const std::vector<double> &values) { assign(values); }
  ConstantData(std::initializer_list<double> values)
      : ConstantData(std::vector<double>(values)) {}

  void assign(const std::vector<double> &values);
  /// Stores `values` at `width`; each must be exact there.
  void assign(const std::vector<double> &values, Width width);
  /// Stores `count` elements of `width` from their little-endian bytes (a
  /// program file's typed data, copied as they are on a little-endian
  /// host) instead of from doubles.
  void assignBytes(const void *data, size_t count, Width width);
  void clear() { assign({}); }

  size_t size() const { return count; }
  bool empty() const { return count == 0; }
  /// Element `i` as the double it was stored as.
  double operator[](size_t i) const;
  /// Replaces element `i` (widening the storage if `value` needs it).
  void set(size_t i, double value);
  std::vector<double> values() const;
  /// Every element into `out` (resized to size()); the int64 form is for
  /// integer-valued constants (what validation admits for integer types).
  void copyTo(Elements<double> &out) const;
  void copyTo(Elements<float> &out) const;
  void copyTo(Elements<int64_t> &out) const;
  /// The elements as stored when they are stored as f32 (a float model's
  /// weights), else null: read in place, no copy.
  const float *storedFloats() const {
    return width == Width::F32 && storage
               ? reinterpret_cast<const float *>(storage->data())
               : nullptr;
  }
  /// Whether every element is stored as an integer (then all are integers
  /// of at most 32 bits).
  bool storesIntegers() const {
    return width == Width::I8 || width == Width::I16 || width == Width::I32;
  }
  /// The smallest and largest element ({0, 0} when empty); NaNs are
  /// skipped.
  std::pair<double, double> range() const;
  /// Bytes the elements take in memory.
  size_t bytes() const { return storage ? storage->size() : 0; }

  /// Element by element, as bit patterns: a NaN equals itself, -0.0 does
  /// not equal 0.0 (a program reads back identical, or not).
  bool operator==(const ConstantData &other) const {
    return sameBits(values(), other.values());
  }
  bool operator!=(const ConstantData &other) const { return !(*this == other); }
  friend bool operator==(const ConstantData &a, const std::vector<double> &b) {
    return sameBits(a.values(), b);
  }

private:
  static bool sameBits(const std::vector<double> &a,
                       const std::vector<double> &b);
  /// Sets range() from the stored elements (once per store: validation
  /// asks for it for every constant an instruction reads).
  void findRange();

  Width width = Width::F64;
  size_t count = 0;
  /// Never changed once stored: shared by the copies.
  std::shared_ptr<const std::vector<unsigned char>> storage;
  const unsigned char *data() const {
    return storage ? storage->data() : nullptr;
  }
  /// range(), found when the elements are stored.
  double low = 0, high = 0;
};

} // namespace cim::runtime

#endif // CIM_RUNTIME_CONSTANTDATA_H
