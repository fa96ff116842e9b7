//===- NpyTest.cpp - .npy reading, writing and refusals -------------------===//

#include "cim/runtime/Npy.h"
#include "cim/runtime/FileIO.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <random>

#include <unistd.h>

using namespace cim::runtime;

namespace {

/// What numpy.save writes for np.array([[1, -2, 3], [-4, 5, -32768]],
/// dtype='<i2') (numpy 1.24): the header padded to 128 bytes in all.
std::string numpyInt16() {
  const std::string header =
      "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }";
  return std::string("\x93NUMPY\x01\x00\x76\x00", 10) + header +
         std::string(0x76 - header.size() - 1, ' ') + "\n" +
         std::string("\x01\x00\xfe\xff\x03\x00\xfc\xff\x05\x00\x00\x80", 12);
}

/// numpy.lib.format.write_array(f, np.array([1.5, -0.25]), version=(2, 0)).
std::string numpyFloat64Version2() {
  const std::string header =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
  return std::string("\x93NUMPY\x02\x00\x74\x00\x00\x00", 12) + header +
         std::string(0x74 - header.size() - 1, ' ') + "\n" +
         std::string("\x00\x00\x00\x00\x00\x00\xf8\x3f"
                     "\x00\x00\x00\x00\x00\x00\xd0\xbf",
                     16);
}

/// A version 1.0 file with `header` (padded as numpy pads) and `data`.
std::string npyFile(const std::string &header, const std::string &data,
                    int major = 1, int minor = 0) {
  std::string padded = header;
  padded.append(63 - (10 + padded.size()) % 64, ' ');
  padded += '\n';
  std::string bytes("\x93NUMPY", 6);
  bytes.push_back(static_cast<char>(major));
  bytes.push_back(static_cast<char>(minor));
  bytes.push_back(static_cast<char>(padded.size() & 0xff));
  bytes.push_back(static_cast<char>(padded.size() >> 8));
  return bytes + padded + data;
}

std::string header(const std::string &descr, const std::string &shape,
                   const std::string &fortran = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + fortran +
         ", 'shape': " + shape + ", }";
}

NpyArray parseOrFail(const std::string &bytes) {
  NpyArray array;
  Status status = parseNpy(bytes, "t.npy", array);
  EXPECT_TRUE(status.isOk()) << status.message();
  return array;
}

void expectRefused(const std::string &bytes, const std::string &expected) {
  NpyArray array;
  Status status = parseNpy(bytes, "t.npy", array);
  ASSERT_FALSE(status.isOk()) << "accepted; expected: " << expected;
  EXPECT_NE(status.message().find("t.npy: " + expected), std::string::npos)
      << status.message();
  EXPECT_TRUE(array.shape.empty() && array.ints.empty() &&
              array.floats.empty());
}

TEST(Npy, ReadsWhatNumpyWrites) {
  NpyArray array = parseOrFail(numpyInt16());
  EXPECT_EQ(array.dtype, NpyDType::Int16);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(array.ints, (std::vector<int64_t>{1, -2, 3, -4, 5, -32768}));
  EXPECT_TRUE(array.floats.empty());

  array = parseOrFail(numpyFloat64Version2());
  EXPECT_EQ(array.dtype, NpyDType::Float64);
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(array.floats, (std::vector<double>{1.5, -0.25}));
}

TEST(Npy, WritesWhatNumpyWrites) {
  NpyArray array;
  array.dtype = NpyDType::Int16;
  array.shape = {2, 3};
  array.ints = {1, -2, 3, -4, 5, -32768};
  std::string bytes;
  ASSERT_TRUE(renderNpy(array, bytes).isOk());
  EXPECT_EQ(bytes, numpyInt16());
}

TEST(Npy, RoundTripsEveryDType) {
  const std::vector<std::vector<int64_t>> shapes = {
      {}, {0}, {5}, {2, 0, 3}, {2, 3, 4}};
  for (NpyDType dtype :
       {NpyDType::Int8, NpyDType::Int16, NpyDType::Int32, NpyDType::Int64,
        NpyDType::Float32, NpyDType::Float64}) {
    for (const std::vector<int64_t> &shape : shapes) {
      SCOPED_TRACE(std::string(toString(dtype)) + " rank " +
                   std::to_string(shape.size()));
      NpyArray array;
      array.dtype = dtype;
      array.shape = shape;
      const int64_t count = array.numElements();
      const int64_t bits = 8 * npyElementBytes(dtype);
      std::mt19937_64 gen(count);
      for (int64_t e = 0; e < count; ++e) {
        if (isInteger(dtype)) {
          // The extremes first, then random values of the width.
          const int64_t lo = bits == 64 ? std::numeric_limits<int64_t>::min()
                                        : -(int64_t(1) << (bits - 1));
          const int64_t hi = bits == 64 ? std::numeric_limits<int64_t>::max()
                                        : (int64_t(1) << (bits - 1)) - 1;
          array.ints.push_back(
              e == 0   ? lo
              : e == 1 ? hi
                       : lo + static_cast<int64_t>(gen() % uint64_t(hi - lo)));
        } else {
          const double specials[] = {std::numeric_limits<double>::infinity(),
                                     -0.0, 1e-40, 65504.0};
          array.floats.push_back(
              e < 4 ? specials[e]
                    : static_cast<float>(std::ldexp(
                          static_cast<double>(gen() % 100000) - 50000.0, -10)));
        }
      }
      std::string bytes;
      ASSERT_TRUE(renderNpy(array, bytes).isOk());
      // numpy aligns the data to 64 bytes.
      const size_t headerEnd = bytes.find('\n') + 1;
      EXPECT_EQ(headerEnd % 64, 0u);
      EXPECT_EQ(bytes.size() - headerEnd,
                static_cast<size_t>(count * npyElementBytes(dtype)));
      NpyArray back = parseOrFail(bytes);
      EXPECT_EQ(back.dtype, dtype);
      EXPECT_EQ(back.shape, shape);
      EXPECT_EQ(back.ints, array.ints);
      if (dtype == NpyDType::Float32) {
        // float32 keeps what float32 holds: 1e-40 becomes a denormal.
        ASSERT_EQ(back.floats.size(), array.floats.size());
        for (size_t e = 0; e < back.floats.size(); ++e)
          EXPECT_EQ(back.floats[e],
                    static_cast<double>(static_cast<float>(array.floats[e])));
      } else {
        EXPECT_EQ(back.floats, array.floats);
      }
    }
  }
}

TEST(Npy, NanSurvives) {
  NpyArray array;
  array.dtype = NpyDType::Float32;
  array.shape = {1};
  array.floats = {std::nan("")};
  std::string bytes;
  ASSERT_TRUE(renderNpy(array, bytes).isOk());
  EXPECT_TRUE(std::isnan(parseOrFail(bytes).floats.at(0)));
}

TEST(Npy, AcceptsHeaderVariants) {
  // '<i1' as well as '|i1', double quotes, no trailing comma, any key order.
  EXPECT_EQ(parseOrFail(npyFile(header("<i1", "(2,)"), "\x01\xff")).ints,
            (std::vector<int64_t>{1, -1}));
  NpyArray array = parseOrFail(npyFile(
      "{\"shape\": (1, 1), \"fortran_order\": False, \"descr\": \"<i4\"}",
      std::string("\x07\x00\x00\x00", 4)));
  EXPECT_EQ(array.shape, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(array.ints, (std::vector<int64_t>{7}));
  // Fortran order does not matter for one dimension, but it is refused all
  // the same (numpy writes False for it).
}

TEST(NpyRefuses, Envelope) {
  expectRefused("", "not a .npy file");
  expectRefused("\x93NUMPZ\x01\x00", "not a .npy file");
  expectRefused(npyFile(header("<f4", "()"), "abcd", 3, 0),
                ".npy format version 3.0 is not supported");
  expectRefused(npyFile(header("<f4", "()"), "abcd", 1, 1),
                ".npy format version 1.1 is not supported");
  expectRefused(std::string("\x93NUMPY\x01\x00\x10", 9),
                "truncated: the file ends inside the header length");
  expectRefused(npyFile(header("<f4", "()"), "abcd").substr(0, 40),
                "truncated: the header declares 118 bytes but the file ends "
                "after 30");
}

TEST(NpyRefuses, DTypesAndOrder) {
  expectRefused(npyFile(header("<f4", "(1,)", "True"), "abcd"),
                "Fortran-order arrays are not supported");
  expectRefused(npyFile(header(">f4", "(1,)"), "abcd"),
                "big-endian data ('>f4') is not supported");
  expectRefused(npyFile(header(">i8", "(1,)"), "abcdefgh"), "big-endian");
  for (const char *descr : {"<u2", "|u1", "<c8", "<f2", "|O", "<U3"})
    expectRefused(npyFile(header(descr, "(1,)"), "ab"),
                  std::string("unsupported dtype '") + descr +
                      "' (supported: float32, float64, int8, int16, int32, "
                      "int64)");
  expectRefused(npyFile("{'descr': [('a', '<f4')], 'fortran_order': False, "
                        "'shape': (1,), }",
                        "abcd"),
                "malformed header (expected a string, True, False or a "
                "tuple)");
}

TEST(NpyRefuses, Header) {
  expectRefused(npyFile("{'descr': '<f4', 'fortran_order': False}", ""),
                "the header has no 'shape'");
  expectRefused(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        "(), 'extra': True}",
                        "abcd"),
                "the header has keys other than");
  expectRefused(npyFile(header("<f4", "(-1,)"), ""),
                "malformed header (shape entries must be non-negative "
                "integers)");
  expectRefused(npyFile(header("<f4", "(99999999999999999999,)"), ""),
                "malformed header (a shape entry is too large)");
  expectRefused(npyFile("['descr']", ""), "malformed header (the header is "
                                          "not a dict)");
  expectRefused(npyFile("{'descr': '<f4', 'descr': '<f4'}", ""),
                "malformed header (the key 'descr' appears twice): {'descr'");
  expectRefused(npyFile(header("<f4", "(1099511627776, 1099511627776)"), ""),
                "the shape has too many elements");
  expectRefused(
      npyFile("{'descr': '<f4', 'fortran_order': 0, 'shape': ()}", "abcd"),
      "malformed header");
  expectRefused(
      npyFile("{'descr': '<f4', 'fortran_order': 'no', 'shape': ()}", "abcd"),
      "'fortran_order' is not True or False");
}

TEST(NpyRefuses, DataSize) {
  const std::string whole = numpyInt16();
  expectRefused(whole.substr(0, whole.size() - 1),
                "truncated: the shape holds 6 int16 elements (12 bytes) but "
                "the file has 11 bytes of data");
  expectRefused(whole.substr(0, 128),
                "truncated: the shape holds 6 int16 elements (12 bytes) but "
                "the file has 0 bytes of data");
  expectRefused(whole + "xy", "the file has 2 bytes after the 6 elements");
}

TEST(NpyRefuses, RandomAndCorruptBytesNeverCrash) {
  std::mt19937 gen(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::string bytes(gen() % 300, '\0');
    for (char &c : bytes)
      c = static_cast<char>(gen());
    NpyArray array;
    EXPECT_FALSE(parseNpy(bytes, "r.npy", array).isOk());
  }
  const std::string valid = numpyInt16();
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bytes = valid;
    bytes[gen() % bytes.size()] = static_cast<char>(gen());
    NpyArray array;
    if (parseNpy(bytes, "c.npy", array).isOk()) {
      EXPECT_EQ(static_cast<int64_t>(array.ints.size() + array.floats.size()),
                array.numElements());
    }
  }
}

