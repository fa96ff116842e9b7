//===- Numerics.cpp - What each instruction computes ----------------------===//

#include "Numerics.h"

#include "Gemm.h"
#include "Generic.h"
#include "VectorClones.h"

#include "cim/Arch/Converters.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <mutex>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

static Status program(const arch::ArchSpec &arch, const Instruction &inst,
                      const Tensor &levels, CellImage &cells) {
  const int64_t bits = arch.array.cell.bits;
  const bool signedLevels =
      arch.array.cell.differentialInCell &&
      arch.array.cell.signedEncoding == arch::SignedEncoding::Differential;
  const int64_t maxLevel = (int64_t(1) << bits) - 1;
  const int64_t minLevel = signedLevels ? -maxLevel : 0;
  const int64_t rows = levels.shape[0], cols = levels.shape[1];
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const int64_t level = levels.ints[r * cols + c];
      if (level < minLevel || level > maxLevel)
        return Status::error("cell level " + std::to_string(level) +
                             " at element " + std::to_string(r * cols + c) +
                             " is outside " + std::to_string(minLevel) + ".." +
                             std::to_string(maxLevel));
      cells[(inst.row + r) * arch.array.cols + inst.col + c] = level;
    }
  return Status::ok();
}

static void mvm(const arch::ArchSpec &arch, const Instruction &inst,
                const Tensor &in, const CellImage &cells, Tensor &out) {
  const int64_t k = in.shape.back(), c = out.shape.back();
  const int64_t vectors = c ? out.numElements() / c : 0;
  out.ints.assign(out.numElements(), 0);
  for (int64_t v = 0; v < vectors; ++v)
    for (int64_t r = 0; r < k; ++r) {
      const int64_t x = in.ints[v * k + r];
      if (x == 0)
        continue;
      const int16_t *row =
          cells.data() + (inst.row + r) * arch.array.cols + inst.col;
      int64_t *sums = out.ints.data() + v * c;
      for (int64_t j = 0; j < c; ++j)
        sums[j] += x * row[j];
    }
}

static void recombine(const Instruction &inst, const Tensor &in, Tensor &out) {
  const arch::CellEncoding &encoding = inst.encoding;
  const int64_t m = out.shape[0], n = out.shape[1];
  const int64_t physical = in.shape[1];
  const int64_t perWeight = encoding.columnsPerWeight();
  out.ints.resize(m * n);
  for (int64_t i = 0; i < m; ++i) {
    const int64_t *row = in.ints.data() + i * physical;
    const int64_t reference =
        encoding.referenceColumns() ? row[physical - 1] : 0;
    for (int64_t j = 0; j < n; ++j)
      out.ints[i * n + j] = encoding.recombine(row + j * perWeight, reference);
  }
}

/// Runs body(begin, end) over [0, size): on the pool's threads for large
/// element-wise ops (each element is computed alone, so the split cannot
/// change a result), else at once.
static void overElements(WorkerPool *pool, int64_t size,
                         const std::function<void(int64_t, int64_t)> &body) {
  constexpr int64_t kParallelElements = int64_t(1) << 16;
  if (pool && pool->threads() > 1 && size >= kParallelElements)
    pool->parallelFor(size, kParallelElements / 4, body);
  else
    body(0, size);
}

/// Row-major strides of `shape`.
static std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    strides[d - 1] = strides[d] * shape[d];
  return strides;
}

/// out = in[offsets : offsets + out.shape] (unit strides): each innermost
/// run is one contiguous copy.
template <typename T>
static void slice(const std::vector<int64_t> &offsets, const Tensor &in,
                  const Elements<T> &from, const Tensor &out, Elements<T> &to,
                  WorkerPool *pool) {
  const int64_t size = out.numElements();
  to.resize(size);
  const size_t rank = out.shape.size();
  if (size == 0)
    return;
  if (rank == 0) {
    to[0] = from[0];
    return;
  }
  if (rank == 2) {
    // Rows of a matrix (a crossbar block's inputs): split over the pool.
    const int64_t rows = out.shape[0], run = out.shape[1];
    const int64_t stride = in.shape[1];
    const T *source = from.data() + offsets[0] * stride + offsets[1];
    overElements(pool, size, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin / run; r < rows && r * run < end; ++r) {
        const int64_t first = std::max(begin, r * run);
        const int64_t last = std::min(end, (r + 1) * run);
        std::copy(source + r * stride + (first - r * run),
                  source + r * stride + (last - r * run), to.data() + first);
      }
    });
    return;
  }
  const std::vector<int64_t> inStrides = stridesOf(in.shape);
  const int64_t run = out.shape.back();
  std::vector<int64_t> index(rank, 0);
  for (int64_t e = 0; e < size; e += run) {
    int64_t source = 0;
    for (size_t d = 0; d < rank; ++d)
      source += (offsets[d] + index[d]) * inStrides[d];
    std::copy(from.begin() + source, from.begin() + source + run,
              to.begin() + e);
    // Next run: increment the outer index, last dim first.
    for (size_t d = rank - 1; d-- > 0;) {
      if (++index[d] < out.shape[d])
        break;
      index[d] = 0;
    }
  }
}

