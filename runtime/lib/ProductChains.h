//===- ProductChains.h - Crossbar products computed in one pass ---*- C++
//-*-===//
//
// Private to the runtime library. The hot path of the simulator: the chain
// dac -> mvm -> adc -> shift_add [-> recombine] of one array block is
// computed when its mvm issues, with GEMMs, instead of instruction by
// instruction with per-cell loops. Timing and energy do not change: every
// instruction of the chain still issues, waits and is charged as before;
// only where its value is computed moves.
//
// When the ADC provably passes every column sum unchanged (ideal numerics,
// or a block whose sums fit the ADC's range at shift 0), the chain is
// linear, so it collapses to one GEMM of the input with the block's levels
// (or, with the recombine, with the recombined integer weights): the
// identical integers, P times (and, on 2-bit cells, four times) fewer
// multiply-adds. Otherwise one GEMM computes every plane's column sums at
// once and the ADC, shift-and-add and recombination follow on the sums.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_LIB_PRODUCTCHAINS_H
#define CIM_RUNTIME_LIB_PRODUCTCHAINS_H

#include "Gemm.h"
#include "LookupProducts.h"
#include "Numerics.h"
#include "ParityProducts.h"

#include "cim/runtime/Executor.h"
#include "cim/runtime/Program.h"
#include "cim/runtime/Status.h"
#include "cim/runtime/Tensor.h"

#include <map>
#include <memory>
#include <tuple>
#include <vector>

namespace cim::runtime::detail {

struct ProductChain {
  const Instruction *dac = nullptr, *mvm = nullptr, *adc = nullptr,
                    *shiftAdd = nullptr;
  /// Null when the shift-and-add's result is used otherwise.
  const Instruction *recombine = nullptr;
  /// The dac's input and planes, and the value the chain produces (the
  /// recombine's output, else the shift-and-add's).
  int64_t input = -1, planes = -1, result = -1;
  /// How many chains read the same planes (the column blocks of one row
  /// block): their digits are made once for all of them.
  int64_t planesReaders = 1;
};

/// The chains of a program and which instructions they stand in for.
class ProductChains {
public:
  /// Finds every chain whose intermediate values nothing else reads; none
  /// when `enabled` is false (a device model must see every mvm).
  ProductChains(const Program &program, bool enabled);

  /// The chain whose mvm is instruction `index` of stream `core`, if any.
  const ProductChain *atMvm(size_t core, size_t index) const;
  /// Whether instruction `index` of stream `core` needs no evaluation of
  /// its own: a chain computes its value, or nothing reads it (the planes
  /// of a dac whose every mvm is in a chain).
  bool skipsEvaluation(size_t core, size_t index) const;
  /// Values read again when a chain's mvm issues (each chain's input, once
  /// per chain): their storage must outlive those reads.
  const std::vector<int64_t> &extraReads() const { return inputs; }

private:
  std::vector<ProductChain> chains;
  /// By stream and instruction: the index of the chain whose mvm it is, or
  /// -1 (looked up for every instruction a run issues).
  std::vector<std::vector<int32_t>> chainAt;
  std::vector<std::vector<char>> skip;
  std::vector<int64_t> inputs;
};

/// Level images of array blocks as GEMM operands, rebuilt when a program
/// instruction rewrites the array.
class BlockCache {
public:
  struct Block {
    int64_t generation = -1;
    /// Where the block is in its array's cells.
    int64_t row = 0, col = 0;
    /// Per column: sums of the positive and of the negated negative
    /// levels (the range of a column sum for a range of input digits).
    std::vector<int64_t> positive, negative;
    int64_t maxAbs = 0;
    /// The levels as a GEMM operand, made when a GEMM path first needs
    /// them (levels()): a lookup reads the cells themselves.
    GemmMatrix levels;
    bool hasLevels = false;
    GemmMatrix recombined;
    bool hasRecombined = false;
    arch::CellEncoding encoding;
    /// The parity jobs' plan, for the chain `parityChain` describes (its
    /// recombine, if any, is `parityEncoding`: the block's own copy).
    ParityPlan parity;
    bool hasParity = false;
    ConversionChain parityChain;
    arch::CellEncoding parityEncoding;
  };
  /// Marks `array`'s blocks stale (a program instruction wrote it).
  void written(int64_t array) { ++generations[array]; }
  /// The K x C block of `cells` at (row, col) of `array`.
  Block &block(const arch::ArchSpec &arch, int64_t array, int64_t row,
                     int64_t col, int64_t k, int64_t c,
                     const CellImage &cells);
  /// The block's levels (K x C) as a GEMM operand.
  const GemmMatrix &levels(Block &block, const arch::ArchSpec &arch,
                           const CellImage &cells);
  /// The parity jobs' plan for `chain` on the block, made once.
  const ParityPlan &parity(Block &block, const arch::ArchSpec &arch,
                           const CellImage &cells,
                           const ConversionChain &chain);
  /// The block's weights through `encoding` (K x N), computed once.
  const GemmMatrix &recombined(Block &block, const arch::ArchSpec &arch,
                               const CellImage &cells,
                               const arch::CellEncoding &encoding);
  /// A dac's planes as float digits (P*M x K) or packed bits, made by `make` for the
  /// first of the `readers` chains that read them, dropped after the last.
  struct Digits {
    std::vector<float> values;
    /// The same digits as input bits, for lookups (LookupProducts.h).
    InputBits bits;
    /// The inputs as int8 rows, for parity jobs (which keep them while
    /// they wait).
    std::shared_ptr<const std::vector<int8_t>> bytes;
    int64_t remaining = 0;
  };
  Digits &digits(int64_t planes) { return planeDigits[planes]; }
  void doneWith(int64_t planes) {
    auto found = planeDigits.find(planes);
    if (found != planeDigits.end() && --found->second.remaining <= 0)
      planeDigits.erase(found);
  }

private:
  std::map<int64_t, int64_t> generations;
  std::map<int64_t, Digits> planeDigits;
  std::map<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t>, Block>
      blocks;
};

/// Computes `chain.result` into `out` (type and shape already set) from the
/// dac's input `x`, the planes if they were computed (else null), and the
/// array's cells; the block is `columns` wide. A chain the parity products
/// compute is only sized: its job joins `waiting`, to be run
/// (runParityJobs) before anything reads `out` or rewrites the cells.
Status evaluateChain(const arch::ArchSpec &arch, const ProductChain &chain,
                     int64_t columns, const Tensor &x, const Tensor *planes,
                     const CellImage &cells, int64_t arrayIndex,
                     Numerics numerics, BlockCache &cache, WorkerPool &pool,
                     Tensor &out, std::vector<ParityJob> &waiting);

} // namespace cim::runtime::detail

#endif // CIM_RUNTIME_LIB_PRODUCTCHAINS_H
