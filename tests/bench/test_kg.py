"""The ``kg`` runner: the pipeline on a library instance, checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.bench import BenchOptions
from circularopt.bench.kg import run_kg
from circularopt.config import project_root
from circularopt.plan import Plan


@pytest.mark.slow
def test_kg_runner_solves_checks_and_saves(tmp_path: Path) -> None:
    options = BenchOptions(data=project_root() / "instances", instances="osh-200",
                           time_limit=8.0, solutions=tmp_path)
    rows = list(run_kg(options))
    assert [r.instance for r in rows] == ["osh-200"]
    row = rows[0]
    assert row.feasible and row.n == 200 and row.bks is not None and row.cost is not None
    assert row.extra["violations"] == 0
    assert Plan.load(tmp_path / "osh-200.plan.json") is not None
