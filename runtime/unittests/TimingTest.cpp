//===- TimingTest.cpp - Cycles the simulator charges ----------------------===//

#include "GenericTestSupport.h"

#include <cmath>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

/// The timing entry of `core`'s instruction `index`.
const InstructionTiming &timingOf(const Report &report, const CoreId &where,
                                  int64_t index) {
  for (const InstructionTiming &t : report.timeline)
    if (t.core == where && t.index == index)
      return t;
  static const InstructionTiming none;
  ADD_FAILURE() << "no timing for " << toString(where) << " #" << index;
  return none;
}

int64_t duration(const Report &report, const CoreId &where, int64_t index) {
  const InstructionTiming &t = timingOf(report, where, index);
  return t.end - t.start;
}

/// Values of the analog chain with P planes of M vectors of K rows into C
/// columns (all-ones cells), as buildMatmul lays them out but with raw
/// column counts.
struct Chain {
  ProgramBuilder builder;
  CoreId where = core(0, 0, 0);
  int64_t m, k, c, planes;
  Chain(const arch::ArchSpec &spec, int64_t m, int64_t k, int64_t c,
        int64_t inputBits, int64_t dacBits, int64_t adcBits = 16)
      : builder(spec), m(m), k(k), c(c),
        planes((inputBits + dacBits - 1) / dacBits) {
    ProgramBuilder &b = builder;
    int64_t x = b.input("x", ElementType::I8, {m, k});
    int64_t levels = b.constant("levels", ElementType::I8, {k, c},
                                std::vector<double>(k * c, 1));
    int64_t p = b.value("p", ElementType::I8, {planes, m, k});
    int64_t s = b.value("s", ElementType::I32, {planes, m, c});
    int64_t v = b.value("v", ElementType::I32, {planes, m, c});
    int64_t y = b.value("y", ElementType::I32, {m, c});
    b.output(y);
    b.add(where, programCells(levels, array(where, 0)));
    b.add(where, dac(x, p, inputBits, dacBits));
    b.add(where, mvm(p, s, array(where, 0)));
    b.add(where, adc(s, v, adcBits, 0, true));
    b.add(where, shiftAdd(v, y, dacBits));
  }
  TensorMap inputs() const {
    return {{"x", Tensor::ofInts(ElementType::I8, {m, k},
                                 std::vector<int64_t>(m * k, 1))}};
  }
};

TEST(RuntimeTiming, AnalogChainCyclesAndEnergy) {
  arch::ArchSpec spec = smallArch();
  spec.clockGHz = 2.0;
  spec.dac.latencyNs = 3;
  spec.adc.perArray = 2;
  spec.adc.latencyNs = 1.5;
  const int64_t m = 3, k = 8, c = 5;
  Chain chain(spec, m, k, c, /*inputBits=*/4, /*dacBits=*/1);
  ExecuteResult result = runOrFail(chain.builder.program, chain.inputs());
  const Report &r = result.report;
  const CoreId at = chain.where;
  const int64_t p = 4;
  // At 2 GHz: a cell row write of 2480 ns is 4960 cycles; an analog step of
  // 3 + 100 ns is 206; ceil(5 / 2) = 3 conversions of 1.5 ns per ADC are 9;
  // a 1 ns shift-and-add is 2.
  EXPECT_EQ(duration(r, at, 0), k * 4960);
  EXPECT_EQ(duration(r, at, 1), 0);
  EXPECT_EQ(duration(r, at, 2), p * m * 206);
  EXPECT_EQ(duration(r, at, 3), p * m * 9);
  EXPECT_EQ(duration(r, at, 4), p * m * 2);
  // Each step waits for the one before: the array for the program, the
  // data for the rest.
  EXPECT_EQ(timingOf(r, at, 2).start, k * 4960);
  EXPECT_EQ(r.totalCycles, k * 4960 + p * m * (206 + 9 + 2));
  EXPECT_DOUBLE_EQ(r.latencyNs, r.totalCycles / 2.0);

  EXPECT_NEAR(r.energy.cellWrite, k * c * spec.array.cell.writeEnergyPj, 1e-9);
  EXPECT_NEAR(r.energy.dac, p * m * k * spec.dac.energyPj, 1e-9);
  EXPECT_NEAR(r.energy.arrayRead, p * m * spec.array.readEnergyPj, 1e-9);
  EXPECT_NEAR(r.energy.adc, p * m * c * spec.adc.energyPj, 1e-9);
  EXPECT_NEAR(r.energy.shiftAdd, p * m * c * spec.shiftAdd.energyPj, 1e-9);
  EXPECT_EQ(r.adcConversions, p * m * c);
  EXPECT_EQ(r.macs, m * k * c);
  EXPECT_EQ(r.arraysUsed, 1);
  EXPECT_EQ(r.coresUsed, 1);
  EXPECT_EQ(r.tilesUsed, 1);
}

