"""The horizon model with unload sites: reload trips and the final unload."""

from __future__ import annotations

from circularopt.routing.periodic import (
    PeriodicOptions,
    PeriodicProblem,
    solve_periodic,
    validate_periodic,
)
from circularopt.routing.periodic.horizon import eligible, solve_horizon
from circularopt.routing.problem import RoutingModel

# On a line: unload site u at -1, depot d at 0, stops a (and c) at 1 and b at 2. Both
# orders of a and b cost the same (PyVRP 0.14's search does not always find the better
# of two orders around a reload: on a site beyond b, d-b-u-a-u-d came out for seed 0).
_AT = {"u": -1.0, "d": 0.0, "a": 1.0, "c": 1.0, "b": 2.0}


def _line(stops: str, *, tw_end: float | None = None) -> PeriodicProblem:
    """One truck a day of capacity 10 that returns empty; stops of demand 6 (so no two
    fit in one trip), each on day 1 except ``c``, which may go on either day."""
    ids = ["d", *stops, "u"]
    dist = [[abs(_AT[i] - _AT[j]) for j in ids] for i in ids]
    m = RoutingModel(ids, dist, dist, name="line")
    m.add_depot("d")
    if tw_end is None:
        m.add_unload_site("u")
    else:
        m.add_unload_site("u", tw_end=tw_end)
    m.add_vehicle_type("truck", depot="d", count=1, capacity=[10], unload_sites=["u"],
                       return_empty=True)
    for s in stops:
        m.add_stop(s, demand=[6])
    patterns = tuple(((0,), (1,)) if s == "c" else ((0,),) for s in stops)
    return PeriodicProblem(m.data(), patterns, ("day 1", "day 2"))


def test_unload_sites_without_hours_are_eligible() -> None:
    assert eligible(_line("ab"))
    assert not eligible(_line("ab", tw_end=100.0))


def test_second_trip_after_an_unload_and_the_final_unload() -> None:
    # d-a-u-b-u-d = 1 + 2 + 3 + 3 + 1 = 10 (b first: 2 + 3 + 2 + 2 + 1 = 10); one trip
    # d-a-b-u-d would carry 12 > 10
    p = _line("ab")
    found = solve_horizon(p, (0, 0), seconds=0.5, seed=0)
    assert found is not None
    _, days = found
    (route,) = days[0].routes
    assert [v.kind for v in route.visits[1:-1]] == ["stop", "unload", "stop", "unload"]
    assert route.distance == 10.0
    assert days[1].routes == ()


def test_solve_periodic_uses_the_horizon_and_its_plan_validates() -> None:
    # c (at a's place) goes on day 2 alone: d-c-u-d = 1 + 2 + 1 = 4, plus day 1's 10
    p = _line("abc")
    result = solve_periodic(p, time_limit=1.0, seed=0, options=PeriodicOptions(clock="cpu"))
    report = validate_periodic(p, result)
    assert result.info["horizon_model"] is True
    assert report.ok, report.violations
    assert report.cost == 14.0
