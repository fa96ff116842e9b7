//===- ArchText.h - File helpers private to the arch library ----*- C++ -*-===//

#ifndef CIM_LIB_ARCH_ARCHTEXT_H
#define CIM_LIB_ARCH_ARCHTEXT_H

#include <string>

namespace cim::arch {

/// Reads a whole file; on failure returns false with errno describing why.
bool readTextFile(const std::string &path, std::string &text);
bool fileExists(const std::string &path);

} // namespace cim::arch

#endif // CIM_LIB_ARCH_ARCHTEXT_H
