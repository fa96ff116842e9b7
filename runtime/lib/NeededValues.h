//===- NeededValues.h - Values a run must compute ---------------*- C++ -*-===//
//
// Private to the runtime library. A run computes only the values some
// output depends on; the others are timed and charged, not computed.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_NEEDEDVALUES_H
#define CIM_RUNTIME_LIB_NEEDEDVALUES_H

#include "cim/runtime/Program.h"

#include <vector>

namespace cim::runtime::detail {

/// 1 for each value some output depends on (every value with an
/// observer). In ideal numerics a rescale with a real-valued reference
/// reads only the reference, so the integer path feeding it is not needed.
/// A program's levels are needed when a needed mvm reads its array.
/// `program` is valid (validate()).
std::vector<char> neededValues(const Program &program, bool ideal,
                               bool observe);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_NEEDEDVALUES_H
