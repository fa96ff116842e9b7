//===- ProgramIO.cpp - Program files (.cimp) ------------------------------===//
//
// Program <-> the protobuf message of runtime/proto/program.proto. Writing
// refuses what the format cannot hold exactly (a constant its element type
// cannot represent) and what a reader would refuse (validate()). Reading
// checks the envelope (magic, version), then every enumeration, index and
// size before building anything from it, then the embedded arch, and then
// runs validate(), so no file can make the simulator index out of range.
//
//===----------------------------------------------------------------------===//

#include "cim/runtime/ProgramIO.h"

#include "cim/Arch/ArchLoader.h"
#include "cim/runtime/FileIO.h"
#include "cim/runtime/Validate.h"

#include "ProgramCodec.h"

#include <optional>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::detail;

/// "CIMP" read as a little-endian 32-bit word: the first field of every file.
static constexpr uint32_t kProgramMagic = 0x504D4943;
/// Largest element count of one value, and largest dimension. Far above any
/// tensor the simulator can hold, and small enough that shape products and
/// byte sizes never overflow int64.
static constexpr int64_t kMaxElements = int64_t(1) << 31;
/// Bound on the magnitude of every integer operand (offsets, bit widths,
/// hops, core coordinates): well beyond any machine, and small enough that
/// validate()'s sums of them cannot overflow.
static constexpr int64_t kMaxOperand = int64_t(1) << 32;

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

static void toProto(const CoreId &core, pb::CoreId &out) {
  out.set_chip(core.chip);
  out.set_tile(core.tile);
  out.set_core(core.core);
}

static void toProto(const Instruction &inst, pb::Instruction &out) {
  out.set_opcode(toProto(inst.opcode));
  for (int64_t id : inst.inputs)
    out.add_inputs(id);
  out.set_output(inst.output);
  out.set_node(inst.node);
  toProto(inst.array.core, *out.mutable_array()->mutable_core());
  out.mutable_array()->set_array(inst.array.array);
  out.set_row(inst.row);
  out.set_col(inst.col);
  out.set_input_bits(inst.inputBits);
  out.set_dac_bits(inst.dacBits);
  out.set_adc_bits(inst.adcBits);
  out.set_shift(inst.shift);
  out.set_signed_range(inst.signedRange);
  pb::CellEncoding &encoding = *out.mutable_encoding();
  encoding.set_scheme(toProto(inst.encoding.scheme));
  encoding.set_weight_bits(inst.encoding.weightBits);
  encoding.set_bits_per_cell(inst.encoding.bitsPerCell);
  encoding.set_slices(inst.encoding.slices);
  encoding.set_paired_columns(inst.encoding.pairedColumns);
  for (double scale : inst.weightScales)
    out.add_weight_scales(scale);
  out.set_scale(inst.scale);
  out.set_quant_bits(inst.quantBits);
  toProto(inst.from, *out.mutable_from());
  out.set_hops(inst.hops);
  out.set_chip_hops(inst.chipHops);
  for (int64_t offset : inst.offsets)
    out.add_offsets(offset);
  for (int64_t size : inst.sizes)
    out.add_sizes(size);
  out.set_axis(inst.axis);
  for (int64_t bound : inst.loopBounds)
    out.add_loop_bounds(bound);
  for (const Access &access : inst.accesses) {
    pb::Access &to = *out.add_accesses();
    to.set_offset(access.offset);
    for (int64_t stride : access.strides)
      to.add_strides(stride);
  }
  out.set_has_init(inst.hasInit);
  out.set_fill(inst.fill);
  for (const ScalarOp &op : inst.body) {
    pb::ScalarOp &to = *out.add_body();
    to.set_opcode(static_cast<uint32_t>(op.opcode) + 1);
    for (int64_t r : op.operands)
      to.add_operands(r);
    to.set_constant(op.constant);
    to.set_dim(op.dim);
    to.set_predicate(op.predicate);
    to.set_bits(op.bits);
    to.set_operand_bits(op.operandBits);
  }
  out.set_body_result(inst.bodyResult);
  out.set_ideal_input(inst.idealInput);
  out.set_ideal_weight(inst.idealWeight);
}

