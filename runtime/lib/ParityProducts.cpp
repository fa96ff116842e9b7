//===- ParityProducts.cpp - Rounding ADC products from parities -----------===//

#include "ParityProducts.h"

#include "Gemm.h"
#include "OneDnnGemm.h"
#include "Scratch.h"
#include "VectorClones.h"


#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CIM_PARITY_GFNI 1
#endif

#include <algorithm>
#include <atomic>
#include <cstring>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

namespace {

/// Input rows per GEMM: its operands and results stay in a core's L2.
constexpr int64_t kBlockRows = 256;
/// GEMM row counts are rounded up to a multiple of this: a handful of
/// GEMM shapes, each compiled once.
constexpr int64_t kGemmRowStep = 32;
/// Rows of one piece of work on a thread (runParityJobs).
constexpr int64_t kPieceRows = 128;
/// Columns are handled 64 at a time (a word of parities).
constexpr int64_t kColumnStep = 64;
constexpr int64_t kMaxColumns = 512, kMaxRows = 512;

int64_t roundUp(int64_t value, int64_t step) {
  return (value + step - 1) / step * step;
}

/// The levels' low bits: `words` words per level row, rows up to
/// `rows` (zero past K and C).
std::vector<uint64_t> lowBits(const int16_t *levels, int64_t stride, int64_t k,
                              int64_t c, int64_t rows, int64_t words) {
  std::vector<uint64_t> low(static_cast<size_t>(rows * words), 0);
  for (int64_t r = 0; r < k; ++r)
    for (int64_t j = 0; j < c; ++j)
      low[r * words + j / 64] |=
          static_cast<uint64_t>(levels[r * stride + j] & 1) << (j % 64);
  return low;
}

/// `word` with its 64 bits in reverse order.
uint64_t reverseBits(uint64_t word) {
  word = __builtin_bswap64(word);
  word = (word >> 4 & 0x0F0F0F0F0F0F0F0Full) | (word & 0x0F0F0F0F0F0F0F0Full) << 4;
  word = (word >> 2 & 0x3333333333333333ull) | (word & 0x3333333333333333ull) << 2;
  return (word >> 1 & 0x5555555555555555ull) | (word & 0x5555555555555555ull) << 1;
}

/// The GF(2) affine instructions' matrices (ParityPlan::matrices): byte
/// 7 - j of group g's matrix for column group cg holds, at bit b, the low
/// bit of the level at row 8g + 7 - b, column 8cg + j.
std::vector<uint64_t> affineMatrices(const ParityPlan &plan,
                                     const std::vector<uint64_t> &low) {
  const int64_t groups = plan.rowBytes / 8, columnGroups = plan.qBytes / 8;
  const int64_t words = plan.qBytes / 64;
  std::vector<uint64_t> matrices(static_cast<size_t>(groups * columnGroups));
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t cg = 0; cg < columnGroups; ++cg) {
      // Row 8g + r's bits of the column group at byte r, transposed to
      // column j's bits of the rows at byte j, then both orders reversed.
      uint64_t natural = 0;
      for (int64_t r = 0; r < 8; ++r)
        natural |= ((low[(8 * g + r) * words + cg / 8] >> (8 * (cg % 8))) & 255)
                   << (8 * r);
      matrices[g * columnGroups + cg] = reverseBits(transposeBits8x8(natural));
    }
  return matrices;
}

/// The portable lookup tables: per group of eight rows, 256 entries of
/// qBytes / 64 words, entry i the XOR of the low-bit rows 8g + b of the
/// levels for the bits b of i.
std::vector<uint64_t> lookupTables(const ParityPlan &plan,
                                   const std::vector<uint64_t> &low) {
  const int64_t groups = plan.rowBytes / 8, words = plan.qBytes / 64;
  std::vector<uint64_t> tables(static_cast<size_t>(groups * 256 * words), 0);
  for (int64_t g = 0; g < groups; ++g) {
    uint64_t *group = tables.data() + g * 256 * words;
    for (int64_t i = 1; i < 256; ++i) {
      const uint64_t *rest = group + (i & (i - 1)) * words;
      const uint64_t *row = low.data() + (8 * g + __builtin_ctzll(i)) * words;
      for (int64_t w = 0; w < words; ++w)
        group[i * words + w] = rest[w] ^ row[w];
    }
  }
  return tables;
}

