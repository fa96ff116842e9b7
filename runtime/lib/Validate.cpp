//===- Validate.cpp - Check a program before running it
//---------------------===//
//
// Every check produces a message that names the core, the instruction index
// and the value at fault, so a broken emitter can be debugged from it alone.
//
//===----------------------------------------------------------------------===//

#include "cim/runtime/Validate.h"

#include "Generic.h"
#include "Topology.h"
#include "cim/Arch/CellEncoding.h"
#include "cim/Arch/Converters.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <utility>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

static std::string shapeString(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t d = 0; d < shape.size(); ++d)
    text += (d ? "x" : "") + std::to_string(shape[d]);
  return text + "]";
}

static std::string arrayString(const ArrayId &array) {
  return "array " + std::to_string(array.array) + " of " + toString(array.core);
}

/// Smallest and largest value of an integer element type.
static std::pair<int64_t, int64_t> integerRange(ElementType type) {
  switch (type) {
  case ElementType::I1:
    return {0, 1};
  case ElementType::I8:
    return {-128, 127};
  case ElementType::I16:
    return {-32768, 32767};
  case ElementType::I32:
    return {INT32_MIN, INT32_MAX};
  default:
    return {INT64_MIN, INT64_MAX};
  }
}

namespace {

class Validator {
public:
  explicit Validator(const Program &program)
      : program(program), arch(program.arch) {}

  Status run() {
    if (Status s = checkArch(); !s)
      return s;
    if (Status s = checkValues(); !s)
      return s;
    if (Status s = checkCores(); !s)
      return s;
    if (Status s = findWriters(); !s)
      return s;
    for (size_t c = 0; c < program.cores.size(); ++c)
      for (size_t i = 0; i < program.cores[c].instructions.size(); ++i)
        if (std::string error = checkInstruction(c, i); !error.empty())
          return Status::error(
              toString(program.cores[c].core) + " instruction " +
              std::to_string(i) + " (" +
              toString(program.cores[c].instructions[i].opcode) +
              "): " + error);
    return checkOutputs();
  }

private:
  Status checkArch() const;
  Status checkValues() const;
  Status checkCores() const;
  Status findWriters();
  Status checkOutputs() const;
  /// Empty, or what is wrong with the instruction.
  std::string checkInstruction(size_t c, size_t i);
  std::string checkShapes(const Instruction &inst, const CoreId &core);
  std::string checkIdealReference(const Instruction &inst,
                                  const ValueInfo &acc) const;
  std::string checkArray(const Instruction &inst, const CoreId &core,
                         int64_t rows, int64_t cols) const;

  const ValueInfo &info(int64_t id) const { return program.values[id]; }
  bool isHost(int64_t id) const {
    return info(id).isInput || !info(id).constant.empty();
  }
  std::string name(int64_t id) const {
    return "value " + std::to_string(id) + " '" + info(id).name + "'";
  }
  std::string where(int64_t c, int64_t i) const {
    return toString(program.cores[c].core) + " instruction " +
           std::to_string(i);
  }

  const Program &program;
  const arch::ArchSpec &arch;
  /// Index in program.cores and in its stream of each value's writer.
  std::vector<int64_t> writerCore, writerIndex;
  /// Per array (dense index): which cells an earlier Program wrote.
  std::map<int64_t, std::vector<char>> programmed;
  /// Blocks (array, row, col, rows, cols) an mvm was already checked to
  /// read programmed cells of: cells never become unprogrammed, so a block
  /// found whole stays whole (a batch reads each one many times).
  std::set<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t>>
      wholeBlocks;
};

} // namespace

