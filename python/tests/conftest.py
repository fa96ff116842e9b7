"""Shared set-up of the Python tests.

Makes `import cim` work without PYTHONPATH (the Makefile sets it; a bare
`pytest python/tests` does not) and offers the repository root as a fixture.
"""

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PYTHON_DIR = REPO_ROOT / "python"

if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT
