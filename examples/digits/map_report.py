#!/usr/bin/env python3
"""Imports the digits CNN and maps it onto every preset; prints a table.

Usage: map_report.py BUILD_DIR
For each preset: arrays used of available, the packing lower bound, cell
utilisation, DAC planes and ADC conversions per inference, how many array
blocks convert losslessly, and the compile time. (Latency, energy and
simulated accuracy join this table once the simulator exists.)
"""
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PRESETS = ["isaac", "hermes", "flash8"]


def fields(text, name):
    found = re.search(name + r" = \{([^}]*)\}", text)
    return dict(re.findall(r"(\w+) = ([-+\w.\"]+)", found.group(1)))


def main():
    bin_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "build") / "bin"
    work = Path(tempfile.mkdtemp(prefix="cim-demo-"))
    mlir = work / "digits.mlir"
    subprocess.run([str(bin_dir / "cim-translate"), "--import-onnx",
                    str(HERE / "digits.onnx"), "-o", str(mlir)], check=True)
    print(f"{'preset':<8}{'arrays':>14}{'bound':>7}{'util':>7}"
          f"{'DAC planes':>12}{'ADC conv.':>11}{'lossless':>10}{'compile s':>11}")
    for preset in PRESETS:
        start = time.perf_counter()
        mapped = subprocess.run(
            [str(bin_dir / "cim-opt"), str(mlir),
             f"--cim-pipeline=arch={preset}",
             "--mlir-elide-resource-strings-if-larger=16",
             "--mlir-elide-elementsattrs-if-larger=16",
             "-o", str(work / f"digits.{preset}.mlir")],
            capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if mapped.returncode != 0:
            print(f"{preset:<8} failed:\n{mapped.stderr}")
            return 1
        text = (work / f"digits.{preset}.mlir").read_text()
        m, c = fields(text, "xbar.mapping"), fields(text, "xbar.converters")
        blocks = int(c["lossless_blocks"]) + int(c["lossy_blocks"])
        print(f"{preset:<8}{m['arrays_used'] + ' of ' + m['arrays_available']:>14}"
              f"{m['lower_bound_arrays']:>7}{float(m['utilization']):>7.2f}"
              f"{c['dac_planes']:>12}{c['adc_conversions']:>11}"
              f"{c['lossless_blocks'] + '/' + str(blocks):>10}{seconds:>11.2f}")
    print(f"\nmapped modules in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
