//===- Quantize.cpp - Quantise crossbar products to integers --------------===//
//
// Every float cim.crossbar_matmul becomes
//
//   %xq, %sx = cim.quantize_dynamic %x bits I   (or cim.quantize with the
//                                                scale of an onnx.qdq
//                                                DequantizeLinear)
//   %wq      = arith.constant <levels>          (per output channel)
//   %acc     = cim.crossbar_matmul %xq, %wq     (i32 accumulator)
//   %y       = cim.rescale %acc, %sx weight_scales [...]
//
// The weight levels are computed here with exactly cim.quantize's semantics
// (double arithmetic, round half to even, symmetric narrow range): the same
// formula as its folder, applied per (group, output channel), which one
// cim.quantize cannot express for grouped weights, and to dense_resource
// blobs and QDQ-dequantised weights, which its folder does not read.
// Reprogrammed products quantise their activation weight per tensor, like
// the input.
//
//===----------------------------------------------------------------------===//

#include "cim/Arch/ArchSpec.h"
#include "cim/Dialect/CIM/CIMOps.h"
#include "cim/Dialect/CIM/NodeNames.h"
#include "cim/Dialect/CIM/Passes.h"

#include "QuantizeWeights.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/Support/Debug.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <limits>
#include <optional>

#define DEBUG_TYPE "cim-quantize"

namespace cim {
#define GEN_PASS_DEF_CIMQUANTIZE
#include "cim/Dialect/CIM/Passes.h.inc"
} // namespace cim

using namespace mlir;
using namespace cim;
using namespace cim::quantization;