TEST(RuntimeTiming, PreloadedWeightsCostNothing) {
  arch::ArchSpec spec = smallArch();
  Chain chain(spec, 1, 4, 4, 8, 1);
  ExecuteOptions options;
  options.weightsPreloaded = true;
  ExecuteResult result =
      runOrFail(chain.builder.program, chain.inputs(), options);
  EXPECT_EQ(duration(result.report, chain.where, 0), 0);
  EXPECT_EQ(timingOf(result.report, chain.where, 2).start, 0);
  EXPECT_EQ(result.report.energy.cellWrite, 0);
}

TEST(RuntimeTiming, SharedAdcsTakeColumnsTimesLonger) {
  auto adcCycles = [](int64_t perArray) {
    arch::ArchSpec spec = smallArch();
    spec.adc.perArray = perArray;
    spec.adc.latencyNs = 2; // whole cycles at 1 GHz
    Chain chain(spec, 2, 4, spec.array.cols, 8, 1);
    ExecuteResult result = runOrFail(chain.builder.program, chain.inputs());
    return duration(result.report, chain.where, 3);
  };
  const int64_t cols = smallArch().array.cols;
  const int64_t shared = adcCycles(1), dedicated = adcCycles(cols);
  // 8 planes x 2 vectors; one ADC converts all columns in turn.
  EXPECT_EQ(dedicated, 8 * 2 * 2);
  EXPECT_EQ(shared, cols * dedicated);
}

/// Two Mvms of one vector each: on one array they serialise, on two they
/// overlap.
int64_t twoMvms(bool sameArray) {
  ProgramBuilder b(smallArch());
  const CoreId c = core(0, 0, 0);
  int64_t levels =
      b.constant("levels", ElementType::I8, {4, 4}, std::vector<double>(16, 1));
  int64_t x = b.constant("x", ElementType::I8, {1, 4}, {1, 2, 3, 4});
  int64_t s0 = b.value("s0", ElementType::I32, {1, 4});
  int64_t s1 = b.value("s1", ElementType::I32, {1, 4});
  b.output(s0);
  b.output(s1);
  const ArrayId second = array(c, sameArray ? 0 : 1);
  b.add(c, programCells(levels, array(c, 0)));
  if (!sameArray)
    b.add(c, programCells(levels, second));
  b.add(c, mvm(x, s0, array(c, 0)));
  b.add(c, mvm(x, s1, second));
  ExecuteOptions options;
  options.weightsPreloaded = true;
  return runOrFail(b.program, {}, options).report.totalCycles;
}

TEST(RuntimeTiming, MvmsOnOneArraySerialise) {
  const arch::ArchSpec spec = smallArch();
  const int64_t step =
      spec.nsToCycles(spec.dac.latencyNs + spec.array.readLatencyNs);
  EXPECT_EQ(twoMvms(false), step);
  EXPECT_EQ(twoMvms(true), 2 * step);
}

/// Two 1 KiB transfers into tile 3, or into tiles 1 and 3 over disjoint
/// links; returns the report.
Report twoTransfers(bool shareLink) {
  ProgramBuilder b(smallArch());
  int64_t x = b.input("x", ElementType::I8, {1024});
  int64_t a = b.value("a", ElementType::I8, {1024});
  int64_t c = b.value("c", ElementType::I8, {1024});
  b.output(a);
  b.output(c);
  // Routers of the 2 x 2 mesh: 0 1 / 2 3; XY routing.
  if (shareLink) {
    // 0 -> 1 -> 3 and 1 -> 3: both cross 1->3.
    b.add(core(0, 3, 0), transfer(x, a, core(0, 0, 0), 2));
    b.add(core(0, 3, 1), transfer(x, c, core(0, 1, 0), 1));
  } else {
    // 0 -> 1 and 2 -> 3.
    b.add(core(0, 1, 0), transfer(x, a, core(0, 0, 0), 1));
    b.add(core(0, 3, 0), transfer(x, c, core(0, 2, 0), 1));
  }
  TensorMap inputs = {{"x", Tensor::ofInts(ElementType::I8, {1024},
                                           std::vector<int64_t>(1024, 3))}};
  return runOrFail(b.program, inputs).report;
}

