//===- ProgramIO.h - Program files (.cimp) ----------------------*- C++ -*-===//
//
// The on-disk form of a Program: the versioned protobuf message of
// runtime/proto/program.proto. Reading checks the format (magic version,
// every field within range, references between values and cores) and then
// runs validate(), so a truncated or random file is refused with a message,
// never a crash.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_PROGRAMIO_H
#define CIM_RUNTIME_PROGRAMIO_H

#include "cim/runtime/Program.h"
#include "cim/runtime/Status.h"

#include <string>

namespace cim::runtime {

/// Version written into every program; readers refuse others.
inline constexpr int kProgramFormatVersion = 2;

/// Serialises `program` (with its arch as YAML text) to protobuf bytes.
Status serializeProgram(const Program &program, std::string &bytes);
/// Parses and checks protobuf bytes; `source` names them in messages.
Status deserializeProgram(const std::string &bytes, const std::string &source,
                          Program &program);

/// Writes to `path` atomically (a temporary file renamed into place), so a
/// failure never leaves a partial file.
Status saveProgramFile(const Program &program, const std::string &path);
Status loadProgramFile(const std::string &path, Program &program);

/// A readable listing: the arch name, values, and each core's instructions
/// with their operands and ONNX nodes.
std::string disassemble(const Program &program);

} // namespace cim::runtime

#endif // CIM_RUNTIME_PROGRAMIO_H