/// The plan's GEMM operand from the levels (ParityPlan::operand), and the
/// largest magnitudes of its two parts. False if an entry is not int8.
bool makeOperand(const ConversionChain &chain, const int16_t *levels,
                 int64_t stride, ParityPlan &plan, int64_t &largestExact,
                 int64_t &largestCoefficient) {
  const ChainConversions conversions(chain, plan.c);
  const int64_t k = plan.k, c = plan.c, n = plan.n;
  plan.operand.assign(static_cast<size_t>((plan.rowBytes + plan.qBytes) * n),
                      0);
  largestExact = largestCoefficient = 0;
  auto put = [&](int64_t row, int64_t w, int64_t value, int64_t &largest) {
    if (value < -128 || value > 127)
      return false;
    plan.operand[row * n + w] = static_cast<int8_t>(value);
    largest = std::max<int64_t>(largest, std::llabs(value));
    return true;
  };
  const int64_t pw = conversions.perWeight;
  for (int64_t r = 0; r < k; ++r) {
    const int16_t *row = levels + r * stride;
    for (int64_t w = 0; w < n; ++w) {
      // recombine() is linear: the weight is its columns' combination.
      int64_t value = row[w];
      if (chain.recombine) {
        value = conversions.referenceColumns
                    ? conversions.reference * row[c - 1]
                    : 0;
        for (int64_t j = 0; j < pw; ++j)
          value += conversions.perColumn[j] * row[w * pw + j];
      }
      if (!put(r, w, value, largestExact))
        return false;
    }
  }
  const int64_t qRow = plan.rowBytes;
  if (!chain.recombine) {
    for (int64_t j = 0; j < c; ++j)
      put(qRow + j, j, 1, largestCoefficient);
    return true;
  }
  for (int64_t w = 0; w < n; ++w) {
    for (int64_t j = 0; j < pw; ++j)
      if (!put(qRow + w * pw + j, w, conversions.perColumn[j],
               largestCoefficient))
        return false;
    if (conversions.referenceColumns &&
        !put(qRow + c - 1, w, conversions.reference, largestCoefficient))
      return false;
  }
  return true;
}


/// Q of `count` input rows (plan.rowBytes apart) into `q` (plan.qBytes
/// per row, rows `ldq` apart): per column, its planes' parities as a two's
/// complement `planes`-bit integer. `table` is the plan's matrices or the
/// call's lookup tables.
template <int W>
void portableCorrections(const ParityPlan &plan, const uint64_t *table,
                         const int8_t *rows, int64_t count, int8_t *q,
                         int64_t ldq) {
  const int64_t groups = plan.rowBytes / 8, planes = plan.planes;
  const int down = 8 - static_cast<int>(planes);
  for (int64_t i = 0; i < count; ++i) {
    const int8_t *row = rows + i * plan.rowBytes;
    uint64_t acc[8][W] = {};
    for (int64_t g = 0; g < groups; ++g) {
      uint64_t word;
      std::memcpy(&word, row + 8 * g, sizeof(word));
      if (!word)
        continue;
      // Byte p of the transpose: plane p's digits of the group's rows.
      const uint64_t t = transposeBits8x8(word);
      const uint64_t *group = table + g * 256 * W;
      for (int64_t p = 0; p < planes; ++p) {
        const uint64_t *entry = group + ((t >> (8 * p)) & 255) * W;
        for (int w = 0; w < W; ++w)
          acc[p][w] ^= entry[w];
      }
    }
    // Column j's parities, plane p at bit p, eight columns at a time.
    int8_t *to = q + i * ldq;
    for (int64_t j0 = 0; j0 < plan.qBytes; j0 += 8) {
      uint64_t byPlane = 0;
      for (int64_t p = 0; p < planes; ++p)
        byPlane |= ((acc[p][j0 / 64] >> (j0 % 64)) & 255) << (8 * p);
      const uint64_t byColumn = transposeBits8x8(byPlane);
      for (int64_t j = 0; j < 8; ++j)
        to[j0 + j] = static_cast<int8_t>(
            static_cast<uint8_t>(static_cast<uint8_t>(byColumn >> (8 * j))
                                 << down)) >>
            down;
    }
  }
}

