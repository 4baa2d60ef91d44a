"""The horizon model's PyVRP data: loads scaled so that overloads stay dear."""

from __future__ import annotations

import time

import pytest

from circularopt.routing.periodic import PeriodicProblem
from circularopt.routing.periodic.horizon import day_type, eligible, load_factor, solve_horizon
from circularopt.routing.problem import RoutingModel


def _two_stops(apart: float, demand: float, *, scale: int = 1000) -> PeriodicProblem:
    """Depot d, stops a and b ``apart`` from each other, 1 from the depot."""
    dist = [[0.0, 1.0, 1.0], [1.0, 0.0, apart], [1.0, apart, 0.0]]
    m = RoutingModel(["d", "a", "b"], dist, dist, scale=scale, name="two")
    m.add_depot("d")
    m.add_vehicle_type("small", depot="d", count=1, capacity=[10 * demand])
    m.add_vehicle_type("large", depot="d", count=1, capacity=[20 * demand])
    for s in "ab":
        m.add_stop(s, demand=[demand])
    return PeriodicProblem(m.data(), (((0,), (1,)), ((0,), (1,))), ("day 1", "day 2"),
                           vehicles_per_day=((1, 0), (0, 1)))


@pytest.mark.parametrize(("apart", "demand", "factor"), [
    (2000.0, 2.0, 2000),  # 2,000,000 scaled per arc / (2 x 500)
    (2000.0, 1000.0, 4),  # 2,000,000 / (1,000 x 500)
    (4.0, 2.0, 4),  # 4,000 / (2 x 500)
])
def test_load_factor_makes_a_unit_of_load_worth_500_of_arc(apart: float, demand: float,
                                                           factor: int) -> None:
    assert load_factor(_two_stops(apart, demand)) == factor


def test_small_arcs_leave_loads_as_they_are() -> None:
    assert load_factor(_two_stops(0.5, 4.0)) == 1  # 500 / (4 x 500) < 1


def test_each_day_has_its_own_vehicle_type() -> None:
    p = _two_stops(2.0, 1.0)
    assert [day_type(p, d) for d in range(2)] == [0, 1]
    assert eligible(p)


def test_patience_ends_the_search_long_before_its_seconds() -> None:
    p = _two_stops(2.0, 1.0)
    t0 = time.process_time()
    found = solve_horizon(p, (0, 1), seconds=60.0, seed=0, clock="cpu", patience=20)
    assert time.process_time() - t0 < 30.0  # without patience: the whole 60 s
    assert found is not None and sum(d.cost for d in found[1]) == pytest.approx(4.0)
