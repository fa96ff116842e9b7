//===- cim-run.cpp - Run a compiled program on the simulator --------------===//
//
//   cim-run prog.cimp --input NAME=FILE.npy|FILE.pb... --output-dir DIR
//           --numerics ideal|quantized [--report REPORT.json]
//           [--trace TRACE.json] [--weights-preloaded] [--output-format pb]
//   cim-run prog.cimp --disassemble
//
// Reads the program (checking it against its embedded arch), binds every
// program input to a .npy or ONNX TensorProto .pb file, executes, and
// writes one `<binding>.npy` (or `.pb`) per program output into DIR (float
// outputs as float32, integer outputs as
// int32, or int64 for i64 values), the report and the trace as JSON if
// asked, and a one-line summary on stderr. Outputs are written only after
// the run succeeded, each atomically; if one cannot be written, those
// already written are removed.
//
// Exit status: 0 success, 1 an error (program, inputs, run, files), 2 a usage
// error.
//
//===----------------------------------------------------------------------===//

#include "ProgressBar.h"

#include "cim/runtime/Batch.h"
#include "cim/runtime/Executor.h"
#include "cim/runtime/FileIO.h"
#include "cim/runtime/Npy.h"
#include "cim/runtime/ProgramIO.h"
#include "cim/runtime/Report.h"
#include "cim/runtime/TensorPb.h"
#include "cim/runtime/Trace.h"

#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace cim::runtime;
using cim::run::ProgressBar;

