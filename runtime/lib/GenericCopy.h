//===- GenericCopy.h - Copy loop nests of the vector unit ---------*- C++ -*-===//
//
// Private to the runtime library. A `generic` with no body and one input of
// the output's type is a copy (padding, im2col, slices, transposes): it runs
// without the register machinery, its loops reordered for the caches when
// every output element is written once (then the order cannot change the
// result) and its two innermost loops as plain nested loops.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_GENERICCOPY_H
#define CIM_RUNTIME_LIB_GENERICCOPY_H

#include "cim/runtime/Program.h"

#include <cstdint>
#include <vector>

namespace cim::runtime::detail {

/// Runs the copy nest `inst` (a Generic whose checks passed) from `from`
/// into `to` (already sized to the output).
void copyNest(const Instruction &inst, const std::vector<int64_t> &from,
              std::vector<int64_t> &to);
void copyNest(const Instruction &inst, const std::vector<double> &from,
              std::vector<double> &to);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_GENERICCOPY_H
