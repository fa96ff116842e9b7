//===- Report.cpp - What a run cost, for people and for tools -------------===//

#include "cim/runtime/Report.h"

#include <nlohmann/json.hpp>

#include <cstdio>

using namespace cim::runtime;

std::string cim::runtime::summarize(const Report &report) {
  char text[512];
  std::snprintf(text, sizeof(text),
                "%s (%s): %lld instructions in %lld cycles (%.4g us), "
                "%.4g nJ, %.4g TOPS, %.4g TOPS/W; %lld cores on %lld tiles, "
                "%lld arrays, %lld ADC conversions, %lld NoC bytes",
                report.arch.c_str(), report.numerics.c_str(),
                static_cast<long long>(report.instructions),
                static_cast<long long>(report.totalCycles),
                report.latencyNs / 1e3, report.energy.total() / 1e3,
                report.tops, report.topsPerWatt,
                static_cast<long long>(report.coresUsed),
                static_cast<long long>(report.tilesUsed),
                static_cast<long long>(report.arraysUsed),
                static_cast<long long>(report.adcConversions),
                static_cast<long long>(report.nocBytes));
  std::string summary = text;
  if (report.batch > 1) {
    std::snprintf(text, sizeof(text), "; %lld inferences, %.4g per second",
                  static_cast<long long>(report.batch),
                  report.inferencesPerSecond);
    summary += text;
  }
  return summary;
}

std::string cim::runtime::renderReportJson(const Report &report) {
  using nlohmann::ordered_json;
  ordered_json json;
  json["arch"] = report.arch;
  json["numerics"] = report.numerics;
  json["instructions"] = report.instructions;
  json["total_cycles"] = report.totalCycles;
  json["latency_ns"] = report.latencyNs;

  const EnergyBreakdown &e = report.energy;
  ordered_json energy;
  energy["dac"] = e.dac;
  energy["array_read"] = e.arrayRead;
  energy["adc"] = e.adc;
  energy["shift_add"] = e.shiftAdd;
  energy["vector_unit"] = e.vectorUnit;
  energy["noc"] = e.noc;
  energy["chip_link"] = e.chipLink;
  energy["cell_write"] = e.cellWrite;
  energy["leakage"] = e.leakage;
  energy["total"] = e.total();
  json["energy_pj"] = energy;

  ordered_json byNode = ordered_json::object();
  for (const auto &[node, pj] : report.energyByNode)
    byNode[node] = pj;
  json["energy_by_node_pj"] = byNode;

  json["adc_conversions"] = report.adcConversions;
  json["noc_bytes"] = report.nocBytes;
  json["chip_link_bytes"] = report.chipLinkBytes;
  json["macs"] = report.macs;
  ordered_json busiest = ordered_json::array();
  for (const LinkUsage &link : report.busiestLinks)
    busiest.push_back({{"link", link.link},
                       {"bytes", link.bytes},
                       {"busy_cycles", link.busyCycles}});
  json["busiest_links"] = busiest;
  json["arrays_used"] = report.arraysUsed;
  json["cores_used"] = report.coresUsed;
  json["tiles_used"] = report.tilesUsed;
  json["batch"] = report.batch;
  json["inferences_per_second"] = report.inferencesPerSecond;
  json["tops"] = report.tops;
  json["tops_per_watt"] = report.topsPerWatt;
  json["summary"] = report.summary;
  return json.dump(2) + "\n";
}
