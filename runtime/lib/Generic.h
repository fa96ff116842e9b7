//===- Generic.h - The vector unit's loop-nest instruction ---------*- C++
//-*-===//
//
// Private to the runtime library. `generic` is the digital half of the ISA
// in one instruction: a loop nest whose operands are reached by strides (an
// affine map resolved against the operand's row-major layout) and whose body
// is a short list of scalar operations (Program.h, ScalarOpcode). The
// compiler lowers linalg ops, padding, strided slices, im2col and gathers to
// it (lib/Target/Program); docs/isa.md gives the semantics.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_GENERIC_H
#define CIM_RUNTIME_LIB_GENERIC_H

#include "WorkerPool.h"
#include "cim/runtime/Program.h"
#include "cim/runtime/Status.h"
#include "cim/runtime/Tensor.h"

#include <string>
#include <vector>

namespace cim::runtime::detail {

/// Number of points of the loop nest (0 when a bound is 0).
int64_t genericIterations(const Instruction &inst);

/// Scalar operations per loop point the vector unit executes (constants and
/// loop indices are free; a plain copy still costs one).
int64_t genericOpsPerPoint(const Instruction &inst);

/// Whether the body of `inst` (a Generic with a body, its output of
/// `elements` elements) writes every output element once and never reads
/// the output: then its previous contents are never seen.
bool bodyReplacesEveryElement(const Instruction &inst, int64_t elements);

/// Whether the Generic `inst` may write its output over its first input
/// `in` (of the output's type and size): the body replaces every element
/// and each point reads that input at the element it writes, so no point
/// reads an element another has written.
bool genericRunsInPlace(const Instruction &inst, const ValueInfo &in,
                        const ValueInfo &out);

/// Why `inst` (a Generic) cannot run on `values`, or "" when it can: operand
/// counts, every access inside its operand for every loop point, the body's
/// registers and arities, the initial output's type and shape.
std::string checkGeneric(const Instruction &inst,
                         const std::vector<ValueInfo> &values);

/// Runs the loop nest; with a pool, a large copy nest that writes each
/// element once, or a large body whose output elements are each updated
/// from one value of its outermost loop, is split over its threads. Fails
/// only on a gather index out of range (the first in the serial order).
Status evaluateGeneric(const Instruction &inst,
                       const std::vector<const Tensor *> &inputs, Tensor &out,
                       WorkerPool *pool = nullptr);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_GENERIC_H
