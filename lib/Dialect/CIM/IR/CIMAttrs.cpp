//===- CIMAttrs.cpp - The #cim.arch attribute -------------------------------===//
//
// The attribute stores the spec as a dictionary shaped like the YAML file.
// Conversion in both directions goes through the arch library's field table,
// and validation through its loader, so a hand-edited attribute gets the
// same checks and messages as a YAML file.
//
//===----------------------------------------------------------------------===//

#include "cim/Arch/ArchLoader.h"
#include "cim/Arch/ArchSchema.h"
#include "cim/Dialect/CIM/CIMDialect.h"
#include "cim/Dialect/CIM/CIMOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"

#include <atomic>
#include <map>
#include <variant>

using namespace mlir;
using namespace cim;

#include "cim/Dialect/CIM/CIMEnums.cpp.inc"

namespace cim::detail {
/// Uniqued like the generated storage, plus the loaded spec, computed on
/// first use and kept for the attribute's lifetime.
struct ArchAttrStorage : public AttributeStorage {
  using KeyTy = std::tuple<StringRef, DictionaryAttr>;
  ArchAttrStorage(StringRef name, DictionaryAttr spec)
      : name(name), spec(spec) {}

  KeyTy getAsKey() const { return KeyTy(name, spec); }
  bool operator==(const KeyTy &key) const {
    return name == std::get<0>(key) && spec == std::get<1>(key);
  }
  static llvm::hash_code hashKey(const KeyTy &key) {
    return llvm::hash_combine(std::get<0>(key), std::get<1>(key));
  }
  static ArchAttrStorage *construct(AttributeStorageAllocator &allocator,
                                    KeyTy &&key) {
    StringRef name = allocator.copyInto(std::get<0>(key));
    return new (allocator.allocate<ArchAttrStorage>())
        ArchAttrStorage(name, std::get<1>(key));
  }

  StringRef name;
  DictionaryAttr spec;
  /// Owned; allocated once per distinct attribute (the storage allocator
  /// never runs destructors, so this is deliberately never freed).
  mutable std::atomic<arch::ArchSpec *> loaded{nullptr};
};
} // namespace cim::detail

#define GET_ATTRDEF_CLASSES
#include "cim/Dialect/CIM/CIMAttrs.cpp.inc"

void CIMDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "cim/Dialect/CIM/CIMAttrs.cpp.inc"
      >();
}

namespace {

using FlatFields = std::vector<std::pair<std::string, std::string>>;

/// Flattens {adc = {bits = 8}} into ("adc.bits", "8"). Fails on attribute
/// kinds a YAML scalar cannot express.
LogicalResult flatten(DictionaryAttr dict, const std::string &prefix,
                      FlatFields &fields,
                      function_ref<InFlightDiagnostic()> emitError) {
  for (NamedAttribute entry : dict) {
    std::string path = prefix.empty()
                           ? entry.getName().str()
                           : prefix + "." + entry.getName().str();
    Attribute value = entry.getValue();
    if (auto nested = dyn_cast<DictionaryAttr>(value)) {
      if (failed(flatten(nested, path, fields, emitError)))
        return failure();
    } else if (auto boolAttr = dyn_cast<BoolAttr>(value)) {
      fields.emplace_back(path, boolAttr.getValue() ? "true" : "false");
    } else if (auto intAttr = dyn_cast<IntegerAttr>(value)) {
      fields.emplace_back(path, std::to_string(intAttr.getInt()));
    } else if (auto floatAttr = dyn_cast<FloatAttr>(value)) {
      fields.emplace_back(path, arch::formatFieldValue(
                                    floatAttr.getValueAsDouble()));
    } else if (auto stringAttr = dyn_cast<StringAttr>(value)) {
      fields.emplace_back(path, stringAttr.str());
    } else {
      return emitError() << "#cim.arch field '" << path
                         << "' must be a number, boolean, string or "
                            "dictionary, got "
                         << value;
    }
  }
  return success();
}

arch::ArchLoadResult load(DictionaryAttr spec, StringRef sourceName,
                          function_ref<InFlightDiagnostic()> emitError,
                          bool &flattenFailed) {
  FlatFields fields;
  flattenFailed = failed(flatten(spec, "", fields, emitError));
  return arch::loadArchFlat(fields, sourceName.str());
}

/// Inserts `value` at a dotted path of a nested map of NamedAttrLists.
struct DictBuilder {
  std::map<std::string, DictBuilder> children;
  SmallVector<NamedAttribute> leaves;

  void insert(StringRef path, Attribute value, MLIRContext *context) {
    auto [head, rest] = path.split('.');
    if (rest.empty()) {
      leaves.push_back(NamedAttribute(StringAttr::get(context, head), value));
      return;
    }
    children[head.str()].insert(rest, value, context);
  }

  DictionaryAttr build(MLIRContext *context) const {
    SmallVector<NamedAttribute> entries(leaves.begin(), leaves.end());
    for (const auto &[name, child] : children)
      entries.push_back(NamedAttribute(StringAttr::get(context, name),
                                       child.build(context)));
    return DictionaryAttr::get(context, entries);
  }
};

} // namespace

StringRef ArchAttr::getName() const { return getImpl()->name; }
DictionaryAttr ArchAttr::getSpec() const { return getImpl()->spec; }

