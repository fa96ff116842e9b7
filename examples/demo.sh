#!/usr/bin/env bash
# `make demo`: the main job on a bundled example, as far as the compiler
# reaches today (the ONNX importer, mapping pipeline and simulator are the
# next issues; this script grows with them).
set -euo pipefail
BUILD_DIR=${1:-build}
BIN="$BUILD_DIR/bin"
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

section() { printf '\n=== %s ===\n' "$1"; }

section "1. The three hardware presets and their derived figures"
"$BIN/cim-arch" isaac hermes flash8

section "2. Attach isaac to a hand-written layer; weights quantise at compile time"
"$BIN/cim-opt" "$HERE/foundation/layer.mlir" --cim-arch=isaac --canonicalize \
  --mlir-elide-elementsattrs-if-larger=64 > "$OUT/layer.mlir"
# The module attribute is long; show the function bodies.
sed -n '/func.func/,$p' "$OUT/layer.mlir"

section "3. Placement is checked against the machine: tile 200 does not exist on isaac"
sed 's/tile = 0/tile = 200/g' "$HERE/foundation/layer.mlir" > "$OUT/misplaced.mlir"
if "$BIN/cim-opt" "$OUT/misplaced.mlir" --cim-arch=isaac > /dev/null 2> "$OUT/err.txt"; then
  echo "unexpected: the misplaced program verified" >&2
  exit 1
fi
sed "s|$OUT/||" "$OUT/err.txt" | head -n 2

section "4. The spec travels with the IR: export it back to YAML and compare"
"$BIN/cim-translate" --export-arch-yaml "$OUT/layer.mlir" -o "$OUT/isaac.yaml"
"$BIN/cim-arch" --json "$OUT/isaac.yaml" > "$OUT/exported.json"
"$BIN/cim-arch" --json isaac > "$OUT/preset.json"
diff "$OUT/preset.json" "$OUT/exported.json" && echo "exported spec == isaac preset"
