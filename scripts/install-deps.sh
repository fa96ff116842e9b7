#!/usr/bin/env bash
# Installs every build, test and demo dependency of cim from Debian's packages.
# Idempotent: when everything is present it returns without touching apt.
set -euo pipefail

PACKAGES=(
  # Compiler toolchain and build system.
  build-essential cmake ninja-build ccache
  # LLVM/MLIR 22 (headers, libraries, lit, FileCheck, mlir-tblgen).
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  # Front end, program format, hardware description, reports.
  libonnx-dev python3-onnx libonnx-testdata libprotobuf-dev protobuf-compiler
  libyaml-cpp-dev nlohmann-json3-dev
  # The simulator's GEMMs (oneDNN: int8 products on the CPU's matrix engine).
  libopenblas-dev libdnnl-dev
  # Test and benchmark frameworks.
  libgtest-dev libbenchmark-dev python3-pytest
  # Python side: model builders, examples, plots.
  python3-numpy python3-torch python3-torchvision python3-sklearn
  python3-matplotlib python3-tqdm
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
