"""Locating and running the command-line tools of a cim build.

The build directory is `$CIM_BUILD_DIR` when set (the Makefile sets it for
pytest), else `build/` at the root of the repository this file belongs to.
Tools live in its `bin/` subdirectory.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Sequence, Union

#: Root of the repository: python/cim/tools.py -> python/cim -> python -> root.
REPO_ROOT = Path(__file__).resolve().parents[2]

#: Seconds a tool may run before it is considered hung.
DEFAULT_TIMEOUT = 120

StrPath = Union[str, os.PathLike]


def build_dir() -> Path:
    """The build directory: `$CIM_BUILD_DIR`, else `<repo>/build`."""
    env = os.environ.get("CIM_BUILD_DIR")
    return Path(env) if env else REPO_ROOT / "build"


def tool_path(name: str) -> Path:
    """Path of the built tool `name` (e.g. "cim-arch").

    Raises FileNotFoundError naming the path looked at when the tool is not
    there (or not executable), so a missing build is obvious.
    """
    path = build_dir() / "bin" / name
    if not path.is_file():
        origin = ("$CIM_BUILD_DIR" if os.environ.get("CIM_BUILD_DIR")
                  else "the default build directory")
        raise FileNotFoundError(
            f"{name} not found at {path} (taken from {origin}); "
            f"run `make` in {REPO_ROOT} to build it, or point CIM_BUILD_DIR "
            f"at a build directory that has bin/{name}")
    if not os.access(path, os.X_OK):
        raise FileNotFoundError(
            f"{path} exists but is not executable; run `make` in {REPO_ROOT} "
            f"to rebuild it")
    return path


class ToolError(RuntimeError):
    """A tool failed in a way its caller did not expect: a usage error, a
    crash (killed by a signal) or output that could not be read."""

    def __init__(self, message: str, *, argv: Sequence[str] = (),
                 returncode: int | None = None, stderr: str = ""):
        detail = message
        if stderr.strip():
            detail += "\n" + stderr.rstrip()
        super().__init__(detail)
        self.argv = list(argv)
        self.returncode = returncode
        self.stderr = stderr


def run_tool(name: str, args: Sequence[StrPath], *,
             timeout: float = DEFAULT_TIMEOUT) -> subprocess.CompletedProcess:
    """Runs tool `name` with `args` (no shell) and returns the completed
    process; stdout and stderr are text, decoded as UTF-8 with invalid bytes
    replaced (diagnostics may quote bytes of a broken input file)."""
    argv = [str(tool_path(name))] + [os.fspath(a) for a in args]
    result = subprocess.run(argv, stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=timeout, check=False)
    return subprocess.CompletedProcess(
        argv, result.returncode,
        result.stdout.decode("utf-8", errors="replace"),
        result.stderr.decode("utf-8", errors="replace"))
