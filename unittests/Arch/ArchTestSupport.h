//===- ArchTestSupport.h - Shared helpers of the arch unit tests -*- C++ -*-===//

#ifndef CIM_UNITTESTS_ARCH_ARCHTESTSUPPORT_H
#define CIM_UNITTESTS_ARCH_ARCHTESTSUPPORT_H

#include "cim/Arch/ArchLoader.h"
#include "cim/Arch/ArchSchema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace cim::arch {
/// Names a schema row in test output instead of dumping its bytes.
inline void PrintTo(const FieldInfo &field, std::ostream *os) {
  *os << field.path;
}
} // namespace cim::arch

namespace cim::arch::test {

using FlatFields = std::vector<std::pair<std::string, std::string>>;

inline ArchSpec loadPresetOrDie(const std::string &name) {
  ArchLoadResult result = loadArch(name);
  EXPECT_TRUE(result.ok()) << result.errorText();
  return result.ok() ? result.getSpec() : ArchSpec();
}

/// A valid description as dotted-path/value pairs, ready to be broken one
/// field at a time.
inline FlatFields flatFields(const ArchSpec &spec) {
  FlatFields fields;
  for (const FieldInfo &field : archSchema())
    fields.emplace_back(field.path, formatFieldValue(field.get(spec)));
  for (const auto &[name, value] : spec.device.parameters)
    fields.emplace_back(std::string(kDeviceParametersPath) + "." + name,
                        formatFieldValue(value));
  return fields;
}

inline FlatFields withField(FlatFields fields, const std::string &path,
                            const std::string &value) {
  for (auto &entry : fields)
    if (entry.first == path) {
      entry.second = value;
      return fields;
    }
  fields.emplace_back(path, value);
  return fields;
}

inline FlatFields withoutField(FlatFields fields, const std::string &path) {
  fields.erase(std::remove_if(fields.begin(), fields.end(),
                              [&](const auto &entry) {
                                return entry.first == path;
                              }),
               fields.end());
  return fields;
}

/// Messages of a load that must fail.
inline std::vector<std::string> errorsOf(const ArchLoadResult &result) {
  EXPECT_FALSE(result.ok()) << "expected the description to be rejected";
  std::vector<std::string> messages;
  for (const ArchDiagnostic &diag : result.getErrors())
    messages.push_back(diag.message);
  return messages;
}

/// Replaces the value of `key` inside top-level `section` of YAML text and
/// returns the 1-based line that now holds it (0 if not found).
inline int replaceInSection(std::string &text, const std::string &section,
                            const std::string &key,
                            const std::string &value) {
  std::istringstream in(text);
  std::ostringstream out;
  std::string line;
  int number = 0, found = 0;
  bool inSection = section.empty();
  while (std::getline(in, line)) {
    ++number;
    if (!section.empty() && !line.empty() && line[0] != ' ' &&
        line[0] != '#')
      inSection = line.rfind(section + ":", 0) == 0;
    std::string trimmed = line.substr(line.find_first_not_of(' ') ==
                                              std::string::npos
                                          ? 0
                                          : line.find_first_not_of(' '));
    if (!found && inSection && trimmed.rfind(key + ":", 0) == 0 &&
        (section.empty() ? line[0] != ' ' : line[0] == ' ')) {
      line = line.substr(0, line.find(key)) + key + ": " + value;
      found = number;
    }
    out << line << "\n";
  }
  text = out.str();
  return found;
}

} // namespace cim::arch::test

#endif // CIM_UNITTESTS_ARCH_ARCHTESTSUPPORT_H
