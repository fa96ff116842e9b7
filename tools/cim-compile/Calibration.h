//===- Calibration.h - Input ranges of a model's products ---------*- C++ -*-===//
//
// cim-compile --calibration-data: the samples of a directory run through a
// program compiled with run-time input scales (ideal numerics, so the
// ranges are the float model's up to the input rounding), and the largest
// |x| each dynamic_scale instruction sees, by ONNX node, goes to a JSON
// table that cim-quantize reads (calibration-table) to make those scales
// static.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_TOOLS_CIM_COMPILE_CALIBRATION_H
#define CIM_TOOLS_CIM_COMPILE_CALIBRATION_H

#include "cim/runtime/Program.h"

#include <string>

namespace cim {

/// Runs every sample in `directory` through `program` and writes the table
/// to a new temporary file whose path goes to `tablePath`. A single-input
/// program takes every .npy / .pb file as one sample (or a stack of
/// samples along a new first axis); a program with several inputs takes
/// one subdirectory per sample holding one file per input, named after it
/// (`<input>.npy` or `<input>.pb`), each one sample. False
/// with `error` on an empty directory, a file that does not fit an input,
/// or a failed run.
bool calibrate(const runtime::Program &program, const std::string &directory,
               std::string &tablePath, std::string &error);

} // namespace cim

#endif // CIM_TOOLS_CIM_COMPILE_CALIBRATION_H
