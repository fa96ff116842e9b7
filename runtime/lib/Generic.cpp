//===- Generic.cpp - The vector unit's loop-nest instruction --------------===//

#include "Generic.h"

#include "GenericCopy.h"
#include "GenericFloat.h"
#include "VectorClones.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>

using namespace cim::runtime;
using namespace cim::runtime::detail;

namespace {

/// `v` wrapped to a `bits`-wide two's complement integer (i1 as 0 / 1).
double wrap(int64_t v, int64_t bits) {
  if (bits <= 0 || bits >= 64)
    return static_cast<double>(v);
  const uint64_t mask = (uint64_t(1) << bits) - 1;
  uint64_t u = static_cast<uint64_t>(v) & mask;
  if (bits > 1 && (u >> (bits - 1)))
    u |= ~mask;
  return static_cast<double>(static_cast<int64_t>(u));
}

/// Float to integer by truncation, NaN as 0 and saturating at int64's range
/// (the arith ops leave those cases undefined; the simulator must not trap).
int64_t truncToInt(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 9.2233720368547758e18)
    return std::numeric_limits<int64_t>::max();
  if (v <= -9.2233720368547758e18)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

/// `v` read as a signed `bits`-wide integer: booleans (i1, held as 0 or 1)
/// are 0 or -1, as arith's signed ops read them.
double signedOf(double v, int64_t bits) { return bits == 1 ? -v : v; }

/// `v` read as an unsigned `bits`-wide integer.
uint64_t asUnsigned(double v, int64_t bits) {
  const uint64_t u = static_cast<uint64_t>(truncToInt(v));
  return bits <= 0 || bits >= 64 ? u : u & ((uint64_t(1) << bits) - 1);
}

bool compareFloat(int64_t predicate, double a, double b) {
  const bool unordered = std::isnan(a) || std::isnan(b);
  switch (predicate) {
  case 0:
    return false;
  case 1:
    return !unordered && a == b;
  case 2:
    return !unordered && a > b;
  case 3:
    return !unordered && a >= b;
  case 4:
    return !unordered && a < b;
  case 5:
    return !unordered && a <= b;
  case 6:
    return !unordered && a != b;
  case 7:
    return !unordered;
  case 8:
    return unordered || a == b;
  case 9:
    return unordered || a > b;
  case 10:
    return unordered || a >= b;
  case 11:
    return unordered || a < b;
  case 12:
    return unordered || a <= b;
  case 13:
    return unordered || a != b;
  case 14:
    return unordered;
  default:
    return true;
  }
}

bool compareInt(int64_t predicate, double a, double b, int64_t bits) {
  const int64_t x = truncToInt(a), y = truncToInt(b);
  const uint64_t ux = asUnsigned(a, bits), uy = asUnsigned(b, bits);
  switch (predicate) {
  case 0:
    return x == y;
  case 1:
    return x != y;
  case 2:
    return x < y;
  case 3:
    return x <= y;
  case 4:
    return x > y;
  case 5:
    return x >= y;
  case 6:
    return ux < uy;
  case 7:
    return ux <= uy;
  case 8:
    return ux > uy;
  default:
    return ux >= uy;
  }
}

/// arith.maximumf / minimumf: NaN if either is, and +0 above -0.
double maximumF(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::nan("");
  if (a == b)
    return std::signbit(a) ? b : a;
  return std::max(a, b);
}
double minimumF(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::nan("");
  if (a == b)
    return std::signbit(a) ? a : b;
  return std::min(a, b);
}

/// Integer binary ops in int64, guarded where C++ would trap (division by
/// zero, INT64_MIN / -1, over-wide shifts: results the arith ops leave
/// undefined).
int64_t integerBinary(const ScalarOp &op, double a, double b) {
  const int64_t x = truncToInt(a), y = truncToInt(b);
  const uint64_t ux = asUnsigned(a, op.operandBits),
                 uy = asUnsigned(b, op.operandBits);
  const uint64_t wx = static_cast<uint64_t>(x), wy = static_cast<uint64_t>(y);
  switch (op.opcode) {
  case ScalarOpcode::AddI:
    return static_cast<int64_t>(wx + wy);
  case ScalarOpcode::SubI:
    return static_cast<int64_t>(wx - wy);
  case ScalarOpcode::MulI:
    return static_cast<int64_t>(wx * wy);
  case ScalarOpcode::DivSI:
    return y == 0 || (y == -1 && x == std::numeric_limits<int64_t>::min())
               ? 0
               : x / y;
  case ScalarOpcode::RemSI:
    return y == 0 || y == -1 ? 0 : x % y;
  case ScalarOpcode::DivUI:
    return uy == 0 ? 0 : static_cast<int64_t>(ux / uy);
  case ScalarOpcode::RemUI:
    return uy == 0 ? 0 : static_cast<int64_t>(ux % uy);
  case ScalarOpcode::MaxSI:
    return std::max(x, y);
  case ScalarOpcode::MinSI:
    return std::min(x, y);
  case ScalarOpcode::MaxUI:
    return static_cast<int64_t>(std::max(ux, uy));
  case ScalarOpcode::MinUI:
    return static_cast<int64_t>(std::min(ux, uy));
  case ScalarOpcode::AndI:
    return x & y;
  case ScalarOpcode::OrI:
    return x | y;
  case ScalarOpcode::XOrI:
    return x ^ y;
  case ScalarOpcode::ShLI:
    return y < 0 || y >= 64 ? 0 : static_cast<int64_t>(wx << y);
  case ScalarOpcode::ShRSI:
    return y < 0 || y >= 64 ? (x < 0 ? -1 : 0) : x >> y;
  case ScalarOpcode::ShRUI:
    return y < 0 || y >= 64 ? 0 : static_cast<int64_t>(ux >> y);
  case ScalarOpcode::IPowI: {
    // math.ipowi: x^y with wrapping products; a negative exponent gives
    // 1 / x^|y| truncated (0 unless x is 1 or -1).
    if (y < 0)
      return x == 1 ? 1 : x == -1 ? ((-y) % 2 ? -1 : 1) : 0;
    uint64_t result = 1, base = wx;
    for (int64_t e = y; e > 0; e >>= 1) {
      if (e & 1)
        result *= base;
      base *= base;
    }
    return static_cast<int64_t>(result);
  }
  default:
    return 0;
  }
}

/// Everything a body evaluation reads besides its registers.
struct BodyContext {
  const std::vector<int64_t> *loopIndex;
  const std::vector<const Tensor *> *sources;
  std::string error;
};

double element(const Tensor &t, int64_t offset) {
  return t.isInteger()                ? static_cast<double>(t.ints[offset])
         : t.type == ElementType::F64 ? t.doubles[offset]
                                      : static_cast<double>(t.floats[offset]);
}

/// A float op's result: f32 results round to float; f64 ones (bits 64 on a
/// float op) stay.
double roundResult(const ScalarOp &op, double v) {
  return op.bits == 64 ? v : static_cast<double>(static_cast<float>(v));
}

/// The value of one scalar op whose i-th operand is `a(i)`; sets ctx.error
/// (and returns 0) for a gather out of range. Const, Index, Select and the
/// float arithmetic and extrema applyRow computes as whole rows itself.
template <typename Operand>
double apply(const ScalarOp &op, Operand a, BodyContext &ctx) {
  auto asFloat = [&op](double v) { return roundResult(op, v); };
  switch (op.opcode) {
  case ScalarOpcode::Extract: {
    const Tensor &source = *(*ctx.sources)[op.dim];
    int64_t offset = 0;
    for (size_t d = 0; d < source.shape.size(); ++d) {
      const int64_t index = truncToInt(a(d));
      if (index < 0 || index >= source.shape[d]) {
        ctx.error = "gather index " + std::to_string(index) +
                    " is outside dimension " + std::to_string(d) + " (size " +
                    std::to_string(source.shape[d]) + ")";
        return 0;
      }
      offset = offset * source.shape[d] + index;
    }
    return element(source, offset);
  }
  case ScalarOpcode::RemF:
    return asFloat(std::fmod(a(0), a(1)));
  case ScalarOpcode::MaxNumF:
    return std::fmax(a(0), a(1)); // the non-NaN operand, as arith.maxnumf
  case ScalarOpcode::MinNumF:
    return std::fmin(a(0), a(1));
  case ScalarOpcode::PowF:
    return asFloat(std::pow(a(0), a(1)));
  case ScalarOpcode::NegF:
    return -a(0);
  case ScalarOpcode::AbsF:
    return std::fabs(a(0));
  case ScalarOpcode::Exp:
    return asFloat(std::exp(a(0)));
  case ScalarOpcode::Log:
    return asFloat(std::log(a(0)));
  case ScalarOpcode::ExpM1:
    return asFloat(std::expm1(a(0)));
  case ScalarOpcode::Log1P:
    return asFloat(std::log1p(a(0)));
  case ScalarOpcode::Tanh:
    return asFloat(std::tanh(a(0)));
  case ScalarOpcode::Sqrt:
    return asFloat(std::sqrt(a(0)));
  case ScalarOpcode::Rsqrt:
    return asFloat(1.0 / std::sqrt(a(0)));
  case ScalarOpcode::Erf:
    return asFloat(std::erf(a(0)));
  case ScalarOpcode::Floor:
    return std::floor(a(0));
  case ScalarOpcode::Ceil:
    return std::ceil(a(0));
  case ScalarOpcode::RoundEven:
    return std::nearbyint(a(0));
  case ScalarOpcode::Round:
    return std::round(a(0));
  case ScalarOpcode::AbsI: {
    // Negated as unsigned: |INT64_MIN| wraps instead of overflowing.
    const int64_t v = truncToInt(a(0));
    return wrap(v < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(v)) : v,
                op.bits);
  }
  case ScalarOpcode::CmpF:
    return compareFloat(op.predicate, a(0), a(1)) ? 1 : 0;
  case ScalarOpcode::CmpI:
    return compareInt(op.predicate, signedOf(a(0), op.operandBits),
                      signedOf(a(1), op.operandBits), op.operandBits)
               ? 1
               : 0;
  case ScalarOpcode::SIToFP:
    return asFloat(signedOf(a(0), op.operandBits));
  case ScalarOpcode::UIToFP:
    return asFloat(static_cast<double>(asUnsigned(a(0), op.operandBits)));
  case ScalarOpcode::FPToSI:
  case ScalarOpcode::FPToUI:
    return wrap(truncToInt(a(0)), op.bits);
  case ScalarOpcode::ExtSI:
    return wrap(truncToInt(signedOf(a(0), op.operandBits)), op.bits);
  case ScalarOpcode::TruncI:
    return wrap(truncToInt(a(0)), op.bits);
  case ScalarOpcode::ExtUI:
    return wrap(static_cast<int64_t>(asUnsigned(a(0), op.operandBits)),
                op.bits);
  case ScalarOpcode::TruncF:
    return asFloat(a(0));
  default:
    return wrap(integerBinary(op, a(0), a(1)), op.bits);
  }
}

