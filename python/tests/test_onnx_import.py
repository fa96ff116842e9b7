"""Real networks through the ONNX importer.

Models are built with onnx.helper or exported from PyTorch with fixed seeds
and random weights (nothing is downloaded), imported with
`cim-translate --import-onnx`, and checked against the frontend contract.
The assertions count the ops a correct import must produce, so a handler
that drops or duplicates work fails here.
"""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from cim.onnx_import import ImportError_, import_model

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")


def export(module, example, path, **kwargs):
    module.eval()
    # Without no_grad: with gradients off, PyTorch's TransformerEncoderLayer
    # takes a fused fast path (aten::_transformer_encoder_layer_fwd) that has
    # no ONNX export.
    torch.onnx.export(module, example, str(path), opset_version=13,
                      do_constant_folding=True, **kwargs)
    return path


@pytest.fixture(scope="session")
def models(tmp_path_factory):
    """Exports each network once per test session."""
    root = tmp_path_factory.mktemp("onnx-models")
    torch.manual_seed(0)
    paths = {}

    def get(name):
        if name in paths:
            return paths[name]
        if name == "resnet18":
            net = torchvision.models.resnet18(weights=None)
            paths[name] = export(net, torch.randn(1, 3, 224, 224),
                                 root / "resnet18.onnx",
                                 input_names=["image"],
                                 output_names=["logits"])
        elif name == "mobilenet_v2":
            net = torchvision.models.mobilenet_v2(weights=None)
            paths[name] = export(net, torch.randn(1, 3, 224, 224),
                                 root / "mobilenet_v2.onnx",
                                 input_names=["image"],
                                 output_names=["logits"])
        elif name == "transformer":
            layer = torch.nn.TransformerEncoderLayer(
                d_model=256, nhead=4, batch_first=True)
            paths[name] = export(layer, torch.randn(1, 16, 256),
                                 root / "transformer.onnx",
                                 input_names=["tokens"],
                                 output_names=["encoded"])
        return paths[name]

    return get


def test_resnet18_imports_with_every_conv_and_folded_batchnorm(models):
    model = import_model(models("resnet18"))
    # 17 convolutions on the main path plus 3 downsampling 1x1 convolutions.
    assert model.count("linalg.conv_2d_nchw_fchw") == 20
    # Every BatchNormalization follows a Conv and folds into it.
    assert "math.rsqrt" not in model.mlir and "math.sqrt" not in model.mlir
    assert model.count("linalg.matmul") == 1  # the classifier
    assert model.count("linalg.pooling_nchw_max") == 1
    assert "func.func @main(%arg0: tensor<1x3x224x224xf32>" in model.mlir
    assert "-> (tensor<1x1000xf32>" in model.mlir


def test_mobilenet_v2_imports_depthwise_convolutions(models):
    model = import_model(models("mobilenet_v2"))
    # 17 inverted-residual blocks, each with one 3x3 depthwise convolution.
    assert model.count("linalg.depthwise_conv_2d_nchw_chw") == 17
    assert model.count("linalg.conv_2d_nchw_fchw") == 52 - 17
    assert "math.sqrt" not in model.mlir


def test_transformer_encoder_layer_imports(models):
    model = import_model(models("transformer"))
    assert "func.func @main(%arg0: tensor<1x16x256xf32>" in model.mlir
    assert model.count("linalg.softmax") == 1
    # Q/K/V projections, the output projection and the two feed-forward
    # layers have constant weights: 2-D products the crossbars can hold.
    assert model.count("linalg.matmul") >= 4
    # QK^T and AV multiply two activations: batched products.
    assert model.count("linalg.batch_matmul") >= 2


def test_symbolic_batch_is_fixed_to_one_with_a_warning(tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 8])])
    path = tmp_path / "relu.onnx"
    onnx.save(helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    model = import_model(path)
    assert "using batch size 1" in model.warnings
    assert "tensor<1x8xf32>" in model.mlir
    model = import_model(path, input_shapes={"x": [4, 8]})
    assert "tensor<4x8xf32>" in model.mlir


def test_old_opset_is_converted(tmp_path):
    # Opset 9 Gemm + Softmax (axis semantics changed in 13): still imports.
    w = numpy_helper.from_array(np.ones((4, 3), np.float32), "w")
    c = numpy_helper.from_array(np.zeros((3,), np.float32), "c")
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w", "c"], ["h"]),
         helper.make_node("Softmax", ["h"], ["y"], axis=1)], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])], [w, c])
    path = tmp_path / "old.onnx"
    onnx.save(helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 9)]), path)
    model = import_model(path)
    assert model.count("linalg.softmax") == 1


def test_unsupported_ops_are_all_reported(tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Hardmax", ["x"], ["a"], name="n1"),
         helper.make_node("Det", ["x"], ["b"], name="n2")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 3])],
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [3, 3]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [])])
    path = tmp_path / "unsupported.onnx"
    onnx.save(helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    with pytest.raises(ImportError_) as error:
        import_model(path)
    assert "'Hardmax' (node 'n1'" in error.value.stderr
    assert "'Det' (node 'n2'" in error.value.stderr


class _MlpBlock(torch.nn.Module if torch else object):
    """Linear -> GELU -> LayerNorm: exporters write GELU as Div/Erf/Add/Mul
    and, before opset 17, LayerNorm as ReduceMean/Sub/Pow/Sqrt/Div."""

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(32, 64)
        self.act = torch.nn.GELU()
        self.norm = torch.nn.LayerNorm(64)

    def forward(self, x):
        return self.norm(self.act(self.fc(x)))


@pytest.mark.parametrize("opset", [13, 17])
def test_gelu_and_layernorm_patterns_import(tmp_path, opset):
    torch.manual_seed(0)
    path = tmp_path / f"mlp{opset}.onnx"
    block = _MlpBlock().eval()
    torch.onnx.export(block, torch.randn(2, 8, 32), str(path),
                      opset_version=opset)
    model = import_model(path)
    assert model.count("linalg.matmul") == 1  # [16, 32] x [32, 64]
    assert "math.erf" in model.mlir
    if opset == 17:
        # One LayerNormalization op: its rsqrt, no decomposed Pow/Sqrt.
        assert "math.rsqrt" in model.mlir and "math.powf" not in model.mlir
    else:
        assert "math.sqrt" in model.mlir and "math.powf" in model.mlir


def test_truncated_and_corrupted_models_fail_cleanly(models, tmp_path):
    """Random cuts and byte flips of a real model: always exit status 1 with
    an error, never a crash, never an output file."""
    import random
    import subprocess

    from cim.tools import tool_path

    data = models("resnet18").read_bytes()
    rng = random.Random(7)
    for trial in range(16):
        if trial % 2:
            blob = data[: rng.randint(1, len(data) - 1)]
        else:
            mutated = bytearray(data[:300000])
            for _ in range(64):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            blob = bytes(mutated)
        model = tmp_path / "broken.onnx"
        out = tmp_path / "broken.mlir"
        model.write_bytes(blob)
        result = subprocess.run(
            [str(tool_path("cim-translate")), "--import-onnx", str(model),
             "-o", str(out)], capture_output=True, text=True, timeout=120)
        assert result.returncode == 1, (trial, result.returncode, result.stderr)
        assert "error:" in result.stderr
        assert not out.exists()
