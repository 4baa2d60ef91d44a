"""The package is ruff- and mypy-clean."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from circularopt.config import project_root


@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_static_checks(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (pip install -e '.[test]')")
    cmd = [sys.executable, "-m", tool]
    cmd += ["check", "circularopt", "tests", "benchmarks"] if tool == "ruff" else []
    done = subprocess.run(cmd, cwd=project_root(), capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
