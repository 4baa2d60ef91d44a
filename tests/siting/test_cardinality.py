"""The ``split`` method: bounds and proofs per number of open facilities."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest

from circularopt.exceptions import InputError
from circularopt.siting.cardinality import (
    Class,
    CountHandover,
    _State,
    count_bound,
    count_cover,
    slack,
    solve_count_cpsat,
    solve_count_scip,
    solve_counts,
    solve_split,
)
from circularopt.siting.cflp import FacilityProblem, FacilityResult
from circularopt.siting.hooks import SolveHooks
from circularopt.siting.lagrangian import lagrangian_bound
from circularopt.siting.portfolio import PortfolioOptions, solve_portfolio
from circularopt.siting.reduced import solve_reduced
from circularopt.siting.validate import validate_facility
from tests.siting.conftest import best_by_count, brute_force


@pytest.fixture
def wide() -> FacilityProblem:
    """4 facilities of capacity 10 for a demand of 18 (two suffice), cheap to open and
    far from each other's customers: the optimum opens three, not the fewest (two)."""
    cost = np.array([[1, 1, 30, 30, 30, 30],
                     [30, 30, 1, 1, 30, 30],
                     [30, 30, 30, 30, 1, 1],
                     [9, 9, 9, 9, 9, 9]], dtype=float)
    return FacilityProblem(fixed_cost=[5.0, 5.0, 5.0, 5.0], capacity=[10.0] * 4,
                           demand=[3.0, 3.0, 3.0, 3.0, 3.0, 3.0], cost=cost,
                           single_source=True, name="wide")


def brute_cover(v: np.ndarray, s: np.ndarray, total: float, lo: int, hi: int) -> float:
    best = math.inf
    for y in itertools.product((0, 1), repeat=len(v)):
        ya = np.array(y)
        if lo <= ya.sum() <= hi and (s * ya).sum() >= total - 1e-9:
            best = min(best, float((v * ya).sum()))
    return best


@pytest.mark.parametrize("caps", [[4.0] * 6, [2.0, 3.0, 4.0, 5.0, 6.0, 7.0]])
@pytest.mark.parametrize(("lo", "hi"), [(2, 2), (3, 3), (2, 6), (4, 6), (6, 6)])
def test_count_cover_matches_brute_force(caps: list[float], lo: int, hi: int) -> None:
    v = np.array([3.0, -1.0, 2.0, -4.0, 5.0, 0.5])
    s = np.array(caps)
    y, value = count_cover(v, s, 11.0, lo, hi)
    assert value == pytest.approx(brute_cover(v, s, 11.0, lo, hi))
    if math.isfinite(value):
        assert lo <= y.sum() <= hi
        assert (s * y).sum() >= 11.0 - 1e-9


def test_count_cover_with_fixed_items_and_no_choice() -> None:
    v = np.array([1.0, 2.0, 3.0])
    s = np.array([5.0, 5.0, 5.0])
    y, value = count_cover(v, s, 9.0, 2, 2, fixed=np.array([-1, 0, -1]))
    assert value == 4.0 and list(y) == [1.0, 0.0, 1.0]
    assert count_cover(v, s, 9.0, 1, 1)[1] == math.inf  # one facility holds 5 < 9


def test_slack_is_the_largest_capacities_minus_the_demand() -> None:
    assert slack(np.array([10.0, 4.0, 8.0]), 15.0, 2) == 3.0  # 10 + 8 - 15


@pytest.mark.parametrize("fixture", ["tight", "wide"])
def test_count_bound_is_below_each_class_optimum(fixture: str,
                                                 request: pytest.FixtureRequest) -> None:
    problem = request.getfixturevalue(fixture)
    by_count = best_by_count(problem)
    upper = max(by_count.values())
    for k, best in by_count.items():
        assert count_bound(problem, k, k, upper=upper).bound <= best + 1e-6
    assert count_bound(problem, 1, 1, upper=upper).bound == math.inf  # 10 < 18


@pytest.mark.parametrize("solve", [solve_count_scip, solve_count_cpsat])
def test_count_provers_with_band_rows_find_each_class_optimum(
        solve: object, wide: FacilityProblem) -> None:
    by_count = best_by_count(wide)
    for k in by_count:
        # ``sum y == k`` may leave an open facility empty (SCIP then counts its fixed
        # cost, CP-SAT's answer drops it): never above the class optimum, and its
        # optimum with that empty facility at most
        room = slack(wide.capacity, wide.total_demand, k)
        res = solve(wide, k, k, time_limit=10.0, slack=room)  # type: ignore[operator]
        assert res.status == "optimal"
        assert res.cost <= by_count[k] + 1e-6
        assert res.cost >= min(by_count[j] for j in by_count if j <= k) - 1e-6


@pytest.mark.parametrize("prover", ["cpsat", "scip"])
@pytest.mark.parametrize("fixture", ["tight", "wide"])
def test_split_proves_the_brute_force_optimum(fixture: str, prover: str,
                                              request: pytest.FixtureRequest) -> None:
    problem = request.getfixturevalue(fixture)
    res = solve_split(problem, time_limit=20.0, prover=prover, workers=1)
    assert res.status == "optimal"
    assert res.cost == pytest.approx(brute_force(problem))
    assert validate_facility(problem, res).ok
    assert all(c["closed"] for c in res.info["classes"])


def test_split_finds_an_optimum_above_the_fewest_facilities(wide: FacilityProblem) -> None:
    by_count = best_by_count(wide)
    assert min(by_count, key=by_count.__getitem__) == 3  # the fewest that hold it: 2
    res = solve_split(wide, time_limit=20.0, workers=1)
    assert res.status == "optimal" and len(res.open_facilities) == 3
    assert res.cost == pytest.approx(by_count[3])