TEST(RuntimeTiming, TransfersContendForLinks) {
  const arch::ArchSpec spec = smallArch();
  const int64_t flits = 1024 * 8 / spec.noc.flitBits;
  const int64_t hop = spec.nsToCycles(spec.noc.hopLatencyNs);
  const Report disjoint = twoTransfers(false);
  const Report shared = twoTransfers(true);
  EXPECT_EQ(disjoint.totalCycles, hop + flits);
  // The second transfer waits until the first has serialised over 1->3.
  EXPECT_EQ(shared.totalCycles, std::max(2 * hop + flits, flits + hop + flits));
  EXPECT_GT(shared.totalCycles, disjoint.totalCycles);
  ASSERT_FALSE(shared.busiestLinks.empty());
  EXPECT_EQ(shared.busiestLinks[0].link, "chip 0 router 1->3");
  EXPECT_EQ(shared.busiestLinks[0].bytes, 2048);
  EXPECT_EQ(shared.nocBytes, 2048);
  EXPECT_NEAR(shared.energy.noc, flits * 3 * spec.noc.hopEnergyPjPerFlit, 1e-9);
}

// A link freed goes to the transfer that can start earliest, ties to the
// first core, even when another transfer was waiting for it longer: B
// becomes ready after C but comes first in the program, so B crosses 0->1
// when A releases it and C after B. (A scheduler keeping C's stale start
// would let C take the link first.)
TEST(RuntimeTiming, FreedLinkGoesToTheFirstCoreReady) {
  ProgramBuilder b(smallArch());
  const CoreId a = core(0, 1, 0), bCore = core(0, 1, 1), c = core(0, 3, 0);
  int64_t x = b.input("x", ElementType::I8, {1024});
  int64_t one = b.constant("one", ElementType::I32, {2}, {1, 1});
  int64_t two = b.value("two", ElementType::I32, {2});
  int64_t toA = b.value("to_a", ElementType::I8, {1024});
  int64_t toB = b.value("to_b", ElementType::I8, {1024});
  int64_t toC = b.value("to_c", ElementType::I8, {1024});
  for (int64_t v : {two, toA, toB, toC})
    b.output(v);
  b.add(a, transfer(x, toA, core(0, 0, 0), 1));       // 0->1
  b.add(bCore, make(Opcode::Accumulate, {one, one}, two));
  b.add(bCore, transfer(x, toB, core(0, 0, 0), 1));   // 0->1
  b.add(c, transfer(x, toC, core(0, 0, 0), 2));       // 0->1->3
  ASSERT_EQ(b.program.cores[1].core, bCore);
  ASSERT_EQ(b.program.cores[2].core, c);
  const Report report =
      runOrFail(b.program, {{"x", Tensor::ofInts(ElementType::I8, {1024},
                                                 std::vector<int64_t>(1024, 3))}})
          .report;
  const InstructionTiming &first = timingOf(report, a, 0);
  const InstructionTiming &second = timingOf(report, bCore, 1);
  const InstructionTiming &third = timingOf(report, c, 0);
  EXPECT_GT(second.start, timingOf(report, bCore, 0).end);
  const int64_t hold = second.start - first.start;
  EXPECT_GT(hold, 0);
  EXPECT_EQ(third.start, second.start + hold);
}

TEST(RuntimeTiming, ChipHopsAddLinkLatencyAndBandwidth) {
  arch::ArchSpec spec = smallArch();
  spec.hierarchy.chips = 2;
  spec.chipLink.topology = arch::ChipLinkTopology::Chain;
  ProgramBuilder b(spec);
  int64_t x = b.input("x", ElementType::I8, {64});
  int64_t y = b.value("y", ElementType::I8, {64});
  b.output(y);
  // Chip 0 tile 3 -> router 0 (2 hops), chip link, router 0 -> tile 1 of
  // chip 1 (1 hop).
  b.add(core(1, 1, 0), transfer(x, y, core(0, 3, 0), 3, 1));
  ExecuteResult result = runOrFail(
      b.program, {{"x", Tensor::ofInts(ElementType::I8, {64},
                                       std::vector<int64_t>(64, 1))}});
  const int64_t flits = 64 * 8 / spec.noc.flitBits;
  // 64 bytes at 6.4 GB/s (bytes per ns) take 10 ns.
  const int64_t expected = 3 * spec.nsToCycles(spec.noc.hopLatencyNs) + flits +
                           spec.nsToCycles(spec.chipLink.latencyNs) +
                           spec.nsToCycles(64 / spec.chipLink.bandwidthGBps);
  EXPECT_EQ(result.report.totalCycles, expected);
  EXPECT_EQ(result.report.chipLinkBytes, 64);
  EXPECT_NEAR(result.report.energy.chipLink,
              64 * 8 * spec.chipLink.energyPjPerBit, 1e-9);
  EXPECT_NEAR(result.report.energy.noc, flits * 3 * spec.noc.hopEnergyPjPerFlit,
              1e-9);
}

