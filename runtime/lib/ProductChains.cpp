//===- ProductChains.cpp - Crossbar products computed in one pass ---------===//

#include "ProductChains.h"

#include "OneDnnGemm.h"
#include "ParityProducts.h"
#include "PlaneProducts.h"

#include "Topology.h"
#include "cim/Arch/Converters.h"

#include <algorithm>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

ProductChains::ProductChains(const Program &program, bool enabled) {
  skip.resize(program.cores.size());
  chainAt.resize(program.cores.size());
  for (size_t c = 0; c < program.cores.size(); ++c) {
    skip[c].assign(program.cores[c].instructions.size(), 0);
    chainAt[c].assign(program.cores[c].instructions.size(), -1);
  }
  if (!enabled)
    return;
  // Writer (stream, index), reader count and last reader of every value.
  const size_t count = program.values.size();
  std::vector<std::pair<int64_t, int64_t>> writer(count, {-1, -1});
  std::vector<std::pair<int64_t, int64_t>> lastReader(count, {-1, -1});
  std::vector<int64_t> readers(count, 0);
  for (size_t c = 0; c < program.cores.size(); ++c) {
    const auto &stream = program.cores[c].instructions;
    for (size_t i = 0; i < stream.size(); ++i) {
      for (int64_t id : stream[i].inputs) {
        ++readers[id];
        lastReader[id] = {static_cast<int64_t>(c), static_cast<int64_t>(i)};
      }
      if (stream[i].output >= 0)
        writer[stream[i].output] = {static_cast<int64_t>(c),
                                    static_cast<int64_t>(i)};
    }
  }
  // The instruction writing `id` on stream `c` with `opcode`, if it is one.
  auto producer = [&](int64_t id, size_t c,
                      Opcode opcode) -> std::pair<int64_t, const Instruction *> {
    const auto [wc, wi] = writer[id];
    if (wc != static_cast<int64_t>(c))
      return {-1, nullptr};
    const Instruction &inst = program.cores[c].instructions[wi];
    return {wi, inst.opcode == opcode ? &inst : nullptr};
  };
  // An intermediate the chain hides: read once, by the chain, and unbound.
  auto hidden = [&](int64_t id) {
    return readers[id] == 1 && !program.values[id].isOutput;
  };
  // Dac planes, by value: how many of their readers are chain mvms.
  std::vector<int64_t> chainReadsOfPlanes(count, 0);
  for (size_t c = 0; c < program.cores.size(); ++c) {
    const auto &stream = program.cores[c].instructions;
    for (size_t i = 0; i < stream.size(); ++i) {
      const Instruction &shiftAdd = stream[i];
      if (shiftAdd.opcode != Opcode::ShiftAdd || !hidden(shiftAdd.inputs[0]))
        continue;
      auto [ai, adc] = producer(shiftAdd.inputs[0], c, Opcode::Adc);
      if (!adc || !hidden(adc->inputs[0]))
        continue;
      auto [mi, mvm] = producer(adc->inputs[0], c, Opcode::Mvm);
      if (!mvm)
        continue;
      auto [di, dac] = producer(mvm->inputs[0], c, Opcode::Dac);
      if (!dac || dac->dacBits != shiftAdd.dacBits)
        continue;
      ProductChain chain;
      chain.dac = dac;
      chain.mvm = mvm;
      chain.adc = adc;
      chain.shiftAdd = &shiftAdd;
      chain.input = dac->inputs[0];
      chain.planes = mvm->inputs[0];
      chain.result = shiftAdd.output;
      skip[c][ai] = skip[c][i] = 1;
      // A recombine later on the stream that alone reads the sums joins
      // the chain, if its input is the [M, C] sums it expects.
      if (hidden(shiftAdd.output)) {
        const auto [rc, ri] = lastReader[shiftAdd.output];
        const Instruction *next =
            rc == static_cast<int64_t>(c) && ri > static_cast<int64_t>(i)
                ? &stream[ri]
                : nullptr;
        if (next && next->opcode == Opcode::Recombine &&
            next->inputs[0] == shiftAdd.output &&
            program.values[shiftAdd.output].shape.size() == 2) {
          chain.recombine = next;
          chain.result = next->output;
          skip[c][ri] = 1;
        }
      }
      chainAt[c][mi] = static_cast<int32_t>(chains.size());
      chains.push_back(chain);
      inputs.push_back(chain.input);
      ++chainReadsOfPlanes[chain.planes];
      (void)di;
    }
  }
  for (ProductChain &chain : chains)
    chain.planesReaders = chainReadsOfPlanes[chain.planes];
  // Planes only chains read are never needed whole: their dac has nothing
  // to compute.
  for (size_t planes = 0; planes < count; ++planes)
    if (chainReadsOfPlanes[planes] > 0 &&
        chainReadsOfPlanes[planes] == readers[planes] &&
        !program.values[planes].isOutput) {
      const auto [wc, wi] = writer[planes];
      skip[wc][wi] = 1;
    }
}

