"""Bad scenario and plan files at the command line: one clear error line, exit code 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from circularopt.exceptions import (
    InputError,
)
from circularopt.plan import Plan
from circularopt.scenario import (
    Scenario,
)
from tests.helpers import assert_clear, edited, run_cli, town


def _point(data: dict[str, Any], key: str, value: Any) -> None:
    data["collection_points"][0][key] = value


SCENARIO_CASES: list[tuple[str, Callable[[dict[str, Any]], None], tuple[str, ...]]] = [
    ("nan-lat", lambda d: _point(d, "lat", float("nan")), ("'p0'.lat", "nan", "finite")),
    ("lat-out-of-range", lambda d: _point(d, "lat", 123.0), ("'p0'.lat", "123", "<= 90")),
    ("lon-as-text", lambda d: _point(d, "lon", "74,6"), ("'p0'.lon", "'74,6'", "number")),
    ("duplicate-id", lambda d: _point(d, "id", "p1"), ("'p1'", "unique ids")),
    ("negative-demand", lambda d: d["collection_points"][0]["tonnes_per_day"].update(
        plastic=-0.3), ("tonnes_per_day['plastic']", "-0.3", ">= 0")),
    ("negative-capacity", lambda d: d["depots"][0]["vehicle_types"][0].update(
        capacity_tonnes=-5), ("capacity_tonnes", "-5", "> 0")),
    ("window-as-text", lambda d: _point(d, "time_window", "8-10"),
     ("time_window", "'8-10'", "[earliest, latest]")),
    ("fleet-not-a-list", lambda d: d["depots"][0].update(vehicle_types=None),
     ("vehicle_types", "None", "a list")),
    ("metadata-not-an-object", lambda d: d.update(metadata=[1]), ("metadata", "a mapping")),
    ("unknown-stream", lambda d: d["collection_points"][0]["tonnes_per_day"].update(
        plstic=1.0), ("'plstic'", "one of the scenario's streams")),
]


@pytest.mark.parametrize(("case", "edit", "parts"), SCENARIO_CASES,
                         ids=[c[0] for c in SCENARIO_CASES])
def test_bad_scenario_json_one_clear_error(
        case: str, edit: Callable[[dict[str, Any]], None], parts: tuple[str, ...],
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / f"{case}.json"
    path.write_text(edited(town(), edit), encoding="utf-8")
    code, line = run_cli(capsys, "scenario", "show", path)
    assert code == 2
    assert_clear(line, "InputError", str(path), *parts)
    with pytest.raises(InputError):
        Scenario.from_json(path)


def test_truncated_and_empty_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = town().to_json()
    for name, body in (("cut.json", text[: len(text) // 2]), ("empty.json", "")):
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        code, line = run_cli(capsys, "solve", path, "--time-limit", "2", "--out",
                             tmp_path / "out")
        assert code == 2
        assert_clear(line, str(path), "line ", "valid JSON")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["solve", "site", "route"])
def test_empty_scenario(command: str, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.json"
    town(0).to_json(path)
    code, line = run_cli(capsys, command, path, "--time-limit", "2", "--out", tmp_path / "o")
    assert code == 2
    assert_clear(line, "collection_points", "at least one collection point")


def test_truncated_plan_json(town_plan: Plan, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    good = town_plan.save(tmp_path / "town_plan.json").read_text(encoding="utf-8")
    bad = tmp_path / "cut.json"
    bad.write_text(good[:-200], encoding="utf-8")
    scenario = tmp_path / "town.json"
    town_plan.scenario.to_json(scenario)
    for argv in (("check", scenario, bad), ("compare", tmp_path / "town_plan.json", bad)):
        code, line = run_cli(capsys, *argv)
        assert code == 2
        assert_clear(line, str(bad), "line ", "valid JSON")
    data = json.loads(good)
    data["siting"]["assignment"] = "x"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"a plan\.json written by circularopt"):
        Plan.load(bad)
