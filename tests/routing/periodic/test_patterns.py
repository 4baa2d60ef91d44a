"""Pattern improvement on fixed routes: hand-checkable weeks, budget, reproducibility."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

from circularopt.exceptions import InputError
from circularopt.routing.engines import solve as route
from circularopt.routing.periodic import (
    PeriodicOptions,
    PeriodicProblem,
    day_problem,
    solve_periodic,
    validate_periodic,
)
from circularopt.routing.periodic import horizon as horizon_module
from circularopt.routing.periodic.patterns import DayRoutes, improve_patterns, kick, perturb
from circularopt.routing.problem import RoutingProblem
from tests.routing.conftest import euclid_model

FOUR_DAYS = ("day 1", "day 2", "day 3", "day 4")


def _base(stops: str, *, capacity: float = 10, count: int = 2) -> RoutingProblem:
    m = euclid_model(["d", *stops], name="patterns")
    m.add_depot("d")
    m.add_vehicle_type("truck", depot="d", count=count, capacity=[capacity])
    for s in stops:
        m.add_stop(s, demand=[1])
    return m.data()


def _routes(problem: PeriodicProblem, choice: tuple[int, ...],
            overload: float | None = None) -> DayRoutes:
    days = [route(day_problem(problem, choice, d), engine="pyvrp", time_limit=0.2, seed=1)
            for d in range(problem.days)]
    return DayRoutes(problem, choice, days, overload=overload)


@pytest.fixture
def east_west() -> PeriodicProblem:
    """a (10, 1) on days 1 and 3, c (-10, 1) on days 2 and 4; b (10, -1) may go either
    way. With a, b adds 10 + 2 + 10 - 20 = 2 a day; with c it adds 20 a day (d-c-b-d is
    10 + 20 + 10 = 40, d-c-d is 20)."""
    return PeriodicProblem(_base("abc"), (((0, 2),), ((0, 2), (1, 3)), ((1, 3),)),
                           FOUR_DAYS)


def test_repattern_moves_b_next_to_a(east_west: PeriodicProblem) -> None:
    routes = _routes(east_west, (0, 1, 0))
    assert routes.repattern(1) == pytest.approx(2 * 20 - 2 * 2)
    assert routes.choice == [0, 0, 0]
    assert [sorted(s for r in day for s in r) for day in routes.routes] == \
        [[0, 1], [2], [0, 1], [2]]
    assert routes.repattern(1) == 0.0  # now at its best: nothing moves


def test_repattern_keeps_a_pattern_the_truck_cannot_take() -> None:
    """Capacity 1: b cannot join a's route; a route of its own on days 1 and 3 (40 a
    day) costs as much as one on days 2 and 4, so b stays."""
    p = PeriodicProblem(_base("abc", capacity=1, count=2),
                        (((0, 2),), ((0, 2), (1, 3)), ((1, 3),)), FOUR_DAYS)
    routes = _routes(p, (0, 1, 0))
    assert routes.repattern(1) == 0.0
    assert routes.choice == [0, 1, 0]


@pytest.mark.parametrize(("overload", "saving", "choice"), [(1.0, 40 - 2 * (2 + 1), 0),
                                                            (100.0, 0.0, 1)])
def test_an_overload_penalty_prices_the_excess(overload: float, saving: float,
                                               choice: int) -> None:
    """Capacity 1: b alone on days 2 and 4 costs 20 a day. Joining a's route adds 2 km
    and 1 unit over capacity a day: 3 a day at a penalty of 1 (b moves), 102 at 100,
    dearer than a route of its own (20 a day, no saving: b stays)."""
    p = PeriodicProblem(_base("abc", capacity=1, count=2),
                        (((0, 2),), ((0, 2), (1, 3)), ((1, 3),)), FOUR_DAYS)
    routes = _routes(p, (0, 1, 0), overload)
    assert routes.repattern(1) == pytest.approx(saving)
    assert routes.choice[1] == choice


def test_improve_and_perturb_are_reproducible(east_west: PeriodicProblem) -> None:
    def run(seed: int) -> tuple[list[int], list[list[list[int]]]]:
        rng = np.random.default_rng(seed)
        routes = _routes(east_west, (0, 1, 0))
        improve_patterns(routes, rng)
        perturb(routes, rng, 1)
        return routes.choice, routes.routes

    assert run(3) == run(3)
    choice, _ = run(3)
    assert choice == [0, 1, 0]  # the kick moved b back: the only stop with a choice


def test_a_kicked_stop_keeps_its_pattern_when_fixed(east_west: PeriodicProblem) -> None:
    """b kicked from a's days to c's: improvement moves it back unless it is fixed."""
    routes = _routes(east_west, (0, 0, 0))
    assert kick(routes, [1]) == [1] and routes.choice == [0, 1, 0]
    assert improve_patterns(routes, np.random.default_rng(0), fixed={1}) == 0.0
    assert routes.choice == [0, 1, 0]
    assert improve_patterns(routes, np.random.default_rng(0)) == pytest.approx(36.0)
    assert routes.choice == [0, 0, 0]


def test_kick_skips_a_stop_without_another_pattern(east_west: PeriodicProblem) -> None:
    routes = _routes(east_west, (0, 0, 0))
    assert kick(routes, [0]) == [] and routes.choice == [0, 0, 0]


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_accept_worse_outside_0_1_is_refused(share: float) -> None:
    with pytest.raises(InputError, match="accept_worse"):
        PeriodicOptions(accept_worse=share)


def test_solve_finds_the_cheaper_pattern(east_west: PeriodicProblem) -> None:
    result = solve_periodic(east_west, time_limit=2.0, seed=2,
                            options=PeriodicOptions(clock="cpu"))
    report = validate_periodic(east_west, result)
    assert report.ok
    assert result.choice == (0, 0, 0)
    assert report.cost == pytest.approx(2 * 22 + 2 * 20)


def test_the_whole_solve_stays_within_its_budget(east_west: PeriodicProblem,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Every PyVRP search gets a stop criterion, and their seconds add up to at most the
    solve's budget (without patience: with it, rounds may end early and more follow)."""
    asked: list[float] = []
    solve = horizon_module.pyvrp.solve

    def spy(data: Any, stop: Any, **kwargs: Any) -> Any:
        asked.append(stop.seconds)
        return solve(data, stop, **kwargs)

    monkeypatch.setattr(horizon_module.pyvrp, "solve", spy)
    result = solve_periodic(east_west, time_limit=3.0, seed=0,
                            options=PeriodicOptions(clock="cpu", round_share=0.1,
                                                    patience=0))
    assert result.info["horizon_model"] and result.info["passes"] >= 1
    searches = result.info["passes"] + 1 + result.info["descent_searches"]
    assert len(asked) in (searches, searches + 1)  # polish?
    assert sum(asked) <= 3.0 + 1e-6


def test_with_patience_the_solve_spends_no_more_cpu_than_its_budget(
        east_west: PeriodicProblem) -> None:
    """With patience, rounds end early and more follow; the whole solve still ends within
    its CPU budget (a little over for the work after the last check)."""
    start = time.process_time()
    result = solve_periodic(east_west, time_limit=3.0, seed=0,
                            options=PeriodicOptions(clock="cpu", patience=50))
    spent = time.process_time() - start
    assert result.info["passes"] >= 2
    assert spent <= 3.0 + 0.5
