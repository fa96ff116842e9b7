//===- ActivationPathCost.h - Digital or reprogrammed products --*- C++ -*-===//
//
// The cost model cim-convert-linalg uses to choose the path of a product of
// two activations; the model is stated in ActivationPathCost.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_LIB_DIALECT_CIM_TRANSFORMS_ACTIVATIONPATHCOST_H
#define CIM_LIB_DIALECT_CIM_TRANSFORMS_ACTIVATIONPATHCOST_H

#include "cim/Arch/ArchSpec.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cstdint>

namespace cim {

/// Estimates of one activation product on each path.
struct PathCost {
  double digitalPj = 0, reprogramPj = 0;
  int64_t digitalCycles = 0, reprogramCycles = 0;

  /// By energy-delay product; ties go digital.
  bool reprogramWins() const;
  /// {digital_cycles, digital_pj, reprogram_cycles, reprogram_pj}, the
  /// energies to six significant digits: the `cim.path_cost` annotation.
  mlir::DictionaryAttr toAttr(mlir::Builder &b) const;
};

/// Cost of `batch` independent [m x k] x [k x n] products on `spec`.
PathCost estimatePaths(const arch::ArchSpec &spec, int64_t batch, int64_t m,
                       int64_t k, int64_t n);

} // namespace cim

#endif // CIM_LIB_DIALECT_CIM_TRANSFORMS_ACTIVATIONPATHCOST_H
