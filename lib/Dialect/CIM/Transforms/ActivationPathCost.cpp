//===- ActivationPathCost.cpp - Digital or reprogrammed products ----------===//
//
// A product of B independent [M x K] x [K x N] matrices (B = 1 for a
// matmul) either runs on the digital vector units or is computed on arrays
// written with the right operand at run time. Both estimates use only the
// arch description and are deliberately simple:
//
// digital:    MACs = B*M*K*N spread over every lane of every core:
//             cycles = ceil(MACs / (vector_unit.lanes * totalCores))
//                      * cycles(vector_unit.latency_ns)
//             energy = 2 * MACs * vector_unit.energy_pj_per_op
//                      (a multiply and an add per MAC).
// reprogram:  write B*K*N weights of columnsPerWeight cells each; the K rows
//             are written one after another, the B matrices' arrays in
//             parallel:
//             write cycles = cycles(K * array.cell.write_latency_ns)
//             write energy = B*K*N * columnsPerWeight
//                            * array.cell.write_energy_pj
//             then the M input vectors stream one after another through
//             the A = B * ceil(K / rows) * ceil(N / weightColumnsPerArray)
//             arrays, which all work in parallel:
//             MVM cycles = M * mvmCycles
//             MVM energy = M * A * inputPlanes * (array.read_energy_pj
//                          + array.rows * dac.energy_pj
//                          + array.cols * adc.energy_pj).
//
// The path with the smaller energy-delay product wins; ties go digital.
// Buffers, the NoC and data movement are charged to neither path.
//
//===----------------------------------------------------------------------===//

#include "ActivationPathCost.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace cim;

/// Six significant digits: all an estimate is worth, and a value the IR
/// printer writes back in short form.
static double significant(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.5e", value);
  return std::strtod(text, nullptr);
}

bool PathCost::reprogramWins() const {
  return reprogramPj * static_cast<double>(reprogramCycles) <
         digitalPj * static_cast<double>(digitalCycles);
}

DictionaryAttr PathCost::toAttr(Builder &b) const {
  return b.getDictionaryAttr({
      b.getNamedAttr("digital_cycles", b.getI64IntegerAttr(digitalCycles)),
      b.getNamedAttr("digital_pj", b.getF64FloatAttr(significant(digitalPj))),
      b.getNamedAttr("reprogram_cycles", b.getI64IntegerAttr(reprogramCycles)),
      b.getNamedAttr("reprogram_pj",
                     b.getF64FloatAttr(significant(reprogramPj))),
  });
}

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

PathCost cim::estimatePaths(const arch::ArchSpec &spec, int64_t batch,
                            int64_t m, int64_t k, int64_t n) {
  PathCost cost;
  const double macs = static_cast<double>(batch) * m * k * n;
  const double lanes = static_cast<double>(
      std::max<int64_t>(spec.vectorUnit.lanes * spec.totalCores(), 1));
  cost.digitalCycles =
      static_cast<int64_t>(std::ceil(macs / lanes)) *
      std::max<int64_t>(spec.nsToCycles(spec.vectorUnit.latencyNs), 1);
  cost.digitalPj = 2.0 * macs * spec.vectorUnit.energyPjPerOp;

  const double cells =
      static_cast<double>(batch) * k * n * spec.columnsPerWeight();
  const double arrays =
      static_cast<double>(batch) * ceilDiv(k, spec.array.rows) *
      ceilDiv(n, std::max<int64_t>(spec.weightColumnsPerArray(), 1));
  const double planePj = spec.array.readEnergyPj +
                         spec.array.rows * spec.dac.energyPj +
                         spec.array.cols * spec.adc.energyPj;
  cost.reprogramCycles =
      spec.nsToCycles(static_cast<double>(k) * spec.array.cell.writeLatencyNs) +
      m * spec.mvmCycles();
  cost.reprogramPj =
      cells * spec.array.cell.writeEnergyPj +
      static_cast<double>(m) * arrays * spec.inputPlanes() * planePj;
  return cost;
}
