"""Real networks end to end: exported by torch, compiled, simulated.

ResNet-18, MobileNetV2 (torchvision, random weights, seed 0) and a
TransformerEncoderLayer (d_model 256, 4 heads, batch-first, sequence 16) go
through `cim-compile` for isaac and for HERMES; one HERMES chip holds 64
arrays, too few for ResNet-18, so the HERMES runs use four chips on a ring
(bench/real_networks.py prints the same table). In `ideal` numerics the
simulator's outputs must match torch's own within 1e-5 (relative to the
largest output; measured at most 1.2e-6, f32 rounding); `quantized` numerics are checked on the
transformer, whose agreement is high enough to bound (the classifiers'
agreement over 32 inputs is reported by the benchmark script).
"""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from cim.tools import tool_path, REPO_ROOT

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")

MODELS = ["resnet18", "mobilenet_v2", "transformer"]


def hermes_four_chips(directory):
    """arch/hermes.yaml on four chips joined by a ring of die-to-die links
    (the link figures are isaac's HyperTransport ones: an assumption, no
    multi-chip HERMES exists)."""
    text = (REPO_ROOT / "arch" / "hermes.yaml").read_text()
    text = text.replace("name: hermes", "name: hermes4")
    text = text.replace("  chips: 1", "  chips: 4")
    text = text.replace(
        "  topology: none                    # [HERMES] single chip",
        "  topology: ring\n  bandwidth_gbytes_per_s: 6.4\n"
        "  latency_ns: 50\n  energy_pj_per_bit: 0.203125")
    path = directory / "hermes4.yaml"
    path.write_text(text)
    return path


def build_model(name):
    torch.manual_seed(0)
    if name == "resnet18":
        return torchvision.models.resnet18(weights=None), (1, 3, 224, 224)
    if name == "mobilenet_v2":
        return torchvision.models.mobilenet_v2(weights=None), (1, 3, 224, 224)
    return (torch.nn.TransformerEncoderLayer(d_model=256, nhead=4,
                                             batch_first=True), (1, 16, 256))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("networks")
    out = {}
    for name in MODELS:
        net, shape = build_model(name)
        net.eval()
        x = torch.randn(*shape)
        with torch.no_grad():
            reference = net(x).numpy()
        # Outside no_grad: there torch's fast path fuses the transformer
        # layer into one op ONNX has no counterpart for.
        torch.onnx.export(net, x, str(root / f"{name}.onnx"),
                          opset_version=13, input_names=["x"],
                          output_names=["y"])
        np.save(root / f"{name}.x.npy", x.numpy())
        out[name] = (root, reference)
    return out, hermes_four_chips(root)


def compile_and_run(root, name, arch, numerics, products="cost"):
    tag = arch.stem if hasattr(arch, "stem") else arch
    program = root / f"{name}.{tag}.{products}.cimp"
    if not program.exists():
        subprocess.run([str(tool_path("cim-compile")), str(root / f"{name}.onnx"),
                        "--arch", str(arch), "--activation-products", products,
                        "--quiet", "-o", str(program)],
                       check=True, timeout=600)
    out = root / f"{program.stem}.{numerics}"
    subprocess.run([str(tool_path("cim-run")), str(program), "--input",
                    f"x={root / f'{name}.x.npy'}", "--numerics", numerics,
                    "--weights-preloaded", "--progress", "never",
                    "--output-dir", str(out)],
                   check=True, capture_output=True, timeout=600)
    return np.load(out / "y.npy")


@pytest.mark.parametrize("preset", ["isaac", "hermes4"])
@pytest.mark.parametrize("name", MODELS)
def test_ideal_matches_torch(exported, name, preset):
    models, hermes4 = exported
    root, reference = models[name]
    arch = hermes4 if preset == "hermes4" else preset
    got = compile_and_run(root, name, arch, "ideal")
    assert got.shape == reference.shape
    error = np.abs(got - reference).max() / np.abs(reference).max()
    # Measured at most 1.2e-6 (f32 products, as torch's): a mapping error
    # shows far above it.
    assert error <= 1e-5, f"{name} on {preset}: relative error {error:.3g}"


def test_quantized_transformer_agrees_with_torch(exported):
    models, _ = exported
    root, reference = models["transformer"]
    got = compile_and_run(root, "transformer", "isaac", "quantized")
    cosine = float((got * reference).sum() /
                   (np.linalg.norm(got) * np.linalg.norm(reference)))
    # Measured 0.998: 8-bit weights and inputs, isaac's 8-bit ADCs.
    assert cosine > 0.99
    # Quantisation must change something: the converters are not ideal.
    assert np.abs(got - reference).max() > 1e-4


def test_reprogrammed_attention_runs(exported):
    # Attention's activation products forced onto the reprogram path: the
    # digital unit encodes the activations into cell levels at run time
    # (encode), arrays are written (program) and read like weights.
    models, _ = exported
    root, reference = models["transformer"]
    ideal = compile_and_run(root, "transformer", "isaac", "ideal",
                            "reprogram")
    assert np.abs(ideal - reference).max() / np.abs(reference).max() <= 1e-5
    listing = subprocess.run(
        [str(tool_path("cim-run")),
         str(root / "transformer.isaac.reprogram.cimp"), "--disassemble"],
        check=True, capture_output=True, text=True).stdout
    assert listing.count(" = encode ") >= 8
    quantized = compile_and_run(root, "transformer", "isaac", "quantized",
                                "reprogram")
    cosine = float((quantized * reference).sum() /
                   (np.linalg.norm(quantized) * np.linalg.norm(reference)))
    assert cosine > 0.99
