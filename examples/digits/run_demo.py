#!/usr/bin/env python3
"""Compiles the digits CNN for every preset and runs its test split.

Usage: run_demo.py BUILD_DIR

For each preset: import (cim-translate --import-onnx), map (cim-opt
--cim-pipeline), emit (cim-translate --emit-program), then cim-run in
`quantized` numerics (bit-exact DACs, cell slices and ADCs): the 450
held-out images as one pipelined batch for the accuracy, energy and
TOPS/W, and one image alone for the latency of an inference. Weights are
preloaded (arrays programmed before the run), as a deployed chip has them.
Prints one table row per preset; a preset the model does not fit gets the
compiler's reason instead.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from reference import float_logits

HERE = Path(__file__).resolve().parent
PRESETS = ["isaac", "hermes", "flash8"]


def run(args, **kwargs):
    return subprocess.run([str(a) for a in args], capture_output=True,
                          text=True, **kwargs)


def simulate(bin_dir, program, images, work, tag):
    """cim-run on `images` (stacked), returns (logits, report)."""
    inputs = work / f"{tag}.npy"
    np.save(inputs, images)
    out = work / f"{tag}.out"
    report = work / f"{tag}.json"
    result = run([bin_dir / "cim-run", program, "--input", f"image={inputs}",
                  "--batch", len(images), "--weights-preloaded",
                  "--numerics", "quantized", "--progress", "never",
                  "--output-dir", out, "--report", report])
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    logits = np.load(out / "logits.npy").reshape(len(images), -1)
    return logits, json.loads(report.read_text())


def main():
    bin_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "build") / "bin"
    work = Path(tempfile.mkdtemp(prefix="cim-demo-"))
    images = np.load(HERE / "test_images.npy")
    labels = np.load(HERE / "test_labels.npy")
    float_accuracy = float(
        (float_logits(HERE / "digits.onnx", images).argmax(1) == labels).mean())

    mlir = work / "digits.mlir"
    imported = run([bin_dir / "cim-translate", "--import-onnx",
                    HERE / "digits.onnx", "-o", mlir])
    if imported.returncode != 0:
        print(imported.stderr)
        return 1
    print(f"{len(images)} held-out digits, quantized numerics, weights "
          "preloaded\n")
    print(f"{'preset':<8}{'float acc':>10}{'sim. acc':>10}"
          f"{'latency/img':>13}{'energy/img':>12}{'TOPS/W':>9}{'arrays':>14}")
    for preset in PRESETS:
        mapped = work / f"digits.{preset}.mlir"
        program = work / f"digits.{preset}.cimp"
        compiled = run([bin_dir / "cim-opt", mlir,
                        f"--cim-pipeline=arch={preset}", "-o", mapped])
        if compiled.returncode == 0:
            compiled = run([bin_dir / "cim-translate", "--emit-program",
                            mapped, "-o", program])
        if compiled.returncode != 0:
            reason = compiled.stderr.strip().splitlines()[0]
            print(f"{preset:<8} does not compile: {reason}")
            continue
        logits, batch = simulate(bin_dir, program, images, work, preset)
        _, single = simulate(bin_dir, program, images[:1], work,
                             preset + "-one")
        accuracy = float((logits.argmax(1) == labels).mean())
        energy_nj = batch["energy_pj"]["total"] / len(images) / 1e3
        available = int(
            _attribute(mapped.read_text(), "arrays_available"))
        print(f"{preset:<8}{float_accuracy:>10.1%}{accuracy:>10.1%}"
              f"{single['latency_ns'] / 1e3:>10.1f} us"
              f"{energy_nj:>9.1f} nJ{batch['tops_per_watt']:>9.2f}"
              f"{str(batch['arrays_used']) + ' of ' + str(available):>14}")
    print(f"\nprograms and reports in {work}")
    return 0


def _attribute(text, name):
    """An integer field of the module's xbar.mapping attribute."""
    start = text.index(name + " = ") + len(name) + 3
    return text[start:text.index(" ", start)].rstrip(",}")


if __name__ == "__main__":
    sys.exit(main())
