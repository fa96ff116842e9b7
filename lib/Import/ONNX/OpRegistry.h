//===- OpRegistry.h - The table of ONNX op import handlers -------*- C++ -*-===//
//
// One handler per op type (models are converted to one opset first). The
// table also feeds docs/onnx-ops.md, so what the docs claim is what the code
// dispatches.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_LIB_IMPORT_ONNX_OPREGISTRY_H
#define CIM_LIB_IMPORT_ONNX_OPREGISTRY_H

#include "mlir/Support/LogicalResult.h"

#include <map>
#include <string>

namespace cim::onnx_import {

class ImportContext;

using OpHandler = mlir::LogicalResult (*)(ImportContext &);

struct OpEntry {
  OpHandler handler;
  /// Family it belongs to in the docs ("Elementwise", "Convolution", ...).
  std::string family;
  /// What it becomes, e.g. "linalg.conv_2d_nchw_fchw".
  std::string loweredTo;
  /// Limits a user should know; empty when none.
  std::string limits;
};

class OpRegistry {
public:
  void add(const std::string &opType, OpHandler handler,
           const std::string &family, const std::string &loweredTo,
           const std::string &limits = "") {
    entries[opType] = {handler, family, loweredTo, limits};
  }
  const OpEntry *lookup(const std::string &opType) const {
    auto it = entries.find(opType);
    return it == entries.end() ? nullptr : &it->second;
  }
  const std::map<std::string, OpEntry> &all() const { return entries; }

private:
  std::map<std::string, OpEntry> entries;
};

/// Every handler of the importer, built once.
const OpRegistry &opRegistry();

// Each family file registers its ops (lib/Import/ONNX/Ops/*.cpp).
void registerElementwiseOps(OpRegistry &registry);
void registerActivationOps(OpRegistry &registry);
void registerQuantizationOps(OpRegistry &registry);
void registerLinearOps(OpRegistry &registry);
void registerConvolutionOps(OpRegistry &registry);
void registerPoolingOps(OpRegistry &registry);
void registerNormalizationOps(OpRegistry &registry);
void registerReductionOps(OpRegistry &registry);
void registerDataMovementOps(OpRegistry &registry);

} // namespace cim::onnx_import

#endif // CIM_LIB_IMPORT_ONNX_OPREGISTRY_H
