//===- FileIO.cpp - Whole-file reads and atomic writes --------------------===//

#include "cim/runtime/FileIO.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

using namespace cim::runtime;

static std::string systemError() { return std::strerror(errno); }

Status cim::runtime::readFile(const std::string &path, std::string &bytes) {
  bytes.clear();
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return Status::error("cannot open '" + path + "': " + systemError());
  char buffer[1 << 16];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    bytes.append(buffer, got);
  // A directory opens but does not read (EISDIR).
  const bool failed = std::ferror(file) != 0;
  const std::string reason = systemError();
  std::fclose(file);
  if (failed)
    return Status::error("cannot read '" + path + "': " + reason);
  return Status::ok();
}

Status cim::runtime::writeFileAtomically(const std::string &path,
                                         const std::string &bytes) {
  const std::string temporary = path + ".tmp";
  std::FILE *file = std::fopen(temporary.c_str(), "wb");
  if (!file)
    return Status::error("cannot create '" + temporary + "': " + systemError());
  bool written =
      std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() &&
      std::fflush(file) == 0;
  std::string reason = written ? "" : systemError();
  if (std::fclose(file) != 0 && written) {
    written = false;
    reason = systemError();
  }
  if (written && std::rename(temporary.c_str(), path.c_str()) != 0) {
    written = false;
    reason = "cannot rename it onto '" + path + "': " + systemError();
  }
  if (!written) {
    std::remove(temporary.c_str());
    return Status::error("cannot write '" + path + "': " + reason);
  }
  return Status::ok();
}
