#!/usr/bin/env bash
# Exports torchvision's ResNet-50 (random weights, ~100 MB; nothing is
# downloaded) and prints the import-time / protobuf-parse-time ratio.
set -euo pipefail
BUILD_DIR=${1:-build}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
/usr/bin/python3 - "$WORK/resnet50.onnx" <<'PY'
import sys, torch, torchvision
torch.manual_seed(0)
net = torchvision.models.resnet50(weights=None).eval()
with torch.no_grad():
    torch.onnx.export(net, torch.randn(1, 3, 224, 224), sys.argv[1],
                      opset_version=13, input_names=["image"],
                      output_names=["logits"])
PY
"$BUILD_DIR/bin/cim-bench-import" "$WORK/resnet50.onnx" 3
