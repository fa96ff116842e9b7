//===- ConstantDataTest.cpp - Constants stored narrow, read back exact ----===//
//
// ConstantData keeps a program constant at the narrowest width that holds
// every element exactly and must read back the very doubles it was given:
// a width chosen one step too narrow would round a weight or drop the sign
// of -0.0, one too wide only costs memory. Each width's edges, the values
// no integer or float holds, and set() widening an existing constant are
// checked, with the bytes the storage takes.
//
//===----------------------------------------------------------------------===//

#include "cim/runtime/ConstantData.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

using namespace cim::runtime;

namespace {

/// Expects `data` to read back exactly `values` (bit for bit: -0.0 and
/// NaN included) by every accessor.
void expectReadsBack(const ConstantData &data,
                     const std::vector<double> &values) {
  ASSERT_EQ(data.size(), values.size());
  const std::vector<double> all = data.values();
  Elements<double> copied = {42, 43};
  data.copyTo(copied);
  ASSERT_EQ(all.size(), values.size());
  ASSERT_EQ(copied.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    for (double got : {data[i], all[i], copied[i]}) {
      if (std::isnan(values[i])) {
        EXPECT_TRUE(std::isnan(got)) << "element " << i;
      } else {
        EXPECT_EQ(got, values[i]) << "element " << i;
        EXPECT_EQ(std::signbit(got), std::signbit(values[i]))
            << "element " << i;
      }
    }
  }
}

TEST(RuntimeConstantData, PicksTheNarrowestExactWidth) {
  struct Case {
    std::vector<double> values;
    size_t bytesEach;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<Case> cases = {
      // int8
      {{0, 1, -1, 127, -128}, 1},
      // int16: one element past int8 widens all
      {{0, 128}, 2},
      {{-129, 5}, 2},
      {{32767, -32768}, 2},
      // int32
      {{32768, 1}, 4},
      {{-32769}, 4},
      {{2147483647, -2147483648.0}, 4},
      // float: non-integers a float holds, and integers beyond int32 that
      // a float holds exactly (2^31, 3e9 = 5859375 * 2^9)
      {{0.5, -1.25, 3}, 4},
      {{2147483648.0}, 4},
      {{3e9, -3e9}, 4},
      {{inf, -inf, 1}, 4},
      {{std::ldexp(1.0, -149)}, 4}, // the smallest float denormal
      // -0.0 is no integer (its sign would be lost), but a float
      {{-0.0}, 4},
      {{-0.0, 1, 2}, 4},
      // double: no float holds these
      {{0.1}, 8},
      {{1, 2, 0.1}, 8},
      {{1e-40}, 8},
      {{3000000001.0}, 8},
      {{9007199254740991.0}, 8}, // 2^53 - 1
      {{-9007199254740991.0}, 8},
      {{std::ldexp(1.0, 53)}, 4}, // a power of two is a float
      {{1e300, -1e-300}, 8},
      {{nan}, 8},
      {{nan, 1}, 8},
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    SCOPED_TRACE("case " + std::to_string(c));
    const ConstantData data(cases[c].values);
    EXPECT_EQ(data.bytes(), cases[c].values.size() * cases[c].bytesEach);
    EXPECT_FALSE(data.empty());
    expectReadsBack(data, cases[c].values);
  }
}

TEST(RuntimeConstantData, SignedZeroAndNaNSurvive) {
  const ConstantData zeros = {0.0, -0.0};
  ASSERT_EQ(zeros.size(), 2u);
  EXPECT_FALSE(std::signbit(zeros[0]));
  EXPECT_TRUE(std::signbit(zeros[1]));
  // Stored as floats, not as the integer 0.
  EXPECT_EQ(zeros.bytes(), 8u);
  EXPECT_EQ(ConstantData({0.0, 0.0}).bytes(), 2u);

  const ConstantData withNaN = {1.5, std::nan(""), -2};
  EXPECT_TRUE(std::isnan(withNaN[1]));
  EXPECT_EQ(withNaN[0], 1.5);
  EXPECT_EQ(withNaN[2], -2);
}

TEST(RuntimeConstantData, SetWidensTheStorage) {
  ConstantData data = {1, -2, 3};
  ASSERT_EQ(data.bytes(), 3u);

  // Still int8: no widening.
  data.set(0, -128);
  EXPECT_EQ(data.bytes(), 3u);
  expectReadsBack(data, {-128, -2, 3});

  data.set(1, 300);
  EXPECT_EQ(data.bytes(), 6u);
  expectReadsBack(data, {-128, 300, 3});

  data.set(2, 0.1);
  EXPECT_EQ(data.bytes(), 24u);
  expectReadsBack(data, {-128, 300, 0.1});

  ConstantData denormal = {7, 8};
  denormal.set(1, 1e-40);
  EXPECT_EQ(denormal.bytes(), 16u);
  expectReadsBack(denormal, {7, 1e-40});
  EXPECT_EQ(denormal.values(), (std::vector<double>{7, 1e-40}));

  ConstantData halves = {7, 8};
  halves.set(0, 0.5);
  EXPECT_EQ(halves.bytes(), 8u);
  expectReadsBack(halves, {0.5, 8});

  ConstantData large = {1};
  large.set(0, 3000000001.0);
  EXPECT_EQ(large.bytes(), 8u);
  expectReadsBack(large, {3000000001.0});
}

TEST(RuntimeConstantData, CopiesIntoIntegers) {
  // Each width's integers come back exact as int64.
  const std::vector<std::vector<double>> sets = {
      {-128, 0, 127},
      {-32768, 300, 32767},
      {-2147483648.0, 70000, 2147483647},
      {3e9, -3e9, 2147483648.0},                     // float
      {3000000001.0, -9007199254740991.0, 0.25 * 4}, // double
  };
  for (const std::vector<double> &values : sets) {
    const ConstantData data(values);
    Elements<int64_t> ints = {99, 99, 99, 99, 99, 99};
    data.copyTo(ints);
    ASSERT_EQ(ints.size(), values.size());
    for (size_t i = 0; i < values.size(); ++i)
      EXPECT_EQ(ints[i], static_cast<int64_t>(values[i]))
          << "element " << i << " of " << data.bytes() << " bytes";
  }
  // Spelled out: a mistaken conversion in the line above would agree.
  Elements<int64_t> ints;
  ConstantData({3e9, -3000000001.0}).copyTo(ints);
  EXPECT_EQ(ints, (std::vector<int64_t>{3000000000LL, -3000000001LL}));
  ConstantData({-5, 300, 70000}).copyTo(ints);
  EXPECT_EQ(ints, (std::vector<int64_t>{-5, 300, 70000}));
}

TEST(RuntimeConstantData, ComparesByValue) {
  // Equal values compare equal however they were reached.
  ConstantData narrow = {1, 2};
  ConstantData wide = {1, 0.1};
  EXPECT_FALSE(narrow == wide);
  EXPECT_TRUE(narrow != wide);
  wide.set(1, 2);
  EXPECT_TRUE(narrow == wide);
  EXPECT_FALSE(narrow != wide);
  ConstantData floats = {0.5, 2};
  floats.set(0, 1);
  EXPECT_TRUE(floats == narrow);

  EXPECT_FALSE(narrow == ConstantData({1, 3}));
  EXPECT_TRUE(narrow != ConstantData({1, 3}));
  EXPECT_FALSE(narrow == ConstantData({1, 2, 0}));
  EXPECT_FALSE(narrow == ConstantData({2}));
  EXPECT_FALSE(ConstantData({0.1}) == ConstantData({0.1f}));

  EXPECT_TRUE(narrow == (std::vector<double>{1, 2}));
  EXPECT_FALSE(narrow == (std::vector<double>{1, 2.5}));
  EXPECT_FALSE(narrow == (std::vector<double>{1}));
  EXPECT_TRUE(ConstantData({0.1, 1e300}) == (std::vector<double>{0.1, 1e300}));
  EXPECT_FALSE(ConstantData({0.1}) == (std::vector<double>{0.1f}));
}

TEST(RuntimeConstantData, EmptyAndClear) {
  ConstantData none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.bytes(), 0u);
  EXPECT_TRUE(none.values().empty());
  EXPECT_TRUE(none == ConstantData(std::vector<double>{}));

  ConstantData data = {0.1, 2, 3};
  ASSERT_FALSE(data.empty());
  ASSERT_EQ(data.bytes(), 24u);
  data.clear();
  EXPECT_TRUE(data.empty());
  EXPECT_EQ(data.size(), 0u);
  EXPECT_EQ(data.bytes(), 0u);
  EXPECT_TRUE(data.values().empty());
  Elements<int64_t> ints = {1, 2};
  data.copyTo(ints);
  EXPECT_TRUE(ints.empty());
  EXPECT_TRUE(data == none);

  // Reusable after clear, at the new values' width.
  data.assign({1, 2});
  EXPECT_EQ(data.bytes(), 2u);
  expectReadsBack(data, {1, 2});
}

// range() at every storage width, NaNs skipped, {0, 0} when nothing is
// left, and kept current by set() and assign().
TEST(RuntimeConstantData, RangeAtEveryWidth) {
  using Width = ConstantData::Width;
  const double nan = std::nan("");
  const std::vector<std::pair<std::vector<double>, Width>> cases = {
      {{3, -7, 5, 0}, Width::I8},
      {{300, -7, 5, 0}, Width::I16},
      {{70000, -7, -70000, 0}, Width::I32},
      {{0.5, -7.25, 5, 0}, Width::F32},
      {{0.1, -7.25, 5, nan, 1e300}, Width::F64},
  };
  for (const auto &[values, width] : cases) {
    ConstantData d(values);
    double least = 1e308, most = -1e308;
    for (double x : values)
      if (x == x) {
        least = std::min(least, x);
        most = std::max(most, x);
      }
    EXPECT_EQ(d.range(), std::make_pair(least, most)) << values.size();
    // Long enough for the vector loops, the ends in the middle.
    std::vector<double> longer(1000, values[3 % values.size()]);
    longer[500] = least;
    longer[501] = most;
    EXPECT_EQ(ConstantData(longer).range(), std::make_pair(least, most));
  }
  EXPECT_EQ(ConstantData({nan, nan}).range(), std::make_pair(0.0, 0.0));
  EXPECT_EQ(ConstantData().range(), std::make_pair(0.0, 0.0));
  ConstantData d({1, 2, 3});
  d.set(1, -50.5);
  EXPECT_EQ(d.range(), std::make_pair(-50.5, 3.0));
  d.assign({4, 9}, Width::I8);
  EXPECT_EQ(d.range(), std::make_pair(4.0, 9.0));
  d.clear();
  EXPECT_EQ(d.range(), std::make_pair(0.0, 0.0));
}

// assignBytes stores a file's little-endian typed bytes as they are: the
// same elements and range as assigning their values at that width.
TEST(RuntimeConstantData, AssignBytesReadsLittleEndianElements) {
  using Width = ConstantData::Width;
  auto littleEndian = [](const std::vector<int64_t> &words, size_t size) {
    std::vector<unsigned char> bytes;
    for (int64_t w : words)
      for (size_t b = 0; b < size; ++b)
        bytes.push_back(static_cast<unsigned char>(
            static_cast<uint64_t>(w) >> (8 * b)));
    return bytes;
  };
  const std::vector<int64_t> ints = {-128, 127, 0, -1, 5};
  const std::vector<int64_t> wide = {-70000, 2147483647, 0, -1, 300};
  const std::vector<std::pair<std::vector<int64_t>, std::pair<Width, size_t>>>
      cases = {{ints, {Width::I8, 1}},
               {{-32768, 32767, 0, -1, 300}, {Width::I16, 2}},
               {wide, {Width::I32, 4}}};
  for (const auto &[words, format] : cases) {
    const std::vector<unsigned char> bytes =
        littleEndian(words, format.second);
    ConstantData d;
    d.assignBytes(bytes.data(), words.size(), format.first);
    const std::vector<double> expected(words.begin(), words.end());
    EXPECT_EQ(d, expected) << format.second << "-byte elements";
    EXPECT_EQ(d.range(), ConstantData(expected).range());
    EXPECT_EQ(d.bytes(), bytes.size());
  }
  // f32: 1.5, -2.25 and a NaN (skipped by the range).
  const std::vector<int64_t> floats = {0x3FC00000, 0xC0100000, 0x7FC00000};
  const std::vector<unsigned char> bytes = littleEndian(floats, 4);
  ConstantData d;
  d.assignBytes(bytes.data(), 3, Width::F32);
  EXPECT_EQ(d[0], 1.5);
  EXPECT_EQ(d[1], -2.25);
  EXPECT_TRUE(std::isnan(d[2]));
  EXPECT_EQ(d.range(), std::make_pair(-2.25, 1.5));
}

} // namespace

// Copies share the stored elements (a batch copies every constant of the
// program); changing one copy must leave the others as they were.
TEST(RuntimeConstantData, CopiesStayIndependent) {
  ConstantData original({1, 2, 3});
  ConstantData copy = original;
  copy.set(1, 1000.5); // widens the copy to float
  expectReadsBack(original, {1, 2, 3});
  expectReadsBack(copy, {1, 1000.5, 3});
  EXPECT_EQ(original.bytes(), 3u);
  EXPECT_EQ(original.range(), std::make_pair(1.0, 3.0));
  EXPECT_EQ(copy.range(), std::make_pair(1.0, 1000.5));

  ConstantData assigned = original;
  const unsigned char bytes[] = {7, 0, 9, 0};
  assigned.assignBytes(bytes, 2, ConstantData::Width::I16);
  expectReadsBack(assigned, {7, 9});
  expectReadsBack(original, {1, 2, 3});
  original.clear();
  expectReadsBack(copy, {1, 1000.5, 3});
}
