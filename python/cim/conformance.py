"""ONNX's backend tests through cim-compile and cim-run.

For every test directory of the ONNX test data Debian ships
(libonnx-testdata: node, pytorch-converted, pytorch-operator, simple) whose
ops the importer claims: compile model.onnx for isaac, run every
test_data_set_* through `cim-run --numerics ideal`, and compare each
output with ONNX's expected one at ONNX's tolerances (rtol 1e-3, atol 1e-7;
integers and booleans exactly). Operands the model takes as graph inputs
(both operands of test_matmul_*, a convolution's weights) stay inputs:
they run on the digital or reprogram path, never frozen to constants.

  python3 -m cim.conformance [--build DIR] [--filter REGEX] [--jobs N]
                             [--markdown FILE] [--check]

--check compares the outcome with python/cim/conformance_expected.txt (the
tests known to fail, each with its reason) and exits 1 on any difference:
a new failure, or a listed failure that now passes. --markdown writes the
report (docs/onnx-conformance.md).
"""
from __future__ import annotations

import argparse
import os
import concurrent.futures
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from cim.tools import tool_path

DATA = Path("/usr/share/libonnx-testdata/data")
SUITES = ["node", "pytorch-converted", "pytorch-operator", "simple"]
EXPECTED = Path(__file__).with_name("conformance_expected.txt")
RTOL, ATOL = 1e-3, 1e-7
EXPECTED_HEADER = """\
# ONNX backend tests of supported ops that fail today, one per line as
# `suite/test: reason` (python3 -m cim.conformance --write-expected writes
# it; --check fails on any difference). Every reason is the compiler's or
# the runtime's own message for what the test needs and is not supported."""


@dataclass
class Outcome:
    suite: str
    name: str
    ops: list[str]
    status: str  # "pass", "fail" or "unsupported"
    reason: str = ""


@dataclass
class Harness:
    supported: set[str] = field(default_factory=set)

    def __post_init__(self):
        table = subprocess.run([str(tool_path("cim-onnx-ops"))],
                               capture_output=True, text=True, check=True)
        self.supported = set(re.findall(r"^\| ([A-Za-z0-9]+) \|", table.stdout,
                                        re.M)) - {"op"}

    def run(self, suite: str, directory: Path) -> Outcome:
        model = onnx.load(str(directory / "model.onnx"),
                          load_external_data=False)
        ops = sorted({n.op_type for n in model.graph.node})
        outcome = Outcome(suite, directory.name, ops, "unsupported")
        foreign = sorted({n.domain for n in model.graph.node
                          if n.domain not in ("", "ai.onnx")})
        if foreign:
            outcome.reason = "domain " + ", ".join(foreign)
            return outcome
        missing = [op for op in ops if op not in self.supported]
        if missing:
            outcome.reason = "op " + ", ".join(missing)
            return outcome
        with tempfile.TemporaryDirectory(prefix="cim-onnx-") as work:
            work = Path(work)
            program = work / "model.cimp"
            compiled = subprocess.run(
                [str(tool_path("cim-compile")),
                 str(directory / "model.onnx"), "--arch", "isaac", "--quiet",
                 "-o", str(program)],
                capture_output=True, text=True, timeout=300)
            if compiled.returncode != 0:
                return self._fail(outcome, "compile: " +
                                  _first_error(compiled.stderr))
            initializers = {i.name for i in model.graph.initializer}
            inputs = [i.name for i in model.graph.input
                      if i.name not in initializers]
            outputs = [o.name for o in model.graph.output]
            for data_set in sorted(directory.glob("test_data_set_*")):
                reason = self._run_data_set(program, data_set, inputs,
                                            outputs, work)
                if reason:
                    return self._fail(outcome, f"{data_set.name}: {reason}")
        outcome.status = "pass"
        return outcome

    @staticmethod
    def _fail(outcome: Outcome, reason: str) -> Outcome:
        outcome.status = "fail"
        outcome.reason = reason
        return outcome

    def _run_data_set(self, program, data_set, inputs, outputs, work):
        args = [str(tool_path("cim-run")), str(program),
                "--numerics", "ideal", "--output-format", "pb",
                "--progress", "never", "--output-dir", str(work / "out")]
        for index, name in enumerate(inputs):
            args += ["--input", f"{name}={data_set / f'input_{index}.pb'}"]
        ran = subprocess.run(args, capture_output=True, text=True,
                             timeout=300)
        if ran.returncode != 0:
            return "run: " + _first_error(ran.stderr)
        for index, name in enumerate(outputs):
            want = _load(data_set / f"output_{index}.pb")
            got_path = work / "out" / f"{name}.pb"
            if not got_path.exists():
                return f"output '{name}' was not written"
            got = _load(got_path)
            if got.shape != want.shape:
                return (f"output '{name}' has shape {list(got.shape)}, "
                        f"expected {list(want.shape)}")
            if want.dtype.kind in "fc":
                close = np.isclose(got.astype(np.float64),
                                   want.astype(np.float64), rtol=RTOL,
                                   atol=ATOL, equal_nan=True)
                if not close.all():
                    error = np.abs(got.astype(np.float64) -
                                   want.astype(np.float64))[~close].max()
                    return (f"output '{name}': {int((~close).sum())} of "
                            f"{close.size} elements differ (max abs error "
                            f"{error:.3g})")
            # The runtime's integers are signless: an unsigned result comes
            # back as the same bits in a signed type of its width.
            elif not np.array_equal(got.astype(want.dtype), want):
                return f"output '{name}' differs"
        return ""


