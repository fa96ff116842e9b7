//===- CIMMappingOps.cpp - Ops the mapping passes introduce -----------------===//
//
// Verifiers and folders of cim.quantize_dynamic, cim.rescale, cim.im2col,
// cim.accumulate, cim.array_matmul and cim.recombine. The folders of the
// last three make every encoding checkable by constant folding: a product
// folded before cim-encode-cells equals the recombined column sums after.
//
//===----------------------------------------------------------------------===//

#include "cim/Dialect/CIM/CIMOps.h"

#include "cim/Dialect/CIM/IntegerElements.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;
using namespace cim;

namespace {

/// Bounds folding to shapes where it is a check, not a computation.
constexpr int64_t kMaxFoldMacs = int64_t(1) << 24;

} // namespace

LogicalResult QuantizeDynamicOp::verify() {
  auto inputType = cast<ShapedType>(getInput().getType());
  auto resultType = cast<ShapedType>(getResult().getType());
  if (inputType.getShape() != resultType.getShape())
    return emitOpError() << "result shape must equal the input's, got "
                         << resultType << " for " << inputType;
  if (resultType.getElementTypeBitWidth() < getBits())
    return emitOpError() << "integer element type "
                         << resultType.getElementType() << " cannot hold "
                         << getBits() << "-bit values";
  return success();
}

LogicalResult RescaleOp::verify() {
  auto accType = cast<ShapedType>(getAcc().getType());
  auto resultType = cast<ShapedType>(getResult().getType());
  if (accType.getShape() != resultType.getShape())
    return emitOpError() << "result shape must equal the accumulator's, got "
                         << resultType << " for " << accType;
  if (accType.getRank() != 2 && accType.getRank() != 3)
    return emitOpError() << "accumulator must be [M, N] or grouped "
                            "[M, G, N], got "
                         << accType;
  int64_t channels = accType.getDimSize(accType.getRank() - 1);
  if (accType.getRank() == 3)
    channels *= accType.getDimSize(1);
  if (static_cast<int64_t>(getWeightScales().size()) != channels)
    return emitOpError() << "needs one weight scale per output channel ("
                         << channels << "), got "
                         << getWeightScales().size();
  for (auto [index, scale] : llvm::enumerate(getWeightScales()))
    if (!(scale > 0) || !std::isfinite(scale))
      return emitOpError() << "weight scales must be positive and finite, "
                              "got weight_scales["
                           << index << "] = " << scale;
  if (!getIdealInput() != !getIdealWeight())
    return emitOpError() << "ideal input and ideal weight go together";
  if (getIdealInput()) {
    auto in = cast<ShapedType>(getIdealInput().getType());
    auto w = cast<ShapedType>(getIdealWeight().getType());
    const bool grouped = accType.getRank() == 3;
    if (in.getRank() == 0)
      return emitOpError() << "ideal input must have a reduction dimension, "
                              "got "
                           << in;
    // [M, K] x [K, N] -> [M, N]; grouped [M, G, K] x [G, K, N] -> [M, G, N].
    SmallVector<int64_t> expectedIn(accType.getShape().drop_back());
    expectedIn.push_back(in.getShape().back());
    SmallVector<int64_t> expectedW;
    if (grouped)
      expectedW.push_back(accType.getDimSize(1));
    expectedW.push_back(in.getShape().back());
    expectedW.push_back(accType.getShape().back());
    if (in.getShape() != ArrayRef<int64_t>(expectedIn) ||
        w.getShape() != ArrayRef<int64_t>(expectedW))
      return emitOpError() << "ideal operands " << in << " and " << w
                           << " do not make the product " << accType;
  }
  return success();
}

LogicalResult Im2colOp::verify() {
  auto inputType = cast<ShapedType>(getInput().getType());
  auto resultType = cast<ShapedType>(getResult().getType());
  const int64_t spatial = inputType.getRank() - 2;
  if (spatial != 1 && spatial != 2)
    return emitOpError() << "input must be N x C x W or N x C x H x W, got "
                         << inputType;
  for (auto [name, values] :
       {std::pair<StringRef, ArrayRef<int64_t>>{"kernel", getKernel()},
        {"strides", getStrides()},
        {"dilations", getDilations()}}) {
    if (static_cast<int64_t>(values.size()) != spatial)
      return emitOpError() << name << " must have " << spatial
                           << " entries, got " << values.size();
    for (int64_t v : values)
      if (v < 1)
        return emitOpError() << name << " entries must be positive";
  }
  const int64_t n = inputType.getDimSize(0), c = inputType.getDimSize(1);
  const int64_t groups = getGroups();
  if (c % groups != 0)
    return emitOpError() << groups << " groups do not divide " << c
                         << " channels";
  int64_t rows = n, window = c / groups;
  for (int64_t d = 0; d < spatial; ++d) {
    const int64_t extent = (getKernel()[d] - 1) * getDilations()[d] + 1;
    const int64_t size = inputType.getDimSize(2 + d);
    if (size < extent)
      return emitOpError() << "spatial dim " << d << " (" << size
                           << ") is smaller than the dilated kernel ("
                           << extent << ")";
    rows *= (size - extent) / getStrides()[d] + 1;
    window *= getKernel()[d];
  }
  SmallVector<int64_t> expected = {rows};
  if (groups > 1)
    expected.push_back(groups);
  expected.push_back(window);
  if (resultType.getShape() != ArrayRef<int64_t>(expected) ||
      resultType.getElementType() != inputType.getElementType())
    return emitOpError() << "result must be "
                         << RankedTensorType::get(expected,
                                                  inputType.getElementType())
                         << ", got " << resultType;
  return success();
}

