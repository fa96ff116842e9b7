//===- ArchLoader.cpp - Read and validate the arch YAML format -------------===//
//
// The reader walks the field table of ArchSchema.cpp, so every field gets the
// same treatment: type, range, and a diagnostic naming file, line and field.
// Checks that relate several fields (ADC sharing divides the columns, the mesh
// has room for every tile, ...) run afterwards on the fields that parsed.
//
//===----------------------------------------------------------------------===//

#include "cim/Arch/ArchLoader.h"
#include "cim/Arch/ArchSchema.h"
#include "ArchText.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

using namespace cim::arch;

std::string ArchDiagnostic::str() const {
  std::string text = source;
  if (line > 0)
    text += ":" + std::to_string(line);
  return text + ": " + message;
}

std::string ArchLoadResult::errorText() const {
  std::string text;
  for (const ArchDiagnostic &diag : errors)
    text += diag.str() + "\n";
  return text;
}

namespace cim::arch {

/// Reads one document; collects every problem instead of stopping at the
/// first, so a user fixes a file in one round.
class ArchReader {
public:
  explicit ArchReader(std::string source) : source(std::move(source)) {}

  ArchLoadResult read(const YAML::Node &root);
  ArchLoadResult fail(int line, const std::string &message) {
    error(line, "", message);
    return finish();
  }

private:
  static int lineOf(const YAML::Node &node) {
    const YAML::Mark mark = node.Mark();
    return mark.is_null() ? 0 : mark.line + 1;
  }

  void error(int line, const std::string &field, const std::string &message) {
    result.errors.push_back({source, line, field, message});
  }

  ArchLoadResult finish() {
    if (result.errors.empty())
      result.spec = spec;
    return std::move(result);
  }

  void readField(const YAML::Node &root, const FieldInfo &field);
  void checkUnknownKeys(const YAML::Node &map, const std::string &prefix);
  void readDeviceParameters(const YAML::Node &node);
  void checkRelations();

  /// A cross-field check runs only when every field it reads parsed, so one
  /// bad value is reported once rather than again by each relation.
  bool parsed(std::initializer_list<const char *> paths) const {
    for (const char *path : paths)
      if (!parsedFields.count(path))
        return false;
    return true;
  }
  int lineOfField(const std::string &path) const {
    auto it = fieldLines.find(path);
    return it == fieldLines.end() ? rootLine : it->second;
  }
  void relationError(const std::string &field, const std::string &message) {
    error(lineOfField(field), field, message);
  }

  std::string source;
  ArchSpec spec;
  ArchLoadResult result;
  std::set<std::string> parsedFields;
  std::map<std::string, int> fieldLines;
  std::set<std::string> badSections;
  int rootLine = 0;
};

} // namespace cim::arch

namespace {

/// 2^50 cells (a million times a large chip) keeps every derived product,
/// including energies and MAC rates, well inside int64 and double range.
constexpr int64_t kMaxTotalCells = int64_t(1) << 50;

std::vector<std::string> splitPath(const std::string &path) {
  std::vector<std::string> parts;
  std::stringstream stream(path);
  std::string part;
  while (std::getline(stream, part, '.'))
    parts.push_back(part);
  return parts;
}

bool isValidUtf8(const std::string &text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 0;
    if (length == 0 || i + length > text.size())
      return false;
    for (size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2)
        return false;
    i += length;
  }
  return true;
}

bool isIdentifier(const std::string &text) {
  if (text.empty())
    return false;
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
      return false;
  return true;
}

/// Line of `key` in `map`, or `fallback` when the map has no positions.
int keyLine(const YAML::Node &map, const std::string &key, int fallback) {
  for (const auto &entry : map)
    if (entry.first.Scalar() == key && !entry.first.Mark().is_null())
      return entry.first.Mark().line + 1;
  return fallback;
}

std::string describeNode(const YAML::Node &node) {
  switch (node.Type()) {
  case YAML::NodeType::Map:
    return "a mapping";
  case YAML::NodeType::Sequence:
    return "a list";
  case YAML::NodeType::Null:
    return "nothing";
  default:
    return "'" + node.Scalar() + "'";
  }
}

