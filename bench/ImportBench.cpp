//===- ImportBench.cpp - ONNX import time vs. protobuf parse time ------------===//
//
// Prints, for one model, the best-of-N time protobuf needs to parse the file
// and the best-of-N time of the whole import (checker, version conversion,
// shape inference, IR construction), and their ratio. Both are measured in
// the same process, side by side, so the ratio holds on a noisy machine.
//
//===----------------------------------------------------------------------===//

#include "cim/Import/ONNX/ImportONNX.h"
#include "cim/InitAllDialects.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

namespace {

template <typename Fn> double bestSeconds(int repeats, Fn &&fn) {
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) {
    auto start = std::chrono::steady_clock::now();
    fn();
    std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  return best;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    llvm::errs() << "usage: cim-bench-import model.onnx [repeats]\n";
    return 2;
  }
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  auto buffer = llvm::MemoryBuffer::getFile(argv[1]);
  if (!buffer) {
    llvm::errs() << argv[1] << ": " << buffer.getError().message() << "\n";
    return 1;
  }
  llvm::StringRef bytes = (*buffer)->getBuffer();

  double parse = bestSeconds(repeats, [&] {
    onnx::ModelProto model;
    if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
      std::abort();
  });

  mlir::DialectRegistry registry;
  cim::registerAllDialects(registry);
  bool ok = true;
  double import = bestSeconds(repeats, [&] {
    mlir::MLIRContext context(registry);
    context.disableMultithreading();
    auto module = cim::importOnnxModel(bytes, argv[1], {}, &context);
    ok &= static_cast<bool>(module);
  });
  if (!ok) {
    llvm::errs() << "import failed\n";
    return 1;
  }
  llvm::outs() << llvm::format("model            %s (%.1f MB)\n", argv[1],
                               bytes.size() / 1e6)
               << llvm::format("protobuf parse   %.3f s (best of %d)\n", parse,
                               repeats)
               << llvm::format("full import      %.3f s (best of %d)\n",
                               import, repeats)
               << llvm::format("ratio            %.2fx\n", import / parse);
  return 0;
}
