"""Route-based parts: building, mapping back, and the OR-Tools improvement phase."""

from __future__ import annotations

import math
import random

import pytest

from circularopt.routing import Break, RoutingModel, RoutingProblem, solve, validate_routes
from circularopt.routing.engines._parts import near_routes, part_problem, to_whole


def _reload24(*, breaks: bool = False) -> RoutingProblem:
    """24 stops in four corners, trucks of capacity 4 that unload at the centre."""
    rnd = random.Random(7)
    pts = {"d": (0.0, 0.0), "u": (1.0, 1.0)}
    for k in range(24):
        cx, cy = [(-20, -20), (-20, 20), (20, -20), (20, 20)][k % 4]
        pts[f"s{k}"] = (cx + rnd.uniform(-4, 4), cy + rnd.uniform(-4, 4))
    names = list(pts)
    dist = [[float(round(math.dist(pts[a], pts[b]))) for b in names] for a in names]
    m = RoutingModel(names, dist, dist, name="reload24")
    m.add_depot("d")
    m.add_unload_site("u", unload_duration=5)
    m.add_vehicle_type("truck", depot="d", count=4, capacity=[4], unload_sites=["u"],
                       return_empty=True, fixed_cost=50, shift_end=1000,
                       breaks=Break(100, 200, 30) if breaks else None)
    for k in range(24):
        m.add_stop(f"s{k}", demand=[1], service=3)
    return m.data()


@pytest.fixture
def reload24() -> RoutingProblem:
    return _reload24()


def test_part_round_trip(reload24: RoutingProblem) -> None:
    """A part's starting routes, mapped back, are the original routes."""
    plan = solve(reload24, engine="pyvrp", time_limit=0.5, seed=1)
    routes = list(plan.routes)
    chosen = near_routes(reload24, routes, 0, 10)
    assert chosen[0] == 0 and len(set(chosen)) == len(chosen)
    part, start = part_problem(reload24, [routes[i] for i in chosen], idle=[1])
    assert part.num_stops == sum(len(routes[i].stops) for i in chosen)
    assert part.vehicle_types[0].count == len(chosen) + 1
    from circularopt.routing.result import schedule_route

    back = to_whole(reload24, part, [schedule_route(part, k, j, steps)
                                     for j, (k, steps) in enumerate(start)])
    assert [r.stops for r in back] == [routes[i].stops for i in chosen]
    assert sum(r.cost for r in back) == pytest.approx(sum(routes[i].cost for i in chosen))


@pytest.mark.parametrize("breaks", [False, True])
def test_ortools_parts_phase_gives_a_valid_plan(breaks: bool) -> None:
    problem = _reload24(breaks=breaks)
    result = solve(problem, engine="ortools", time_limit=1.5,
                   options={"part_size": 8, "part_seconds": 0.2})
    assert validate_routes(problem, result).ok
    assert result.info["parts"] > 0
    assert sorted(s for r in result.routes for s in r.stops) == \
        sorted(s.id for s in problem.stops)
    assert sorted(r.vehicle for r in result.routes) == list(range(len(result.routes)))


def test_part_size_is_checked(reload24: RoutingProblem) -> None:
    from circularopt.exceptions import InputError

    with pytest.raises(InputError, match="part_size"):
        solve(reload24, engine="ortools", time_limit=0.5, options={"part_size": 1})
    with pytest.raises(InputError, match="'auto'"):
        solve(reload24, engine="ortools", time_limit=0.5, options={"part_size": "big"})
    with pytest.raises(InputError, match="part_seconds"):
        solve(reload24, engine="ortools", time_limit=0.5, options={"part_seconds": -1.0})
    with pytest.raises(InputError, match="first_share"):
        solve(reload24, engine="ortools", time_limit=0.5, options={"first_share": 0.0})
