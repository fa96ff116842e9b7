"""An f64 network, y = x * x + c, its inputs and its check.

Usage:
  f64_model.py model OUT.onnx          the ONNX model (float64 throughout)
  f64_model.py inputs BATCH OUT.npy    BATCH inputs of 3, stacked
  f64_model.py check BATCH IN.npy Y.npy
The check wants y float64 and exactly numpy's x * x + c: in f32 neither
0.1 nor 1e-300 survives, nor the square of 1e-160.
"""
import sys

import numpy as np

C = np.array([0.1, -1e-300, 1 / 3], dtype=np.float64)
X = np.array([1 / 3, 1e-160, -2.5], dtype=np.float64)

mode = sys.argv[1]
if mode == "model":
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    graph = helper.make_graph(
        [helper.make_node("Mul", ["x", "x"], ["t"], name="square"),
         helper.make_node("Add", ["t", "c"], ["y"], name="shift")],
        "f64",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [3])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [3])],
        [numpy_helper.from_array(C, "c")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, sys.argv[2])
elif mode == "inputs":
    batch = int(sys.argv[2])
    np.save(sys.argv[3], np.concatenate([X * (i + 1) for i in range(batch)]))
elif mode == "check":
    batch = int(sys.argv[2])
    x, y = np.load(sys.argv[3]), np.load(sys.argv[4])
    want = np.concatenate([x[3 * i:3 * i + 3] ** 2 + C
                           for i in range(batch)])
    if y.dtype != np.float64 or not np.array_equal(y, want):
        sys.exit("y is %s %s, want float64 %s" % (y.dtype, y, want))
    print("%s: %d float64 elements match" % (sys.argv[4].split("/")[-1],
                                             y.size))