bool parseInt(const std::string &text, int64_t &value) {
  if (text.empty())
    return false;
  errno = 0;
  char *end = nullptr;
  long long parsed = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  value = parsed;
  return true;
}

bool parseDouble(const std::string &text, double &value) {
  if (text.empty())
    return false;
  errno = 0;
  char *end = nullptr;
  double parsed = std::strtod(text.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(parsed))
    return false;
  value = parsed;
  return true;
}

bool parseBool(const std::string &text, bool &value) {
  static const std::set<std::string> yes = {"true", "True", "TRUE"};
  static const std::set<std::string> no = {"false", "False", "FALSE"};
  if (yes.count(text) || no.count(text)) {
    value = yes.count(text) != 0;
    return true;
  }
  return false;
}

size_t editDistance(const std::string &a, const std::string &b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// Keys allowed directly under `prefix` ("" for the top level).
std::set<std::string> knownChildren(const std::string &prefix) {
  std::set<std::string> children;
  auto addFrom = [&](const std::string &path) {
    if (!prefix.empty() && path.rfind(prefix + ".", 0) != 0)
      return;
    std::string rest = prefix.empty() ? path : path.substr(prefix.size() + 1);
    children.insert(rest.substr(0, rest.find('.')));
  };
  for (const FieldInfo &field : archSchema())
    addFrom(field.path);
  addFrom(kDeviceParametersPath);
  return children;
}

bool sectionHasRequiredField(const std::string &section) {
  for (const FieldInfo &field : archSchema())
    if (field.required && field.path.rfind(section + ".", 0) == 0)
      return true;
  return false;
}

bool isLeafPath(const std::string &path) {
  if (path == kDeviceParametersPath)
    return true;
  for (const FieldInfo &field : archSchema())
    if (field.path == path)
      return true;
  return false;
}

std::string rangeText(const FieldInfo &field) {
  return formatFieldValue(field.kind == FieldKind::Int
                              ? FieldValue(int64_t(field.min))
                              : FieldValue(field.min)) +
         ".." +
         formatFieldValue(field.kind == FieldKind::Int
                              ? FieldValue(int64_t(field.max))
                              : FieldValue(field.max));
}

} // namespace

void ArchReader::readField(const YAML::Node &root, const FieldInfo &field) {
  std::vector<std::string> parts = splitPath(field.path);
  YAML::Node node = root;
  std::string prefix;
  int parentLine = rootLine;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!node.IsMap()) {
      // Report a section of the wrong shape once, not once per field in it.
      if (badSections.insert(prefix).second)
        error(lineOf(node), prefix,
              prefix + " must be a mapping, got " + describeNode(node));
      return;
    }
    const YAML::Node &constNode = node;
    YAML::Node child = constNode[parts[i]];
    prefix += (i ? "." : "") + parts[i];
    // A missing field is reported at the line of its section's key.
    if (i + 1 < parts.size() && child.IsDefined())
      parentLine = keyLine(node, parts[i], parentLine);
    if (!child.IsDefined()) {
      if (i + 1 < parts.size()) {
        // A whole section is absent: say so once, if it holds anything
        // required, rather than once per field.
        if (sectionHasRequiredField(prefix) && badSections.insert(prefix).second)
          error(parentLine, prefix, "missing required section '" + prefix + "'");
        if (!sectionHasRequiredField(prefix))
          parsedFields.insert(field.path);
        return;
      }
      if (field.required)
        error(parentLine, field.path,
              "missing required field '" + field.path + "'");
      else
        parsedFields.insert(field.path); // the default stands
      return;
    }
    node.reset(child);
  }

  const int line = lineOf(node);
  fieldLines[field.path] = line;
  if (!node.IsScalar()) {
    error(line, field.path,
          field.path + " must be a single value, got " + describeNode(node));
    return;
  }
  const std::string &text = node.Scalar();
  FieldValue value;
  switch (field.kind) {
  case FieldKind::Int: {
    int64_t parsed = 0;
    if (!parseInt(text, parsed)) {
      error(line, field.path,
            field.path + " must be an integer, got '" + text + "'");
      return;
    }
    if (parsed < field.min || parsed > field.max) {
      error(line, field.path,
            field.path + " must be in " + rangeText(field) + ", got " + text);
      return;
    }
    value = parsed;
    break;
  }
  case FieldKind::Double: {
    double parsed = 0;
    if (!parseDouble(text, parsed)) {
      error(line, field.path,
            field.path + " must be a number, got '" + text + "'");
      return;
    }
    if (parsed < field.min || parsed > field.max) {
      error(line, field.path,
            field.path + " must be in " + rangeText(field) + ", got " + text);
      return;
    }
    value = parsed;
    break;
  }
  case FieldKind::Bool: {
    bool parsed = false;
    if (!parseBool(text, parsed)) {
      error(line, field.path,
            field.path + " must be true or false, got '" + text + "'");
      return;
    }
    value = parsed;
    break;
  }
  case FieldKind::String:
    if (!isValidUtf8(text)) {
      error(line, field.path, field.path + " must be valid UTF-8 text");
      return;
    }
    value = text;
    break;
  case FieldKind::Enum: {
    bool known = false;
    std::string choices;
    for (const std::string &option : field.enumValues) {
      known |= option == text;
      choices += (choices.empty() ? "" : ", ") + option;
    }
    if (!known) {
      error(line, field.path,
            field.path + " must be one of " + choices + "; got '" + text +
                "'");
      return;
    }
    value = text;
    break;
  }
  }
  field.set(spec, value);
  parsedFields.insert(field.path);
}

