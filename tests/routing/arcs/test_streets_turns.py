"""Turn-aware arc routing on hand-made graphs: U-turns avoided, restrictions honoured."""

from __future__ import annotations

import pytest

from circularopt.routing.arcs import (
    ArcModel,
    ArcProblem,
    ArcRoute,
    ArcSolution,
    ArcVisit,
    solve_arcs,
    validate_arc_routes,
)

ENGINES = ["pyvrp", "ortools"]


def _solve(problem: ArcProblem, engine: str) -> tuple[ArcSolution, int]:
    solution = solve_arcs(problem, engine=engine, time_limit=0.3, seed=1, clock="cpu")
    report = validate_arc_routes(problem, solution)
    assert report.ok, report.summary()
    assert not report.warnings, report.warnings
    assert report.cost == pytest.approx(solution.cost)
    return solution, report.u_turns


def _street_with_loop(penalty: float) -> ArcProblem:
    """Depot a; street a-b (10) served each way; a triangle b-c-d (5 each) at b. With
    a U-turn penalty of 100 the truck drives round the triangle (10 + 15 + 10 = 35);
    without, it turns on the spot (20)."""
    m = ArcModel("abcd", name="u-turn")
    m.add_edge("ab", "a", "b", cost=10)
    for e in ("bc", "cd", "db"):
        m.add_edge(e, e[0], e[1], cost=5)
    m.require("ab", demand=1, rule="each")
    m.set_fleet(depot="a", capacity=5)
    m.set_u_turn_penalty(penalty)
    return m.data()


@pytest.mark.parametrize("engine", ENGINES)
def test_u_turn_is_avoided(engine: str) -> None:
    solution, u_turns = _solve(_street_with_loop(100), engine)
    assert solution.cost == pytest.approx(35) and u_turns == 0
    route, = solution.routes
    assert len(route.visits[1].deadhead) == 4  # b, round the triangle, b


@pytest.mark.parametrize("engine", ENGINES)
def test_cheap_u_turn_is_taken_and_paid(engine: str) -> None:
    solution, u_turns = _solve(_street_with_loop(2), engine)
    assert solution.cost == pytest.approx(22) and u_turns == 1  # 10 + 10 + penalty 2


def _detour(ban: tuple[int, int, int] | None = None, only: tuple[int, int, int] | None = None,
            exit_ban: bool = False) -> ArcProblem:
    """Depot 0; 0-1, 1-2 (1 each); street 2->3 (10, one-way); 3->0 (1, one-way); a
    detour 1-4-5-2 (1 each) and 3-5 (3). Unrestricted: 0-1-2, serve, 3-0 = 13."""
    m = ArcModel(range(6), name="detour")
    m.add_edge("01", 0, 1, cost=1)
    m.add_edge("12", 1, 2, cost=1)
    m.add_edge("23", 2, 3, cost=10, oneway=True)
    m.add_edge("30", 3, 0, cost=1, oneway=True)
    m.add_edge("14", 1, 4, cost=1)
    m.add_edge("45", 4, 5, cost=1)
    m.add_edge("52", 5, 2, cost=1)
    m.add_edge("35", 3, 5, cost=3)
    m.require("23", demand=1)
    m.set_fleet(depot=0, capacity=5)
    m.set_u_turn_penalty(100)
    if ban:
        m.restrict_turn(*ban)
    if only:
        m.restrict_turn(*only, only=True)
    if exit_ban:
        m.restrict_turn(2, 3, 0)
    return m.data()


@pytest.mark.parametrize("engine", ENGINES)
def test_unrestricted_takes_the_short_way(engine: str) -> None:
    solution, _ = _solve(_detour(), engine)
    assert solution.cost == pytest.approx(13)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", ["no_left_turn", "only_straight_on"])
def test_turn_restriction_forces_a_detour(engine: str, kind: str) -> None:
    # no turn 1 -> 2 -> 3; or from 0 -> 1 only on to 4: both force 0-1-4-5-2 (4)
    problem = _detour(ban=(1, 2, 3)) if kind == "no_left_turn" else _detour(only=(0, 1, 4))
    solution, _ = _solve(problem, engine)
    assert solution.cost == pytest.approx(15)
    route, = solution.routes
    assert route.visits[0].deadhead == (0, 1, 4, 5, 2)


@pytest.mark.parametrize("engine", ENGINES)
def test_turn_out_of_a_served_street_is_honoured(engine: str) -> None:
    solution, _ = _solve(_detour(exit_ban=True), engine)  # no 2 -> 3 -> 0 after serving
    assert solution.cost == pytest.approx(18)  # 0-1-2 (2) + 10 + 3-5-.-.-0 (6)
    assert solution.routes[0].home[:2] == (3, 5)


def test_validator_rejects_a_banned_turn_and_counts_u_turns() -> None:
    problem = _detour(ban=(1, 2, 3))
    banned = ArcRoute((ArcVisit("serve", (0, 1, 2), 2, 3, 0, True),), (3, 0))
    report = validate_arc_routes(problem, ArcSolution((banned,), 13.0, "hand", 0.0))
    assert not report.ok and "banned turn" in report.summary()
    u_turn = ArcRoute((ArcVisit("serve", (0, 1, 2, 5, 2), 2, 3, 0, True),), (3, 0))
    report = validate_arc_routes(problem, ArcSolution((u_turn,), 115.0, "hand", 0.0))
    assert report.ok, report.summary()
    assert report.u_turns == 1 and report.cost == pytest.approx(115)
    assert report.warnings  # the detour 0-1-4-5-2 costs 4, no penalty


def test_collection_trucks_pay_for_u_turns_by_default() -> None:
    from circularopt.routing.arcs.streets import DEFAULT_U_TURN_M, street_problem
    from circularopt.scenario import CollectionStreet

    # a dead-end street served each way: the truck must turn round at its far end
    street = CollectionStreet("s1", 42.0, 74.0, 42.0, 74.001, {"residual": 0.1},
                              rule="each_direction", length_km=0.1)
    costs = {}
    for u_turn in (DEFAULT_U_TURN_M, 0.0):
        problem = street_problem([street], depot=(41.999, 74.0), unload=(41.99, 74.0),
                                 capacity_t=1.0, u_turn_m=u_turn)
        solution, u_turns = _solve(problem, "pyvrp")
        assert u_turns == 1
        costs[u_turn] = solution.cost
    assert costs[DEFAULT_U_TURN_M] - costs[0.0] == pytest.approx(DEFAULT_U_TURN_M)
