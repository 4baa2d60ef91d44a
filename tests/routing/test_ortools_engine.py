"""OR-Tools engine: droppable stops when the first solution strategy finds nothing;
soft capacities."""

from __future__ import annotations

import functools
import itertools
import math

import pytest

from circularopt.exceptions import SolverError
from circularopt.routing import RoutingModel, RoutingProblem, schedule_route, solve, validate_routes
from circularopt.routing.engines import ortools_engine
from circularopt.routing.engines._construct import nearest_neighbour
from circularopt.routing.engines._parts import part_problem
from circularopt.stop import Budget
from tests.routing.conftest import euclid_model


def _two_depots(name: str, points: dict[str, tuple[int, int]],
                demands: dict[str, int]) -> RoutingProblem:
    """One truck per depot ``d0``, ``d1`` (capacity 10, routes of at most 40 time units),
    stops of service 2; rounded Euclidean distance = duration."""
    names = list(points)
    dist = [[float(round(math.dist(points[a], points[b]))) for b in names] for a in names]
    m = RoutingModel(names, dist, dist, name=name)
    for depot in ("d0", "d1"):
        m.add_depot(depot)
        m.add_vehicle_type(f"truck-{depot}", depot=depot, count=1, capacity=[10],
                           max_duration=40)
    for stop, demand in demands.items():
        m.add_stop(stop, demand=[demand], service=2)
    return m.data()


@pytest.fixture
def tight_mdvrp() -> RoutingProblem:
    """Demands add up to both trucks' capacity; OR-Tools' default first strategy
    (SAVINGS) finds no first plan on it."""
    return _two_depots(
        "tight_mdvrp",
        {"d0": (7, 18), "d1": (17, 4), "s0": (11, 19), "s1": (15, 20), "s2": (18, 2),
         "s3": (19, 0), "s4": (15, 8), "s5": (17, 7), "s6": (6, 15), "s7": (17, 17)},
        {"s0": 4, "s1": 4, "s2": 2, "s3": 2, "s4": 2, "s5": 4, "s6": 1, "s7": 1})


@pytest.fixture
def greedy_short() -> RoutingProblem:
    """The nearest-neighbour start runs out of trucks on it (a plan exists)."""
    return _two_depots(
        "greedy_short",
        {"d0": (15, 8), "d1": (16, 11), "s0": (4, 12), "s1": (0, 11), "s2": (15, 8),
         "s3": (20, 14), "s4": (19, 7), "s5": (17, 0), "s6": (19, 4), "s7": (14, 11)},
        {"s0": 2, "s1": 3, "s2": 2, "s3": 1, "s4": 2, "s5": 1, "s6": 3, "s7": 4})


def _best_cost(problem: RoutingProblem) -> float:
    """Enumerate every split of the stops between the two trucks and every order."""
    best = math.inf
    n = problem.num_stops
    for mask in range(2**n):
        cost = 0.0
        for k in range(2):
            mine = [i for i in range(n) if (mask >> i) & 1 == k]
            if sum(problem.stops[i].demand[0] for i in mine) > 10:
                cost = math.inf
                break
            orders = [schedule_route(problem, k, 0, [("stop", i) for i in perm])
                      for perm in itertools.permutations(mine)]
            cost += min((r.cost for r in orders if r.duration <= 40), default=math.inf)
        best = min(best, cost)
    return best


def test_savings_finds_no_first_plan(tight_mdvrp: RoutingProblem) -> None:
    model = ortools_engine._Model(tight_mdvrp, [1, 1])
    make = functools.partial(ortools_engine._params, metaheuristic="GUIDED_LOCAL_SEARCH",
                             extra={}, log=False)
    first, _ = ortools_engine._first_plan(model, ["SAVINGS"], make, 0.2)
    assert first is None


def test_droppable_stops_give_a_complete_plan(tight_mdvrp: RoutingProblem) -> None:
    result = solve(tight_mdvrp, engine="ortools", time_limit=0.5,
                   options={"clock": "cpu", "first_solution": "SAVINGS"})
    report = validate_routes(tight_mdvrp, result)
    assert report.ok, report.summary()
    assert result.status == "feasible" and result.unassigned == ()
    assert result.info["drop_penalty"] is True
    assert result.cost == pytest.approx(_best_cost(tight_mdvrp))


