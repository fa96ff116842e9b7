//===- LookupProducts.cpp - Bit-serial crossbar products by lookup --------===//

#include "LookupProducts.h"

#include "BitMatrix.h"
#include "VectorClones.h"

#include "cim/Arch/Converters.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <type_traits>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

namespace {

constexpr int64_t kGroupRows = 8;
constexpr int64_t kMasks = 256;
/// The largest lookup table built for one block (bytes).
constexpr int64_t kMaxTableBytes = int64_t(16) << 20;

/// Tables of int8 when a group's sums fit (summed in int16).
bool fitsInt8(int64_t k, int64_t maxLevel) {
  return kGroupRows * maxLevel <= 127 && k * maxLevel <= 32767;
}

bool fitsInt16(int64_t k, int64_t maxLevel) {
  return kGroupRows * maxLevel <= 32767 && k * maxLevel <= 32767;
}

/// A buffer kept across calls (one per thread): a block's tables are
/// rebuilt for every product, but not reallocated and zeroed.
template <typename T> T *scratch(size_t size) {
  thread_local std::vector<T> buffer;
  if (buffer.size() < size)
    buffer.resize(size);
  return buffer.data();
}

/// 64 bytes of T: GCC's vector extension, one AVX-512 register (or two or
/// four narrower ones where the CPU has no AVX-512).
template <typename T> struct VectorOf;
template <> struct VectorOf<int8_t> {
  typedef int8_t type __attribute__((vector_size(32)));
};
template <> struct VectorOf<int16_t> {
  typedef int16_t type __attribute__((vector_size(64)));
};
template <> struct VectorOf<int32_t> {
  typedef int32_t type __attribute__((vector_size(64)));
};
template <typename T> using Vector = typename VectorOf<T>::type;

/// acc += the 64 bytes at `from` (by reference: vectors are not passed by
/// value across the clones' different ABIs).
template <typename A, typename T>
__attribute__((always_inline)) inline void accumulate(Vector<A> &acc,
                                                      const T *from) {
  Vector<T> v;
  std::memcpy(&v, from, sizeof(v));
  if constexpr (std::is_same_v<A, T>)
    acc += v;
  else // int8 table entries, widened into int16 sums
    acc += __builtin_convertvector(v, Vector<A>);
}

/// to[i] = from[i] + add[i % period] for i < count (disjoint ranges).
template <typename T>
__attribute__((always_inline)) inline void
addRows(T *__restrict to, const T *__restrict from, const T *__restrict add,
        int64_t count, int64_t period) {
  for (int64_t i = 0; i < count; i += period)
    for (int64_t j = 0; j < period; ++j)
      to[i + j] = static_cast<T>(from[i + j] + add[j]);
}

/// One product's state: tables of T summed in A (T itself, or int16 for
/// int8 tables). buildTables() and computeRows() each compute a range of
/// it, on any thread.
template <typename T, typename A> struct LookupJob {
  // Columns by chunks of two vector registers, accumulated in registers
  // over the groups; tables padded to whole chunks.
  static constexpr int64_t chunk = 64 / sizeof(A) * 2;

  const InputBits &x;
  const int16_t *levels;
  int64_t stride, k, c, width, planes;
  const ConversionChain &chain;
  ChainConversions conversions;
  /// tables[(g * 256 + mask) * width + j]: the sum of column j's levels
  /// over the rows of group g whose bit is set in mask.
  T *tables;
  int64_t *out;

  LookupJob(const InputBits &x, const int16_t *levels, int64_t stride,
            int64_t k, int64_t c, const ConversionChain &chain, T *tables,
            Elements<int64_t> &result)
      : x(x), levels(levels), stride(stride), k(k), c(c),
        width((c + chunk - 1) / chunk * chunk),
        planes(arch::dacPlanes(chain.inputBits, chain.dacBits)), chain(chain),
        conversions(chain, c), tables(tables) {
    result.resize(static_cast<size_t>(x.rows * conversions.n));
    out = result.data();
  }

  __attribute__((always_inline)) void buildTables(int64_t g0, int64_t g1) {
    std::vector<T> levelRow(static_cast<size_t>(width), 0);
    for (int64_t g = g0; g < g1; ++g) {
      T *table = tables + g * kMasks * width;
      std::fill_n(table, width, T(0));
      for (int64_t r = 0; r < kGroupRows; ++r) {
        const int64_t row = g * kGroupRows + r;
        for (int64_t j = 0; j < c; ++j)
          levelRow[j] = row < k ? static_cast<T>(levels[row * stride + j]) : T(0);
        // The masks with bit r set are those without it plus row r.
        const int64_t size = int64_t(1) << r;
        addRows(table + size * width, table, levelRow.data(), size * width,
                width);
      }
    }
  }

  __attribute__((always_inline)) void computeRows(int64_t r0, int64_t r1) {
    const int64_t groups = x.groups, d = chain.dacBits;
    std::vector<int32_t> sums(static_cast<size_t>(width));
    // Shift-and-add sums fit 32 bits (lookupApplies).
    std::vector<int32_t> combined(static_cast<size_t>(width));
    std::vector<const T *> rows(static_cast<size_t>(groups));
    for (int64_t row = r0; row < r1; ++row) {
      std::fill(combined.begin(), combined.end(), 0);
      for (int64_t plane = 0; plane < planes; ++plane) {
        const int64_t digitBits = std::min(d, chain.inputBits - plane * d);
        // The first bit with a selected row writes the sums, later ones add
        // (no clearing: with 1-bit DACs a plane has one bit).
        bool any = false;
        for (int64_t b = 0; b < digitBits; ++b) {
          // The digit's bit b; the top plane's top bit is its sign.
          const int32_t weight =
              plane == planes - 1 && b == digitBits - 1 ? -(int32_t(1) << b)
                                                        : int32_t(1) << b;
          const uint8_t *masks =
              x.masks.data() + (row * x.bits + plane * d + b) * groups;
          // The table rows this bit selects; groups with no bit set add 0.
          int64_t selected = 0;
          for (int64_t g = 0; g < groups; ++g)
            if (masks[g])
              rows[selected++] = tables + (g * kMasks + masks[g]) * width;
          if (!selected)
            continue;
          const int32_t keep = any ? 1 : 0;
          any = true;
          for (int64_t j0 = 0; j0 < width; j0 += chunk) {
            Vector<A> low = {}, high = {};
            for (int64_t g = 0; g < selected; ++g) {
              accumulate<A>(low, rows[g] + j0);
              accumulate<A>(high, rows[g] + j0 + chunk / 2);
            }
            int32_t *to = sums.data() + j0;
            auto update = [&](auto f) {
              for (int64_t j = 0; j < chunk / 2; ++j) {
                to[j] = f(to[j], static_cast<int32_t>(low[j]));
                to[chunk / 2 + j] =
                    f(to[chunk / 2 + j], static_cast<int32_t>(high[j]));
              }
            };
            if (!keep && weight == 1)
              update([](int32_t, int32_t v) { return v; });
            else if (!keep && weight == -1)
              update([](int32_t, int32_t v) { return -v; });
            else if (!keep)
              update([weight](int32_t, int32_t v) { return weight * v; });
            else
              update([weight](int32_t s, int32_t v) { return s + weight * v; });
          }
        }
        // Every sum 0: the conversions return 0 and add nothing.
        if (!any)
          continue;
        conversions.convertPlane(sums.data(), width, plane * d,
                                 combined.data());
      }
      conversions.recombineRow(combined.data(), c, out + row * conversions.n);
    }
  }
};

// The loops of each job, compiled once per vector width.
using Job8 = LookupJob<int8_t, int16_t>;
using Job16 = LookupJob<int16_t, int16_t>;
using Job32 = LookupJob<int32_t, int32_t>;
#define CIM_LOOKUP_KERNELS(BITS)                                               \
  CIM_VECTOR_CLONES void buildTables##BITS(Job##BITS &job, int64_t g0,        \
                                           int64_t g1) {                      \
    job.buildTables(g0, g1);                                                   \
  }                                                                            \
  CIM_VECTOR_CLONES void computeRows##BITS(Job##BITS &job, int64_t r0,        \
                                           int64_t r1) {                      \
    job.computeRows(r0, r1);                                                   \
  }