Status Validator::checkArch() const {
  const arch::Hierarchy &h = arch.hierarchy;
  if (!(arch.clockGHz > 0) || !std::isfinite(arch.clockGHz))
    return Status::error("arch: clock_ghz must be positive, got " +
                         std::to_string(arch.clockGHz));
  for (auto [field, count] :
       {std::pair<const char *, int64_t>{"hierarchy.chips", h.chips},
        {"hierarchy.tiles_per_chip", h.tilesPerChip},
        {"hierarchy.cores_per_tile", h.coresPerTile},
        {"hierarchy.arrays_per_core", h.arraysPerCore},
        {"array.rows", arch.array.rows},
        {"array.cols", arch.array.cols},
        {"array.cell.bits", arch.array.cell.bits},
        {"adc.per_array", arch.adc.perArray},
        {"vector_unit.lanes", arch.vectorUnit.lanes},
        {"noc.mesh_rows", arch.noc.meshRows},
        {"noc.mesh_cols", arch.noc.meshCols},
        {"noc.tiles_per_router", arch.noc.tilesPerRouter},
        {"noc.flit_bits", arch.noc.flitBits}})
    if (count < 1)
      return Status::error(std::string("arch: ") + field +
                           " must be at least 1, got " + std::to_string(count));
  const int64_t routers =
      (h.tilesPerChip + arch.noc.tilesPerRouter - 1) / arch.noc.tilesPerRouter;
  if (routers > arch.routersPerChip())
    return Status::error("arch: " + std::to_string(h.tilesPerChip) +
                         " tiles need " + std::to_string(routers) +
                         " routers but the mesh has " +
                         std::to_string(arch.routersPerChip()));
  return Status::ok();
}

Status Validator::checkValues() const {
  std::map<std::string, int64_t> inputs, outputs;
  for (size_t v = 0; v < program.values.size(); ++v) {
    const ValueInfo &value = program.values[v];
    const std::string what = name(static_cast<int64_t>(v));
    for (int64_t dim : value.shape)
      if (dim < 0)
        return Status::error(what + " has a negative dimension in shape " +
                             shapeString(value.shape));
    if (!value.constant.empty()) {
      if (static_cast<int64_t>(value.constant.size()) != value.numElements())
        return Status::error(
            what + " has " + std::to_string(value.constant.size()) +
            " constant elements but shape " + shapeString(value.shape) +
            " holds " + std::to_string(value.numElements()));
      if (value.isInput)
        return Status::error(what + " is both an input and a constant");
      if (isInteger(value.type)) {
        auto [lo, hi] = integerRange(value.type);
        // In range first (so the cast below is defined; 2^63 is where i64
        // ends), then integral: a cast round trip, which unlike floor()
        // compiles to two instructions (cell levels run to millions).
        const double low = static_cast<double>(lo);
        const double highExclusive = static_cast<double>(hi) + 1.0;
        // Stored as integers and in range: nothing to find element by
        // element (the common case: a file's integer constants).
        const auto [least, most] = value.constant.range();
        const bool fits = value.constant.storesIntegers() && least >= low &&
                          most < highExclusive;
        const std::vector<double> elements =
            fits ? std::vector<double>() : value.constant.values();
        for (size_t e = 0; e < elements.size(); ++e) {
          const double x = elements[e];
          if (!(x >= low && x < highExclusive) ||
              static_cast<double>(static_cast<int64_t>(x)) != x)
            return Status::error(what + " element " + std::to_string(e) +
                                 " = " + std::to_string(x) +
                                 " is not an integer that fits " +
                                 toString(value.type));
        }
      }
    }
    for (auto [bound, table] :
         {std::pair<bool, std::map<std::string, int64_t> *>{value.isInput,
                                                            &inputs},
          {value.isOutput, &outputs}}) {
      if (!bound)
        continue;
      if (value.binding.empty())
        return Status::error(what + " is bound but has no binding name");
      auto [it, inserted] = table->emplace(value.binding, v);
      if (!inserted)
        return Status::error(what + " and " + name(it->second) +
                             " share the binding '" + value.binding + "'");
    }
  }
  return Status::ok();
}

Status Validator::checkCores() const {
  std::map<int64_t, size_t> seen;
  for (size_t c = 0; c < program.cores.size(); ++c) {
    const CoreId &core = program.cores[c].core;
    if (!coreExists(arch, core))
      return Status::error(toString(core) + " (instruction stream " +
                           std::to_string(c) + ") does not exist on '" +
                           arch.name + "'");
    auto [it, inserted] = seen.emplace(coreIndex(arch, core), c);
    if (!inserted)
      return Status::error(toString(core) + " has two instruction streams (" +
                           std::to_string(it->second) + " and " +
                           std::to_string(c) + ")");
  }
  return Status::ok();
}

