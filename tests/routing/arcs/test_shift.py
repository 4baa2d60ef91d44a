"""Shifts in arc routing: the engines keep every route within it, the validator
recomputes each route's duration, a street longer than a shift is refused by name."""

from __future__ import annotations

import pytest

from circularopt.exceptions import InfeasibleError, InputError
from circularopt.routing.arcs import (
    ArcModel,
    ArcProblem,
    solve_arcs,
    validate_arc_routes,
)


def _triangle(shift: float | None, service: tuple[float, float, float] = (10, 10, 10)
              ) -> ArcProblem:
    """Triangle 0-1-2-0, streets of cost 10, demand 1, the given service seconds; speed
    1 cost unit per second. One route serving all takes 30 + 30 = 60 s."""
    m = ArcModel(range(3), name="triangle")
    for (a, b), s in zip([(0, 1), (1, 2), (2, 0)], service, strict=True):
        m.add_edge(f"e{a}{b}", a, b, cost=10, name=f"street {a}{b}")
        m.require(f"e{a}{b}", demand=1, service_time=s)
    m.set_fleet(depot=0, capacity=10)
    if shift is not None:
        m.set_shift(shift, speed=1.0)
    return m.data()


def test_without_a_shift_one_route_serves_the_triangle() -> None:
    problem = _triangle(None)
    solution = solve_arcs(problem, time_limit=0.2, clock="cpu")
    report = validate_arc_routes(problem, solution)
    assert report.ok, report.summary()
    assert (report.cost, solution.num_vehicles, report.longest_route_s) == (30, 1, 0)


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_a_50_s_shift_forces_a_second_route(engine: str) -> None:
    """Within 50 s: two streets in a row and back (30 + 20 = 50 s) plus one street and
    back (20 + 10 = 30 s); cost 50 instead of 30."""
    problem = _triangle(50)
    solution = solve_arcs(problem, engine=engine, time_limit=0.3, clock="cpu")
    report = validate_arc_routes(problem, solution)
    assert report.ok, report.summary()
    assert (report.cost, solution.num_vehicles, report.longest_route_s) == (50, 2, 50)


def test_the_validator_rejects_a_route_past_its_shift() -> None:
    solution = solve_arcs(_triangle(None), time_limit=0.2, clock="cpu")
    report = validate_arc_routes(_triangle(50), solution)
    assert not report.ok
    assert any("route 0: takes 1.0 min, more than the shift of 0.8 min" in v
               for v in report.violations)


def test_a_street_longer_than_the_shift_is_refused_by_name() -> None:
    """Street 1-2 takes 10 out, 10 + 100 serving, 10 back: 130 s > 50 s."""
    with pytest.raises(InfeasibleError,
                       match=r"'e12' \(street 12\) alone takes 2\.2 min .* the 0\.8 min shift"):
        solve_arcs(_triangle(50, (10, 100, 10)), time_limit=0.2, clock="cpu")


def test_bad_shift_settings_name_the_field() -> None:
    m = ArcModel(range(2))
    for kwargs, field in [({"seconds": 0, "speed": 1}, "shift"),
                          ({"seconds": 60, "speed": 0}, "speed"),
                          ({"seconds": 60, "speed": 1, "unload_time": -1}, "unload_time")]:
        with pytest.raises(InputError, match=field):
            m.set_shift(**kwargs)
    m.add_edge("ab", 0, 1, cost=1)
    with pytest.raises(InputError, match="service_time"):
        m.require("ab", demand=1, service_time=-5)


def test_first_fit_without_unload_sites_starts_a_route_when_the_truck_is_full() -> None:
    """Capacity 2, three streets of demand 1 and no unload site: streets 0-1 and 1-2 in
    one route, 2-0 in a second; a 60 s shift lets the first take two."""
    from circularopt.routing.arcs.shift import duration_matrix, first_fit
    from circularopt.routing.arcs.tasks import build_tasks, deadheads

    m = ArcModel(range(3))
    for a, b in [(0, 1), (1, 2), (2, 0)]:
        m.add_edge(f"e{a}{b}", a, b, cost=10, oneway=True)
        m.require(f"e{a}{b}", demand=1)
    m.set_fleet(depot=0, capacity=2)
    m.set_shift(60, speed=1.0)
    problem = m.data()
    tasks, _ = build_tasks(problem)
    dh = deadheads(problem, tasks, (0,))
    assert first_fit(problem, tasks, duration_matrix(problem, tasks, dh, (0,)), (0,)) == [
        [0, 1], [2]]
