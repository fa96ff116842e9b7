#!/usr/bin/env python3
"""Mapping quality and compile time of the cim pipeline on real networks.

Exports ResNet-18, ResNet-50, MobileNetV2 (torchvision, random weights) and a
TransformerEncoderLayer (d_model 256, 4 heads, sequence 16), imports each,
runs `cim-opt --cim-pipeline="arch=<preset>"` on every preset and prints, per
model and preset: arrays used against the packing lower bound
ceil(sum of cells / cells per array) and their ratio (target <= 1.15),
cell utilisation, the compile time of each pass (--mlir-timing) and the
total. A preset too small for a model reports the pipeline's capacity
error instead. Nothing is downloaded.

Usage: bench/mapping.py [BUILD_DIR] [--models resnet18,...] [--presets isaac,...]
"""
import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS = ["resnet18", "resnet50", "mobilenet_v2", "transformer"]
PRESETS = ["isaac", "hermes", "flash8"]


def export(name, path):
    import torch
    import torchvision
    torch.manual_seed(0)
    if name == "transformer":
        net = torch.nn.TransformerEncoderLayer(d_model=256, nhead=4,
                                               batch_first=True)
        example = torch.randn(1, 16, 256)
    else:
        net = getattr(torchvision.models, name)(weights=None)
        example = torch.randn(1, 3, 224, 224)
    net.eval()
    # Gradients on: PyTorch's fused encoder fast path has no ONNX export.
    torch.onnx.export(net, example, str(path), opset_version=13)


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build", nargs="?", default="build")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--presets", default=",".join(PRESETS))
    args = parser.parse_args()
    bin_dir = Path(args.build) / "bin"
    work = Path(tempfile.mkdtemp(prefix="cim-mapping-"))
    rows = []
    for model in args.models.split(","):
        onnx_path = work / f"{model}.onnx"
        export(model, onnx_path)
        mlir_path = work / f"{model}.mlir"
        start = time.perf_counter()
        imported = run([str(bin_dir / "cim-translate"), "--import-onnx",
                        str(onnx_path), "-o", str(mlir_path)])
        import_s = time.perf_counter() - start
        if imported.returncode != 0:
            print(f"{model}: import failed\n{imported.stderr}", file=sys.stderr)
            return 1
        for preset in args.presets.split(","):
            start = time.perf_counter()
            mapped = run([str(bin_dir / "cim-opt"), str(mlir_path),
                          f"--cim-pipeline=arch={preset}", "--mlir-timing",
                          "--mlir-elide-resource-strings-if-larger=16",
                          "--mlir-elide-elementsattrs-if-larger=16"])
            total_s = time.perf_counter() - start
            if mapped.returncode != 0:
                error = next((l for l in mapped.stderr.splitlines()
                              if "error:" in l), mapped.stderr.strip())
                rows.append((model, preset, None, error.split("error: ")[-1],
                             total_s, import_s))
                continue
            mapping = re.search(r"xbar.mapping = \{([^}]*)\}", mapped.stdout)
            fields = dict(re.findall(r"(\w+) = ([-+\w.\"]+)", mapping.group(1)))
            passes = re.findall(r"^\s+([\d.]+) \(\s*[\d.]+%\)\s+(\w+)$",
                                mapped.stderr, re.M)
            rows.append((model, preset, fields, passes, total_s, import_s))

    print(f"{'model':<14}{'preset':<8}{'arrays':>8}{'bound':>8}{'ratio':>7}"
          f"{'util':>7}{'compile s':>11}{'import s':>10}")
    for model, preset, fields, passes, total_s, import_s in rows:
        if fields is None:
            print(f"{model:<14}{preset:<8}  does not fit: {passes}")
            continue
        used = int(fields["arrays_used"])
        bound = int(fields["lower_bound_arrays"])
        util = float(fields["utilization"])
        print(f"{model:<14}{preset:<8}{used:>8}{bound:>8}{used / bound:>7.3f}"
              f"{util:>7.3f}{total_s:>11.2f}{import_s:>10.2f}")
    print("\ncompile time per pass (s):")
    for model, preset, fields, passes, total_s, import_s in rows:
        if fields is None:
            continue
        slowest = sorted(passes, key=lambda p: -float(p[0]))[:5]
        print(f"  {model}/{preset}: " +
              ", ".join(f"{name} {float(sec):.2f}" for sec, name in slowest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
