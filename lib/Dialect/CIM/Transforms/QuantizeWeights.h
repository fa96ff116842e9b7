//===- QuantizeWeights.h - Read and quantise crossbar weights -*- C++ -*-===//
//
// The weight half of cim-quantize (Quantize.cpp): reading a stationary
// weight's values and quantising them per output channel.
//
//===----------------------------------------------------------------------===//

#ifndef CIM_LIB_DIALECT_CIM_TRANSFORMS_QUANTIZEWEIGHTS_H
#define CIM_LIB_DIALECT_CIM_TRANSFORMS_QUANTIZEWEIGHTS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallVector.h"

#include <cmath>
#include <cstdint>
#include <vector>

namespace cim::quantization {

/// Bound on the ops walked back from a product's operand.
constexpr unsigned kMaxWalkDepth = 16;

/// Largest level of `bits`-bit symmetric narrow-range quantisation.
inline double levelLimit(int64_t bits) { return std::ldexp(1.0, bits - 1) - 1; }

/// `value` converted (rounding to nearest) to double.
double toDouble(llvm::APFloat value);

/// Why a weight could not be read; the caller words the diagnostic.
enum class WeightReadFailure { NotConstant, MissingBlob };

/// The row-major values of a constant weight and, when it comes from an
/// ONNX DequantizeLinear, the model's scale of each element.
struct WeightValues {
  std::vector<double> values;
  /// Empty when the weight was stored in float.
  std::vector<double> modelScales;
};

/// The row-major values of a stationary float weight: a constant (dense or
/// a dense_resource blob), possibly dequantised (QDQ models), reshaped or
/// transposed by ops that have not been folded.
mlir::FailureOr<WeightValues> readFloatWeight(mlir::Value value,
                                              WeightReadFailure &why);

/// The importer's form of an ONNX DequantizeLinear: an elementwise generic
/// tagged onnx.qdq = "dequantize" over (levels, scale[, zero point]).
mlir::linalg::GenericOp asDequantize(mlir::Value value);

/// The importer widens unsigned ONNX integers (held as signless) with
/// arith.uitofp on the block argument of the levels.
bool hasUnsignedLevels(mlir::linalg::GenericOp dequantize);

/// A weight quantised per (group, output channel).
struct QuantizedWeight {
  /// Row-major levels, same shape as the weight.
  std::vector<int64_t> levels;
  /// One per output channel, group-major: scales[g * N + n].
  llvm::SmallVector<double> scales;
  int64_t bits = 0;
  bool ternary = false;
};

/// Quantises a [G, K, N] weight (G = 1 for the plain form) per column
/// (g, n): scale = max_k |w| / (2^(W-1) - 1), 1 for an all-zero column.
/// When every column's nonzero weights share one magnitude, the weight is
/// ternary and takes 2 bits with that magnitude as scale, which is the same
/// formula at W = 2. A column dequantised by the model (QDQ) with one
/// scale keeps that scale when its levels fit W bits: the model's own
/// levels, exactly, rather than a requantisation of them.
QuantizedWeight quantizeWeight(const WeightValues &weight, int64_t groups,
                               int64_t k, int64_t n, int64_t bits);

} // namespace cim::quantization

#endif // CIM_LIB_DIALECT_CIM_TRANSFORMS_QUANTIZEWEIGHTS_H
