"""Tests of the hardware-description tool `cim-arch` and of `cim.arch`.

Every derived figure the tool prints is recomputed here from the raw figures,
independently of lib/Arch/ArchSpec.cpp, so a wrong formula in C++ fails a test
rather than being copied. The presets are also held to the published figures
they claim to model, and the error paths to their documented exit statuses
(0 ok, 1 invalid description, 2 usage error; never a crash).
"""

import dataclasses
import json
import math
import re
from pathlib import Path

import pytest

from cim import tools
from cim.arch import ArchError, ArchSummary, list_presets, load_summary
from cim.tools import ToolError, run_tool, tool_path

REPO_ROOT = Path(__file__).resolve().parents[2]
PRESETS = ("isaac", "hermes", "flash8")


#===--- Helpers ------------------------------------------------------------===#

_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<rest>.*)$")


def yaml_fields(text: str) -> dict:
    """Dotted path -> (1-based line, raw scalar text) of a block-style YAML
    file such as arch/*.yaml or the output of `cim-arch --yaml` (two-space
    indentation, one key per line). Sections map to an empty string."""
    fields = {}
    stack = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY_LINE.match(line)
        assert match, f"unexpected YAML line {number}: {line!r}"
        depth = len(match["indent"]) // 2
        del stack[depth:]
        stack.append(match["key"])
        value = match["rest"].strip()
        if value.startswith('"'):
            value = json.loads(value)
        else:
            value = re.sub(r"\s+#.*$", "", value).strip()
        fields[".".join(stack)] = (number, value)
    return fields


def edit_line(text: str, path: str, *, value=None, key=None):
    """Rewrites the one line of `text` holding `path`: its value (comment
    dropped) and/or its key. Returns (new text, 1-based line number)."""
    number, _ = yaml_fields(text)[path]
    lines = text.splitlines(keepends=True)
    match = _KEY_LINE.match(lines[number - 1].rstrip("\n"))
    new_key = key if key is not None else match["key"]
    new_value = value if value is not None else re.sub(
        r"\s+#.*$", "", match["rest"]).strip()
    lines[number - 1] = f"{match['indent']}{new_key}: {new_value}\n"
    return "".join(lines), number


def isaac_text() -> str:
    return (REPO_ROOT / "arch" / "isaac.yaml").read_text()


def cim_arch(*args):
    return run_tool("cim-arch", [str(a) for a in args])


def raw_json(target) -> dict:
    result = cim_arch("--json", target)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def normalised(target) -> dict:
    """Path -> scalar text of `cim-arch --yaml target`."""
    result = cim_arch("--yaml", target)
    assert result.returncode == 0, result.stderr
    return {path: value for path, (_, value) in yaml_fields(result.stdout).items()}


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def cycles(ns: float, clock_ghz: float) -> int:
    # Rounding to 1e-6 cycle absorbs binary noise (128 x 0.78125 ns = 100).
    return math.ceil(round(ns * clock_ghz, 6))


@pytest.fixture(scope="module", params=PRESETS)
def preset(request):
    """(name, summary, raw JSON, normalised YAML fields) of each preset."""
    name = request.param
    return name, load_summary(name), raw_json(name), normalised(name)


#===--- The tool and the module ---------------------------------------------===#

def test_tool_path_points_at_the_built_tool():
    path = tool_path("cim-arch")
    assert path.name == "cim-arch" and path.is_file()


