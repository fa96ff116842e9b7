//===- ReportTest.cpp - Totals, JSON and determinism ----------------------===//

#include "RuntimeTestSupport.h"

#include <nlohmann/json.hpp>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

/// Two cores: a product on tile 0 whose result tile 1 accumulates, with
/// ONNX node names on every instruction.
struct TwoCoreProgram {
  Program program;
  TensorMap inputs;
  std::vector<int64_t> expected;
};

TwoCoreProgram twoCores(double leakageMw) {
  arch::ArchSpec spec = smallArch();
  spec.leakageMwPerTile = leakageMw;
  const int64_t m = 2, k = 16, n = 4;
  const std::vector<int64_t> w = randomInts(k * n, -127, 127, 21);
  const std::vector<int64_t> x = randomInts(m * k, -128, 127, 22);
  ProgramBuilder b(spec);
  const CoreId home = core(0, 0, 0), sink = core(0, 1, 0);
  MatmulIds ids = buildMatmul(
      b, home, w, m, k, n, arch::CellEncoding::forArch(spec, 8), 8, 1, 16, 0);
  b.program.values[ids.result].isOutput = false;
  for (Instruction &inst : b.program.cores[0].instructions)
    inst.node = "gemm";
  int64_t moved = b.value("moved", ElementType::I32, {m, n});
  int64_t doubled = b.value("doubled", ElementType::I32, {m, n});
  b.output(doubled);
  Instruction move = transfer(ids.result, moved, home, 1);
  move.node = "gemm";
  b.add(sink, move);
  Instruction add = make(Opcode::Accumulate, {moved, moved}, doubled);
  add.node = "add";
  b.add(sink, add);

  TwoCoreProgram out;
  out.program = b.program;
  out.inputs = {{"x", Tensor::ofInts(ElementType::I8, {m, k}, x)}};
  out.expected = matmul(x, w, m, k, n);
  for (int64_t &v : out.expected)
    v *= 2;
  return out;
}

TEST(RuntimeReport, RunsAreDeterministic) {
  TwoCoreProgram p = twoCores(5.0);
  ExecuteResult first = runOrFail(p.program, p.inputs);
  ExecuteResult second = runOrFail(p.program, p.inputs);
  EXPECT_EQ(first.outputs["doubled"].ints, p.expected);
  EXPECT_TRUE(first.outputs == second.outputs);
  EXPECT_EQ(renderReportJson(first.report), renderReportJson(second.report));
  ASSERT_EQ(first.report.timeline.size(), second.report.timeline.size());
  for (size_t i = 0; i < first.report.timeline.size(); ++i) {
    EXPECT_EQ(first.report.timeline[i].start, second.report.timeline[i].start);
    EXPECT_EQ(first.report.timeline[i].end, second.report.timeline[i].end);
  }
}

// A run without a timeline (cim-run without --trace) reports the same
// figures and outputs; only the per-instruction entries are left out.
TEST(RuntimeReport, TimelineOffChangesNothingElse) {
  TwoCoreProgram p = twoCores(5.0);
  ExecuteOptions options;
  ExecuteResult with = runOrFail(p.program, p.inputs, options);
  options.timeline = false;
  ExecuteResult without = runOrFail(p.program, p.inputs, options);
  EXPECT_FALSE(with.report.timeline.empty());
  EXPECT_FALSE(with.report.linkTimeline.empty());
  EXPECT_TRUE(without.report.timeline.empty());
  EXPECT_TRUE(without.report.linkTimeline.empty());
  EXPECT_TRUE(with.outputs == without.outputs);
  EXPECT_EQ(renderReportJson(with.report), renderReportJson(without.report));
}

