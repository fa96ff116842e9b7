//===- Trace.cpp - A run's timeline in Chrome's trace event format --------===//

#include "cim/runtime/Trace.h"

#include <nlohmann/json.hpp>

#include <map>
#include <tuple>
#include <vector>

using namespace cim::runtime;

namespace {

/// Which unit class an opcode occupies, as the event category (viewers
/// colour and filter by it).
const char *categoryOf(Opcode opcode) {
  switch (opcode) {
  case Opcode::Program:
  case Opcode::Mvm:
    return "array";
  case Opcode::Dac:
  case Opcode::Adc:
    return "converter";
  case Opcode::Transfer:
    return "noc";
  default:
    return "digital";
  }
}

} // namespace

std::string cim::runtime::renderChromeTrace(const Report &report,
                                            double clockGHz) {
  using nlohmann::ordered_json;
  // Cycles to microseconds, the unit of the format's timestamps.
  const double usPerCycle = 1.0 / (clockGHz * 1e3);

  using CoreKey = std::tuple<int64_t, int64_t, int64_t>;
  struct Lane {
    int64_t tid;
    int64_t busyUntil;
  };
  std::map<CoreKey, std::vector<Lane>> lanes;
  std::map<int64_t, bool> chips;
  ordered_json events = ordered_json::array();
  ordered_json metadata = ordered_json::array();
  int64_t nextTid = 0;

  // The timeline is in start order, so the first lane free at an event's
  // start keeps every lane's events disjoint.
  for (const InstructionTiming &timing : report.timeline) {
    const CoreId &core = timing.core;
    std::vector<Lane> &coreLanes =
        lanes[CoreKey{core.chip, core.tile, core.core}];
    size_t lane = 0;
    while (lane < coreLanes.size() && coreLanes[lane].busyUntil > timing.start)
      ++lane;
    if (lane == coreLanes.size()) {
      const int64_t tid = nextTid++;
      coreLanes.push_back({tid, 0});
      std::string name = "tile " + std::to_string(core.tile) + " core " +
                         std::to_string(core.core);
      if (lane > 0)
        name += " lane " + std::to_string(lane);
      metadata.push_back({{"name", "thread_name"},
                          {"ph", "M"},
                          {"pid", core.chip},
                          {"tid", tid},
                          {"args", {{"name", name}}}});
      metadata.push_back({{"name", "thread_sort_index"},
                          {"ph", "M"},
                          {"pid", core.chip},
                          {"tid", tid},
                          {"args", {{"sort_index", tid}}}});
    }
    if (!chips[core.chip]) {
      chips[core.chip] = true;
      metadata.push_back({{"name", "process_name"},
                          {"ph", "M"},
                          {"pid", core.chip},
                          {"args", {{"name", "chip " + std::to_string(
                                                           core.chip)}}}});
    }
    coreLanes[lane].busyUntil = timing.end;

    ordered_json args;
    args["node"] = timing.node.empty() ? "(none)" : timing.node;
    args["instruction"] = timing.index;
    args["start_cycle"] = timing.start;
    args["end_cycle"] = timing.end;
    events.push_back({{"name", toString(timing.opcode)},
                      {"cat", categoryOf(timing.opcode)},
                      {"ph", "X"},
                      {"ts", timing.start * usPerCycle},
                      {"dur", (timing.end - timing.start) * usPerCycle},
                      {"pid", core.chip},
                      {"tid", coreLanes[lane].tid},
                      {"args", args}});
  }

  // One event per line: compact for long runs, still readable and greppable.
  for (ordered_json &event : metadata)
    events.push_back(std::move(event));
  const ordered_json otherData = {{"arch", report.arch},
                                  {"numerics", report.numerics},
                                  {"clock_ghz", clockGHz},
                                  {"total_cycles", report.totalCycles}};
  std::string text = "{\"displayTimeUnit\": \"ns\",\n\"otherData\": " +
                     otherData.dump() + ",\n\"traceEvents\": [\n";
  for (size_t i = 0; i < events.size(); ++i)
    text += events[i].dump() + (i + 1 < events.size() ? ",\n" : "\n");
  return text + "]}\n";
}