Status Validator::findWriters() {
  const int64_t count = static_cast<int64_t>(program.values.size());
  writerCore.assign(count, -1);
  writerIndex.assign(count, -1);
  for (size_t c = 0; c < program.cores.size(); ++c) {
    const auto &stream = program.cores[c].instructions;
    for (size_t i = 0; i < stream.size(); ++i) {
      const Instruction &inst = stream[i];
      const std::string at = where(c, i) + " (" + toString(inst.opcode) + ")";
      for (int64_t id : inst.inputs)
        if (id < 0 || id >= count)
          return Status::error(at + " reads value " + std::to_string(id) +
                               ", but the program has " +
                               std::to_string(count) + " values");
      if (inst.opcode == Opcode::Program) {
        if (inst.output != -1)
          return Status::error(at +
                               " writes no value; its output must be "
                               "-1, got " +
                               std::to_string(inst.output));
        continue;
      }
      const int64_t out = inst.output;
      if (out < 0 || out >= count)
        return Status::error(at + " writes value " + std::to_string(out) +
                             ", but the program has " + std::to_string(count) +
                             " values");
      if (isHost(out))
        return Status::error(at + " writes " + name(out) +
                             ", which the host provides (input or constant)");
      if (writerCore[out] >= 0)
        return Status::error(at + " writes " + name(out) +
                             ", already written by " +
                             where(writerCore[out], writerIndex[out]) +
                             " (values are written once)");
      writerCore[out] = static_cast<int64_t>(c);
      writerIndex[out] = static_cast<int64_t>(i);
    }
  }
  return Status::ok();
}

Status Validator::checkOutputs() const {
  for (size_t v = 0; v < program.values.size(); ++v)
    if (program.values[v].isOutput && !isHost(v) && writerCore[v] < 0)
      return Status::error("output " + name(v) + " ('" +
                           program.values[v].binding + "') is never written");
  return Status::ok();
}

std::string Validator::checkInstruction(size_t c, size_t i) {
  const Instruction &inst = program.cores[c].instructions[i];
  const CoreId &core = program.cores[c].core;
  size_t expected = 1;
  if (inst.opcode == Opcode::Rescale ||
      (inst.opcode == Opcode::Quantize && inst.inputs.size() == 2))
    expected = 2;
  const bool variadic =
      inst.opcode == Opcode::Accumulate || inst.opcode == Opcode::Concat;
  if (inst.opcode != Opcode::Rescale &&
      (inst.idealInput != -1 || inst.idealWeight != -1))
    return "has an ideal reference, which only a rescale takes";
  // A generic's operand count follows from its accesses (checkGeneric).
  if (inst.opcode != Opcode::Generic &&
      (variadic ? inst.inputs.empty() : inst.inputs.size() != expected))
    return "takes " +
           std::string(variadic ? "at least 1" : std::to_string(expected)) +
           " input(s), got " + std::to_string(inst.inputs.size());

  if (inst.opcode == Opcode::Transfer && !coreExists(arch, inst.from))
    return "source " + toString(inst.from) + " does not exist on '" +
           arch.name + "'";
  // Dataflow: every input is on this core when the instruction runs.
  for (int64_t id : inst.inputs) {
    if (isHost(id))
      continue;
    const int64_t wc = writerCore[id], wi = writerIndex[id];
    if (wc < 0)
      return "reads " + name(id) + ", which nothing writes";
    if (inst.opcode == Opcode::Transfer) {
      if (!(program.cores[wc].core == inst.from))
        return "transfers " + name(id) + " from " + toString(inst.from) +
               ", but it is written by " + where(wc, wi);
      continue;
    }
    if (wc != static_cast<int64_t>(c))
      return "reads " + name(id) + ", which lives on " + where(wc, wi) +
             ": it needs a transfer";
    if (wi >= static_cast<int64_t>(i))
      return "reads " + name(id) + " before " + where(wc, wi) + " writes it";
  }
  return checkShapes(inst, core);
}

