//===- DeviceModel.h - Non-ideal devices between cells and sums -*- C++ -*-===//
//
// The hook where a model of real devices (programming noise, read noise,
// drift, IR drop, stuck cells) enters the simulation: between the levels a
// program instruction wrote into an array and the column sums an mvm
// reads. Without a model, cells hold exactly their levels and the sums are
// the integer products. With one, each mvm asks it for the effective
// conductance of every cell it reads, in units of one level step, at the
// cycle the read starts; the column sums are then real-valued and rounded
// to the nearest level unit before the ADC (whose own step is at least one
// level unit, so the rounding loses nothing the ADC would keep).
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_DEVICEMODEL_H
#define CIM_RUNTIME_DEVICEMODEL_H

#include "cim/runtime/Program.h"

#include <cstdint>
#include <string>

namespace cim::runtime {

/// Which cells one mvm reads, and when.
struct CellBlock {
  ArrayId array;
  /// Top-left cell of the block and its extent.
  int64_t row = 0, col = 0, rows = 0, cols = 0;
  /// The programmed levels, row-major with `stride` levels per array row
  /// (levels[r * stride + c] is cell (row + r, col + c)).
  const int64_t *levels = nullptr;
  int64_t stride = 0;
  /// Cycle the read starts (drift and read noise depend on time).
  int64_t cycle = 0;
};

class DeviceModel {
public:
  virtual ~DeviceModel() = default;
  /// Named in reports and messages.
  virtual std::string name() const = 0;
  /// Writes block.rows * block.cols effective conductances, row-major and
  /// in level units, to `effective`. Called once per mvm; a model that
  /// wants repeatable runs seeds its randomness from the block and cycle.
  virtual void effectiveLevels(const CellBlock &block,
                               double *effective) const = 0;
};

} // namespace cim::runtime

#endif // CIM_RUNTIME_DEVICEMODEL_H
