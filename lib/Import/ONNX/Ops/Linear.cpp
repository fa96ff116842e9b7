//===- Linear.cpp - MatMul and Gemm ---------------------------------------===//
//
// Matrix products become linalg.matmul (2-D) or linalg.batch_matmul (batched,
// batch dims broadcast and collapsed to one). A 2-D right operand against an
// N-D left one, the `x[B,S,K] @ W[K,N]` of transformers, stays one 2-D
// linalg.matmul over the collapsed rows, so the weight stays stationary and
// 2-D for the crossbar passes. Transposed constant operands are transposed
// on the host, so weights reach the IR as constants in their final layout.
//
//===----------------------------------------------------------------------===//

#include "../Builders.h"
#include "../ImportContext.h"
#include "../OpRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace cim::onnx_import;

namespace {

/// A 2-D host tensor transposed. Done at import so that a transposed weight
/// is still one constant, not a linalg.transpose the crossbar mapping would
/// have to look through.
HostTensor transposeHost2D(const HostTensor &tensor) {
  const int64_t rows = tensor.shape[0], cols = tensor.shape[1];
  const int64_t size = elementSize(tensor.dtype);
  const std::string &src = *tensor.bytes;
  auto dst = std::make_shared<std::string>(src.size(), '\0');
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      std::copy_n(src.data() + (r * cols + c) * size, size,
                  dst->data() + (c * rows + r) * size);
  HostTensor result;
  result.dtype = tensor.dtype;
  result.shape = {cols, rows};
  result.bytes = std::move(dst);
  return result;
}

/// linalg.matmul or linalg.batch_matmul into a zero-filled accumulator.
template <typename OpTy>
Value contract(OpBuilder &b, Location loc, Value lhs, Value rhs,
               ArrayRef<int64_t> resultShape, Type elementType) {
  auto type = RankedTensorType::get(resultShape, elementType);
  Value acc = filledTensor(b, loc, type, 0.0);
  return OpTy::create(b, loc, TypeRange{type}, ValueRange{lhs, rhs},
                      ValueRange{acc})
      .getResult(0);
}

/// Numpy broadcast of two batch shapes; nullopt when incompatible.
std::optional<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                    ArrayRef<int64_t> b) {
  const size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    result[i] = da == 1 ? db : da;
  }
  return result;
}

int64_t product(ArrayRef<int64_t> shape) {
  int64_t p = 1;
  for (int64_t d : shape)
    p *= d;
  return p;
}