void ArchReader::readDeviceParameters(const YAML::Node &node) {
  if (!node.IsMap()) {
    error(lineOf(node), kDeviceParametersPath,
          std::string(kDeviceParametersPath) + " must be a mapping, got " +
              describeNode(node));
    return;
  }
  for (const auto &entry : node) {
    const std::string name = entry.first.Scalar();
    const std::string path = std::string(kDeviceParametersPath) + "." + name;
    if (!isIdentifier(name)) {
      error(lineOf(entry.first), path,
            std::string(kDeviceParametersPath) +
                " names must be identifiers of letters, digits, '_' and "
                "'-', got '" +
                name + "'");
      continue;
    }
    double value = 0;
    if (!entry.second.IsScalar() ||
        !parseDouble(entry.second.Scalar(), value)) {
      error(lineOf(entry.second), path,
            path + " must be a number, got " + describeNode(entry.second));
      continue;
    }
    spec.device.parameters[name] = value;
  }
}

void ArchReader::checkUnknownKeys(const YAML::Node &map,
                                  const std::string &prefix) {
  if (!map.IsMap())
    return; // readField reports the wrong shape
  const std::set<std::string> children = knownChildren(prefix);
  for (const auto &entry : map) {
    const std::string key = entry.first.Scalar();
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    if (path == kDeviceParametersPath) {
      readDeviceParameters(entry.second);
      continue;
    }
    if (!children.count(key)) {
      std::string message = "unknown field '" + path + "'";
      std::string best;
      size_t bestDistance = 3;
      for (const std::string &candidate : children) {
        size_t distance = editDistance(key, candidate);
        if (distance < bestDistance) {
          bestDistance = distance;
          best = candidate;
        }
      }
      if (!best.empty())
        message += "; did you mean '" +
                   (prefix.empty() ? best : prefix + "." + best) + "'?";
      error(lineOf(entry.first), path, message);
      continue;
    }
    if (!isLeafPath(path))
      checkUnknownKeys(entry.second, path);
  }
}

