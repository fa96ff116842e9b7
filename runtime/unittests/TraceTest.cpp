//===- TraceTest.cpp - Chrome trace: times, tracks and lanes --------------===//

#include "cim/runtime/Trace.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

using namespace cim::runtime;

namespace {

InstructionTiming timing(CoreId core, int64_t index, Opcode opcode,
                         int64_t start, int64_t end) {
  return {core, index, opcode, "node" + std::to_string(index), start, end};
}

/// The complete events of a trace, and the name of each (pid, tid) track.
struct ParsedTrace {
  std::vector<nlohmann::json> events;
  std::map<std::pair<int64_t, int64_t>, std::string> trackNames;
  std::map<int64_t, std::string> processNames;
};

ParsedTrace parse(const std::string &text) {
  ParsedTrace out;
  const nlohmann::json json = nlohmann::json::parse(text);
  for (const nlohmann::json &event : json.at("traceEvents")) {
    if (event.at("ph") == "X")
      out.events.push_back(event);
    else if (event.at("name") == "thread_name")
      out.trackNames[{event.at("pid"), event.at("tid")}] =
          event.at("args").at("name");
    else if (event.at("name") == "process_name")
      out.processNames[event.at("pid")] = event.at("args").at("name");
  }
  return out;
}

TEST(RuntimeTrace, OverlappingInstructionsOfOneCoreGetLanes) {
  Report report;
  report.arch = "test";
  report.numerics = "ideal";
  const CoreId a{0, 3, 1}, b{1, 0, 0};
  // On core a: an mvm, an adc overlapping it, then a recombine after both.
  report.timeline = {timing(a, 0, Opcode::Mvm, 0, 100),
                     timing(a, 1, Opcode::Adc, 50, 120),
                     timing(b, 0, Opcode::Transfer, 60, 80),
                     timing(a, 2, Opcode::Recombine, 120, 130)};
  report.totalCycles = 130;
  // 2 GHz: one cycle is 0.0005 us.
  const ParsedTrace trace = parse(renderChromeTrace(report, 2.0));
  ASSERT_EQ(trace.events.size(), 4u);

  const nlohmann::json &mvm = trace.events[0], &adc = trace.events[1],
                       &transfer = trace.events[2],
                       &recombine = trace.events[3];
  // Named after the ONNX node, the opcode in the arguments.
  EXPECT_EQ(mvm.at("name"), "node0");
  EXPECT_EQ(mvm.at("args").at("op"), "mvm");
  EXPECT_EQ(mvm.at("cat"), "array");
  EXPECT_DOUBLE_EQ(mvm.at("ts").get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(mvm.at("dur").get<double>(), 0.05);
  EXPECT_DOUBLE_EQ(adc.at("ts").get<double>(), 0.025);
  EXPECT_EQ(adc.at("cat"), "converter");
  EXPECT_EQ(adc.at("name"), "node1");
  EXPECT_EQ(adc.at("args").at("start_cycle"), 50);
  EXPECT_EQ(transfer.at("cat"), "noc");
  EXPECT_EQ(recombine.at("cat"), "digital");

  // The adc overlaps the mvm, so it has a lane of its own; the recombine
  // starts when the mvm's lane is free again and goes back to it.
  EXPECT_NE(adc.at("tid"), mvm.at("tid"));
  EXPECT_EQ(recombine.at("tid"), mvm.at("tid"));
  EXPECT_EQ(mvm.at("pid"), 0);
  EXPECT_EQ(transfer.at("pid"), 1);
  EXPECT_EQ(trace.trackNames.at({0, mvm.at("tid")}), "tile 3 core 1");
  EXPECT_EQ(trace.trackNames.at({0, adc.at("tid")}), "tile 3 core 1 lane 1");
  EXPECT_EQ(trace.trackNames.at({1, transfer.at("tid")}), "tile 0 core 0");
  EXPECT_EQ(trace.processNames.at(0), "chip 0");
  EXPECT_EQ(trace.processNames.at(1), "chip 1");
}

TEST(RuntimeTrace, LinksHaveTracksOfTheirOwn) {
  Report report;
  const CoreId sink{1, 0, 0};
  InstructionTiming move = timing(sink, 0, Opcode::Transfer, 10, 40);
  move.node.clear();
  report.timeline = {move};
  report.linkTimeline = {
      {"chip 0 router 0->1", 0, sink, 0, "", 10, 20},
      {"chip link 0->1", -1, sink, 0, "", 10, 30},
  };
  const ParsedTrace trace = parse(renderChromeTrace(report, 1.0));
  ASSERT_EQ(trace.events.size(), 3u);
  // Without a node, events are named after the opcode.
  EXPECT_EQ(trace.events[0].at("name"), "transfer");
  const nlohmann::json &mesh = trace.events[1], &chipLink = trace.events[2];
  EXPECT_EQ(mesh.at("pid"), 0);
  EXPECT_EQ(trace.trackNames.at({0, mesh.at("tid")}),
            "link chip 0 router 0->1");
  EXPECT_DOUBLE_EQ(mesh.at("dur").get<double>(), 0.01);
  EXPECT_EQ(mesh.at("args").at("core"), toString(sink));
  // Chip-to-chip links: the process after the last chip.
  EXPECT_EQ(chipLink.at("pid"), 2);
  EXPECT_EQ(trace.processNames.at(2), "chip-to-chip links");
  EXPECT_EQ(trace.trackNames.at({2, chipLink.at("tid")}),
            "link chip link 0->1");
}

TEST(RuntimeTrace, EventsOfOneTrackNeverOverlap) {
  Report report;
  const CoreId core{0, 0, 0};
  // Staggered instructions of one core, up to three in flight at once.
  for (int64_t i = 0; i < 30; ++i)
    report.timeline.push_back(
        timing(core, i, Opcode::Mvm, i * 10, i * 10 + 25 + (i % 3) * 5));
  const ParsedTrace trace = parse(renderChromeTrace(report, 1.0));
  ASSERT_EQ(trace.events.size(), 30u);
  std::map<int64_t, double> trackFreeAt;
  for (const nlohmann::json &event : trace.events) {
    const int64_t tid = event.at("tid");
    const double ts = event.at("ts");
    if (trackFreeAt.count(tid)) {
      EXPECT_LE(trackFreeAt[tid], ts) << event.dump();
    }
    trackFreeAt[tid] = ts + event.at("dur").get<double>();
  }
  EXPECT_EQ(trackFreeAt.size(), 4u);
}

} // namespace
