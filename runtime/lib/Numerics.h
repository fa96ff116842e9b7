//===- Numerics.h - What each instruction computes ----------------*- C++
//-*-===//
//
// Private to the runtime library. The functional semantics of every opcode,
// exactly those of the compiler's folders: xbar.dac / xbar.adc through
// arch::dacDigit / arch::adcConvert, cim.recombine through
// arch::CellEncoding::recombine, cim.quantize rounding half to even.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_NUMERICS_H
#define CIM_RUNTIME_LIB_NUMERICS_H

#include "RowGather.h"
#include "WorkerPool.h"
#include "cim/runtime/Executor.h"
#include "cim/runtime/Program.h"
#include "cim/runtime/Status.h"
#include "cim/runtime/Tensor.h"

#include <vector>

namespace cim::runtime::detail {

/// The levels of one array, row-major (rows x cols): cells hold at most
/// 8 bits (the arch format's limit), signed for differential cells, so 16
/// bits per cell keep a ResNet's arrays in a quarter of int64's memory.
using CellImage = std::vector<int16_t>;

/// Computes the output of `inst` (of shape and type `out` already holds)
/// from `inputs`. `cells` is the row-major level image of the instruction's
/// array for Program (which writes it) and Mvm (which reads it), null
/// otherwise. Fails only on a computed cell level out of range. `device`,
/// when given, turns the levels an mvm reads into effective conductances at
/// `cycle`. With a pool, large copy nests run on its threads.
Status evaluate(const arch::ArchSpec &arch, const Instruction &inst,
                const std::vector<const Tensor *> &inputs,
                CellImage *cells, Numerics numerics, Tensor &out,
                const DeviceModel *device = nullptr, int64_t cycle = 0,
                WorkerPool *pool = nullptr);

/// An accumulate's sums added into `out`, which holds the first already
/// (the executor moves it there when nothing else reads it): out +=
/// partials[i] for i >= 1.
void addPartials(const std::vector<const Tensor *> &partials, Tensor &out,
                 WorkerPool *pool);

/// Ideal numerics of a rescale with a real-valued reference: out = x * w
/// ([M, K] x [K, N], or per group [M, G, K] x [G, K, N], `w` its elements
/// in f32), an f32 GEMM.
/// With `gather`, `x` is the source the input's rows are gathered from
/// (RowGather.h), not the input.
void idealProduct(const Tensor &x, const float *w, WorkerPool &pool,
                  Tensor &out, const RowGather *gather = nullptr);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_NUMERICS_H
