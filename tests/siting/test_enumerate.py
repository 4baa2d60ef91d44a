"""Tests for the class prover (Lagrangian branch-and-bound on the open set)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from circularopt.exceptions import InputError
from circularopt.siting.cflp import FacilityProblem, FacilityResult
from circularopt.siting.enumerate import prove_class, solve_enumerate
from circularopt.siting.hooks import SolveHooks
from circularopt.siting.portfolio import PortfolioOptions, solve_portfolio
from circularopt.siting.validate import validate_facility
from tests.siting.conftest import best_by_count, brute_force


@pytest.fixture
def four() -> FacilityProblem:
    """4 facilities of capacity 12, 7 customers with demands 2-5 (total 23): two
    facilities hold the demand only when packed 96% full."""
    cost = np.array([[3, 9, 4, 8, 2, 7, 5],
                     [8, 2, 7, 3, 9, 4, 6],
                     [5, 6, 2, 9, 4, 3, 8],
                     [7, 4, 8, 2, 6, 9, 1]], dtype=float)
    return FacilityProblem(fixed_cost=[9.0, 11.0, 10.0, 12.0], capacity=[12.0] * 4,
                           demand=[5.0, 4.0, 3.0, 4.0, 2.0, 3.0, 2.0], cost=cost,
                           single_source=True, name="four")


def test_brute_force_of_the_fixture_by_hand(four: FacilityProblem) -> None:
    """The brute force's classes: 2, 3 and 4 facilities open, none with 1 (12 < 23)."""
    best = best_by_count(four, empty=True)
    assert set(best) == {2, 3, 4}
    assert best[3] < best[4]


@pytest.mark.parametrize("k", [2, 3, 4])
def test_finds_the_class_optimum_from_no_incumbent(four: FacilityProblem, k: int) -> None:
    proof = prove_class(four, k, math.inf, time_limit=30)
    assert proof.proven
    assert proof.solution is not None
    assert proof.solution.cost == pytest.approx(best_by_count(four, empty=True)[k])
    assert len(proof.solution.open_facilities) == k
    assert four.solution_cost(proof.solution.open_facilities,
                              proof.solution.assignment) == proof.solution.cost


@pytest.mark.parametrize("k", [2, 3])
def test_improves_an_incumbent_above_the_class_optimum(four: FacilityProblem,
                                                       k: int) -> None:
    opt = best_by_count(four, empty=True)[k]
    proof = prove_class(four, k, opt + 2.0, time_limit=30)
    assert proof.proven
    assert proof.solution is not None and proof.solution.cost == pytest.approx(opt)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_reports_none_below_the_class_optimum(four: FacilityProblem, k: int) -> None:
    opt = best_by_count(four, empty=True)[k]
    proof = prove_class(four, k, opt, time_limit=30)
    assert proof.proven
    assert proof.solution is None
    assert proof.bound == opt


def test_class_without_solutions_is_proven_empty(four: FacilityProblem) -> None:
    proof = prove_class(four, 1, math.inf, time_limit=30)
    assert proof.proven and proof.solution is None


def test_random_tight_cases_match_the_brute_force() -> None:
    """Eight random tight cases (capacities 5% above half the demand), every class,
    incumbents at, above and without the class optimum."""
    rng = np.random.default_rng(7)
    for _ in range(8):
        d = rng.integers(2, 6, 7).astype(float)
        problem = FacilityProblem(rng.integers(5, 15, 4).astype(float),
                                  np.full(4, math.ceil(d.sum() / 2 * 1.05)), d,
                                  rng.integers(1, 20, (4, 7)).astype(float),
                                  single_source=True)
        for k, opt in best_by_count(problem, empty=True).items():
            for upper in (opt, opt + 3.0, math.inf):
                proof = prove_class(problem, k, upper, time_limit=30)
                got = None if proof.solution is None else proof.solution.cost
                assert proof.proven
                assert got == (opt if opt < upper else None)


def test_tight_fixture_of_the_conftest(tight: FacilityProblem) -> None:
    """All three bins of 10 for the demand 24: the class 3 optimum."""
    proof = prove_class(tight, 3, math.inf, time_limit=30)
    assert proof.proven and proof.solution is not None
    assert proof.solution.cost == pytest.approx(best_by_count(tight, empty=True)[3])