const ProductChain *ProductChains::atMvm(size_t core, size_t index) const {
  const int32_t at = chainAt[core][index];
  return at < 0 ? nullptr : &chains[static_cast<size_t>(at)];
}

bool ProductChains::skipsEvaluation(size_t core, size_t index) const {
  return skip[core][index] != 0;
}

BlockCache::Block &
BlockCache::block(const arch::ArchSpec &arch, int64_t array, int64_t row,
                  int64_t col, int64_t k, int64_t c,
                  const CellImage &cells) {
  Block &entry = blocks[{array, row, col, k, c}];
  const int64_t generation = generations[array];
  if (entry.generation == generation)
    return entry;
  entry.generation = generation;
  entry.hasRecombined = false;
  entry.hasLevels = false;
  entry.hasParity = false;
  entry.levels = GemmMatrix();
  entry.row = row;
  entry.col = col;
  entry.levels.rows = k;
  entry.levels.cols = c;
  entry.positive.assign(c, 0);
  entry.negative.assign(c, 0);
  // Branch-free, so that the column loop vectorizes (every block of a
  // network passes here once per program).
  int64_t *positive = entry.positive.data(), *negative = entry.negative.data();
  int32_t largest = 0;
  for (int64_t r = 0; r < k; ++r) {
    const int16_t *levels = cells.data() + (row + r) * arch.array.cols + col;
    for (int64_t j = 0; j < c; ++j) {
      const int32_t level = levels[j];
      positive[j] += std::max(level, 0);
      negative[j] += std::max(-level, 0);
      largest = std::max(largest, level < 0 ? -level : level);
    }
  }
  entry.maxAbs = largest;
  return entry;
}

const GemmMatrix &BlockCache::levels(Block &block, const arch::ArchSpec &arch,
                                     const CellImage &cells) {
  if (block.hasLevels)
    return block.levels;
  const int64_t k = block.levels.rows, c = block.levels.cols;
  std::vector<int64_t> levels(static_cast<size_t>(k * c));
  for (int64_t r = 0; r < k; ++r)
    for (int64_t j = 0; j < c; ++j)
      levels[r * c + j] =
          cells[(block.row + r) * arch.array.cols + block.col + j];
  block.levels.assign(k, c, levels);
  block.hasLevels = true;
  return block.levels;
}

/// Whether two encodings are the same.
static bool sameEncoding(const arch::CellEncoding &a,
                         const arch::CellEncoding &b) {
  return a.scheme == b.scheme && a.weightBits == b.weightBits &&
         a.bitsPerCell == b.bitsPerCell && a.slices == b.slices &&
         a.pairedColumns == b.pairedColumns;
}

/// Whether two chains convert alike (batch copies ask with their own
/// instructions' encodings: compared by value).
static bool sameChain(const ConversionChain &a, const ConversionChain &b) {
  return a.inputBits == b.inputBits && a.dacBits == b.dacBits &&
         a.adcBits == b.adcBits && a.adcShift == b.adcShift &&
         a.adcSigned == b.adcSigned && !a.recombine == !b.recombine &&
         (!a.recombine || sameEncoding(*a.recombine, *b.recombine));
}

const ParityPlan &BlockCache::parity(Block &block, const arch::ArchSpec &arch,
                                     const CellImage &cells,
                                     const ConversionChain &chain) {
  if (block.hasParity && sameChain(block.parityChain, chain))
    return block.parity;
  block.parity = planParity(
      chain, cells.data() + block.row * arch.array.cols + block.col,
      arch.array.cols, block.levels.rows, block.levels.cols, block.positive,
      block.negative);
  block.parityChain = chain;
  if (chain.recombine) {
    block.parityEncoding = *chain.recombine;
    block.parityChain.recombine = &block.parityEncoding;
  }
  block.hasParity = true;
  return block.parity;
}