CIM_LOOKUP_KERNELS(8)
CIM_LOOKUP_KERNELS(16)
CIM_LOOKUP_KERNELS(32)
#undef CIM_LOOKUP_KERNELS

template <typename Job>
void run(const InputBits &x, const int16_t *levels, int64_t stride, int64_t k,
         int64_t c, const ConversionChain &chain, WorkerPool &pool,
         Elements<int64_t> &out,
         void (*tables)(Job &, int64_t, int64_t),
         void (*rows)(Job &, int64_t, int64_t)) {
  constexpr int64_t chunk = Job::chunk;
  const int64_t width = (c + chunk - 1) / chunk * chunk;
  using Entry = std::remove_pointer_t<decltype(Job::tables)>;
  Job job(x, levels, stride, k, c, chain,
          scratch<Entry>(static_cast<size_t>(x.groups * kMasks * width)), out);
  pool.parallelFor(x.groups, 4,
                   [&](int64_t g0, int64_t g1) { tables(job, g0, g1); });
  pool.parallelFor(x.rows, 8,
                   [&](int64_t r0, int64_t r1) { rows(job, r0, r1); });
}

/// Rows [r0, r1) of packInputBits.
CIM_VECTOR_CLONES
void packRows(const int64_t *x, int64_t k, InputBits &out, int64_t r0,
              int64_t r1) {
  // A row's low bytes, zero past K: group g is the 8 bytes at 8g.
  std::vector<uint8_t> bytes(static_cast<size_t>(out.groups * kGroupRows), 0);
  for (int64_t row = r0; row < r1; ++row) {
    for (int64_t e = 0; e < k; ++e)
      bytes[e] = static_cast<uint8_t>(x[row * k + e]);
    for (int64_t g = 0; g < out.groups; ++g) {
      // Entry r is byte r; after the transpose byte i holds bit i of
      // every entry.
      uint64_t group = 0;
      for (int64_t r = 0; r < kGroupRows; ++r)
        group |= static_cast<uint64_t>(bytes[g * kGroupRows + r]) << (8 * r);
      const uint64_t transposed = transposeBits8x8(group);
      for (int64_t i = 0; i < out.bits; ++i)
        out.masks[(row * out.bits + i) * out.groups + g] =
            static_cast<uint8_t>(transposed >> (8 * i));
    }
  }
}

} // namespace