def _load(path: Path) -> np.ndarray:
    tensor = onnx.TensorProto()
    tensor.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(tensor)


def _first_error(stderr: str) -> str:
    """The first error of a tool's stderr, without the tool's name and the
    test data's directory (the report names the test)."""
    message = ""
    for line in stderr.splitlines():
        if "error" in line:
            message = re.sub(r"^.*?error: ", "", line)
            break
    if not message:
        lines = stderr.strip().splitlines()
        message = lines[0] if lines else "failed without a message"
    message = re.sub(r"^cim-\w+: ", "", message.strip())
    message = re.sub(re.escape(str(DATA)) + r"/[^ :]*/", "", message)
    return message[:200]


def collect(filter_regex: str | None):
    pattern = re.compile(filter_regex) if filter_regex else None
    for suite in SUITES:
        root = DATA / suite
        if not root.is_dir():
            continue
        for directory in sorted(root.iterdir()):
            if not (directory / "model.onnx").exists():
                continue
            if pattern and not pattern.search(directory.name):
                continue
            yield suite, directory


def read_expected() -> dict[str, str]:
    expected = {}
    for line in EXPECTED.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, reason = line.partition(": ")
            expected[name.strip()] = reason.strip()
    return expected


def markdown(outcomes: list[Outcome], expected: dict[str, str]) -> str:
    by_op: dict[str, list[Outcome]] = {}
    for o in outcomes:
        if o.status == "unsupported":
            continue
        for op in o.ops:
            by_op.setdefault(op, []).append(o)
    tested = [o for o in outcomes if o.status != "unsupported"]
    passed = sum(o.status == "pass" for o in tested)
    failures = [o for o in tested if o.status == "fail"]
    lines = [
        "<!-- Generated by python3 -m cim.conformance --markdown "
        "(make docs); do not edit. -->",
        "",
        "# ONNX backend-test conformance",
        "",
        "ONNX's own backend tests (Debian's libonnx-testdata: "
        + ", ".join(f"`{s}`" for s in SUITES)
        + ") through `cim-compile --arch isaac` and `cim-run --numerics "
        "ideal`, compared with the expected outputs at ONNX's tolerances "
        f"(rtol {RTOL:g}, atol {ATOL:g}; integers exactly). Tests whose ops "
        "the importer does not claim ([onnx-ops.md](onnx-ops.md)) are "
        "counted as unsupported and not run. Graph inputs stay inputs: "
        "both operands of a product the model takes as inputs run on the "
        "digital or reprogram path.",
        "",
        f"**{passed} of {len(tested)} tests of supported ops pass**; "
        f"{len(outcomes) - len(tested)} tests use ops the importer does not "
        "claim. Of the failures, "
        f"{sum(o.reason.startswith('compile') for o in failures)} stop at "
        "compilation (element types the runtime has no representation for, "
        "operands that must be constants, unsupported attributes), "
        f"{sum('run:' in o.reason for o in failures)} at run time, and "
        f"{sum(not o.reason.startswith('compile') and 'run:' not in o.reason for o in failures)}"
        " on the numbers.",
        "",
        "| op | tests | pass | fail |",
        "|---|---|---|---|",
    ]
    for op in sorted(by_op):
        group = by_op[op]
        lines.append(f"| {op} | {len(group)} | "
                     f"{sum(o.status == 'pass' for o in group)} | "
                     f"{sum(o.status == 'fail' for o in group)} |")
    if failures:
        lines += ["", "## Failures", "", "| test | suite | reason |",
                  "|---|---|---|"]
        for o in failures:
            reason = expected.get(f"{o.suite}/{o.name}") or o.reason
            lines.append(f"| {o.name} | {o.suite} | "
                         f"{reason.replace('|', '/')} |")
    unsupported: dict[str, int] = {}
    for o in outcomes:
        if o.status == "unsupported":
            unsupported[o.reason] = unsupported.get(o.reason, 0) + 1
    lines += ["", "## Not run (ops the importer does not claim)", "",
              "| missing | tests |", "|---|---|"]
    for reason, count in sorted(unsupported.items()):
        lines.append(f"| {reason} | {count} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", help="build directory (default: "
                        "$CIM_BUILD_DIR, else build/)")
    parser.add_argument("--filter", help="run the tests whose name matches")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--markdown", help="write the report here")
    parser.add_argument("--check", action="store_true",
                        help="fail on any difference from the expected list")
    parser.add_argument("--write-expected", action="store_true",
                        help="record today's failures as the expected list")
    args = parser.parse_args(argv)
    if args.build:
        os.environ["CIM_BUILD_DIR"] = str(Path(args.build).resolve())
    harness = Harness()
    tests = list(collect(args.filter))
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        outcomes = list(pool.map(lambda t: harness.run(*t), tests))
    expected = read_expected()
    surprises = []
    for o in outcomes:
        key = f"{o.suite}/{o.name}"
        if o.status == "fail":
            print(f"FAIL {key}: {o.reason}")
            if key not in expected:
                surprises.append(f"{key} fails: {o.reason}")
            elif expected[key] != o.reason:
                surprises.append(f"{key} fails for another reason: "
                                 f"{o.reason} (listed: {expected[key]})")
        elif key in expected:
            surprises.append(f"{key} is {o.status} but listed as failing")
    tested = [o for o in outcomes if o.status != "unsupported"]
    print(f"onnx backend tests: {sum(o.status == 'pass' for o in tested)} "
          f"passed, {sum(o.status == 'fail' for o in tested)} failed, "
          f"{len(outcomes) - len(tested)} unsupported (of {len(outcomes)})")
    if args.markdown:
        Path(args.markdown).write_text(markdown(outcomes, expected))
    if args.write_expected:
        lines = [EXPECTED_HEADER]
        lines += [f"{o.suite}/{o.name}: {o.reason}" for o in outcomes
                  if o.status == "fail"]
        EXPECTED.write_text("\n".join(lines) + "\n")
    if args.check and surprises:
        print("differences from " + EXPECTED.name + ":")
        for s in surprises:
            print("  " + s)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
