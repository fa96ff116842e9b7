//===- ArchLoader.h - Load and validate arch descriptions --------*- C++ -*-===//
//
// Reads the YAML hardware description, checks every field and the relations
// between fields, and reports every problem found (not only the first), each
// naming the file, line and field: "arch/isaac.yaml:12: adc.bits must be in
// 1..16, got 0". No exceptions leave this library.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_ARCH_ARCHLOADER_H
#define CIM_ARCH_ARCHLOADER_H

#include "cim/Arch/ArchSpec.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace YAML {
class Node;
} // namespace YAML

namespace cim::arch {

struct ArchDiagnostic {
  std::string source;
  /// 1-based; 0 when the description did not come from text.
  int line = 0;
  std::string field;
  std::string message;

  /// "source:line: message" (the message already names the field).
  std::string str() const;
};

class ArchLoadResult {
public:
  bool ok() const { return spec.has_value() && errors.empty(); }
  const ArchSpec &getSpec() const { return *spec; }
  const std::vector<ArchDiagnostic> &getErrors() const { return errors; }
  /// Every diagnostic, one per line.
  std::string errorText() const;

private:
  friend class ArchReader;
  std::optional<ArchSpec> spec;
  std::vector<ArchDiagnostic> errors;
};

/// Loads a file; `displayName` (default: the path) is what diagnostics print.
ArchLoadResult loadArchFile(const std::string &path,
                            const std::string &displayName = "");
/// Loads YAML text; `sourceName` is what diagnostics print as the file.
ArchLoadResult loadArchString(const std::string &text,
                              const std::string &sourceName);
/// Loads an already parsed YAML document (no line information if it was
/// built in memory).
ArchLoadResult loadArchNode(const YAML::Node &root,
                            const std::string &sourceName);
/// Loads from dotted-path/text pairs ("adc.bits" -> "8"), the form the MLIR
/// attribute flattens to; diagnostics carry no line.
ArchLoadResult
loadArchFlat(const std::vector<std::pair<std::string, std::string>> &fields,
             const std::string &sourceName);
/// Resolves `presetOrPath`: an existing file path, else a preset name.
ArchLoadResult loadArch(const std::string &presetOrPath);

/// Serialises a spec to YAML that loads back to the same spec.
std::string writeArchYaml(const ArchSpec &spec);

//===--- Presets (arch/*.yaml compiled into the library) ------------------===//

std::vector<std::string> presetNames();
/// The YAML text of a preset, or nullopt if there is no such preset.
std::optional<std::string> presetText(const std::string &name);

} // namespace cim::arch

#endif // CIM_ARCH_ARCHLOADER_H