/// out = inputs joined along `axis`: for each index of the outer dims, the
/// inputs' blocks of (their axis extent x inner) elements in turn.
template <typename T>
static void concat(int64_t axis, const std::vector<const Tensor *> &inputs,
                   Elements<T> Tensor::*field, Tensor &out) {
  Elements<T> &to = out.*field;
  to.clear();
  to.reserve(out.numElements());
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= out.shape[d];
  for (size_t d = axis + 1; d < out.shape.size(); ++d)
    inner *= out.shape[d];
  for (int64_t o = 0; o < outer; ++o)
    for (const Tensor *piece : inputs) {
      const int64_t block = piece->shape[axis] * inner;
      const Elements<T> &from = piece->*field;
      to.insert(to.end(), from.begin() + o * block,
                from.begin() + (o + 1) * block);
    }
}

/// As mvm, through a device model: real-valued sums over the effective
/// conductances, rounded to the nearest level unit (DeviceModel.h).
static void mvmThroughDevice(const arch::ArchSpec &arch,
                             const Instruction &inst, const Tensor &in,
                             const CellImage &cells, const DeviceModel &device,
                             int64_t cycle, Tensor &out) {
  const int64_t k = in.shape.back(), c = out.shape.back();
  const int64_t vectors = c ? out.numElements() / c : 0;
  CellBlock block;
  block.array = inst.array;
  block.row = inst.row;
  block.col = inst.col;
  block.rows = k;
  block.cols = c;
  // The device model reads int64 levels with the array's row stride: the
  // block's rows, widened.
  const std::vector<int64_t> rows(cells.begin() + inst.row * arch.array.cols,
                                  cells.begin() +
                                      (inst.row + k) * arch.array.cols);
  block.levels = rows.data() + inst.col;
  block.stride = arch.array.cols;
  block.cycle = cycle;
  std::vector<double> effective(static_cast<size_t>(k * c));
  device.effectiveLevels(block, effective.data());
  std::vector<double> sums(static_cast<size_t>(c));
  out.ints.assign(out.numElements(), 0);
  for (int64_t v = 0; v < vectors; ++v) {
    std::fill(sums.begin(), sums.end(), 0.0);
    for (int64_t r = 0; r < k; ++r) {
      const double x = static_cast<double>(in.ints[v * k + r]);
      if (x == 0)
        continue;
      for (int64_t j = 0; j < c; ++j)
        sums[j] += x * effective[r * c + j];
    }
    for (int64_t j = 0; j < c; ++j)
      out.ints[v * c + j] = std::llround(sums[j]);
  }
}

/// cim.quantize's levels: symmetric narrow range; nearbyint rounds half to
/// even under the default rounding mode; NaN becomes 0.
CIM_VECTOR_CLONES
static void quantizeElements(const float *in, int64_t size, double scale,
                             double limit, int64_t *out) {
  for (int64_t e = 0; e < size; ++e) {
    const double scaled = in[e] / scale;
    const double level = scaled == scaled
                             ? std::clamp(std::nearbyint(scaled), -limit, limit)
                             : 0;
    out[e] = static_cast<int64_t>(level);
  }
}

/// The largest |x| (NaNs skipped), in sixteen independent f32 lanes so
/// that the loop vectorizes (the largest of floats is a float: exact).
CIM_VECTOR_CLONES
static double largestMagnitude(const float *in, int64_t size) {
  constexpr int64_t lanes = 16;
  float largest[lanes] = {};
  int64_t e = 0;
  for (; e + lanes <= size; e += lanes)
    for (int64_t l = 0; l < lanes; ++l) {
      const float magnitude = std::fabs(in[e + l]);
      largest[l] = largest[l] < magnitude ? magnitude : largest[l];
    }
  for (; e < size; ++e) {
    const float magnitude = std::fabs(in[e]);
    largest[0] = largest[0] < magnitude ? magnitude : largest[0];
  }
  double result = 0;
  for (double lane : largest)
    result = result < lane ? lane : result;
  return result;
}