void ArchReader::checkRelations() {
  const ArchSpec &s = spec;
  if (parsed({"name"})) {
    if (!isIdentifier(s.name))
      relationError("name", "name must be a non-empty identifier of letters, "
                            "digits, '_' and '-', got '" +
                                s.name + "'");
  }
  if (parsed({"hierarchy.chips", "hierarchy.tiles_per_chip",
              "hierarchy.cores_per_tile", "hierarchy.arrays_per_core",
              "array.rows", "array.cols"})) {
    // Every derived count is a product of these; keep the largest one far
    // from int64 overflow so no figure downstream can wrap.
    int64_t cells = 1;
    bool overflow = false;
    for (int64_t factor :
         {s.hierarchy.chips, s.hierarchy.tilesPerChip, s.hierarchy.coresPerTile,
          s.hierarchy.arraysPerCore, s.array.rows, s.array.cols})
      overflow |= __builtin_mul_overflow(cells, factor, &cells);
    if (overflow || cells > kMaxTotalCells)
      relationError("hierarchy.chips",
                    "the machine is too large: chips x tiles x cores x "
                    "arrays x rows x cols exceeds 2^50 cells");
  }
  if (parsed({"array.cell.g_min_microsiemens",
              "array.cell.g_max_microsiemens"}) &&
      s.array.cell.gMaxMicroSiemens <= s.array.cell.gMinMicroSiemens)
    relationError("array.cell.g_max_microsiemens",
                  "array.cell.g_max_microsiemens must exceed "
                  "array.cell.g_min_microsiemens (" +
                      formatFieldValue(s.array.cell.gMinMicroSiemens) +
                      "), got " +
                      formatFieldValue(s.array.cell.gMaxMicroSiemens));
  if (parsed({"adc.per_array", "array.cols"}) &&
      (s.adc.perArray > s.array.cols || s.array.cols % s.adc.perArray != 0))
    relationError("adc.per_array",
                  "adc.per_array must divide array.cols (" +
                      std::to_string(s.array.cols) + "), got " +
                      std::to_string(s.adc.perArray));
  if (parsed({"dac.per_array", "array.rows"}) &&
      (s.dac.perArray > s.array.rows || s.array.rows % s.dac.perArray != 0))
    relationError("dac.per_array",
                  "dac.per_array must divide array.rows (" +
                      std::to_string(s.array.rows) + "), got " +
                      std::to_string(s.dac.perArray));
  if (parsed({"array.cell.differential_in_cell",
              "array.cell.signed_encoding"}) &&
      s.array.cell.differentialInCell &&
      s.array.cell.signedEncoding != SignedEncoding::Differential)
    relationError("array.cell.differential_in_cell",
                  "array.cell.differential_in_cell needs signed_encoding "
                  "differential, got " +
                      std::string(toString(s.array.cell.signedEncoding)));
  if (parsed({"precision.weight_bits"}) && s.precision.weightBits < 2)
    relationError("precision.weight_bits",
                  "precision.weight_bits must be at least 2 for signed "
                  "weights, got " +
                      std::to_string(s.precision.weightBits));
  else if (parsed({"precision.weight_bits", "array.cols", "array.cell.bits",
                   "array.cell.signed_encoding",
                   "array.cell.differential_in_cell"}) &&
           s.weightColumnsPerArray() < 1)
    relationError("array.cols",
                  "array.cols (" + std::to_string(s.array.cols) +
                      ") cannot hold one " +
                      std::to_string(s.precision.weightBits) +
                      "-bit weight, which needs " +
                      std::to_string(s.columnsPerWeight() +
                                     s.referenceColumnsPerArray()) +
                      " columns with this cell encoding");
  if (parsed({"noc.mesh_rows", "noc.mesh_cols", "noc.tiles_per_router",
              "hierarchy.tiles_per_chip"}) &&
      s.routersPerChip() * s.noc.tilesPerRouter < s.hierarchy.tilesPerChip)
    relationError("noc.mesh_rows",
                  "noc mesh " + std::to_string(s.noc.meshRows) + "x" +
                      std::to_string(s.noc.meshCols) + " with " +
                      std::to_string(s.noc.tilesPerRouter) +
                      " tiles per router has room for " +
                      std::to_string(s.routersPerChip() *
                                     s.noc.tilesPerRouter) +
                      " tiles, but hierarchy.tiles_per_chip is " +
                      std::to_string(s.hierarchy.tilesPerChip));
  if (parsed({"hierarchy.chips", "chip_link.topology"}) &&
      s.hierarchy.chips > 1 && s.chipLink.topology == ChipLinkTopology::None)
    relationError("hierarchy.chips",
                  "hierarchy.chips is " + std::to_string(s.hierarchy.chips) +
                      " but chip_link.topology is none; say how the chips "
                      "connect");
  if (parsed({"chip_link.topology", "chip_link.bandwidth_gbytes_per_s"}) &&
      s.chipLink.topology != ChipLinkTopology::None &&
      s.chipLink.bandwidthGBps <= 0)
    relationError("chip_link.bandwidth_gbytes_per_s",
                  "chip_link.bandwidth_gbytes_per_s must be positive when "
                  "chip_link.topology is " +
                      std::string(toString(s.chipLink.topology)));
  if (parsed({"dram.present", "dram.bandwidth_gbytes_per_s"}) &&
      s.dram.present && s.dram.bandwidthGBps <= 0)
    relationError("dram.bandwidth_gbytes_per_s",
                  "dram.bandwidth_gbytes_per_s must be positive when "
                  "dram.present is true");
}

