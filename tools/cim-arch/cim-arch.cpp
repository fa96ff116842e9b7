//===- cim-arch.cpp - Inspect and check hardware descriptions ---------------===//
//
//   cim-arch <preset|file>...          one-screen summary of each
//   cim-arch --json <preset|file>      the summary as JSON
//   cim-arch --yaml <preset|file>      the full, normalised description
//   cim-arch --check <preset|file>...  validate only
//   cim-arch --list                    the built-in presets
//   cim-arch --schema-markdown         the field reference of docs/arch-fields.md
//
// Exit status: 0 success, 1 an invalid description, 2 a usage error.
//
//===----------------------------------------------------------------------===//

#include "cim/Arch/ArchLoader.h"
#include "cim/Arch/ArchSchema.h"
#include "cim/Arch/ArchSummary.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace cim::arch;

namespace {

enum class Mode { Summary, Json, Yaml, Check };

const char *kUsage =
    "usage: cim-arch [--json | --yaml | --check] <preset|file>...\n"
    "       cim-arch --list\n"
    "       cim-arch --schema-markdown\n"
    "Prints the derived summary of hardware descriptions (arch YAML files or\n"
    "the built-in presets), or checks them.\n";

int usageError(const std::string &message) {
  std::fprintf(stderr, "cim-arch: %s\n%s", message.c_str(), kUsage);
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  Mode mode = Mode::Summary;
  std::vector<std::string> targets;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--list") {
      for (const std::string &name : presetNames())
        std::printf("%s\n", name.c_str());
      return 0;
    }
    if (arg == "--schema-markdown") {
      std::fputs(renderSchemaMarkdown().c_str(), stdout);
      return 0;
    }
    if (arg == "--json")
      mode = Mode::Json;
    else if (arg == "--yaml")
      mode = Mode::Yaml;
    else if (arg == "--check")
      mode = Mode::Check;
    else if (arg.rfind("-", 0) == 0)
      return usageError("unknown option '" + arg + "'");
    else
      targets.push_back(arg);
  }
  if (targets.empty())
    return usageError("no preset or file given");
  if ((mode == Mode::Json || mode == Mode::Yaml) && targets.size() != 1)
    return usageError("--json and --yaml take exactly one preset or file");

  int status = 0;
  for (size_t i = 0; i < targets.size(); ++i) {
    ArchLoadResult result = loadArch(targets[i]);
    if (!result.ok()) {
      std::fputs(result.errorText().c_str(), stderr);
      status = 1;
      continue;
    }
    const ArchSpec &spec = result.getSpec();
    switch (mode) {
    case Mode::Summary:
      std::printf("%s%s", i ? "\n" : "", renderSummaryText(spec).c_str());
      break;
    case Mode::Json:
      std::fputs(renderSummaryJson(spec).c_str(), stdout);
      break;
    case Mode::Yaml:
      std::fputs(writeArchYaml(spec).c_str(), stdout);
      break;
    case Mode::Check:
      std::printf("%s: ok\n", targets[i].c_str());
      break;
    }
  }
  return status;
}