Status cim::runtime::serializeProgram(const Program &program,
                                      std::string &bytes) {
  if (Status s = validate(program); !s)
    return Status::error("cannot write an invalid program: " + s.message());
  pb::Program message;
  message.set_magic(kProgramMagic);
  message.set_format_version(kProgramFormatVersion);
  message.set_arch_yaml(arch::writeArchYaml(program.arch));
  for (size_t v = 0; v < program.values.size(); ++v) {
    const ValueInfo &value = program.values[v];
    pb::Value &out = *message.add_values();
    out.set_name(value.name);
    out.set_type(toProto(value.type));
    for (int64_t dim : value.shape)
      out.add_shape(dim);
    if (!value.constant.empty()) {
      std::string data;
      if (Status s = encodeConstant(static_cast<int64_t>(v), value, data); !s)
        return s;
      out.set_constant(std::move(data));
    }
    out.set_binding(value.binding);
    out.set_is_input(value.isInput);
    out.set_is_output(value.isOutput);
  }
  for (const CoreProgram &stream : program.cores) {
    pb::Core &core = *message.add_cores();
    toProto(stream.core, *core.mutable_id());
    for (const Instruction &inst : stream.instructions)
      toProto(inst, *core.add_instructions());
  }
  message.set_end_magic(kProgramMagic);
  bytes.clear();
  if (!message.SerializeToString(&bytes))
    return Status::error("the program does not fit a protobuf message (2 GiB)");
  return Status::ok();
}

