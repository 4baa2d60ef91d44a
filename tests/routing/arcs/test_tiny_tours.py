"""Arc routing on tiny graphs whose optimal tours are known by hand."""

from __future__ import annotations

import pytest

from circularopt.exceptions import InfeasibleError, InputError
from circularopt.routing.arcs import (
    ArcModel,
    ArcProblem,
    ArcRoute,
    ArcSolution,
    ArcVisit,
    build_tasks,
    solve_arcs,
    validate_arc_routes,
)

ENGINES = ["pyvrp", "ortools"]


def _solve(problem: ArcProblem, engine: str) -> ArcSolution:
    solution = solve_arcs(problem, engine=engine, time_limit=0.3, seed=1, clock="cpu")
    report = validate_arc_routes(problem, solution)
    assert report.ok, report.summary()
    assert report.cost == pytest.approx(solution.cost)
    return solution


@pytest.fixture
def single_street() -> ArcProblem:
    """Depot a, street a-b of 100: serve it (100) and drive back (100)."""
    m = ArcModel(["a", "b"], name="single")
    m.add_edge("ab", "a", "b", cost=100)
    m.require("ab", demand=2)
    m.set_fleet(depot="a", capacity=10)
    return m.data()


@pytest.fixture
def square() -> ArcProblem:
    """Square 0-1-2-3 with one-way 2->3 and 3->0: street 1-2 served 1->2 costs
    1 + 10 + 2 = 13; served 2->1 it costs 11 + 10 + 1 = 22."""
    m = ArcModel(range(4), name="square")
    m.add_edge("01", 0, 1, cost=1)
    m.add_edge("12", 1, 2, cost=10)
    m.add_edge("23", 2, 3, cost=1, oneway=True)
    m.add_edge("30", 3, 0, cost=1, oneway=True)
    m.require("12", demand=1)
    m.set_fleet(depot=0, capacity=5)
    return m.data()


@pytest.fixture
def run_with_unload() -> ArcProblem:
    """Line 0-1-2-3-4 (10 each), all four streets demand 1, one truck of capacity 2,
    unload site at node 2: serve 0-1, 1-2, unload, serve 2-3 and 3-4 (either order:
    the second costs 10 more to serve, 10 less to drive back), 80 in all."""
    m = ArcModel(range(5), name="unload")
    for k in range(4):
        m.add_edge(f"e{k}", k, k + 1, cost=10)
        m.require(f"e{k}", demand=1)
    m.add_unload_site(2)
    m.set_fleet(depot=0, capacity=2, count=1)
    return m.data()


@pytest.mark.parametrize("engine", ENGINES)
def test_single_street(single_street: ArcProblem, engine: str) -> None:
    solution = _solve(single_street, engine)
    assert solution.cost == 200
    assert solution.as_pairs(single_street) in ([[["ab", "a", "b"]]], [[["ab", "b", "a"]]])


@pytest.mark.parametrize("engine", ENGINES)
def test_square_serves_the_cheap_direction(square: ArcProblem, engine: str) -> None:
    solution = _solve(square, engine)
    assert solution.cost == 13
    assert solution.as_pairs(square) == [[["12", "1", "2"]]]
    assert solution.routes[0].home == (2, 3, 0)


@pytest.mark.parametrize("engine", ENGINES)
def test_unloading_in_the_middle_of_a_street_run(run_with_unload: ArcProblem,
                                                 engine: str) -> None:
    solution = _solve(run_with_unload, engine)
    assert solution.cost == 80
    (route,) = solution.as_pairs(run_with_unload)
    assert route[:3] == [["e0", "0", "1"], ["e1", "1", "2"], ["unload", "2"]]
    assert sorted(step[0] for step in route[3:]) == ["e2", "e3"]


def test_return_empty_unloads_before_going_home(run_with_unload: ArcProblem) -> None:
    m = ArcModel(["d", "a", "s"], name="return-empty")
    m.add_edge("da", "d", "a", cost=5)
    m.add_edge("as", "a", "s", cost=3)
    m.add_edge("sd", "s", "d", cost=4)
    m.require("da", demand=1)
    m.add_unload_site("s")
    m.set_fleet(depot="d", capacity=3, return_empty=True)
    problem = m.data()
    solution = _solve(problem, "pyvrp")
    assert solution.cost == 12  # d->a served 5, a->s 3, unload, s->d 4
    assert solution.routes[0].visits[-1].kind == "unload"


