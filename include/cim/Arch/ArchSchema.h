//===- ArchSchema.h - The fields of the arch YAML format ---------*- C++ -*-===//
//
// One table describes every field of the hardware description: its YAML path,
// kind, unit, valid range and meaning. The loader, the YAML writer, the MLIR
// attribute conversion and the generated field reference (docs/arch-fields.md)
// all walk this table, so adding a field is one line here plus a member in
// ArchSpec.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_ARCH_ARCHSCHEMA_H
#define CIM_ARCH_ARCHSCHEMA_H

#include "cim/Arch/ArchSpec.h"

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace cim::arch {

enum class FieldKind { Int, Double, Bool, String, Enum };

/// A field's value; enums travel as their YAML spelling.
using FieldValue = std::variant<int64_t, double, bool, std::string>;

struct FieldInfo {
  /// Dotted YAML path, e.g. "adc.bits".
  std::string path;
  FieldKind kind;
  /// Unit for numbers ("ns", "pJ", "bits", "count"); empty otherwise.
  std::string unit;
  std::string doc;
  bool required;
  /// Inclusive range for Int and Double fields.
  double min;
  double max;
  /// Spellings for Enum fields, in the order of the C++ enumerators.
  std::vector<std::string> enumValues;
  std::function<FieldValue(const ArchSpec &)> get;
  std::function<void(ArchSpec &, const FieldValue &)> set;
};

/// Every field of the format, in document order.
const std::vector<FieldInfo> &archSchema();

/// The one free-form map of the format: device-model parameters by name.
inline constexpr const char *kDeviceParametersPath = "device.parameters";

/// Renders a value the way the YAML writer and the docs print it.
std::string formatFieldValue(const FieldValue &value);

/// A Markdown table of every field (path, type, unit, range, default, meaning).
std::string renderSchemaMarkdown();

} // namespace cim::arch

#endif // CIM_ARCH_ARCHSCHEMA_H
