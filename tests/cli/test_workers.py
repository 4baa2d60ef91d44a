"""``--workers`` of ``site``, ``solve`` and ``bench``: processes, an integer >= 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from circularopt.bench.facility import solve_facility
from circularopt.exceptions import InputError
from circularopt.siting.cflp import FacilityProblem
from tests.helpers import assert_clear, run_cli, town


@pytest.mark.parametrize("workers", ["0", "-1"])
@pytest.mark.parametrize("command", ["site", "solve"])
def test_workers_below_one_is_one_clear_error(command: str, workers: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "town.json"
    town().to_json(path)
    code, line = run_cli(capsys, command, path, "--workers", workers, "--time-limit", "5",
                         "--out", tmp_path / "o")
    assert code == 2
    assert_clear(line, "--workers", workers, "an integer >= 1")
    assert not (tmp_path / "o").exists()


def test_bench_workers_below_one_is_one_clear_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, line = run_cli(capsys, "bench", "sscflp", "--data", tmp_path, "--engine",
                         "portfolio", "--workers", "0")
    assert code == 2
    assert_clear(line, "--workers", "0", "an integer >= 1")


def test_workers_are_for_the_portfolio_engine_only() -> None:
    problem = FacilityProblem(fixed_cost=[1.0], capacity=[2.0], demand=[1.0], cost=[[1.0]])
    with pytest.raises(InputError, match="portfolio"):
        solve_facility(problem, engine="scip", workers=2)


def test_site_with_two_workers_races_backends(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "town.json"
    town().to_json(path)
    code, line = run_cli(capsys, "site", path, "--workers", "2", "--time-limit", "30",
                         "--out", tmp_path / "site.json")
    assert code == 0 and line == ""
    result = json.loads((tmp_path / "site.json").read_text(encoding="utf-8"))
    assert result["backend"].startswith("portfolio:")
