//===- ParityProducts.h - Rounding ADC products from parities ----*- C++ -*-===//
//
// Private to the runtime library. The common lossy case: one-bit DACs,
// cells whose levels are all >= 0, and an ADC that drops one bit (shift 1)
// but provably never clips. Each plane's code is then its column sum
// rounded half away from zero, times two, which is the sum plus or minus
// its parity: S + par(S) on the lower planes (S >= 0) and S - par(S) on
// the sign plane (S <= 0). Shifted and added over the planes:
//
//   combined = x * levels + Q,  Q = sum_{p < top} par_p 2^p - par_top 2^top
//
// so the chain is one exact product of the whole input (P times fewer
// multiply-adds than the planes') plus a correction that needs only each
// plane's column-sum parities. A sum's parity is the parity of the digits
// ANDed with the levels' low bits: a GF(2) product, for all columns at
// once, by the CPU's GF(2) affine instructions (an 8 x 8 bit matrix of a
// group of rows' level bits times the group's digits of all planes) or,
// without them, by lookups in tables of the XOR of every subset of a
// group of eight rows' level bits. Q's bits, read back per column, are Q
// itself as a two's complement `top + 1`-bit integer. The recombine is
// linear, so each row's input bytes and Q bytes go through one int8 GEMM
// with the recombined weights stacked on the recombination coefficients
// (an identity without a recombine).
// The integers are the instruction path's, bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_PARITYPRODUCTS_H
#define CIM_RUNTIME_LIB_PARITYPRODUCTS_H

#include "cim/runtime/Elements.h"
#include "BitMatrix.h"
#include "ConversionChain.h"
#include "WorkerPool.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace cim::runtime::detail {

/// What a parity job needs of one block for one chain, made once (the
/// cells do not change between runs).
struct ParityPlan {
  /// Whether the method computes the chain on the block: one-bit DACs,
  /// shift 1, at most 8 input bits, levels >= 0, no sum clips, and every
  /// GEMM operand within int8.
  bool applies = false;
  int64_t k = 0, c = 0, n = 0, planes = 0;
  /// Bytes per input row (K rounded up to whole groups of eight) and per
  /// row of corrections (C rounded up to whole words).
  int64_t rowBytes = 0, qBytes = 0;
  /// The GEMM's second operand, (rowBytes + qBytes) x N: the linear
  /// part's K rows (the levels, or the recombined weights with a
  /// recombine), then the recombination of the C corrections (an identity
  /// without a recombine).
  std::vector<int8_t> operand;
  /// Whether the GEMM is a float one (no int8 engine). The operand is then
  /// made float where a job runs, not kept: a float copy of every block's
  /// would be four times the cells of the whole network.
  bool floatGemm = false;
  /// With the GF(2) affine instructions: per group of eight rows and
  /// column of eight, the 8 x 8 bit matrix of the levels' low bits. (The
  /// portable lookup tables are 32 times larger and made on each call.)
  bool affine = false;
  std::vector<uint64_t> matrices;
};

/// The ways a plan's products are computed, when the fastest the CPU has
/// are not wanted (tests of the fallbacks).
struct ParityWays {
  /// Parities by the lookup tables even with GF(2) affine instructions.
  bool lookupTables = false;
  /// The exact GEMM in float even with an int8 matrix engine.
  bool floatGemm = false;
};

/// Whether the CPU has the GF(2) affine instructions (GFNI, AVX-512).
bool parityAffineAvailable();

/// The plan for `chain` on the K x C `levels` (rows `stride` apart) whose
/// column sums of positive and of negated negative levels are `positive`
/// and `negative`.
ParityPlan planParity(const ConversionChain &chain, const int16_t *levels,
                      int64_t stride, int64_t k, int64_t c,
                      const std::vector<int64_t> &positive,
                      const std::vector<int64_t> &negative,
                      const ParityWays &ways = {});

/// The inputs' low chain.inputBits bits, sign-extended, as int8: M rows of
/// parityRowBytes(K) bytes (zero past K), made once for every chain of the
/// same planes.
int64_t parityRowBytes(int64_t k);
void packInputBytes(const int64_t *x, int64_t m, int64_t k, int64_t inputBits,
                    WorkerPool &pool, std::vector<int8_t> &bytes);

/// One chain's products for the M inputs `bytes` (packInputBytes) on the
/// block `plan` was made for: M x N recombined sums, or M x C
/// shift-and-add sums without a recombine, into `out`. A job holds what
/// its rows read (the plan and `out` by reference: they must outlive it),
/// so jobs of many chains can wait and then run together.
struct ParityJob {
  const ParityPlan *plan = nullptr;
  std::shared_ptr<const std::vector<int8_t>> bytes;
  int64_t m = 0;
  /// The lookup tables, without the affine instructions.
  std::vector<uint64_t> tables;
  int64_t *out = nullptr;
};

/// The job for the block whose levels are at `levels` (rows `stride`
/// apart); sizes `out` to M x N.
ParityJob parityJob(const ParityPlan &plan,
                    std::shared_ptr<const std::vector<int8_t>> bytes,
                    int64_t m, const int16_t *levels, int64_t stride,
                    Elements<int64_t> &out);
/// Rows [r0, r1) of a job's result; any thread. The GEMM is the int8 one
/// unless the plan is a float one or the int8 GEMM fails, then float
/// (exact either way).
void parityRows(const ParityJob &job, int64_t r0, int64_t r1);
/// Every job's rows, in pieces that `pool`'s threads take in turn.
void runParityJobs(const std::vector<ParityJob> &jobs, WorkerPool &pool);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_PARITYPRODUCTS_H
