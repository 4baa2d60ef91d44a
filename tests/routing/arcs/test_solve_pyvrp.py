"""The PyVRP engine of arc routing: its starting penalty and its search."""

from __future__ import annotations

import numpy as np
import pytest

from circularopt.routing.arcs import ArcModel
from circularopt.routing.arcs._pyvrp import _PENALTY, _initial_penalty
from circularopt.routing.arcs.tasks import ArcTask
from tests.routing.arcs._solve import solved


def _task(demand: float) -> ArcTask:
    return ArcTask(0, 0, 0, 1, True, 1.0, demand, None)


def test_initial_penalty_is_a_typical_move_per_unit_of_typical_demand() -> None:
    """Median entry 12 (of 0, 12, 12, 20), mean demand (2 + 4) / 2 = 3: 4 per unit."""
    matrix = np.array([[0, 12], [12, 20]])
    assert _initial_penalty((_task(2), _task(4)), matrix, 1.0) == pytest.approx(4.0)
    # demands scaled by 10 for the engine: 30 units, 0.4 per unit
    assert _initial_penalty((_task(2), _task(4)), matrix, 10.0) == pytest.approx(0.4)


def test_initial_penalty_stays_within_pyvrps_range() -> None:
    zero = np.zeros((2, 2), dtype=int)
    assert _initial_penalty((_task(1),), zero, 1.0) == _PENALTY.min_penalty
    huge = np.full((2, 2), 10**9)
    assert _initial_penalty((_task(1),), huge, 1.0) == _PENALTY.max_penalty


def test_pyvrp_packs_a_tight_capacity_exactly() -> None:
    """Spokes 0-1 and 0-2 (demand 3), 0-3 and 0-4 (demand 2), all cost 10; capacity 5;
    unrequired links 1-3 and 2-4 of cost 1. Two spokes of demand 3 never share a trip,
    so the best is two trips 0-1-3-0 and 0-2-4-0 of 10 + 1 + 10 each: 42. Starting from
    a low penalty, the search still returns routes within capacity."""
    m = ArcModel(range(5), name="tight")
    for node, demand in ((1, 3), (2, 3), (3, 2), (4, 2)):
        m.add_edge(f"s{node}", 0, node, cost=10)
        m.require(f"s{node}", demand=demand)
    m.add_edge("l13", 1, 3, cost=1)
    m.add_edge("l24", 2, 4, cost=1)
    m.set_fleet(depot=0, capacity=5)
    problem = m.data()
    solution, report = solved(problem, "pyvrp")
    assert report.cost == 42
    assert solution.num_vehicles == 2