Status cim::runtime::saveProgramFile(const Program &program,
                                     const std::string &path) {
  std::string bytes;
  if (Status s = serializeProgram(program, bytes); !s)
    return Status::error(path + ": " + s.message());
  return writeFileAtomically(path, bytes);
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

namespace {

/// Builds a Program from a parsed message, refusing anything out of range
/// before using it.
class Reader {
public:
  /// Constants' bytes are released from `message` as they are decoded.
  Reader(pb::Program &message, Program &program)
      : message(message), program(program) {}

  /// Empty, or what is wrong.
  std::string run();

private:
  std::string readValue(int64_t id, pb::Value &in);
  std::string readInstruction(const pb::Instruction &in, Instruction &out);
  std::string readGeneric(const pb::Instruction &in, Instruction &out);
  std::string readCore(const pb::CoreId &in, CoreId &out) const;
  std::string checkOperand(const char *field, int64_t value) const;

  pb::Program &message;
  Program &program;
};

} // namespace

std::string Reader::checkOperand(const char *field, int64_t value) const {
  if (value < -kMaxOperand || value > kMaxOperand)
    return std::string(field) + " = " + std::to_string(value) +
           " is out of range";
  return "";
}

std::string Reader::readCore(const pb::CoreId &in, CoreId &out) const {
  for (auto [field, value] :
       {std::pair<const char *, int64_t>{"chip", in.chip()},
        {"tile", in.tile()},
        {"core", in.core()}})
    if (std::string error = checkOperand(field, value); !error.empty())
      return error;
  out.chip = in.chip();
  out.tile = in.tile();
  out.core = in.core();
  return "";
}

/// The width a constant of `type` is stored at as its file bytes are, or
/// none for the types whose elements are narrowed after decoding.
static std::optional<ConstantData::Width> storedWidth(ElementType type) {
  switch (type) {
  case ElementType::I1:
  case ElementType::I8:
    return ConstantData::Width::I8;
  case ElementType::I16:
    return ConstantData::Width::I16;
  case ElementType::I32:
    return ConstantData::Width::I32;
  case ElementType::F32:
    return ConstantData::Width::F32;
  default:
    return std::nullopt;
  }
}

std::string Reader::readValue(int64_t id, pb::Value &in) {
  ValueInfo &value = program.values[id];
  value.name = in.name();
  const std::string what =
      "value " + std::to_string(id) + " '" + value.name + "'";
  if (!fromProto(in.type(), value.type))
    return what + " has an unknown element type (" + std::to_string(in.type()) +
           ")";
  int64_t count = 1;
  for (int64_t dim : in.shape()) {
    if (dim < 0)
      return what + " has a negative dimension (" + std::to_string(dim) + ")";
    // count * dim <= kMaxElements, without overflowing; every dimension
    // too, even after a zero one, so that sums of dimensions cannot
    // overflow either.
    if (dim > kMaxElements || (dim > 0 && count > kMaxElements / dim))
      return what + " has more than " + std::to_string(kMaxElements) +
             " elements";
    count *= dim;
    value.shape.push_back(dim);
  }
  if (in.has_constant()) {
    const int64_t expected = count * elementBytes(value.type);
    if (static_cast<int64_t>(in.constant().size()) != expected)
      return what + " holds " + std::to_string(in.constant().size()) +
             " bytes of constant data, but " + std::to_string(count) + " " +
             toString(value.type) + " elements take " +
             std::to_string(expected);
    // The file's typed bytes are exact at their type's width: stored as
    // they are. I64 and F64 are often narrower in fact: decoded and
    // narrowed.
    if (std::optional<ConstantData::Width> width = storedWidth(value.type)) {
      value.constant.assignBytes(in.constant().data(),
                                 static_cast<size_t>(count), *width);
    } else {
      std::vector<double> decoded;
      decodeConstant(in.constant(), value.type, decoded);
      value.constant.assign(decoded);
    }
    // The program holds them now: a load peaks near one copy.
    std::string().swap(*in.mutable_constant());
  }
  value.binding = in.binding();
  value.isInput = in.is_input();
  value.isOutput = in.is_output();
  return "";
}

std::string Reader::readInstruction(const pb::Instruction &in,
                                    Instruction &out) {
  if (!fromProto(in.opcode(), out.opcode))
    return "unknown opcode " + std::to_string(in.opcode());
  const int64_t count = static_cast<int64_t>(program.values.size());
  for (int64_t id : in.inputs()) {
    if (id < 0 || id >= count)
      return "reads value " + std::to_string(id) + ", but the program has " +
             std::to_string(count) + " values";
    out.inputs.push_back(id);
  }
  if (in.output() < -1 || in.output() >= count)
    return "writes value " + std::to_string(in.output()) +
           ", but the program has " + std::to_string(count) + " values";
  out.output = in.output();
  for (int64_t id : {in.ideal_input(), in.ideal_weight()})
    if (id < -1 || id >= count)
      return "reads ideal reference value " + std::to_string(id) +
             ", but the program has " + std::to_string(count) + " values";
  out.idealInput = in.ideal_input();
  out.idealWeight = in.ideal_weight();
  out.node = in.node();
  if (std::string error = readCore(in.array().core(), out.array.core);
      !error.empty())
    return "array " + error;
  for (auto [field, value] :
       {std::pair<const char *, int64_t>{"array", in.array().array()},
        {"row", in.row()},
        {"col", in.col()},
        {"input_bits", in.input_bits()},
        {"dac_bits", in.dac_bits()},
        {"adc_bits", in.adc_bits()},
        {"shift", in.shift()},
        {"encoding.weight_bits", in.encoding().weight_bits()},
        {"encoding.bits_per_cell", in.encoding().bits_per_cell()},
        {"encoding.slices", in.encoding().slices()},
        {"quant_bits", in.quant_bits()},
        {"hops", in.hops()},
        {"chip_hops", in.chip_hops()},
        {"axis", in.axis()}})
    if (std::string error = checkOperand(field, value); !error.empty())
      return error;
  for (auto [field, list] :
       {std::pair<const char *,
                  const google::protobuf::RepeatedField<int64_t> *>{
            "offsets", &in.offsets()},
        {"sizes", &in.sizes()}})
    for (int64_t value : *list)
      if (std::string error = checkOperand(field, value); !error.empty())
        return error;
  out.array.array = in.array().array();
  out.row = in.row();
  out.col = in.col();
  out.inputBits = in.input_bits();
  out.dacBits = in.dac_bits();
  out.adcBits = in.adc_bits();
  out.shift = in.shift();
  out.signedRange = in.signed_range();
  // Every writer sets the encoding; a message without one keeps the
  // default, which only Recombine and Encode read (validate() checks it).
  if (in.has_encoding()) {
    const pb::CellEncoding &encoding = in.encoding();
    if (!fromProto(encoding.scheme(), out.encoding.scheme))
      return "encoding has an unknown signed encoding (" +
             std::to_string(encoding.scheme()) + ")";
    out.encoding.weightBits = encoding.weight_bits();
    out.encoding.bitsPerCell = encoding.bits_per_cell();
    out.encoding.slices = encoding.slices();
    out.encoding.pairedColumns = encoding.paired_columns();
  }
  out.weightScales.assign(in.weight_scales().begin(), in.weight_scales().end());
  out.scale = in.scale();
  out.quantBits = in.quant_bits();
  if (std::string error = readCore(in.from(), out.from); !error.empty())
    return "source " + error;
  out.hops = in.hops();
  out.chipHops = in.chip_hops();
  out.offsets.assign(in.offsets().begin(), in.offsets().end());
  out.sizes.assign(in.sizes().begin(), in.sizes().end());
  out.axis = in.axis();
  return readGeneric(in, out);
}

std::string Reader::readGeneric(const pb::Instruction &in, Instruction &out) {
  for (int64_t bound : in.loop_bounds()) {
    if (std::string error = checkOperand("loop_bounds", bound); !error.empty())
      return error;
    out.loopBounds.push_back(bound);
  }
  for (const pb::Access &access : in.accesses()) {
    Access &to = out.accesses.emplace_back();
    if (std::string error = checkOperand("accesses.offset", access.offset());
        !error.empty())
      return error;
    to.offset = access.offset();
    for (int64_t stride : access.strides()) {
      if (std::string error = checkOperand("accesses.strides", stride);
          !error.empty())
        return error;
      to.strides.push_back(stride);
    }
  }
  out.hasInit = in.has_init();
  out.fill = in.fill();
  for (int i = 0; i < in.body_size(); ++i) {
    const pb::ScalarOp &op = in.body(i);
    if (op.opcode() < 1 || op.opcode() > kScalarOpcodeCount)
      return "body op " + std::to_string(i) + " has an unknown opcode (" +
             std::to_string(op.opcode()) + ")";
    ScalarOp &to = out.body.emplace_back();
    to.opcode = static_cast<ScalarOpcode>(op.opcode() - 1);
    for (int64_t r : op.operands()) {
      if (std::string error = checkOperand("body.operands", r); !error.empty())
        return error;
      to.operands.push_back(r);
    }
    for (auto [field, value] :
         {std::pair<const char *, int64_t>{"body.dim", op.dim()},
          {"body.predicate", op.predicate()},
          {"body.bits", op.bits()},
          {"body.operand_bits", op.operand_bits()}})
      if (std::string error = checkOperand(field, value); !error.empty())
        return error;
    to.constant = op.constant();
    to.dim = op.dim();
    to.predicate = op.predicate();
    to.bits = op.bits();
    to.operandBits = op.operand_bits();
  }
  if (std::string error = checkOperand("body_result", in.body_result());
      !error.empty())
    return error;
  out.bodyResult = in.body_result();
  return "";
}

std::string Reader::run() {
  program.values.assign(message.values_size(), ValueInfo());
  for (int v = 0; v < message.values_size(); ++v)
    if (std::string error = readValue(v, *message.mutable_values(v));
        !error.empty())
      return error;
  program.cores.assign(message.cores_size(), CoreProgram());
  for (int c = 0; c < message.cores_size(); ++c) {
    const pb::Core &in = message.cores(c);
    CoreProgram &out = program.cores[c];
    if (std::string error = readCore(in.id(), out.core); !error.empty())
      return "instruction stream " + std::to_string(c) + ": " + error;
    out.instructions.resize(in.instructions_size());
    for (int i = 0; i < in.instructions_size(); ++i)
      if (std::string error =
              readInstruction(in.instructions(i), out.instructions[i]);
          !error.empty())
        return toString(out.core) + " instruction " + std::to_string(i) + ": " +
               error;
  }
  return "";
}

static Status parseMessage(const std::string &bytes, const std::string &source,
                           pb::Program &message) {
  if (!message.ParseFromString(bytes))
    return Status::error(source +
                         ": not a cim program (the protobuf message does not "
                         "parse: truncated or corrupt)");
  return Status::ok();
}

/// The program of a parsed message into an empty `program`, checked; the
/// message's constants are consumed.
static Status readMessage(pb::Program &message, const std::string &source,
                          Program &program) {
  if (message.magic() != kProgramMagic)
    return Status::error(source + ": not a cim program (no 'CIMP' magic)");
  if (message.format_version() != kProgramFormatVersion)
    return Status::error(source + ": program format version " +
                         std::to_string(message.format_version()) +
                         ", but this reader reads version " +
                         std::to_string(kProgramFormatVersion));
  if (message.end_magic() != kProgramMagic)
    return Status::error(source + ": truncated program (the end marker is "
                                  "missing)");
  arch::ArchLoadResult arch =
      arch::loadArchString(message.arch_yaml(), source + " (embedded arch)");
  if (!arch.ok())
    return Status::error(source + ": the embedded arch does not load:\n" +
                         arch.errorText());
  program.arch = arch.getSpec();
  if (std::string error = Reader(message, program).run(); !error.empty()) {
    program = Program();
    return Status::error(source + ": " + error);
  }
  if (Status s = validate(program); !s) {
    program = Program();
    return Status::error(source + ": " + s.message());
  }
  return Status::ok();
}

Status cim::runtime::deserializeProgram(const std::string &bytes,
                                        const std::string &source,
                                        Program &program) {
  program = Program();
  pb::Program message;
  if (Status s = parseMessage(bytes, source, message); !s)
    return s;
  return readMessage(message, source, program);
}

Status cim::runtime::loadProgramFile(const std::string &path,
                                     Program &program) {
  program = Program();
  pb::Program message;
  {
    // The file's bytes go once parsed.
    std::string bytes;
    if (Status s = readFile(path, bytes); !s)
      return s;
    if (Status s = parseMessage(bytes, path, message); !s)
      return s;
  }
  return readMessage(message, path, program);
}
