#!/usr/bin/env python3
"""Adds up the JUnit XML files the test runners wrote and prints one line.

Each runner prints its own summary; this closes `make test` with the total so a
reader (or CI) sees at once whether anything failed, and fails if a runner
produced no results at all (a suite that silently ran nothing is a failure).
"""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

EXPECTED = ("lit.xml", "ctest.xml", "pytest.xml")


def count(path: Path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", suite.get("disabled", 0)) or 0)
    return total, failed, skipped


def main() -> int:
    results = Path(sys.argv[1])
    passed = failed = skipped = 0
    ok = True
    for name in EXPECTED:
        path = results / name
        if not path.exists():
            print(f"summary: {name} missing: that suite did not run")
            ok = False
            continue
        total, fail, skip = count(path)
        if total == 0:
            print(f"summary: {name} ran no test")
            ok = False
        passed += total - fail - skip
        failed += fail
        skipped += skip
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if ok and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
