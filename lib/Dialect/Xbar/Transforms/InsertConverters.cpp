//===- InsertConverters.cpp - DAC planes, ADC conversion, shift-and-add -----===//

#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/Xbar/Passes.h"
#include "cim/Dialect/Xbar/XbarOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

#include <cstdlib>
#include <map>
#include <tuple>

namespace cim::xbar {
#define GEN_PASS_DEF_XBARINSERTCONVERTERS
#include "cim/Dialect/Xbar/Passes.h.inc"
} // namespace cim::xbar

using namespace mlir;
using namespace cim;
using namespace cim::xbar;

namespace {

/// Precision of the integers feeding an array: the bits of the cim.quantize
/// they come from, looking through the data movement in between.
std::optional<int64_t> quantizedBits(Value value) {
  for (int depth = 0; depth < 16; ++depth) {
    Operation *def = value.getDefiningOp();
    if (!def)
      return std::nullopt;
    if (auto q = dyn_cast<cim::QuantizeOp>(def))
      return q.getBits();
    if (auto q = dyn_cast<cim::QuantizeDynamicOp>(def))
      return q.getBits();
    if (isa<tensor::ExtractSliceOp, tensor::CollapseShapeOp,
            tensor::ExpandShapeOp, tensor::PadOp, cim::Im2colOp,
            tensor::ConcatOp>(def) &&
        def->getNumOperands() >= 1) {
      value = def->getOperand(0);
      continue;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

int64_t bitLength(int64_t value) {
  int64_t bits = 0;
  while (value > 0) {
    ++bits;
    value >>= 1;
  }
  return bits;
}

/// An array block: its coordinate (uniqued attribute) and offset.
using BlockKey = std::tuple<const void *, int64_t, int64_t>;

struct InsertConvertersPass
    : public cim::xbar::impl::XbarInsertConvertersBase<InsertConvertersPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<arch::ArchSpec> found =
        ArchAttr::requireSpec(module, getArgument());
    if (failed(found))
      return signalPassFailure();
    const arch::ArchSpec &spec = *found;

    // The levels programmed into each array block, to set its ADC range.
    std::map<BlockKey, Value> programmed;
    module.walk([&](ProgramOp op) {
      programmed[{op.getArray().getAsOpaquePointer(),
                  static_cast<int64_t>(op.getRow()),
                  static_cast<int64_t>(op.getCol())}] = op.getLevels();
    });

    int64_t planesTotal = 0, conversions = 0, lossless = 0, lossy = 0;
    SmallVector<MvmOp> products;
    module.walk([&](MvmOp op) {
      if (cast<ShapedType>(op.getInput().getType()).getRank() == 2)
        products.push_back(op);
    });
    for (MvmOp op : products) {
      auto it = programmed.find({op.getArray().getAsOpaquePointer(),
                                 static_cast<int64_t>(op.getRow()),
                                 static_cast<int64_t>(op.getCol())});
      if (it == programmed.end()) {
        op.emitOpError() << "reads an array block no xbar.program wrote; "
                            "the ADC range cannot be set";
        return signalPassFailure();
      }
      auto levelsType = cast<ShapedType>(it->second.getType());
      const int64_t k = levelsType.getDimSize(0);
      const int64_t c = levelsType.getDimSize(1);
      // Largest column sum magnitude per unit of input digit: from the
      // levels when they are constant, else (levels written at run time)
      // every cell at its largest level.
      int64_t maxColumn = 0;
      bool signedLevels = false;
      DenseIntElementsAttr levels;
      if (matchPattern(it->second, m_Constant(&levels))) {
        std::vector<int64_t> columnSum(c, 0);
        int64_t index = 0;
        for (const APInt &level : levels.getValues<APInt>()) {
          const int64_t v = level.getSExtValue();
          signedLevels |= v < 0;
          columnSum[index++ % c] += std::llabs(v);
        }
        maxColumn = *std::max_element(columnSum.begin(), columnSum.end());
      } else {
        signedLevels = spec.array.cell.differentialInCell &&
                       spec.array.cell.signedEncoding ==
                           arch::SignedEncoding::Differential;
        maxColumn = k * ((int64_t(1) << spec.array.cell.bits) - 1);
      }

      const int64_t inputBits =
          quantizedBits(op.getInput()).value_or(spec.precision.inputBits);
      const int64_t dacBits = std::min<int64_t>(spec.dac.bits, inputBits);
      const int64_t planes = (inputBits + dacBits - 1) / dacBits;
      // Digits: unsigned dacBits-bit, the top one signed; with 1-bit DACs
      // every plane's sums have one known sign and the ADC converts the
      // magnitude.
      const bool signedRange = signedLevels || dacBits > 1;
      const int64_t maxDigit = (int64_t(1) << dacBits) - 1;
      const int64_t maxAbs = maxColumn * maxDigit;
      const int64_t needed = bitLength(maxAbs) + (signedRange ? 1 : 0);
      const int64_t shift = std::max<int64_t>(0, needed - spec.adc.bits);
      (shift == 0 ? lossless : lossy)++;

      OpBuilder b(op);
      Location loc = op.getLoc();
      auto inputType = cast<RankedTensorType>(op.getInput().getType());
      auto resultType = cast<RankedTensorType>(op.getResult().getType());
      const int64_t m = inputType.getDimSize(0);
      auto planesType = RankedTensorType::get(
          {planes, m, inputType.getDimSize(1)}, inputType.getElementType());
      auto dac = DacOp::create(b, loc, planesType, op.getInput(),
                               static_cast<uint64_t>(inputBits),
                               static_cast<uint64_t>(dacBits));
      auto sumsType = RankedTensorType::get(
          {planes, m, resultType.getDimSize(1)}, resultType.getElementType());
      auto mvm = MvmOp::create(b, loc, sumsType, dac, op.getArray(),
                               op.getRow(), op.getCol());
      for (NamedAttribute a : op->getDiscardableAttrs())
        mvm->setAttr(a.getName(), a.getValue());
      auto adc = AdcOp::create(b, loc, sumsType, mvm,
                               static_cast<uint64_t>(spec.adc.bits),
                               static_cast<uint64_t>(shift), signedRange);
      auto sum = ShiftAddOp::create(b, loc, resultType, adc,
                                    static_cast<uint64_t>(dacBits));
      op.replaceAllUsesWith(sum.getResult());
      op.erase();
      planesTotal += planes;
      conversions += planes * m * resultType.getDimSize(1);
    }
    numAdcConversions = conversions;
    Builder b(&getContext());
    module->setAttr(
        "xbar.converters",
        b.getDictionaryAttr(
            {b.getNamedAttr("adc_conversions",
                            b.getI64IntegerAttr(conversions)),
             b.getNamedAttr("dac_planes", b.getI64IntegerAttr(planesTotal)),
             b.getNamedAttr("lossless_blocks", b.getI64IntegerAttr(lossless)),
             b.getNamedAttr("lossy_blocks", b.getI64IntegerAttr(lossy))}));
  }
};

} // namespace
