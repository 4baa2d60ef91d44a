"""The pipeline with curbside streets: city generation, the week with its streets."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from circularopt.pipeline import load_scenario, solve
from circularopt.routing.decompose import RoutingOptions
from circularopt.scenario import Scenario
from tests.routing.test_curbside import town_with_streets


def test_bishkek_streets_carry_the_private_house_half() -> None:
    plain = load_scenario("bishkek", size=20)
    both = load_scenario("bishkek", size=20, streets=True)
    assert not plain.streets and len(both.streets) > 10_000
    assert all(s.synthetic for s in both.streets)
    street_t = sum(s.total_tonnes_per_day for s in both.streets)
    assert both.total_tonnes_per_day + street_t == pytest.approx(plain.total_tonnes_per_day)
    assert both.total_tonnes_per_day == pytest.approx(plain.total_tonnes_per_day / 2)


def test_a_city_without_private_houses_gets_no_streets() -> None:
    assert not load_scenario("osh", size=20, streets=True).streets


def _weekly_town(street_frequency: int = 7) -> Scenario:
    base = town_with_streets()
    weekly = tuple(dataclasses.replace(p, collections_per_week=3)
                   for p in base.collection_points)
    streets = tuple(dataclasses.replace(t, collections_per_week=street_frequency)
                    for t in base.streets)
    return dataclasses.replace(base, collection_points=weekly, streets=streets)


def test_streets_collected_weekly_get_the_week_by_default() -> None:
    daily_sites = dataclasses.replace(
        _weekly_town(1), collection_points=town_with_streets().collection_points)
    plan = solve(daily_sites, time_limit=10, routing=RoutingOptions(workers=1))
    assert plan.valid, plan.violations
    week = plan.info["week"]
    assert week["valid"]
    assert [d["runs"] for d in week["days"]].count(0) == 6 - 3  # 3 runs, once a week each


def test_peak_day_only_when_asked() -> None:
    plan = solve(_weekly_town(1), time_limit=6, routing=RoutingOptions(workers=1), week=False)
    assert plan.valid, plan.violations
    assert "week" not in plan.info


def test_week_plan_with_daily_streets() -> None:
    plan = solve(_weekly_town(), time_limit=12, routing=RoutingOptions(workers=1))
    assert plan.valid, plan.violations
    week = plan.info["week"]
    assert week["valid"]
    assert plan.kpis is not None
    kinds, n = plan.kpis.by_kind, len(week["working_days"])
    # the headline figures: the week's routes per working day, split by kind
    assert plan.kpis.km_per_day == pytest.approx(week["total"]["km"] / n, abs=1e-2)
    assert kinds["curbside"]["km"] == pytest.approx(week["total"]["curbside_km"] / n, abs=1e-2)
    assert plan.kpis.collected_t_per_day == pytest.approx(
        kinds["container"]["tonnes"] + kinds["curbside"]["tonnes"])
    # daily streets, Monday to Saturday: Monday collects Sunday's waste too
    assert kinds["curbside"]["tonnes"] == pytest.approx(
        plan.info["curbside"]["tonnes_per_day"] * 7 / 6, abs=0.01)
    assert all(d["runs"] == 3 for d in week["days"])


@pytest.mark.parametrize(("argv", "streets"), [([], None), (["--streets"], True),
                                               (["--no-streets"], False)])
def test_cli_streets_switch(argv: list[str], streets: bool | None) -> None:
    from circularopt.cli import build_parser

    assert build_parser().parse_args(["solve", "bishkek", *argv]).streets is streets


def test_week_outputs_list_the_streets(tmp_path: Path) -> None:
    from circularopt.outputs import write_outputs

    plan = solve(_weekly_town(1), time_limit=10, routing=RoutingOptions(workers=1))
    written = write_outputs(plan, tmp_path / "out", formats=("csv", "gpkg", "html"))
    schedule = pd.read_csv(written["schedule.csv"], encoding="utf-8-sig",
                           keep_default_na=False).set_index("id")
    streets = schedule[schedule["kind"] == "curbside"]
    assert sorted(streets.index) == sorted(t.id for t in plan.scenario.streets)
    s1 = streets.loc["s1"]
    assert s1["name"] == "synthetic s1" and len(s1["days"].split()) == 1
    assert s1[s1["days"]] != "" and "-" in s1["window"] and s1["lat"] > 0
    routes = pd.read_csv(written["routes.csv"], encoding="utf-8-sig")
    on_streets = routes[routes["kind"] == "street"]
    assert sorted(on_streets["id"]) == sorted(t.id for t in plan.scenario.streets)
    kpis = pd.read_csv(written["week_kpis.csv"], encoding="utf-8-sig").set_index("day")
    assert kpis.loc["week", "runs"] == 3
    assert "truck routes a week" in written["report.html"].read_text(encoding="utf-8")
    layer = pyogrio.read_dataframe(written["plan.gpkg"], layer="streets").set_index("id")
    assert layer.loc["s1", "days"] == s1["days"] and layer.loc["s1", "window"] == s1["window"]


def test_validate_plan_rereads_the_weeks_street_runs() -> None:
    from circularopt.plan import validate_plan
    from circularopt.routing.curbside import curbside_matrices, scenario_runs

    scenario = _weekly_town(1)
    plan = solve(scenario, time_limit=10, routing=RoutingOptions(workers=1))
    matrices = curbside_matrices(scenario, scenario_runs(scenario))
    verdict = validate_plan(scenario, matrices, plan)
    assert verdict.ok, verdict.summary()
    # a street whose run is said to come on another day: that day's routes miss it
    week = plan.info["week"]
    row = next(r for r in week["schedule"] if r["kind"] == "curbside")
    other = next(d for d in week["working_days"] if d != row["days"])
    moved = [{**r, "days": other} if r.get("run") == row["run"] else r
             for r in week["schedule"]]
    bad = validate_plan(scenario, matrices, dataclasses.replace(
        plan, info={**plan.info, "week": {**week, "schedule": moved}})).violations
    assert any(v.startswith(f"week {other}") for v in bad)
