"""validate_plan's whole-city problem held as blocks per site: the same judgement as the
dense whole-city problem it replaces."""

from __future__ import annotations

from circularopt.plan.kpis import route_totals
from circularopt.plan.validate import _remap, _whole_problem
from circularopt.routing.blocks import BlockMatrix
from circularopt.routing.decompose import RoutingOptions, route_city
from circularopt.routing.problem import INF_TIME
from circularopt.routing.scenario import nearest_sites, routing_problem
from circularopt.routing.validate import validate_routes
from tests.routing.conftest import line_matrices
from tests.routing.test_decompose import ring_scenario


def test_blocks_judge_a_city_plan_as_the_dense_problem() -> None:
    s = ring_scenario()
    m = line_matrices(s)
    assign = nearest_sites(s, m)
    sites = sorted(set(assign.values()))
    assert sites == ["cx", "lf"]  # two blocks
    blocks = _whole_problem(s, m, assign, sites, ())
    dense = routing_problem(s, m, unload_sites=sites, name=s.name)
    assert isinstance(blocks.distance, BlockMatrix)
    assert sorted(x.id for x in blocks.stops) == sorted(x.id for x in dense.stops)
    assert [(v.name, v.count) for v in blocks.vehicle_types] == [
        (v.name, v.count) for v in dense.vehicle_types]
    # arcs within a site's block, or from a depot or site, as the dense problem has them
    at = {x: k for k, x in enumerate(dense.locations)}
    for i, a in enumerate(blocks.locations):
        for j, b in enumerate(blocks.locations):
            apart = a in assign and b in assign and assign[a] != assign[b]
            want = INF_TIME if apart else dense.distance[at[a], at[b]]
            assert blocks.distance[i, j] == want, (a, b)
    city = route_city(s, m, assignment=assign, time_limit=1.0, seed=2,
                      options=RoutingOptions(max_part_stops=8, workers=1))
    names = [v.name for v in city.problem.vehicle_types]
    judged = []
    for problem in (blocks, dense):
        routing, errors = _remap(problem, city.result, names)
        assert routing is not None and not errors
        rep = validate_routes(problem, routing)
        judged.append((rep.violations, rep.cost, rep.distance, rep.duration,
                       route_totals(problem, routing)))
    assert judged[0] == judged[1] and not judged[0][0]
