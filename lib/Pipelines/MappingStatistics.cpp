//===- MappingStatistics.cpp - What the mapping passes measured -----------===//

#include "cim/Pipelines/MappingStatistics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"

#include <string>
#include <utility>
#include <vector>

using namespace mlir;

namespace {

/// The module attribute each pass records its figures in.
const std::pair<llvm::StringLiteral, llvm::StringLiteral> kRecords[] = {
    {"xbar-place", "xbar.mapping"},
    {"xbar-insert-converters", "xbar.converters"},
    {"xbar-route", "xbar.routing"},
    {"xbar-schedule", "xbar.schedule"},
};

class MappingStatistics : public PassInstrumentation {
public:
  explicit MappingStatistics(llvm::raw_ostream &os) : os(os) {}

  void runAfterPass(Pass *pass, Operation *op) override {
    auto module = dyn_cast<ModuleOp>(op);
    if (!module)
      return;
    for (const auto &[argument, attr] : kRecords)
      if (pass->getArgument() == argument)
        if (auto figures = module->getAttrOfType<DictionaryAttr>(attr))
          collected.push_back({argument.str(), figures});
  }

  ~MappingStatistics() override {
    if (collected.empty())
      return;
    os << "===" << std::string(73, '-') << "===\n"
       << "                    ... cim mapping statistics report ...\n"
       << "===" << std::string(73, '-') << "===\n";
    for (const auto &[argument, figures] : collected) {
      os << "'" << argument << "'\n";
      for (NamedAttribute figure : figures) {
        os << "  (S) ";
        if (auto i = dyn_cast<IntegerAttr>(figure.getValue()))
          os << i.getInt();
        else if (auto f = dyn_cast<FloatAttr>(figure.getValue()))
          os << llvm::format("%.4f", f.getValueAsDouble());
        else
          figure.getValue().print(os);
        os << " " << figure.getName().getValue() << "\n";
      }
    }
    os.flush();
  }

private:
  llvm::raw_ostream &os;
  std::vector<std::pair<std::string, DictionaryAttr>> collected;
};

} // namespace

std::unique_ptr<PassInstrumentation>
cim::createMappingStatisticsInstrumentation(llvm::raw_ostream &os) {
  return std::make_unique<MappingStatistics>(os);
}

bool cim::passStatisticsRequested() {
  auto &options = llvm::cl::getRegisteredOptions();
  auto found = options.find("mlir-pass-statistics");
  return found != options.end() && found->second->getNumOccurrences() > 0;
}