def test_part_with_an_idle_depot(tight_mdvrp: RoutingProblem) -> None:
    """A part whose routes leave a depot without vehicles can still take its start plan
    (that depot is not a node to visit)."""
    result = solve(tight_mdvrp, engine="ortools", time_limit=0.3, options={"clock": "cpu"})
    route = next(r for r in result.routes if r.vehicle_type == 0)
    part, start = part_problem(tight_mdvrp, [route], idle=[0, 0])
    model = ortools_engine._Model(part, [1, 0])
    params = ortools_engine._params(1.0, "SAVINGS", "GUIDED_LOCAL_SEARCH", {}, False)
    assert model.assignment(start, params) is not None


def test_partial_greedy_start(greedy_short: RoutingProblem) -> None:
    """The nearest-neighbour routes that fit still start the search."""
    assert nearest_neighbour(greedy_short, [1, 1]) is None
    start = nearest_neighbour(greedy_short, [1, 1], partial=True)
    assert start is not None
    assert 0 < sum(kind == "stop" for _, steps in start for kind, _ in steps) < 8
    result = solve(greedy_short, engine="ortools", time_limit=0.5,
                   options={"clock": "cpu", "greedy_start": True})
    assert validate_routes(greedy_short, result).ok
    assert result.info["first_solution"] == "nearest_neighbour"
    assert result.info["drop_penalty"] is True
    assert result.cost == pytest.approx(_best_cost(greedy_short))


@pytest.fixture
def unreachable() -> RoutingProblem:
    """Four easy stops and ``far``, 30 from the depot, whose window closes at 5."""
    m = euclid_model(["d", "a", "b", "c", "e", "far"], name="unreachable")
    m.add_depot("d")
    m.add_vehicle_type("van", depot="d", count=2, capacity=[10], shift_end=200)
    for s in "abce":
        m.add_stop(s, demand=[1])
    m.add_stop("far", demand=[1], tw_start=0, tw_end=5)
    return m.data()


def test_unreachable_stop_is_named(unreachable: RoutingProblem) -> None:
    with pytest.raises(SolverError, match="stop 'far' is not served"):
        solve(unreachable, engine="ortools", time_limit=0.3, options={"clock": "cpu"})
    result = solve(unreachable, engine="ortools", time_limit=0.3,
                   allow_infeasible=True, options={"clock": "cpu"})
    assert result.status == "infeasible"
    assert result.unassigned == ("far",)
    assert sorted(s for r in result.routes for s in r.stops) == ["a", "b", "c", "e"]


def test_soft_capacity_reaches_the_optimum(cvrp4: RoutingProblem) -> None:
    result = solve(cvrp4, engine="ortools", time_limit=0.5,
                   options={"clock": "cpu", "soft_capacity": True})
    assert result.info["soft_capacity"] is True
    assert validate_routes(cvrp4, result).ok
    assert result.cost == pytest.approx(44)


@pytest.fixture
def overload3() -> RoutingProblem:
    """Three stops of demand 1 close together, 10 from the depot, capacity 2: one route
    over capacity would cost 24; the optimum is two routes, e.g. d-a-f-d + d-b-d = 24 +
    20 (the other splits cost 44 or 46)."""
    points = {"d": (0, 0), "a": (10, 1), "b": (10, -1), "f": (12, 0)}
    names = list(points)
    dist = [[float(round(math.dist(points[i], points[j]))) for j in names] for i in names]
    m = RoutingModel(names, dist, dist, name="overload3")
    m.add_depot("d")
    m.add_vehicle_type("truck", depot="d", count=3, capacity=[2])
    for s in "abf":
        m.add_stop(s, demand=[1])
    return m.data()


def test_soft_search_keeps_only_plans_within_capacity(overload3: RoutingProblem) -> None:
    """At the lowest excess cost the search prefers the overloaded route; the plan it
    returns still respects the capacity."""
    make = functools.partial(ortools_engine._params, first_solution="SAVINGS",
                             metaheuristic="GUIDED_LOCAL_SEARCH", extra={}, log=False)
    start = [(0, [("stop", k)]) for k in range(3)]
    plan, _, stats = ortools_engine._soft_search(overload3, [3], Budget(0.3, "cpu"), start,
                                                 make, weight=1e-9, slices=1)
    assert plan is not None
    assert stats["soft_solutions"] > stats["soft_feasible"] > 0
    assert all(len(steps) <= 2 for _, steps in plan)
    routes = ortools_engine._routes_of(overload3, plan)
    assert sum(r.cost for r in routes) == pytest.approx(44)


def test_no_soft_capacity_with_time_windows(tw4: RoutingProblem) -> None:
    result = solve(tw4, engine="ortools", time_limit=0.3,
                   options={"clock": "cpu", "soft_capacity": True})
    assert result.info["soft_capacity"] is False
    assert validate_routes(tw4, result).ok