/// Reads n elements of `t`, `stride` apart from `offset`, as registers.
CIM_VECTOR_CLONES
void loadRow(const Tensor &t, int64_t offset, int64_t stride, int64_t n,
             double *row) {
  if (t.isInteger())
    for (int64_t j = 0; j < n; ++j)
      row[j] = static_cast<double>(t.ints[offset + j * stride]);
  else if (t.type == ElementType::F64)
    for (int64_t j = 0; j < n; ++j)
      row[j] = t.doubles[offset + j * stride];
  else
    for (int64_t j = 0; j < n; ++j)
      row[j] = static_cast<double>(t.floats[offset + j * stride]);
}

/// Body op `op` over a row of n points into `result`; register r of point
/// j is regs[r * stride + j]; the row starts at index (*ctx.loopIndex)
/// [rowLoop] of the row loop. The common ops are plain loops; the rest go
/// through apply() point by point.
CIM_VECTOR_CLONES
void applyRow(const ScalarOp &op, const double *regs, int64_t stride, int64_t n,
              int64_t rowLoop, BodyContext &ctx, double *result) {
  auto row = [&](size_t i) { return regs + op.operands[i] * stride; };
  auto floatBinary = [&](auto f) {
    const double *a = row(0), *b = row(1);
    for (int64_t j = 0; j < n; ++j)
      result[j] = roundResult(op, f(a[j], b[j]));
  };
  switch (op.opcode) {
  case ScalarOpcode::Index:
    if (op.dim == rowLoop)
      for (int64_t j = 0; j < n; ++j)
        result[j] = static_cast<double>((*ctx.loopIndex)[rowLoop] + j);
    else
      std::fill_n(result, n, static_cast<double>((*ctx.loopIndex)[op.dim]));
    return;
  case ScalarOpcode::AddF:
    return floatBinary([](double a, double b) { return a + b; });
  case ScalarOpcode::SubF:
    return floatBinary([](double a, double b) { return a - b; });
  case ScalarOpcode::MulF:
    return floatBinary([](double a, double b) { return a * b; });
  case ScalarOpcode::DivF:
    return floatBinary([](double a, double b) { return a / b; });
  case ScalarOpcode::MaxF: {
    const double *a = row(0), *b = row(1);
    for (int64_t j = 0; j < n; ++j)
      result[j] = maximumF(a[j], b[j]);
    return;
  }
  case ScalarOpcode::MinF: {
    const double *a = row(0), *b = row(1);
    for (int64_t j = 0; j < n; ++j)
      result[j] = minimumF(a[j], b[j]);
    return;
  }
  case ScalarOpcode::Select: {
    const double *c = row(0), *a = row(1), *b = row(2);
    for (int64_t j = 0; j < n; ++j)
      result[j] = c[j] != 0 ? a[j] : b[j];
    return;
  }
  default:
    for (int64_t j = 0; j < n; ++j) {
      result[j] = apply(
          op, [&](size_t i) { return regs[op.operands[i] * stride + j]; }, ctx);
      if (!ctx.error.empty())
        return;
    }
  }
}

