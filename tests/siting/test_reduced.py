"""Reduced-cost fixing against the incumbent, then CP-SAT (``siting/reduced.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from circularopt.exceptions import InputError
from circularopt.siting.cflp import FacilityProblem, FacilityResult
from circularopt.siting.hooks import SolveHooks
from circularopt.siting.lagrangian import SMALL_PAIRS, lagrangian_bound
from circularopt.siting.portfolio import PortfolioOptions, default_methods, solve_portfolio
from circularopt.siting.reduced import reduce_problem, solve_reduced
from circularopt.siting.validate import validate_facility
from tests.siting.conftest import brute_force


@pytest.fixture
def far() -> FacilityProblem:
    """``tight`` plus a facility 1,000 dearer on every pair: reduced away by any
    incumbent of the others."""
    cost = np.array([[1, 1, 1, 1, 1, 1],
                     [4, 6, 3, 5, 2, 7],
                     [6, 4, 5, 3, 7, 2],
                     [1000] * 6], dtype=float)
    return FacilityProblem(fixed_cost=[10.0, 8.0, 8.0, 10.0],
                           capacity=[10.0, 10.0, 10.0, 10.0],
                           demand=[5.0, 5.0, 4.0, 4.0, 3.0, 3.0], cost=cost,
                           single_source=True, name="far")


def test_reduce_drops_a_facility_no_cheaper_solution_uses(far: FacilityProblem) -> None:
    upper = brute_force(far) + 5.0
    lb = lagrangian_bound(far, upper=upper)
    red = reduce_problem(far, lb, upper)
    assert red is not None
    assert 3 not in red.keep.tolist()
    assert red.problem.m == len(red.keep) < far.m


def test_reduce_below_the_bound_leaves_nothing(tight: FacilityProblem) -> None:
    lb = lagrangian_bound(tight, upper=brute_force(tight))
    assert reduce_problem(tight, lb, lb.bound - 10.0) is None


def test_solve_reduced_proves_the_optimum(far: FacilityProblem) -> None:
    bounds: list[float] = []
    res = solve_reduced(far, time_limit=20.0, workers=1,
                        hooks=SolveHooks(on_bound=bounds.append))
    assert res.status == "optimal"
    assert res.cost == pytest.approx(brute_force(far))
    assert res.bound == pytest.approx(res.cost)
    assert validate_facility(far, res).ok
    assert max(bounds) <= res.cost + 1e-9


def test_solve_reduced_proves_a_given_optimal_incumbent(tight: FacilityProblem) -> None:
    """Started from the optimum (as another method would hand it over), the cutoff model
    below it is infeasible: the incumbent is proven."""
    first = solve_reduced(tight, time_limit=20.0, workers=1)
    res = solve_reduced(tight, time_limit=20.0, workers=1,
                        hooks=SolveHooks(incumbent=lambda: first))
    assert res.status == "optimal" and res.cost == pytest.approx(first.cost)
    assert res.assignment.tolist() == first.assignment.tolist()


def test_lift_and_restrict_map_between_the_problems(far: FacilityProblem) -> None:
    upper = brute_force(far) + 5.0
    red = reduce_problem(far, lagrangian_bound(far, upper=upper), upper)
    assert red is not None
    best = solve_reduced(far, time_limit=20.0, workers=1)
    sub = red.restrict(best)
    assert sub is not None
    lifted = red.lift(FacilityResult(sub.open_facilities, sub.assignment, sub.cost,
                                     "feasible", None, 0.0, "x"), far)
    assert lifted.cost == pytest.approx(best.cost)
    assert lifted.open_facilities == best.open_facilities


def test_solve_reduced_needs_single_source(tight: FacilityProblem) -> None:
    with pytest.raises(InputError, match="single"):
        solve_reduced(tight.with_single_source(False), time_limit=1.0)


def test_the_portfolio_runs_it_and_reports_it(far: FacilityProblem) -> None:
    res = solve_portfolio(far, time_limit=30.0,
                          options=PortfolioOptions(methods=("reduced",), workers=1,
                                                   cpsat_workers=1))
    assert res.status == "optimal" and res.cost == pytest.approx(brute_force(far))
    assert res.info["found_by"] == "reduced" and res.info["proved_by"] == "reduced"


def test_default_methods_by_size_and_kind(tight: FacilityProblem) -> None:
    assert default_methods(tight) == ("enumerate", "lagrangian", "scip")
    assert default_methods(tight.with_single_source(False)) == ("lagrangian", "scip")
    n = SMALL_PAIRS // 2 + 1
    big = FacilityProblem(fixed_cost=[1.0, 1.0], capacity=[n, n], demand=[1.0] * n,
                          cost=np.ones((2, n)), single_source=True)
    assert default_methods(big) == ("lagrangian",)
    assert default_methods(big.with_single_source(False)) == ("lagrangian",)
    wide = FacilityProblem(fixed_cost=[1.0, 1.0], capacity=[5000.0, 5000.0],
                           demand=[1.0] * 5000, cost=np.ones((2, 5000)), single_source=True)
    assert default_methods(wide) == ("staged", "lagrangian", "scip")  # tables too large


def test_scip_as_the_prover(far: FacilityProblem) -> None:
    res = solve_reduced(far, time_limit=20.0, prover="scip")
    assert res.status == "optimal" and res.cost == pytest.approx(brute_force(far))
    assert res.method == "reduced-scip"
    with pytest.raises(InputError, match="prover"):
        solve_reduced(far, time_limit=1.0, prover="gurobi")
