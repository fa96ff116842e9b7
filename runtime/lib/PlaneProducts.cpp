//===- PlaneProducts.cpp - Bit-serial crossbar products on int8 GEMMs -----===//

#include "PlaneProducts.h"

#include "OneDnnGemm.h"
#include "Scratch.h"
#include "VectorClones.h"

#include "cim/Arch/Converters.h"

#include <atomic>
#include <cmath>
#include <cstring>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

namespace {

/// GEMM rows (input rows x planes) per block: the block's digits, sums and
/// the levels stay in a core's L2 cache.
constexpr int64_t kBlockGemmRows = 512;

/// GEMM row counts are rounded up to a multiple of this.
constexpr int64_t kGemmRowStep = 32;
int64_t roundUp(int64_t rows) {
  return (rows + kGemmRowStep - 1) / kGemmRowStep * kGemmRowStep;
}

/// One product's state; rows() computes a range of input rows on any
/// thread. S holds the shift-and-add sums.
template <typename S> struct PlaneJob {
  const int64_t *x;
  int64_t k, c, planes;
  const int8_t *levels; // K x C
  const ConversionChain &chain;
  ChainConversions conversions;
  int64_t *out, outStride; // row r's outputs at out + r * outStride
  std::atomic<bool> &failed;
  /// Per plane: +1 when its sums are known >= 0, -1 when <= 0, else 0.
  std::vector<int> planeSign;

  /// The digit rows of input rows [r0, r1) that are not all zero, in
  /// order of (row, plane): digits[i * K + e] = dacDigit(x[row][e], plane)
  /// with which[i] = (row - r0) << 8 | plane. Returns their count. A zero
  /// digit row's sums are zero and convert to nothing: it is left out of
  /// the GEMM (the sign plane of a non-negative input, for one).
  __attribute__((always_inline)) int64_t pack(int64_t r0, int64_t r1,
                                              int8_t *__restrict digits,
                                              int32_t *__restrict which) const {
    // Locals: int8 stores could alias the members, which would keep the
    // loops from vectorizing.
    const int64_t d = chain.dacBits, bits = chain.inputBits, k = this->k,
                  planes = this->planes;
    const int64_t *__restrict x = this->x;
    thread_local std::vector<uint64_t> lowBuffer;
    // The row's low bytes, eight to a word (zero past K).
    const int64_t words = (k + 7) / 8;
    uint64_t *__restrict low = scratch(lowBuffer, words);
    int64_t count = 0;
    for (int64_t row = r0; row < r1; ++row) {
      const int64_t *__restrict in = x + row * k;
      const int64_t first = (row - r0) << 8; // planes <= 62
      // A digit row is zero when no entry has a bit in its plane: the OR
      // of the entries tells every plane at once.
      uint64_t any = 0;
      for (int64_t e = 0; e < k; ++e)
        any |= static_cast<uint64_t>(in[e]);
      if (bits <= 8) {
        // The low bytes once; each lower plane's digits from whole words
        // (a byte's bits above the digit are masked off, so no bits cross
        // into the next byte's).
        low[words - 1] = 0;
        for (int64_t e = 0; e < k; ++e)
          reinterpret_cast<uint8_t *>(low)[e] = static_cast<uint8_t>(in[e]);
        const uint64_t digitMask = (uint64_t(1) << d) - 1;
        const uint64_t mask = digitMask * uint64_t(0x0101010101010101);
        for (int64_t p = 0; p + 1 < planes; ++p) {
          if (!((any >> (p * d)) & digitMask))
            continue;
          // Whole words: the row's last may spill zeros into the next
          // row's bytes (written after) or the buffer's slack.
          int8_t *__restrict to = digits + count * k;
          for (int64_t w = 0; w < words; ++w) {
            const uint64_t digitWord = (low[w] >> (p * d)) & mask;
            std::memcpy(to + 8 * w, &digitWord, sizeof(digitWord));
          }
          which[count++] = static_cast<int32_t>(first | p);
        }
      } else {
        const uint64_t mask = (uint64_t(1) << d) - 1;
        for (int64_t p = 0; p + 1 < planes; ++p) {
          if (!((any >> (p * d)) & mask))
            continue;
          int8_t *__restrict to = digits + count * k;
          for (int64_t e = 0; e < k; ++e)
            to[e] = static_cast<int8_t>(
                (static_cast<uint64_t>(in[e]) >> (p * d)) & mask);
          which[count++] = static_cast<int32_t>(first | p);
        }
      }
      // The top plane's digit carries the sign bit: the input's low `bits`
      // bits sign-extended, then shifted down to the plane.
      const int64_t down = (planes - 1) * d;
      if (!((any >> down) & ((uint64_t(1) << (bits - down)) - 1)))
        continue;
      const int64_t top = 64 - bits;
      int8_t *__restrict to = digits + count * k;
      for (int64_t e = 0; e < k; ++e)
        to[e] = static_cast<int8_t>(
            static_cast<int64_t>(static_cast<uint64_t>(in[e]) << top) >>
            (top + down));
      which[count++] = static_cast<int32_t>(first | (planes - 1));
    }
    return count;
  }

  __attribute__((always_inline)) void rows(int64_t r0, int64_t r1) {
    thread_local std::vector<int8_t> digitBuffer;
    thread_local std::vector<int32_t> whichBuffer;
    thread_local std::vector<int32_t> sumBuffer;
    thread_local std::vector<S> combinedBuffer;
    const int64_t block = std::max<int64_t>(1, kBlockGemmRows / planes);
    const int64_t most = roundUp(block * planes);
    int8_t *digits = scratch(digitBuffer, most * k + 8);
    int32_t *which = scratch(whichBuffer, block * planes);
    int32_t *sums = scratch(sumBuffer, most * c);
    S *combined = scratch(combinedBuffer, c);
    for (int64_t b0 = r0; b0 < r1; b0 += block) {
      const int64_t b1 = std::min(r1, b0 + block);
      const int64_t count = pack(b0, b1, digits, which);
      // Zero digit rows up to the GEMM's row step (their sums are unread):
      // a handful of GEMM shapes, each compiled once, instead of one per
      // count.
      const int64_t gemmRows = roundUp(count);
      std::fill(digits + count * k, digits + gemmRows * k, int8_t(0));
      if (count && !int8Gemm(digits, gemmRows, k, k, levels, c, c, sums, c)) {
        failed = true;
        return;
      }
      int64_t i = 0;
      for (int64_t row = 0; row < b1 - b0; ++row) {
        std::fill_n(combined, c, S(0));
        for (; i < count && (which[i] >> 8) == row; ++i) {
          const int64_t p = which[i] & 255;
          conversions.convertPlane(sums + i * c, c, p * chain.dacBits,
                                   combined, planeSign[p]);
        }
        conversions.recombineRow(combined, c, out + (b0 + row) * outStride);
      }
    }
  }
};

// The loops of each job, compiled once per vector width.
CIM_VECTOR_CLONES void rows32(PlaneJob<int32_t> &job, int64_t r0, int64_t r1) {
  job.rows(r0, r1);
}
CIM_VECTOR_CLONES void rows64(PlaneJob<int64_t> &job, int64_t r0, int64_t r1) {
  job.rows(r0, r1);
}

/// Whether the shift-and-add sums, below 2^(adcBits + shift + inputBits),
/// fit 32 bits.
bool combinesIn32Bits(const ConversionChain &chain) {
  return chain.adcBits + chain.adcShift + chain.inputBits <= 30;
}

} // namespace

