//===- ArchSpec.h - Hardware description of a CIM machine --------*- C++ -*-===//
//
// The in-memory form of an arch YAML file. Plain C++17 with no MLIR or LLVM
// dependency: the compiler and the runtime both link it, so they can never
// disagree about the machine. Units are in the field names (ns, pJ, KiB, GB/s,
// microsiemens); docs/arch.md documents every field.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_ARCH_ARCHSPEC_H
#define CIM_ARCH_ARCHSPEC_H

#include <cstdint>
#include <map>
#include <string>

namespace cim::arch {

/// How a signed weight is stored in cells that can only hold conductances >= 0.
enum class SignedEncoding {
  /// G+ and G- in two cells; the column currents are subtracted.
  Differential,
  /// w + 2^(bits-1) stored unsigned; a reference column supplies the offset
  /// term that is subtracted after conversion.
  Offset,
  /// Two's complement bit slices; the top slice is weighted negatively.
  TwosComplement,
};

enum class ChipLinkTopology { None, Chain, Ring, AllToAll };

enum class DeviceModel { Ideal, PCM, RRAM, Flash };

/// chips -> tiles -> cores -> arrays.
struct Hierarchy {
  int64_t chips = 1;
  int64_t tilesPerChip = 1;
  int64_t coresPerTile = 1;
  int64_t arraysPerCore = 1;
};

struct CellSpec {
  int64_t bits = 1;
  double gMinMicroSiemens = 0;
  double gMaxMicroSiemens = 0;
  SignedEncoding signedEncoding = SignedEncoding::Differential;
  /// True when one unit cell holds both G+ and G- (IBM HERMES' 4-device
  /// cells): a differential weight then takes no extra column.
  bool differentialInCell = false;
  double writeLatencyNs = 0;
  double writeEnergyPj = 0;
};

struct ArraySpec {
  int64_t rows = 0;
  int64_t cols = 0;
  /// One analog read of the whole array for one input plane.
  double readLatencyNs = 0;
  double readEnergyPj = 0;
  CellSpec cell;
};

struct DacSpec {
  int64_t bits = 1;
  int64_t perArray = 0;
  double latencyNs = 0;
  double energyPj = 0;
};

struct AdcSpec {
  int64_t bits = 8;
  /// ADCs attached to one array; each serves cols / perArray columns in turn.
  int64_t perArray = 1;
  double latencyNs = 0;
  double energyPj = 0;
};

struct ShiftAddSpec {
  double latencyNs = 0;
  double energyPj = 0;
};

struct VectorUnitSpec {
  int64_t lanes = 1;
  double latencyNs = 0;
  double energyPjPerOp = 0;
};

struct BufferSpec {
  int64_t sizeKiB = 0;
  int64_t portBits = 0;
  int64_t ports = 1;
  double latencyNs = 0;
  double energyPjPerAccess = 0;
};

/// Mesh between the routers of one chip; several tiles may share a router
/// (a concentrated mesh, as in ISAAC).
struct NocSpec {
  int64_t meshRows = 1;
  int64_t meshCols = 1;
  int64_t tilesPerRouter = 1;
  int64_t flitBits = 32;
  double hopLatencyNs = 0;
  double hopEnergyPjPerFlit = 0;
};

struct ChipLinkSpec {
  ChipLinkTopology topology = ChipLinkTopology::None;
  double bandwidthGBps = 0;
  double latencyNs = 0;
  double energyPjPerBit = 0;
};

struct DramSpec {
  bool present = false;
  int64_t capacityMiB = 0;
  double bandwidthGBps = 0;
  double latencyNs = 0;
  double energyPjPerBit = 0;
};

struct DeviceSpec {
  DeviceModel model = DeviceModel::Ideal;
  /// Model-specific parameters (e.g. PCM drift exponents); names are checked
  /// by the device model that reads them.
  std::map<std::string, double> parameters;
};

/// Default precisions the quantiser uses when a pass option does not override.
struct PrecisionSpec {
  int64_t weightBits = 8;
  int64_t inputBits = 8;
};

struct ArchSpec {
  std::string name;
  std::string description;
  double clockGHz = 1.0;
  Hierarchy hierarchy;
  ArraySpec array;
  DacSpec dac;
  AdcSpec adc;
  ShiftAddSpec shiftAdd;
  VectorUnitSpec vectorUnit;
  BufferSpec coreBuffer;
  BufferSpec tileBuffer;
  NocSpec noc;
  ChipLinkSpec chipLink;
  DramSpec dram;
  DeviceSpec device;
  PrecisionSpec precision;
  double leakageMwPerTile = 0;

  //===--- Derived quantities: computed here and nowhere else ---------------===//

  int64_t arraysPerTile() const;
  int64_t arraysPerChip() const;
  int64_t totalArrays() const;
  int64_t totalCores() const;
  int64_t cellsPerArray() const;
  int64_t cellsPerChip() const;
  int64_t totalCells() const;
  int64_t totalAdcs() const;
  /// Columns one ADC converts in turn during one input plane.
  int64_t columnsPerAdc() const;
  /// DAC steps needed to stream an input of precision.inputBits.
  int64_t inputPlanes() const;
  /// Cells (bit slices) per weight of precision.weightBits in one column set.
  int64_t slicesPerWeight() const;
  /// Physical columns one logical weight column occupies.
  int64_t columnsPerWeight() const;
  /// Columns each array reserves for the offset encoding's reference.
  int64_t referenceColumnsPerArray() const;
  /// Logical weight columns that fit in one array.
  int64_t weightColumnsPerArray() const;
  int64_t weightsPerArray() const;
  int64_t weightCapacity() const;
  /// Rounds a duration up to whole clock cycles.
  int64_t nsToCycles(double ns) const;
  /// Cycles of the analog step of one input plane: DAC drive plus read.
  int64_t analogCycles() const;
  /// Cycles for the ADCs to convert every column of one plane.
  int64_t conversionCycles() const;
  /// Cycles between two input planes in steady state: the slower of the
  /// analog read (DAC + array) and the ADCs draining every column.
  int64_t planeIntervalCycles() const;
  /// Cycles for one full-precision matrix-vector product on one array.
  int64_t mvmCycles() const;
  /// Weight MACs per cycle with every array busy at default precisions.
  double peakMacsPerCycle() const;
  /// 2 ops per MAC at the clock: tera-operations per second.
  double peakTops() const;
  int64_t routersPerChip() const;
};

const char *toString(SignedEncoding encoding);
const char *toString(ChipLinkTopology topology);
const char *toString(DeviceModel model);

} // namespace cim::arch

#endif // CIM_ARCH_ARCHSPEC_H
