//===- Report.h - What a run cost ---------------------------------*- C++
//-*-===//
//
// Time, energy and traffic of one execution, by component and by ONNX node,
// and its JSON form. Energies are in pJ, times in cycles of arch.clockGHz
// and in ns.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_RUNTIME_REPORT_H
#define CIM_RUNTIME_REPORT_H

#include "cim/runtime/Program.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cim::runtime {

/// Energy in pJ, per hardware component.
struct EnergyBreakdown {
  double dac = 0;
  double arrayRead = 0;
  double adc = 0;
  double shiftAdd = 0;
  double vectorUnit = 0;
  double noc = 0;
  double chipLink = 0;
  double cellWrite = 0;
  double leakage = 0;

  double total() const {
    return dac + arrayRead + adc + shiftAdd + vectorUnit + noc + chipLink +
           cellWrite + leakage;
  }
  EnergyBreakdown &operator+=(const EnergyBreakdown &o) {
    dac += o.dac;
    arrayRead += o.arrayRead;
    adc += o.adc;
    shiftAdd += o.shiftAdd;
    vectorUnit += o.vectorUnit;
    noc += o.noc;
    chipLink += o.chipLink;
    cellWrite += o.cellWrite;
    leakage += o.leakage;
    return *this;
  }
};

/// Traffic over one direction of one link.
struct LinkUsage {
  /// "chip 0 router 1->2" or "chip link 0->1".
  std::string link;
  int64_t bytes = 0;
  /// Cycles the link was reserved for serialisation.
  int64_t busyCycles = 0;
};

/// When one instruction ran: [start, end) in cycles.
struct InstructionTiming {
  CoreId core;
  int64_t index = 0;
  Opcode opcode = Opcode::Program;
  std::string node;
  int64_t start = 0;
  int64_t end = 0;
};

/// When a transfer held one link: [start, end) in cycles.
struct LinkReservation {
  /// "chip 0 router 1->2" or "chip link 0->1" (as LinkUsage::link).
  std::string link;
  /// The chip of a mesh link; -1 for a chip-to-chip link.
  int64_t chip = -1;
  /// The transfer: its core, index in that core's stream and ONNX node.
  CoreId core;
  int64_t index = 0;
  std::string node;
  int64_t start = 0;
  int64_t end = 0;
};

struct Report {
  std::string arch;
  /// "quantized" or "ideal".
  std::string numerics;
  int64_t instructions = 0;
  /// Cycle the last instruction ends (every core starts at cycle 0).
  int64_t totalCycles = 0;
  double latencyNs = 0;
  EnergyBreakdown energy;
  /// Dynamic energy (everything but leakage) per ONNX node; instructions
  /// without a node count under "(none)".
  std::map<std::string, double> energyByNode;
  int64_t adcConversions = 0;
  /// Bytes the transfers moved (each transfer once, whatever its hops).
  int64_t nocBytes = 0;
  /// Bytes that crossed a chip link (each crossing counts).
  int64_t chipLinkBytes = 0;
  /// Multiply-accumulates of the array products: M * K * C per mvm (one
  /// per input element and cell column; DAC planes are parts of one input,
  /// not extra MACs).
  int64_t macs = 0;
  /// The five links that carried the most bytes, most first.
  std::vector<LinkUsage> busiestLinks;
  int64_t arraysUsed = 0;
  int64_t coresUsed = 0;
  int64_t tilesUsed = 0;
  /// Inferences in the run (cim-run --batch) and how many per second the
  /// chip completes: batch / latency.
  int64_t batch = 1;
  double inferencesPerSecond = 0;
  /// 2 * macs per second, in units of 10^12.
  double tops = 0;
  /// 2 * macs per pJ of total energy (= TOPS/W).
  double topsPerWatt = 0;
  /// Every instruction, in the order the simulator started them (not in the
  /// JSON form: it grows with the program).
  std::vector<InstructionTiming> timeline;
  /// Every link every transfer held, in the order the transfers started
  /// (not in the JSON form either).
  std::vector<LinkReservation> linkTimeline;
  /// One line for people.
  std::string summary;
};

/// A one-line human summary of `report` (what Report::summary holds).
std::string summarize(const Report &report);

/// The report as JSON with a fixed key order; identical reports render to
/// identical bytes.
std::string renderReportJson(const Report &report);

} // namespace cim::runtime

#endif // CIM_RUNTIME_REPORT_H
