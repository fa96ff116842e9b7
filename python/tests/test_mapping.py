"""The mapping pipeline on real networks.

ResNet-18 and a transformer encoder layer (random weights, exported here)
go through `cim-opt --cim-pipeline`; the tests check the mapping quality the
pipeline promises (arrays within 1.15x of the packing lower bound), that
nothing stays unmapped, and the capacity error on a machine too small.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from cim.tools import tool_path

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("mapping")
    torch.manual_seed(0)
    models = {
        "resnet18": (torchvision.models.resnet18(weights=None),
                     torch.randn(1, 3, 224, 224)),
        "transformer": (torch.nn.TransformerEncoderLayer(
            d_model=256, nhead=4, batch_first=True), torch.randn(1, 16, 256)),
    }
    paths = {}
    for name, (net, example) in models.items():
        net.eval()
        onnx_path = root / f"{name}.onnx"
        torch.onnx.export(net, example, str(onnx_path), opset_version=13)
        mlir_path = root / f"{name}.mlir"
        subprocess.run([str(tool_path("cim-translate")), "--import-onnx",
                        str(onnx_path), "-o", str(mlir_path)], check=True)
        paths[name] = mlir_path
    return paths


def map_model(path, arch, mode="latency"):
    return subprocess.run(
        [str(tool_path("cim-opt")), str(path),
         f"--cim-pipeline=arch={arch} mode={mode}",
         "--mlir-elide-resource-strings-if-larger=16",
         "--mlir-elide-elementsattrs-if-larger=16"],
        capture_output=True, text=True, timeout=600)


def mapping_of(output: str) -> dict:
    found = re.search(r"xbar.mapping = \{([^}]*)\}", output)
    assert found, "the pipeline recorded no xbar.mapping"
    return {k: v for k, v in re.findall(r"(\w+) = ([-+\w.\"]+)",
                                        found.group(1))}


@pytest.mark.parametrize("model", ["resnet18", "transformer"])
def test_maps_within_the_packing_bound_on_isaac(imported, model):
    result = map_model(imported[model], "isaac")
    assert result.returncode == 0, result.stderr
    mapping = mapping_of(result.stdout)
    used, bound = int(mapping["arrays_used"]), int(mapping["lower_bound_arrays"])
    assert 0 < bound <= used <= 1.15 * bound
    # No product is left for the digital units by accident: every constant
    # weight became cell levels programmed into arrays.
    assert "linalg.conv_2d" not in result.stdout
    assert "cim.crossbar_matmul" not in result.stdout
    assert result.stdout.count("xbar.mvm") == result.stdout.count("xbar.program")


def test_resnet18_does_not_fit_one_hermes_chip(imported):
    # 64 arrays of 256 x 256 hold 4.2 M weights; ResNet-18 has 11.7 M.
    result = map_model(imported["resnet18"], "hermes")
    assert result.returncode != 0
    assert re.search(r"does not fit 'hermes': it needs \d+ arrays, the "
                     r"machine has 64 \(short by \d+\)", result.stderr)


def test_throughput_mode_uses_spare_arrays(imported):
    latency = mapping_of(map_model(imported["transformer"], "isaac").stdout)
    throughput = mapping_of(
        map_model(imported["transformer"], "isaac", "throughput").stdout)
    assert int(throughput["arrays_used"]) > int(latency["arrays_used"])
    assert int(throughput["arrays_used"]) <= int(throughput["arrays_available"])