LogicalResult AccumulateOp::verify() {
  if (getPartials().empty())
    return emitOpError() << "needs at least one partial result";
  return success();
}

OpFoldResult AccumulateOp::fold(FoldAdaptor adaptor) {
  if (getPartials().size() == 1)
    return getPartials().front();
  auto type = cast<ShapedType>(getResult().getType());
  SmallVector<int64_t> sum(type.getNumElements(), 0);
  for (Attribute partial : adaptor.getPartials()) {
    auto values = dyn_cast_or_null<DenseIntElementsAttr>(partial);
    if (!values)
      return {};
    for (auto [index, v] : llvm::enumerate(signedElements(values)))
      sum[index] += v;
  }
  return integerElements(type, sum);
}

LogicalResult ArrayMatmulOp::verify() {
  auto inputType = cast<ShapedType>(getInput().getType());
  auto levelsType = cast<ShapedType>(getLevels().getType());
  auto resultType = cast<ShapedType>(getResult().getType());
  if (inputType.getRank() != 2 || levelsType.getRank() != 2 ||
      resultType.getRank() != 2)
    return emitOpError() << "operands and result must be 2-D";
  if (inputType.getDimSize(1) != levelsType.getDimSize(0))
    return emitOpError() << "input has " << inputType.getDimSize(1)
                         << " columns but the array block has "
                         << levelsType.getDimSize(0) << " rows";
  if (resultType.getDimSize(0) != inputType.getDimSize(0) ||
      resultType.getDimSize(1) != levelsType.getDimSize(1))
    return emitOpError() << "result must be " << inputType.getDimSize(0)
                         << "x" << levelsType.getDimSize(1) << ", got "
                         << resultType;
  // Levels are read as signed integers: b-bit levels need b + 1 bits.
  const int64_t needed = getEncoding().getBitsPerCell() + 1;
  if (levelsType.getElementTypeBitWidth() < needed)
    return emitOpError() << "levels of " << getEncoding().getBitsPerCell()
                         << "-bit cells need an element type of at least "
                         << needed << " bits, got "
                         << levelsType.getElementType();
  return success();
}

OpFoldResult ArrayMatmulOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  auto levels = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getLevels());
  auto type = cast<ShapedType>(getResult().getType());
  if (!input || !levels)
    return {};
  const int64_t m = type.getDimSize(0), c = type.getDimSize(1);
  const int64_t k = cast<ShapedType>(input.getType()).getDimSize(1);
  if (m * c * k > kMaxFoldMacs)
    return {};
  SmallVector<int64_t> x = signedElements(input), g = signedElements(levels);
  SmallVector<int64_t> out(m * c, 0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t l = 0; l < k; ++l)
      for (int64_t j = 0; j < c; ++j)
        out[i * c + j] += x[i * k + l] * g[l * c + j];
  return integerElements(type, out);
}

/// `cells` [R, physical columns] and `weights` [R, N] under `encoding`:
/// the shapes cim.recombine and cim.encode_weights relate.
static LogicalResult verifyPhysicalColumns(Operation *op,
                                           CellEncodingAttr encoding,
                                           ShapedType cells,
                                           ShapedType weights) {
  if (cells.getRank() != 2 || weights.getRank() != 2)
    return op->emitOpError() << "cell columns and weight columns must be 2-D";
  const int64_t n = weights.getDimSize(1);
  const int64_t expected = encoding.physicalColumns(n);
  if (cells.getDimSize(1) != expected ||
      cells.getDimSize(0) != weights.getDimSize(0))
    return op->emitOpError() << n << " weight columns in this encoding take "
                             << expected << " physical columns, got "
                             << cells;
  return success();
}

LogicalResult RecombineOp::verify() {
  return verifyPhysicalColumns(*this, getEncoding(),
                               cast<ShapedType>(getColumns().getType()),
                               cast<ShapedType>(getResult().getType()));
}

OpFoldResult RecombineOp::fold(FoldAdaptor adaptor) {
  auto columns = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getColumns());
  if (!columns)
    return {};
  auto type = cast<ShapedType>(getResult().getType());
  const arch::CellEncoding encoding = getEncoding().toArch();
  const int64_t m = type.getDimSize(0), n = type.getDimSize(1);
  const int64_t physical = encoding.columnsPerWeight() * n +
                           encoding.referenceColumns();
  SmallVector<int64_t> sums = signedElements(columns), out;
  for (int64_t i = 0; i < m; ++i) {
    const int64_t *row = sums.data() + i * physical;
    const int64_t reference =
        encoding.referenceColumns() ? row[physical - 1] : 0;
    for (int64_t j = 0; j < n; ++j)
      out.push_back(encoding.recombine(row + j * encoding.columnsPerWeight(),
                                       reference));
  }
  return integerElements(type, out);
}

LogicalResult EncodeWeightsOp::verify() {
  return verifyPhysicalColumns(*this, getEncoding(),
                               cast<ShapedType>(getLevels().getType()),
                               cast<ShapedType>(getWeights().getType()));
}