LogicalResult importMatMul(ImportContext &ctx) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  FailureOr<Value> lhsOr = ctx.input(0), rhsOr = ctx.input(1);
  FailureOr<RankedTensorType> outType = ctx.outputType(0);
  if (failed(lhsOr) || failed(rhsOr) || failed(outType))
    return failure();
  Value lhs = *lhsOr, rhs = *rhsOr;
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  if (lhsType.getRank() == 0 || rhsType.getRank() == 0)
    return ctx.fail("MatMul operands must have rank >= 1");
  if (lhsType.getElementType() != rhsType.getElementType() ||
      lhsType.getElementType() != outType->getElementType())
    return ctx.fail("MatMul operands and result must share one element type");
  Type elementType = outType->getElementType();

  // numpy: a 1-D left operand is a row [1,K], a 1-D right one a column
  // [K,1]; the unit dim is dropped from the result (the final reshape).
  SmallVector<int64_t> lhsShape(lhsType.getShape());
  SmallVector<int64_t> rhsShape(rhsType.getShape());
  if (lhsShape.size() == 1)
    lhsShape.insert(lhsShape.begin(), 1);
  if (rhsShape.size() == 1)
    rhsShape.push_back(1);
  lhs = reshapeTo(b, loc, lhs, lhsShape);
  rhs = reshapeTo(b, loc, rhs, rhsShape);

  const int64_t m = lhsShape[lhsShape.size() - 2];
  const int64_t k = lhsShape.back();
  const int64_t n = rhsShape.back();
  if (rhsShape[rhsShape.size() - 2] != k)
    return ctx.fail(
        "MatMul contraction sizes differ: " + shapeString(lhsType.getShape()) +
        " x " + shapeString(rhsType.getShape()));
  ArrayRef<int64_t> lhsBatch = ArrayRef<int64_t>(lhsShape).drop_back(2);
  ArrayRef<int64_t> rhsBatch = ArrayRef<int64_t>(rhsShape).drop_back(2);
  std::optional<SmallVector<int64_t>> batch =
      broadcastShapes(lhsBatch, rhsBatch);
  if (!batch)
    return ctx.fail("MatMul batch dims do not broadcast: " +
                    shapeString(lhsType.getShape()) + " x " +
                    shapeString(rhsType.getShape()));
  SmallVector<int64_t> fullShape(*batch);
  fullShape.append({m, n});
  // The result drops the unit dims that 1-D operands gained.
  SmallVector<int64_t> resultShape(*batch);
  if (lhsType.getRank() > 1)
    resultShape.push_back(m);
  if (rhsType.getRank() > 1)
    resultShape.push_back(n);
  if (outType->getShape() != ArrayRef<int64_t>(resultShape))
    return ctx.fail("MatMul result " + shapeString(resultShape) +
                    " does not match the inferred output " +
                    shapeString(outType->getShape()));

  Value result;
  if (rhsBatch.empty()) {
    // A 2-D right operand: every batch row block meets the same matrix, so
    // the left rows collapse into one 2-D product.
    const int64_t rows = product(ArrayRef<int64_t>(lhsShape).drop_back());
    Value rows2d = reshapeTo(b, loc, lhs, {rows, k});
    result =
        contract<linalg::MatmulOp>(b, loc, rows2d, rhs, {rows, n}, elementType);
  } else {
    // Broadcast both batches to the common one, fold it into one dim.
    const int64_t count = product(*batch);
    SmallVector<int64_t> lhsFull(*batch), rhsFull(*batch);
    lhsFull.append({m, k});
    rhsFull.append({k, n});
    Value lhs3d =
        reshapeTo(b, loc, broadcastTo(b, loc, lhs, lhsFull), {count, m, k});
    Value rhs3d =
        reshapeTo(b, loc, broadcastTo(b, loc, rhs, rhsFull), {count, k, n});
    result = contract<linalg::BatchMatmulOp>(b, loc, lhs3d, rhs3d,
                                             {count, m, n}, elementType);
  }
  result = reshapeTo(b, loc, result, fullShape);
  ctx.setOutput(0, reshapeTo(b, loc, result, outType->getShape()));
  return success();
}

/// Gemm operand `index`, transposed when `trans`: on the host for constants.
FailureOr<Value> gemmOperand(ImportContext &ctx, size_t index, bool trans) {
  const HostTensor *constant = ctx.constantInput(index);
  if (trans && constant && constant->shape.size() == 2 &&
      elementSize(constant->dtype) > 0)
    return ctx.materialize(transposeHost2D(*constant));
  FailureOr<Value> value = ctx.input(index);
  if (failed(value) || !trans)
    return value;
  return transpose(ctx.builder(), ctx.loc(), *value, {1, 0});
}

