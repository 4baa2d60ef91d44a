"""OR-Tools engine: droppable stops when the first solution strategy finds nothing."""

from __future__ import annotations

import functools
import itertools
import math

import pytest

from circularopt.exceptions import SolverError
from circularopt.routing import RoutingModel, RoutingProblem, schedule_route, solve, validate
from circularopt.routing.engines import ortools_engine
from tests.routing.conftest import euclid_model

# Two depots, eight stops; demands add up to both trucks' capacity (10 each).
TIGHT_POINTS = {"d0": (7, 18), "d1": (17, 4), "s0": (11, 19), "s1": (15, 20), "s2": (18, 2),
                "s3": (19, 0), "s4": (15, 8), "s5": (17, 7), "s6": (6, 15), "s7": (17, 17)}
TIGHT_DEMANDS = {"s0": 4, "s1": 4, "s2": 2, "s3": 2, "s4": 2, "s5": 4, "s6": 1, "s7": 1}


@pytest.fixture
def tight_mdvrp() -> RoutingProblem:
    """One truck per depot (capacity 10, routes of at most 40 time units, service 2).

    Every plan needs both trucks full; OR-Tools' default first strategy (SAVINGS) finds
    no first plan on it.
    """
    names = list(TIGHT_POINTS)
    dist = [[float(round(math.dist(TIGHT_POINTS[a], TIGHT_POINTS[b]))) for b in names]
            for a in names]
    m = RoutingModel(names, dist, dist, name="tight_mdvrp")
    for depot in ("d0", "d1"):
        m.add_depot(depot)
        m.add_vehicle_type(f"truck-{depot}", depot=depot, count=1, capacity=[10],
                           max_duration=40)
    for stop, demand in TIGHT_DEMANDS.items():
        m.add_stop(stop, demand=[demand], service=2)
    return m.data()


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
    result = solve(tight_mdvrp, engine="ortools", time_limit=0.5, clock="cpu")
    report = validate(tight_mdvrp, result)
    assert report.ok, report.summary()
    assert result.status == "feasible" and result.unassigned == ()
    assert result.info["drop_penalty"] is True
    assert result.cost == pytest.approx(_best_cost(tight_mdvrp))


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
        solve(unreachable, engine="ortools", time_limit=0.3, clock="cpu")
    result = solve(unreachable, engine="ortools", time_limit=0.3, clock="cpu",
                   allow_infeasible=True)
    assert result.status == "infeasible"
    assert result.unassigned == ("far",)
    assert sorted(s for r in result.routes for s in r.stops) == ["a", "b", "c", "e"]
