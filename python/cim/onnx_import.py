"""Importing ONNX models with `cim-translate --import-onnx` from Python.

`import_model` runs the importer and, by default, checks the result against
the frontend contract with `cim-opt --cim-verify-frontend-contract`. Large
weights are elided from the returned text (they stay in the model file).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Mapping, Sequence

from .tools import StrPath, tool_path


class ImportError_(RuntimeError):
    """The importer or the contract check rejected a model."""

    def __init__(self, message: str, stderr: str):
        super().__init__(f"{message}\n{stderr.rstrip()}")
        self.stderr = stderr


@dataclass(frozen=True)
class ImportedModel:
    mlir: str          # the module, weights elided
    warnings: str      # what the importer said on stderr

    def count(self, op_name: str) -> int:
        """Occurrences of an op (e.g. "linalg.conv_2d_nchw_fchw")."""
        return sum(1 for line in self.mlir.splitlines()
                   if f" {op_name} " in line or f" {op_name}(" in line
                   or line.strip().startswith(op_name))


def import_model(path: StrPath, *,
                 input_shapes: Mapping[str, Sequence[int]] | None = None,
                 verify_contract: bool = True,
                 timeout: float = 600) -> ImportedModel:
    args = [str(tool_path("cim-translate")), "--import-onnx", str(path),
            "--mlir-elide-resource-strings-if-larger=64"]
    for name, shape in (input_shapes or {}).items():
        args.append("--input-shape=" + name + "=" + "x".join(map(str, shape)))
    imported = subprocess.run(args, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    if imported.returncode != 0:
        raise ImportError_(f"import of {path} failed "
                           f"(exit {imported.returncode})", imported.stderr)
    if verify_contract:
        checked = subprocess.run(
            [str(tool_path("cim-opt")), "--cim-verify-frontend-contract",
             "--mlir-elide-resource-strings-if-larger=64"],
            input=imported.stdout, capture_output=True, text=True,
            timeout=timeout)
        if checked.returncode != 0:
            raise ImportError_(f"{path} imported outside the frontend "
                               "contract", checked.stderr)
    return ImportedModel(imported.stdout, imported.stderr)
