"""A whole plan shows each truck once, and the plan validator rejects a truck in two
places at once."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from circularopt.matrices import approximate_matrices
from circularopt.outputs.tables import plan_tables
from circularopt.pipeline import solve
from circularopt.plan import Plan, validate_plan
from circularopt.routing.decompose import RoutingOptions


@pytest.fixture(scope="module")
def plan() -> Plan:
    """Generated Osh, 150 points, one peak day routed in parts of at most 30 points."""
    return solve("osh", size=150, time_limit=15, seed=1, week=False,
                 routing=RoutingOptions(max_part_stops=30, workers=2))


def test_routes_table_shows_each_truck_once(plan: Plan) -> None:
    assert plan.routing is not None and plan.routing.info["parts"] >= 5
    routes = plan_tables(plan)["routes"].drop_duplicates("route")
    assert len(routes) == len(plan.routing.routes)
    assert routes["vehicle"].is_unique, routes["vehicle"].value_counts().head(3)


def test_the_plan_validates(plan: Plan) -> None:
    verdict = validate_plan(plan.scenario, approximate_matrices(plan.scenario.locations()),
                            plan)
    assert verdict.ok, verdict.summary()


def test_one_truck_on_two_overlapping_routes_is_rejected(plan: Plan) -> None:
    assert plan.routing is not None
    routes = plan.routing.routes
    i, j = next((i, j) for i, j in itertools.combinations(range(len(routes)), 2)
                if routes[i].vehicle_type == routes[j].vehicle_type
                and routes[i].start_time < routes[j].end_time
                and routes[j].start_time < routes[i].end_time)
    clash = dataclasses.replace(routes[j], vehicle=routes[i].vehicle)
    routing = dataclasses.replace(plan.routing, routes=tuple(
        clash if k == j else r for k, r in enumerate(routes)))
    verdict = validate_plan(plan.scenario, approximate_matrices(plan.scenario.locations()),
                            dataclasses.replace(plan, routing=routing))
    clashes = [v for v in verdict.violations if "at the same time" in v]
    assert len(clashes) == 1, verdict.violations
    name = plan.info["vehicle_types"][routes[i].vehicle_type]
    assert clashes[0].startswith(f"routing: truck {name!r} #{routes[i].vehicle + 1} ")
    assert f"route {i} ({routes[i].start_time:g} to {routes[i].end_time:g})" in clashes[0]
    assert f"route {j} ({routes[j].start_time:g} to {routes[j].end_time:g})" in clashes[0]