/// The f32 register forms (GenericFloat.h), for the body loop's
/// register type.
void loadRow(const Tensor &t, int64_t offset, int64_t stride, int64_t n,
             float *row) {
  loadFloatRow(t, offset, stride, n, row);
}
void applyRow(const ScalarOp &op, const float *regs, int64_t stride, int64_t n,
              int64_t, BodyContext &, float *result) {
  applyFloatRow(op, regs, stride, n, result);
}

/// `inst` with each pair of adjacent loops that every operand walks as one
/// (the outer stride is the inner's times the inner bound: a bias
/// broadcast over H x W, an elementwise op over a whole tensor) merged into
/// one loop. The points and their order are the same, in fewer and longer
/// rows. Not when the body reads loop indices, and not into the outermost
/// loop of bound above 1, which splits the nest over threads.
Instruction mergedLoops(const Instruction &inst) {
  Instruction merged = inst;
  for (const ScalarOp &op : inst.body)
    if (op.opcode == ScalarOpcode::Index)
      return merged;
  std::vector<int64_t> &bounds = merged.loopBounds;
  size_t outer = 0;
  while (outer < bounds.size() && bounds[outer] == 1)
    ++outer;
  for (size_t l = bounds.size(); l-- > outer + 2;) {
    bool together = true;
    for (const Access &access : merged.accesses)
      together =
          together && access.strides[l - 1] == access.strides[l] * bounds[l];
    if (!together)
      continue;
    // One loop of both bounds at the inner loop's strides.
    bounds[l] *= bounds[l - 1];
    bounds.erase(bounds.begin() + static_cast<std::ptrdiff_t>(l - 1));
    for (Access &access : merged.accesses)
      access.strides.erase(access.strides.begin() +
                           static_cast<std::ptrdiff_t>(l - 1));
  }
  return merged;
}

} // namespace

