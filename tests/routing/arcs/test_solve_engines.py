"""Engine settings of arc routing: PyVRP's neighbourhood, OR-Tools' matrix costs."""

from __future__ import annotations

from pyvrp.search import NeighbourhoodParams

from circularopt.routing.arcs import ArcModel
from circularopt.routing.arcs._pyvrp import _params
from tests.routing.arcs._solve import solved


def test_pyvrp_doubles_the_neighbourhood_only_for_up_to_100_direction_pairs() -> None:
    default = NeighbourhoodParams().num_neighbours
    assert _params(0).neighbourhood.num_neighbours == default
    assert _params(3).neighbourhood.num_neighbours == 2 * default
    assert _params(100).neighbourhood.num_neighbours == 2 * default
    assert _params(101).neighbourhood.num_neighbours == default


def test_ortools_serves_a_ring_in_two_trips() -> None:
    """Ring 0-1-2-3-0 (10 each), all streets demand 1, capacity 2: two trips of two
    streets each, 40 per trip (20 served + 20 deadheaded out or back), 80 in all."""
    m = ArcModel(range(4), name="ring")
    for a in range(4):
        m.add_edge(f"e{a}", a, (a + 1) % 4, cost=10)
        m.require(f"e{a}", demand=1)
    m.set_fleet(depot=0, capacity=2)
    problem = m.data()
    solution, report = solved(problem, "ortools")
    assert report.cost == 80
    assert solution.num_vehicles == 2