TEST(NpyWrite, Refusals) {
  NpyArray array;
  array.dtype = NpyDType::Int8;
  array.shape = {2};
  array.ints = {127, 128};
  std::string bytes;
  Status status = renderNpy(array, bytes);
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.message(), "element 1 = 128 does not fit int8");

  array.dtype = NpyDType::Int32;
  array.shape = {3};
  status = renderNpy(array, bytes);
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.message(),
            "the shape holds 3 elements but the array has 2 int32 elements");

  array.dtype = NpyDType::Float32;
  array.shape = {2};
  status = renderNpy(array, bytes);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("has 0 float32 elements"), std::string::npos);
}

TEST(NpyWrite, FloatOutOfRangeBecomesInfinity) {
  NpyArray array;
  array.dtype = NpyDType::Float32;
  array.shape = {2};
  array.floats = {1e300, -1e300};
  std::string bytes;
  ASSERT_TRUE(renderNpy(array, bytes).isOk());
  EXPECT_EQ(parseOrFail(bytes).floats,
            (std::vector<double>{std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity()}));
}

TEST(NpyFiles, WriteReadAndFailures) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("cim-npy-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  NpyArray array;
  array.dtype = NpyDType::Float64;
  array.shape = {2};
  array.floats = {1.5, -0.25};
  const std::string path = (dir / "a.npy").string();
  ASSERT_TRUE(writeNpyFile(array, path).isOk());
  NpyArray back;
  ASSERT_TRUE(readNpyFile(path, back).isOk());
  EXPECT_EQ(back.floats, array.floats);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  // A failed write leaves neither the file nor its temporary.
  array.shape = {3};
  const std::string bad = (dir / "b.npy").string();
  Status status = writeNpyFile(array, bad);
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.message().rfind(bad + ": ", 0), 0u);
  EXPECT_FALSE(std::filesystem::exists(bad));
  EXPECT_FALSE(std::filesystem::exists(bad + ".tmp"));

  status = readNpyFile((dir / "missing.npy").string(), back);
  ASSERT_FALSE(status.isOk());
  EXPECT_NE(status.message().find("No such file or directory"),
            std::string::npos);
  // The error names the file.
  ASSERT_TRUE(writeFileAtomically(path, "garbage").isOk());
  status = readNpyFile(path, back);
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.message(), path + ": not a .npy file (no \\x93NUMPY magic)");
  std::filesystem::remove_all(dir);
}

} // namespace

TEST(Npy, BoolsAreOneByteZeroOrOne) {
  // numpy: np.save(f, np.array([True, False, True]))
  NpyArray array;
  array.dtype = NpyDType::Bool;
  array.shape = {3};
  array.ints = {1, 0, 1};
  std::string bytes;
  ASSERT_TRUE(renderNpy(array, bytes));
  EXPECT_NE(bytes.find("'descr': '|b1'"), std::string::npos);
  EXPECT_EQ(bytes.substr(bytes.size() - 3), std::string("\x01\x00\x01", 3));
  NpyArray back;
  ASSERT_TRUE(parseNpy(bytes, "b.npy", back));
  EXPECT_EQ(back.dtype, NpyDType::Bool);
  EXPECT_EQ(back.ints, array.ints);
  // Anything but 0 or 1 is not a bool.
  array.ints = {1, 2, 0};
  EXPECT_FALSE(renderNpy(array, bytes));
}