def test_tool_path_names_the_missing_path_and_says_make(tmp_path, monkeypatch):
    monkeypatch.setenv("CIM_BUILD_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError) as info:
        tools.tool_path("cim-arch")
    message = str(info.value)
    assert str(tmp_path / "bin" / "cim-arch") in message
    assert "make" in message


def test_presets_are_exactly_the_three_published_ones():
    presets = list_presets()
    assert sorted(presets) == sorted(PRESETS)
    assert len(presets) == len(set(presets))
    # Every preset is one file of arch/ and every file is a preset.
    assert {p.stem for p in (REPO_ROOT / "arch").glob("*.yaml")} == set(PRESETS)


def test_summary_keys_match_the_cpp_writer_and_the_output():
    source = (REPO_ROOT / "lib" / "Arch" / "ArchSummary.cpp").read_text()
    cpp_keys = re.findall(r'\bj\["([a-z_]+)"\]\s*=', source)
    assert cpp_keys == ArchSummary.keys()
    for name in PRESETS:
        assert list(raw_json(name)) == ArchSummary.keys()


def test_from_json_rejects_missing_keys_and_wrong_types():
    data = raw_json("isaac")
    summary = ArchSummary.from_json(data)
    assert summary.name == "isaac"
    with pytest.raises(dataclasses.FrozenInstanceError):
        summary.chips = 2  # type: ignore[misc]

    incomplete = dict(data)
    del incomplete["peak_tops"], incomplete["total_arrays"]
    with pytest.raises(ValueError, match=r"missing key\(s\): total_arrays, peak_tops"):
        ArchSummary.from_json(incomplete)

    wrong = dict(data, chips="1")
    with pytest.raises(TypeError, match="chips"):
        ArchSummary.from_json(wrong)
    with pytest.raises(TypeError, match="dram"):
        ArchSummary.from_json(dict(data, dram=1))
    # An int where a float is expected is fine (JSON does not tell them apart).
    assert ArchSummary.from_json(dict(data, clock_ghz=1)).clock_ghz == 1.0


def test_field_types_of_a_loaded_summary(preset):
    _, summary, _, _ = preset
    for field in dataclasses.fields(ArchSummary):
        value = getattr(summary, field.name)
        assert type(value).__name__ == field.type, field.name


#===--- Raw figures: the summary repeats the description --------------------===#

def test_raw_figures_match_the_preset_file(preset):
    name, s, _, _ = preset
    src = {k: v for k, (_, v) in
           yaml_fields((REPO_ROOT / "arch" / f"{name}.yaml").read_text()).items()}
    assert s.name == name == src["name"]
    assert s.description == src["description"]
    assert s.clock_ghz == float(src["clock_ghz"])
    assert s.chips == int(src["hierarchy.chips"])
    assert s.tiles_per_chip == int(src["hierarchy.tiles_per_chip"])
    assert s.cores_per_tile == int(src["hierarchy.cores_per_tile"])
    assert s.arrays_per_core == int(src["hierarchy.arrays_per_core"])
    assert s.array_rows == int(src["array.rows"])
    assert s.array_cols == int(src["array.cols"])
    assert s.bits_per_cell == int(src["array.cell.bits"])
    assert s.signed_encoding == src["array.cell.signed_encoding"]
    assert s.dac_bits == int(src["dac.bits"])
    assert s.adc_bits == int(src["adc.bits"])
    assert s.adcs_per_array == int(src["adc.per_array"])
    assert s.weight_bits == int(src["precision.weight_bits"])
    assert s.input_bits == int(src["precision.input_bits"])
    assert s.noc_mesh == f'{src["noc.mesh_rows"]}x{src["noc.mesh_cols"]}'
    assert s.mesh_shape == (int(src["noc.mesh_rows"]), int(src["noc.mesh_cols"]))
    assert s.chip_link == src.get("chip_link.topology", "none")
    assert s.dram == (src.get("dram.present", "true") == "true")
    assert s.device_model == src["device.model"]


#===--- Derived figures, recomputed independently ---------------------------===#

def test_hierarchy_counts(preset):
    _, s, _, _ = preset
    assert s.total_cores == s.chips * s.tiles_per_chip * s.cores_per_tile
    assert s.arrays_per_chip == s.tiles_per_chip * s.cores_per_tile * s.arrays_per_core
    assert s.total_arrays == (s.chips * s.tiles_per_chip * s.cores_per_tile
                              * s.arrays_per_core)


def test_cell_counts(preset):
    _, s, _, _ = preset
    assert s.cells_per_array == s.array_rows * s.array_cols
    assert s.cells_per_chip == s.arrays_per_chip * s.array_rows * s.array_cols
    assert s.total_cells == s.total_arrays * s.array_rows * s.array_cols


def test_converter_counts(preset):
    _, s, _, _ = preset
    assert s.columns_per_adc == math.ceil(s.array_cols / s.adcs_per_array)
    assert s.total_adcs == s.total_arrays * s.adcs_per_array
    assert s.input_planes == math.ceil(s.input_bits / s.dac_bits)


def test_weight_slicing_follows_the_encoding(preset):
    _, s, _, y = preset
    magnitude = ceil_div(s.weight_bits - 1, s.bits_per_cell)
    if s.signed_encoding == "differential":
        expected = magnitude  # the sign is which side conducts
    elif s.signed_encoding == "offset":
        expected = ceil_div(s.weight_bits, s.bits_per_cell)
    else:
        assert s.signed_encoding == "twos_complement"
        expected = magnitude + 1  # plus the sign-bit slice
    assert s.slices_per_weight == expected

    pair_in_columns = (s.signed_encoding == "differential"
                       and y["array.cell.differential_in_cell"] != "true")
    assert s.columns_per_weight == s.slices_per_weight * (2 if pair_in_columns else 1)
    assert s.reference_columns_per_array == (1 if s.signed_encoding == "offset" else 0)


def test_weight_capacity(preset):
    _, s, _, _ = preset
    weight_columns = (s.array_cols - s.reference_columns_per_array) // s.columns_per_weight
    assert weight_columns >= 1
    assert s.weights_per_array == s.array_rows * weight_columns
    assert s.weight_capacity == s.total_arrays * s.weights_per_array


def test_timing(preset):
    _, s, _, y = preset
    clock = s.clock_ghz
    analog = cycles(float(y["dac.latency_ns"]) + float(y["array.read_latency_ns"]), clock)
    conversion = cycles(s.columns_per_adc * float(y["adc.latency_ns"]), clock)
    assert s.plane_interval_cycles == max(analog, conversion, 1)
    assert s.mvm_cycles == (analog + (s.input_planes - 1) * s.plane_interval_cycles
                            + conversion)


def test_peak_throughput(preset):
    _, s, _, _ = preset
    macs = s.weight_capacity / (s.input_planes * s.plane_interval_cycles)
    assert s.peak_macs_per_cycle == pytest.approx(macs, rel=1e-12)
    assert s.peak_tops == pytest.approx(2 * s.peak_macs_per_cycle * s.clock_ghz / 1000,
                                        rel=1e-12)


def test_text_summary_agrees_with_json(preset):
    name, s, _, _ = preset
    result = cim_arch(name)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith(f"{s.name}: {s.description}\n")
    assert f"= {s.total_arrays:,} arrays ({s.total_cores:,} cores)" in text
    assert f"{s.total_cells:,} in all" in text
    assert f"{s.weight_capacity:,} in all" in text
    assert f"MVM {s.mvm_cycles} cycles" in text
    assert f"= {s.peak_tops:.3f} TOPS" in text


#===--- Published figures ----------------------------------------------------===#

def test_hermes_matches_the_published_chip():
    # Le Gallo et al., Nature Electronics 2023: 64 cores of 256x256 unit
    # cells, one ADC per column, 63.1 TOPS at 8 bits (1-phase).
    s = load_summary("hermes")
    assert (s.chips, s.total_cores, s.array_rows, s.array_cols) == (1, 64, 256, 256)
    assert s.columns_per_adc == 1
    assert s.weight_capacity == 64 * 256 * 256
    assert s.peak_tops == pytest.approx(63.1, rel=0.01)


def test_flash8_matches_the_mythic_data_sheet_per_chip():
    # Mythic M1076: 76 tiles, 80 M weights and 25 TOPS (INT8) per chip.
    s = load_summary("flash8")
    assert s.tiles_per_chip == 76
    assert s.peak_tops / s.chips == pytest.approx(25, rel=0.01)
    assert s.weight_capacity / s.chips == pytest.approx(80e6, rel=0.01)
    assert not s.dram


def test_isaac_matches_the_published_design():
    # Shafiee et al., ISCA 2016: 168 tiles x 12 IMAs x 8 crossbars of 128x128
    # 2-bit cells, 1-bit DACs, one shared 8-bit ADC per crossbar whose 128
    # conversions at 1.28 GS/s fill the 100 ns crossbar stage.
    s = load_summary("isaac")
    assert (s.array_rows, s.array_cols) == (128, 128)
    assert s.bits_per_cell == 2
    assert s.dac_bits == 1
    assert s.adc_bits == 8
    assert s.adcs_per_array == 1
    assert (s.tiles_per_chip, s.cores_per_tile, s.arrays_per_core) == (168, 12, 8)
    assert s.input_planes == 8
    assert s.plane_interval_cycles == 100


#===--- Round trip -----------------------------------------------------------===#

@pytest.mark.parametrize("name", PRESETS)
def test_yaml_round_trip_keeps_the_summary(name, tmp_path):
    written = cim_arch("--yaml", name)
    assert written.returncode == 0, written.stderr
    path = tmp_path / f"{name}-normalised.yaml"
    path.write_text(written.stdout)
    from_preset = cim_arch("--json", name)
    from_file = cim_arch("--json", path)
    assert from_file.returncode == 0, from_file.stderr
    assert from_file.stdout == from_preset.stdout
    # Normalising is idempotent.
    assert cim_arch("--yaml", path).stdout == written.stdout


#===--- Success and error paths ----------------------------------------------===#

def test_check_accepts_every_preset():
    result = cim_arch("--check", *PRESETS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{p}: ok" for p in PRESETS]


def test_an_out_of_range_field_names_file_line_and_field(tmp_path):
    text, line = edit_line(isaac_text(), "adc.bits", value="0")
    path = tmp_path / "adc-bits-zero.yaml"
    path.write_text(text)
    with pytest.raises(ArchError) as info:
        load_summary(path)
    error = info.value
    message = str(error)
    assert path.name in message and "adc.bits" in message
    assert f"{path}:{line}: adc.bits must be in 1..16, got 0" in error.diagnostics
    # One bad value is one diagnostic, not one per relation that reads it.
    assert len(error.diagnostics) == 1
    assert error.stderr_lines == error.diagnostics
    # --check says the same and carries on with the next target.
    result = cim_arch("--check", "isaac", path, "hermes")
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["isaac: ok", "hermes: ok"]
    assert result.stderr.splitlines() == error.diagnostics


@pytest.mark.parametrize("path_in_file,typo,suggestion", [
    ("leakage_mw_per_tile", "leakage_mw_per_tiles", "leakage_mw_per_tile"),
    ("chip_link.latency_ns", "latncy_ns", "chip_link.latency_ns"),
])
def test_an_unknown_key_suggests_the_known_one(tmp_path, path_in_file, typo,
                                               suggestion):
    # Optional fields, so the rename adds an unknown key and removes nothing
    # required.
    text, line = edit_line(isaac_text(), path_in_file, key=typo)
    path = tmp_path / "typo.yaml"
    path.write_text(text)
    with pytest.raises(ArchError) as info:
        load_summary(path)
    unknown = path_in_file.rsplit(".", 1)[0] + "." + typo if "." in path_in_file else typo
    assert info.value.diagnostics == [
        f"{path}:{line}: unknown field '{unknown}'; did you mean '{suggestion}'?"]


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "no-such-machine.yaml"
    with pytest.raises(ArchError) as info:
        load_summary(path)
    assert str(path) in str(info.value)
    assert "cannot read the file" in str(info.value)


def test_an_unknown_preset_lists_the_presets():
    with pytest.raises(ArchError) as info:
        load_summary("nosuchpreset")
    message = str(info.value)
    assert "nosuchpreset" in message
    for name in PRESETS:
        assert name in message


def test_a_file_named_like_a_preset_is_read_as_the_file(tmp_path, monkeypatch):
    text, _ = edit_line(isaac_text(), "hierarchy.chips", value="2")
    (tmp_path / "isaac").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert load_summary(Path("isaac")).chips == 2  # the file
    assert load_summary("isaac").chips == 1        # the preset


@pytest.mark.parametrize("content", [
    b"\x00\xff{{",
    b"name: [unclosed\n",
    b"",
    b"- a\n- list\n",
], ids=["binary", "unclosed-flow", "empty", "top-level-list"])
def test_garbage_is_an_invalid_description_not_a_crash(tmp_path, content):
    path = tmp_path / "garbage.yaml"
    path.write_bytes(content)
    result = cim_arch("--json", path)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith(str(path))
    with pytest.raises(ArchError):
        load_summary(path)


def test_a_truncated_file_is_an_invalid_description(tmp_path):
    data = (REPO_ROOT / "arch" / "isaac.yaml").read_bytes()
    path = tmp_path / "truncated.yaml"
    path.write_bytes(data[: len(data) // 2])
    result = cim_arch("--json", path)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "missing required" in result.stderr  # field or section
    for line in result.stderr.splitlines():
        assert re.match(re.escape(str(path)) + r":\d+: ", line), line


@pytest.mark.parametrize("args", [
    ["--json", "isaac", "hermes"],
    ["--yaml", "isaac", "hermes"],
    [],
    ["--no-such-option", "isaac"],
])
def test_usage_errors_exit_2(args):
    result = cim_arch(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "usage: cim-arch" in result.stderr


def test_a_target_starting_with_a_dash_is_a_file(tmp_path, monkeypatch):
    # A target starting with '-' is passed as "./-x", not as an option.
    (tmp_path / "-dash.yaml").write_text(isaac_text())
    monkeypatch.chdir(tmp_path)
    assert load_summary("-dash.yaml").name == "isaac"


#===--- Inputs that once broke the tool --------------------------------------===#

def test_invalid_utf8_description_is_rejected_cleanly(tmp_path):
    text, _ = edit_line(isaac_text(), "description", value="caf\udce9")
    path = tmp_path / "latin1.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    result = cim_arch("--json", path)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "description must be valid UTF-8 text" in result.stderr
    assert result.stdout == ""


def test_machine_too_large_for_derived_counts_is_rejected(tmp_path):
    # Every field is in range, but the product is 2^68 cells.
    text = isaac_text()
    for path, value in [("hierarchy.tiles_per_chip", "1048576"),
                        ("hierarchy.cores_per_tile", "65536"),
                        ("hierarchy.arrays_per_core", "65536"),
                        ("noc.mesh_rows", "4096"), ("noc.mesh_cols", "4096"),
                        ("noc.tiles_per_router", "64")]:
        text, _ = edit_line(text, path, value=value)
    path = tmp_path / "huge.yaml"
    path.write_text(text)
    result = cim_arch("--json", path)
    assert result.returncode == 1, result.stderr
    assert "the machine is too large" in result.stderr
