"""A city's week: collection days, every day routed, validated, and the outputs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from circularopt.matrices import scenario_matrices
from circularopt.outputs import write_outputs
from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
from circularopt.routing.periodic.city import (
    CityWeek,
    day_scenario,
    gaps,
    route_week,
    validate_week,
)
from circularopt.routing.scenario import nearest_sites
from circularopt.scenario import Scenario, Week
from tests.helpers import town

FREQUENCIES = (2, 3, 7, 1, 2, 3, 7, 1)


@pytest.fixture(scope="module")
def mixed() -> Scenario:
    """The tiny town with points collected 1, 2, 3 and 7 times a week; p3 fixed on Tue."""
    s = town(8)
    pts = [dataclasses.replace(p, collections_per_week=f)
           for p, f in zip(s.collection_points, FREQUENCIES, strict=True)]
    pts[3] = dataclasses.replace(pts[3], fixed_days=("Tue",))
    return dataclasses.replace(s, collection_points=tuple(pts))


@pytest.fixture(scope="module")
def week(mixed: Scenario) -> CityWeek:
    m = scenario_matrices(mixed, None)
    return route_week(mixed, m, assignment=nearest_sites(mixed, m),
                      options=RoutingOptions(workers=1), time_limit=8, seed=1)


def test_gaps_count_calendar_days() -> None:
    mon_sat = Week()
    assert gaps(mon_sat, (0, 2, 4)) == {0: 3, 2: 2, 4: 2}
    assert gaps(mon_sat, (5,)) == {5: 7}


def test_day_scenario_loads_the_days_since_the_last_visit(mixed: Scenario) -> None:
    days = {p.id: ((0, 3) if p.collections_per_week == 2 else (1,))
            for p in mixed.collection_points if p.collections_per_week in (1, 2)}
    days.update({p.id: (9,) for p in mixed.collection_points if p.id not in days})
    mon = day_scenario(mixed, days, 0)
    assert [p.id for p in mon.collection_points] == ["p0", "p4"]
    # Monday after Thursday: 4 days of 0.8 t
    assert mon.collection_points[0].tonnes_per_visit == pytest.approx(4 * 0.8)


def test_every_point_on_its_days_and_valid(mixed: Scenario, week: CityWeek) -> None:
    report = validate_week(mixed, week)
    assert report.ok, report.summary()
    assert week.day_names("p3") == ("Tue",)
    assert week.day_names("p2") == ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
    assert [len(week.days[p.id]) for p in mixed.collection_points] == \
        [6 if f == 7 else f for f in FREQUENCIES]
    assert report.cost == pytest.approx(sum(report.day_costs))


def test_validator_rejects_a_point_moved_to_another_day(mixed: Scenario,
                                                       week: CityWeek) -> None:
    moved = dataclasses.replace(week, days={**week.days, "p3": (4,)})
    report = validate_week(mixed, moved)
    assert any("'p3'" in v and "not one of its allowed" in v for v in report.violations)
    assert any("'p3' is collected on ['Tue'], its days are ['Fri']" in v
               for v in report.violations)


def test_validator_rejects_more_trucks_than_the_day_has(mixed: Scenario,
                                                       week: CityWeek) -> None:
    busy = max(range(6), key=lambda d: 0 if week.plans[d] is None
               else week.plans[d].result.num_vehicles)  # type: ignore[union-attr]
    day = mixed.week.working_days[busy]
    fewer = dataclasses.replace(mixed, week=Week(trucks_per_day={day: 0}))
    report = validate_week(fewer, week)
    assert any(v.startswith(f"{day}: ") and "0 are available" in v
               for v in report.violations)


@pytest.fixture(scope="module")
def week_plan(mixed: Scenario) -> Plan:
    return solve(mixed, time_limit=20, seed=1, routing=RoutingOptions(workers=1))


def test_solve_plans_the_week_when_points_are_not_daily(week_plan: Plan) -> None:
    info = week_plan.info["week"]
    assert week_plan.valid and info["valid"]
    assert info["working_days"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert info["total"]["cost"] == pytest.approx(sum(d["cost"] for d in info["days"]))
    assert info["saving"]["cost"] == pytest.approx(
        info["peak_day_every_day"]["cost"] - info["total"]["cost"])


def test_peak_day_only_on_request(mixed: Scenario) -> None:
    plan = solve(mixed, time_limit=6, seed=1, routing=RoutingOptions(workers=1), week=False)
    assert "week" not in plan.info and plan.valid


def test_week_outputs(week_plan: Plan, tmp_path: Path) -> None:
    written = write_outputs(week_plan, tmp_path / "out", formats=("csv", "gpkg"))
    assert {"schedule.csv", "week_kpis.csv"} <= set(written)
    routes = pd.read_csv(written["routes.csv"], encoding="utf-8-sig")
    assert "day" in routes.columns and "direction" in routes.columns
    assert set(routes["day"]) <= {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
    stops = routes[routes["kind"] == "stop"]
    assert sorted(stops[stops["id"] == "p3"]["day"]) == ["Tue"]
    schedule = pd.read_csv(written["schedule.csv"], encoding="utf-8-sig",
                           keep_default_na=False).set_index("id")
    assert schedule.loc["p3", "days"] == "Tue" and schedule.loc["p3", "Mon"] == ""
    assert schedule.loc["p3", "Tue"] != "" and "-" in schedule.loc["p3", "window"]
    layers = {name for name, _ in pyogrio.list_layers(written["plan.gpkg"])}
    days_with_routes = {f"routes_{d}" for d in routes["day"]}
    assert days_with_routes <= layers and "routes" in layers
    kpis = pd.read_csv(written["week_kpis.csv"], encoding="utf-8-sig")
    assert kpis["day"].iloc[-2] == "week" and kpis["day"].iloc[-1].startswith("peak day")


def test_the_week_survives_save_and_load(week_plan: Plan, tmp_path: Path) -> None:
    week_plan.save(tmp_path / "plan.json")
    again = Plan.load(tmp_path / "plan.json")
    assert again.info["week"]["schedule"] == week_plan.info["week"]["schedule"]


def test_days_as_dask_tasks_with_a_failing_day(mixed: Scenario) -> None:
    """Two local workers; Monday has no truck, so its task fails and is reported, and the
    validator names its points as not collected."""
    no_monday = dataclasses.replace(mixed, week=Week(trucks_per_day={"Mon": 0}))
    m = scenario_matrices(no_monday, None)
    said: list[str] = []
    week = route_week(no_monday, m, assignment=nearest_sites(no_monday, m), time_limit=20,
                      seed=1, workers=2, progress=said.append)
    assert list(week.info["errors"]) == ["Mon"] and week.plans[0] is None
    assert all(week.plans[d] is not None for d in range(1, 6) if week.info["due"][
        no_monday.week.working_days[d]])
    assert any(s.startswith("week: Mon failed") for s in said)
    report = validate_week(no_monday, week)
    assert any("collected on [" in v and "'Mon'" in v for v in report.violations)