bool detail::planeProductsApply(const ConversionChain &chain, int64_t k,
                                int64_t c, int64_t maxLevel) {
  // Digits in [-2^(d-1), 2^d - 1] and levels in int8.
  if (chain.dacBits < 1 || chain.dacBits > 7 || chain.inputBits < 1 ||
      chain.inputBits > 62 || chain.adcBits < 1 || chain.adcShift < 0 ||
      chain.adcBits + chain.adcShift + chain.inputBits > 62 || maxLevel > 127 ||
      k < 1 || c < 1)
    return false;
  return planeSumsFitInt32(chain, k, maxLevel) &&
         columnsAreWholeWeights(chain, c);
}

namespace {

/// The columns of outputs [w0, w1) of a product over C columns (weights
/// with a recombine, and its reference column; else columns) as int8 in
/// `part` (K x columns), and the sign each plane's sums are known to have.
struct LevelPart {
  int64_t columns = 0;
  std::vector<int> planeSign;
};

LevelPart levelPart(const int16_t *levels, int64_t stride, int64_t k,
                    int64_t c, const ConversionChain &chain, int64_t planes,
                    int64_t w0, int64_t w1, std::vector<int8_t> &part) {
  const int64_t perWeight =
      chain.recombine ? chain.recombine->columnsPerWeight() : 1;
  const int64_t reference =
      chain.recombine ? chain.recombine->referenceColumns() : 0;
  const int64_t first = w0 * perWeight, width = (w1 - w0) * perWeight;
  LevelPart out;
  out.columns = width + reference;
  part.resize(static_cast<size_t>(k * out.columns));
  int16_t least = 0;
  for (int64_t r = 0; r < k; ++r) {
    const int16_t *row = levels + r * stride;
    int8_t *to = part.data() + r * out.columns;
    for (int64_t j = 0; j < width; ++j) {
      least = std::min(least, row[first + j]);
      to[j] = static_cast<int8_t>(row[first + j]);
    }
    if (reference) {
      least = std::min(least, row[c - 1]);
      to[width] = static_cast<int8_t>(row[c - 1]);
    }
  }
  // With no negative level, the sums have the sign of the digits: the
  // lower planes' are >= 0, a one-bit top plane's (the sign bit) <= 0.
  out.planeSign.assign(static_cast<size_t>(planes), 0);
  if (least >= 0) {
    std::fill(out.planeSign.begin(), out.planeSign.end() - 1, 1);
    if (chain.inputBits - (planes - 1) * chain.dacBits == 1)
      out.planeSign.back() = -1;
  }
  return out;
}

/// A product of few rows is split by its outputs instead (each thread then
/// reads only its own columns of levels, and every thread has work).
constexpr int64_t kColumnSplitRows = 256;

template <typename S>
bool runProduct(const int64_t *x, int64_t m, int64_t k, const int16_t *levels,
                int64_t stride, int64_t c, const ConversionChain &chain,
                WorkerPool &pool, Elements<int64_t> &out,
                void (*rows)(PlaneJob<S> &, int64_t, int64_t)) {
  const int64_t planes = arch::dacPlanes(chain.inputBits, chain.dacBits);
  const int64_t n = ChainConversions(chain, c).n;
  out.resize(static_cast<size_t>(m * n));
  std::atomic<bool> failed{false};
  auto job = [&](const LevelPart &part, const std::vector<int8_t> &partLevels,
                 int64_t w0) {
    return PlaneJob<S>{x,
                       k,
                       part.columns,
                       planes,
                       partLevels.data(),
                       chain,
                       {chain, part.columns},
                       out.data() + w0,
                       n,
                       failed,
                       part.planeSign};
  };
  if (m < kColumnSplitRows && pool.threads() > 1 && n > 1) {
    pool.parallelFor(n, 1, [&](int64_t w0, int64_t w1) {
      thread_local std::vector<int8_t> partLevels;
      const LevelPart part =
          levelPart(levels, stride, k, c, chain, planes, w0, w1, partLevels);
      PlaneJob<S> partJob = job(part, partLevels, w0);
      rows(partJob, 0, m);
    });
    return !failed;
  }
  std::vector<int8_t> allLevels;
  const LevelPart all =
      levelPart(levels, stride, k, c, chain, planes, 0, n, allLevels);
  PlaneJob<S> whole = job(all, allLevels, 0);
  pool.parallelFor(m, 8, [&](int64_t r0, int64_t r1) { rows(whole, r0, r1); });
  return !failed;
}

} // namespace

bool detail::planeProducts(const int64_t *x, int64_t m, int64_t k,
                           const int16_t *levels, int64_t stride, int64_t c,
                           const ConversionChain &chain, WorkerPool &pool,
                           Elements<int64_t> &out) {
  if (combinesIn32Bits(chain))
    return runProduct<int32_t>(x, m, k, levels, stride, c, chain, pool, out,
                               rows32);
  return runProduct<int64_t>(x, m, k, levels, stride, c, chain, pool, out,
                             rows64);
}
