//===- Calibration.cpp - Input ranges of a model's products ---------------===//

#include "Calibration.h"

#include "cim/runtime/Executor.h"
#include "cim/runtime/TensorPb.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <unistd.h>

using namespace cim;
using namespace cim::runtime;
namespace fs = std::filesystem;

namespace {

// The error_code overloads throughout: the tool is built without
// exceptions.
bool isTensorFile(const fs::path &path) {
  std::error_code code;
  return fs::is_regular_file(path, code) &&
         (path.extension() == ".npy" || path.extension() == ".pb");
}

std::vector<fs::path> sortedEntries(const fs::path &directory) {
  std::vector<fs::path> entries;
  std::error_code code;
  for (fs::directory_iterator it(directory, code), end; !code && it != end;
       it.increment(code))
    entries.push_back(it->path());
  std::sort(entries.begin(), entries.end());
  return entries;
}

/// How many samples of `value` `shape` holds: its own shape, a stack
/// along a new first axis, or (as cim-run --batch takes them) along the
/// first axis; 0 if none of these.
int64_t samplesIn(const std::vector<int64_t> &shape, const ValueInfo &value) {
  if (shape == value.shape)
    return 1;
  if (shape.size() == value.shape.size() + 1 &&
      std::equal(value.shape.begin(), value.shape.end(), shape.begin() + 1))
    return shape[0];
  if (!shape.empty() && shape.size() == value.shape.size() &&
      value.shape[0] > 0 && shape[0] % value.shape[0] == 0 &&
      std::equal(value.shape.begin() + 1, value.shape.end(),
                 shape.begin() + 1))
    return shape[0] / value.shape[0];
  return 0;
}

/// `array` as samples of `value` (row-major, so every stacking is the same
/// sequence of samples).
bool splitSamples(const NpyArray &array, const ValueInfo &value,
                  const std::string &file, std::vector<Tensor> &samples,
                  std::string &error) {
  const int64_t size = value.numElements();
  const int64_t count = samplesIn(array.shape, value);
  if (count == 0) {
    error = file + " does not hold input '" + value.binding +
            "': its shape is neither the input's nor a stack of them";
    return false;
  }
  if (array.isInteger() != isInteger(value.type)) {
    error = file + " holds " + (array.isInteger() ? "integers" : "floats") +
            ", input '" + value.binding + "' the other kind";
    return false;
  }
  for (int64_t s = 0; s < count; ++s) {
    Tensor t;
    t.type = value.type;
    t.shape = value.shape;
    if (array.isInteger())
      t.ints.assign(array.ints.begin() + s * size,
                    array.ints.begin() + (s + 1) * size);
    else if (value.type == ElementType::F64)
      t.doubles.assign(array.floats.begin() + s * size,
                       array.floats.begin() + (s + 1) * size);
    else
      for (int64_t e = s * size; e < (s + 1) * size; ++e)
        t.floats.push_back(static_cast<float>(array.floats[e]));
    samples.push_back(std::move(t));
  }
  return true;
}

} // namespace

bool cim::calibrate(const Program &program, const std::string &directory,
                    std::string &tablePath, std::string &error) {
  std::error_code code;
  if (!fs::is_directory(directory, code)) {
    error = "calibration data '" + directory + "' is not a directory";
    return false;
  }
  std::vector<const ValueInfo *> inputs;
  for (const ValueInfo &value : program.values)
    if (value.isInput)
      inputs.push_back(&value);

  std::vector<TensorMap> samples;
  if (inputs.size() == 1) {
    for (const fs::path &path : sortedEntries(directory)) {
      if (!isTensorFile(path))
        continue;
      NpyArray array;
      if (Status s = readTensorFile(path.string(), array); !s) {
        error = s.message();
        return false;
      }
      std::vector<Tensor> split;
      if (!splitSamples(array, *inputs[0], path.string(), split, error))
        return false;
      for (Tensor &t : split)
        samples.push_back({{inputs[0]->binding, std::move(t)}});
    }
  } else {
    for (const fs::path &sample : sortedEntries(directory)) {
      if (!fs::is_directory(sample, code))
        continue;
      TensorMap bound;
      for (const ValueInfo *value : inputs) {
        fs::path file = sample / (value->binding + ".npy");
        if (!fs::exists(file, code))
          file = sample / (value->binding + ".pb");
        NpyArray array;
        std::vector<Tensor> split;
        if (Status s = readTensorFile(file.string(), array); !s) {
          error = s.message();
          return false;
        }
        if (!splitSamples(array, *value, file.string(), split, error))
          return false;
        if (split.size() != 1) {
          error = file.string() + " holds " + std::to_string(split.size()) +
                  " samples; with several inputs each subdirectory is one "
                  "sample";
          return false;
        }
        bound[value->binding] = std::move(split.front());
      }
      samples.push_back(std::move(bound));
    }
  }
  if (samples.empty()) {
    error = "calibration data '" + directory + "' holds no samples (" +
            (inputs.size() == 1
                 ? std::string(".npy or .pb files")
                 : std::string("subdirectories with a file per input")) +
            ")";
    return false;
  }

  std::map<std::string, double> ranges;
  ExecuteOptions options;
  options.numerics = Numerics::Ideal;
  options.weightsPreloaded = true;
  options.observe = [&](const Instruction &inst,
                        const std::vector<const Tensor *> &in, const Tensor &) {
    if (inst.opcode != Opcode::DynamicScale)
      return;
    double &range = ranges[inst.node];
    for (double x : in[0]->floats)
      range = std::max(range, std::fabs(x));
  };
  for (const TensorMap &sample : samples) {
    ExecuteResult result;
    if (Status s = execute(program, sample, options, result); !s) {
      error = "calibration run: " + s.message();
      return false;
    }
  }
  nlohmann::json table = nlohmann::json::object();
  for (const auto &[node, range] : ranges)
    table[node] = range;
  // A fresh file of our own (mkstemps: no name another process could
  // have placed, no symlink followed).
  std::string path =
      (fs::temp_directory_path(code) / "cim-calibration-XXXXXX.json").string();
  const int fd = ::mkstemps(path.data(), 5);
  if (fd < 0) {
    error = "cannot create a calibration table in the temporary directory";
    return false;
  }
  const std::string text = table.dump(2) + "\n";
  const bool written =
      ::write(fd, text.data(), text.size()) ==
      static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    error = "cannot write the calibration table " + path;
    return false;
  }
  tablePath = path;
  return true;
}