bool detail::bodyReplacesEveryElement(const Instruction &inst,
                                      int64_t elements) {
  const size_t output = inst.accesses.size() - 1;
  if (inst.body.empty() || inst.hasInit ||
      inst.bodyResult == static_cast<int64_t>(output))
    return false;
  for (const ScalarOp &op : inst.body)
    for (int64_t operand : op.operands)
      if (operand == static_cast<int64_t>(output))
        return false;
  int64_t points = 1;
  for (size_t l = 0; l < inst.loopBounds.size(); ++l) {
    points *= inst.loopBounds[l];
    if (inst.loopBounds[l] != 1 && inst.accesses[output].strides[l] == 0)
      return false; // a reduction
  }
  return points == elements && outputLoopsWriteDistinctElements(inst);
}

bool detail::genericRunsInPlace(const Instruction &inst, const ValueInfo &in,
                                const ValueInfo &out) {
  return inst.opcode == Opcode::Generic && in.type == out.type &&
         in.numElements() == out.numElements() &&
         inst.accesses.front().offset == inst.accesses.back().offset &&
         inst.accesses.front().strides == inst.accesses.back().strides &&
         bodyReplacesEveryElement(inst, out.numElements());
}

Status detail::evaluateGeneric(const Instruction &original,
                               const std::vector<const Tensor *> &inputs,
                               Tensor &out, WorkerPool *pool) {
  // No body, one input of the output's type: a copy nest.
  const bool copying = original.body.empty() && original.bodyResult == 0 &&
                       original.accesses.size() == 2 &&
                       inputs[0]->type == out.type;
  // A copy nest orders and merges its loops itself (GenericCopy.cpp).
  const Instruction merged = copying ? Instruction() : mergedLoops(original);
  const Instruction &inst = copying ? original : merged;
  const size_t accessed = inst.accesses.size() - 1;
  const size_t loops = inst.loopBounds.size();
  const size_t leading = accessed + (inst.hasInit ? 1 : 0);
  const int64_t size = out.numElements();
  const bool integerOut = out.isInteger();
  const int64_t outBits = integerBits(out.type);
  const bool copy = copying;
  // A copy whose points write every element once (an im2col, a
  // transpose) leaves no fill visible: the output is only sized.
  int64_t points = 1;
  for (int64_t bound : inst.loopBounds)
    points *= bound;
  const bool overwritesAll =
      copy ? !inst.hasInit && points == size && copyWritesEachElementOnce(inst)
           : bodyReplacesEveryElement(inst, size);
  const bool wideOut = out.type == ElementType::F64;
  if (inst.hasInit) {
    out.copyElements(*inputs[accessed]);
  } else if (overwritesAll) {
    withStorageOf(out.type, [&](auto field) { (out.*field).resize(size); });
  } else if (integerOut) {
    // The fill is stored like a body result: wrapped to the output's
    // width, or (below) rounded to f32.
    out.ints.assign(size,
                    static_cast<int64_t>(wrap(truncToInt(inst.fill), outBits)));
  } else if (wideOut) {
    out.doubles.assign(size, inst.fill);
  } else {
    out.floats.assign(size, static_cast<float>(inst.fill));
  }
  std::vector<const Tensor *> sources(inputs.begin() + leading, inputs.end());

  if (copy) {
    withStorageOf(out.type, [&](auto field) {
      copyNest(inst, inputs[0]->*field, out.*field, pool);
    });
    return Status::ok();
  }

  // The body runs on rows of points: the row loop (the innermost loop that
  // moves the output) becomes the innermost, and every scalar op is one
  // tight loop over the row instead of one dispatch per point. Loops inside
  // it only reduce into the same output elements, so each element still
  // sees its updates in the original order.
  const std::vector<int64_t> &bounds = inst.loopBounds;
  for (int64_t bound : bounds)
    if (bound == 0)
      return Status::ok();
  int64_t rowLoop = -1;
  for (size_t l = loops; l-- > 0;)
    if (inst.accesses[accessed].strides[l] != 0 && bounds[l] > 1) {
      rowLoop = static_cast<int64_t>(l);
      break;
    }
  // The row loop by tiles, so the registers stay small whatever its bound.
  constexpr int64_t kRowTile = 1024;
  const int64_t rowBound = rowLoop >= 0 ? bounds[rowLoop] : 1;
  const int64_t n = std::min(rowBound, kRowTile);
  const size_t args = inst.accesses.size();
  const size_t result = static_cast<size_t>(inst.bodyResult);

  // The points with index[split] in [begin, end) (split -1: all of them);
  // returns the first body error.
  // In f32 registers when that gives the same bits (half the bytes, twice
  // the lanes), else in double.
  const bool inFloat = runsInFloat(inst, inputs, out);
  auto runPointsAs = [&](auto registerType, int64_t split, int64_t begin,
                         int64_t end) -> std::string {
    using R = decltype(registerType);
    auto low = [&](size_t l) {
      return static_cast<int64_t>(l) == split ? begin : 0;
    };
    auto high = [&](size_t l) {
      return static_cast<int64_t>(l) == split ? end : bounds[l];
    };
    std::vector<R> regs((args + inst.body.size()) * n, R(0));
    std::vector<int64_t> index(loops, 0);
    if (split >= 0)
      index[split] = begin;
    BodyContext ctx{&index, &sources, ""};
    // Constants once; the loop evaluates the rest.
    std::vector<size_t> live;
    for (size_t i = 0; i < inst.body.size(); ++i) {
      if (inst.body[i].opcode == ScalarOpcode::Const)
        std::fill_n(regs.begin() + (args + i) * n, n,
                    static_cast<R>(inst.body[i].constant));
      else
        live.push_back(i);
    }
    std::vector<int64_t> offsets(args), rowStrides(args, 0);
    for (size_t a = 0; a < args; ++a) {
      offsets[a] = inst.accesses[a].offset;
      if (split >= 0)
        offsets[a] += begin * inst.accesses[a].strides[split];
      if (rowLoop >= 0)
        rowStrides[a] = inst.accesses[a].strides[rowLoop];
    }
    const R *resultRow = regs.data() + result * n;
    while (true) {
      for (int64_t first = 0; first < rowBound; first += n) {
        const int64_t count = std::min(n, rowBound - first);
        if (rowLoop >= 0)
          index[rowLoop] = first;
        auto at = [&](size_t a) { return offsets[a] + first * rowStrides[a]; };
        for (size_t a = 0; a < accessed; ++a)
          loadRow(*inputs[a], at(a), rowStrides[a], count, regs.data() + a * n);
        if (!overwritesAll)
          loadRow(out, at(accessed), rowStrides[accessed], count,
                  regs.data() + accessed * n);
        for (size_t i : live) {
          applyRow(inst.body[i], regs.data(), n, count, rowLoop, ctx,
                   regs.data() + (args + i) * n);
          if (!ctx.error.empty())
            return "body op " + std::to_string(i) + ": " + ctx.error;
        }
        const int64_t o = at(accessed), so = rowStrides[accessed];
        if (integerOut)
          for (int64_t j = 0; j < count; ++j)
            out.ints[o + j * so] = static_cast<int64_t>(
                wrap(truncToInt(static_cast<double>(resultRow[j])), outBits));
        else if (wideOut)
          for (int64_t j = 0; j < count; ++j)
            out.doubles[o + j * so] = resultRow[j];
        else
          for (int64_t j = 0; j < count; ++j)
            out.floats[o + j * so] = static_cast<float>(resultRow[j]);
      }
      if (rowLoop >= 0)
        index[rowLoop] = 0;
      // Next row: the innermost other loop first; offsets follow.
      size_t l = loops;
      while (l-- > 0) {
        if (static_cast<int64_t>(l) == rowLoop)
          continue;
        if (++index[l] < high(l)) {
          for (size_t a = 0; a < args; ++a)
            offsets[a] += inst.accesses[a].strides[l];
          break;
        }
        for (size_t a = 0; a < args; ++a)
          offsets[a] -= inst.accesses[a].strides[l] * (high(l) - low(l) - 1);
        index[l] = low(l);
      }
      if (l == static_cast<size_t>(-1))
        return "";
    }
  };

  auto runPoints = [&](int64_t split, int64_t begin, int64_t end) {
    return inFloat ? runPointsAs(float(), split, begin, end)
                   : runPointsAs(double(), split, begin, end);
  };

  // A large nest whose output elements are each updated by points of one
  // value of its outermost loop (bound 1 aside) is split by that loop over
  // the pool, if the loop moves the output and is not the row loop. The
  // ranges then run the points in their serial order, each its own part.
  constexpr int64_t kParallelPoints = int64_t(1) << 15;
  int64_t split = -1;
  if (pool && pool->threads() > 1 &&
      genericIterations(inst) >= kParallelPoints &&
      outputLoopsWriteDistinctElements(inst)) {
    size_t outer = 0;
    while (outer < loops && bounds[outer] == 1)
      ++outer;
    if (outer < loops && static_cast<int64_t>(outer) != rowLoop &&
        inst.accesses[accessed].strides[outer] != 0)
      split = static_cast<int64_t>(outer);
  }
  if (split < 0) {
    const std::string error = runPoints(-1, 0, 0);
    return error.empty() ? Status::ok() : Status::error(error);
  }
  // The error of the first range that failed: the first point to fail in
  // the serial order, whatever the thread count.
  std::mutex mutex;
  int64_t failedAt = bounds[split];
  std::string error;
  pool->parallelFor(bounds[split], 1, [&](int64_t begin, int64_t end) {
    std::string failure = runPoints(split, begin, end);
    std::lock_guard<std::mutex> lock(mutex);
    if (!failure.empty() && begin < failedAt) {
      failedAt = begin;
      error = std::move(failure);
    }
  });
  return error.empty() ? Status::ok() : Status::error(error);
}