Status detail::evaluate(const arch::ArchSpec &arch, const Instruction &inst,
                        const std::vector<const Tensor *> &inputs,
                        CellImage *cells, Numerics numerics, Tensor &out,
                        const DeviceModel *device, int64_t cycle,
                        WorkerPool *pool) {
  // A generic may read no input at all (a fill, an iota).
  if (inst.opcode == Opcode::Generic)
    return evaluateGeneric(inst, inputs, out, pool);
  const Tensor &in = *inputs[0];
  const int64_t size = out.numElements();
  switch (inst.opcode) {
  case Opcode::Program:
    return program(arch, inst, in, *cells);
  case Opcode::Dac: {
    const int64_t planes = out.shape[0], count = in.numElements();
    out.ints.resize(size);
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t e = 0; e < count; ++e)
        out.ints[p * count + e] =
            arch::dacDigit(in.ints[e], p, inst.inputBits, inst.dacBits);
    return Status::ok();
  }
  case Opcode::Mvm:
    if (device)
      mvmThroughDevice(arch, inst, in, *cells, *device, cycle, out);
    else
      mvm(arch, inst, in, *cells, out);
    return Status::ok();
  case Opcode::Adc:
    out.ints = in.ints;
    if (numerics == Numerics::Quantized)
      for (int64_t &value : out.ints)
        value =
            arch::adcConvert(value, inst.adcBits, inst.shift, inst.signedRange);
    return Status::ok();
  case Opcode::ShiftAdd: {
    const int64_t planes = in.shape[0];
    out.ints.assign(size, 0);
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t e = 0; e < size; ++e)
        out.ints[e] +=
            in.ints[p * size + e] * (int64_t(1) << (p * inst.dacBits));
    return Status::ok();
  }
  case Opcode::Recombine:
    recombine(inst, in, out);
    return Status::ok();
  case Opcode::Accumulate:
    out.ints.assign(in.ints.begin(), in.ints.end());
    addPartials(inputs, out, pool);
    return Status::ok();
  case Opcode::Rescale: {
    // y = acc * input_scale * weight_scales[channel], channel the index
    // over the trailing [N] or [G, N] dims (cim.rescale), rounded once to
    // its f32 result.
    const double inputScale = inputs[1]->floats[0];
    const int64_t channels = static_cast<int64_t>(inst.weightScales.size());
    out.floats.resize(size);
    overElements(pool, size, [&](int64_t begin, int64_t end) {
      for (int64_t e = begin; e < end; ++e)
        out.floats[e] =
            static_cast<float>(static_cast<double>(in.ints[e]) * inputScale *
                               inst.weightScales[e % channels]);
    });
    return Status::ok();
  }
  case Opcode::Quantize: {
    // cim.quantize: symmetric narrow range; nearbyint rounds half to even
    // under the default rounding mode; NaN becomes 0.
    const double limit =
        std::ldexp(1.0, static_cast<int>(inst.quantBits) - 1) - 1;
    const double scale = inputs.size() > 1 ? inputs[1]->floats[0] : inst.scale;
    out.ints.resize(size);
    overElements(pool, size, [&](int64_t begin, int64_t end) {
      quantizeElements(in.floats.data() + begin, end - begin, scale, limit,
                       out.ints.data() + begin);
    });
    return Status::ok();
  }
  case Opcode::Transfer:
  case Opcode::Reshape:
    out.copyElements(in);
    return Status::ok();
  case Opcode::Slice:
    withStorageOf(out.type, [&](auto field) {
      slice(inst.offsets, in, in.*field, out, out.*field, pool);
    });
    return Status::ok();
  case Opcode::Concat:
    withStorageOf(out.type,
                  [&](auto field) { concat(inst.axis, inputs, field, out); });
    return Status::ok();
  case Opcode::DynamicScale: {
    // cim.quantize_dynamic's scale, rounded to f32 (the op's scale type).
    // The largest of the ranges' largest: the same whatever the split.
    std::mutex mutex;
    double largest = 0;
    overElements(pool, static_cast<int64_t>(in.floats.size()),
                 [&](int64_t begin, int64_t end) {
                   const double part =
                       largestMagnitude(in.floats.data() + begin, end - begin);
                   std::lock_guard<std::mutex> lock(mutex);
                   largest = std::max(largest, part);
                 });
    const double limit =
        std::ldexp(1.0, static_cast<int>(inst.quantBits) - 1) - 1;
    out.floats.assign(1,
                      largest > 0 ? static_cast<float>(largest / limit) : 1.0f);
    return Status::ok();
  }
  case Opcode::Encode: {
    const arch::CellEncoding &encoding = inst.encoding;
    const int64_t k = in.shape[0], n = in.shape[1];
    const int64_t physical = out.shape[1],
                  perWeight = encoding.columnsPerWeight();
    out.ints.assign(size, 0);
    for (int64_t r = 0; r < k; ++r) {
      for (int64_t j = 0; j < n; ++j) {
        const int64_t w = in.ints[r * n + j];
        if (std::llabs(w) > encoding.maxMagnitude())
          return Status::error("weight " + std::to_string(w) + " at [" +
                               std::to_string(r) + ", " + std::to_string(j) +
                               "] is outside the encoding's symmetric range");
        encoding.encode(w, out.ints.data() + r * physical + j * perWeight);
      }
      if (encoding.referenceColumns())
        out.ints[r * physical + physical - 1] = encoding.referenceLevel();
    }
    return Status::ok();
  }
  case Opcode::Generic:
    break;
  }
  return Status::ok();
}

