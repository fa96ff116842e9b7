//===- WeightConstants.cpp - Read and build constant weight matrices --------===//

#include "WeightConstants.h"

#include "cim/Dialect/CIM/IntegerElements.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

using namespace mlir;

std::optional<std::vector<int64_t>> cim::readIntegerConstant(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    SmallVector<int64_t> values = signedElements(dense);
    return std::vector<int64_t>(values.begin(), values.end());
  }
  // Weights from the importer may be resource blobs of raw little-endian
  // integers.
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    auto type = cast<ShapedType>(resource.getType());
    auto intType = dyn_cast<IntegerType>(type.getElementType());
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!intType || !blob || intType.getWidth() % 8 != 0)
      return std::nullopt;
    const size_t bytes = intType.getWidth() / 8;
    ArrayRef<char> data = blob->getData();
    if (data.size() != type.getNumElements() * bytes)
      return std::nullopt;
    std::vector<int64_t> values(type.getNumElements());
    for (size_t i = 0; i < values.size(); ++i) {
      int64_t v = 0;
      std::memcpy(&v, data.data() + i * bytes, bytes);
      const unsigned shift = 64 - intType.getWidth();
      values[i] = shift ? (v << shift) >> shift : v; // sign-extend
    }
    return values;
  }
  return std::nullopt;
}

Value cim::buildIntegerConstant(OpBuilder &b, Location loc,
                                RankedTensorType type,
                                ArrayRef<int64_t> values) {
  return arith::ConstantOp::create(b, loc, integerElements(type, values));
}
