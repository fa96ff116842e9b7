//===- ArchText.cpp - File helpers private to the arch library -------------===//

#include "ArchText.h"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

bool cim::arch::readTextFile(const std::string &path, std::string &text) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    return false;
  if (S_ISDIR(info.st_mode)) {
    errno = EISDIR;
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream contents;
  contents << in.rdbuf();
  text = contents.str();
  return true;
}

bool cim::arch::fileExists(const std::string &path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}
