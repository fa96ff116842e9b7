//===- XbarOps.cpp - Operations of the xbar dialect -------------------------===//

#include "cim/Dialect/Xbar/XbarOps.h"
#include "cim/Arch/Converters.h"
#include "cim/Dialect/CIM/CIMOps.h"

#include "cim/Dialect/CIM/IntegerElements.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace cim::xbar;

#define GET_OP_CLASSES
#include "cim/Dialect/Xbar/XbarOps.cpp.inc"

/// With a #cim.arch on the module, the coordinate must name an existing array
/// and the block [row, rowEnd) x [col, colEnd) must lie inside it. Without
/// one, only the shape-level checks of each op apply.
static LogicalResult verifyPlacement(Operation *op, ArrayCoordAttr coord,
                                     int64_t row, int64_t rowEnd, int64_t col,
                                     int64_t colEnd) {
  cim::ArchAttr archAttr = cim::ArchAttr::lookup(op);
  if (!archAttr)
    return success();
  cim::arch::ArchSpec spec = archAttr.getArchSpec();
  const cim::arch::Hierarchy &h = spec.hierarchy;
  for (auto [name, index, limit] :
       {std::tuple<StringRef, int64_t, int64_t>{"chip", coord.getChip(),
                                                h.chips},
        {"tile", coord.getTile(), h.tilesPerChip},
        {"core", coord.getCore(), h.coresPerTile},
        {"array", coord.getArray(), h.arraysPerCore}})
    if (index >= limit)
      return op->emitOpError()
             << name << " " << index << " does not exist on '" << spec.name
             << "' (it has " << limit << ")";
  if (rowEnd > spec.array.rows)
    return op->emitOpError() << "rows " << row << ".." << rowEnd
                             << " exceed the " << spec.array.rows
                             << " rows of a '" << spec.name << "' array";
  if (colEnd > spec.array.cols)
    return op->emitOpError() << "columns " << col << ".." << colEnd
                             << " exceed the " << spec.array.cols
                             << " columns of a '" << spec.name << "' array";
  return success();
}

LogicalResult ProgramOp::verify() {
  auto type = cast<ShapedType>(getLevels().getType());
  if (type.getRank() != 2)
    return emitOpError() << "levels must be a 2-D tensor (rows x cols), got "
                         << type;
  int64_t row = getRow(), col = getCol();
  if (failed(verifyPlacement(*this, getArray(), row, row + type.getDimSize(0),
                             col, col + type.getDimSize(1))))
    return failure();
  cim::ArchAttr archAttr = cim::ArchAttr::lookup(*this);
  if (!archAttr)
    return success();
  // Cell levels are 0 .. 2^bits - 1; a differential pair inside one unit
  // cell holds a signed level (G+ - G-) of the same magnitude.
  const arch::ArchSpec spec = archAttr.getArchSpec();
  const int64_t bits = spec.array.cell.bits;
  const bool signedLevels =
      spec.array.cell.differentialInCell &&
      spec.array.cell.signedEncoding == arch::SignedEncoding::Differential;
  if (type.getElementTypeBitWidth() < bits + (signedLevels ? 1 : 0))
    return emitOpError() << "element type " << type.getElementType()
                         << " cannot hold " << bits << "-bit cell levels";
  DenseIntElementsAttr levels;
  if (matchPattern(getLevels(), m_Constant(&levels))) {
    const int64_t maxLevel = (int64_t(1) << bits) - 1;
    const int64_t minLevel = signedLevels ? -maxLevel : 0;
    for (auto [index, level] : llvm::enumerate(levels.getValues<APInt>())) {
      const int64_t value = signedLevels || bits + 1 <= level.getBitWidth()
                                ? level.getSExtValue()
                                : static_cast<int64_t>(level.getZExtValue());
      if (value < minLevel || value > maxLevel)
        return emitOpError() << "cell level " << value << " at element "
                             << index << " is outside " << minLevel << ".."
                             << maxLevel << " (" << bits
                             << " bits per cell)";
    }
  }
  return success();
}

