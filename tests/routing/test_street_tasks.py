"""Street tasks (start, end, either-direction groups) in the node routing problem."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.exceptions import InputError
from circularopt.routing.engines import solve
from circularopt.routing.problem import RoutingModel, RoutingProblem
from circularopt.routing.result import RoutingResult, schedule_route
from circularopt.routing.validate import validate_routes

LINE = [[0, 4, 8], [4, 0, 4], [8, 4, 0]]
"""a - b - c on a line, 4 apart."""


def line_streets(rule_either: bool = True) -> RoutingProblem:
    """Streets a-b and b-c, depot at a, unload site at c, trucks return empty: serving
    both streets towards c and unloading there costs 4 + 4 + 8 = 16; towards a, 32."""
    m = RoutingModel(["a", "b", "c"], LINE, [[10 * x for x in r] for r in LINE])
    m.add_depot("depot", location="a")
    m.add_unload_site("unload", location="c")
    m.add_vehicle_type("truck", depot="depot", count=2, capacity=[10],
                       unload_sites=["unload"], return_empty=True)
    for sid, (u, v) in {"s1": ("a", "b"), "s2": ("b", "c")}.items():
        group = sid if rule_either else None
        m.add_stop(f"{sid}>", location=u, end=v, service_distance=4, service=40,
                   demand=[1], group=group)
        m.add_stop(f"{sid}<", location=v, end=u, service_distance=4, service=40,
                   demand=[1], group=group)
    return m.data()


def plan(problem: RoutingProblem, stops: list[str]) -> RoutingResult:
    """One route serving ``stops`` in order, then the final unload."""
    steps = [("stop", problem.stop_index(s)) for s in stops] + [("unload", 0)]
    route = schedule_route(problem, 0, 0, steps)
    return RoutingResult(problem.name, "hand", "feasible", 0.0, (route,))


def test_task_matrix_is_the_node_transformation() -> None:
    p = line_streets()
    task = {s.id: s.location for s in p.stops}
    # depot (a) -> s2 served b->c: deadhead a->b (4) plus the street (4)
    assert p.distance[0, task["s2>"]] == 8
    # s1 served a->b -> s2 served b->c: no deadheading, the street's 4
    assert p.distance[task["s1>"], task["s2>"]] == 4
    # leaving s1< (ends at a) for c: 8
    assert p.distance[task["s1<"], 2] == 8
    assert [g.members for g in p.groups] == [(0, 1), (2, 3)]


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_engines_serve_each_street_once_in_the_cheap_direction(engine: str) -> None:
    p = line_streets()
    res = solve(p, engine=engine, time_limit=1.0, seed=1)
    report = validate_routes(p, res)
    assert report.ok, report.summary()
    assert report.distance == 16
    assert sorted(s for r in res.routes for s in r.stops) == ["s1>", "s2>"]


def test_each_direction_rule_serves_both() -> None:
    p = line_streets(rule_either=False)
    res = solve(p, engine="pyvrp", time_limit=1.0, seed=1)
    assert validate_routes(p, res).ok
    assert len({s for r in res.routes for s in r.stops}) == 4


def test_validator_accepts_the_hand_plan() -> None:
    p = line_streets()
    report = validate_routes(p, plan(p, ["s1>", "s2>"]))
    assert report.ok, report.summary()
    assert report.distance == 16


def test_validator_rejects_a_street_served_twice() -> None:
    p = line_streets()
    report = validate_routes(p, plan(p, ["s1>", "s2>", "s1<"]))
    assert "group 's1' is served 2 times (by several members)" in report.violations


def test_validator_rejects_a_missing_street() -> None:
    p = line_streets()
    report = validate_routes(p, plan(p, ["s1>"]))
    assert "group 's2' is not served" in report.violations


def test_validator_rejects_an_unknown_direction() -> None:
    p = line_streets()
    route = plan(p, ["s1>", "s2>"]).routes[0]
    bad = dataclasses.replace(route.visits[1], id="s1-sideways")
    hacked = dataclasses.replace(route, visits=(route.visits[0], bad, *route.visits[2:]))
    res = RoutingResult(p.name, "hand", "feasible", 0.0, (hacked,))
    assert any("id does not match stop" in v for v in validate_routes(p, res).violations)


def test_unserved_names_groups_and_plain_stops() -> None:
    assert line_streets().unserved([0]) == ("s2",)
    assert line_streets(rule_either=False).unserved([0, 1, 2]) == ("s2<",)


def test_bad_task_end_is_named() -> None:
    m = RoutingModel(["a", "b"], [[0, 1], [1, 0]], [[0, 1], [1, 0]])
    with pytest.raises(InputError, match=r"stop 's'\.end"):
        m.add_stop("s", location="a", end="nowhere", demand=[1])


def test_pyvrp_fleet_bound_counts_one_member_per_group() -> None:
    from circularopt.routing.engines.pyvrp_engine import _fleet_bound, to_pyvrp

    m = RoutingModel(["a", "b"], [[0, 4], [4, 0]], [[0, 4], [4, 0]])
    m.add_depot("depot", location="a")
    m.add_vehicle_type("truck", depot="depot", count=3, capacity=[6], max_unloads=0,
                       unload_sites=[])
    m.add_stop("s>", location="a", end="b", demand=[5], group="s")
    m.add_stop("s<", location="b", end="a", demand=[5], group="s")
    # both members would need two trucks; the street needs one
    assert _fleet_bound(to_pyvrp(m.data())) == 1
