"""The week's day choice on its lean inputs chooses the days the full routing problem did."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pytest

from circularopt.matrices import TravelMatrices, scenario_matrices
from circularopt.routing.curbside import curbside_matrices, scenario_runs, siting_scenario
from circularopt.routing.periodic import city
from circularopt.routing.periodic.city import choose_days, run_patterns
from circularopt.routing.periodic.model import Pattern
from circularopt.routing.periodic.solve import initial_choice
from circularopt.routing.periodic.week import periodic_problem, scenario_patterns
from circularopt.routing.scenario import nearest_sites, routing_problem
from circularopt.scenario import Scenario
from tests.helpers import town
from tests.routing.test_curbside import town_with_streets

FREQUENCIES = (2, 3, 7, 1, 2, 3, 6, 1, 3, 2)


def _before(scenario: Scenario, matrices: TravelMatrices, assignment: Mapping[str, str]
            ) -> dict[str, Pattern]:
    """The day choice as it was built before (commit 5a1405e): one routing problem over
    every point and run start, float64 distances and durations."""
    runs = scenario_runs(scenario)
    points = scenario.collection_points
    at_start = {r.end_ids()[0]: r for r in runs}
    allowed = dict(zip([p.id for p in points], scenario_patterns(scenario.week, points),
                       strict=True))
    allowed.update(dict(zip(at_start, run_patterns(scenario.week, runs), strict=True)))
    base = routing_problem(city._choice_scenario(scenario, at_start), matrices,
                           unload_sites=sorted(set(assignment.values())))
    rate = {p.id: p.collections_per_week / 7.0 for p in points}
    stops = tuple(dataclasses.replace(s, demand=tuple(x * rate.get(s.id, 1.0)
                                                      for x in s.demand))
                  for s in base.stops)
    patterns = [allowed[s.id] for s in stops]
    choice = initial_choice(periodic_problem(dataclasses.replace(base, stops=stops),
                                             scenario.week, patterns))
    return {(at_start[s.id].id if s.id in at_start else s.id): patterns[k][choice[k]]
            for k, s in enumerate(stops)}


@pytest.fixture(scope="module")
def mixed() -> Scenario:
    """Twenty sites of mixed frequencies (1 to 7 a week)."""
    s = town(20)
    return dataclasses.replace(s, collection_points=tuple(
        dataclasses.replace(p, collections_per_week=FREQUENCIES[k % len(FREQUENCIES)])
        for k, p in enumerate(s.collection_points)))


@pytest.fixture(scope="module")
def two_unloads(mixed: Scenario) -> Scenario:
    """``mixed`` with a second truck type that unloads in 25 minutes (the complex then
    has a copy per unloading time)."""
    depot = mixed.depots[0]
    small = dataclasses.replace(depot.vehicle_types[0], id="small", capacity_tonnes=6.0,
                                unload_minutes=25.0)
    return dataclasses.replace(mixed, depots=(dataclasses.replace(
        depot, vehicle_types=(*depot.vehicle_types, small)),))


@pytest.fixture(scope="module")
def streets() -> Scenario:
    """The tiny town's sites 3 a week, its streets (three runs) twice a week."""
    s = town_with_streets()
    return dataclasses.replace(
        s, collection_points=tuple(dataclasses.replace(p, collections_per_week=3)
                                   for p in s.collection_points),
        streets=tuple(dataclasses.replace(t, collections_per_week=2) for t in s.streets))


@pytest.mark.parametrize(("which", "chunk"), [("mixed", 500), ("mixed", 3),
                                               ("two_unloads", 3)])
def test_same_days_as_the_full_problem(which: str, chunk: int,
                                       request: pytest.FixtureRequest,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = request.getfixturevalue(which)
    monkeypatch.setattr(city, "CHOICE_CHUNK", chunk)
    m = scenario_matrices(scenario, None)
    assignment = nearest_sites(scenario, m)
    before = _before(scenario, m, assignment)
    assert len(set(before.values())) > 3  # the days differ: a choice was made
    assert choose_days(scenario, m, assignment) == before


def test_same_days_with_street_runs(streets: Scenario, monkeypatch: pytest.MonkeyPatch
                                    ) -> None:
    monkeypatch.setattr(city, "CHOICE_CHUNK", 4)
    runs = scenario_runs(streets)
    m = curbside_matrices(streets, runs)
    assignment = nearest_sites(siting_scenario(streets, runs), m)
    assert choose_days(streets, m, assignment, runs=runs) == _before(streets, m, assignment)


def test_choice_problem_holds_float32_distances_among_its_points(mixed: Scenario) -> None:
    m = scenario_matrices(mixed, None)
    full = routing_problem(mixed, m, unload_sites=["c1"])
    lean = city._choice_problem(mixed, m, ["c1"])
    assert lean.distance.dtype == np.float32
    assert [(s.id, s.demand) for s in lean.stops] == [(s.id, s.demand) for s in full.stops]
    want = round(float(m.distance_m[m.index("d1"), m.index("p3")]))
    assert lean.distance[lean.depots[0].location, lean.stops[3].location] == want
    assert full.distance[full.depots[0].location, full.stops[3].location] == want
