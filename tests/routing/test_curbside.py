"""Curbside street runs: joining streets, siting demand, routing with container sites."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.exceptions import InputError
from circularopt.pipeline import solve
from circularopt.plan import validate_plan
from circularopt.routing.curbside import (
    curbside_matrices,
    run_sites,
    scenario_runs,
    siting_scenario,
    street_runs,
    zone_point_id,
)
from circularopt.routing.decompose import RoutingOptions
from circularopt.scenario import CollectionStreet, Scenario
from tests.helpers import LAT, LON, town

STEP = 0.002
"""Block length in degrees of longitude (about 160 m)."""


def street(id_: str, a: tuple[float, float], b: tuple[float, float], **kw: object
           ) -> CollectionStreet:
    return CollectionStreet(id_, *a, *b, {"plastic": 0.02, "residual": 0.03}, households=8,
                            service_min_per_household=0.25, zone="z1", synthetic=True,
                            name=f"synthetic {id_}", **kw)  # type: ignore[arg-type]


def line_streets() -> tuple[CollectionStreet, ...]:
    """Three blocks along one line (the middle one drawn backwards), a cross street
    and a one-way street."""
    p = [(LAT + 0.001, LON + k * STEP) for k in range(4)]
    return (street("s0", p[0], p[1]), street("s1", p[2], p[1]), street("s2", p[2], p[3]),
            street("x", p[1], (LAT + 0.001 + STEP, LON + STEP)),
            street("one", (LAT - 0.001, LON), (LAT - 0.001, LON + STEP), oneway=True))


def town_with_streets() -> Scenario:
    return dataclasses.replace(town(6), streets=line_streets())


def test_straight_blocks_join_into_one_run() -> None:
    runs = {r.streets: r for r in street_runs(line_streets())}
    line = runs[("s0", "s1", "s2")]
    assert line.along == (True, False, True)
    assert line.start == pytest.approx((LAT + 0.001, LON))
    assert line.end == pytest.approx((LAT + 0.001, LON + 3 * STEP))
    assert line.households == 24 and line.tonnes == pytest.approx(0.15)
    assert set(runs) == {("s0", "s1", "s2"), ("x",), ("one",)}
    assert runs[("one",)].directions() == (">",)


def test_runs_are_cut_at_the_service_limit() -> None:
    # each block: 8 households x 0.25 min + ~0.16 km at 20 km/h ~ 2.5 min
    runs = street_runs(line_streets(), max_minutes=5.5)
    assert sorted(len(r.streets) for r in runs) == [1, 1, 1, 2]


def test_siting_sees_one_demand_point_per_zone() -> None:
    scenario = town_with_streets()
    runs = street_runs(scenario.streets)
    sited = siting_scenario(scenario, runs)
    added = sited.collection_points[-1]
    assert added.id == zone_point_id("z1")
    assert added.total_tonnes_per_day == pytest.approx(5 * 0.05)
    with pytest.raises(InputError, match="curbside-z1"):
        run_sites(runs, {})


@pytest.fixture(scope="module")
def street_plan():  # type: ignore[no-untyped-def]
    return solve(town_with_streets(), time_limit=6, routing=RoutingOptions(workers=1))


def test_pipeline_routes_streets_with_container_sites(street_plan) -> None:  # type: ignore[no-untyped-def]
    plan = street_plan
    assert plan.valid, plan.violations
    served = {v.id for r in plan.routing.routes for v in r.visits if v.kind == "stop"}
    assert {"run-s0>", "run-s0<"} & served and "run-one>" in served
    assert plan.info["curbside"]["streets"] == 5
    kinds = plan.kpis.by_kind
    assert kinds["curbside"]["tonnes"] == pytest.approx(0.25, abs=0.01)
    assert kinds["container"]["tonnes"] == pytest.approx(6 * 0.8, abs=0.01)
    scenario = town_with_streets()
    verdict = validate_plan(scenario, curbside_matrices(scenario, scenario_runs(scenario)), plan)
    assert verdict.ok, verdict.violations


def _without(plan, stop_prefix: str):  # type: ignore[no-untyped-def]
    """The plan with the visits of ``stop_prefix`` dropped (route figures left as they
    were, so only the structure is judged)."""
    routes = tuple(dataclasses.replace(r, visits=tuple(
        v for v in r.visits if not v.id.startswith(stop_prefix))) for r in plan.routing.routes)
    return dataclasses.replace(plan, routing=dataclasses.replace(plan.routing, routes=routes))


def test_plan_validator_rejects_a_missing_street(street_plan) -> None:  # type: ignore[no-untyped-def]
    scenario = town_with_streets()
    matrices = curbside_matrices(scenario, scenario_runs(scenario))
    verdict = validate_plan(scenario, matrices, _without(street_plan, "run-x"))
    assert "streets: street 'x' is served 0 time(s), must be once" in verdict.violations


def test_plan_validator_needs_matrices_over_the_runs(street_plan) -> None:  # type: ignore[no-untyped-def]
    from circularopt.matrices import scenario_matrices

    scenario = town_with_streets()
    verdict = validate_plan(scenario, scenario_matrices(scenario), street_plan)
    assert any("curbside_matrices" in v for v in verdict.violations)


def test_ortools_engine_routes_streets_too() -> None:
    plan = solve(town_with_streets(), time_limit=6,
                 routing=RoutingOptions(workers=1, engine="ortools"))
    assert plan.valid, plan.violations
    assert plan.kpis is not None and plan.kpis.by_kind["curbside"]["trucks"] >= 1


def test_city_parts_keep_each_run_and_its_directions_together() -> None:
    from circularopt.routing.decompose import route_city, split_parts

    scenario = town_with_streets()
    runs = scenario_runs(scenario)
    matrices = curbside_matrices(scenario, runs)
    assignment = {p.id: "c1" for p in siting_scenario(scenario, runs).collection_points}
    parts = split_parts(scenario, assignment, max_part_stops=5, runs=runs, matrices=matrices)
    assert len(parts) == 2
    assert sorted(r for p in parts for r in p.runs) == sorted(r.id for r in runs)
    city = route_city(scenario, matrices, assignment=assignment, runs=runs, time_limit=6,
                      options=RoutingOptions(workers=1, max_part_stops=5))
    assert city.report.ok, city.report.violations
    assert sorted(g.id for g in city.problem.groups) == ["run-s0", "run-x"]


def _with_visit(plan, stop_id: str, new_id: str | None = None):  # type: ignore[no-untyped-def]
    """The plan with the visit ``stop_id`` repeated right after itself (as ``new_id``)."""
    routes = []
    for r in plan.routing.routes:
        visits = []
        for v in r.visits:
            visits.append(v)
            if v.id == stop_id:
                visits.append(dataclasses.replace(v, id=new_id or stop_id))
        routes.append(dataclasses.replace(r, visits=tuple(visits)))
    return dataclasses.replace(plan, routing=dataclasses.replace(plan.routing,
                                                                 routes=tuple(routes)))


def test_plan_validator_rejects_a_street_served_twice(street_plan) -> None:  # type: ignore[no-untyped-def]
    scenario = town_with_streets()
    matrices = curbside_matrices(scenario, scenario_runs(scenario))
    served = {v.id for r in street_plan.routing.routes for v in r.visits}
    stop = "run-x>" if "run-x>" in served else "run-x<"
    other = "run-x<" if stop == "run-x>" else "run-x>"
    verdict = validate_plan(scenario, matrices, _with_visit(street_plan, stop, other))
    assert "streets: street 'x' is served 2 time(s), must be once" in verdict.violations
    assert "routing: group 'run-x' is served 2 times (by several members)" in \
        verdict.violations


def test_plan_validator_rejects_a_one_way_street_driven_backwards(street_plan) -> None:  # type: ignore[no-untyped-def]
    scenario = town_with_streets()
    matrices = curbside_matrices(scenario, scenario_runs(scenario))
    verdict = validate_plan(scenario, matrices, _with_visit(street_plan, "run-one>", "run-one<"))
    assert any("'run-one<' is not part of the instance" in v for v in verdict.violations)
