//===- Npy.h - NumPy .npy files for inputs and outputs ----------*- C++ -*-===//
//
// The subset of NumPy's .npy format (numpy.lib.format, versions 1.0 and
// 2.0) that cim-run exchanges with Python: little-endian, C order, dtypes
// float32, float64, int8, int16, int32 and int64. Anything else (Fortran
// order, big-endian, other dtypes, object arrays, truncated data) is refused
// with a message that names the file and the reason.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_NPY_H
#define CIM_RUNTIME_NPY_H

#include "cim/runtime/Status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cim::runtime {

/// Bool holds 0 or 1 in `ints`, one byte each in the file.
enum class NpyDType { Int8, Int16, Int32, Int64, Float32, Float64, Bool };

/// NumPy's name: "int8", ..., "float64".
const char *toString(NpyDType dtype);
/// Bytes per element.
int64_t npyElementBytes(NpyDType dtype);
bool isInteger(NpyDType dtype);

struct NpyArray {
  NpyDType dtype = NpyDType::Float32;
  std::vector<int64_t> shape;
  /// The elements, row-major, when isInteger(dtype).
  std::vector<int64_t> ints;
  /// The elements, row-major, otherwise (float32 data widened exactly).
  std::vector<double> floats;

  bool isInteger() const { return cim::runtime::isInteger(dtype); }
  int64_t numElements() const;
};

/// Parses the bytes of a .npy file; `source` names it in messages.
Status parseNpy(const std::string &bytes, const std::string &source,
                NpyArray &array);
/// The bytes of a version 1.0 .npy file (2.0 if the header needs it).
/// Fails if the elements do not match the shape or an element does not fit
/// the dtype.
Status renderNpy(const NpyArray &array, std::string &bytes);

/// Fails unless the shape is valid and the array holds exactly as many
/// elements as it says (what both file writers check first).
Status checkElementCount(const NpyArray &array);

/// Reads `count` little-endian elements of `array.dtype` from `data` into
/// `array` (the ints or the floats).
void decodeElements(const char *data, int64_t count, NpyArray &array);

/// Appends the elements of `array` to `bytes`, little-endian, as
/// `array.dtype`. Fails if an integer does not fit the dtype (floats out of
/// float32 range become infinities, as numpy's astype makes them).
Status encodeElements(const NpyArray &array, std::string &bytes);

Status readNpyFile(const std::string &path, NpyArray &array);
/// Writes atomically: a failure leaves no file at `path`.
Status writeNpyFile(const NpyArray &array, const std::string &path);

} // namespace cim::runtime

#endif // CIM_RUNTIME_NPY_H
