//===- ArchDerivedTest.cpp - Derived quantities of a machine ----------------===//

#include "ArchTestSupport.h"

using namespace cim::arch;
using namespace cim::arch::test;

namespace {

/// A small machine whose figures are easy to check by hand.
ArchSpec smallMachine() {
  ArchSpec spec;
  spec.name = "small";
  spec.clockGHz = 2.0;
  spec.hierarchy = {2, 3, 4, 5};
  spec.array.rows = 64;
  spec.array.cols = 32;
  spec.array.readLatencyNs = 10;
  spec.array.cell.bits = 2;
  spec.array.cell.signedEncoding = SignedEncoding::Differential;
  spec.dac = {2, 64, 5, 0};
  spec.adc = {8, 4, 1, 0};
  spec.precision = {8, 8};
  spec.noc.meshRows = 2;
  spec.noc.meshCols = 3;
  return spec;
}

TEST(ArchDerived, HierarchyTotals) {
  ArchSpec spec = smallMachine();
  EXPECT_EQ(spec.arraysPerTile(), 4 * 5);
  EXPECT_EQ(spec.arraysPerChip(), 3 * 4 * 5);
  EXPECT_EQ(spec.totalArrays(), 2 * 3 * 4 * 5);
  EXPECT_EQ(spec.totalCores(), 2 * 3 * 4);
  EXPECT_EQ(spec.cellsPerArray(), 64 * 32);
  EXPECT_EQ(spec.cellsPerChip(), 60 * 64 * 32);
  EXPECT_EQ(spec.totalCells(), 120 * 64 * 32);
  EXPECT_EQ(spec.totalAdcs(), 120 * 4);
  EXPECT_EQ(spec.routersPerChip(), 6);
}

TEST(ArchDerived, SlicesAndColumnsPerEncoding) {
  ArchSpec spec = smallMachine();
  // Differential: 7 magnitude bits over 2-bit cells = 4 slices, each a pair.
  EXPECT_EQ(spec.slicesPerWeight(), 4);
  EXPECT_EQ(spec.columnsPerWeight(), 8);
  EXPECT_EQ(spec.referenceColumnsPerArray(), 0);
  EXPECT_EQ(spec.weightColumnsPerArray(), 32 / 8);

  spec.array.cell.differentialInCell = true;
  EXPECT_EQ(spec.columnsPerWeight(), 4);

  spec.array.cell.differentialInCell = false;
  spec.array.cell.signedEncoding = SignedEncoding::Offset;
  EXPECT_EQ(spec.slicesPerWeight(), 4);
  EXPECT_EQ(spec.columnsPerWeight(), 4);
  EXPECT_EQ(spec.referenceColumnsPerArray(), 1);
  EXPECT_EQ(spec.weightColumnsPerArray(), (32 - 1) / 4);

  spec.array.cell.signedEncoding = SignedEncoding::TwosComplement;
  spec.precision.weightBits = 7;
  EXPECT_EQ(spec.slicesPerWeight(), 4); // ceil(6 / 2) low slices + sign
  spec.precision.weightBits = 8;
  EXPECT_EQ(spec.slicesPerWeight(), 5); // ceil(7 / 2) low slices + sign
  spec.precision.weightBits = 7;
  EXPECT_EQ(spec.weightsPerArray(), 64 * (32 / 4));
  EXPECT_EQ(spec.weightCapacity(), 120 * 64 * 8);
}

TEST(ArchDerived, TimingRoundsUpToCycles) {
  ArchSpec spec = smallMachine();
  EXPECT_EQ(spec.nsToCycles(10), 20);
  EXPECT_EQ(spec.nsToCycles(10.1), 21);
  EXPECT_EQ(spec.nsToCycles(0), 0);
  EXPECT_EQ(spec.inputPlanes(), 4);   // 8-bit input through a 2-bit DAC
  EXPECT_EQ(spec.columnsPerAdc(), 8); // 32 columns, 4 ADCs
  EXPECT_EQ(spec.analogCycles(), 30); // (5 + 10) ns at 2 GHz
  EXPECT_EQ(spec.conversionCycles(), 16);
  EXPECT_EQ(spec.planeIntervalCycles(), 30);
  EXPECT_EQ(spec.mvmCycles(), 30 + 3 * 30 + 16);
}

TEST(ArchDerived, ConversionBoundTiming) {
  ArchSpec spec = smallMachine();
  spec.adc.latencyNs = 10; // 8 conversions of 10 ns = 160 cycles per plane
  EXPECT_EQ(spec.planeIntervalCycles(), 160);
  EXPECT_EQ(spec.mvmCycles(), 30 + 3 * 160 + 160);
  EXPECT_DOUBLE_EQ(spec.peakMacsPerCycle(),
                   double(spec.weightCapacity()) / (4 * 160));
  EXPECT_DOUBLE_EQ(spec.peakTops(), 2 * spec.peakMacsPerCycle() * 2.0 / 1e3);
}

} // namespace