const GemmMatrix &BlockCache::recombined(Block &block,
                                         const arch::ArchSpec &arch,
                                         const CellImage &cells,
                                         const arch::CellEncoding &encoding) {
  if (block.hasRecombined && sameEncoding(block.encoding, encoding))
    return block.recombined;
  // recombine() is linear in the column sums, so recombining each row of
  // levels gives the weight matrix whose product is the recombined sums.
  const GemmMatrix &levels = this->levels(block, arch, cells);
  const int64_t k = levels.rows, c = levels.cols;
  const int64_t perWeight = encoding.columnsPerWeight();
  const int64_t n = (c - encoding.referenceColumns()) / perWeight;
  std::vector<int64_t> row(static_cast<size_t>(c)), weights;
  weights.reserve(static_cast<size_t>(k * n));
  for (int64_t r = 0; r < k; ++r) {
    for (int64_t j = 0; j < c; ++j)
      row[j] = static_cast<int64_t>(levels.asFloat[r * c + j]);
    const int64_t reference = encoding.referenceColumns() ? row[c - 1] : 0;
    for (int64_t w = 0; w < n; ++w)
      weights.push_back(encoding.recombine(row.data() + w * perWeight,
                                           reference));
  }
  block.recombined.assign(k, n, weights);
  block.encoding = encoding;
  block.hasRecombined = true;
  return block.recombined;
}

/// Whether the ADC of `chain` passes every column sum of `block`
/// unchanged, whatever the input's digits.
static bool adcIsLossless(const ProductChain &chain,
                          const BlockCache::Block &block) {
  const Instruction &adc = *chain.adc;
  if (adc.shift != 0)
    return false;
  // Digits of the lower planes are in [0, 2^d - 1], the signed top plane's
  // in [-2^(d-1), 2^(d-1) - 1]: [low, high] covers both.
  const int64_t d = chain.dac->dacBits;
  const int64_t high = (int64_t(1) << d) - 1, low = -(int64_t(1) << (d - 1));
  for (size_t j = 0; j < block.positive.size(); ++j) {
    const int64_t most = block.positive[j] * high - block.negative[j] * low;
    const int64_t least = block.positive[j] * low - block.negative[j] * high;
    if (arch::adcConvert(most, adc.adcBits, 0, adc.signedRange) != most ||
        arch::adcConvert(least, adc.adcBits, 0, adc.signedRange) != least)
      return false;
  }
  return true;
}

/// recombine's loop, on `sums` (M x C) into out (M x N).
static void recombineRows(const arch::CellEncoding &encoding,
                          const Elements<int64_t> &sums, int64_t m,
                          int64_t c, int64_t n, Elements<int64_t> &out) {
  const int64_t perWeight = encoding.columnsPerWeight();
  out.resize(static_cast<size_t>(m * n));
  for (int64_t i = 0; i < m; ++i) {
    const int64_t *row = sums.data() + i * c;
    const int64_t reference = encoding.referenceColumns() ? row[c - 1] : 0;
    for (int64_t w = 0; w < n; ++w)
      out[i * n + w] = encoding.recombine(row + w * perWeight, reference);
  }
}