LogicalResult MvmOp::verify() {
  auto inputType = cast<ShapedType>(getInput().getType());
  auto resultType = cast<ShapedType>(getResult().getType());
  // One vector [K] -> [C], M vectors [M, K] -> [M, C], or the P DAC planes
  // of M vectors [P, M, K] -> [P, M, C].
  const int64_t rank = inputType.getRank();
  bool shapesAgree = rank >= 1 && rank <= 3 && resultType.getRank() == rank;
  for (int64_t d = 0; shapesAgree && d + 1 < rank; ++d)
    shapesAgree = inputType.getDimSize(d) == resultType.getDimSize(d);
  if (!shapesAgree)
    return emitOpError() << "input and result must be [K] -> [C], [M, K] -> "
                            "[M, C] or [P, M, K] -> [P, M, C], got "
                         << inputType << " -> " << resultType;
  int64_t row = getRow(), col = getCol();
  return verifyPlacement(*this, getArray(), row,
                         row + inputType.getDimSize(rank - 1), col,
                         col + resultType.getDimSize(rank - 1));
}

//===----------------------------------------------------------------------===//
// Converters: the semantics live in the arch library, shared with the runtime.
//===----------------------------------------------------------------------===//

int64_t cim::xbar::dacDigit(int64_t x, int64_t plane, int64_t inputBits,
                            int64_t dacBits) {
  return arch::dacDigit(x, plane, inputBits, dacBits);
}

int64_t cim::xbar::adcConvert(int64_t sum, int64_t bits, int64_t shift,
                              bool isSigned) {
  return arch::adcConvert(sum, bits, shift, isSigned);
}

LogicalResult DacOp::verify() {
  auto inputType = cast<ShapedType>(getInput().getType());
  auto planesType = cast<ShapedType>(getPlanes().getType());
  const int64_t planes = arch::dacPlanes(getInputBits(), getDacBits());
  SmallVector<int64_t> expected = {planes};
  llvm::append_range(expected, inputType.getShape());
  if (planesType.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError() << getInputBits() << "-bit inputs through "
                         << getDacBits() << "-bit DACs take " << planes
                         << " planes: the result must be "
                         << RankedTensorType::get(expected,
                                                  planesType.getElementType())
                         << ", got " << planesType;
  if (inputType.getElementTypeBitWidth() < getInputBits())
    return emitOpError() << "input element type "
                         << inputType.getElementType() << " is narrower than "
                         << getInputBits() << " bits";
  return success();
}

OpFoldResult DacOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  if (!input)
    return {};
  auto type = cast<ShapedType>(getPlanes().getType());
  const int64_t planes = type.getDimSize(0);
  SmallVector<int64_t> x = signedElements(input), out;
  out.reserve(planes * x.size());
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t v : x)
      out.push_back(dacDigit(v, p, getInputBits(), getDacBits()));
  return integerElements(type, out);
}

OpFoldResult AdcOp::fold(FoldAdaptor adaptor) {
  auto sums = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getSums());
  if (!sums)
    return {};
  SmallVector<int64_t> out;
  for (int64_t s : signedElements(sums))
    out.push_back(adcConvert(s, getBits(), getShift(), getSignedRange()));
  return integerElements(cast<ShapedType>(getValues().getType()), out);
}

LogicalResult ShiftAddOp::verify() {
  auto planesType = cast<ShapedType>(getPlanes().getType());
  auto resultType = cast<ShapedType>(getResult().getType());
  if (planesType.getRank() < 1 ||
      planesType.getShape().drop_front() != resultType.getShape())
    return emitOpError() << "result must be the planes' shape without the "
                            "leading plane dim, got "
                         << planesType << " -> " << resultType;
  return success();
}

OpFoldResult ShiftAddOp::fold(FoldAdaptor adaptor) {
  auto planes = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getPlanes());
  if (!planes)
    return {};
  auto type = cast<ShapedType>(getResult().getType());
  const int64_t count = cast<ShapedType>(planes.getType()).getDimSize(0);
  const int64_t size = type.getNumElements();
  SmallVector<int64_t> values = signedElements(planes), out(size, 0);
  for (int64_t p = 0; p < count; ++p)
    for (int64_t i = 0; i < size; ++i)
      out[i] += values[p * size + i] * (int64_t(1) << (p * getDacBits()));
  return integerElements(type, out);
}
