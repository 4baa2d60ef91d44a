"""The validator accepts correct plans and names what is wrong in broken ones."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.routing import (
    Route,
    RoutingProblem,
    RoutingResult,
    Visit,
    schedule_route,
    validate_routes,
)
from tests.routing.conftest import euclid_model


def _result(*routes: Route) -> RoutingResult:
    return RoutingResult("t", "hand", "feasible", 0.0, tuple(routes))


def _replace_visit(route: Route, pos: int, **changes: object) -> Route:
    visits = list(route.visits)
    visits[pos] = dataclasses.replace(visits[pos], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(route, visits=tuple(visits))


@pytest.fixture
def good(reload4: RoutingProblem) -> Route:
    steps = [("stop", 0), ("stop", 1), ("unload", 0), ("stop", 2), ("stop", 3),
             ("unload", 0)]
    return schedule_route(reload4, 0, 0, steps)  # type: ignore[arg-type]


def test_accepts_valid_plan(reload4: RoutingProblem, good: Route) -> None:
    report = validate_routes(reload4, _result(good))
    assert report.ok, report.summary()
    assert report.cost == pytest.approx(good.cost)
    assert report.summary().startswith("routes valid: cost")


def test_missing_and_duplicate_stops(reload4: RoutingProblem) -> None:
    steps = [("stop", 0), ("stop", 0), ("unload", 0), ("stop", 2), ("unload", 0)]
    route = schedule_route(reload4, 0, 0, steps)  # type: ignore[arg-type]
    text = "\n".join(validate_routes(reload4, _result(route)).violations)
    assert "stop 'a' is served 2 times" in text
    assert "stop 'b' is not served" in text and "stop 'e' is not served" in text


def test_overload_without_unload(reload4: RoutingProblem) -> None:
    steps = [("stop", 0), ("stop", 1), ("stop", 2), ("stop", 3), ("unload", 0)]
    route = schedule_route(reload4, 0, 0, steps)  # type: ignore[arg-type]
    text = "\n".join(validate_routes(reload4, _result(route)).violations)
    assert "load 3.0 load exceeds capacity 2.0" in text


def test_not_returning_empty(reload4: RoutingProblem) -> None:
    steps = [("stop", 0), ("stop", 1), ("unload", 0), ("stop", 2), ("stop", 3)]
    route = schedule_route(reload4, 0, 0, steps)  # type: ignore[arg-type]
    text = "\n".join(validate_routes(reload4, _result(route)).violations)
    assert "must return empty" in text


def test_corrupted_figures(reload4: RoutingProblem, good: Route) -> None:
    cases = {
        "states cost": dataclasses.replace(good, cost=good.cost - 1),
        "states distance": dataclasses.replace(good, distance=good.distance + 5),
        "arrives at": _replace_visit(good, 2, arrival=good.visits[1].end),
        "states load": _replace_visit(good, 1, load=(0.0,)),
        "before start + service": _replace_visit(good, 1, end=good.visits[1].start),
        "location": _replace_visit(good, 1, location=0),
    }
    for needle, route in cases.items():
        report = validate_routes(reload4, _result(route))
        assert not report.ok
        assert any(needle in v for v in report.violations), (needle, report.violations)


def test_time_window_shift_and_unload_rules() -> None:
    m = euclid_model(["d", "a", "b", "u"])
    m.add_depot("d")
    m.add_unload_site("u")
    m.add_vehicle_type("v", depot="d", count=1, capacity=[5], shift_end=30, max_stops=1,
                       max_unloads=0)
    m.add_stop("a", demand=[1], tw_end=5)
    m.add_stop("b", demand=[1])
    p = m.data()
    route = schedule_route(p, 0, 0, [("stop", 0), ("unload", 0), ("stop", 1)])
    text = "\n".join(validate_routes(p, _result(route)).violations)
    assert "after its window closes (5.0)" in text
    assert "may not unload at 'u'" in text
    assert "more than max_stops 1" in text
    assert "more than max_unloads 0" in text
    assert "after shift end 30.0" in text


def test_missing_break(break4: RoutingProblem) -> None:
    route = schedule_route(break4, 0, 0, [("stop", k) for k in range(4)])
    report = validate_routes(break4, _result(route))
    assert any("takes no break" in v for v in report.violations)
    with_break = schedule_route(break4, 0, 0, [("stop", k) for k in range(4)], break_after=2)
    assert validate_routes(break4, _result(with_break)).ok


def test_wrong_vehicle(cvrp4: RoutingProblem) -> None:
    route = schedule_route(cvrp4, 0, 7, [("stop", 0), ("stop", 1)])
    other = schedule_route(cvrp4, 0, 7, [("stop", 2), ("stop", 3)])
    text = "\n".join(validate_routes(cvrp4, _result(route, other)).violations)
    assert "outside 0..3" in text and "drives route 0 (0 to 22) and route 1" in text


def test_visit_kinds(cvrp4: RoutingProblem) -> None:
    route = schedule_route(cvrp4, 0, 0, [("stop", 0), ("stop", 1), ("stop", 2), ("stop", 3)])
    broken = dataclasses.replace(route, visits=route.visits[1:])
    assert "must begin with a 'start'" in validate_routes(cvrp4, _result(broken)).violations[0]
    assert isinstance(route.visits[0], Visit)


def test_deprecated_names_warn_and_still_work(reload4: RoutingProblem, good: Route) -> None:
    from circularopt.routing import ValidationReport as FromPackage
    from circularopt.routing.validate import RoutesReport, ValidationReport, validate
    from circularopt.validation import ValidationReport as Base

    assert ValidationReport is RoutesReport is FromPackage
    assert issubclass(RoutesReport, Base)
    with pytest.warns(DeprecationWarning, match="validate"):
        report = validate(reload4, _result(good))
    assert report.ok and report.cost == pytest.approx(good.cost)