#ifdef CIM_PARITY_GFNI
/// The same on GF(2) affine instructions: an 8 x 8 bit matrix times eight
/// bytes per 64-bit lane. A group's rows are transposed to one byte per
/// plane (planes in reverse: plane 7 - i in byte i), every lane of the
/// column matrices multiplies all planes at once, and a last transpose
/// puts plane p at bit p of each column's byte.
__attribute__((target("avx512f,avx512bw,gfni"))) void
gfniCorrections(const ParityPlan &plan, const uint64_t *table,
                const int8_t *rows, int64_t count, int8_t *q, int64_t ldq) {
  const int64_t groups = plan.rowBytes / 8;
  const int64_t blocks = plan.qBytes / 64, columnGroups = blocks * 8;
  const __m512i reversedUnits = _mm512_set1_epi64(0x0102040810204080ll);
  const __m512i units = _mm512_set1_epi64(0x8040201008040201ll);
  // Sign-extend from `planes` bits: (v & mask ^ sign) - sign, per byte.
  const int64_t planes = plan.planes;
  const __m512i mask = _mm512_set1_epi8(
      static_cast<char>(planes == 8 ? 0xFF : (1 << planes) - 1));
  const __m512i sign = _mm512_set1_epi8(static_cast<char>(1 << (planes - 1)));
  alignas(64) uint64_t transposed[kMaxRows / 8];
  for (int64_t i = 0; i < count; ++i) {
    const int8_t *row = rows + i * plan.rowBytes;
    for (int64_t g0 = 0; g0 < groups; g0 += 8) {
      const int64_t left = std::min<int64_t>(8, groups - g0);
      const __m512i digits = _mm512_maskz_loadu_epi64(
          static_cast<__mmask8>((1u << left) - 1), row + 8 * g0);
      _mm512_store_si512(transposed + g0, _mm512_gf2p8affine_epi64_epi8(
                                              reversedUnits, digits, 0));
    }
    __m512i acc[kMaxColumns / 64];
    for (int64_t b = 0; b < blocks; ++b)
      acc[b] = _mm512_setzero_si512();
    for (int64_t g = 0; g < groups; ++g) {
      const __m512i planesOfGroup = _mm512_set1_epi64(
          static_cast<long long>(transposed[g]));
      const uint64_t *matrices = table + g * columnGroups;
      for (int64_t b = 0; b < blocks; ++b)
        acc[b] = _mm512_xor_si512(
            acc[b], _mm512_gf2p8affine_epi64_epi8(
                        planesOfGroup, _mm512_loadu_si512(matrices + 8 * b),
                        0));
    }
    int8_t *to = q + i * ldq;
    for (int64_t b = 0; b < blocks; ++b) {
      __m512i bits = _mm512_gf2p8affine_epi64_epi8(units, acc[b], 0);
      bits = _mm512_sub_epi8(
          _mm512_xor_si512(_mm512_and_si512(bits, mask), sign), sign);
      _mm512_storeu_si512(to + 64 * b, bits);
    }
  }
}
#endif

using Corrections = void (*)(const ParityPlan &, const uint64_t *,
                             const int8_t *, int64_t, int8_t *, int64_t);

Corrections correctionsFor(const ParityPlan &plan) {
#ifdef CIM_PARITY_GFNI
  if (plan.affine)
    return gfniCorrections;
#endif
  switch (plan.qBytes / 64) {
  case 1:
    return portableCorrections<1>;
  case 2:
    return portableCorrections<2>;
  case 4:
    return portableCorrections<4>;
  default:
    return portableCorrections<8>;
  }
}

} // namespace

bool detail::parityAffineAvailable() {
#ifdef CIM_PARITY_GFNI
  static const bool available = __builtin_cpu_supports("avx512f") &&
                                __builtin_cpu_supports("avx512bw") &&
                                __builtin_cpu_supports("gfni");
  return available;
#else
  return false;
#endif
}