namespace {

const char *kUsage =
    "usage: cim-run PROGRAM.cimp --input NAME=FILE... --output-dir DIR\n"
    "               --numerics ideal|quantized [--report REPORT.json]\n"
    "               [--trace TRACE.json] [--weights-preloaded]\n"
    "               [--batch N] [--threads N] [--output-format npy|pb]\n"
    "               [--progress auto|always|never]\n"
    "       cim-run PROGRAM.cimp --disassemble\n"
    "Runs a compiled program on the simulator. Every program input is bound\n"
    "to a NumPy .npy file (little-endian, C order) or, when the name ends in\n"
    "'.pb', an ONNX TensorProto file (ONNX's backend-test format): float32\n"
    "or float64 for f32 inputs, int8..int64 for integer inputs. Every output\n"
    "is written to DIR/<name>.npy (float32, or int32/int64), with characters\n"
    "other than letters, digits, '.', '-' and '_' in the name replaced by\n"
    "'_'.\n"
    "  --numerics quantized  bit-exact: every ADC conversion rounds and clips\n"
    "  --numerics ideal      every ADC conversion exact\n"
    "  --batch N             run N inferences back to back, pipelined: each\n"
    "                        input file stacks N inputs along its first axis,\n"
    "                        each output stacks N results; the report gives\n"
    "                        inferences per second\n"
    "  --threads N           threads computing values (default: one per\n"
    "                        CPU it may use; with more than one, the\n"
    "                        schedule runs on a thread of its own; results\n"
    "                        do not depend on it)\n"
    "  --output-format pb    outputs as DIR/<name>.pb TensorProto files\n"
    "  --report FILE         the time/energy report as JSON\n"
    "  --trace FILE          every instruction's start and end in Chrome's\n"
    "                        trace event format (chrome://tracing, Perfetto)\n"
    "  --weights-preloaded   cells were written at load time (programming\n"
    "                        takes no time and no energy)\n"
    "  --progress WHEN       a progress bar on stderr: 'auto' (the default:\n"
    "                        on a terminal, once a run passes 2 s), 'always'\n"
    "                        or 'never'\n"
    "  --disassemble         print the program and exit\n";

int usageError(const std::string &message) {
  std::fprintf(stderr, "cim-run: %s\n%s", message.c_str(), kUsage);
  return 2;
}

int failure(const std::string &message) {
  std::fprintf(stderr, "cim-run: %s\n", message.c_str());
  return 1;
}

struct Options {
  std::string program;
  /// (binding, file) in command-line order.
  std::vector<std::pair<std::string, std::string>> inputs;
  std::string outputDir;
  std::optional<Numerics> numerics;
  std::string report;
  std::string trace;
  bool weightsPreloaded = false;
  /// Inferences run back to back, pipelined (Batch.h).
  int64_t batch = 1;
  int64_t threads = 0;
  /// Outputs as ONNX TensorProto files rather than .npy.
  bool outputPb = false;
  ProgressBar::Mode progress = ProgressBar::Mode::Auto;
  bool disassemble = false;
};

/// Empty on success, else the usage error.
std::string parseArguments(int argc, char **argv, Options &options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    // "--opt=value" and "--opt value" are the same.
    std::optional<std::string> inlineValue;
    if (arg.rfind("--", 0) == 0) {
      const size_t equals = arg.find('=');
      if (equals != std::string::npos) {
        inlineValue = arg.substr(equals + 1);
        arg = arg.substr(0, equals);
      }
    }
    auto value = [&](std::string &out) -> std::string {
      if (inlineValue) {
        out = *inlineValue;
        return "";
      }
      if (i + 1 >= argc)
        return arg + " needs a value";
      out = argv[++i];
      return "";
    };
    auto flag = [&](bool &out) -> std::string {
      if (inlineValue)
        return arg + " takes no value";
      out = true;
      return "";
    };
    // A whole count from 1 to `most`.
    auto count = [&](long long most, int64_t &out) -> std::string {
      std::string text;
      if (std::string error = value(text); !error.empty())
        return error;
      char *end = nullptr;
      const long long n = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || n < 1 || n > most)
        return arg + " takes a count from 1 to " + std::to_string(most) +
               ", got '" + text + "'";
      out = n;
      return "";
    };
    std::string text, error;
    if (arg == "--input") {
      if (!(error = value(text)).empty())
        return error;
      const size_t equals = text.find('=');
      if (equals == std::string::npos || equals == 0 ||
          equals + 1 == text.size())
        return "--input takes NAME=FILE.npy, got '" + text + "'";
      const std::string name = text.substr(0, equals);
      for (const auto &[given, file] : options.inputs)
        if (given == name)
          return "input '" + name + "' is given twice";
      options.inputs.emplace_back(name, text.substr(equals + 1));
    } else if (arg == "--output-dir") {
      if (!(error = value(options.outputDir)).empty())
        return error;
    } else if (arg == "--report") {
      if (!(error = value(options.report)).empty())
        return error;
    } else if (arg == "--trace") {
      if (!(error = value(options.trace)).empty())
        return error;
    } else if (arg == "--batch") {
      if (!(error = count(1000000, options.batch)).empty())
        return error;
    } else if (arg == "--threads") {
      if (!(error = count(1024, options.threads)).empty())
        return error;
    } else if (arg == "--output-format") {
      if (!(error = value(text)).empty())
        return error;
      if (text != "npy" && text != "pb")
        return "--output-format takes 'npy' or 'pb', got '" + text + "'";
      options.outputPb = text == "pb";
    } else if (arg == "--progress") {
      if (!(error = value(text)).empty())
        return error;
      if (text == "auto")
        options.progress = ProgressBar::Mode::Auto;
      else if (text == "always")
        options.progress = ProgressBar::Mode::Always;
      else if (text == "never")
        options.progress = ProgressBar::Mode::Never;
      else
        return "--progress takes 'auto', 'always' or 'never', got '" + text +
               "'";
    } else if (arg == "--numerics") {
      if (!(error = value(text)).empty())
        return error;
      if (text == "ideal")
        options.numerics = Numerics::Ideal;
      else if (text == "quantized")
        options.numerics = Numerics::Quantized;
      else
        return "--numerics takes 'ideal' or 'quantized', got '" + text + "'";
    } else if (arg == "--weights-preloaded") {
      if (!(error = flag(options.weightsPreloaded)).empty())
        return error;
    } else if (arg == "--disassemble") {
      if (!(error = flag(options.disassemble)).empty())
        return error;
    } else if (arg.rfind("-", 0) == 0 && arg != "-") {
      return std::string("unknown option '") + argv[i] + "'";
    } else if (options.program.empty()) {
      options.program = arg;
    } else {
      return "more than one program given ('" + options.program + "' and '" +
             arg + "')";
    }
  }
  if (options.program.empty())
    return "no program given";
  if (options.disassemble)
    return "";
  if (!options.numerics)
    return "--numerics ideal|quantized is required";
  if (options.outputDir.empty())
    return "--output-dir is required";
  return "";
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t d = 0; d < shape.size(); ++d)
    text += (d ? "x" : "") + std::to_string(shape[d]);
  return text + "]";
}

/// A file name for a binding: ONNX names may hold '/' or ':'.
std::string fileNameFor(const std::string &binding) {
  std::string name = binding;
  for (char &c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' &&
        c != '_')
      c = '_';
  if (name == "." || name == "..")
    name = std::string(name.size(), '_');
  return name;
}

/// Replaces inputs[name], `batch` tensors of `shape` stacked along the first
/// axis, by one tensor per copy of the batched program.
void splitBatch(TensorMap &inputs, const std::string &name,
                const std::vector<int64_t> &shape, int64_t batch) {
  const Tensor stacked = std::move(inputs[name]);
  inputs.erase(name);
  int64_t per = 1;
  for (int64_t dim : shape)
    per *= dim;
  for (int64_t i = 0; i < batch; ++i) {
    Tensor copy;
    copy.type = stacked.type;
    copy.shape = shape;
    auto part = [&](const auto &from, auto &to) {
      if (!from.empty())
        to.assign(from.begin() + i * per, from.begin() + (i + 1) * per);
    };
    part(stacked.ints, copy.ints);
    part(stacked.floats, copy.floats);
    part(stacked.doubles, copy.doubles);
    inputs[batchBinding(name, i)] = std::move(copy);
  }
}

