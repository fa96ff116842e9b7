"""Writes the binary ONNX models the importer's error tests need.

Usage: make_models.py OUTPUT_DIR
Binary files are generated (not committed) so each test shows what it feeds.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def relu_model(opset=13):
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"], name="relu0")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)])


def external_data_model(out):
    weight = numpy_helper.from_array(
        np.arange(64, dtype=np.float32).reshape(4, 16), "w")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16])],
        [weight])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13)])
    path = os.path.join(out, "external.onnx")
    onnx.save_model(model, path, save_as_external_data=True,
                    all_tensors_to_one_file=True, location="external.bin",
                    size_threshold=0)
    return path


def unsupported_model():
    """Three nodes of two op types the importer does not handle."""
    nodes = [helper.make_node("Hardmax", ["x"], ["a"], name="first"),
             helper.make_node("Det", ["x"], ["b"], name="second"),
             helper.make_node("Hardmax", ["a"], ["c"], name="third")]
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 4])],
        [helper.make_tensor_value_info("b", TensorProto.FLOAT, []),
         helper.make_tensor_value_info("c", TensorProto.FLOAT, [4, 4])])
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13)])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    data = relu_model().SerializeToString()
    with open(os.path.join(out, "relu.onnx"), "wb") as f:
        f.write(data)
    with open(os.path.join(out, "truncated.onnx"), "wb") as f:
        f.write(data[: len(data) // 2])
    with open(os.path.join(out, "empty.onnx"), "wb") as f:
        pass
    with open(os.path.join(out, "opset18.onnx"), "wb") as f:
        f.write(relu_model(opset=18).SerializeToString())
    with open(os.path.join(out, "opset6.onnx"), "wb") as f:
        f.write(relu_model(opset=6).SerializeToString())
    with open(os.path.join(out, "unsupported.onnx"), "wb") as f:
        f.write(unsupported_model().SerializeToString())
    external_data_model(out)
    # The same model with its data file gone.
    missing = os.path.join(out, "missing")
    os.makedirs(missing, exist_ok=True)
    path = external_data_model(missing)
    os.remove(os.path.join(missing, "external.bin"))


if __name__ == "__main__":
    main()
