"""A week plan's headline KPIs: the week's routes per working day, not the peak day."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from circularopt.matrices import TravelMatrices, scenario_matrices
from circularopt.pipeline import solve
from circularopt.plan import Plan, compute_kpis, validate_plan
from circularopt.plan.kpis import week_kpis
from circularopt.routing.decompose import RoutingOptions, route_city
from circularopt.routing.scenario import nearest_sites
from circularopt.scenario import Scenario
from tests.helpers import town

FREQUENCIES = (2, 3, 7, 1, 2, 3, 7, 1)
TONNES = 8 * 0.8
"""The town's tonnes per calendar day (8 sites of 0.8 t)."""


@pytest.fixture(scope="module")
def mixed() -> Scenario:
    """The tiny town with sites collected 1, 2, 3 and 7 times a week (Mon-Sat)."""
    s = town(8)
    pts = tuple(dataclasses.replace(p, collections_per_week=f)
                for p, f in zip(s.collection_points, FREQUENCIES, strict=True))
    return dataclasses.replace(s, collection_points=pts)


@pytest.fixture(scope="module")
def matrices(mixed: Scenario) -> TravelMatrices:
    return scenario_matrices(mixed, None)


@pytest.fixture(scope="module")
def plan(mixed: Scenario) -> Plan:
    return solve(mixed, time_limit=12, seed=1, routing=RoutingOptions(workers=1))


def _week(plan: Plan) -> dict[str, Any]:
    week = plan.info["week"]
    assert isinstance(week, dict)
    return week


def test_collected_is_the_weeks_tonnes_per_working_day(plan: Plan) -> None:
    assert plan.valid, plan.violations
    assert plan.kpis is not None
    # 7 calendar days of waste collected on 6 working days
    assert plan.kpis.collected_t_per_day == pytest.approx(TONNES * 7 / 6)


def test_trucks_km_and_cost_come_from_the_week(plan: Plan, mixed: Scenario) -> None:
    week, k = _week(plan), plan.kpis
    assert k is not None
    assert k.vehicles_used == max(d["trucks"] for d in week["days"])
    assert k.km_per_day == pytest.approx(week["total"]["km"] / 6, rel=1e-6, abs=1e-3)
    days = mixed.parameters.working_days_per_year
    # the 7-day week repeats days / 7 times a year
    assert k.annual_cost["collection"] == pytest.approx(week["total"]["cost"] * days / 7,
                                                        rel=1e-6, abs=1.0)
    assert k.daily_cost["total"] == pytest.approx(k.annual_cost["total"] / days)
    assert k.fuel_litres_per_day == pytest.approx(
        k.km_per_day * mixed.parameters.fuel_litres_per_km)


def test_the_peak_day_stays_in_the_plan(plan: Plan, mixed: Scenario,
                                        matrices: TravelMatrices) -> None:
    week = _week(plan)
    assert week["peak_day_every_day"]["cost"] > week["total"]["cost"]
    assert plan.siting is not None and plan.feedstock is not None
    city = route_city(mixed, matrices, assignment=plan.siting.assignment,
                      options=RoutingOptions(workers=1), time_limit=2)
    peak = compute_kpis(mixed, plan.siting, plan.feedstock, city.problem, city.result)
    # every site due on the peak day, each with a visit's tonnes (0.8 t x 7 / visits)
    # (demands are rounded to the kilogram)
    assert peak.collected_t_per_day == pytest.approx(sum(0.8 * 7 / f for f in FREQUENCIES),
                                                     abs=0.01)


def test_validator_recomputes_the_week_figures(plan: Plan, mixed: Scenario,
                                               matrices: TravelMatrices) -> None:
    verdict = validate_plan(mixed, matrices, plan)
    assert verdict.ok, verdict.summary()
    assert plan.kpis is not None and verdict.kpis is not None
    assert verdict.kpis.collected_t_per_day == pytest.approx(TONNES * 7 / 6)
    peak_kpis = dataclasses.replace(plan.kpis, km_per_day=plan.kpis.km_per_day * 2)
    verdict = validate_plan(mixed, matrices, dataclasses.replace(plan, kpis=peak_kpis))
    assert any("km_per_day" in v for v in verdict.violations)


def test_validator_rejects_a_week_day_without_routes(plan: Plan, mixed: Scenario,
                                                     matrices: TravelMatrices) -> None:
    week = _week(plan)
    busy = next(d["day"] for d in week["days"] if d["points"])
    info = {**plan.info, "week": {**week, "routes": {**week["routes"], busy: None}}}
    verdict = validate_plan(mixed, matrices, dataclasses.replace(plan, info=info))
    assert any(v.startswith(f"week {busy}: no routes for") for v in verdict.violations)


def test_a_week_repeating_the_peak_day_has_the_peak_figures(mixed: Scenario,
                                                            matrices: TravelMatrices,
                                                            plan: Plan) -> None:
    assert plan.siting is not None and plan.feedstock is not None
    city = route_city(mixed, matrices, assignment=nearest_sites(mixed, matrices),
                      options=RoutingOptions(workers=1), time_limit=2)
    peak = compute_kpis(mixed, plan.siting, plan.feedstock, city.problem, city.result)
    same = week_kpis(mixed, plan.siting, plan.feedstock, city.problem, city.result,
                     [(city.problem, city.result)] * 6)
    for name in ("km_per_day", "hours_per_day", "tonne_km_per_day", "collected_t_per_day",
                 "load_utilisation", "shift_utilisation"):
        assert getattr(same, name) == pytest.approx(getattr(peak, name)), name
    assert same.vehicles_used == peak.vehicles_used
    # but the peak plan collects every day of the year, the week on 6 days of 7
    assert same.annual_cost["collection"] == pytest.approx(peak.annual_cost["collection"]
                                                           * 6 / 7)


def test_summary_and_rows_say_the_figures_are_the_weeks(plan: Plan, tmp_path: Path) -> None:
    assert plan.kpis is not None and plan.kpis.week_days == 6
    text = plan.summary()
    assert "averaged over its 6 days" in text and "trucks (most on one day)" in text
    assert ("vehicles used (most on one day)"
            in [figure for figure, _, _ in plan.kpis.rows()])
    again = Plan.load(plan.save(tmp_path / "plan.json"))
    assert again.kpis == plan.kpis


def test_summary_warns_when_the_busiest_day_exceeds_the_fleet(plan: Plan) -> None:
    assert plan.kpis is not None
    assert "NOTE: the week's busiest day" not in plan.summary()
    over = dataclasses.replace(plan.kpis, vehicles_used=plan.kpis.vehicles_available + 1)
    text = dataclasses.replace(plan, kpis=over).summary()
    assert f"busiest day needs {over.vehicles_used} trucks, the fleet has 2" in text