TEST(RuntimeTiming, VectorUnitLanes) {
  arch::ArchSpec spec = smallArch();
  spec.vectorUnit.lanes = 4;
  spec.vectorUnit.latencyNs = 3;
  ProgramBuilder b(spec);
  const CoreId c = core(0, 0, 0);
  int64_t p =
      b.constant("p", ElementType::I32, {2, 5}, std::vector<double>(10, 1));
  int64_t acc = b.value("acc", ElementType::I32, {2, 5});
  b.output(acc);
  b.add(c, make(Opcode::Accumulate, {p, p, p}, acc));
  ExecuteResult result = runOrFail(b.program, {});
  // Two adds per element: 20 ops on 4 lanes = 5 steps of 3 cycles.
  EXPECT_EQ(result.report.totalCycles, 5 * 3);
  EXPECT_NEAR(result.report.energy.vectorUnit,
              20 * spec.vectorUnit.energyPjPerOp, 1e-9);
}

TEST(RuntimeTiming, CyclicTransfersDeadlock) {
  ProgramBuilder b(smallArch());
  const CoreId a = core(0, 0, 0), d = core(0, 1, 0);
  int64_t one = b.constant("one", ElementType::I32, {2}, {1, 1});
  int64_t va = b.value("va", ElementType::I32, {2});
  int64_t vb = b.value("vb", ElementType::I32, {2});
  int64_t fromB = b.value("from_b", ElementType::I32, {2});
  int64_t fromA = b.value("from_a", ElementType::I32, {2});
  b.output(fromA);
  b.output(fromB);
  // Each core first waits for what the other writes second.
  b.add(a, transfer(vb, fromB, d, 1));
  b.add(a, make(Opcode::Accumulate, {one}, va));
  b.add(d, transfer(va, fromA, a, 1));
  b.add(d, make(Opcode::Accumulate, {one}, vb));
  ASSERT_TRUE(validate(b.program).isOk()) << validate(b.program).message();
  ExecuteResult result;
  Status status = execute(b.program, {}, {}, result);
  ASSERT_FALSE(status.isOk());
  const std::string &text = status.message();
  EXPECT_NE(text.find("deadlock"), std::string::npos) << text;
  EXPECT_NE(text.find("core (chip 0, tile 0, core 0) instruction 0 "
                      "(transfer) waits for value 2 'vb'"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("core (chip 0, tile 1, core 0) instruction 0 "
                      "(transfer) waits for value 1 'va'"),
            std::string::npos)
      << text;
}

// A value that fails to compute is the error, not the deadlock the
// schedule reaches after it: with threads to spare the values follow the
// schedule on their own thread, which may run ahead of them.
TEST(RuntimeTiming, AFailedValueIsReportedBeforeALaterDeadlock) {
  ProgramBuilder b(smallArch());
  const CoreId a = core(0, 0, 0), d = core(0, 1, 0), e = core(0, 1, 1);
  const int64_t idx = b.input("idx", ElementType::I64, {4});
  const int64_t table = b.constant("table", ElementType::F32, {4, 3},
                                   std::vector<double>(12, 1.5));
  const int64_t gathered = b.value("gathered", ElementType::F32, {4, 3});
  int64_t va = b.value("va", ElementType::I32, {2});
  int64_t vb = b.value("vb", ElementType::I32, {2});
  int64_t fromB = b.value("from_b", ElementType::I32, {2});
  int64_t fromA = b.value("from_a", ElementType::I32, {2});
  const int64_t one = b.constant("one", ElementType::I32, {2}, {1, 1});
  b.output(gathered);
  b.output(fromA);
  b.output(fromB);
  b.add(a, generic({idx, table}, gathered, {4, 3}, {{0, {1, 0}}, {0, {3, 1}}},
                   {dimOp(Op::Index, 1), dimOp(Op::Extract, 0, {0, 2})}, 3));
  b.add(d, transfer(vb, fromB, e, 0));
  b.add(d, make(Opcode::Accumulate, {one}, va));
  b.add(e, transfer(va, fromA, d, 0));
  b.add(e, make(Opcode::Accumulate, {one}, vb));
  ASSERT_TRUE(validate(b.program).isOk()) << validate(b.program).message();
  for (int64_t threads : {1, 3}) {
    ExecuteOptions options;
    options.threads = threads;
    ExecuteResult result;
    const Status status = execute(
        b.program,
        {{"idx", Tensor::ofInts(ElementType::I64, {4}, {0, 9, 1, 2})}},
        options, result);
    ASSERT_FALSE(status.isOk()) << threads << " threads";
    EXPECT_NE(status.message().find("gather index 9 "), std::string::npos)
        << threads << " threads: " << status.message();
    EXPECT_EQ(status.message().find("deadlock"), std::string::npos)
        << threads << " threads: " << status.message();
  }
}

} // namespace
