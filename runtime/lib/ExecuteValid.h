//===- ExecuteValid.h - Running a program already validated -------*- C++ -*-===//
//
// Private to the runtime library. execute() validates its program first;
// executeBatch() validates the program once and runs its repetition
// through this, which skips that step.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_EXECUTEVALID_H
#define CIM_RUNTIME_LIB_EXECUTEVALID_H

#include "cim/runtime/Executor.h"

namespace cim::runtime::detail {

/// execute() of a program validate() accepted (or a consistent renumbering
/// of one).
Status executeValid(const Program &program, const TensorMap &inputs,
                    const ExecuteOptions &options, ExecuteResult &result);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_EXECUTEVALID_H