namespace {

/// Smallest signless integer type of 8, 16 or 32 bits holding `bits`.
IntegerType storageType(MLIRContext *context, int64_t bits) {
  return IntegerType::get(context, bits <= 8 ? 8 : bits <= 16 ? 16 : 32);
}

template <typename T>
DenseElementsAttr narrowAttr(RankedTensorType type, ArrayRef<int64_t> values) {
  std::vector<T> narrow(values.begin(), values.end());
  return DenseElementsAttr::get(type, ArrayRef<T>(narrow));
}

DenseElementsAttr levelsAttr(RankedTensorType type, ArrayRef<int64_t> values) {
  switch (type.getElementTypeBitWidth()) {
  case 8:
    return narrowAttr<int8_t>(type, values);
  case 16:
    return narrowAttr<int16_t>(type, values);
  default:
    return narrowAttr<int32_t>(type, values);
  }
}

/// Ops whose result holds values of their first operand, only moved (zero
/// padding adds exact zeros): a quantisation scale of the operand is one of
/// the result.
Value skipValuePreservingOps(Value value) {
  for (unsigned depth = 0; depth < kMaxWalkDepth; ++depth) {
    Operation *def = value.getDefiningOp();
    if (!def)
      return value;
    if (isa<cim::Im2colOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
            tensor::ExtractSliceOp>(def)) {
      value = def->getOperand(0);
      continue;
    }
    if (auto transpose = dyn_cast<linalg::TransposeOp>(def)) {
      value = transpose.getInput();
      continue;
    }
    if (auto pad = dyn_cast<tensor::PadOp>(def)) {
      Value padding = pad.getConstantPaddingValue();
      if (padding && matchPattern(padding, m_AnyZeroFloat())) {
        value = pad.getSource();
        continue;
      }
    }
    return value;
  }
  return value;
}

/// The single value of a constant with one element or a splat.
template <typename AttrT> std::optional<AttrT> singleConstant(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto elements = dyn_cast<DenseElementsAttr>(attr);
  if (!elements || !isa<AttrT>(elements))
    return std::nullopt;
  if (elements.isSplat() || elements.getNumElements() == 1)
    return cast<AttrT>(elements);
  return std::nullopt;
}

/// When `value` is (a data movement of) the result of an ONNX
/// DequantizeLinear with one constant scale, the static scale to quantise
/// it to `bits` with. That is the model's own scale, unless the levels the
/// DequantizeLinear can produce, q - zero_point, do not fit `bits`
/// symmetric levels (fewer bits than the model, or an off-centre zero
/// point): then the smallest integer multiple of it under which they fit.
/// The one extra negative level of a full two's complement range (-128 for
/// int8) is clamped rather than paid for with a coarser scale.
std::optional<double> staticScale(Value value, int64_t bits) {
  linalg::GenericOp generic = asDequantize(skipValuePreservingOps(value));
  if (!generic)
    return std::nullopt;
  Value levels = generic.getDpsInputOperand(0)->get();
  auto levelType = cast<IntegerType>(getElementTypeOrSelf(levels));
  auto scaleAttr =
      singleConstant<DenseFPElementsAttr>(generic.getDpsInputOperand(1)->get());
  if (!scaleAttr)
    return std::nullopt;
  const double scale = toDouble(*scaleAttr->value_begin<APFloat>());
  if (!(scale > 0) || !std::isfinite(scale))
    return std::nullopt;

  const bool isUnsigned = hasUnsignedLevels(generic);
  int64_t zeroPoint = 0;
  if (generic.getNumDpsInputs() == 3) {
    auto zpAttr = singleConstant<DenseIntElementsAttr>(
        generic.getDpsInputOperand(2)->get());
    if (!zpAttr)
      return std::nullopt;
    APInt zp = *zpAttr->value_begin<APInt>();
    zeroPoint = isUnsigned ? static_cast<int64_t>(zp.getZExtValue())
                           : zp.getSExtValue();
  }
  const unsigned width = levelType.getWidth();
  if (width > 32)
    return std::nullopt;
  const double qMin = isUnsigned ? 0 : -std::ldexp(1.0, width - 1);
  const double qMax =
      isUnsigned ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
  const double maxLevel = std::max(zeroPoint - qMin, qMax - zeroPoint);
  const double limit = levelLimit(bits);
  const double factor =
      maxLevel <= limit + 1 ? 1.0 : std::ceil(maxLevel / limit);
  return scale * factor;
}

/// An activation quantised for a crossbar product.
struct QuantizedActivation {
  Value levels;
  /// 0-D float tensor holding the scale (a constant when static).
  Value scale;
  std::optional<double> staticScale;
};

/// Quantises an activation per tensor: with the static scale of a QDQ
/// DequantizeLinear when there is one, else at run time. A static scale is
/// materialised as a constant only when `needScaleValue`.
QuantizedActivation
quantizeActivation(OpBuilder &b, Location loc, Value x, int64_t bits,
                   bool needScaleValue,
                   std::optional<double> calibratedAbsMax = std::nullopt) {
  auto type = cast<RankedTensorType>(x.getType());
  auto floatType = cast<FloatType>(type.getElementType());
  auto levelType =
      RankedTensorType::get(type.getShape(), storageType(b.getContext(), bits));
  auto scaleType = RankedTensorType::get({}, floatType);
  QuantizedActivation result;
  std::optional<double> scale = staticScale(x, bits);
  if (!scale && calibratedAbsMax)
    scale = *calibratedAbsMax > 0 ? *calibratedAbsMax / levelLimit(bits) : 1.0;
  if (scale) {
    // Round to the float type once so the quantize scale and the rescale
    // operand are the same number.
    APFloat rounded(*scale);
    bool losesInfo = false;
    rounded.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                    &losesInfo);
    result.staticScale = toDouble(rounded);
    result.levels = cim::QuantizeOp::create(
        b, loc, levelType, x, b.getI64IntegerAttr(bits),
        b.getDenseF64ArrayAttr({*result.staticScale}), IntegerAttr());
    if (needScaleValue)
      result.scale = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(scaleType, rounded));
    return result;
  }
  auto dynamic = cim::QuantizeDynamicOp::create(b, loc, levelType, scaleType, x,
                                                b.getI64IntegerAttr(bits));
  result.levels = dynamic.getResult();
  result.scale = dynamic.getScale();
  return result;
}

/// i32 unless the sum of K largest products could overflow it.
IntegerType accumulatorType(MLIRContext *context, int64_t inputBits,
                            int64_t weightBits, int64_t k) {
  const double bound = levelLimit(inputBits) * levelLimit(weightBits) * k;
  return IntegerType::get(
      context, bound <= std::numeric_limits<int32_t>::max() ? 32 : 64);
}

/// Erases the now unused producers of an old float weight.
void eraseIfDead(Value value) {
  Operation *def = value.getDefiningOp();
  if (!def || !def->use_empty() || !isMemoryEffectFree(def))
    return;
  SmallVector<Value> operands(def->getOperands());
  def->erase();
  for (Value operand : operands)
    eraseIfDead(operand);
}

