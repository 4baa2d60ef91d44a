"""Starting plans: nearest neighbour with unloading trips, and Clarke-Wright savings."""

from __future__ import annotations

import math
import random

import pytest

from circularopt.routing import RoutingModel, RoutingProblem, RoutingResult, solve, validate_routes
from circularopt.routing.engines import ortools_engine
from circularopt.routing.engines._construct import nearest_neighbour, savings, savings_eligible
from circularopt.routing.engines._parts import PartStart


def _two_sites(count: int = 2) -> RoutingProblem:
    """Two truck types that unload at different sites and must return empty.

    Before the nearest-neighbour start, OR-Tools' first solution strategies found no
    plan for this shape of problem (a city part with site-specific truck types).
    """
    rnd = random.Random(3)
    pts = {"d": (0.0, 0.0), "u0": (5.0, 0.0), "u1": (-5.0, 0.0)}
    for k in range(20):
        pts[f"s{k}"] = (rnd.uniform(-30, 30), rnd.uniform(-30, 30))
    names = list(pts)
    dist = [[float(round(math.dist(pts[a], pts[b]))) for b in names] for a in names]
    m = RoutingModel(names, dist, dist, name="two-sites", dimensions=("t", "m3"))
    m.add_depot("d")
    m.add_unload_site("u0", unload_duration=10, tw_start=0, tw_end=900)
    m.add_unload_site("u1", unload_duration=15)
    m.add_vehicle_type("big", depot="d", count=count, capacity=[8, 18], unload_sites=["u1"],
                       return_empty=True, shift_end=1000, fixed_cost=10)
    m.add_vehicle_type("small", depot="d", count=count, capacity=[4.5, 10],
                       unload_sites=["u0"], return_empty=True, shift_end=1000, max_stops=6)
    for k in range(20):
        m.add_stop(f"s{k}", demand=[1.5, 4.5], service=20, tw_start=0, tw_end=800)
    return m.data()


def _plan(problem: RoutingProblem, start: PartStart) -> RoutingResult:
    """A start (vehicle type, steps) scheduled as a plan."""
    return RoutingResult(problem.name, "test", "feasible", 0.0,
                         tuple(ortools_engine._routes_of(problem, start)))


def test_nearest_neighbour_plan_is_valid() -> None:
    problem = _two_sites()
    start = nearest_neighbour(problem, [2, 2])
    assert start is not None
    plan = _plan(problem, start)
    report = validate_routes(problem, plan)
    assert report.ok, report.summary()
    assert all(r.visits[-2].kind == "unload" for r in plan.routes)  # returns empty


def test_nearest_neighbour_gives_up_when_the_fleet_is_short() -> None:
    assert nearest_neighbour(_two_sites(), [0, 1]) is None


def test_ortools_solves_site_specific_trucks() -> None:
    problem = _two_sites()
    result = solve(problem, engine="ortools", time_limit=1.0)
    assert validate_routes(problem, result).ok
    assert result.info["first_solution"] == "nearest_neighbour"


def test_ortools_greedy_start_on_request(cvrp4: RoutingProblem) -> None:
    result = solve(cvrp4, engine="ortools", time_limit=0.5, options={"greedy_start": True})
    assert validate_routes(cvrp4, result).ok
    assert result.info["first_solution"] == "nearest_neighbour"
    assert result.cost == 44.0


def test_savings_finds_the_optimum_of_cvrp4(cvrp4: RoutingProblem) -> None:
    start = savings(cvrp4, 4)
    assert start is not None
    plan = _plan(cvrp4, start)
    assert validate_routes(cvrp4, plan).ok
    assert plan.cost == 44.0  # the two pairs, each on its own route
    assert sorted(sorted(r.stops) for r in plan.routes) == [["a", "b"], ["c", "e"]]


def _ring(n: int = 30, capacity: float = 7) -> RoutingProblem:
    """Stops on a circle around the depot, random demands; Euclidean, symmetric."""
    rnd = random.Random(5)
    pts = {"d": (0.0, 0.0)}
    for k in range(n):
        a = 2 * math.pi * k / n
        pts[f"s{k}"] = (50 * math.cos(a) + rnd.uniform(-3, 3), 50 * math.sin(a))
    names = list(pts)
    dist = [[float(round(math.dist(pts[a], pts[b]))) for b in names] for a in names]
    m = RoutingModel(names, dist, dist, name="ring")
    m.add_depot("d")
    m.add_vehicle_type("truck", depot="d", count=n, capacity=[capacity], max_stops=4)
    for k in range(n):
        m.add_stop(f"s{k}", demand=[rnd.choice([1, 2, 3])])
    return m.data()


def test_savings_respects_capacity_and_max_stops() -> None:
    problem = _ring()
    start = savings(problem, problem.num_vehicles)
    assert start is not None
    plan = _plan(problem, start)
    report = validate_routes(problem, plan)
    assert report.ok, report.summary()
    assert all(len(r.stops) <= 4 for r in plan.routes)
    # far better than one route per stop (each 100 long)
    assert plan.cost < 0.5 * 100 * problem.num_stops


def test_savings_on_an_asymmetric_matrix() -> None:
    """Routes are joined only end to start (never reversed) when d(i, j) != d(j, i)."""
    rnd = random.Random(7)
    names = ["d"] + [f"s{k}" for k in range(12)]
    dist = [[0.0 if a == b else float(rnd.randint(5, 40)) for b in names] for a in names]
    m = RoutingModel(names, dist, dist, name="asym")
    m.add_depot("d")
    m.add_vehicle_type("truck", depot="d", count=12, capacity=[5])
    for name in names[1:]:
        m.add_stop(name, demand=[rnd.choice([1, 2])])
    problem = m.data()
    start = savings(problem, 12)
    assert start is not None
    plan = _plan(problem, start)
    assert validate_routes(problem, plan).ok
    alone = sum(dist[0][k] + dist[k][0] for k in range(1, len(names)))
    assert plan.cost < alone


def test_savings_gives_up_when_the_fleet_is_short() -> None:
    problem = _ring()
    assert savings(problem, 3) is None  # 30 stops, at most 4 per route


@pytest.mark.parametrize("fixture", ["reload4", "tw4", "break4"])
def test_savings_is_only_for_capacity_problems(fixture: str,
                                               request: pytest.FixtureRequest) -> None:
    assert not savings_eligible(request.getfixturevalue(fixture))


def test_ortools_starts_capacity_problems_from_savings() -> None:
    problem = _ring()
    result = solve(problem, engine="ortools", time_limit=1.0)
    assert validate_routes(problem, result).ok
    assert result.info["first_solution"] == "savings"
    given = solve(problem, engine="ortools", time_limit=1.0,
                  options={"first_solution": "SAVINGS"})
    assert given.info["first_solution"] == "SAVINGS"


def test_ortools_parts_from_savings_are_smaller() -> None:
    problem = _ring(60)
    result = solve(problem, engine="ortools", time_limit=2.0)
    assert validate_routes(problem, result).ok
    assert result.info["part_size"] == ortools_engine.SAVINGS_PART_SIZE
    given = solve(problem, engine="ortools", time_limit=2.0,
                  options={"first_solution": "SAVINGS"})
    assert "part_size" not in given.info  # 60 stops <= PART_SIZE: searched whole
    assert problem.num_stops <= ortools_engine.PART_SIZE