def _state(problem: FacilityProblem, classes: list[Class]) -> _State:
    best = FacilityResult((0, 1), np.zeros((problem.m, problem.n)), 40.0, "feasible", None,
                          0.0, "given")
    return _State(problem, best, classes, math.inf, SolveHooks(), "cpsat", 0, 1, True)


def test_proof_needs_every_class_closed(tight: FacilityProblem) -> None:
    classes = [Class(2, 2, bound=39.5), Class(3, 3, bound=36.0)]
    state = _state(tight, classes)
    state.close()
    assert classes[0].closed and not classes[1].closed  # 39.5 > 40 - 1 (integer data)
    assert state.bound() == 36.0  # the open class's bound, not the closed one's
    classes[1].bound = 40.0
    state.close()
    assert state.bound() == 40.0


def test_split_rejects_multi_source(tight: FacilityProblem) -> None:
    with pytest.raises(InputError, match="single"):
        solve_split(tight.with_single_source(False), time_limit=1.0)


@pytest.mark.parametrize("method", ["split", "staged-split"])
def test_portfolio_runs_split(method: str, wide: FacilityProblem) -> None:
    res = solve_portfolio(wide, time_limit=30.0,
                          options=PortfolioOptions(methods=(method,), workers=1,
                                                   cpsat_workers=1))
    assert res.status == "optimal" and not res.info["errors"]
    assert res.cost == pytest.approx(brute_force(wide))


def _spread(problem: FacilityProblem, where: list[int]) -> FacilityResult:
    assign = np.zeros((problem.m, problem.n))
    assign[where, range(problem.n)] = 1.0
    opened = tuple(sorted(set(where)))
    return FacilityResult(opened, assign, problem.solution_cost(opened, assign), "feasible",
                          None, 0.0, "given")


@pytest.mark.parametrize("prover", ["cpsat", "scip"])
def test_counts_find_and_prove_the_optimum_from_a_poor_incumbent(
        prover: str, wide: FacilityProblem) -> None:
    poor = _spread(wide, [3, 3, 3, 3, 2, 2])  # 5 + 36 + 5 + 2 = 48; the optimum 21
    found: list[float] = []
    res = solve_counts(wide, 2, 4, incumbent=poor, time_limit=20.0, prover=prover,
                       hooks=SolveHooks(on_solution=lambda r: found.append(r.cost)))
    assert res.status == "optimal" and res.method == "counts"
    assert res.cost == pytest.approx(21.0) and min(found) == pytest.approx(21.0)
    assert validate_facility(wide, res).ok
    assert [c["k"] for c in res.info["classes"]] == ["4", "3", "2"]  # most first


def test_counts_prove_a_given_optimum(wide: FacilityProblem) -> None:
    best = _spread(wide, [0, 0, 1, 1, 2, 2])
    res = solve_counts(wide, 3, 3, incumbent=best, time_limit=20.0)
    assert res.status == "optimal" and res.cost == pytest.approx(21.0)
    assert res.bound == pytest.approx(21.0)


def test_counts_reject_an_empty_range(wide: FacilityProblem) -> None:
    with pytest.raises(InputError, match="counts"):
        solve_counts(wide, 3, 2, incumbent=_spread(wide, [0, 0, 1, 1, 2, 2]))


def test_handover_only_for_a_narrow_range_and_full_packings(wide: FacilityProblem) -> None:
    poor = _spread(wide, [3, 3, 3, 3, 2, 2])  # every cheaper solution: 2..4 open
    bound = lagrangian_bound(wide, upper=poor.cost)
    assert CountHandover(most_classes=2, min_fill=0.0)(wide, poor, bound, math.inf,
                                                       SolveHooks()) is None
    # 2 open leave 20 - 18 = 2 unused (0.8 full): handed over at min_fill 0.75, not 0.9
    assert CountHandover(most_classes=3, min_fill=0.9)(wide, poor, bound, math.inf,
                                                       SolveHooks()) is None
    res = CountHandover(most_classes=3, min_fill=0.75)(wide, poor, bound,
                                                      time.monotonic() + 20.0, SolveHooks())
    assert res is not None and res.status == "optimal"
    assert res.cost == pytest.approx(21.0)


def test_solve_reduced_hands_over_to_the_counts(wide: FacilityProblem) -> None:
    poor = _spread(wide, [3, 3, 3, 3, 2, 2])
    res = solve_reduced(wide, time_limit=20.0, prover="scip",
                        handover=CountHandover(),
                        hooks=SolveHooks(incumbent=lambda: poor))
    assert res.status == "optimal" and res.cost == pytest.approx(21.0)
    assert res.info["handover"]["method"] == "counts"
    assert not res.info["reductions"]  # the whole reduced problem was never solved


def test_handover_rejects_bad_settings() -> None:
    with pytest.raises(InputError, match="most_classes"):
        CountHandover(most_classes=0)
    with pytest.raises(InputError, match="prover"):
        CountHandover(prover="gurobi")
    with pytest.raises(InputError, match="min_fill"):
        CountHandover(min_fill=1.5)


@pytest.mark.parametrize("method", ["reduced-counts", "staged-scip"])
def test_portfolio_runs_the_counts_methods(method: str, wide: FacilityProblem) -> None:
    res = solve_portfolio(wide, time_limit=30.0,
                          options=PortfolioOptions(methods=(method,), workers=1,
                                                   cpsat_workers=1))
    assert res.status == "optimal" and not res.info["errors"]
    assert res.cost == pytest.approx(brute_force(wide))