struct QuantizePass : public cim::impl::CIMQuantizeBase<QuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto [name, value] :
         {std::pair<StringRef, int64_t>{"weight-bits", weightBits},
          {"input-bits", inputBits}})
      if (value != 0 && (value < 2 || value > 32)) {
        module.emitError() << "cim-quantize: " << name
                           << " must be 0 (the arch's) or in [2, 32], got "
                           << value;
        return signalPassFailure();
      }

    if (!calibrationTable.empty() && failed(loadCalibration(module)))
      return signalPassFailure();

    SmallVector<cim::CrossbarMatmulOp> products;
    module.walk([&](cim::CrossbarMatmulOp op) {
      // Integer products are done already: the pass is idempotent.
      if (isa<FloatType>(getElementTypeOrSelf(op.getInput())))
        products.push_back(op);
    });
    bool failedAny = false;
    for (cim::CrossbarMatmulOp op : products)
      if (failed(quantizeProduct(op)))
        failedAny = true;
    if (failedAny)
      signalPassFailure();
  }

  /// Reads `calibration-table`: {"<ONNX node>": max |x|, ...}.
  LogicalResult loadCalibration(ModuleOp module) {
    std::ifstream file(calibrationTable);
    nlohmann::json table =
        nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
    if (!file || !table.is_object())
      return module.emitError()
             << "cim-quantize: calibration table '" << calibrationTable
             << "' is not a readable JSON object of input ranges by ONNX node";
    for (const auto &[node, range] : table.items()) {
      if (!range.is_number() || !(range.get<double>() >= 0) ||
          !std::isfinite(range.get<double>()))
        return module.emitError()
               << "cim-quantize: calibration table '" << calibrationTable
               << "' gives node '" << node
               << "' a range that is not a finite number >= 0";
      calibration[node] = range.get<double>();
    }
    return success();
  }

  std::map<std::string, double> calibration;

  /// The bit widths for `op`: the options, else the arch's precision.
  FailureOr<std::pair<int64_t, int64_t>> bitsFor(cim::CrossbarMatmulOp op) {
    int64_t w = weightBits, in = inputBits;
    if (w != 0 && in != 0)
      return std::make_pair(w, in);
    cim::ArchAttr arch = cim::ArchAttr::lookup(op);
    if (!arch) {
      op.emitError() << "cannot quantise: no " << (w == 0 ? "weight" : "input")
                     << " precision (the module has no #cim.arch; attach one "
                        "with --cim-arch or set cim-quantize's "
                     << (w == 0 ? "weight-bits" : "input-bits") << ")";
      return failure();
    }
    if (arch != cachedArch) {
      cachedArch = arch;
      cachedPrecision = arch.getArchSpec().precision;
    }
    if (w == 0)
      w = cachedPrecision.weightBits;
    if (in == 0)
      in = cachedPrecision.inputBits;
    if (w < 2 || w > 32 || in < 2 || in > 32) {
      op.emitError() << "cannot quantise to " << w << "-bit weights and " << in
                     << "-bit inputs from arch '" << arch.getName()
                     << "': symmetric quantisation needs 2 to 32 bits";
      return failure();
    }
    return std::make_pair(w, in);
  }

  LogicalResult quantizeProduct(cim::CrossbarMatmulOp op) {
    FailureOr<std::pair<int64_t, int64_t>> bits = bitsFor(op);
    if (failed(bits))
      return failure();
    auto [wBits, inBits] = *bits;

    auto weightType = cast<RankedTensorType>(op.getWeight().getType());
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    const bool grouped = weightType.getRank() == 3;
    const int64_t groups = grouped ? weightType.getDimSize(0) : 1;
    const int64_t k = weightType.getDimSize(weightType.getRank() - 2);
    const int64_t n = weightType.getDimSize(weightType.getRank() - 1);
    MLIRContext *context = &getContext();
    OpBuilder b(op);
    Location loc = op.getLoc();

    Value weightLevels, idealWeight;
    SmallVector<double> weightScales;
    int64_t usedWeightBits = wBits;
    bool ternary = false;
    std::optional<QuantizedActivation> dynamicWeight;
    if (!op.getReprogram()) {
      WeightReadFailure why;
      FailureOr<WeightValues> w = readFloatWeight(op.getWeight(), why);
      if (failed(w)) {
        if (why == WeightReadFailure::MissingBlob)
          return op.emitError() << "cannot quantise: the weight's "
                                   "dense_resource blob holds no data (elided "
                                   "when the module was printed?)";
        return op.emitError()
               << "cannot quantise: the weight is not a float constant the "
                  "quantiser can read (arith.constant, possibly dequantised, "
                  "reshaped or transposed)";
      }
      if (!llvm::all_of(w->values, [](double v) { return std::isfinite(v); }))
        return op.emitError()
               << "cannot quantise: the weight holds non-finite values";
      QuantizedWeight q = quantizeWeight(*w, groups, k, n, wBits);
      usedWeightBits = q.bits;
      ternary = q.ternary;
      weightScales = std::move(q.scales);
      auto levelType = RankedTensorType::get(
          weightType.getShape(), storageType(context, usedWeightBits));
      weightLevels =
          arith::ConstantOp::create(b, loc, levelsAttr(levelType, q.levels));
      // The ideal reference is the weight's real values as a constant (the
      // ops that reshaped or dequantised it then die like before).
      if (op.getWeight().getDefiningOp<arith::ConstantOp>()) {
        idealWeight = op.getWeight();
      } else {
        auto floatType = cast<FloatType>(weightType.getElementType());
        SmallVector<APFloat> values;
        values.reserve(w->values.size());
        for (double v : w->values) {
          APFloat value(v);
          bool losesInfo = false;
          value.convert(floatType.getFloatSemantics(),
                        APFloat::rmNearestTiesToEven, &losesInfo);
          values.push_back(value);
        }
        idealWeight = arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(weightType, values));
      }
    } else {
      // The weight is an activation written into the arrays at run time:
      // quantised per tensor like an input, so its scale is one number that
      // joins the input's in the rescale.
      // Its own node name ("<node>:weight"), so that calibration tables
      // keep the input's range apart from the weight's.
      Location weightLoc = NameLoc::get(
          b.getStringAttr(onnxNodeName(loc) + ":weight"), loc);
      dynamicWeight = quantizeActivation(b, weightLoc, op.getWeight(), wBits,
                                         /*needScaleValue=*/false);
      weightLevels = dynamicWeight->levels;
      weightScales.assign(groups * n, dynamicWeight->staticScale.value_or(1.0));
    }

    std::optional<double> calibrated;
    if (auto found = calibration.find(onnxNodeName(op.getLoc()));
        found != calibration.end())
      calibrated = found->second;
    QuantizedActivation input =
        quantizeActivation(b, loc, op.getInput(), inBits,
                           /*needScaleValue=*/true, calibrated);
    if (input.staticScale)
      ++numStaticInputScales;
    Value inputScale = input.scale;
    if (dynamicWeight && !dynamicWeight->staticScale) {
      // The two run-time scales' product, on the digital unit (a 0-d
      // linalg.generic: the vector unit's loop nest of one point).
      auto scaleType = cast<RankedTensorType>(inputScale.getType());
      Value init = tensor::EmptyOp::create(b, loc, scaleType.getShape(),
                                           scaleType.getElementType());
      AffineMap scalar = AffineMap::get(0, 0, {}, context);
      inputScale =
          linalg::GenericOp::create(
              b, loc, TypeRange{scaleType},
              ValueRange{inputScale, dynamicWeight->scale}, ValueRange{init},
              ArrayRef<AffineMap>{scalar, scalar, scalar},
              ArrayRef<utils::IteratorType>{},
              [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
                Value product = arith::MulFOp::create(nested, nestedLoc,
                                                      args[0], args[1]);
                linalg::YieldOp::create(nested, nestedLoc, product);
              })
              .getResult(0);
    }

    auto accType = RankedTensorType::get(
        resultType.getShape(),
        accumulatorType(context, inBits, usedWeightBits, k));
    auto product = cim::CrossbarMatmulOp::create(
        b, loc, accType, input.levels, weightLevels, op.getReprogram());
    // Keep the annotations of earlier passes (cim.path, cim.matrix_id, ...).
    for (NamedAttribute attr : op->getDiscardableAttrs())
      product->setAttr(attr.getName(), attr.getValue());
    product->setAttr("cim.weight_bits", b.getI64IntegerAttr(usedWeightBits));
    if (ternary)
      product->setAttr("cim.ternary", b.getUnitAttr());
    else
      product->removeAttr("cim.ternary");

    // The float operands are the product's ideal reference (a run-time
    // weight's too: its float value exists when the product runs).
    if (!idealWeight)
      idealWeight = op.getWeight();
    Value idealInput = idealWeight ? op.getInput() : Value();
    auto rescale = cim::RescaleOp::create(
        b, loc, resultType, product.getResult(), inputScale, idealInput,
        idealWeight, b.getDenseF64ArrayAttr(weightScales));
    LLVM_DEBUG(llvm::dbgs()
               << "cim-quantize: " << loc << ": W=" << usedWeightBits
               << (ternary ? " (ternary)" : "") << " I=" << inBits
               << (input.staticScale ? " static" : " dynamic") << "\n");
    Value oldWeight = op.getWeight();
    op.getResult().replaceAllUsesWith(rescale.getResult());
    op.erase();
    if (!dynamicWeight)
      eraseIfDead(oldWeight);

    ++numQuantizedProducts;
    if (ternary)
      ++numTernary;
    return success();
  }

  cim::ArchAttr cachedArch;
  cim::arch::PrecisionSpec cachedPrecision;
};

} // namespace