TEST(RuntimeReport, EnergyAddsUpByComponentAndNode) {
  TwoCoreProgram p = twoCores(5.0);
  const Report r = runOrFail(p.program, p.inputs).report;
  const EnergyBreakdown &e = r.energy;
  // Two tiles leak 5 mW each for the whole run: mW * ns = pJ.
  EXPECT_NEAR(e.leakage, 2 * 5.0 * r.latencyNs, 1e-6);
  ASSERT_EQ(r.energyByNode.size(), 2u);
  const double dynamic = e.total() - e.leakage;
  EXPECT_NEAR(r.energyByNode.at("gemm") + r.energyByNode.at("add"), dynamic,
              1e-6);
  EXPECT_NEAR(r.energyByNode.at("add"),
              2 * 4 * p.program.arch.vectorUnit.energyPjPerOp, 1e-9);
  EXPECT_EQ(r.coresUsed, 2);
  EXPECT_EQ(r.tilesUsed, 2);
  EXPECT_EQ(r.arraysUsed, 1);
  // MACs of the one mvm: M * K * physical columns (offset: 4 * 4 + 1).
  EXPECT_EQ(r.macs, 2 * 16 * 17);
  EXPECT_NEAR(r.tops, 2.0 * r.macs / (r.latencyNs * 1e-9) / 1e12, 1e-12);
  EXPECT_NEAR(r.topsPerWatt, 2.0 * r.macs / e.total(), 1e-12);
  EXPECT_EQ(r.nocBytes, 2 * 4 * 4);
}

// With one thread and with values computed on a thread of their own.
TEST(RuntimeReport, ProgressCountsEveryInstructionOnce) {
  TwoCoreProgram p = twoCores(0);
  for (int64_t threads : {1, 3}) {
    std::vector<std::pair<int64_t, int64_t>> calls;
    ExecuteOptions options;
    options.threads = threads;
    options.progress = [&](int64_t done, int64_t total) {
      calls.emplace_back(done, total);
    };
    ExecuteResult result;
    ASSERT_TRUE(execute(p.program, p.inputs, options, result));
    ASSERT_EQ(static_cast<int64_t>(calls.size()), result.report.instructions)
        << threads << " threads";
    for (size_t i = 0; i < calls.size(); ++i) {
      EXPECT_EQ(calls[i].first, static_cast<int64_t>(i) + 1);
      EXPECT_EQ(calls[i].second, result.report.instructions);
    }
  }
}

TEST(RuntimeReport, TransfersRecordTheLinksTheyHeld) {
  TwoCoreProgram p = twoCores(0);
  const Report r = runOrFail(p.program, p.inputs).report;
  ASSERT_EQ(r.linkTimeline.size(), 1u);
  const LinkReservation &use = r.linkTimeline[0];
  EXPECT_EQ(use.link, "chip 0 router 0->1");
  EXPECT_EQ(use.chip, 0);
  EXPECT_EQ(use.node, "gemm");
  EXPECT_TRUE(use.core == core(0, 1, 0));
  // The link is held from the transfer's start, for no longer than it.
  const InstructionTiming *transfer = nullptr;
  for (const InstructionTiming &t : r.timeline)
    if (t.opcode == Opcode::Transfer)
      transfer = &t;
  ASSERT_NE(transfer, nullptr);
  EXPECT_EQ(use.start, transfer->start);
  EXPECT_GT(use.end, use.start);
  EXPECT_LE(use.end, transfer->end);
}

TEST(RuntimeReport, JsonHasEveryField) {
  TwoCoreProgram p = twoCores(0);
  const Report r = runOrFail(p.program, p.inputs).report;
  const nlohmann::json json = nlohmann::json::parse(renderReportJson(r));
  EXPECT_EQ(json["arch"], "isaac");
  EXPECT_EQ(json["numerics"], "quantized");
  EXPECT_EQ(json["total_cycles"], r.totalCycles);
  EXPECT_DOUBLE_EQ(json["energy_pj"]["total"].get<double>(), r.energy.total());
  for (const char *component :
       {"dac", "array_read", "adc", "shift_add", "vector_unit", "noc",
        "chip_link", "cell_write", "leakage"})
    EXPECT_TRUE(json["energy_pj"].contains(component)) << component;
  EXPECT_EQ(json["energy_by_node_pj"].size(), 2u);
  EXPECT_EQ(json["adc_conversions"], r.adcConversions);
  EXPECT_EQ(json["noc_bytes"], 32);
  ASSERT_EQ(json["busiest_links"].size(), 1u);
  EXPECT_EQ(json["busiest_links"][0]["link"], "chip 0 router 0->1");
  EXPECT_EQ(json["busiest_links"][0]["bytes"], 32);
  EXPECT_EQ(json["arrays_used"], 1);
  EXPECT_EQ(json["cores_used"], 2);
  EXPECT_TRUE(json.contains("tops"));
  EXPECT_TRUE(json.contains("tops_per_watt"));
  EXPECT_EQ(json["summary"], r.summary);
  EXPECT_NE(r.summary.find("isaac (quantized)"), std::string::npos)
      << r.summary;
}

} // namespace
