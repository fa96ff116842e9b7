//===- GenericCopy.cpp - Copy loop nests of the vector unit ---------------===//

#include "GenericCopy.h"

#include <algorithm>
#include <cstdlib>

using namespace cim::runtime;
using namespace cim::runtime::detail;

namespace {

/// Whether distinct points of `loops` write distinct output elements: with
/// the loops sorted by output stride, each stride passes every element the
/// smaller ones reach (a mixed-radix numbering). Then the points may run in
/// any order.
bool writesEachElementOnce(std::vector<CopyLoop> loops) {
  std::sort(loops.begin(), loops.end(), [](const CopyLoop &a, const CopyLoop &b) {
    return std::llabs(a.out) < std::llabs(b.out);
  });
  int64_t reach = 0;
  for (const CopyLoop &loop : loops) {
    if (std::llabs(loop.out) <= reach)
      return false;
    reach += std::llabs(loop.out) * (loop.bound - 1);
  }
  return true;
}

/// The copy nest's loops of bound other than 1 (a loop of bound 1 writes
/// nothing twice and moves nothing, whatever its strides).
std::vector<CopyLoop> loopsOf(const Instruction &inst) {
  std::vector<CopyLoop> loops;
  for (size_t l = 0; l < inst.loopBounds.size(); ++l)
    if (inst.loopBounds[l] != 1)
      loops.push_back({inst.loopBounds[l], inst.accesses[0].strides[l],
                       inst.accesses[1].strides[l]});
  return loops;
}

/// The copy nest in the order it runs best: loops of bound 1 dropped; when
/// the output is written once per element, the loop that writes contiguous
/// output and the one that reads contiguous input (the longer one
/// innermost) become the two innermost, so each inner tile is long and
/// every cache line it touches is still in cache for the next (a transpose,
/// an im2col whose rows are short); adjacent loops that walk both operands
/// contiguously merged.
std::vector<CopyLoop> copyOrder(const Instruction &inst, bool disjoint) {
  std::vector<CopyLoop> loops = loopsOf(inst);
  if (loops.size() >= 3 && disjoint) {
    // The loop with the smallest |stride| on one side (longer on ties).
    auto smallest = [&](int64_t CopyLoop::*side, size_t skip) {
      size_t best = loops.size();
      for (size_t l = 0; l < loops.size(); ++l) {
        if (l == skip)
          continue;
        if (best == loops.size() ||
            std::llabs(loops[l].*side) < std::llabs(loops[best].*side) ||
            (std::llabs(loops[l].*side) == std::llabs(loops[best].*side) &&
             loops[l].bound > loops[best].bound))
          best = l;
      }
      return best;
    };
    const size_t writes = smallest(&CopyLoop::out, loops.size());
    size_t reads = smallest(&CopyLoop::in, loops.size());
    if (reads == writes)
      reads = smallest(&CopyLoop::in, writes);
    size_t inner = writes, second = reads;
    if (loops[reads].bound > loops[writes].bound)
      std::swap(inner, second);
    std::vector<CopyLoop> ordered;
    for (size_t l = 0; l < loops.size(); ++l)
      if (l != inner && l != second)
        ordered.push_back(loops[l]);
    ordered.push_back(loops[second]);
    ordered.push_back(loops[inner]);
    loops = std::move(ordered);
  }
  std::vector<CopyLoop> merged;
  for (const CopyLoop &loop : loops) {
    if (!merged.empty() && merged.back().in == loop.in * loop.bound &&
        merged.back().out == loop.out * loop.bound) {
      merged.back() = {merged.back().bound * loop.bound, loop.in, loop.out};
      continue;
    }
    merged.push_back(loop);
  }
  return merged;
}

/// The nest `loops` (at least two) from offsets `i` (input) and `o`
/// (output): the outer loops step offsets, the two innermost run as plain
/// nested loops.
template <typename T>
void runNest(const std::vector<CopyLoop> &loops, int64_t i, int64_t o,
             const T *from, T *to) {
  const size_t outer = loops.size() - 2;
  const CopyLoop row = loops[outer], column = loops[outer + 1];
  std::vector<int64_t> index(outer, 0);
  while (true) {
    for (int64_t r = 0; r < row.bound; ++r) {
      const T *source = from + i + r * row.in;
      T *target = to + o + r * row.out;
      for (int64_t j = 0; j < column.bound; ++j)
        target[j * column.out] = source[j * column.in];
    }
    if (!nextPoint(loops, outer, index, i, o))
      return;
  }
}

/// Copies below this many elements are not worth waking the threads for.
constexpr int64_t kParallelCopy = int64_t(1) << 16;

template <typename T>
void stridedCopy(const Instruction &inst, const Elements<T> &from,
                 Elements<T> &to, WorkerPool *pool) {
  int64_t points = 1;
  for (int64_t bound : inst.loopBounds)
    points *= bound;
  if (points == 0)
    return;
  const bool disjoint = copyWritesEachElementOnce(inst);
  std::vector<CopyLoop> loops = copyOrder(inst, disjoint);
  while (loops.size() < 2)
    loops.insert(loops.begin(), CopyLoop{1, 0, 0});
  const int64_t i = inst.accesses[0].offset, o = inst.accesses[1].offset;
  // The outermost loop that runs more than once, split into ranges.
  size_t split = 0;
  while (split + 1 < loops.size() && loops[split].bound == 1)
    ++split;
  if (!pool || pool->threads() == 1 || points < kParallelCopy ||
      split + 1 == loops.size() || !disjoint) {
    runNest(loops, i, o, from.data(), to.data());
    return;
  }
  const CopyLoop whole = loops[split];
  pool->parallelFor(whole.bound, 1, [&](int64_t begin, int64_t end) {
    std::vector<CopyLoop> part = loops;
    part[split].bound = end - begin;
    runNest(part, i + begin * whole.in, o + begin * whole.out, from.data(),
            to.data());
  });
}

} // namespace

bool detail::nextPoint(const std::vector<CopyLoop> &loops, size_t count,
                       std::vector<int64_t> &index, int64_t &in,
                       int64_t &out) {
  for (size_t l = count; l-- > 0;) {
    if (++index[l] < loops[l].bound) {
      in += loops[l].in;
      out += loops[l].out;
      return true;
    }
    in -= loops[l].in * (loops[l].bound - 1);
    out -= loops[l].out * (loops[l].bound - 1);
    index[l] = 0;
  }
  return false;
}

bool detail::copyWritesEachElementOnce(const Instruction &inst) {
  return writesEachElementOnce(loopsOf(inst));
}

bool detail::outputLoopsWriteDistinctElements(const Instruction &inst) {
  const Access &out = inst.accesses.back();
  std::vector<CopyLoop> loops;
  for (size_t l = 0; l < inst.loopBounds.size(); ++l)
    if (inst.loopBounds[l] != 1 && out.strides[l] != 0)
      loops.push_back({inst.loopBounds[l], 0, out.strides[l]});
  return writesEachElementOnce(loops);
}

void detail::copyNest(const Instruction &inst, const Elements<int64_t> &from,
                      Elements<int64_t> &to, WorkerPool *pool) {
  stridedCopy(inst, from, to, pool);
}

void detail::copyNest(const Instruction &inst, const Elements<float> &from,
                      Elements<float> &to, WorkerPool *pool) {
  stridedCopy(inst, from, to, pool);
}

void detail::copyNest(const Instruction &inst, const Elements<double> &from,
                      Elements<double> &to, WorkerPool *pool) {
  stridedCopy(inst, from, to, pool);
}