void detail::addPartials(const std::vector<const Tensor *> &partials,
                         Tensor &out, WorkerPool *pool) {
  int64_t *sums = out.ints.data();
  overElements(pool, static_cast<int64_t>(out.ints.size()),
               [&](int64_t begin, int64_t end) {
                 for (size_t i = 1; i < partials.size(); ++i) {
                   const int64_t *partial = partials[i]->ints.data();
                   for (int64_t e = begin; e < end; ++e)
                     sums[e] += partial[e];
                 }
               });
}

void detail::idealProduct(const Tensor &x, const float *w, WorkerPool &pool,
                          Tensor &out, const RowGather *gather) {
  const bool grouped = out.shape.size() == 3;
  const int64_t groups = grouped ? out.shape[1] : 1;
  const int64_t n = out.shape.back();
  const int64_t k = gather ? static_cast<int64_t>(gather->cols.size()) / groups
                           : x.shape.back();
  if (out.numElements() == 0 || k == 0) {
    // An empty product, or sums of nothing.
    out.floats.assign(static_cast<size_t>(out.numElements()), 0.0f);
    return;
  }
  out.floats.resize(static_cast<size_t>(out.numElements()));
  const int64_t m = out.numElements() / (groups * n);
  // Group g: rows of x every groups * k elements from g * k; its K x N
  // weight block; rows of out every groups * n from g * n.
  // Blocks of a fixed size on the pool: the GEMMs' shapes (and so their
  // summation order) do not depend on the thread count. Columns are split
  // too, so that the last layers' few rows still spread over the threads.
  // The GEMMs read x and write out in place; a gathered x (an im2col not
  // run) has a row block gathered once, while its column blocks follow
  // each other. The threads take the blocks in turn (a whole row block
  // each when there are enough): the simulator's schedule thread shares
  // the cores, and a thread it holds up leaves no fixed half undone.
  constexpr int64_t blockRows = 256, blockCols = 128;
  const int64_t rowBlocks = (m + blockRows - 1) / blockRows;
  const int64_t colBlocks = (n + blockCols - 1) / blockCols;
  const int64_t width = groups * k;
  const int64_t blocks = rowBlocks * colBlocks;
  const int64_t span = rowBlocks >= 2 * pool.threads() ? colBlocks : 1;
  std::atomic<int64_t> next{0};
  auto runBlocks = [&](int64_t, int64_t) {
    std::vector<float> gathered;
    int64_t gatheredBlock = -1;
    for (int64_t first = next.fetch_add(span); first < blocks;
         first = next.fetch_add(span)) {
      for (int64_t index = first; index < first + span; ++index) {
        const int64_t rowBlock = index / colBlocks;
        const int64_t r0 = rowBlock * blockRows,
                      r1 = std::min(m, r0 + blockRows);
        const int64_t c0 = index % colBlocks * blockCols,
                      c1 = std::min(n, c0 + blockCols);
        const float *rows = x.floats.data() + r0 * width;
        if (gather) {
          if (gatheredBlock != rowBlock) {
            gathered.resize(static_cast<size_t>((r1 - r0) * width));
            const int64_t *cols = gather->cols.data();
            for (int64_t r = r0; r < r1; ++r) {
              const float *from = x.floats.data() + gather->rows[r];
              float *to = gathered.data() + (r - r0) * width;
              for (int64_t j = 0; j < width; ++j)
                to[j] = from[cols[j]];
            }
            gatheredBlock = rowBlock;
          }
          rows = gathered.data();
        }
        for (int64_t g = 0; g < groups; ++g)
          realGemm(r1 - r0, c1 - c0, k, rows + g * k, width, w + g * k * n + c0,
                   n, out.floats.data() + r0 * groups * n + g * n + c0,
                   groups * n);
      }
    }
  };
  pool.parallelFor(std::min(blocks, pool.threads()), 1, runBlocks);
}
