//===- Trace.cpp - A run's timeline in Chrome's trace event format --------===//

#include "cim/runtime/Trace.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

using namespace cim::runtime;
using nlohmann::ordered_json;

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

/// Places events on named tracks of processes, opening an extra lane of a
/// track when an event overlaps the ones already on it. Events must come in
/// start order per track: then the first lane free at an event's start
/// keeps every lane's events disjoint.
class TraceBuilder {
public:
  explicit TraceBuilder(double clockGHz) : usPerCycle(1.0 / (clockGHz * 1e3)) {}

  void nameProcess(int64_t pid, const std::string &name) {
    if (!namedProcesses.insert(pid).second)
      return;
    metadata.push_back({{"name", "process_name"},
                        {"ph", "M"},
                        {"pid", pid},
                        {"args", {{"name", name}}}});
    metadata.push_back({{"name", "process_sort_index"},
                        {"ph", "M"},
                        {"pid", pid},
                        {"args", {{"sort_index", pid}}}});
  }

  void add(int64_t pid, const std::string &track, std::string name,
           const char *category, int64_t start, int64_t end,
           ordered_json args) {
    std::vector<Lane> &lanes = tracks[{pid, track}];
    size_t lane = 0;
    while (lane < lanes.size() && lanes[lane].busyUntil > start)
      ++lane;
    if (lane == lanes.size()) {
      const int64_t tid = nextTid++;
      lanes.push_back({tid, 0});
      const std::string laneName =
          lane == 0 ? track : track + " lane " + std::to_string(lane);
      metadata.push_back({{"name", "thread_name"},
                          {"ph", "M"},
                          {"pid", pid},
                          {"tid", tid},
                          {"args", {{"name", laneName}}}});
      metadata.push_back({{"name", "thread_sort_index"},
                          {"ph", "M"},
                          {"pid", pid},
                          {"tid", tid},
                          {"args", {{"sort_index", tid}}}});
    }
    lanes[lane].busyUntil = end;
    args["start_cycle"] = start;
    args["end_cycle"] = end;
    events.push_back({{"name", std::move(name)},
                      {"cat", category},
                      {"ph", "X"},
                      {"ts", start * usPerCycle},
                      {"dur", (end - start) * usPerCycle},
                      {"pid", pid},
                      {"tid", lanes[lane].tid},
                      {"args", std::move(args)}});
  }

  /// One event per line: compact for long runs, still readable and
  /// greppable.
  std::string render(const ordered_json &otherData) const {
    std::string text =
        "{\"displayTimeUnit\": \"ns\",\n\"otherData\": " + otherData.dump() +
        ",\n\"traceEvents\": [\n";
    const size_t total = events.size() + metadata.size();
    size_t written = 0;
    for (const auto *list : {&events, &metadata})
      for (const ordered_json &event : *list)
        text += event.dump() + (++written < total ? ",\n" : "\n");
    return text + "]}\n";
  }

private:
  struct Lane {
    int64_t tid;
    int64_t busyUntil;
  };
  const double usPerCycle;
  std::map<std::pair<int64_t, std::string>, std::vector<Lane>> tracks;
  std::set<int64_t> namedProcesses;
  std::vector<ordered_json> events, metadata;
  int64_t nextTid = 0;
};

std::string nodeOrOpcode(const std::string &node, Opcode opcode) {
  return node.empty() ? toString(opcode) : node;
}

} // namespace

std::string cim::runtime::renderChromeTrace(const Report &report,
                                            double clockGHz) {
  TraceBuilder trace(clockGHz);
  // Chips are processes 0..n-1; chip-to-chip links get the process after
  // the last chip.
  int64_t lastChip = 0;
  for (const InstructionTiming &timing : report.timeline)
    lastChip = std::max(lastChip, timing.core.chip);

  for (const InstructionTiming &timing : report.timeline) {
    const CoreId &core = timing.core;
    trace.nameProcess(core.chip, "chip " + std::to_string(core.chip));
    ordered_json args;
    args["op"] = toString(timing.opcode);
    args["instruction"] = timing.index;
    trace.add(core.chip,
              "tile " + std::to_string(core.tile) + " core " +
                  std::to_string(core.core),
              nodeOrOpcode(timing.node, timing.opcode),
              categoryOf(timing.opcode), timing.start, timing.end,
              std::move(args));
  }
  // Links are shared by every transfer routed over them: one track each.
  for (const LinkReservation &use : report.linkTimeline) {
    const int64_t pid = use.chip >= 0 ? use.chip : lastChip + 1;
    trace.nameProcess(pid, use.chip >= 0 ? "chip " + std::to_string(use.chip)
                                         : std::string("chip-to-chip links"));
    ordered_json args;
    args["op"] = "transfer";
    args["core"] = toString(use.core);
    args["instruction"] = use.index;
    trace.add(pid, "link " + use.link, nodeOrOpcode(use.node, Opcode::Transfer),
              "noc", use.start, use.end, std::move(args));
  }

  return trace.render({{"arch", report.arch},
                       {"numerics", report.numerics},
                       {"clock_ghz", clockGHz},
                       {"total_cycles", report.totalCycles}});
}