def test_stops_when_asked_and_reports_not_proven(four: FacilityProblem) -> None:
    proof = prove_class(four, 2, math.inf, time_limit=30, should_stop=lambda: True)
    assert not proof.proven
    assert proof.nodes == 0


def test_rejects_multi_source_and_bad_counts(four: FacilityProblem) -> None:
    multi = FacilityProblem(four.fixed_cost, four.capacity, four.demand, four.cost)
    with pytest.raises(InputError):
        prove_class(multi, 2, math.inf)
    with pytest.raises(InputError):
        prove_class(four, 5, math.inf)
    with pytest.raises(InputError):
        prove_class(four, 2, float("nan"))


def test_solve_enumerate_proves_the_optimum(four: FacilityProblem) -> None:
    found: list[float] = []
    res = solve_enumerate(four, time_limit=30,
                          hooks=SolveHooks(on_solution=lambda r: found.append(r.cost)))
    assert res.status == "optimal"
    assert res.cost == pytest.approx(brute_force(four))
    assert res.bound == pytest.approx(res.cost)
    assert four.solution_cost(res.open_facilities, res.assignment) == res.cost
    assert res.info["classes"]


def test_solve_enumerate_improves_a_worse_incumbent(four: FacilityProblem) -> None:
    """Given every customer at facility 0 and 1 (a feasible but dear solution), it
    finds the optimum and posts it."""
    assign = np.zeros((4, 7))
    assign[0, [0, 1, 2]] = 1.0
    assign[1, [3, 4, 5, 6]] = 1.0
    worse = FacilityResult((0, 1), assign, four.solution_cost((0, 1), assign), "feasible",
                           None, 0.0, "given")
    assert (assign @ four.demand <= four.capacity).all()
    assert worse.cost > brute_force(four)
    found: list[float] = []
    res = solve_enumerate(four, time_limit=30, hooks=SolveHooks(
        incumbent=lambda: worse, on_solution=lambda r: found.append(r.cost)))
    assert res.status == "optimal" and res.cost == pytest.approx(brute_force(four))
    assert found and found[-1] == pytest.approx(res.cost)


def test_solve_enumerate_keeps_an_optimal_incumbent(tight: FacilityProblem) -> None:
    first = solve_enumerate(tight, time_limit=30)
    again = solve_enumerate(tight, time_limit=30, hooks=SolveHooks(incumbent=lambda: first))
    assert again.status == "optimal" and again.cost == pytest.approx(first.cost)
    assert first.cost == pytest.approx(brute_force(tight))


@pytest.mark.parametrize("method", ["enumerate", "staged-enumerate"])
def test_portfolio_method_proves_the_optimum(four: FacilityProblem, method: str) -> None:
    res = solve_portfolio(four, time_limit=60.0,
                          options=PortfolioOptions(methods=(method,), workers=1))
    assert res.status == "optimal"
    assert res.cost == pytest.approx(brute_force(four))
    assert validate_facility(four, res).ok


def test_cutoff_lowered_by_a_cost_known_elsewhere(four: FacilityProblem) -> None:
    """No incumbent given, but the class optimum's cost is known elsewhere: nothing
    cheaper exists, so the proof ends without a solution."""
    opt = best_by_count(four, empty=True)[3]
    proof = prove_class(four, 3, math.inf, time_limit=30, elsewhere=lambda: opt)
    assert proof.proven and proof.solution is None


def test_solve_enumerate_returns_no_empty_facility() -> None:
    """Two cheap facilities hold everything and a third is dear: the answer opens the
    two it uses (the class of three, all open, holds only dearer solutions)."""
    problem = FacilityProblem(fixed_cost=[1.0, 1.0, 50.0], capacity=[10.0, 10.0, 10.0],
                              demand=[5.0, 5.0, 5.0, 5.0],
                              cost=np.array([[1, 1, 9, 9], [9, 9, 1, 1], [5, 5, 5, 5]],
                                            dtype=float), single_source=True)
    res = solve_enumerate(problem, time_limit=30)
    assert res.status == "optimal" and res.cost == pytest.approx(6.0)
    assert res.open_facilities == (0, 1)
    assert all(res.assignment[i].sum() > 0 for i in res.open_facilities)