Status detail::evaluateChain(const arch::ArchSpec &arch,
                             const ProductChain &chain, int64_t columns,
                             const Tensor &x, const Tensor *planes,
                             const CellImage &cells,
                             int64_t arrayIndex, Numerics numerics,
                             BlockCache &cache, WorkerPool &pool,
                             Tensor &out, std::vector<ParityJob> &waiting) {
  const Instruction &mvm = *chain.mvm, &dac = *chain.dac, &adc = *chain.adc;
  const int64_t k = x.shape.empty() ? 1 : x.shape.back();
  const int64_t m = k ? x.numElements() / k : 0;
  const int64_t c = columns;
  BlockCache::Block &block =
      cache.block(arch, arrayIndex, mvm.row, mvm.col, k, c, cells);
  const bool linear =
      numerics == Numerics::Ideal || adcIsLossless(chain, block);
  // Every chain of these planes counts itself out, whichever path it
  // takes, so the shared digits go with the last one.
  BlockCache::Digits &shared = cache.digits(chain.planes);
  if (shared.remaining == 0)
    shared.remaining = chain.planesReaders;
  struct Done {
    BlockCache &cache;
    int64_t planes;
    ~Done() { cache.doneWith(planes); }
  } done{cache, chain.planes};

  // Exact ADCs: the planes' weighted sum is the input itself, so the
  // chain is one product (with the recombined weights when the recombine
  // is in the chain).
  if (linear) {
    const GemmMatrix &weights =
        chain.recombine
            ? cache.recombined(block, arch, cells, chain.recombine->encoding)
            : cache.levels(block, arch, cells);
    if (exactGemm(x.ints.data(), m, k, weights, out.ints, &pool))
      return Status::ok();
  }

  // A lossy ADC: every plane's column sums are needed on their own.
  const ConversionChain conversion{
      dac.inputBits, dac.dacBits, adc.adcBits, adc.shift, adc.signedRange,
      chain.recombine ? &chain.recombine->encoding : nullptr};
  const int16_t *blockLevels =
      cells.data() + mvm.row * arch.array.cols + mvm.col;
  // An ADC that only rounds: one exact product and the planes' parities.
  if (numerics == Numerics::Quantized) {
    const ParityPlan &plan = cache.parity(block, arch, cells, conversion);
    if (plan.applies) {
      if (!shared.bytes) {
        auto bytes = std::make_shared<std::vector<int8_t>>();
        packInputBytes(x.ints.data(), m, k, dac.inputBits, pool, *bytes);
        shared.bytes = std::move(bytes);
      }
      waiting.push_back(parityJob(plan, shared.bytes, m, blockLevels,
                                  arch.array.cols, out.ints));
      return Status::ok();
    }
  }
  // On a matrix engine: by exact int8 GEMMs of the planes' digits.
  if (numerics == Numerics::Quantized && int8GemmIsFast() &&
      planeProductsApply(conversion, k, c, block.maxAbs) &&
      planeProducts(x.ints.data(), m, k, blockLevels, arch.array.cols, c,
                    conversion, pool, out.ints))
    return Status::ok();
  // Digits of one or two bits: by table lookups.
  if (numerics == Numerics::Quantized &&
      lookupApplies(conversion, k, c, block.maxAbs)) {
    if (shared.bits.masks.empty())
      packInputBits(x.ints.data(), m, k, dac.inputBits, pool, shared.bits);
    lookupProducts(shared.bits, blockLevels, arch.array.cols, k, c,
                   block.maxAbs, conversion, pool, out.ints);
    return Status::ok();
  }

  // Every plane's column sums in one GEMM: (P * M) x K digits times the
  // K x C levels. The digits are made once for the chains sharing them.
  const int64_t p = arch::dacPlanes(dac.inputBits, dac.dacBits);
  if (shared.values.empty()) {
    shared.values.resize(static_cast<size_t>(p * m * k));
    for (int64_t plane = 0; plane < p; ++plane)
      for (int64_t e = 0; e < m * k; ++e)
        shared.values[plane * m * k + e] = static_cast<float>(
            planes && !planes->ints.empty()
                ? planes->ints[plane * m * k + e]
                : arch::dacDigit(x.ints[e], plane, dac.inputBits,
                                 dac.dacBits));
  }
  Elements<int64_t> sums;
  const int64_t maxDigit = int64_t(1) << dac.dacBits;
  const bool exact =
      exactFloatGemm(shared.values, p * m, k, maxDigit,
                     cache.levels(block, arch, cells), sums, &pool);
  std::vector<int64_t> digits;
  if (!exact)
    digits.assign(shared.values.begin(), shared.values.end());
  if (!exact &&
      !exactGemm(digits.data(), p * m, k, cache.levels(block, arch, cells),
                 sums)) {
    // Beyond double's exact range: integer loops.
    sums.assign(static_cast<size_t>(p * m * c), 0);
    for (int64_t v = 0; v < p * m; ++v)
      for (int64_t r = 0; r < k; ++r) {
        const int64_t digit = digits[v * k + r];
        if (digit == 0)
          continue;
        const int16_t *row = cells.data() + (mvm.row + r) * arch.array.cols +
                             mvm.col;
        for (int64_t j = 0; j < c; ++j)
          sums[v * c + j] += digit * row[j];
      }
  }
  if (numerics == Numerics::Quantized)
    for (int64_t &sum : sums)
      sum = arch::adcConvert(sum, adc.adcBits, adc.shift, adc.signedRange);
  // Shift-and-add of the planes.
  Elements<int64_t> combined(static_cast<size_t>(m * c), 0);
  for (int64_t plane = 0; plane < p; ++plane) {
    const int64_t weight = int64_t(1) << (plane * dac.dacBits);
    for (int64_t e = 0; e < m * c; ++e)
      combined[e] += sums[plane * m * c + e] * weight;
  }
  if (!chain.recombine) {
    out.ints = std::move(combined);
    return Status::ok();
  }
  const arch::CellEncoding &encoding = chain.recombine->encoding;
  const int64_t n = (c - encoding.referenceColumns()) /
                    encoding.columnsPerWeight();
  recombineRows(encoding, combined, m, c, n, out.ints);
  return Status::ok();
}