ParityPlan detail::planParity(const ConversionChain &chain,
                              const int16_t *levels, int64_t stride,
                              int64_t k, int64_t c,
                              const std::vector<int64_t> &positive,
                              const std::vector<int64_t> &negative,
                              const ParityWays &ways) {
  ParityPlan plan;
  // One-bit digits (the top plane's is the sign), codes of sums that drop
  // one bit, at most eight planes (Q is a byte's bits).
  if (chain.dacBits != 1 || chain.adcShift != 1 || chain.inputBits < 1 ||
      chain.inputBits > 8 || k < 1 || k > kMaxRows || c < 1 ||
      c > kMaxColumns || !columnsAreWholeWeights(chain, c) ||
      static_cast<int64_t>(positive.size()) != c ||
      static_cast<int64_t>(negative.size()) != c)
    return plan;
  const ChainConversions conversions(chain, c);
  for (int64_t j = 0; j < c; ++j) {
    // Levels >= 0: every lower plane's sums are >= 0, the sign plane's
    // <= 0, so a rounded sum is S + par or S - par. And no sum clips.
    if (negative[j] != 0)
      return plan;
    const int64_t code = (positive[j] + 1) >> 1;
    if (code > conversions.hi || -code < conversions.lo)
      return plan;
  }
  plan.k = k;
  plan.c = c;
  plan.n = conversions.n;
  plan.planes = chain.inputBits;
  plan.rowBytes = parityRowBytes(k);
  plan.qBytes = roundUp(c, kColumnStep);
  // The GEMM's operands in int8, and its sums within float's exact range
  // (the fallback without an int8 engine): 8-bit inputs times the exact
  // operand, 8-bit corrections times the recombination.
  int64_t largestExact = 0, largestCoefficient = 0;
  if (!makeOperand(chain, levels, stride, plan, largestExact,
                   largestCoefficient) ||
      128 * (largestExact * k + largestCoefficient * c) >=
          (int64_t(1) << 24))
    return ParityPlan();
  plan.floatGemm = ways.floatGemm || !int8GemmIsFast();
  plan.affine = !ways.lookupTables && parityAffineAvailable();
  if (plan.affine)
    plan.matrices = affineMatrices(
        plan, lowBits(levels, stride, k, c, plan.rowBytes, plan.qBytes / 64));
  plan.applies = true;
  return plan;
}

int64_t detail::parityRowBytes(int64_t k) { return roundUp(k, 8); }

/// Rows [r0, r1) of packInputBytes, compiled once per vector width.
CIM_VECTOR_CLONES static void packRows(const int64_t *x, int64_t r0,
                                       int64_t r1, int64_t k,
                                       int64_t rowBytes, int top,
                                       int8_t *bytes) {
  for (int64_t row = r0; row < r1; ++row) {
    const int64_t *__restrict in = x + row * k;
    int8_t *__restrict to = bytes + row * rowBytes;
    for (int64_t e = 0; e < k; ++e)
      to[e] = static_cast<int8_t>(
          static_cast<int64_t>(static_cast<uint64_t>(in[e]) << top) >> top);
    for (int64_t e = k; e < rowBytes; ++e)
      to[e] = 0;
  }
}

void detail::packInputBytes(const int64_t *x, int64_t m, int64_t k,
                            int64_t inputBits, WorkerPool &pool,
                            std::vector<int8_t> &bytes) {
  const int64_t rowBytes = parityRowBytes(k);
  bytes.resize(static_cast<size_t>(m * rowBytes));
  const int top = 64 - static_cast<int>(inputBits);
  pool.parallelFor(m, 64, [&](int64_t r0, int64_t r1) {
    packRows(x, r0, r1, k, rowBytes, top, bytes.data());
  });
}

