//===- Tensor.h - Values the host and the simulator exchange ------*- C++
//-*-===//
//
// A dense row-major tensor: integers as int64, floats as double, whichever
// its element type calls for. Used for bound inputs and outputs and for the
// simulator's per-value storage.
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
  Elements<double> floats;

  static Tensor ofInts(ElementType type, std::vector<int64_t> shape,
                       std::vector<int64_t> data) {
    Tensor t;
    t.type = type;
    t.shape = std::move(shape);
    t.ints.assign(data.begin(), data.end());
    return t;
  }
  static Tensor ofFloats(std::vector<int64_t> shape, std::vector<double> data) {
    Tensor t;
    t.type = ElementType::F32;
    t.shape = std::move(shape);
    t.floats.assign(data.begin(), data.end());
    return t;
  }

  bool isInteger() const { return cim::runtime::isInteger(type); }
  int64_t numElements() const {
    int64_t count = 1;
    for (int64_t dim : shape)
      count *= dim;
    return count;
  }
  bool operator==(const Tensor &o) const {
    return type == o.type && shape == o.shape && ints == o.ints &&
           floats == o.floats;
  }
  bool operator!=(const Tensor &o) const { return !(*this == o); }
};

} // namespace cim::runtime

#endif // CIM_RUNTIME_TENSOR_H
