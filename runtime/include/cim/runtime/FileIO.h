//===- FileIO.h - Whole-file reads and atomic writes ------------*- C++ -*-===//
//
// Program, .npy and report files are read whole and written atomically:
// the bytes go to `path + ".tmp"`, which is renamed onto `path` only once
// everything was written, so a failure never leaves a partial file under the
// real name (and the temporary file is removed).
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_FILEIO_H
#define CIM_RUNTIME_FILEIO_H

#include "cim/runtime/Status.h"

#include <string>

namespace cim::runtime {

/// Reads the whole of `path` into `bytes`; the error names the path and the
/// system's reason.
Status readFile(const std::string &path, std::string &bytes);

/// Writes `bytes` to `path` through a temporary file renamed into place.
Status writeFileAtomically(const std::string &path, const std::string &bytes);

} // namespace cim::runtime

#endif // CIM_RUNTIME_FILEIO_H