std::string Validator::checkArray(const Instruction &inst, const CoreId &core,
                                  int64_t rows, int64_t cols) const {
  const arch::Hierarchy &h = arch.hierarchy;
  if (!arrayExists(arch, inst.array))
    return arrayString(inst.array) + " does not exist on '" + arch.name +
           "' (" + std::to_string(h.chips) + " chips, " +
           std::to_string(h.tilesPerChip) + " tiles, " +
           std::to_string(h.coresPerTile) + " cores, " +
           std::to_string(h.arraysPerCore) + " arrays per core)";
  if (!(inst.array.core == core))
    return arrayString(inst.array) + " is not on the " + toString(core) +
           " that runs the instruction";
  if (inst.row < 0 || inst.col < 0 || inst.row + rows > arch.array.rows ||
      inst.col + cols > arch.array.cols)
    return "block rows " + std::to_string(inst.row) + ".." +
           std::to_string(inst.row + rows) + ", columns " +
           std::to_string(inst.col) + ".." + std::to_string(inst.col + cols) +
           " does not fit a " + std::to_string(arch.array.rows) + "x" +
           std::to_string(arch.array.cols) + " array";
  return "";
}

std::string Validator::checkIdealReference(const Instruction &inst,
                                           const ValueInfo &acc) const {
  if (inst.idealInput < 0 && inst.idealWeight < 0)
    return "";
  const int64_t count = static_cast<int64_t>(program.values.size());
  for (int64_t id : {inst.idealInput, inst.idealWeight}) {
    if (id < 0 || id >= count)
      return "ideal reference value " + std::to_string(id) +
             " is not one of the program's " + std::to_string(count) +
             " values (input and weight go together)";
    if (info(id).type != ElementType::F32)
      return "ideal reference " + name(id) + " must be f32";
    if (!isHost(id) && writerCore[id] < 0)
      return "ideal reference " + name(id) + " is never written";
  }
  // [M, K] x [K, N] -> [M, N]; grouped [M, G, K] x [G, K, N] -> [M, G, N].
  const std::vector<int64_t> &x = info(inst.idealInput).shape;
  const std::vector<int64_t> &w = info(inst.idealWeight).shape;
  const bool grouped = acc.shape.size() == 3;
  std::vector<int64_t> wantX(acc.shape.begin(), acc.shape.end() - 1);
  wantX.push_back(x.empty() ? 0 : x.back());
  std::vector<int64_t> wantW;
  if (grouped)
    wantW.push_back(acc.shape[1]);
  wantW.push_back(x.empty() ? 0 : x.back());
  wantW.push_back(acc.shape.back());
  if (x != wantX || w != wantW)
    return "ideal reference " + name(inst.idealInput) + " " + shapeString(x) +
           " and " + name(inst.idealWeight) + " " + shapeString(w) +
           " do not make the product " + shapeString(acc.shape);
  return "";
}

