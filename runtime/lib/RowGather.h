//===- RowGather.h - A copy nest's rows read from its source -----*- C++ -*-===//
//
// Private to the runtime library. In ideal numerics a rescale's real-valued
// input is usually an im2col: a copy nest that writes the M x W matrix
// every element of which comes from the padded activation. Its rows can be
// read straight from that activation when the nest is separable: each loop
// either moves between rows (output stride a multiple of W) or within one
// (output stride below W). Element (r, j) is then source[row[r] + col[j]],
// and the product narrows its rows from the source without the matrix ever
// being made (about a sixth of a ResNet-18's ideal inference).
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_ROWGATHER_H
#define CIM_RUNTIME_LIB_ROWGATHER_H

#include "cim/runtime/Program.h"

#include <cstdint>
#include <vector>

namespace cim::runtime::detail {

struct RowGather {
  /// The copy's source value.
  int64_t source = -1;
  /// Source offsets: element (r, j) of the copy's output is
  /// source[rows[r] + cols[j]].
  std::vector<int64_t> rows, cols;
};

/// The gather for the copy nest `copy` (a Generic without a body) whose
/// output has `rows` rows of `width` elements, if it writes each of them
/// once from its one input and is separable as above; false otherwise.
bool rowGatherOf(const Instruction &copy, int64_t rows, int64_t width,
                 RowGather &gather);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_ROWGATHER_H