LogicalResult importGemm(ImportContext &ctx) {
  OpBuilder &b = ctx.builder();
  Location loc = ctx.loc();
  const NodeAttributes &attrs = ctx.attrs();
  const double alpha = attrs.getFloat("alpha", 1.0f);
  const double beta = attrs.getFloat("beta", 1.0f);
  const bool transA = attrs.getInt("transA", 0) != 0;
  const bool transB = attrs.getInt("transB", 0) != 0;
  if (!ctx.hasInput(0) || !ctx.hasInput(1))
    return ctx.fail("inputs A and B are required");
  for (size_t i = 0; i < 2; ++i) {
    RankedTensorType type = ctx.inputType(i);
    if (!type)
      return failure(); // typeOf reported why
    if (type.getRank() != 2)
      return ctx.fail("Gemm operands A and B must be 2-D");
  }

  FailureOr<Value> lhs = gemmOperand(ctx, 0, transA);
  FailureOr<Value> rhs = gemmOperand(ctx, 1, transB);
  FailureOr<RankedTensorType> outType = ctx.outputType(0);
  if (failed(lhs) || failed(rhs) || failed(outType))
    return failure();
  auto lhsType = cast<RankedTensorType>(lhs->getType());
  auto rhsType = cast<RankedTensorType>(rhs->getType());
  const int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1);
  const int64_t n = rhsType.getDimSize(1);
  if (rhsType.getDimSize(0) != k)
    return ctx.fail("Gemm contraction sizes differ: op(A) is " +
                    shapeString(lhsType.getShape()) + ", op(B) is " +
                    shapeString(rhsType.getShape()));
  if (outType->getShape() != ArrayRef<int64_t>{m, n})
    return ctx.fail("Gemm result [" + std::to_string(m) + "," +
                    std::to_string(n) + "] does not match the inferred " +
                    "output " + shapeString(outType->getShape()));
  Type elementType = outType->getElementType();
  const bool isFloat = isa<FloatType>(elementType);
  if (lhsType.getElementType() != elementType ||
      rhsType.getElementType() != elementType)
    return ctx.fail("Gemm operands and result must share one element type");

  const bool hasC = ctx.hasInput(2) && beta != 0.0;
  const bool scaleProduct = alpha != 1.0;
  const bool scaleC = hasC && beta != 1.0;
  if (!isFloat && (scaleProduct || scaleC))
    return ctx.fail("integer Gemm with alpha or beta other than 1 is not "
                    "supported");

  Value product =
      contract<linalg::MatmulOp>(b, loc, *lhs, *rhs, {m, n}, elementType);
  if (!hasC && !scaleProduct) {
    ctx.setOutput(0, product);
    return success();
  }

  SmallVector<Value> inputs{product};
  if (hasC) {
    FailureOr<Value> c = ctx.input(2);
    if (failed(c))
      return failure();
    // C broadcasts unidirectionally to [M, N].
    auto cType = cast<RankedTensorType>(c->getType());
    bool ok = cType.getRank() <= 2 && cType.getElementType() == elementType;
    for (int64_t i = 0; ok && i < cType.getRank(); ++i) {
      int64_t target = i == cType.getRank() - 1 ? n : m;
      ok = cType.getDimSize(i) == 1 || cType.getDimSize(i) == target;
    }
    if (!ok)
      return ctx.fail("Gemm C of shape " + shapeString(cType.getShape()) +
                      " does not broadcast to [" + std::to_string(m) + "," +
                      std::to_string(n) + "]");
    inputs.push_back(*c);
  }
  ctx.setOutput(
      0, broadcastElementwise(
             b, loc, *outType, inputs,
             [&](OpBuilder &nb, Location nl, ValueRange args) -> Value {
               Value y = args[0];
               if (scaleProduct)
                 y = arith::MulFOp::create(
                     nb, nl, y, scalarConstant(nb, nl, elementType, alpha));
               if (args.size() < 2)
                 return y;
               Value c = args[1];
               if (scaleC)
                 c = arith::MulFOp::create(
                     nb, nl, c, scalarConstant(nb, nl, elementType, beta));
               if (isFloat)
                 return arith::AddFOp::create(nb, nl, y, c);
               return arith::AddIOp::create(nb, nl, y, c);
             }));
  return success();
}

} // namespace

void cim::onnx_import::registerLinearOps(OpRegistry &r) {
  const std::string family = "Linear algebra";
  r.add("MatMul", importMatMul, family, "linalg.matmul / linalg.batch_matmul",
        "numpy semantics (1-D operands, broadcast batch dims); a 2-D right "
        "operand collapses the left batch into one 2-D linalg.matmul; "
        "operands and result of one element type");
  r.add("Gemm", importGemm, family,
        "linalg.matmul (+ linalg.generic for alpha, beta, C)",
        "transposed constant operands are transposed at import; C broadcasts "
        "unidirectionally; integer Gemm only with alpha = beta = 1");
}
