//===- IntegerElements.cpp - Integer tensor constants as int64 --------------===//

#include "cim/Dialect/CIM/IntegerElements.h"

using namespace mlir;

SmallVector<int64_t> cim::signedElements(DenseIntElementsAttr attr) {
  SmallVector<int64_t> values;
  values.reserve(attr.getNumElements());
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

DenseElementsAttr cim::integerElements(ShapedType type,
                                       ArrayRef<int64_t> values) {
  const unsigned width = type.getElementTypeBitWidth();
  SmallVector<APInt> ints;
  ints.reserve(values.size());
  for (int64_t v : values)
    ints.push_back(APInt(width, v, /*isSigned=*/true));
  return DenseElementsAttr::get(type, ints);
}
