//===- ArchSchema.cpp - The field table of the arch format ------------------===//

#include "cim/Arch/ArchSchema.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

using namespace cim::arch;

namespace {


// Each macro builds one FieldInfo whose accessors read and write one member
// of ArchSpec; a schema row is then a single line.
#define CIM_INT_FIELD(PATH, MEMBER, UNIT, MIN, MAX, REQ, DOC)                  \
  FieldInfo {                                                                  \
    PATH, FieldKind::Int, UNIT, DOC, REQ, MIN, MAX, {},                        \
        [](const ArchSpec &s) { return FieldValue(int64_t(s.MEMBER)); },       \
        [](ArchSpec &s, const FieldValue &v) {                                 \
          s.MEMBER = std::get<int64_t>(v);                                     \
        }                                                                      \
  }
#define CIM_DOUBLE_FIELD(PATH, MEMBER, UNIT, MIN, MAX, REQ, DOC)               \
  FieldInfo {                                                                  \
    PATH, FieldKind::Double, UNIT, DOC, REQ, MIN, MAX, {},                     \
        [](const ArchSpec &s) { return FieldValue(double(s.MEMBER)); },        \
        [](ArchSpec &s, const FieldValue &v) {                                 \
          s.MEMBER = std::get<double>(v);                                      \
        }                                                                      \
  }
#define CIM_BOOL_FIELD(PATH, MEMBER, REQ, DOC)                                 \
  FieldInfo {                                                                  \
    PATH, FieldKind::Bool, "", DOC, REQ, 0, 0, {},                             \
        [](const ArchSpec &s) { return FieldValue(bool(s.MEMBER)); },          \
        [](ArchSpec &s, const FieldValue &v) {                                 \
          s.MEMBER = std::get<bool>(v);                                        \
        }                                                                      \
  }
#define CIM_STRING_FIELD(PATH, MEMBER, REQ, DOC)                               \
  FieldInfo {                                                                  \
    PATH, FieldKind::String, "", DOC, REQ, 0, 0, {},                           \
        [](const ArchSpec &s) { return FieldValue(s.MEMBER); },                \
        [](ArchSpec &s, const FieldValue &v) {                                 \
          s.MEMBER = std::get<std::string>(v);                                 \
        }                                                                      \
  }
// Enum spellings are listed in enumerator order, so the index is the value.
#define CIM_ENUM_FIELD(PATH, MEMBER, TYPE, REQ, DOC, ...)                      \
  FieldInfo {                                                                  \
    PATH, FieldKind::Enum, "", DOC, REQ, 0, 0, {__VA_ARGS__},                  \
        [](const ArchSpec &s) {                                                \
          static const std::vector<std::string> names = {__VA_ARGS__};         \
          return FieldValue(names[static_cast<size_t>(s.MEMBER)]);             \
        },                                                                     \
        [](ArchSpec &s, const FieldValue &v) {                                 \
          static const std::vector<std::string> names = {__VA_ARGS__};         \
          const auto &text = std::get<std::string>(v);                         \
          for (size_t i = 0; i < names.size(); ++i)                            \
            if (names[i] == text)                                              \
              s.MEMBER = static_cast<TYPE>(i);                                 \
        }                                                                      \
  }

std::vector<FieldInfo> buildSchema() {
  return {
      CIM_STRING_FIELD("name", name, true,
                       "Short identifier; presets use their file name."),
      CIM_STRING_FIELD("description", description, false,
                       "One line saying what machine this models."),
      CIM_DOUBLE_FIELD("clock_ghz", clockGHz, "GHz", 1e-3, 100, true,
                       "Clock of the digital logic; every latency is "
                       "rounded up to whole cycles of it."),

      CIM_INT_FIELD("hierarchy.chips", hierarchy.chips, "count", 1, 4096,
                    true, "Chips (or chiplets) in the system."),
      CIM_INT_FIELD("hierarchy.tiles_per_chip", hierarchy.tilesPerChip,
                    "count", 1, 1 << 20, true, "Tiles on each chip."),
      CIM_INT_FIELD("hierarchy.cores_per_tile", hierarchy.coresPerTile,
                    "count", 1, 1 << 16, true, "Cores in each tile."),
      CIM_INT_FIELD("hierarchy.arrays_per_core", hierarchy.arraysPerCore,
                    "count", 1, 1 << 16, true,
                    "Crossbar arrays in each core."),

      CIM_INT_FIELD("array.rows", array.rows, "count", 1, 1 << 16, true,
                    "Word lines (inputs) per array."),
      CIM_INT_FIELD("array.cols", array.cols, "count", 1, 1 << 16, true,
                    "Bit lines (physical columns) per array."),
      CIM_DOUBLE_FIELD("array.read_latency_ns", array.readLatencyNs, "ns", 0,
                       1e9, true,
                       "One analog read of the array for one input plane."),
      CIM_DOUBLE_FIELD("array.read_energy_pj", array.readEnergyPj, "pJ", 0,
                       1e12, true,
                       "Energy of one read of the whole array (one plane)."),
      CIM_INT_FIELD("array.cell.bits", array.cell.bits, "bits", 1, 8, true,
                    "Bits stored per cell (conductance levels = 2^bits)."),
      CIM_DOUBLE_FIELD("array.cell.g_min_microsiemens",
                       array.cell.gMinMicroSiemens, "uS", 0, 1e6, true,
                       "Lowest programmable conductance (level 0)."),
      CIM_DOUBLE_FIELD("array.cell.g_max_microsiemens",
                       array.cell.gMaxMicroSiemens, "uS", 0, 1e6, true,
                       "Highest programmable conductance (top level)."),
      CIM_ENUM_FIELD("array.cell.signed_encoding", array.cell.signedEncoding,
                     SignedEncoding, true,
                     "How signed weights are stored: differential pair, "
                     "offset with a reference column, or two's complement "
                     "slices with a negatively weighted top slice.",
                     "differential", "offset", "twos_complement"),
      CIM_BOOL_FIELD("array.cell.differential_in_cell",
                     array.cell.differentialInCell, false,
                     "A unit cell holds both G+ and G- (differential only): "
                     "signs take no extra column."),
      CIM_DOUBLE_FIELD("array.cell.write_latency_ns",
                       array.cell.writeLatencyNs, "ns", 0, 1e12, true,
                       "Programming one row of cells (write-verify included)."),
      CIM_DOUBLE_FIELD("array.cell.write_energy_pj", array.cell.writeEnergyPj,
                       "pJ", 0, 1e12, true,
                       "Programming one cell (write-verify included)."),

      CIM_INT_FIELD("dac.bits", dac.bits, "bits", 1, 16, true,
                    "Input bits applied per DAC step (1 = bit-serial)."),
      CIM_INT_FIELD("dac.per_array", dac.perArray, "count", 1, 1 << 16, true,
                    "DACs driving one array's rows."),
      CIM_DOUBLE_FIELD("dac.latency_ns", dac.latencyNs, "ns", 0, 1e9, true,
                       "One conversion (one input plane)."),
      CIM_DOUBLE_FIELD("dac.energy_pj", dac.energyPj, "pJ", 0, 1e9, true,
                       "One conversion of one DAC."),

      CIM_INT_FIELD("adc.bits", adc.bits, "bits", 1, 16, true,
                    "Resolution of one conversion."),
      CIM_INT_FIELD("adc.per_array", adc.perArray, "count", 1, 1 << 16, true,
                    "ADCs per array; each is shared by cols / per_array "
                    "columns, converted one after another."),
      CIM_DOUBLE_FIELD("adc.latency_ns", adc.latencyNs, "ns", 0, 1e9, true,
                       "One conversion (1 / sample rate)."),
      CIM_DOUBLE_FIELD("adc.energy_pj", adc.energyPj, "pJ", 0, 1e9, true,
                       "One conversion at adc.bits."),

      CIM_DOUBLE_FIELD("shift_add.latency_ns", shiftAdd.latencyNs, "ns", 0,
                       1e9, true,
                       "One shift-and-add of a converted column value."),
      CIM_DOUBLE_FIELD("shift_add.energy_pj", shiftAdd.energyPj, "pJ", 0, 1e9,
                       true, "One shift-and-add."),

      CIM_INT_FIELD("vector_unit.lanes", vectorUnit.lanes, "count", 1,
                    1 << 16, true,
                    "Elements per cycle of each core's digital vector unit."),
      CIM_DOUBLE_FIELD("vector_unit.latency_ns", vectorUnit.latencyNs, "ns", 0,
                       1e9, true, "One vector instruction over all lanes."),
      CIM_DOUBLE_FIELD("vector_unit.energy_pj_per_op",
                       vectorUnit.energyPjPerOp, "pJ", 0, 1e9, true,
                       "One element operation (one lane, one op)."),

      CIM_INT_FIELD("core_buffer.size_kib", coreBuffer.sizeKiB, "KiB", 0,
                    1 << 30, true, "Scratchpad of each core."),
      CIM_INT_FIELD("core_buffer.port_bits", coreBuffer.portBits, "bits", 1,
                    1 << 16, true, "Width of one port."),
      CIM_INT_FIELD("core_buffer.ports", coreBuffer.ports, "count", 1, 64,
                    true, "Ports usable in the same cycle."),
      CIM_DOUBLE_FIELD("core_buffer.latency_ns", coreBuffer.latencyNs, "ns", 0,
                       1e9, true, "One access."),
      CIM_DOUBLE_FIELD("core_buffer.energy_pj_per_access",
                       coreBuffer.energyPjPerAccess, "pJ", 0, 1e9, true,
                       "One access of port_bits."),

      CIM_INT_FIELD("tile_buffer.size_kib", tileBuffer.sizeKiB, "KiB", 0,
                    1 << 30, true, "Buffer shared by the cores of a tile."),
      CIM_INT_FIELD("tile_buffer.port_bits", tileBuffer.portBits, "bits", 1,
                    1 << 16, true, "Width of one port."),
      CIM_INT_FIELD("tile_buffer.ports", tileBuffer.ports, "count", 1, 64,
                    true, "Ports usable in the same cycle."),
      CIM_DOUBLE_FIELD("tile_buffer.latency_ns", tileBuffer.latencyNs, "ns", 0,
                       1e9, true, "One access."),
      CIM_DOUBLE_FIELD("tile_buffer.energy_pj_per_access",
                       tileBuffer.energyPjPerAccess, "pJ", 0, 1e9, true,
                       "One access of port_bits."),

      CIM_INT_FIELD("noc.mesh_rows", noc.meshRows, "count", 1, 4096, true,
                    "Router rows of the on-chip mesh."),
      CIM_INT_FIELD("noc.mesh_cols", noc.meshCols, "count", 1, 4096, true,
                    "Router columns of the on-chip mesh."),
      CIM_INT_FIELD("noc.tiles_per_router", noc.tilesPerRouter, "count", 1,
                    64, false,
                    "Tiles sharing one router (concentrated mesh)."),
      CIM_INT_FIELD("noc.flit_bits", noc.flitBits, "bits", 1, 4096, true,
                    "Width of a flit (one link transfer per cycle)."),
      CIM_DOUBLE_FIELD("noc.hop_latency_ns", noc.hopLatencyNs, "ns", 0, 1e9,
                       true, "Router plus link traversal of one hop."),
      CIM_DOUBLE_FIELD("noc.hop_energy_pj_per_flit", noc.hopEnergyPjPerFlit,
                       "pJ", 0, 1e9, true, "One flit over one hop."),

      CIM_ENUM_FIELD("chip_link.topology", chipLink.topology, ChipLinkTopology,
                     false,
                     "How chips connect: none (single chip), chain "
                     "(stacked), ring, or all_to_all.",
                     "none", "chain", "ring", "all_to_all"),
      CIM_DOUBLE_FIELD("chip_link.bandwidth_gbytes_per_s",
                       chipLink.bandwidthGBps, "GB/s", 0, 1e6, false,
                       "Bandwidth of one link, one direction."),
      CIM_DOUBLE_FIELD("chip_link.latency_ns", chipLink.latencyNs, "ns", 0,
                       1e9, false, "Latency of one link traversal."),
      CIM_DOUBLE_FIELD("chip_link.energy_pj_per_bit", chipLink.energyPjPerBit,
                       "pJ", 0, 1e6, false, "Energy per bit moved."),

      CIM_BOOL_FIELD("dram.present", dram.present, false,
                     "Whether off-chip memory exists (weights-stationary "
                     "flash parts may have none)."),
      CIM_INT_FIELD("dram.capacity_mib", dram.capacityMiB, "MiB", 0,
                    int64_t(1) << 40, false, "Capacity."),
      CIM_DOUBLE_FIELD("dram.bandwidth_gbytes_per_s", dram.bandwidthGBps,
                       "GB/s", 0, 1e6, false, "Sustained bandwidth."),
      CIM_DOUBLE_FIELD("dram.latency_ns", dram.latencyNs, "ns", 0, 1e9, false,
                       "Access latency."),
      CIM_DOUBLE_FIELD("dram.energy_pj_per_bit", dram.energyPjPerBit, "pJ", 0,
                       1e6, false, "Energy per bit moved."),

      CIM_ENUM_FIELD("device.model", device.model, DeviceModel, true,
                     "Device physics the simulator applies on top of ideal "
                     "conductances.",
                     "ideal", "pcm", "rram", "flash"),

      CIM_INT_FIELD("precision.weight_bits", precision.weightBits, "bits", 1,
                    16, true, "Default weight precision of the quantiser."),
      CIM_INT_FIELD("precision.input_bits", precision.inputBits, "bits", 1,
                    16, true, "Default input precision of the quantiser."),

      CIM_DOUBLE_FIELD("leakage_mw_per_tile", leakageMwPerTile, "mW", 0, 1e6,
                       false, "Static power of one tile, charged over the "
                              "whole run."),
  };
}

#undef CIM_INT_FIELD
#undef CIM_DOUBLE_FIELD
#undef CIM_BOOL_FIELD
#undef CIM_STRING_FIELD
#undef CIM_ENUM_FIELD

const char *kindName(FieldKind kind) {
  switch (kind) {
  case FieldKind::Int:
    return "integer";
  case FieldKind::Double:
    return "number";
  case FieldKind::Bool:
    return "boolean";
  case FieldKind::String:
    return "string";
  case FieldKind::Enum:
    return "enum";
  }
  return "?";
}

} // namespace

