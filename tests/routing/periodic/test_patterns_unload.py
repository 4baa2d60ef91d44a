"""Pattern moves on trucks with unload sites: trips priced against capacity."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from circularopt.routing.periodic import PeriodicProblem, day_problem
from circularopt.routing.periodic.patterns import DayRoutes
from circularopt.routing.problem import RoutingModel
from circularopt.routing.result import RoutingResult, Step, schedule_route

# On a line: b at -2, the unload site u at -1, the depot d at 0, a, c and e at 1. One
# truck a day of capacity 10 that returns empty through u.
_AT = {"b": -2.0, "u": -1.0, "d": 0.0, "a": 1.0, "c": 1.0, "e": 1.0}
_DEMAND = {"a": 6, "b": 2, "c": 6, "e": 3}


def _week(stops: str, patterns: tuple[tuple[tuple[int, ...], ...], ...]) -> PeriodicProblem:
    ids = ["d", *stops, "u"]
    dist = [[abs(_AT[i] - _AT[j]) for j in ids] for i in ids]
    m = RoutingModel(ids, dist, dist, name="line")
    m.add_depot("d")
    m.add_unload_site("u")
    m.add_vehicle_type("truck", depot="d", count=1, capacity=[10], unload_sites=["u"],
                       return_empty=True)
    for s in stops:
        m.add_stop(s, demand=[_DEMAND[s]])
    return PeriodicProblem(m.data(), patterns, ("day 1", "day 2"))


def _routes(problem: PeriodicProblem, choice: tuple[int, ...],
            days: list[list[str]]) -> DayRoutes:
    """Each day one route through ``days[d]`` (stop ids, ``"u"`` for an unload)."""
    results = []
    for d, order in enumerate(days):
        sub = day_problem(problem, choice, d)
        steps: list[Step] = [("unload", 0) if x == "u" else ("stop", sub.stop_index(x))
                             for x in order]
        routes = (schedule_route(sub, 0, 0, steps),) if order else ()
        results.append(RoutingResult(sub.name, "test", "feasible", 0.0, routes))
    return DayRoutes(problem, choice, results)


def _total(routes: DayRoutes) -> float:
    return sum(routes.route_cost(d, r) for d in range(2) for r in range(len(routes.routes[d])))


def test_a_move_out_of_an_overfull_day_saves_its_unload_trip() -> None:
    # Day 1 d-a-u-c-u-d = 1 + 2 + 2 + 2 + 1 = 8, day 2 d-b-u-d = 2 + 1 + 1 = 4. Uncapacitated,
    # c costs 0 next to a on day 1 and 2 on day 2 (d-c-b: 1 + 3 - 2); with the second trip
    # priced, day 1 costs 4 (the unload between a and c) and c moves: day 1 d-a-u-d = 4,
    # day 2 d-c-b-u-d = 6, saving 2.
    p = _week("abc", (((0,),), ((1,),), ((0,), (1,))))
    routes = _routes(p, (0, 0, 0), [["a", "u", "c", "u"], ["b", "u"]])
    assert _total(routes) == 12.0
    assert routes.repattern(2) == pytest.approx(2.0)
    assert routes.choice[2] == 1
    assert routes.routes == [[[0, -1]], [[2, 1, -1]]]
    assert _total(routes) == 10.0


def test_an_insertion_that_overfills_adds_the_unload_it_priced() -> None:
    p = _week("ac", (((0,),), ((0,),)))
    routes = _routes(p, (0, 0), [["a", "u"], []])
    where = routes.cheapest(1, 0, np.array([6.0]))
    assert where[0] == pytest.approx(4.0)  # d-a-u-d = 4 becomes 8
    routes.insert(1, 0, where)
    (items,) = routes.routes[0]
    assert items.count(-1) == 2 and items[-1] == -1
    assert all(np.all(x <= 10) for x in routes.trips(0, 0))
    assert _total(routes) == 8.0


def test_a_removal_joins_two_trips_that_now_fit_in_one() -> None:
    # d-a-u-c-e-u-d = 1 + 2 + 2 + 2 + 1 = 8; without c, a and e (6 + 3) fit in one trip:
    # d-a-e-u-d = 4
    p = _week("ace", (((0,),), ((0,),), ((0,),)))
    routes = _routes(p, (0, 0, 0), [["a", "u", "c", "e", "u"], []])
    saved, _, _ = routes.remove(1, 0)
    assert saved == pytest.approx(4.0)
    assert routes.routes[0] == [[0, 2, -1]]


def _prices(routes: DayRoutes) -> list[tuple[float, int, int]]:
    return [routes.cheapest(k, d, np.array([q])) for k in range(3) for d in range(2)
            for q in (3.0, 6.0)]


def test_insertions_are_priced_on_the_routes_as_they_are_after_each_change() -> None:
    # A route's unload figures are kept between changes; every price after a removal, an
    # insertion and a restore must equal the price on a copy that computes them afresh.
    p = _week("ace", (((0,), (1,)),) * 3)
    routes = _routes(p, (0, 0, 0), [["a", "u", "c", "e", "u"], []])
    undo = routes.snapshot([0, 1])
    before = _prices(routes)
    routes.remove(1, 0)
    routes.insert(1, 1, routes.cheapest(1, 1, np.array([6.0])))
    routes.insert(2, 1, routes.cheapest(2, 1, np.array([3.0])))
    fresh = copy.deepcopy(routes)
    fresh._unloads = [[None] * len(day) for day in fresh.routes]
    assert _prices(routes) == _prices(fresh)
    routes.restore(undo)
    assert _prices(routes) == before