/// The output `binding` of every copy, stacked along the first axis.
std::string stackBatch(const ExecuteResult &result, const std::string &binding,
                       int64_t batch, Tensor &stacked) {
  for (int64_t i = 0; i < batch; ++i) {
    auto found = result.outputs.find(batchBinding(binding, i));
    if (found == result.outputs.end())
      return "the run produced no output '" + batchBinding(binding, i) + "'";
    const Tensor &copy = found->second;
    if (i == 0) {
      stacked = copy;
      if (stacked.shape.empty())
        return "output '" + binding + "' is a scalar, so --batch has no " +
               "axis to stack it on";
      stacked.shape[0] *= batch;
      continue;
    }
    stacked.ints.insert(stacked.ints.end(), copy.ints.begin(), copy.ints.end());
    stacked.floats.insert(stacked.floats.end(), copy.floats.begin(),
                          copy.floats.end());
    stacked.doubles.insert(stacked.doubles.end(), copy.doubles.begin(),
                           copy.doubles.end());
  }
  return "";
}

/// Reads each --input file into the tensor of its program input.
std::string bindInputs(const Program &program, const Options &options,
                       TensorMap &inputs) {
  std::map<std::string, const ValueInfo *> declared;
  std::string names;
  for (const ValueInfo &value : program.values)
    if (value.isInput) {
      declared[value.binding] = &value;
      names += (names.empty() ? "'" : ", '") + value.binding + "'";
    }
  if (names.empty())
    names = "none";
  std::set<std::string> given;
  for (const auto &[name, file] : options.inputs) {
    auto found = declared.find(name);
    if (found == declared.end())
      return "the program has no input '" + name + "' (its inputs: " + names +
             ")";
    given.insert(name);
  }
  for (const auto &[name, value] : declared)
    if (!given.count(name))
      return "input '" + name + "' (" + toString(value->type) +
             shapeString(value->shape) + ") is not given; pass --input " +
             name + "=FILE.npy";

  for (const auto &[name, file] : options.inputs) {
    const ValueInfo &value = *declared[name];
    NpyArray array;
    if (Status s = readTensorFile(file, array); !s)
      return s.message();
    const std::string declaredAs =
        std::string(toString(value.type)) + shapeString(value.shape);
    if (array.isInteger() != isInteger(value.type))
      return "input '" + name + "' is " + declaredAs + ", but " + file +
             " holds " + toString(array.dtype) +
             (isInteger(value.type) ? " (an integer dtype is needed)"
                                    : " (float32 or float64 is needed)");
    // A batch stacks its inputs along the first axis.
    std::vector<int64_t> expected = value.shape;
    if (options.batch > 1) {
      if (expected.empty())
        return "input '" + name + "' is a scalar, so --batch has no axis " +
               "to stack its inputs on";
      expected[0] *= options.batch;
    }
    if (array.shape != expected)
      return "input '" + name + "' is " + declaredAs +
             (options.batch > 1
                  ? ", so a batch of " + std::to_string(options.batch) +
                        " needs shape " + shapeString(expected)
                  : "") +
             ", but " + file + " has shape " + shapeString(array.shape);
    if (array.isInteger()) {
      inputs[name] = Tensor::ofInts(value.type, array.shape, array.ints);
    } else {
      // An f32 value rounds a float64 file as numpy's astype would
      // (beyond float32's range to infinity); an f64 value keeps it.
      if (value.type == ElementType::F64) {
        inputs[name] = Tensor::ofDoubles(array.shape, array.floats);
      } else {
        std::vector<double> data = array.floats;
        for (double &x : data)
          if (std::isfinite(x) && std::fabs(x) > FLT_MAX)
            x = std::copysign(HUGE_VAL, x);
        inputs[name] = Tensor::ofFloats(array.shape, data);
      }
    }
    if (options.batch > 1)
      splitBatch(inputs, name, value.shape, options.batch);
  }
  return "";
}

/// A file to write: every file is rendered in memory first, so nothing is
/// written unless every output could be encoded.
struct PendingFile {
  std::string path;
  std::string bytes;
};

