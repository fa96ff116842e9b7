//===- NeededValuesTest.cpp - Which values a run computes -----------------===//
//
// A run computes only what an output depends on. The backward pass must
// keep the whole integer chain under a rescale in quantized numerics, and
// only the real-valued reference in ideal numerics. It must keep an
// array's levels exactly when a needed mvm reads that array, and drop a
// value nothing reads. An observer sees everything.
//
//===----------------------------------------------------------------------===//

#include "RuntimeTestSupport.h"

#include "../lib/NeededValues.h"

#include <algorithm>

using namespace cim;
using namespace cim::runtime;
using namespace cim::runtime::test;

namespace {

const CoreId home = core(0, 0, 0);

struct RescaledProduct {
  Program program;
  MatmulIds ids;
  int64_t realInput = -1, realWeight = -1, real = -1, unreadLevels = -1,
          unused = -1;
};

/// x * w on array 0 of the home core, rescaled with a real-valued
/// reference into the output `real`; array 1 programmed but never read;
/// an accumulate nothing reads.
RescaledProduct rescaledProduct() {
  const arch::ArchSpec spec = smallArch();
  ProgramBuilder b(spec);
  RescaledProduct p;
  p.ids = buildMatmul(b, home, randomInts(8, -127, 127, 3), 2, 4, 2,
                      arch::CellEncoding::forArch(spec, 8), 8, 1, 8, 0);
  b.program.values[p.ids.result].isOutput = false;
  p.realInput = b.constant("x_real", ElementType::F32, {2, 4},
                           std::vector<double>(8, 0.25));
  p.realWeight = b.constant("w_real", ElementType::F32, {4, 2},
                            std::vector<double>(8, -0.5));
  const int64_t scale = b.constant("scale", ElementType::F32, {}, {0.5});
  p.real = b.value("real", ElementType::F32, {2, 2});
  b.output(p.real);
  Instruction rescale = make(Opcode::Rescale, {p.ids.result, scale}, p.real);
  rescale.weightScales = {1.0, 2.0};
  rescale.idealInput = p.realInput;
  rescale.idealWeight = p.realWeight;
  b.add(home, rescale);
  p.unreadLevels = b.constant("unread_levels", ElementType::I8, {4, 2},
                              std::vector<double>(8, 1));
  b.add(home, programCells(p.unreadLevels, array(home, 1)));
  p.unused = b.value("unused", ElementType::I32, {2});
  const int64_t one = b.constant("one", ElementType::I32, {2}, {1, 1});
  b.add(home, make(Opcode::Accumulate, {one}, p.unused));
  p.program = b.program;
  return p;
}

TEST(RuntimeNeededValues, QuantizedKeepsTheIntegerChain) {
  const RescaledProduct p = rescaledProduct();
  ASSERT_TRUE(validate(p.program).isOk()) << validate(p.program).message();
  const std::vector<char> needed =
      detail::neededValues(p.program, /*ideal=*/false, /*observe=*/false);
  for (int64_t id : {p.ids.input, p.ids.levels, p.ids.planes, p.ids.sums,
                     p.ids.converted, p.ids.combined, p.ids.result, p.real})
    EXPECT_TRUE(needed[id]) << p.program.values[id].name;
  for (int64_t id : {p.realInput, p.realWeight, p.unreadLevels, p.unused})
    EXPECT_FALSE(needed[id]) << p.program.values[id].name;
}

TEST(RuntimeNeededValues, IdealKeepsOnlyTheReference) {
  const RescaledProduct p = rescaledProduct();
  const std::vector<char> needed =
      detail::neededValues(p.program, /*ideal=*/true, /*observe=*/false);
  for (int64_t id : {p.realInput, p.realWeight, p.real})
    EXPECT_TRUE(needed[id]) << p.program.values[id].name;
  for (int64_t id : {p.ids.input, p.ids.levels, p.ids.planes, p.ids.sums,
                     p.ids.converted, p.ids.combined, p.ids.result,
                     p.unreadLevels, p.unused})
    EXPECT_FALSE(needed[id]) << p.program.values[id].name;
}

TEST(RuntimeNeededValues, AnObserverSeesEverything) {
  const RescaledProduct p = rescaledProduct();
  const std::vector<char> needed =
      detail::neededValues(p.program, /*ideal=*/true, /*observe=*/true);
  EXPECT_EQ(std::count(needed.begin(), needed.end(), 1),
            static_cast<std::ptrdiff_t>(p.program.values.size()));
}

} // namespace