const std::vector<FieldInfo> &cim::arch::archSchema() {
  static const std::vector<FieldInfo> schema = buildSchema();
  return schema;
}

std::string cim::arch::formatFieldValue(const FieldValue &value) {
  if (const auto *i = std::get_if<int64_t>(&value))
    return std::to_string(*i);
  if (const auto *d = std::get_if<double>(&value)) {
    // Shortest text that reads back to the same double.
    char buffer[64];
    for (int precision = 6; precision <= 17; ++precision) {
      std::snprintf(buffer, sizeof(buffer), "%.*g", precision, *d);
      if (std::strtod(buffer, nullptr) == *d)
        break;
    }
    return buffer;
  }
  if (const auto *b = std::get_if<bool>(&value))
    return *b ? "true" : "false";
  return std::get<std::string>(value);
}

std::string cim::arch::renderSchemaMarkdown() {
  std::ostringstream os;
  const ArchSpec defaults;
  os << "| field | type | unit | range | required | default | meaning |\n"
     << "|---|---|---|---|---|---|---|\n";
  for (const FieldInfo &field : archSchema()) {
    std::string type = kindName(field.kind);
    std::string range;
    if (field.kind == FieldKind::Int || field.kind == FieldKind::Double) {
      range = formatFieldValue(field.min) + " .. " +
              (std::isinf(field.max) ? std::string("")
                                     : formatFieldValue(field.max));
    } else if (field.kind == FieldKind::Enum) {
      for (size_t i = 0; i < field.enumValues.size(); ++i)
        range += (i ? ", " : "") + std::string("`") + field.enumValues[i] +
                 "`";
    }
    std::string def =
        field.required ? "" : "`" + formatFieldValue(field.get(defaults)) + "`";
    os << "| `" << field.path << "` | " << type << " | " << field.unit
       << " | " << range << " | " << (field.required ? "yes" : "no") << " | "
       << def << " | " << field.doc << " |\n";
  }
  os << "| `" << kDeviceParametersPath
     << "` | map of number | | | no | `{}` | Named parameters of the device "
        "model (see docs/arch.md). |\n";
  return os.str();
}
