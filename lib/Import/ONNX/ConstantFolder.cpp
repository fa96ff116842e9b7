//===- ConstantFolder.cpp - Evaluate ONNX nodes on constant inputs ----------===//

#include "ConstantFolder.h"
#include "NodeAttributes.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <set>

using namespace cim::onnx_import;
using onnx::TensorProto;

namespace {

/// Elementwise evaluation widens to double; this bound keeps folding cheap
/// (shape arithmetic is tiny; big weights are never widened).
constexpr int64_t kMaxFoldElements = int64_t(1) << 22;

using Shape = std::vector<int64_t>;

int64_t product(const Shape &shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

Shape strides(const Shape &shape) {
  Shape result(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    result[i] = result[i + 1] * shape[i + 1];
  return result;
}

int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

bool broadcastShapes(const std::vector<const HostTensor *> &inputs,
                     Shape &out) {
  size_t rank = 0;
  for (const HostTensor *t : inputs)
    rank = std::max(rank, t->shape.size());
  out.assign(rank, 1);
  for (const HostTensor *t : inputs) {
    size_t offset = rank - t->shape.size();
    for (size_t i = 0; i < t->shape.size(); ++i) {
      int64_t d = t->shape[i], &o = out[offset + i];
      if (d == o || d == 1)
        continue;
      if (o != 1)
        return false;
      o = d;
    }
  }
  return true;
}

/// Index of the element of `t` that output element `linear` reads under
/// numpy broadcasting.
int64_t broadcastIndex(const HostTensor &t, const Shape &outShape,
                       const Shape &outStrides, int64_t linear) {
  const Shape tStrides = strides(t.shape);
  size_t offset = outShape.size() - t.shape.size();
  int64_t index = 0;
  for (size_t i = 0; i < t.shape.size(); ++i) {
    int64_t coord = (linear / outStrides[offset + i]) % outShape[offset + i];
    if (t.shape[i] != 1)
      index += coord * tStrides[i];
  }
  return index;
}

using Elementwise = std::function<double(const std::vector<double> &)>;

bool foldElementwise(const std::vector<const HostTensor *> &inputs,
                     int32_t outDtype, const Elementwise &fn,
                     std::vector<HostTensor> &outputs) {
  Shape outShape;
  if (!broadcastShapes(inputs, outShape) || product(outShape) > kMaxFoldElements)
    return false;
  std::vector<std::vector<double>> values;
  for (const HostTensor *t : inputs)
    values.push_back(t->toDouble());
  const Shape outStrides = strides(outShape);
  const int64_t n = product(outShape);
  std::vector<double> result(static_cast<size_t>(n));
  std::vector<double> args(inputs.size());
  for (int64_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < inputs.size(); ++k)
      args[k] = values[k][broadcastIndex(*inputs[k], outShape, outStrides, i)];
    result[i] = fn(args);
  }
  outputs.push_back(HostTensor::fromDouble(outDtype, outShape, result));
  return true;
}

/// Gathers elements of `t` at flat indices into a tensor of `shape`,
/// sharing nothing (bytes are copied element by element).
HostTensor gatherFlat(const HostTensor &t, const Shape &shape,
                      const std::vector<int64_t> &indices) {
  const int64_t size = elementSize(t.dtype);
  std::string data(indices.size() * size, '\0');
  for (size_t i = 0; i < indices.size(); ++i)
    std::copy_n(t.bytes->data() + indices[i] * size, size,
                data.data() + i * size);
  HostTensor out;
  out.dtype = t.dtype;
  out.shape = shape;
  out.bytes = std::make_shared<const std::string>(std::move(data));
  return out;
}

std::optional<std::vector<int64_t>>
intsInput(const std::vector<const HostTensor *> &inputs, size_t index) {
  if (index >= inputs.size() || !inputs[index])
    return std::nullopt;
  return inputs[index]->toInt64();
}

const std::map<std::string, Elementwise> &unaryFunctions() {
  static const std::map<std::string, Elementwise> table = {
      {"Neg", [](auto &a) { return -a[0]; }},
      {"Abs", [](auto &a) { return std::fabs(a[0]); }},
      {"Sqrt", [](auto &a) { return std::sqrt(a[0]); }},
      {"Exp", [](auto &a) { return std::exp(a[0]); }},
      {"Log", [](auto &a) { return std::log(a[0]); }},
      {"Reciprocal", [](auto &a) { return 1.0 / a[0]; }},
      {"Floor", [](auto &a) { return std::floor(a[0]); }},
      {"Ceil", [](auto &a) { return std::ceil(a[0]); }},
      {"Relu", [](auto &a) { return std::max(a[0], 0.0); }},
      {"Sigmoid", [](auto &a) { return 1.0 / (1.0 + std::exp(-a[0])); }},
      {"Tanh", [](auto &a) { return std::tanh(a[0]); }},
      {"Sign", [](auto &a) { return double((a[0] > 0) - (a[0] < 0)); }},
  };
  return table;
}

const std::map<std::string, Elementwise> &binaryFunctions() {
  static const std::map<std::string, Elementwise> table = {
      {"Add", [](auto &a) { return a[0] + a[1]; }},
      {"Sub", [](auto &a) { return a[0] - a[1]; }},
      {"Mul", [](auto &a) { return a[0] * a[1]; }},
      {"Div", [](auto &a) { return a[0] / a[1]; }},
      {"Pow", [](auto &a) { return std::pow(a[0], a[1]); }},
  };
  return table;
}

const std::map<std::string, Elementwise> &comparisonFunctions() {
  static const std::map<std::string, Elementwise> table = {
      {"Equal", [](auto &a) { return double(a[0] == a[1]); }},
      {"Less", [](auto &a) { return double(a[0] < a[1]); }},
      {"LessOrEqual", [](auto &a) { return double(a[0] <= a[1]); }},
      {"Greater", [](auto &a) { return double(a[0] > a[1]); }},
      {"GreaterOrEqual", [](auto &a) { return double(a[0] >= a[1]); }},
      {"And", [](auto &a) { return double(a[0] != 0 && a[1] != 0); }},
      {"Or", [](auto &a) { return double(a[0] != 0 || a[1] != 0); }},
      {"Xor", [](auto &a) { return double((a[0] != 0) != (a[1] != 0)); }},
  };
  return table;
}

const std::set<std::string> &shapeOps() {
  static const std::set<std::string> ops = {
      "Identity", "Dropout",   "Reshape", "Flatten", "Squeeze",
      "Unsqueeze", "Shape",    "Size",    "Cast",    "Concat",
      "Gather",   "Slice",     "Transpose", "Expand", "ConstantOfShape",
      "Range",    "Where",     "Not",     "Min",     "Max",
      "ReduceProd", "ReduceSum", "ReduceMin", "ReduceMax", "ReduceMean"};
  return ops;
}

bool foldReshapeLike(const std::string &op, const NodeAttributes &attrs,
                     const std::vector<const HostTensor *> &inputs,
                     std::vector<HostTensor> &outputs) {
  const HostTensor &x = *inputs[0];
  const int64_t rank = x.shape.size();
  Shape shape;
  if (op == "Identity" || op == "Dropout") {
    outputs.push_back(x);
    return true;
  }
  if (op == "Reshape") {
    auto target = intsInput(inputs, 1);
    if (!target)
      return false;
    bool allowZero = attrs.getInt("allowzero", 0) != 0;
    int64_t inferred = -1, known = 1;
    for (size_t i = 0; i < target->size(); ++i) {
      int64_t d = (*target)[i];
      if (d == 0 && !allowZero)
        d = x.shape[i];
      if (d == -1)
        inferred = i;
      else
        known *= d;
      shape.push_back(d);
    }
    if (inferred >= 0)
      shape[inferred] = known ? x.numElements() / known : 0;
  } else if (op == "Flatten") {
    int64_t axis = normalizeAxis(attrs.getInt("axis", 1), rank);
    Shape outer(x.shape.begin(), x.shape.begin() + axis);
    Shape inner(x.shape.begin() + axis, x.shape.end());
    shape = {product(outer), product(inner)};
  } else if (op == "Squeeze") {
    auto axes = intsInput(inputs, 1);
    std::set<int64_t> drop;
    if (axes)
      for (int64_t a : *axes)
        drop.insert(normalizeAxis(a, rank));
    for (int64_t i = 0; i < rank; ++i)
      if (axes ? !drop.count(i) : x.shape[i] != 1)
        shape.push_back(x.shape[i]);
  } else { // Unsqueeze
    auto axes = intsInput(inputs, 1);
    if (!axes)
      return false;
    const int64_t outRank = rank + axes->size();
    std::set<int64_t> add;
    for (int64_t a : *axes)
      add.insert(normalizeAxis(a, outRank));
    for (int64_t i = 0, j = 0; i < outRank; ++i)
      shape.push_back(add.count(i) ? 1 : x.shape[j++]);
  }
  if (product(shape) != x.numElements())
    return false;
  outputs.push_back(x.reshaped(shape));
  return true;
}

bool foldIndexing(const std::string &op, const NodeAttributes &attrs,
                  const std::vector<const HostTensor *> &inputs,
                  std::vector<HostTensor> &outputs) {
  const HostTensor &x = *inputs[0];
  const int64_t rank = x.shape.size();
  const Shape xStrides = strides(x.shape);
  if (x.numElements() > kMaxFoldElements)
    return false;
  if (op == "Gather") {
    int64_t axis = normalizeAxis(attrs.getInt("axis", 0), rank);
    std::vector<int64_t> indices = inputs[1]->toInt64();
    Shape shape(x.shape.begin(), x.shape.begin() + axis);
    shape.insert(shape.end(), inputs[1]->shape.begin(), inputs[1]->shape.end());
    shape.insert(shape.end(), x.shape.begin() + axis + 1, x.shape.end());
    const int64_t outer = product(Shape(x.shape.begin(), x.shape.begin() + axis));
    const int64_t inner = xStrides[axis];
    std::vector<int64_t> flat;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t idx : indices) {
        if (idx < 0)
          idx += x.shape[axis];
        if (idx < 0 || idx >= x.shape[axis])
          return false;
        for (int64_t i = 0; i < inner; ++i)
          flat.push_back(o * x.shape[axis] * inner + idx * inner + i);
      }
    outputs.push_back(gatherFlat(x, shape, flat));
    return true;
  }
  if (op == "Slice") {
    auto starts = intsInput(inputs, 1), ends = intsInput(inputs, 2);
    if (!starts || !ends)
      return false;
    std::vector<int64_t> axes = intsInput(inputs, 3).value_or(
        std::vector<int64_t>());
    if (axes.empty())
      for (size_t i = 0; i < starts->size(); ++i)
        axes.push_back(i);
    std::vector<int64_t> steps =
        intsInput(inputs, 4).value_or(std::vector<int64_t>(axes.size(), 1));
    Shape begin(rank, 0), step(rank, 1), shape = x.shape;
    for (size_t k = 0; k < axes.size(); ++k) {
      int64_t a = normalizeAxis(axes[k], rank), dim = x.shape[a];
      int64_t s = (*starts)[k], e = (*ends)[k], st = steps[k];
      if (st == 0)
        return false;
      s = s < 0 ? s + dim : s;
      e = e < 0 ? e + dim : e;
      if (st > 0) {
        s = std::clamp<int64_t>(s, 0, dim);
        e = std::clamp<int64_t>(e, 0, dim);
        shape[a] = std::max<int64_t>(0, (e - s + st - 1) / st);
      } else {
        // Negative steps: start clamps to [0, dim-1], end to [-1, dim-1].
        s = std::clamp<int64_t>(s, 0, dim - 1);
        e = std::clamp<int64_t>(e, -1, dim - 1);
        shape[a] = std::max<int64_t>(0, (s - e - st - 1) / -st);
      }
      begin[a] = s;
      step[a] = st;
    }
    const Shape outStrides = strides(shape);
    std::vector<int64_t> flat(product(shape));
    for (int64_t i = 0; i < static_cast<int64_t>(flat.size()); ++i) {
      int64_t index = 0;
      for (int64_t d = 0; d < rank; ++d)
        index += (begin[d] + ((i / outStrides[d]) % shape[d]) * step[d]) *
                 xStrides[d];
      flat[i] = index;
    }
    outputs.push_back(gatherFlat(x, shape, flat));
    return true;
  }
  if (op == "Transpose") {
    std::vector<int64_t> perm = attrs.getInts("perm", {});
    if (perm.empty())
      for (int64_t i = rank - 1; i >= 0; --i)
        perm.push_back(i);
    Shape shape(rank);
    for (int64_t d = 0; d < rank; ++d)
      shape[d] = x.shape[perm[d]];
    const Shape outStrides = strides(shape);
    std::vector<int64_t> flat(x.numElements());
    for (int64_t i = 0; i < static_cast<int64_t>(flat.size()); ++i) {
      int64_t index = 0;
      for (int64_t d = 0; d < rank; ++d)
        index += ((i / outStrides[d]) % shape[d]) * xStrides[perm[d]];
      flat[i] = index;
    }
    outputs.push_back(gatherFlat(x, shape, flat));
    return true;
  }
  if (op == "Concat") {
    int64_t axis = normalizeAxis(attrs.getInt("axis", 0), rank);
    Shape shape = x.shape;
    shape[axis] = 0;
    for (const HostTensor *t : inputs)
      shape[axis] += t->shape[axis];
    std::string data;
    const int64_t outer =
        product(Shape(x.shape.begin(), x.shape.begin() + axis));
    const int64_t size = elementSize(x.dtype);
    for (int64_t o = 0; o < outer; ++o)
      for (const HostTensor *t : inputs) {
        int64_t chunk = t->numElements() / std::max<int64_t>(outer, 1) * size;
        data.append(t->bytes->data() + o * chunk, chunk);
      }
    HostTensor out;
    out.dtype = x.dtype;
    out.shape = shape;
    out.bytes = std::make_shared<const std::string>(std::move(data));
    outputs.push_back(out);
    return true;
  }
  if (op == "Expand") {
    auto target = intsInput(inputs, 1);
    if (!target)
      return false;
    HostTensor shapeTensor = HostTensor::fromInt64(x.dtype, *target,
                                                   std::vector<int64_t>(
                                                       product(*target), 0));
    Shape outShape;
    if (!broadcastShapes({&x, &shapeTensor}, outShape) ||
        product(outShape) > kMaxFoldElements)
      return false;
    const Shape outStrides = strides(outShape);
    std::vector<int64_t> flat(product(outShape));
    for (int64_t i = 0; i < static_cast<int64_t>(flat.size()); ++i)
      flat[i] = broadcastIndex(x, outShape, outStrides, i);
    outputs.push_back(gatherFlat(x, outShape, flat));
    return true;
  }
  return false;
}

bool foldReduction(const std::string &op, const NodeAttributes &attrs,
                   const std::vector<const HostTensor *> &inputs,
                   std::vector<HostTensor> &outputs) {
  const HostTensor &x = *inputs[0];
  const int64_t rank = x.shape.size();
  if (x.numElements() > kMaxFoldElements)
    return false;
  // Axes come as an attribute up to opset 17 (ReduceSum: an input from 13).
  std::vector<int64_t> axes = intsInput(inputs, 1).value_or(
      attrs.getInts("axes", std::vector<int64_t>()));
  if (axes.empty()) {
    if (attrs.getInt("noop_with_empty_axes", 0)) {
      outputs.push_back(x);
      return true;
    }
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  std::set<int64_t> reduced;
  for (int64_t a : axes)
    reduced.insert(normalizeAxis(a, rank));
  const bool keep = attrs.getInt("keepdims", 1) != 0;
  Shape kept, outShape;
  for (int64_t d = 0; d < rank; ++d) {
    kept.push_back(reduced.count(d) ? 1 : x.shape[d]);
    if (!reduced.count(d) || keep)
      outShape.push_back(kept.back());
  }
  const std::vector<double> values = x.toDouble();
  const Shape xStrides = strides(x.shape), keptStrides = strides(kept);
  const int64_t outCount = product(kept);
  std::vector<double> acc(outCount, op == "ReduceProd"  ? 1.0
                                    : op == "ReduceMin" ? INFINITY
                                    : op == "ReduceMax" ? -INFINITY
                                                        : 0.0);
  for (int64_t i = 0; i < x.numElements(); ++i) {
    int64_t target = 0;
    for (int64_t d = 0; d < rank; ++d)
      if (!reduced.count(d))
        target += ((i / xStrides[d]) % x.shape[d]) * keptStrides[d];
    double v = values[i];
    double &a = acc[target];
    a = op == "ReduceProd"  ? a * v
        : op == "ReduceMin" ? std::min(a, v)
        : op == "ReduceMax" ? std::max(a, v)
                            : a + v;
  }
  if (op == "ReduceMean")
    for (double &a : acc)
      a /= static_cast<double>(x.numElements() / std::max<int64_t>(outCount, 1));
  outputs.push_back(HostTensor::fromDouble(x.dtype, outShape, acc));
  return true;
}

} // namespace

bool cim::onnx_import::isFoldableOp(const std::string &opType) {
  return unaryFunctions().count(opType) || binaryFunctions().count(opType) ||
         comparisonFunctions().count(opType) || shapeOps().count(opType);
}

bool cim::onnx_import::foldConstantNode(
    const onnx::NodeProto &node, const std::vector<const HostTensor *> &inputs,
    std::vector<HostTensor> &outputs) {
  const std::string &op = node.op_type();
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return false;
  if (!isFoldableOp(op))
    return false;
  NodeAttributes attrs(node);
  // ConstantOfShape and Range have only scalar/shape inputs; everything else
  // needs its first input.
  if (op != "ConstantOfShape" && (inputs.empty() || !inputs[0]))
    return false;
  std::vector<const HostTensor *> present;
  for (const HostTensor *t : inputs)
    if (t)
      present.push_back(t);

  if (auto it = unaryFunctions().find(op); it != unaryFunctions().end())
    return foldElementwise({inputs[0]}, inputs[0]->dtype, it->second, outputs);
  if (auto it = binaryFunctions().find(op); it != binaryFunctions().end()) {
    if (present.size() != 2)
      return false;
    Elementwise fn = it->second;
    // Integer division truncates toward zero, as in ONNX.
    if (op == "Div" && inputs[0]->isInteger())
      fn = [](auto &a) { return a[1] == 0 ? 0.0 : std::trunc(a[0] / a[1]); };
    return foldElementwise(present, inputs[0]->dtype, fn, outputs);
  }
  if (auto it = comparisonFunctions().find(op);
      it != comparisonFunctions().end())
    return present.size() == 2 &&
           foldElementwise(present, TensorProto::BOOL, it->second, outputs);
  if (op == "Not")
    return foldElementwise({inputs[0]}, TensorProto::BOOL,
                           [](auto &a) { return double(a[0] == 0); }, outputs);
  if (op == "Where")
    return present.size() == 3 &&
           foldElementwise(present, inputs[1]->dtype,
                           [](auto &a) { return a[0] != 0 ? a[1] : a[2]; },
                           outputs);
  if (op == "Min" || op == "Max") {
    const bool isMin = op == "Min";
    return foldElementwise(present, inputs[0]->dtype,
                           [isMin](const std::vector<double> &a) {
                             return isMin ? *std::min_element(a.begin(), a.end())
                                          : *std::max_element(a.begin(), a.end());
                           },
                           outputs);
  }
  if (op == "Cast") {
    int32_t to = static_cast<int32_t>(attrs.getInt("to", 0));
    if (elementSize(to) == 0 || inputs[0]->numElements() > kMaxFoldElements)
      return false;
    // Float to integer truncates toward zero, as ONNX's Cast does.
    if (inputs[0]->isFloat())
      outputs.push_back(HostTensor::fromDouble(to, inputs[0]->shape,
                                               inputs[0]->toDouble()));
    else
      outputs.push_back(HostTensor::fromInt64(to, inputs[0]->shape,
                                              inputs[0]->toInt64()));
    return true;
  }
  if (op == "Shape" || op == "Size") {
    const Shape &shape = inputs[0]->shape;
    if (op == "Size") {
      outputs.push_back(
          HostTensor::fromInt64(TensorProto::INT64, {}, {product(shape)}));
      return true;
    }
    int64_t rank = shape.size();
    int64_t start = std::clamp<int64_t>(
        normalizeAxis(attrs.getInt("start", 0), rank), 0, rank);
    int64_t end = std::clamp<int64_t>(
        normalizeAxis(attrs.getInt("end", rank), rank), 0, rank);
    std::vector<int64_t> dims(shape.begin() + start,
                              shape.begin() + std::max(start, end));
    outputs.push_back(HostTensor::fromInt64(
        TensorProto::INT64, {static_cast<int64_t>(dims.size())}, dims));
    return true;
  }
  if (op == "ConstantOfShape") {
    std::vector<int64_t> shape =
        inputs.empty() || !inputs[0] ? Shape{} : inputs[0]->toInt64();
    if (product(shape) > kMaxFoldElements)
      return false;
    double value = 0;
    int32_t dtype = TensorProto::FLOAT;
    if (const auto *attr = attrs.find("value")) {
      HostTensor scalar;
      std::string error;
      onnx::TensorProto copy = attr->t();
      if (!hostTensorFromProto(copy, scalar, error) ||
          scalar.numElements() != 1)
        return false;
      dtype = scalar.dtype;
      value = scalar.toDouble()[0];
    }
    outputs.push_back(HostTensor::fromDouble(
        dtype, shape, std::vector<double>(product(shape), value)));
    return true;
  }
  if (op == "Range") {
    if (present.size() != 3)
      return false;
    double start = inputs[0]->toDouble()[0], limit = inputs[1]->toDouble()[0],
           delta = inputs[2]->toDouble()[0];
    if (delta == 0)
      return false;
    int64_t count = std::max<int64_t>(
        0, static_cast<int64_t>(std::ceil((limit - start) / delta)));
    if (count > kMaxFoldElements)
      return false;
    std::vector<double> values(count);
    for (int64_t i = 0; i < count; ++i)
      values[i] = start + i * delta;
    outputs.push_back(
        HostTensor::fromDouble(inputs[0]->dtype, {count}, values));
    return true;
  }
  if (op.rfind("Reduce", 0) == 0)
    return foldReduction(op, attrs, inputs, outputs);
  if (op == "Identity" || op == "Dropout" || op == "Reshape" ||
      op == "Flatten" || op == "Squeeze" || op == "Unsqueeze")
    return foldReshapeLike(op, attrs, inputs, outputs);
  return foldIndexing(op, attrs, inputs, outputs);
}
