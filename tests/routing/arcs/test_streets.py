"""Collection streets as an arc-routing problem, and the route sheet."""

from __future__ import annotations

import pytest

from circularopt.exceptions import InputError
from circularopt.routing.arcs import solve_arcs, validate_arc_routes
from circularopt.routing.arcs.streets import route_sheet, street_problem
from circularopt.scenario import CollectionStreet


def _street(k: int, a: tuple[float, float], b: tuple[float, float],
            rule: str = "both_sides_one_pass") -> CollectionStreet:
    return CollectionStreet(f"s{k}", a[0], a[1], b[0], b[1], {"residual": 0.4},
                            households=10, rule=rule, length_km=0.1, name=f"ulitsa {k}")


@pytest.fixture
def block() -> list[CollectionStreet]:
    """A square block of four 100 m streets, the last served each way."""
    a, b, c, d = (42.0, 74.0), (42.0, 74.001), (42.001, 74.001), (42.001, 74.0)
    return [_street(1, a, b), _street(2, b, c), _street(3, c, d),
            _street(4, d, a, "each_direction")]


def test_block_is_served_with_one_unload_trip(block: list[CollectionStreet]) -> None:
    problem = street_problem(block, depot=(42.0, 73.999), unload=(42.001, 73.999),
                             capacity_t=5.0)
    assert problem.num_required == 4 and problem.capacity == 5.0
    solution = solve_arcs(problem, time_limit=0.3, clock="cpu")
    report = validate_arc_routes(problem, solution)
    assert report.ok, report.summary()
    assert report.served == 5 and report.vehicles == 1  # street 4 twice: each direction
    sheet = route_sheet(problem, solution)
    served = [r for r in sheet if r["street"]]
    assert sorted(r["name"] for r in served) == ["ulitsa 1", "ulitsa 2", "ulitsa 3",
                                                 "ulitsa 4", "ulitsa 4"]
    # the load before each unload adds up to the five services (0.4 t each); the truck
    # may unload early: the unload site is also where it turns round without a U-turn
    trips = [sheet[k - 1]["load_t"] for k, r in enumerate(sheet) if r["name"] == "unload" and k]
    assert sum(trips) == pytest.approx(2.0)
    assert sheet[-1]["name"] == "unload"


def test_zone_without_streets_is_named() -> None:
    with pytest.raises(InputError, match=r"leninsky: streets"):
        street_problem([], depot=(42.0, 74.0), unload=(42.0, 74.0), capacity_t=5.0,
                       name="leninsky")
