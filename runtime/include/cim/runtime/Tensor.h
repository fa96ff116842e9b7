//===- Tensor.h - Values the host and the simulator exchange ---*- C++ -*-===//
//
// A dense row-major tensor: integers as int64, f32 as float and f64 as
// double, whichever its element type calls for (f32 values at their own
// width: every f32 result the simulator makes is rounded to f32 anyway,
// and half the bytes is half the memory traffic of a network's
// activations). Used for bound inputs and outputs and for the simulator's
// per-value storage.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_TENSOR_H
#define CIM_RUNTIME_TENSOR_H

#include "cim/runtime/Elements.h"
#include "cim/runtime/Program.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace cim::runtime {

struct Tensor {
  ElementType type = ElementType::F32;
  std::vector<int64_t> shape;
  /// The elements when isInteger(type).
  Elements<int64_t> ints;
  /// The elements when type is F32.
  Elements<float> floats;
  /// The elements when type is F64.
  Elements<double> doubles;

  static Tensor ofInts(ElementType type, std::vector<int64_t> shape,
                       std::vector<int64_t> data) {
    Tensor t;
    t.type = type;
    t.shape = std::move(shape);
    t.ints.assign(data.begin(), data.end());
    return t;
  }
  /// An F32 tensor; each value rounded to f32.
  static Tensor ofFloats(std::vector<int64_t> shape,
                         const std::vector<double> &data) {
    return ofReals(ElementType::F32, std::move(shape), data);
  }
  static Tensor ofDoubles(std::vector<int64_t> shape,
                          const std::vector<double> &data) {
    return ofReals(ElementType::F64, std::move(shape), data);
  }
  static Tensor ofReals(ElementType type, std::vector<int64_t> shape,
                        const std::vector<double> &data) {
    Tensor t;
    t.type = type;
    t.shape = std::move(shape);
    if (type == ElementType::F64)
      t.doubles.assign(data.begin(), data.end());
    else
      t.floats.assign(data.begin(), data.end());
    return t;
  }

  bool isInteger() const { return cim::runtime::isInteger(type); }
  /// Whether any storage holds elements.
  bool holdsElements() const {
    return !ints.empty() || !floats.empty() || !doubles.empty();
  }
  /// Takes `from`'s elements, whichever storage holds them.
  void takeElements(Tensor &from) {
    ints = std::move(from.ints);
    floats = std::move(from.floats);
    doubles = std::move(from.doubles);
  }
  void copyElements(const Tensor &from) {
    ints = from.ints;
    floats = from.floats;
    doubles = from.doubles;
  }
  /// Frees every storage.
  void releaseElements() {
    Elements<int64_t>().swap(ints);
    Elements<float>().swap(floats);
    Elements<double>().swap(doubles);
  }
  int64_t numElements() const {
    int64_t count = 1;
    for (int64_t dim : shape)
      count *= dim;
    return count;
  }
  bool operator==(const Tensor &o) const {
    return type == o.type && shape == o.shape && ints == o.ints &&
           floats == o.floats && doubles == o.doubles;
  }
  bool operator!=(const Tensor &o) const { return !(*this == o); }
};

/// f(&Tensor::ints), f(&Tensor::floats) or f(&Tensor::doubles): the
/// storage a value of `type` is held in, for code written once over it.
template <typename F> decltype(auto) withStorageOf(ElementType type, F f) {
  if (isInteger(type))
    return f(&Tensor::ints);
  if (type == ElementType::F64)
    return f(&Tensor::doubles);
  return f(&Tensor::floats);
}

} // namespace cim::runtime

#endif // CIM_RUNTIME_TENSOR_H
