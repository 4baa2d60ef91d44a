"""City decomposition: parts, fleet shares, parallel solve and a validated stitched plan."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.exceptions import InfeasibleError, InputError
from circularopt.routing import validate_routes
from circularopt.routing.decompose import (
    RoutingOptions,
    _budgets,
    merge_problems,
    route_city,
    split_parts,
)
from circularopt.routing.scenario import nearest_sites, routing_problem
from circularopt.scenario import CollectionPoint, Depot, Scenario
from tests.routing.conftest import KM, line_matrices, tiny_scenario


def ring_scenario(n: int = 12) -> Scenario:
    """The tiny scenario plus ``n`` points around the complex (0.2 t/day each), 5 trucks."""
    base = tiny_scenario()
    dep = base.depots[0]
    trucks = (dataclasses.replace(dep.vehicle_types[0], count=5),)
    extra = tuple(CollectionPoint(f"r{k:02d}", 42.80 + 2 * KM + (k % 3 - 1) * KM * 0.5,
                                  74.60 + (k // 3 - 2) * KM * 0.5, {"residual": 0.2})
                  for k in range(n))
    return Scenario("ring", collection_points=base.collection_points + extra,
                    complex_candidates=base.complex_candidates,
                    depots=(Depot(dep.id, dep.lat, dep.lon, trucks),),
                    landfills=base.landfills)


def test_split_parts_sizes_and_fleet_shares() -> None:
    s = ring_scenario()
    assign = nearest_sites(s, line_matrices(s))
    parts = split_parts(s, assign, max_part_stops=5)
    assert all(len(p.points) <= 5 for p in parts)
    assert sorted(x for p in parts for x in p.points) == sorted(assign)
    assert all(sum(p.fleet.values()) >= 1 for p in parts)
    assert {p.site for p in parts} == {"cx", "lf"}
    with pytest.raises(InfeasibleError, match="only 5 trucks"):
        split_parts(s, assign, max_part_stops=2)
    with pytest.raises(InputError, match="assignment"):
        split_parts(s, {}, max_part_stops=5)


def test_budgets_fit_the_global_limit() -> None:
    b = _budgets([300, 100, 100, 50], 2, 10.0)
    assert b[0] == pytest.approx(10.0)  # alone on its worker
    assert b[1] + b[2] + b[3] == pytest.approx(10.0)


def test_merge_unites_a_depots_truck_type() -> None:
    s = tiny_scenario()
    m = line_matrices(s)
    assign = nearest_sites(s, m)
    a = routing_problem(s, m, assignment=assign, unload_sites=["cx"])
    b = routing_problem(s, m, assignment=assign, unload_sites=["lf"])
    merged = merge_problems([a, b], name="both")
    assert merged.num_stops == 4 and len(merged.depots) == 1
    assert [v.name for v in merged.vehicle_types] == ["dep/t1"]
    assert merged.vehicle_types[0].count == a.vehicle_types[0].count + b.vehicle_types[0].count
    sites = [merged.unload_sites[u].id for v in merged.vehicle_types for u in v.unload_sites]
    assert sites == ["cx", "lf"]


@pytest.mark.parametrize("workers", [1, 2])
def test_route_city_stitches_a_validated_plan(workers: int) -> None:
    s = ring_scenario()
    m = line_matrices(s)
    messages: list[str] = []
    plan = route_city(s, m, assignment=nearest_sites(s, m), time_limit=1.0,
                      seed=2, options=RoutingOptions(max_part_stops=8, workers=workers),
                      progress=messages.append)
    assert plan.report.ok, plan.report.summary()
    assert validate_routes(plan.problem, plan.result).ok
    served = sorted(x for r in plan.result.routes for x in r.stops)
    assert served == sorted(p.id for p in s.collection_points)
    assert not plan.result.unassigned and not plan.errors
    assert len(plan.parts) == 3 and any("stitched" in msg for msg in messages)
    assign = nearest_sites(s, m)
    for r in plan.result.routes:  # each route unloads only at its part's site
        assert {v.id for v in r.visits if v.kind == "unload"} == {assign[x] for x in r.stops}
