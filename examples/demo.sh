#!/usr/bin/env bash
# `make demo`: the main job on the bundled example: a CNN trained on
# scikit-learn's 8x8 digits (examples/digits/train.py, committed as
# digits.onnx with its held-out split) imported from ONNX, compiled for every
# hardware preset, and its test split run through the simulator with
# bit-exact converters: float accuracy, simulated accuracy, latency and
# energy per image, TOPS/W and arrays used, one row per preset.
set -euo pipefail
BUILD_DIR=${1:-build}
BIN="$BUILD_DIR/bin"
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

section() { printf '\n=== %s ===\n' "$1"; }

section "1. The hardware presets"
"$BIN/cim-arch" isaac hermes flash8 | grep -E '^[a-z0-9]+:|hierarchy|weights|peak'

section "2. Import the digits CNN (ONNX) into linalg on tensors"
"$BIN/cim-translate" --import-onnx "$HERE/digits/digits.onnx" -o "$OUT/digits.mlir"
"$BIN/cim-opt" "$OUT/digits.mlir" --cim-verify-frontend-contract -o /dev/null
echo "imported and inside the frontend contract:"
grep -oE 'linalg\.[a-z_0-9]+' "$OUT/digits.mlir" | sort | uniq -c

section "3. Compile for every preset and run the test split (cim-run, quantized)"
/usr/bin/python3 "$HERE/digits/run_demo.py" "$BUILD_DIR" | sed '$d'

section "4. What an array block looks like after mapping (isaac)"
"$BIN/cim-opt" "$OUT/digits.mlir" --cim-pipeline="arch=isaac" \
  --mlir-elide-resource-strings-if-larger=16 \
  --mlir-elide-elementsattrs-if-larger=8 -o "$OUT/digits.isaac.mlir"
grep -m1 -B1 -A3 'xbar.dac' "$OUT/digits.isaac.mlir"
