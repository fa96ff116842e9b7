//===- RowGather.cpp - A copy nest's rows read from its source ------------===//

#include "RowGather.h"

#include "GenericCopy.h"

using namespace cim::runtime;
using namespace cim::runtime::detail;

namespace {

/// Every point of `loops` as (output offset, input offset) sums, written
/// into `offsets` at output offset / `unit`; false if one falls outside
/// `offsets` or lands on a filled entry.
bool enumerate(const std::vector<CopyLoop> &loops, int64_t unit, int64_t base,
               std::vector<int64_t> &offsets) {
  std::vector<int64_t> index(loops.size(), 0);
  int64_t out = 0, in = base;
  do {
    if (out % unit != 0)
      return false;
    const int64_t slot = out / unit;
    if (slot < 0 || slot >= static_cast<int64_t>(offsets.size()) ||
        offsets[slot] >= 0)
      return false;
    offsets[slot] = in;
  } while (nextPoint(loops, loops.size(), index, in, out));
  return true;
}

} // namespace

bool detail::rowGatherOf(const Instruction &copy, int64_t rows, int64_t width,
                         RowGather &gather) {
  if (copy.opcode != Opcode::Generic || !copy.body.empty() ||
      copy.bodyResult != 0 || copy.hasInit || copy.inputs.size() != 1 ||
      copy.accesses.size() != 2 || copy.accesses[1].offset != 0 ||
      rows <= 0 || width <= 0 || !copyWritesEachElementOnce(copy))
    return false;
  std::vector<CopyLoop> rowLoops, colLoops;
  for (size_t l = 0; l < copy.loopBounds.size(); ++l) {
    const CopyLoop loop{copy.loopBounds[l], copy.accesses[0].strides[l],
                    copy.accesses[1].strides[l]};
    if (loop.bound == 1)
      continue;
    if (loop.out > 0 && loop.out < width)
      colLoops.push_back(loop);
    else if (loop.out > 0 && loop.out % width == 0)
      rowLoops.push_back(loop);
    else
      return false; // a loop that moves across rows and within them
  }
  // Each point lands on its own entry (writes are distinct), so filling
  // every entry means the nest covers the rows x width output exactly.
  gather.source = copy.inputs[0];
  gather.rows.assign(static_cast<size_t>(rows), -1);
  gather.cols.assign(static_cast<size_t>(width), -1);
  if (!enumerate(rowLoops, width, copy.accesses[0].offset, gather.rows) ||
      !enumerate(colLoops, 1, 0, gather.cols))
    return false;
  for (int64_t offset : gather.rows)
    if (offset < 0)
      return false;
  for (int64_t offset : gather.cols)
    if (offset < 0)
      return false;
  return true;
}
