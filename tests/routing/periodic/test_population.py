"""A population of pattern choices: distances, biased fitness, crossover, repair."""

from __future__ import annotations

import numpy as np
import pytest

from circularopt.exceptions import InputError
from circularopt.routing.engines import solve as route
from circularopt.routing.periodic import (
    PeriodicOptions,
    PeriodicProblem,
    day_problem,
    initial_choice,
    solve_periodic,
    validate_periodic,
)
from circularopt.routing.periodic.patterns import DayRoutes
from circularopt.routing.periodic.population import (
    Population,
    adopt,
    area_crossover,
    choice_distance,
)
from circularopt.routing.problem import RoutingProblem
from tests.routing.conftest import euclid_model

FOUR_DAYS = ("day 1", "day 2", "day 3", "day 4")
ODD_EVEN = ((0, 2), (1, 3))


def _base(stops: str, *, capacity: float = 10, count: int = 2) -> RoutingProblem:
    m = euclid_model(["d", *stops], name="population")
    m.add_depot("d")
    m.add_vehicle_type("truck", depot="d", count=count, capacity=[capacity])
    for s in stops:
        m.add_stop(s, demand=[1])
    return m.data()


def _routes(problem: PeriodicProblem, choice: tuple[int, ...]) -> DayRoutes:
    days = [route(day_problem(problem, choice, d), engine="pyvrp", time_limit=0.2, seed=1)
            for d in range(problem.days)]
    return DayRoutes(problem, choice, days)


@pytest.fixture
def pairs() -> PeriodicProblem:
    """a, b 10 east of the depot, c, e 10 west (2 apart within a pair, 20 across); each
    on days 1 and 3 or days 2 and 4."""
    return PeriodicProblem(_base("abce"), (ODD_EVEN,) * 4, FOUR_DAYS)


@pytest.fixture
def east_west() -> PeriodicProblem:
    """a on days 1 and 3, c on days 2 and 4; b (next to a) may go either way."""
    return PeriodicProblem(_base("abc"), (((0, 2),), ODD_EVEN, ((1, 3),)), FOUR_DAYS)


def test_distance_is_the_share_of_stops_with_a_choice_that_differ() -> None:
    assert choice_distance((0, 1, 0), (0, 0, 1), [1, 2]) == 1.0
    assert choice_distance((0, 1, 0), (0, 0, 0), [1, 2]) == 0.5
    assert choice_distance((0, 1), (1, 0), []) == 0.0


def test_a_full_population_drops_the_near_clone(pairs: PeriodicProblem) -> None:
    """Costs 10, 11, 12; distances 1/4 (first, second), 1 (first, third), 3/4. With one
    nearest member and one elite: fitness (0 + 2/3) / 2, (1 + 2/3 * 2) / 2, (2 + 0) / 2;
    the second, close to the cheaper first, goes."""
    pop: Population[str] = Population(pairs, size=2, elite=1, close=1)
    assert pop.add((0, 0, 0, 0), 10.0, "first") and pop.add((0, 0, 0, 1), 11.0, "second")
    assert pop.add((1, 1, 1, 1), 12.0, "third")
    assert [m.plan for m in pop.members] == ["first", "third"]
    assert pop.best().plan == "first"


def test_a_choice_already_held_keeps_the_cheaper_plan(pairs: PeriodicProblem) -> None:
    pop: Population[str] = Population(pairs)
    pop.add((0, 0, 0, 0), 10.0, "old")
    assert not pop.add((0, 0, 0, 0), 12.0, "dearer")
    assert not pop.add((1, 0, 0, 0), float("inf"), "infeasible")
    assert pop.add((0, 0, 0, 0), 9.0, "cheaper")
    assert [m.plan for m in pop.members] == ["cheaper"]


def test_parents_are_two_different_members(pairs: PeriodicProblem) -> None:
    pop: Population[int] = Population(pairs)
    pop.add((0, 0, 0, 0), 10.0, 0)
    pop.add((1, 1, 1, 1), 12.0, 1)
    for seed in range(5):
        a, b = pop.parents(np.random.default_rng(seed))
        assert {a.plan, b.plan} == {0, 1}


def test_the_crossover_area_is_a_neighbourhood(pairs: PeriodicProblem) -> None:
    """From 1-3 stops take the second parent's pattern; two are always a pair (a, b or
    c, e): each is the other's nearest."""
    seen = set()
    for seed in range(20):
        child = area_crossover(pairs, (0, 0, 0, 0), (1, 1, 1, 1), np.random.default_rng(seed))
        switched = frozenset(k for k, c in enumerate(child) if c == 1)
        assert 1 <= len(switched) <= 3
        if len(switched) == 2:
            assert switched in ({0, 1}, {2, 3})
        seen.add(switched)
    assert len(seen) > 2


def test_adopt_moves_a_stop_to_the_child_pattern(east_west: PeriodicProblem) -> None:
    routes = _routes(east_west, (0, 1, 0))
    assert adopt(routes, (0, 0, 0), np.random.default_rng(0)) == [1]
    assert routes.choice == [0, 0, 0]
    assert [sorted(s for r in day for s in r) for day in routes.routes] == \
        [[0, 1], [2], [0, 1], [2]]


def test_adopt_keeps_a_pattern_that_does_not_fit() -> None:
    """One truck of capacity 1 a day, a on days 1 and 3: b cannot join a's days."""
    p = PeriodicProblem(_base("ab", capacity=1, count=1), (((0, 2),), ODD_EVEN), FOUR_DAYS)
    routes = _routes(p, (0, 1))
    assert adopt(routes, (0, 0), np.random.default_rng(0)) == []
    assert routes.choice == [0, 1]
    assert routes.routes[1] == [[1]] and routes.routes[0] == [[0]]