void detail::packInputBits(const int64_t *x, int64_t m, int64_t k,
                           int64_t bits, WorkerPool &pool, InputBits &out) {
  out.rows = m;
  out.cols = k;
  out.bits = bits;
  out.groups = (k + kGroupRows - 1) / kGroupRows;
  out.masks.resize(static_cast<size_t>(m * bits * out.groups));
  pool.parallelFor(m, 64, [&](int64_t r0, int64_t r1) {
    packRows(x, k, out, r0, r1);
  });
}

bool detail::lookupApplies(const ConversionChain &chain, int64_t k, int64_t c,
                           int64_t maxLevel) {
  // The shift-and-add sums, below 2^(adcBits + shift + inputBits), in 32
  // bits.
  if (chain.dacBits < 1 || chain.dacBits > 2 || chain.inputBits < 1 ||
      chain.inputBits > 8 || chain.adcBits < 1 || chain.adcShift < 0 ||
      chain.adcBits + chain.adcShift + chain.inputBits > 30 || k < 1 || c < 1)
    return false;
  if (!planeSumsFitInt32(chain, k, maxLevel) ||
      !columnsAreWholeWeights(chain, c))
    return false;
  const int64_t groups = (k + kGroupRows - 1) / kGroupRows;
  const int64_t element = fitsInt16(k, maxLevel) ? 2 : 4;
  return groups * kMasks * (c + 64) * element <= kMaxTableBytes;
}

void detail::lookupProducts(const InputBits &x, const int16_t *levels,
                            int64_t stride, int64_t k, int64_t c,
                            int64_t maxLevel,
                            const ConversionChain &chain, WorkerPool &pool,
                            Elements<int64_t> &out) {
  if (fitsInt8(k, maxLevel))
    run<Job8>(x, levels, stride, k, c, chain, pool, out, buildTables8,
              computeRows8);
  else if (fitsInt16(k, maxLevel))
    run<Job16>(x, levels, stride, k, c, chain, pool, out, buildTables16,
               computeRows16);
  else
    run<Job32>(x, levels, stride, k, c, chain, pool, out, buildTables32,
               computeRows32);
}