ParityJob detail::parityJob(const ParityPlan &plan,
                            std::shared_ptr<const std::vector<int8_t>> bytes,
                            int64_t m, const int16_t *levels, int64_t stride,
                            Elements<int64_t> &out) {
  ParityJob job;
  job.plan = &plan;
  job.bytes = std::move(bytes);
  job.m = m;
  if (!plan.affine)
    job.tables = lookupTables(plan, lowBits(levels, stride, plan.k, plan.c,
                                            plan.rowBytes, plan.qBytes / 64));
  out.resize(static_cast<size_t>(m * plan.n));
  job.out = out.data();
  return job;
}

/// GEMM rows of `a` (rows x lda, the corrections already in) times the
/// plan's operand in float (`operand`): exact, every sum an integer below
/// 2^24 (planParity).
static void floatRows(const ParityPlan &plan, const float *operand,
                      const int8_t *a, int64_t rows, int32_t *sums) {
  const int64_t lda = plan.rowBytes + plan.qBytes, n = plan.n;
  thread_local std::vector<float> aFloat, sumFloat;
  float *af = scratch(aFloat, rows * lda);
  float *sf = scratch(sumFloat, rows * n);
  std::copy(a, a + rows * lda, af);
  realGemm(rows, n, lda, af, lda, operand, n, sf, n);
  for (int64_t e = 0; e < rows * n; ++e)
    sums[e] = static_cast<int32_t>(sf[e]);
}

void detail::parityRows(const ParityJob &job, int64_t r0, int64_t r1) {
  const ParityPlan &plan = *job.plan;
  const int64_t n = plan.n;
  const uint64_t *table =
      plan.affine ? plan.matrices.data() : job.tables.data();
  const Corrections corrections = correctionsFor(plan);
  // One GEMM row: the input's bytes, then its corrections.
  const int64_t lda = plan.rowBytes + plan.qBytes;
  thread_local std::vector<int8_t> aBuffer;
  thread_local std::vector<int32_t> sumBuffer;
  int8_t *a = scratch(aBuffer, kBlockRows * lda);
  int32_t *sums = scratch(sumBuffer, kBlockRows * n);
  std::vector<float> operandFloat;
  for (int64_t b0 = r0; b0 < r1; b0 += kBlockRows) {
    const int64_t rows = std::min(r1 - b0, kBlockRows);
    const int64_t gemmRows = roundUp(rows, kGemmRowStep);
    const int8_t *in = job.bytes->data() + b0 * plan.rowBytes;
    for (int64_t i = 0; i < rows; ++i)
      std::memcpy(a + i * lda, in + i * plan.rowBytes,
                  static_cast<size_t>(plan.rowBytes));
    corrections(plan, table, in, rows, a + plan.rowBytes, lda);
    std::fill(a + rows * lda, a + gemmRows * lda, int8_t(0));
    if (plan.floatGemm ||
        !int8Gemm(a, gemmRows, lda, lda, plan.operand.data(), n, n, sums, n)) {
      // The operand in float once per call (the int8 GEMM may also fail
      // at run time: then this block falls back).
      if (operandFloat.empty())
        operandFloat.assign(plan.operand.begin(), plan.operand.end());
      floatRows(plan, operandFloat.data(), a, rows, sums);
    }
    std::copy(sums, sums + rows * n, job.out + b0 * n);
  }
}

void detail::runParityJobs(const std::vector<ParityJob> &jobs,
                           WorkerPool &pool) {
  // Pieces of kPieceRows rows of every job, taken in turn by the threads:
  // chains of a few rows (the last layers) spread over the threads too.
  std::vector<std::pair<size_t, int64_t>> pieces;
  for (size_t j = 0; j < jobs.size(); ++j)
    for (int64_t r = 0; r < jobs[j].m; r += kPieceRows)
      pieces.push_back({j, r});
  std::atomic<size_t> next{0};
  pool.parallelFor(
      static_cast<int64_t>(std::min<size_t>(pieces.size(), pool.threads())),
      1, [&](int64_t, int64_t) {
        for (size_t i = next++; i < pieces.size(); i = next++) {
          const ParityJob &job = jobs[pieces[i].first];
          const int64_t r0 = pieces[i].second;
          parityRows(job, r0, std::min(job.m, r0 + kPieceRows));
        }
      });
}
