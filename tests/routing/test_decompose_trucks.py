"""A city routed by parts numbers each truck once in the whole plan."""

from __future__ import annotations

from collections import Counter

import pytest

from circularopt.cities import generate
from circularopt.matrices import approximate_matrices
from circularopt.routing.decompose import CityPlan, RoutingOptions, route_city
from circularopt.routing.scenario import nearest_sites


@pytest.fixture(scope="module")
def osh150() -> CityPlan:
    """Generated Osh, 150 points, in parts of at most 30 points on two workers."""
    s = generate("osh", size=150, seed=1)
    m = approximate_matrices(s.locations())
    return route_city(s, m, assignment=nearest_sites(s, m), time_limit=8.0, seed=1,
                      options=RoutingOptions(max_part_stops=30, workers=2))


def _truck(city: CityPlan, vehicle_type: int, vehicle: int) -> tuple[str, int]:
    """The truck as a dispatcher reads it: ``"<depot>/<type>"`` and its number."""
    return city.problem.vehicle_types[vehicle_type].name.split(":")[-1], vehicle


def test_trucks_of_one_type_in_several_parts_get_distinct_numbers(osh150: CityPlan) -> None:
    city = osh150
    assert len(city.parts) >= 5 and not city.errors
    names_per_part: Counter[str] = Counter()
    for part, res in zip(city.parts, city.part_results, strict=True):
        assert res is not None, part.name
        names_per_part.update({key.split(":")[-1] for key in part.fleet})
    assert max(names_per_part.values()) >= 2  # one truck type serves several parts
    trucks = Counter(_truck(city, r.vehicle_type, r.vehicle) for r in city.result.routes)
    assert trucks and max(trucks.values()) == 1, trucks.most_common(3)
    for r in city.result.routes:
        assert 0 <= r.vehicle < city.problem.vehicle_types[r.vehicle_type].count


def test_the_stitched_plan_validates(osh150: CityPlan) -> None:
    assert osh150.report.ok, osh150.report.summary()
    served = [x for r in osh150.result.routes for x in r.stops]
    assert len(served) == len(set(served)) == osh150.problem.num_stops