ArchLoadResult ArchReader::read(const YAML::Node &root) {
  rootLine = lineOf(root);
  if (!root.IsMap())
    return fail(rootLine, "the hardware description must be a YAML mapping "
                          "at the top level, got " +
                              describeNode(root));
  for (const FieldInfo &field : archSchema())
    readField(root, field);
  checkUnknownKeys(root, "");
  checkRelations();
  return finish();
}

ArchLoadResult cim::arch::loadArchNode(const YAML::Node &root,
                                       const std::string &sourceName) {
  return ArchReader(sourceName).read(root);
}

ArchLoadResult cim::arch::loadArchFlat(
    const std::vector<std::pair<std::string, std::string>> &fields,
    const std::string &sourceName) {
  YAML::Node root(YAML::NodeType::Map);
  for (const auto &[path, text] : fields) {
    std::vector<std::string> parts = splitPath(path);
    if (parts.empty())
      continue;
    YAML::Node node = root;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      YAML::Node child = node[parts[i]];
      node.reset(child);
    }
    node[parts.back()] = text;
  }
  return loadArchNode(root, sourceName);
}

ArchLoadResult cim::arch::loadArchString(const std::string &text,
                                         const std::string &sourceName) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception &e) {
    return ArchReader(sourceName)
        .fail(e.mark.is_null() ? 0 : e.mark.line + 1,
              "invalid YAML: " + e.msg);
  }
  return loadArchNode(root, sourceName);
}

ArchLoadResult cim::arch::loadArchFile(const std::string &path,
                                       const std::string &displayName) {
  const std::string name = displayName.empty() ? path : displayName;
  std::string text;
  if (!readTextFile(path, text))
    return ArchReader(name).fail(
        0, std::string("cannot read the file: ") + std::strerror(errno));
  return loadArchString(text, name);
}

ArchLoadResult cim::arch::loadArch(const std::string &presetOrPath) {
  const bool looksLikePath = presetOrPath.find('/') != std::string::npos ||
                             presetOrPath.find('.') != std::string::npos;
  if (!looksLikePath) {
    if (std::optional<std::string> text = presetText(presetOrPath))
      return loadArchString(*text, "arch/" + presetOrPath + ".yaml");
  }
  if (looksLikePath || fileExists(presetOrPath))
    return loadArchFile(presetOrPath);
  std::string presets;
  for (const std::string &name : presetNames())
    presets += (presets.empty() ? "" : ", ") + name;
  return ArchReader(presetOrPath)
      .fail(0, "not a file and not a preset (presets: " + presets + ")");
}

std::string cim::arch::writeArchYaml(const ArchSpec &spec) {
  YAML::Node root(YAML::NodeType::Map);
  for (const FieldInfo &field : archSchema()) {
    std::vector<std::string> parts = splitPath(field.path);
    YAML::Node node = root;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      YAML::Node child = node[parts[i]];
      node.reset(child);
    }
    node[parts.back()] = formatFieldValue(field.get(spec));
  }
  if (!spec.device.parameters.empty()) {
    YAML::Node parameters = root["device"]["parameters"];
    for (const auto &[name, value] : spec.device.parameters)
      parameters[name] = formatFieldValue(value);
  }
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}