def test_solve_with_a_population_crosses_and_stays_valid(east_west: PeriodicProblem) -> None:
    result = solve_periodic(east_west, time_limit=2.0, seed=0, options=PeriodicOptions(
        clock="cpu", round_share=0.05, population=4, crossover_after=1))
    assert result.info["crossovers"] >= result.info["crossover_bests"]
    assert result.info["crossovers"] >= 1
    assert validate_periodic(east_west, result).ok
    assert result.choice == (0, 0, 0)


def test_population_0_solves_without_crossover(east_west: PeriodicProblem) -> None:
    result = solve_periodic(east_west, time_limit=1.0, seed=0, options=PeriodicOptions(
        clock="cpu", round_share=0.1, population=0, crossover_after=1))
    assert "crossovers" not in result.info and result.info["passes"] >= 1
    assert validate_periodic(east_west, result).ok


@pytest.mark.parametrize(("field", "value"), [("population", -1), ("crossover_after", 0),
                                              ("population", 2.5), ("population", 1),
                                              ("screen", 0), ("restarts", 0),
                                              ("crossover_full", -1)])
def test_bad_population_options_are_refused(field: str, value: object) -> None:
    with pytest.raises(InputError, match=field):
        PeriodicOptions(**{field: value})  # type: ignore[arg-type]


def test_day_routes_cost_is_arcs_plus_fixed_costs(east_west: PeriodicProblem) -> None:
    """a (10, 1) and b (10, -1) on days 1 and 3: d-a-b-d = 22; c (-10, 1) on days 2 and 4:
    d-c-d = 20; no fixed cost."""
    routes = _routes(east_west, (0, 0, 0))
    assert routes.cost() == pytest.approx(2 * 22 + 2 * 20)


def test_day_routes_cost_adds_the_overload() -> None:
    """Capacity 1, a and b both on days 1 and 3 in one route: 1 unit over on each day."""
    p = PeriodicProblem(_base("ab", capacity=1, count=1), (((0, 2),), ((0, 2),)), FOUR_DAYS)
    routes = DayRoutes(p, (0, 0), [route(day_problem(p, (0, 0), d), engine="pyvrp",
                                         time_limit=0.2, seed=1, allow_infeasible=True)
                                   for d in range(4)], overload=5.0)
    routes.routes[0], routes.types[0] = [[0, 1]], [0]
    routes.restore(routes.snapshot([0]))
    plain = sum(routes.route_cost(d, r) for d in range(4) for r in range(len(routes.routes[d])))
    over = sum(float(max(routes.load[d][r][0] - 1, 0)) for d in range(4)
               for r in range(len(routes.routes[d])))
    assert over >= 1
    assert routes.cost() == pytest.approx(plain + 5.0 * over)


def test_elite_member_and_holds(pairs: PeriodicProblem) -> None:
    pop: Population[str] = Population(pairs, elite=1)
    pop.add((0, 0, 0, 0), 10.0, "cheap")
    pop.add((1, 1, 1, 1), 12.0, "dear")
    assert all(pop.elite_member(np.random.default_rng(s)).plan == "cheap" for s in range(5))
    assert pop.holds((1, 1, 1, 1)) and not pop.holds([0, 1, 0, 1])


def test_screening_builds_several_children_and_routes_one(east_west: PeriodicProblem) -> None:
    result = solve_periodic(east_west, time_limit=2.0, seed=0, options=PeriodicOptions(
        clock="cpu", round_share=0.05, population=4, crossover_after=1, screen=3))
    assert result.info["crossovers"] >= 1
    assert result.info["crossovers"] < result.info["screened"] <= 3 * result.info["crossovers"]
    assert validate_periodic(east_west, result).ok
    assert result.choice == (0, 0, 0)


def test_restarts_route_several_first_choices(pairs: PeriodicProblem) -> None:
    result = solve_periodic(pairs, time_limit=2.0, seed=0, options=PeriodicOptions(
        clock="cpu", round_share=0.05, restarts=3, crossover_full=1))
    assert result.info["restarts"] == 3
    assert validate_periodic(pairs, result).ok


def test_a_perturbed_first_choice_differs_for_some_seed(pairs: PeriodicProblem) -> None:
    """Ties broken by noise: a and b (and c and e) may take either pattern."""
    plain = initial_choice(pairs)
    assert plain == initial_choice(pairs)
    assert any(initial_choice(pairs, rng=np.random.default_rng(s), noise=1.0) != plain
               for s in range(10))


def test_a_stuck_search_restarts_from_a_perturbed_choice() -> None:
    """One truck of capacity 2: a and b fill days 1 and 3, so e can only take days 2 and 4
    (beside c); a kick of e moves nothing, and the round restarts instead."""
    p = PeriodicProblem(_base("abce", capacity=2, count=1),
                        (((0, 2),), ((0, 2),), ((1, 3),), ODD_EVEN), FOUR_DAYS)
    result = solve_periodic(p, time_limit=1.0, seed=0, options=PeriodicOptions(
        clock="cpu", round_share=0.1))
    assert result.info["stuck"] >= 1 and result.info["restarts"] >= 2
    assert validate_periodic(p, result).ok
    assert result.choice == (0, 0, 0, 1)
