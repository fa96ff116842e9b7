//===- ElementsTest.cpp - A tensor's element storage ----------------------===//
//
// Elements<T> leaves a resize's new elements unset (the simulator writes
// them all), while explicit values still fill, copies copy, and the
// comparisons with plain vectors look at every element.
//
//===----------------------------------------------------------------------===//

#include "cim/runtime/Elements.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using namespace cim::runtime;

namespace {

TEST(RuntimeElements, ExplicitValuesFillAndCopiesCopy) {
  Elements<int64_t> filled(5, 7);
  EXPECT_EQ(filled, (std::vector<int64_t>{7, 7, 7, 7, 7}));
  filled.resize(7, -1);
  EXPECT_EQ(filled, (std::vector<int64_t>{7, 7, 7, 7, 7, -1, -1}));
  filled.assign(3, 0);
  EXPECT_EQ(filled, (std::vector<int64_t>{0, 0, 0}));
  const Elements<double> listed = {1.5, -2};
  Elements<double> copy = listed;
  EXPECT_EQ(copy, (std::vector<double>{1.5, -2}));
  copy.resize(1);
  EXPECT_EQ(copy, (std::vector<double>{1.5}));
}

TEST(RuntimeElements, ComparesWithPlainVectorsByEveryElement) {
  const Elements<int64_t> e = {1, 2, 3};
  EXPECT_TRUE(e == (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE((std::vector<int64_t>{1, 2, 3}) == e);
  EXPECT_TRUE(e != (std::vector<int64_t>{1, 2, 4}));
  EXPECT_TRUE((std::vector<int64_t>{1, 2}) != e);
  EXPECT_TRUE(e != (std::vector<int64_t>{1, 2, 3, 0}));
  EXPECT_FALSE(e != (std::vector<int64_t>{1, 2, 3}));
}

TEST(RuntimeElements, ResizeKeepsWhatWasThere) {
  // Growing keeps the old elements; shrinking and growing back within the
  // capacity writes nothing (the elements are whatever the memory held,
  // not zeros: the point of the allocator).
  Elements<int64_t> e = {4, 5};
  e.reserve(8);
  e.resize(6);
  EXPECT_EQ(e[0], 4);
  EXPECT_EQ(e[1], 5);
  e[5] = 99;
  e.resize(2);
  e.resize(6);
  EXPECT_EQ(e[5], 99);
}

} // namespace