LogicalResult ArchAttr::validate(function_ref<InFlightDiagnostic()> emitError,
                                 DictionaryAttr spec) {
  bool flattenFailed = false;
  arch::ArchLoadResult result = load(spec, "#cim.arch", emitError,
                                     flattenFailed);
  if (flattenFailed)
    return failure();
  if (result.ok())
    return success();
  InFlightDiagnostic diag = emitError();
  diag << "invalid hardware description: ";
  llvm::interleave(
      result.getErrors(), diag,
      [&](const arch::ArchDiagnostic &error) { diag << error.message; },
      "; ");
  return diag;
}

LogicalResult ArchAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               StringRef name, DictionaryAttr spec) {
  if (name.empty())
    return emitError() << "#cim.arch needs a non-empty name";
  return validate(emitError, spec);
}

ArchAttr ArchAttr::get(MLIRContext *context, const arch::ArchSpec &archSpec) {
  Builder builder(context);
  DictBuilder root;
  for (const arch::FieldInfo &field : arch::archSchema()) {
    arch::FieldValue value = field.get(archSpec);
    Attribute attr;
    if (auto *i = std::get_if<int64_t>(&value))
      attr = builder.getI64IntegerAttr(*i);
    else if (auto *d = std::get_if<double>(&value))
      attr = builder.getF64FloatAttr(*d);
    else if (auto *b = std::get_if<bool>(&value))
      attr = builder.getBoolAttr(*b);
    else
      attr = builder.getStringAttr(std::get<std::string>(value));
    root.insert(field.path, attr, context);
  }
  for (const auto &[name, value] : archSpec.device.parameters)
    root.insert(std::string(arch::kDeviceParametersPath) + "." + name,
                builder.getF64FloatAttr(value), context);
  return Base::get(context, archSpec.name, root.build(context));
}

arch::ArchSpec ArchAttr::getArchSpec() const {
  if (arch::ArchSpec *cached = getImpl()->loaded.load())
    return *cached;
  bool flattenFailed = false;
  auto noDiagnostics = [&]() -> InFlightDiagnostic {
    llvm_unreachable("a verified #cim.arch always flattens");
  };
  arch::ArchLoadResult result =
      load(getSpec(), "#cim.arch", noDiagnostics, flattenFailed);
  assert(result.ok() && "a verified #cim.arch always loads");
  auto *fresh = new arch::ArchSpec(result.getSpec());
  arch::ArchSpec *expected = nullptr;
  // Another thread may have loaded it first; keep one copy.
  if (!getImpl()->loaded.compare_exchange_strong(expected, fresh)) {
    delete fresh;
    return *expected;
  }
  return *fresh;
}

FailureOr<arch::ArchSpec> ArchAttr::requireSpec(Operation *module,
                                                StringRef passName) {
  if (ArchAttr attr = lookup(module))
    return attr.getArchSpec();
  return module->emitError()
         << passName << " needs the machine: attach a #cim.arch with "
         << "--cim-arch=<preset|file>";
}

ArchAttr ArchAttr::lookup(Operation *op) {
  ModuleOp module = isa<ModuleOp>(op) ? cast<ModuleOp>(op)
                                      : op->getParentOfType<ModuleOp>();
  while (module) {
    if (auto attr = module->getAttrOfType<ArchAttr>(CIMDialect::kArchAttrName))
      return attr;
    module = module->getParentOfType<ModuleOp>();
  }
  return {};
}

void cim::emitArchLoadErrors(MLIRContext *context,
                             const arch::ArchLoadResult &result) {
  for (const arch::ArchDiagnostic &error : result.getErrors()) {
    // Line 0 when the problem has no line (a missing file, an unknown
    // preset): the diagnostic still starts with the name at fault.
    Location loc = FileLineColLoc::get(context, error.source, error.line,
                                       /*column=*/error.line > 0 ? 1 : 0);
    mlir::emitError(loc) << error.message;
  }
}

//===----------------------------------------------------------------------===//
// #cim.encoding
//===----------------------------------------------------------------------===//

LogicalResult
CellEncodingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         SignedEncoding scheme, int64_t weightBits,
                         int64_t bitsPerCell, int64_t slices,
                         bool pairedColumns) {
  if (weightBits < 2 || weightBits > 16)
    return emitError() << "weight_bits must be in 2..16, got " << weightBits;
  if (bitsPerCell < 1 || bitsPerCell > 8)
    return emitError() << "bits_per_cell must be in 1..8, got "
                       << bitsPerCell;
  const int64_t required = arch::requiredSlices(
      static_cast<arch::SignedEncoding>(scheme), weightBits, bitsPerCell);
  if (slices != required)
    return emitError() << stringifySignedEncoding(scheme) << " encoding of "
                       << weightBits << "-bit weights in " << bitsPerCell
                       << "-bit cells needs " << required
                       << " slices, got " << slices;
  if (pairedColumns && scheme != SignedEncoding::differential)
    return emitError() << "paired_columns applies to differential only";
  return success();
}

arch::CellEncoding CellEncodingAttr::toArch() const {
  arch::CellEncoding encoding;
  encoding.scheme = static_cast<arch::SignedEncoding>(getScheme());
  encoding.weightBits = getWeightBits();
  encoding.bitsPerCell = getBitsPerCell();
  encoding.slices = getSlices();
  encoding.pairedColumns = getPairedColumns();
  return encoding;
}

CellEncodingAttr CellEncodingAttr::fromArch(MLIRContext *context,
                                            const arch::CellEncoding &e) {
  return CellEncodingAttr::get(context, static_cast<SignedEncoding>(e.scheme),
                               e.weightBits, e.bitsPerCell, e.slices,
                               e.pairedColumns);
}
