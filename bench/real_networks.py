#!/usr/bin/env python3
"""Real networks against torch: ideal error and quantized agreement.

Usage: real_networks.py [BUILD_DIR] [--inputs N]

ResNet-18, MobileNetV2 (torchvision, random weights, seed 0) and a
TransformerEncoderLayer (d_model 256, 4 heads, batch-first, sequence 16)
are exported by torch.onnx.export, compiled with cim-compile for isaac and
for HERMES on four chips (one HERMES chip is too small for ResNet-18; the
die-to-die link figures are isaac's, an assumption), and run on N random
inputs (default 32) as one batch in each numerics. Prints per network and
machine: arrays used, the ideal run's largest error relative to torch's
largest output, and the quantized run's cosine similarity with torch and,
for the classifiers, top-1 agreement.
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
import torchvision

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "python"))
from tests.test_networks import build_model, hermes_four_chips  # noqa: E402

MODELS = ["resnet18", "mobilenet_v2", "transformer"]


def run(args):
    result = subprocess.run([str(a) for a in args], capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build", nargs="?", default="build")
    parser.add_argument("--inputs", type=int, default=32)
    args = parser.parse_args()
    bin_dir = Path(args.build) / "bin"
    work = Path(tempfile.mkdtemp(prefix="cim-networks-"))
    machines = {"isaac": "isaac", "hermes x4": hermes_four_chips(work)}
    print(f"{'network':<14}{'machine':<11}{'arrays':>8}{'ideal err':>11}"
          f"{'quant. cos':>12}{'top-1 agree':>13}")
    for name in MODELS:
        net, shape = build_model(name)
        net.eval()
        torch.manual_seed(1)
        x = torch.randn(args.inputs, *shape[1:])
        with torch.no_grad():
            reference = np.concatenate(
                [net(x[i:i + 1]).numpy() for i in range(args.inputs)])
        onnx_path = work / f"{name}.onnx"
        torch.onnx.export(net, x[:1], str(onnx_path), opset_version=13,
                          input_names=["x"], output_names=["y"])
        np.save(work / f"{name}.x.npy", x.numpy())
        for machine, arch in machines.items():
            program = work / f"{name}.{machine.replace(' ', '')}.cimp"
            compiled = run([bin_dir / "cim-compile", onnx_path, "--arch",
                            arch, "-o", program])
            arrays = compiled.stderr.split("arrays")[1].split()[0]
            outputs = {}
            for numerics in ("ideal", "quantized"):
                out = work / f"{program.stem}.{numerics}"
                run([bin_dir / "cim-run", program, "--input",
                     f"x={work / f'{name}.x.npy'}", "--batch", args.inputs,
                     "--weights-preloaded", "--numerics", numerics,
                     "--progress", "never", "--output-dir", out])
                outputs[numerics] = np.load(out / "y.npy").reshape(
                    reference.shape)
            error = (np.abs(outputs["ideal"] - reference).max() /
                     np.abs(reference).max())
            q = outputs["quantized"].reshape(args.inputs, -1)
            r = reference.reshape(args.inputs, -1)
            cosine = float(np.mean((q * r).sum(1) / (
                np.linalg.norm(q, axis=1) * np.linalg.norm(r, axis=1))))
            agree = (f"{(q.argmax(1) == r.argmax(1)).mean():.1%}"
                     if name != "transformer" else "-")
            print(f"{name:<14}{machine:<11}{arrays:>8}{error:>11.2g}"
                  f"{cosine:>12.4f}{agree:>13}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
