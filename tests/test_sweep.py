"""Sweeps: option parsing, and a local 2-worker Dask cluster with one failing task."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from circularopt import InputError, Plan
from circularopt.cli import main
from circularopt.sweep import expand, parse_vary, run_sweep


def test_parse_vary() -> None:
    assert parse_vary("complexes=1..3") == ("complexes", [1, 2, 3])
    assert parse_vary("season=summer, winter") == ("season", ["summer", "winter"])
    assert parse_vary("time-limit=5,10") == ("time_limit", [5.0, 10.0])


@pytest.mark.parametrize(("text", "field"), [
    ("complexes", "--vary"),
    ("colour=red", "--vary"),
    ("complexes=3..1", "--vary complexes"),
    ("seed=a,b", "--vary seed"),
    ("season=1..2", "--vary season"),
])
def test_parse_vary_errors(text: str, field: str) -> None:
    with pytest.raises(InputError) as info:
        parse_vary(text)
    assert info.value.field == field


def test_expand_cross_product() -> None:
    tasks = expand([("complexes", [1, 2]), ("season", ["summer", "winter"])])
    assert tasks == [{"complexes": 1, "season": "summer"}, {"complexes": 1, "season": "winter"},
                     {"complexes": 2, "season": "summer"}, {"complexes": 2, "season": "winter"}]
    with pytest.raises(InputError):
        expand([("seed", [1]), ("seed", [2])])


@pytest.mark.slow
def test_local_cluster_reports_a_failed_task_and_goes_on(tmp_path: Path) -> None:
    # Osh's waste (291 t/day) does not fit one complex: that task must fail with the
    # siting model's explanation while the two-complex task succeeds.
    rows = list(run_sweep("osh", [{"complexes": 1}, {"complexes": 2}],
                          base={"size": 100, "time_limit": 6}, workers=2,
                          plans_dir=tmp_path))
    by_name = {r.name: r for r in rows}
    assert set(by_name) == {"complexes=1", "complexes=2"}
    assert "InfeasibleError" in by_name["complexes=1"].error
    ok = by_name["complexes=2"]
    assert not ok.error and ok.figures["valid"] and ok.figures["complexes_open"] == 2
    assert ok.plan_path is not None and Path(ok.plan_path).is_file()


def test_cli_serial_writes_csv(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    code = main(["sweep", "osh", "--vary", "complexes=1,2", "--size", "100",
                 "--time-limit", "5", "--serial", "--out", str(out),
                 "--engine-options", '{"max_iterations": 300}',
                 "--plans", str(tmp_path / "plans")])
    assert code == 1  # one task failed, and the exit code says so
    table = pd.read_csv(out)
    assert list(table["task"]) == ["complexes=1", "complexes=2"]
    assert table.loc[0, "error"].startswith("InfeasibleError")
    assert bool(table.loc[1, "valid"])
    plan = Plan.load(table.loc[1, "plan"])
    assert '"max_iterations": 300' in json.dumps(plan.info)


@pytest.mark.parametrize("text", ["{max_iterations: 3}", "[1, 2]"])
def test_cli_engine_options_must_be_a_json_object(text: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sweep", "osh", "--vary", "seed=1", "--serial", "--engine-options", text])
    out = capsys.readouterr().out
    assert code == 2 and "--engine-options" in out and "JSON object" in out
