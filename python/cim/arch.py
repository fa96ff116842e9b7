"""Hardware descriptions as seen by the compiler, read through `cim-arch`.

The derived figures (capacity, timing, peak throughput) are computed once, in
C++ (lib/Arch/ArchSpec.cpp); this module never recomputes them, it runs
`cim-arch --json` and types the result:

    >>> from cim.arch import load_summary
    >>> s = load_summary("isaac")
    >>> s.total_arrays, s.peak_tops

`load_summary` accepts a preset name (see `list_presets`) or a YAML file. An
invalid description raises `ArchError` with the tool's diagnostics
("file:line: message"); anything else going wrong with the tool (usage error,
crash, unreadable output) raises `cim.tools.ToolError`.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from typing import Any, Mapping, Union

from cim.tools import ToolError, run_tool

TOOL = "cim-arch"

PresetOrPath = Union[str, os.PathLike]


class ArchError(Exception):
    """`cim-arch` rejected a description (exit status 1).

    `diagnostics` holds the tool's stderr, one line per problem, each
    formatted `file:line: message` (`file: message` when there is no line);
    `target` is the preset or path that was asked for.
    """

    def __init__(self, target: str, diagnostics: list[str]):
        self.target = target
        self.diagnostics = list(diagnostics)
        self.returncode = 1
        text = "\n".join(self.diagnostics) or "(no diagnostics)"
        super().__init__(f"invalid hardware description {target}:\n{text}")

    @property
    def stderr_lines(self) -> list[str]:
        """The same lines as `diagnostics`."""
        return self.diagnostics


@dataclass(frozen=True)
class ArchSummary:
    """The figures of `cim-arch --json`, one field per key, in its order
    (lib/Arch/ArchSummary.cpp). Counts are ints, rates floats."""

    name: str
    description: str
    clock_ghz: float
    chips: int
    tiles_per_chip: int
    cores_per_tile: int
    arrays_per_core: int
    total_cores: int
    arrays_per_chip: int
    total_arrays: int
    array_rows: int
    array_cols: int
    bits_per_cell: int
    signed_encoding: str
    cells_per_array: int
    cells_per_chip: int
    total_cells: int
    dac_bits: int
    adc_bits: int
    adcs_per_array: int
    columns_per_adc: int
    total_adcs: int
    weight_bits: int
    input_bits: int
    slices_per_weight: int
    columns_per_weight: int
    reference_columns_per_array: int
    weights_per_array: int
    weight_capacity: int
    input_planes: int
    plane_interval_cycles: int
    mvm_cycles: int
    peak_macs_per_cycle: float
    peak_tops: float
    noc_mesh: str
    chip_link: str
    dram: bool
    device_model: str

    @classmethod
    def keys(cls) -> list[str]:
        """The JSON keys, in order."""
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ArchSummary":
        """Builds a summary from the decoded JSON object.

        Raises ValueError naming every missing key, and TypeError naming a key
        whose value has the wrong type. Keys this class does not know are
        ignored (the tests check the two key sets agree).
        """
        if not isinstance(data, Mapping):
            raise TypeError(
                f"arch summary must be a JSON object, got {type(data).__name__}")
        fields = dataclasses.fields(cls)
        missing = [f.name for f in fields if f.name not in data]
        if missing:
            raise ValueError("arch summary is missing key(s): " +
                             ", ".join(missing))
        values = {}
        for f in fields:
            values[f.name] = _convert(f.name, f.type, data[f.name])
        return cls(**values)

    @property
    def mesh_shape(self) -> tuple[int, int]:
        """`noc_mesh` ("6x7") as (rows, cols)."""
        rows, cols = self.noc_mesh.split("x")
        return int(rows), int(cols)


def _convert(key: str, type_name: Any, value: Any) -> Any:
    # With `from __future__ import annotations` field types are strings.
    type_name = getattr(type_name, "__name__", type_name)
    if type_name == "bool":
        ok = isinstance(value, bool)
    elif type_name == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif type_name == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif type_name == "str":
        ok = isinstance(value, str)
    else:  # pragma: no cover - every field above has one of these types
        raise AssertionError(f"unhandled field type {type_name} of {key}")
    if not ok:
        raise TypeError(f"arch summary key '{key}' must be {type_name}, got "
                        f"{type(value).__name__} {value!r}")
    return value


def _target_argument(preset_or_path: PresetOrPath) -> str:
    """The command-line argument for a preset name or a path.

    cim-arch treats an argument as a path when it contains '/' or '.', and
    every argument starting with '-' as an option; a path object is therefore
    made explicit with "./" when needed, so a file named like a preset is
    still read as the file.
    """
    is_path = isinstance(preset_or_path, os.PathLike)
    text = os.fspath(preset_or_path)
    if not isinstance(text, str):
        raise TypeError(f"expected a preset name or a path, got {text!r}")
    if not text:
        raise ValueError("expected a preset name or a path, got ''")
    if text.startswith("-") or (is_path and "/" not in text):
        text = os.path.join(".", text)
    return text


def _check_status(result, target: str) -> None:
    if result.returncode == 0:
        return
    if result.returncode == 1:
        raise ArchError(target, [line for line in result.stderr.splitlines()
                                 if line.strip()])
    what = (f"was killed by signal {-result.returncode}"
            if result.returncode < 0
            else f"exited with status {result.returncode}")
    raise ToolError(f"{' '.join(result.args)} {what}", argv=result.args,
                    returncode=result.returncode, stderr=result.stderr)


def load_summary(preset_or_path: PresetOrPath) -> ArchSummary:
    """Runs `cim-arch --json` on a preset name or a YAML file."""
    target = _target_argument(preset_or_path)
    result = run_tool(TOOL, ["--json", target])
    _check_status(result, target)
    try:
        data = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise ToolError(f"{TOOL} --json {target} printed invalid JSON: {error}",
                        argv=result.args, returncode=result.returncode,
                        stderr=result.stderr) from error
    return ArchSummary.from_json(data)


def list_presets() -> list[str]:
    """The built-in presets, in the order `cim-arch --list` prints them."""
    result = run_tool(TOOL, ["--list"])
    _check_status(result, "--list")
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]
