"""Vehicle types in arc routing: capacities, counts and fixed costs on both engines,
checked by the validator; one capacity keeps working as before."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.exceptions import InputError
from circularopt.routing.arcs import (
    ArcModel,
    ArcProblem,
    ArcSolution,
    ArcVehicleType,
    solve_arcs,
    validate_arc_routes,
)
from tests.routing.arcs._solve import solved


def _triangle(big_fixed: float, *, shift: float | None = None) -> ArcProblem:
    """Triangle 0-1-2-0, streets of cost 10 and demand 1. Two "small" trucks carry 2
    (no fixed cost), one "big" carries 3 for ``big_fixed``. The big truck alone costs
    30 + big_fixed; two small ones 30 (two streets and home) + 20 (one street and
    back) = 50."""
    m = ArcModel(range(3), name="triangle")
    for a, b in [(0, 1), (1, 2), (2, 0)]:
        m.add_edge(f"e{a}{b}", a, b, cost=10)
        m.require(f"e{a}{b}", demand=1)
    m.set_fleet(depot=0)
    m.add_vehicle_type("small", capacity=2, count=2)
    m.add_vehicle_type("big", capacity=3, count=1, fixed_cost=big_fixed)
    if shift is not None:
        m.set_shift(shift, speed=1.0)
    return m.data()


def _types(problem: ArcProblem, solution: ArcSolution) -> list[str]:
    return sorted(problem.vehicle_types[r.vehicle_type].name for r in solution.routes
                  if r.served())


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
@pytest.mark.parametrize(("big_fixed", "cost", "types"),
                         [(5, 35, ["big"]), (25, 50, ["small", "small"])])
def test_the_cheaper_fleet_mix_is_chosen(engine: str, big_fixed: float, cost: float,
                                         types: list[str]) -> None:
    problem = _triangle(big_fixed)
    solution, report = solved(problem, engine)
    assert (report.cost, solution.cost, _types(problem, solution)) == (cost, cost, types)
    assert report.fixed_cost == (big_fixed if types == ["big"] else 0)


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
@pytest.mark.parametrize(("big_fixed", "cost", "types"),
                         [(5, 35, ["big"]), (25, 50, ["small", "small"])])
def test_types_under_a_shift(engine: str, big_fixed: float, cost: float,
                             types: list[str]) -> None:
    """A 30 s shift admits both mixes (the big truck's tour takes 30 s; the small ones
    30 s and 20 s); OR-Tools starts from first fit on the small trucks."""
    problem = _triangle(big_fixed, shift=30)
    solution, report = solved(problem, engine)
    assert (report.cost, _types(problem, solution)) == (cost, types)


def test_the_validator_checks_each_route_against_its_vehicle_type() -> None:
    problem = _triangle(5)
    solution = solve_arcs(problem, time_limit=0.2, clock="cpu")
    (route,) = [r for r in solution.routes if r.served()]
    small = dataclasses.replace(solution, routes=(dataclasses.replace(route, vehicle_type=0),),
                                cost=solution.cost - 5)
    report = validate_arc_routes(problem, small)
    assert report.fixed_cost == 0
    assert any("load 3 after street" in v and "exceeds the capacity 2" in v
               for v in report.violations), report.violations
    assert not any("reported cost" in v for v in report.violations)


def test_the_validator_counts_vehicles_per_type_and_recomputes_fixed_costs() -> None:
    problem = _triangle(25)
    solution = solve_arcs(problem, time_limit=0.2, clock="cpu")
    routes = tuple(dataclasses.replace(r, vehicle_type=1) for r in solution.routes)
    report = validate_arc_routes(problem, dataclasses.replace(solution, routes=routes))
    assert "2 vehicles of type 'big' used; the fleet has 1" in report.violations
    assert "reported cost 50 differs from the recomputed 100" in report.violations
    bad = dataclasses.replace(solution, routes=(dataclasses.replace(routes[0], vehicle_type=7),))
    assert any("vehicle type 7 is not one of the 2 types" in v
               for v in validate_arc_routes(problem, bad).violations)


def test_one_capacity_is_one_type_named_truck() -> None:
    m = ArcModel(["a", "b"])
    m.add_edge("ab", "a", "b", cost=100)
    m.require("ab", demand=2)
    m.set_fleet(depot="a", capacity=10, count=3)
    assert m.data().vehicle_types == (ArcVehicleType("truck", 10, 3),)


def _model() -> ArcModel:
    m = ArcModel(["a", "b"])
    m.add_edge("ab", "a", "b", cost=100)
    m.require("ab", demand=2)
    return m


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"capacity": 0, "count": 1}, "vehicle type 'small'.capacity"),
    ({"capacity": 5, "count": 0}, "vehicle type 'small'.count"),
    ({"capacity": 5, "count": 1, "fixed_cost": -1}, "vehicle type 'small'.fixed_cost"),
])
def test_bad_vehicle_types_are_refused_by_field(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(InputError) as err:
        _model().add_vehicle_type("small", **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_a_fleet_is_given_one_way_only() -> None:
    m = _model()
    m.add_vehicle_type("small", capacity=5, count=1)
    with pytest.raises(InputError, match="vehicle type"):
        m.add_vehicle_type("small", capacity=6, count=1)
    m.set_fleet(depot="a", capacity=10)
    with pytest.raises(InputError) as err:
        m.data()
    assert err.value.field == "capacity"
    m.set_fleet(depot="a", count=2)
    with pytest.raises(InputError) as err:
        m.data()
    assert err.value.field == "count"
    m2 = _model()
    m2.set_fleet(depot="a")
    with pytest.raises(InputError, match="add_vehicle_type"):
        m2.data()


def _dear_big(factor: float) -> ArcProblem:
    """The triangle with a big truck that costs ``factor`` per unit of distance: alone
    30 * factor; two small trucks 50."""
    m = ArcModel(range(3), name="triangle")
    for a, b in [(0, 1), (1, 2), (2, 0)]:
        m.add_edge(f"e{a}{b}", a, b, cost=10)
        m.require(f"e{a}{b}", demand=1)
    m.set_fleet(depot=0)
    m.add_vehicle_type("small", capacity=2, count=2)
    m.add_vehicle_type("big", capacity=3, count=1, cost_per_distance=factor)
    return m.data()


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
@pytest.mark.parametrize(("factor", "cost", "types"),
                         [(1.5, 45, ["big"]), (1.75, 50, ["small", "small"])])
def test_cost_per_distance_weighs_each_route(engine: str, factor: float, cost: float,
                                             types: list[str]) -> None:
    """1.5 x 30 = 45 < 50; 1.75 x 30 = 52.5 > 50."""
    problem = _dear_big(factor)
    solution, report = solved(problem, engine)
    assert (report.cost, solution.cost, _types(problem, solution)) == (cost, cost, types)


def test_the_validator_weighs_a_route_by_its_type() -> None:
    problem = _dear_big(1.5)
    solution = solve_arcs(problem, time_limit=0.2, clock="cpu")
    routes = tuple(dataclasses.replace(r, vehicle_type=0) for r in solution.routes)
    report = validate_arc_routes(problem, dataclasses.replace(solution, routes=routes))
    assert "reported cost 45 differs from the recomputed 30" in report.violations
