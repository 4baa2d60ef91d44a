"""Breaks in arc routing: a route longer than ``break_after`` must leave room for the
break within the shift; a shorter one takes none. Both engines, the validator."""

from __future__ import annotations

import pytest

from circularopt.exceptions import InputError
from circularopt.routing.arcs import ArcModel, ArcProblem, solve_arcs, validate_arc_routes


def _triangle(break_after: float, *, shift: float = 70, break_time: float = 20
              ) -> ArcProblem:
    """Triangle 0-1-2-0, streets of cost 10, demand 1, 10 s of service each, speed 1:
    one route serving all takes 60 s; split, 50 s and 30 s (cost 50 instead of 30)."""
    m = ArcModel(range(3), name="triangle")
    for a, b in [(0, 1), (1, 2), (2, 0)]:
        m.add_edge(f"e{a}{b}", a, b, cost=10)
        m.require(f"e{a}{b}", demand=1, service_time=10)
    m.set_fleet(depot=0, capacity=10)
    m.set_shift(shift, speed=1.0, break_time=break_time, break_after=break_after)
    return m.data()


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
@pytest.mark.parametrize(("break_after", "limit", "cost", "trucks"),
                         [(60, 60, 30, 1), (50, 50, 50, 2), (0, 50, 50, 2)])
def test_a_route_ending_before_the_break_is_due_takes_none(
        engine: str, break_after: float, limit: float, cost: float, trucks: int) -> None:
    """Shift 70 s, break 20 s: the 60 s route fits when the break is due only after
    60 s (it ends first); due after 50 s or at once, routes must end by 50 s."""
    problem = _triangle(break_after)
    assert problem.route_limit == limit
    solution = solve_arcs(problem, engine=engine, time_limit=0.3, clock="cpu")
    report = validate_arc_routes(problem, solution)
    assert report.ok, report.summary()
    assert (report.cost, solution.num_vehicles) == (cost, trucks)


def test_the_validator_counts_the_break_of_a_long_route() -> None:
    solution = solve_arcs(_triangle(60), time_limit=0.2, clock="cpu")
    assert validate_arc_routes(_triangle(60), solution).ok
    report = validate_arc_routes(_triangle(50), solution)
    assert any("route 0: takes 1.0 min, more than the 0.8 min a route may take in the "
               "1.2 min shift with its 0 min break" in v for v in report.violations), \
        report.violations


def test_without_a_break_the_limit_is_the_shift() -> None:
    assert _triangle(0, break_time=0).route_limit == 70


def test_a_break_as_long_as_the_shift_is_refused() -> None:
    with pytest.raises(InputError) as err:
        _triangle(0, break_time=70)
    assert err.value.field == "break_time"
