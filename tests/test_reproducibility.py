"""Plans record their settings and input hash; equal seeds give equal plans."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from circularopt.exceptions import (
    CircularOptError,
    InfeasibleError,
)
from circularopt.matrices import approximate_matrices
from circularopt.pipeline import scenario_hash, solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
from tests.helpers import run_cli, town


def test_plan_records_versions_settings_and_input_hash(town_plan: Plan) -> None:
    info = town_plan.info
    assert set(info["versions"]) >= {"python", "circularopt", "ortools", "pyvrp"}
    assert all(info["versions"].values())
    assert (info["seed"], info["engine"], info["time_limit"], info["workers"]) == (
        0, "pyvrp", 3, 1)
    canonical = json.dumps(town().to_dict(), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    assert info["scenario_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert scenario_hash(town(tonnes=0.9)) != info["scenario_sha256"]
    assert info["warnings"] == []


def test_same_scenario_seed_and_engine_same_plan(town_plan: Plan) -> None:
    again = solve(town(), time_limit=3, routing=RoutingOptions(workers=1))
    assert again.routing is not None and town_plan.routing is not None
    assert [[v.id for v in r.visits] for r in again.routing.routes] == \
        [[v.id for v in r.visits] for r in town_plan.routing.routes]
    assert again.kpis == town_plan.kpis
    assert again.siting is not None and town_plan.siting is not None
    assert again.siting.assignment == town_plan.siting.assignment


def test_no_half_written_scenario_on_import_error(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    base = tmp_path / "town.json"
    town().to_json(base)
    csv = tmp_path / "sites.csv"
    csv.write_text("id,lat,lon,tonnes\na,42.9,74.6,1\nb,nan,74.6,1\n", encoding="utf-8")
    out = tmp_path / "new.json"
    code, line = run_cli(capsys, "scenario", "import", base, csv, "--kind",
                         "collection_points", "--out", out)
    assert code == 2 and "sites.csv" in line and "row" in line
    assert not out.exists()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]



def test_iteration_stop_is_reproducible_whatever_the_time() -> None:
    scenario = town(24)
    routing = RoutingOptions(workers=1, engine_options={"max_iterations": 150})
    plans = [solve(scenario, time_limit=60, seed=4, routing=routing) for _ in range(2)]
    routes = [[[v.id for v in r.visits] for r in p.routing.routes]
              for p in plans if p.routing is not None]
    assert len(routes) == 2 and routes[0] == routes[1]
    assert all(p.valid for p in plans)
    assert plans[0].info["engine_options"] == {"max_iterations": 150}
    assert plans[0].info["seconds"] < 30  # stopped on iterations, not on the 60 s limit
    with pytest.raises(CircularOptError, match="max_iterations: got 0; expected None or an"):
        solve(scenario, time_limit=5,
              routing=RoutingOptions(workers=1, engine_options={"max_iterations": 0}))


def test_deprecated_diagnosis_names_warn_and_still_work() -> None:
    from circularopt.diagnose import Diagnosis, ScenarioReport, check_feasible, diagnose

    assert Diagnosis is ScenarioReport
    matrices = approximate_matrices(town().locations())
    with pytest.warns(DeprecationWarning, match="diagnose"):
        found = diagnose(town(shift=30.0, count=4), matrices)
    assert found.problems == found.violations and not found.ok
    with pytest.warns(DeprecationWarning, match="check_feasible"), \
            pytest.raises(InfeasibleError):
        check_feasible(town(window=(0.0, 60.0)), matrices)
