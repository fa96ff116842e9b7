//===- Validate.h - Check a program before running it -------------*- C++
//-*-===//
//
// What loading checks (docs/design/runtime-isa.md): every index, shape,
// region and level against the embedded arch, and the dataflow contract
// (SSA values, written before read on the core that reads them). The
// executor runs it first, so execution never indexes out of range.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_VALIDATE_H
#define CIM_RUNTIME_VALIDATE_H

#include "cim/runtime/Program.h"
#include "cim/runtime/Status.h"

namespace cim::runtime {

/// OK, or the first problem found; the message names the core, the
/// instruction index and the value at fault.
Status validate(const Program &program);

} // namespace cim::runtime

#endif // CIM_RUNTIME_VALIDATE_H