std::string Validator::checkShapes(const Instruction &inst,
                                   const CoreId &core) {
  if (inst.opcode == Opcode::Generic)
    return checkGeneric(inst, program.values);
  const ValueInfo &in = info(inst.inputs[0]);
  const std::string inName = name(inst.inputs[0]);
  auto needInteger = [&](int64_t id) -> std::string {
    return isInteger(info(id).type) ? ""
                                    : name(id) + " must hold integers, got " +
                                          toString(info(id).type);
  };
  // Data movement (transfer, slice, concat, reshape) copies elements of
  // any type.
  const bool moves =
      inst.opcode == Opcode::Transfer || inst.opcode == Opcode::Slice ||
      inst.opcode == Opcode::Concat || inst.opcode == Opcode::Reshape;
  const bool floatIn =
      inst.opcode == Opcode::Quantize || inst.opcode == Opcode::DynamicScale;
  for (int64_t id : inst.inputs)
    if (!floatIn && !moves &&
        !(inst.opcode == Opcode::Rescale && id == inst.inputs[1]))
      if (std::string error = needInteger(id); !error.empty())
        return error;
  if (inst.opcode == Opcode::Program) {
    if (in.shape.size() != 2)
      return "levels " + inName + " must be 2-D, got " + shapeString(in.shape);
    const int64_t rows = in.shape[0], cols = in.shape[1];
    if (std::string error = checkArray(inst, core, rows, cols); !error.empty())
      return error;
    const int64_t bits = arch.array.cell.bits;
    const bool signedLevels =
        arch.array.cell.differentialInCell &&
        arch.array.cell.signedEncoding == arch::SignedEncoding::Differential;
    const int64_t maxLevel = (int64_t(1) << bits) - 1;
    const int64_t minLevel = signedLevels ? -maxLevel : 0;
    const auto [least, most] = in.constant.range();
    const std::vector<double> levels =
        in.constant.storesIntegers() && least >= minLevel && most <= maxLevel
            ? std::vector<double>()
            : in.constant.values();
    for (size_t e = 0; e < levels.size(); ++e)
      if (levels[e] < minLevel || levels[e] > maxLevel)
        return "cell level " + std::to_string(int64_t(levels[e])) +
               " at element " + std::to_string(e) + " of " + inName +
               " is outside " + std::to_string(minLevel) + ".." +
               std::to_string(maxLevel) + " (" + std::to_string(bits) +
               " bits per cell)";
    std::vector<char> &cells = programmed[arrayIndex(arch, inst.array)];
    cells.resize(arch.array.rows * arch.array.cols, 0);
    for (int64_t r = 0; r < rows; ++r)
      std::fill_n(cells.begin() + (inst.row + r) * arch.array.cols + inst.col,
                  cols, char(1));
    return "";
  }

  const ValueInfo &out = info(inst.output);
  const std::string outName = name(inst.output);
  if (inst.opcode != Opcode::Rescale && inst.opcode != Opcode::DynamicScale &&
      !moves)
    if (std::string error = needInteger(inst.output); !error.empty())
      return error;
  auto mismatch = [&](const std::vector<int64_t> &expected) {
    return outName + " must have shape " + shapeString(expected) + ", got " +
           shapeString(out.shape);
  };

  switch (inst.opcode) {
  case Opcode::Program:
    return "";
  case Opcode::Dac: {
    if (inst.inputBits < 1 || inst.inputBits > 32 || inst.dacBits < 1 ||
        inst.dacBits > 16)
      return "input bits must be in 1..32 and DAC bits in 1..16, got " +
             std::to_string(inst.inputBits) + " and " +
             std::to_string(inst.dacBits);
    std::vector<int64_t> expected = {
        arch::dacPlanes(inst.inputBits, inst.dacBits)};
    expected.insert(expected.end(), in.shape.begin(), in.shape.end());
    return out.shape == expected ? "" : mismatch(expected);
  }
  case Opcode::Mvm: {
    const size_t rank = in.shape.size();
    if (rank < 1 || rank > 3 || out.shape.size() != rank ||
        !std::equal(in.shape.begin(), in.shape.end() - 1, out.shape.begin()))
      return "input " + inName + " " + shapeString(in.shape) + " and " +
             outName + " " + shapeString(out.shape) +
             " must be [K] -> [C], [M, K] -> [M, C] or [P, M, K] -> [P, M, C]";
    const int64_t rows = in.shape.back(), cols = out.shape.back();
    if (std::string error = checkArray(inst, core, rows, cols); !error.empty())
      return error;
    const int64_t array = arrayIndex(arch, inst.array);
    if (!wholeBlocks.insert({array, inst.row, inst.col, rows, cols}).second)
      return "";
    auto found = programmed.find(array);
    for (int64_t r = inst.row; r < inst.row + rows; ++r)
      for (int64_t k = inst.col; k < inst.col + cols; ++k)
        if (found == programmed.end() ||
            !found->second[r * arch.array.cols + k])
          return "reads cell (" + std::to_string(r) + ", " + std::to_string(k) +
                 ") of " + arrayString(inst.array) +
                 ", which no earlier program instruction wrote";
    return "";
  }
  case Opcode::Adc:
    // code * 2^shift must fit int64.
    if (inst.adcBits < 1 || inst.adcBits > 32 || inst.shift < 0 ||
        inst.shift + inst.adcBits > 62)
      return "ADC bits must be in 1..32 and shift in 0..62 - bits, got " +
             std::to_string(inst.adcBits) + " and " +
             std::to_string(inst.shift);
    return out.shape == in.shape ? "" : mismatch(in.shape);
  case Opcode::ShiftAdd: {
    if (inst.dacBits < 1 || inst.dacBits > 16)
      return "DAC bits must be in 1..16, got " + std::to_string(inst.dacBits);
    if (in.shape.empty())
      return "input " + inName + " needs a leading plane dimension";
    std::vector<int64_t> expected(in.shape.begin() + 1, in.shape.end());
    return out.shape == expected ? "" : mismatch(expected);
  }
  case Opcode::Recombine:
  case Opcode::Encode: {
    const arch::CellEncoding &e = inst.encoding;
    if (e.weightBits < 2 || e.weightBits > 32 || e.bitsPerCell < 1 ||
        e.bitsPerCell > 16)
      return "encoding needs weight bits in 2..32 and bits per cell in "
             "1..16, got " +
             std::to_string(e.weightBits) + " and " +
             std::to_string(e.bitsPerCell);
    const int64_t slices =
        arch::requiredSlices(e.scheme, e.weightBits, e.bitsPerCell);
    if (e.slices != slices)
      return std::string(toString(e.scheme)) + " encoding of " +
             std::to_string(e.weightBits) + "-bit weights in " +
             std::to_string(e.bitsPerCell) + "-bit cells takes " +
             std::to_string(slices) + " slices, got " +
             std::to_string(e.slices);
    if (e.pairedColumns && e.scheme != arch::SignedEncoding::Differential)
      return "paired columns apply only to the differential encoding";
    // Recombine reads [M, physical columns] and writes [M, N]; encode
    // turns [K, N] weights into [K, physical columns] levels.
    const bool recombine = inst.opcode == Opcode::Recombine;
    const ValueInfo &cells = recombine ? in : out;
    const ValueInfo &weights = recombine ? out : in;
    const std::string &cellsName = recombine ? inName : outName;
    if (in.shape.size() != 2 || out.shape.size() != 2 ||
        in.shape[0] != out.shape[0])
      return "input " + inName + " " + shapeString(in.shape) + " and " +
             outName + " " + shapeString(out.shape) +
             (recombine ? " must be [M, physical columns] -> [M, N]"
                        : " must be [K, N] -> [K, physical columns]");
    const int64_t physical =
        weights.shape[1] * e.columnsPerWeight() + e.referenceColumns();
    if (cells.shape[1] != physical)
      return std::to_string(weights.shape[1]) + " weight columns in this " +
             toString(e.scheme) + " encoding take " + std::to_string(physical) +
             " physical columns, but " + cellsName + " has " +
             std::to_string(cells.shape[1]);
    return "";
  }
  case Opcode::Accumulate:
    for (int64_t id : inst.inputs)
      if (info(id).shape != out.shape)
        return "partial " + name(id) + " " + shapeString(info(id).shape) +
               " does not match " + outName + " " + shapeString(out.shape);
    return "";
  case Opcode::Rescale: {
    const ValueInfo &scale = info(inst.inputs[1]);
    if (scale.type != ElementType::F32 || scale.numElements() != 1)
      return "input scale " + name(inst.inputs[1]) + " must be one f32 element";
    if (out.type != ElementType::F32)
      return outName + " must be f32, got " + toString(out.type);
    if (in.shape.size() != 2 && in.shape.size() != 3)
      return "accumulator " + inName + " must be [M, N] or [M, G, N], got " +
             shapeString(in.shape);
    if (out.shape != in.shape)
      return mismatch(in.shape);
    int64_t channels = in.shape.back();
    if (in.shape.size() == 3)
      channels *= in.shape[1];
    if (static_cast<int64_t>(inst.weightScales.size()) != channels)
      return "needs one weight scale per output channel (" +
             std::to_string(channels) + "), got " +
             std::to_string(inst.weightScales.size());
    for (size_t s = 0; s < inst.weightScales.size(); ++s)
      if (!(inst.weightScales[s] > 0) || !std::isfinite(inst.weightScales[s]))
        return "weight scale " + std::to_string(s) +
               " must be positive and finite, got " +
               std::to_string(inst.weightScales[s]);
    return checkIdealReference(inst, in);
  }
  case Opcode::Quantize:
    if (in.type != ElementType::F32)
      return inName + " must be f32, got " + toString(in.type);
    if (inst.quantBits < 2 || inst.quantBits > integerBits(out.type))
      return std::to_string(inst.quantBits) + "-bit levels do not fit " +
             outName + " of type " + toString(out.type) + " (bits 2.." +
             std::to_string(integerBits(out.type)) + ")";
    if (inst.inputs.size() == 2) {
      const ValueInfo &scale = info(inst.inputs[1]);
      if (scale.type != ElementType::F32 || scale.numElements() != 1)
        return "scale " + name(inst.inputs[1]) + " must be one f32 element";
    } else if (!(inst.scale > 0) || !std::isfinite(inst.scale)) {
      return "scale must be positive and finite, got " +
             std::to_string(inst.scale);
    }
    return out.shape == in.shape ? "" : mismatch(in.shape);
  case Opcode::Reshape:
    if (out.type != in.type || out.numElements() != in.numElements())
      return outName + " " + shapeString(out.shape) + " must hold the " +
             std::to_string(in.numElements()) + " " + toString(in.type) +
             " elements of " + inName + " " + shapeString(in.shape);
    return "";
  case Opcode::DynamicScale:
    if (in.type != ElementType::F32)
      return inName + " must be f32, got " + toString(in.type);
    if (out.type != ElementType::F32 || out.numElements() != 1)
      return outName + " must be one f32 element";
    if (inst.quantBits < 2 || inst.quantBits > 32)
      return "levels of " + std::to_string(inst.quantBits) +
             " bits are outside 2..32";
    return "";
  case Opcode::Generic:
    return "";
  case Opcode::Transfer: {
    if (out.shape != in.shape || out.type != in.type)
      return outName + " must have the type and shape of " + inName;
    if (inst.from == core)
      return "transfers " + inName + " from its own core";
    Route route;
    if (Status s = computeRoute(arch, inst.from, core, route); !s)
      return s.message();
    if (route.hops != inst.hops || route.chipHops != inst.chipHops)
      return "declares " + std::to_string(inst.hops) + " hops and " +
             std::to_string(inst.chipHops) + " chip hops from " +
             toString(inst.from) + ", but the route has " +
             std::to_string(route.hops) + " and " +
             std::to_string(route.chipHops);
    if (route.chipHops > 0 && !(arch.chipLink.bandwidthGBps > 0))
      return "crosses chips, but chip_link.bandwidth is not positive";
    return "";
  }
  case Opcode::Slice: {
    const size_t rank = in.shape.size();
    if (inst.offsets.size() != rank || inst.sizes.size() != rank)
      return "needs one offset and one size per dimension of " + inName + " " +
             shapeString(in.shape) + ", got " +
             std::to_string(inst.offsets.size()) + " offsets and " +
             std::to_string(inst.sizes.size()) + " sizes";
    for (size_t d = 0; d < rank; ++d)
      if (inst.offsets[d] < 0 || inst.sizes[d] < 0 ||
          inst.offsets[d] + inst.sizes[d] > in.shape[d])
        return "offsets " + shapeString(inst.offsets) + " and sizes " +
               shapeString(inst.sizes) + " leave " + inName + " " +
               shapeString(in.shape) + " in dimension " + std::to_string(d);
    if (out.type != in.type)
      return outName + " must have the element type of " + inName + " (" +
             toString(in.type) + "), got " + toString(out.type);
    return out.shape == inst.sizes ? "" : mismatch(inst.sizes);
  }
  case Opcode::Concat: {
    const int64_t rank = static_cast<int64_t>(out.shape.size());
    if (inst.axis < 0 || inst.axis >= rank)
      return "axis " + std::to_string(inst.axis) + " is not a dimension of " +
             outName + " " + shapeString(out.shape);
    int64_t total = 0;
    for (int64_t id : inst.inputs) {
      const ValueInfo &piece = info(id);
      if (piece.type != out.type)
        return name(id) + " must have the element type of " + outName + " (" +
               toString(out.type) + "), got " + toString(piece.type);
      bool fits = static_cast<int64_t>(piece.shape.size()) == rank;
      for (int64_t d = 0; fits && d < rank; ++d)
        fits = d == inst.axis || piece.shape[d] == out.shape[d];
      if (!fits)
        return name(id) + " " + shapeString(piece.shape) + " does not match " +
               outName + " " + shapeString(out.shape) + " outside axis " +
               std::to_string(inst.axis);
      total += piece.shape[inst.axis];
    }
    if (total != out.shape[inst.axis])
      return "the inputs hold " + std::to_string(total) +
             " elements along axis " + std::to_string(inst.axis) + ", but " +
             outName + " " + shapeString(out.shape) + " has " +
             std::to_string(out.shape[inst.axis]);
    return "";
  }
  }
  return "";
}

Status cim::runtime::validate(const Program &program) {
  return Validator(program).run();
}
