"""One truck, ``(vehicle_type, vehicle)``, may drive routes only one after another."""

from __future__ import annotations

import pytest

from circularopt.routing import RoutingModel, RoutingProblem, validate_routes
from circularopt.routing.result import Route, RoutingResult, schedule_route


@pytest.fixture
def star4() -> RoutingProblem:
    """Depot 'd' 10 from each stop (20 between stops), capacity 1, two trucks.

    Stop 'b' opens at 100 and 'e' at 30, so a route to 'a' or 'c' drives 0 to 20, to 'e'
    20 to 40 and to 'b' 90 to 110.
    """
    names = ["d", "a", "b", "c", "e"]
    dist = [[0.0 if i == j else 10.0 if 0 in (i, j) else 20.0 for j in range(5)]
            for i in range(5)]
    m = RoutingModel(names, dist, dist, name="star4")
    m.add_depot("d")
    m.add_vehicle_type("rear-20", depot="d", count=2, capacity=[1])
    for stop, opens in (("a", 0.0), ("b", 100.0), ("c", 0.0), ("e", 30.0)):
        m.add_stop(stop, demand=[1], tw_start=opens)
    return m.data()


def _routes(problem: RoutingProblem, *trips: tuple[int, int]) -> RoutingResult:
    """One single-stop route per ``(vehicle, stop index)``."""
    routes = tuple(schedule_route(problem, 0, v, [("stop", s)]) for v, s in trips)
    return RoutingResult(problem.name, "hand", "feasible", 0.0, routes)


def _spans(result: RoutingResult) -> list[tuple[float, float]]:
    return [(r.start_time, r.end_time) for r in result.routes]


def test_overlapping_routes_of_one_truck_are_rejected(star4: RoutingProblem) -> None:
    plan = _routes(star4, (1, 0), (0, 1), (1, 2), (0, 3))  # truck #2: 'a' and 'c' at once
    assert _spans(plan) == [(0, 20), (90, 110), (0, 20), (20, 40)]
    report = validate_routes(star4, plan)
    assert report.violations == ("truck 'rear-20' #2 (type 0, vehicle 1) drives route 0 "
                                 "(0 to 20) and route 2 (0 to 20) at the same time",)


def test_each_overlapping_pair_is_named(star4: RoutingProblem) -> None:
    plan = _routes(star4, (0, 0), (0, 2), (0, 3), (0, 1))
    text = "\n".join(validate_routes(star4, plan).violations)
    assert "route 0 (0 to 20) and route 1 (0 to 20)" in text
    assert "route 2" not in text and "route 3" not in text  # 'e' leaves as 'a' returns


def test_routes_one_after_another_are_allowed(star4: RoutingProblem) -> None:
    plan = _routes(star4, (0, 0), (0, 3), (0, 1), (1, 2))  # truck #1: a, then e, then b
    assert _spans(plan)[:3] == [(0, 20), (20, 40), (90, 110)]
    assert validate_routes(star4, plan).ok


def test_a_route_stretched_over_the_next_is_rejected(star4: RoutingProblem) -> None:
    plan = _routes(star4, (0, 0), (0, 1), (1, 2), (1, 3))
    first = plan.routes[0]
    end = first.visits[-1]
    late = type(end)(end.kind, end.id, end.index, end.location, 95.0, 95.0, 95.0, end.load)
    stretched = Route(0, 0, (*first.visits[:-1], late), 20.0, 95.0, 95.0)
    report = validate_routes(star4, RoutingResult("star4", "hand", "feasible", 0.0,
                                                  (stretched, *plan.routes[1:])))
    assert [v for v in report.violations if "same time" in v] == [
        "truck 'rear-20' #1 (type 0, vehicle 0) drives route 0 (0 to 95) and route 1 "
        "(90 to 110) at the same time"]