std::string collectOutputs(const Program &program, const ExecuteResult &result,
                           const Options &options,
                           std::vector<PendingFile> &files) {
  std::set<std::string> paths;
  for (const ValueInfo &value : program.values) {
    if (!value.isOutput)
      continue;
    Tensor tensor;
    if (options.batch > 1) {
      if (std::string error =
              stackBatch(result, value.binding, options.batch, tensor);
          !error.empty())
        return error;
    } else {
      auto found = result.outputs.find(value.binding);
      if (found == result.outputs.end())
        return "the run produced no output '" + value.binding + "'";
      tensor = found->second;
    }
    NpyArray array;
    array.shape = tensor.shape;
    if (tensor.isInteger()) {
      array.dtype = value.type == ElementType::I64  ? NpyDType::Int64
                    : value.type == ElementType::I1 ? NpyDType::Bool
                                                    : NpyDType::Int32;
      array.ints.assign(tensor.ints.begin(), tensor.ints.end());
    } else {
      array.dtype = value.type == ElementType::F64 ? NpyDType::Float64
                                                   : NpyDType::Float32;
      if (value.type == ElementType::F64)
        array.floats.assign(tensor.doubles.begin(), tensor.doubles.end());
      else
        array.floats.assign(tensor.floats.begin(), tensor.floats.end());
    }
    PendingFile file;
    file.path =
        (std::filesystem::path(options.outputDir) /
         (fileNameFor(value.binding) + (options.outputPb ? ".pb" : ".npy")))
            .string();
    if (!paths.insert(file.path).second)
      return "two outputs map to the file " + file.path;
    Status rendered = options.outputPb
                          ? renderTensorPb(array, value.binding, file.bytes)
                          : renderNpy(array, file.bytes);
    if (!rendered)
      return "output '" + value.binding + "': " + rendered.message();
    files.push_back(std::move(file));
  }
  if (!options.report.empty())
    files.push_back({options.report, renderReportJson(result.report)});
  if (!options.trace.empty())
    files.push_back({options.trace,
                     renderChromeTrace(result.report, program.arch.clockGHz)});
  return "";
}

/// Writes every file or none: on a failure the files written so far are
/// removed, and the output directory too if this run created it.
std::string writeAll(const std::vector<PendingFile> &files,
                     const std::string &outputDir) {
  std::error_code ec;
  const bool existed = std::filesystem::exists(outputDir, ec);
  std::filesystem::create_directories(outputDir, ec);
  if (ec)
    return "cannot create the output directory '" + outputDir +
           "': " + ec.message();
  std::vector<std::string> written;
  for (const PendingFile &file : files) {
    if (Status s = writeFileAtomically(file.path, file.bytes); !s) {
      for (const std::string &path : written)
        std::remove(path.c_str());
      if (!existed)
        std::filesystem::remove(outputDir, ec);
      return s.message();
    }
    written.push_back(file.path);
  }
  return "";
}

} // namespace

int main(int argc, char **argv) {
#ifdef __GLIBC__
  // A simulation allocates and frees activation-sized tensors all the
  // time; served by mmap each would fault in fresh pages again. Keep those
  // up to glibc's largest mmap threshold (32 MiB on 64-bit) in the heap for
  // reuse; if the threshold is refused, leave glibc's adaptive one alone.
  if (mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1)
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // One heap for every thread: values are made on the threads that compute
  // them and freed wherever their last reader runs, and a heap per thread
  // would each keep its own freed memory (60 MB more for a ResNet-18; with
  // two heaps, as much in one run out of six).
  mallopt(M_ARENA_MAX, 1);
#endif
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  Options options;
  if (std::string error = parseArguments(argc, argv, options); !error.empty())
    return usageError(error);

  Program program;
  if (Status s = loadProgramFile(options.program, program); !s)
    return failure(s.message());
  if (options.disassemble) {
    std::fputs(disassemble(program).c_str(), stdout);
    return 0;
  }

  TensorMap inputs;
  if (std::string error = bindInputs(program, options, inputs); !error.empty())
    return failure(error);

  ExecuteOptions execution;
  execution.numerics = *options.numerics;
  execution.weightsPreloaded = options.weightsPreloaded;
  execution.threads = options.threads;
  execution.timeline = !options.trace.empty();
  ProgressBar bar(options.progress);
  execution.progress = [&bar](int64_t done, int64_t total) {
    bar.update(done, total);
  };
  execution.batch = options.batch;
  ExecuteResult result;
  // The repeated program of a batch is left for the process's exit to
  // free (it is reachable from here, so leak checkers stay quiet).
  static Program *const repeated = new Program();
  Status status = executeBatch(program, options.batch, inputs, execution,
                               result, *repeated);
  bar.finish();
  if (!status)
    return failure(options.program + ": " + status.message());

  std::vector<PendingFile> files;
  if (std::string error = collectOutputs(program, result, options, files);
      !error.empty())
    return failure(error);
  if (std::string error = writeAll(files, options.outputDir); !error.empty())
    return failure(error);

  std::fprintf(stderr, "cim-run: %s\n", result.report.summary.c_str());
  return 0;
}
