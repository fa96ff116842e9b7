//===- ArchSpec.cpp - Derived quantities of a machine -----------------------===//
//
// Everything computed from the raw fields lives here, so the compiler, the
// runtime and the summaries cannot drift apart.
//
//===----------------------------------------------------------------------===//

#include "cim/Arch/ArchSpec.h"
#include "cim/Arch/CellEncoding.h"

#include <algorithm>
#include <cmath>

using namespace cim::arch;

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t ArchSpec::arraysPerTile() const {
  return hierarchy.coresPerTile * hierarchy.arraysPerCore;
}
int64_t ArchSpec::arraysPerChip() const {
  return hierarchy.tilesPerChip * arraysPerTile();
}
int64_t ArchSpec::totalArrays() const {
  return hierarchy.chips * arraysPerChip();
}
int64_t ArchSpec::totalCores() const {
  return hierarchy.chips * hierarchy.tilesPerChip * hierarchy.coresPerTile;
}
int64_t ArchSpec::cellsPerArray() const { return array.rows * array.cols; }
int64_t ArchSpec::cellsPerChip() const {
  return arraysPerChip() * cellsPerArray();
}
int64_t ArchSpec::totalCells() const {
  return totalArrays() * cellsPerArray();
}
int64_t ArchSpec::totalAdcs() const { return totalArrays() * adc.perArray; }
int64_t ArchSpec::columnsPerAdc() const {
  return ceilDiv(array.cols, adc.perArray);
}
int64_t ArchSpec::inputPlanes() const {
  return ceilDiv(precision.inputBits, dac.bits);
}

int64_t ArchSpec::slicesPerWeight() const {
  return requiredSlices(array.cell.signedEncoding, precision.weightBits,
                        array.cell.bits);
}

int64_t ArchSpec::columnsPerWeight() const {
  bool pairInColumns =
      array.cell.signedEncoding == SignedEncoding::Differential &&
      !array.cell.differentialInCell;
  return slicesPerWeight() * (pairInColumns ? 2 : 1);
}

int64_t ArchSpec::referenceColumnsPerArray() const {
  // The offset 2^(bits-1) has a single non-zero slice (the top one), so one
  // reference column programmed to that level serves the whole array.
  return array.cell.signedEncoding == SignedEncoding::Offset ? 1 : 0;
}

int64_t ArchSpec::weightColumnsPerArray() const {
  return std::max<int64_t>(array.cols - referenceColumnsPerArray(), 0) /
         columnsPerWeight();
}
int64_t ArchSpec::weightsPerArray() const {
  return array.rows * weightColumnsPerArray();
}
int64_t ArchSpec::weightCapacity() const {
  return totalArrays() * weightsPerArray();
}

int64_t ArchSpec::nsToCycles(double ns) const {
  // The epsilon keeps 100.0000001 ns at 1 GHz from becoming 101 cycles.
  return static_cast<int64_t>(std::ceil(ns * clockGHz - 1e-9));
}

int64_t ArchSpec::analogCycles() const {
  return nsToCycles(dac.latencyNs + array.readLatencyNs);
}

int64_t ArchSpec::conversionCycles() const {
  return nsToCycles(columnsPerAdc() * adc.latencyNs);
}

int64_t ArchSpec::planeIntervalCycles() const {
  return std::max<int64_t>({analogCycles(), conversionCycles(), 1});
}

int64_t ArchSpec::mvmCycles() const {
  // Planes stream through a two-stage pipeline (DAC + array read, then the
  // ADCs): the first plane's read, one interval per further plane, and the
  // last plane's conversions.
  return analogCycles() + (inputPlanes() - 1) * planeIntervalCycles() +
         conversionCycles();
}

double ArchSpec::peakMacsPerCycle() const {
  return static_cast<double>(weightCapacity()) /
         static_cast<double>(inputPlanes() * planeIntervalCycles());
}

double ArchSpec::peakTops() const {
  return 2.0 * peakMacsPerCycle() * clockGHz * 1e9 / 1e12;
}

int64_t ArchSpec::routersPerChip() const {
  return noc.meshRows * noc.meshCols;
}

const char *cim::arch::toString(SignedEncoding encoding) {
  switch (encoding) {
  case SignedEncoding::Differential:
    return "differential";
  case SignedEncoding::Offset:
    return "offset";
  case SignedEncoding::TwosComplement:
    return "twos_complement";
  }
  return "?";
}

const char *cim::arch::toString(ChipLinkTopology topology) {
  switch (topology) {
  case ChipLinkTopology::None:
    return "none";
  case ChipLinkTopology::Chain:
    return "chain";
  case ChipLinkTopology::Ring:
    return "ring";
  case ChipLinkTopology::AllToAll:
    return "all_to_all";
  }
  return "?";
}

const char *cim::arch::toString(DeviceModel model) {
  switch (model) {
  case DeviceModel::Ideal:
    return "ideal";
  case DeviceModel::PCM:
    return "pcm";
  case DeviceModel::RRAM:
    return "rram";
  case DeviceModel::Flash:
    return "flash";
  }
  return "?";
}
