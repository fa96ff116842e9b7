//===- TensorPbTest.cpp - ONNX TensorProto files: both ways, and refusals -===//

#include "cim/runtime/TensorPb.h"

#include "onnx_tensor.pb.h"

#include <gtest/gtest.h>

using namespace cim::runtime;

namespace {

NpyArray ints(NpyDType dtype, std::vector<int64_t> shape,
              std::vector<int64_t> values) {
  NpyArray array;
  array.dtype = dtype;
  array.shape = std::move(shape);
  array.ints = std::move(values);
  return array;
}

NpyArray floats(NpyDType dtype, std::vector<int64_t> shape,
                std::vector<double> values) {
  NpyArray array;
  array.dtype = dtype;
  array.shape = std::move(shape);
  array.floats = std::move(values);
  return array;
}

std::string parseError(const std::string &bytes) {
  NpyArray array;
  Status s = parseTensorPb(bytes, "t.pb", array);
  EXPECT_FALSE(s);
  EXPECT_TRUE(array.shape.empty() && array.ints.empty() &&
              array.floats.empty());
  return s ? "" : s.message();
}

TEST(RuntimeTensorPb, RoundTripsEveryElementType) {
  const std::vector<NpyArray> arrays = {
      floats(NpyDType::Float32, {2, 3}, {0.5, -1.25, 3e38, -0.0, 7, 1e-40}),
      floats(NpyDType::Float64, {3}, {1e300, -2.5, 0.1}),
      ints(NpyDType::Int8, {2, 2}, {-128, 127, 0, -1}),
      ints(NpyDType::Int16, {1, 3}, {-32768, 32767, 5}),
      ints(NpyDType::Int32, {2}, {-2147483648LL, 2147483647}),
      ints(NpyDType::Int64, {}, {-(int64_t(1) << 62)}),
      ints(NpyDType::Bool, {3}, {1, 0, 1}),
  };
  for (const NpyArray &array : arrays) {
    std::string bytes, name;
    ASSERT_TRUE(renderTensorPb(array, "y:0", bytes)) << toString(array.dtype);
    NpyArray back;
    ASSERT_TRUE(parseTensorPb(bytes, "t.pb", back, &name));
    EXPECT_EQ(name, "y:0");
    EXPECT_EQ(back.dtype, array.dtype);
    EXPECT_EQ(back.shape, array.shape);
    EXPECT_EQ(back.ints, array.ints);
    if (array.dtype == NpyDType::Float32)
      for (size_t e = 0; e < array.floats.size(); ++e)
        EXPECT_EQ(back.floats[e],
                  static_cast<double>(static_cast<float>(array.floats[e])));
    else
      EXPECT_EQ(back.floats, array.floats);
  }
}

TEST(RuntimeTensorPb, ReadsTheTypedFields) {
  cim::onnx_tensor::TensorProto tensor;
  tensor.add_dims(3);
  tensor.set_data_type(3); // INT8, stored widened in int32_data.
  for (int v : {-5, 0, 100})
    tensor.add_int32_data(v);
  NpyArray array;
  ASSERT_TRUE(parseTensorPb(tensor.SerializeAsString(), "t.pb", array));
  EXPECT_EQ(array.dtype, NpyDType::Int8);
  EXPECT_EQ(array.ints, (std::vector<int64_t>{-5, 0, 100}));

  cim::onnx_tensor::TensorProto f;
  f.add_dims(2);
  f.set_data_type(1);
  f.add_float_data(1.5f);
  f.add_float_data(-2.0f);
  ASSERT_TRUE(parseTensorPb(f.SerializeAsString(), "t.pb", array));
  EXPECT_EQ(array.floats, (std::vector<double>{1.5, -2.0}));
}

TEST(RuntimeTensorPb, RefusesWhatItCannotRepresent) {
  cim::onnx_tensor::TensorProto tensor;
  tensor.add_dims(2);
  tensor.set_data_type(10); // FLOAT16
  tensor.set_raw_data(std::string(2, '\1'));
  EXPECT_EQ(parseError(tensor.SerializeAsString()),
            "t.pb: unsupported element type FLOAT16 (FLOAT, DOUBLE, "
            "INT8..INT64, UINT8..UINT64 and BOOL are)");

  tensor.set_data_type(1);
  EXPECT_EQ(parseError(tensor.SerializeAsString()),
            "t.pb: the dims hold 2 float32 elements (8 bytes) but raw_data "
            "has 2 bytes");

  tensor.clear_raw_data();
  tensor.add_float_data(1);
  EXPECT_EQ(parseError(tensor.SerializeAsString()),
            "t.pb: the dims hold 2 elements but float_data has 1");

  tensor.set_data_location(1);
  EXPECT_NE(parseError(tensor.SerializeAsString()).find("external file"),
            std::string::npos);

  cim::onnx_tensor::TensorProto narrow;
  narrow.add_dims(1);
  narrow.set_data_type(3);
  narrow.add_int32_data(300);
  EXPECT_EQ(parseError(narrow.SerializeAsString()),
            "t.pb: element 0 = 300 does not fit int8");

  cim::onnx_tensor::TensorProto untyped;
  untyped.add_dims(1);
  EXPECT_EQ(parseError(untyped.SerializeAsString()),
            "t.pb: the tensor has no data_type");
}

TEST(RuntimeTensorPb, RendersOnlyConsistentArrays) {
  std::string bytes;
  Status s =
      renderTensorPb(ints(NpyDType::Int32, {2, 2}, {1, 2, 3}), "y", bytes);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(),
            "the shape holds 4 elements but the array has 3 int32 elements");
  s = renderTensorPb(ints(NpyDType::Int8, {1}, {200}), "y", bytes);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "element 0 = 200 does not fit int8");
}

TEST(RuntimeTensorPb, TruncatedBytesAreRefused) {
  std::string bytes;
  ASSERT_TRUE(renderTensorPb(
      floats(NpyDType::Float32, {4, 4}, std::vector<double>(16, 1.0)), "x",
      bytes));
  // Every cut: an error (never a crash, never a silently shorter tensor).
  for (size_t cut = 1; cut < bytes.size(); ++cut) {
    NpyArray array;
    EXPECT_FALSE(parseTensorPb(bytes.substr(0, cut), "t.pb", array))
        << "cut at " << cut;
  }
}

} // namespace

// Unsigned tensors are read as the same bits in a signless integer of their
// width: raw data directly, typed fields after a range check.
TEST(RuntimeTensorPb, UnsignedAsSignlessBits) {
  cim::onnx_tensor::TensorProto tensor;
  tensor.add_dims(3);
  tensor.set_data_type(2); // UINT8
  tensor.set_raw_data(std::string("\x00\x7f\xff", 3));
  NpyArray array;
  ASSERT_TRUE(parseTensorPb(tensor.SerializeAsString(), "t.pb", array));
  EXPECT_EQ(array.dtype, NpyDType::Int8);
  EXPECT_EQ(array.ints, (std::vector<int64_t>{0, 127, -1}));

  tensor.clear_raw_data();
  tensor.set_data_type(4); // UINT16, typed: int32_data
  for (int32_t v : {0, 65535, 32768})
    tensor.add_int32_data(v);
  ASSERT_TRUE(parseTensorPb(tensor.SerializeAsString(), "t.pb", array));
  EXPECT_EQ(array.dtype, NpyDType::Int16);
  EXPECT_EQ(array.ints, (std::vector<int64_t>{0, -1, -32768}));
  tensor.set_int32_data(1, 65536);
  EXPECT_EQ(parseError(tensor.SerializeAsString()),
            "t.pb: element 1 = 65536 does not fit UINT16");
}