def test_each_direction_serves_both_ways() -> None:
    m = ArcModel(["a", "b"])
    m.add_edge("ab", "a", "b", cost=7)
    m.require("ab", demand=1, rule="each")
    m.set_fleet(depot="a", capacity=5)
    problem = m.data()
    assert len(build_tasks(problem)[0]) == 2 and build_tasks(problem)[1] == 0
    solution = _solve(problem, "pyvrp")
    assert solution.cost == 14
    assert sorted(map(tuple, solution.as_pairs(problem)[0])) == [("ab", "a", "b"),
                                                                 ("ab", "b", "a")]


def _route(*visits: ArcVisit, home: tuple[int, ...]) -> ArcRoute:
    return ArcRoute(tuple(visits), home)


def test_validator_rejects_a_street_served_twice(single_street: ArcProblem) -> None:
    route = _route(ArcVisit("serve", (0,), 0, 1, 0, True),
                   ArcVisit("serve", (1,), 1, 0, 0, False), home=(0,))
    report = validate_arc_routes(single_street, ArcSolution((route,), 200, "hand", 0))
    assert report.violations == ("street 'ab' is served 2 times; expected once",)
    assert report.cost == 200


def test_validator_rejects_a_missing_street(square: ArcProblem) -> None:
    report = validate_arc_routes(square, ArcSolution((), 0, "hand", 0))
    assert report.violations == ("street '12' is served 0 times; expected once",)


def test_validator_rejects_a_deadhead_over_no_edge(square: ArcProblem) -> None:
    route = _route(ArcVisit("serve", (0, 1), 0 + 1, 2, 0, True), home=(2, 0))
    report = validate_arc_routes(square, ArcSolution((route,), 12, "hand", 0))
    assert not report.ok
    assert "deadheads from node '2' to node '0' over no edge" in report.violations[0]


def test_validator_rejects_a_wrong_cost_and_an_overload(single_street: ArcProblem) -> None:
    m = ArcModel(["a", "b"])
    m.add_edge("ab", "a", "b", cost=100)
    m.add_edge("ba", "b", "a", cost=100)
    m.require("ab", demand=6)
    m.require("ba", demand=6)
    m.set_fleet(depot="a", capacity=10)
    problem = m.data()
    route = _route(ArcVisit("serve", (0,), 0, 1, 0, True),
                   ArcVisit("serve", (1,), 1, 0, 1, True), home=(0,))
    report = validate_arc_routes(problem, ArcSolution((route,), 150, "hand", 0))
    assert any("exceeds the capacity 10" in v for v in report.violations)
    assert any("reported cost 150 differs from the recomputed 200" in v
               for v in report.violations)


def test_validator_warns_on_a_detour(square: ArcProblem) -> None:
    route = _route(ArcVisit("serve", (0, 1), 1, 2, 0, True), home=(2, 1, 0))
    report = validate_arc_routes(square, ArcSolution((route,), 22, "hand", 0))
    assert report.ok and report.cost == 22 and report.deadhead == 12
    assert len(report.warnings) == 1 and "shortest path 2" in report.warnings[0]


def test_negative_demand_is_named() -> None:
    m = ArcModel(["a", "b"])
    m.add_edge("ab", "a", "b", cost=1)
    with pytest.raises(InputError, match=r"required edge 'ab'.demand: got -3"):
        m.require("ab", demand=-3)


def test_street_not_in_the_network_is_named() -> None:
    m = ArcModel(["a", "b"])
    m.add_edge("ab", "a", "b", cost=1)
    with pytest.raises(InputError, match=r"required edge 'xy'.*an edge added with add_edge"):
        m.require("xy", demand=1)
    with pytest.raises(InputError, match=r"edge 'bc'.v: got 'c'"):
        m.add_edge("bc", "b", "c", cost=1)


def test_demand_above_capacity_and_unreachable_street() -> None:
    m = ArcModel(["a", "b", "c"])
    m.add_edge("ab", "a", "b", cost=1)
    m.add_edge("bc", "b", "c", cost=1, oneway=True)
    m.require("bc", demand=20)
    m.set_fleet(depot="a", capacity=10)
    with pytest.raises(InfeasibleError, match="street 'bc' has demand 20"):
        m.data()
    m.set_fleet(depot="a", capacity=30)
    with pytest.raises(InfeasibleError, match="street 'bc' cannot be reached"):
        solve_arcs(m.data(), time_limit=0.5)
