"""Curbside street runs in the week plan: frequency, days, accumulation, validation."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.exceptions import InputError
from circularopt.routing.curbside import curbside_matrices, scenario_runs, siting_scenario
from circularopt.routing.decompose import RoutingOptions
from circularopt.routing.periodic.city import (
    CityWeek,
    day_runs,
    route_week,
    run_patterns,
    schedule,
    validate_week,
)
from circularopt.routing.scenario import nearest_sites
from circularopt.scenario import Scenario, Week
from tests.routing.test_curbside import line_streets, street, town_with_streets


def _streets(frequency: int, **kw: object) -> Scenario:
    base = town_with_streets()
    return dataclasses.replace(base, streets=tuple(
        dataclasses.replace(t, collections_per_week=frequency, **kw) for t in base.streets))


@pytest.fixture(scope="module")
def weekly() -> Scenario:
    """The tiny town's sites daily, its five streets (three runs) once a week."""
    return _streets(1)


@pytest.fixture(scope="module")
def week(weekly: Scenario) -> CityWeek:
    runs = scenario_runs(weekly)
    m = curbside_matrices(weekly, runs)
    assignment = nearest_sites(siting_scenario(weekly, runs), m)
    return route_week(weekly, m, assignment=assignment, options=RoutingOptions(workers=1),
                      time_limit=8, seed=1)


def test_runs_do_not_mix_frequencies() -> None:
    mixed = dataclasses.replace(town_with_streets(), streets=(
        *line_streets()[:2], dataclasses.replace(line_streets()[2], collections_per_week=2)))
    assert sorted(r.streets for r in scenario_runs(mixed)) == [("s0", "s1"), ("s2",)]


def test_weekly_runs_hold_a_seventh_of_a_daily_run() -> None:
    # three blocks of 0.05 t a day: a daily run may hold 0.12 t a day (two blocks), a
    # weekly one 0.12 / 7 t (one block each)
    daily, once = town_with_streets(), _streets(1)
    cap = {"max_minutes": 60.0, "max_tonnes": 0.12}
    from circularopt.routing.curbside import street_runs

    assert sorted(len(r.streets) for r in street_runs(daily.streets[:3], **cap)) == [1, 2]
    assert sorted(len(r.streets) for r in street_runs(once.streets[:3], **cap)) == [1, 1, 1]


def test_a_weekly_run_collects_seven_days(weekly: Scenario) -> None:
    run = scenario_runs(weekly)[0]
    due = day_runs(weekly.week, [run], {run.id: (2,)}, 2)
    assert due[0].tonnes == pytest.approx(7 * run.tonnes)
    assert day_runs(weekly.week, [run], {run.id: (2,)}, 3) == ()


def test_every_run_once_on_its_day_and_valid(weekly: Scenario, week: CityWeek) -> None:
    report = validate_week(weekly, week)
    assert report.ok, report.summary()
    runs = scenario_runs(weekly)
    assert all(len(week.days[r.id]) == 1 for r in runs)
    assert all(len(week.days[p.id]) == 6 for p in weekly.collection_points)
    loads = {s.id: s.demand[0] for city in week.plans if city is not None
             for s in city.problem.stops}
    for r in runs:
        got = [v for k, v in loads.items() if k.startswith(r.id)]
        assert got and all(v == pytest.approx(7 * r.tonnes, abs=1e-3) for v in got)


def test_validator_rejects_a_run_on_another_day(weekly: Scenario, week: CityWeek) -> None:
    run = scenario_runs(weekly)[0]
    (day,) = week.days[run.id]
    moved = dataclasses.replace(week, days={**week.days, run.id: ((day + 1) % 6,)})
    bad = validate_week(weekly, moved).violations
    assert any(f"street run {run.id!r} is collected on" in v for v in bad)


def test_validator_rejects_a_run_load_without_accumulation(weekly: Scenario) -> None:
    # the same runs with their days declared twice a week: each visit should then carry
    # 3 or 4 days of waste, the routes carry 7
    runs = scenario_runs(weekly)
    m = curbside_matrices(weekly, runs)
    assignment = nearest_sites(siting_scenario(weekly, runs), m)
    plan = route_week(weekly, m, assignment=assignment, options=RoutingOptions(workers=1),
                      time_limit=4, seed=1)
    twice = _streets(2)
    days = {**plan.days, **{r.id: (0, 3) for r in runs}}
    bad = validate_week(twice, dataclasses.replace(plan, days=days)).violations
    assert any("days of waste are" in v for v in bad)


def test_schedule_lists_each_street(weekly: Scenario, week: CityWeek) -> None:
    rows = schedule(weekly, week)
    streets = [r for r in rows if r["kind"] == "curbside"]
    assert sorted(r["id"] for r in streets) == sorted(t.id for t in weekly.streets)
    s1 = next(r for r in streets if r["id"] == "s1")
    assert s1["name"] == "synthetic s1" and s1["zone"] == "z1"
    assert len(s1["days"].split()) == 1 and s1[s1["days"]] and s1["window"]


def test_street_frequency_beyond_the_week_names_street_and_zone() -> None:
    five = Week(working_days=("Mon", "Tue", "Wed", "Thu", "Fri"))
    with pytest.raises(InputError, match=r"CollectionStreet 's0' \(zone 'z1'\)"
                                         r"\.collections_per_week"):
        dataclasses.replace(_streets(6), week=five)
    with pytest.raises(InputError, match=r"zone 'z1'.*collections_per_week: got 9"):
        street("s9", (42.87, 74.6), (42.871, 74.6), collections_per_week=9)
    with pytest.raises(InputError, match=r"fixed_days.*Sun"):
        dataclasses.replace(_streets(1, fixed_days=("Sun",)), week=Week())


def test_run_patterns_follow_fixed_days() -> None:
    runs = scenario_runs(_streets(1, fixed_days=("Wed",)))
    assert set(run_patterns(Week(), runs)) == {((2,),)}
