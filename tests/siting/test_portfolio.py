"""The siting portfolio (parallel processes sharing incumbents) and the CP-SAT solver.

The injected methods below are module-level so that spawned workers can import them.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from circularopt.bench.facility import ENGINES, solve_facility
from circularopt.exceptions import InputError
from circularopt.siting.cflp import FacilityProblem, FacilityResult, solve_mip
from circularopt.siting.cpsat import solve_cpsat
from circularopt.siting.lagrangian import solve_lagrangian
from circularopt.siting.portfolio import PortfolioContext, PortfolioOptions, solve_portfolio
from circularopt.siting.validate import validate_facility
from tests.siting.conftest import brute_force


@pytest.fixture
def fractional(tight: FacilityProblem) -> FacilityProblem:
    """``tight`` with costs of two decimals (CP-SAT gets float objective coefficients)."""
    return FacilityProblem(tight.fixed_cost + 0.25, tight.capacity, tight.demand,
                           tight.cost * 1.01, single_source=True, name="fractional")


@pytest.fixture
def lagrangian_gap() -> FacilityProblem:
    """3 facilities of capacity 11, 6 customers (demand 19): optimum 41 (brute force).

    The Lagrangian bound of the repair heuristic stops near 40 here, so that method alone
    cannot prove its solution optimal.
    """
    cost = np.array([[3, 4, 8, 5, 2, 1], [5, 7, 7, 1, 8, 6], [7, 8, 2, 1, 7, 8]], dtype=float)
    return FacilityProblem(fixed_cost=[13.0, 10.0, 11.0], capacity=[11.0, 11.0, 11.0],
                           demand=[3.0, 2.0, 4.0, 2.0, 5.0, 3.0], cost=cost,
                           single_source=True, name="lagrangian_gap")


def optimum(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    """A method that knows the optimum of ``lagrangian_gap`` but proves nothing."""
    where = [0, 2, 2, 2, 0, 0]
    assign = np.zeros((problem.m, problem.n))
    assign[where, range(problem.n)] = 1.0
    return FacilityResult((0, 2), assign, problem.solution_cost((0, 2), assign), "feasible",
                          None, 0.0, "optimum")


def late_optimum(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    """:func:`optimum` after 5 seconds."""
    time.sleep(5.0)
    return optimum(problem, ctx)


def boom(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    """A method that fails."""
    raise RuntimeError("injected failure")


def crash(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    """A method that kills its process."""
    os._exit(3)


def stubborn(problem: FacilityProblem, ctx: PortfolioContext) -> FacilityResult:
    """A method that never finishes and ignores the portfolio's stop."""
    while True:
        time.sleep(0.05)


def test_cpsat_matchesbrute_force(tight: FacilityProblem) -> None:
    res = solve_cpsat(tight, time_limit=20.0, workers=1)
    assert res.status == "optimal"
    assert res.cost == pytest.approx(brute_force(tight))
    assert validate_facility(tight, res).ok


def test_cpsat_fractional_costs(fractional: FacilityProblem) -> None:
    res = solve_cpsat(fractional, time_limit=20.0, workers=1)
    assert res.info["exact_objective"] is False
    assert res.cost == pytest.approx(brute_force(fractional))


def test_cpsat_refuses_multi_source(tight: FacilityProblem) -> None:
    with pytest.raises(InputError, match="single_source"):
        solve_cpsat(tight.with_single_source(False))


def test_mip_cutoff_below_the_optimum_is_infeasible(tight: FacilityProblem) -> None:
    opt = brute_force(tight)
    assert solve_mip(tight, backend="scip", cutoff=opt - 0.5).status == "infeasible"
    assert solve_mip(tight, backend="scip", cutoff=opt).cost == pytest.approx(opt)


def test_options_name_the_bad_method() -> None:
    with pytest.raises(InputError, match="nope"):
        PortfolioOptions(methods=("cpsat", "nope"))
    with pytest.raises(InputError, match="workers"):
        PortfolioOptions(workers=0)


def test_portfolio_proves_the_optimum_and_stops(tight: FacilityProblem) -> None:
    res = solve_portfolio(tight, time_limit=120.0)
    assert res.status == "optimal"
    assert res.cost == pytest.approx(brute_force(tight))
    assert res.info["stopped"] == "proof"
    assert res.info["proved_by"] in {"enumerate", "staged", "reduced-scip", "lagrangian", "scip"}
    assert res.info["found_by"] in {"enumerate", "staged", "reduced-scip", "lagrangian", "scip"}
    assert validate_facility(tight, res).ok


def test_heuristic_alone_does_not_prove(lagrangian_gap: FacilityProblem) -> None:
    alone = solve_portfolio(lagrangian_gap, time_limit=60.0,
                            options=PortfolioOptions(methods=("heuristic",), workers=1))
    assert alone.status == "feasible"
    assert alone.bound is not None and alone.bound < brute_force(lagrangian_gap) - 1e-6
    assert alone.info["stopped"] == "methods_done"
    assert alone.info["proved_by"] is None


def test_incumbent_shared_as_cutoff(lagrangian_gap: FacilityProblem) -> None:
    # one worker: `optimum` posts the optimal solution without a bound, then SCIP takes
    # it as hint and cutoff, finds nothing cheaper and so proves it
    res = solve_portfolio(lagrangian_gap, time_limit=120.0,
                          options=PortfolioOptions(methods=(optimum, "scip"), workers=1))
    assert res.status == "optimal"
    assert res.info["found_by"] == "optimum"
    assert res.info["proved_by"] == "scip"
    assert res.cost == pytest.approx(brute_force(lagrangian_gap))


def test_failing_method_is_reported_while_others_finish(tight: FacilityProblem) -> None:
    # one worker, so that the failure is reported before CP-SAT's proof stops everything
    res = solve_portfolio(tight, time_limit=120.0,
                          options=PortfolioOptions(methods=(boom, "cpsat"), workers=1))
    assert "injected failure" in res.info["errors"]["boom"]
    assert res.info["methods"]["boom"]["status"] == "error"
    assert res.status == "optimal"
    assert res.info["proved_by"] == "cpsat"


def test_crashed_process_is_reported(lagrangian_gap: FacilityProblem) -> None:
    # the other worker runs `late_optimum` (5 s), then SCIP proves it: the crash is over
    res = solve_portfolio(lagrangian_gap, time_limit=120.0,
                          options=PortfolioOptions(methods=(crash, late_optimum, "scip")))
    assert any("exit code 3" in text for text in res.info["errors"].values())
    assert res.status == "optimal"
    assert res.info["proved_by"] == "scip"


def test_time_limit_stops_every_worker(tight: FacilityProblem) -> None:
    res = solve_portfolio(tight, time_limit=4.0,
                          options=PortfolioOptions(methods=(stubborn, stubborn), grace=0.1))
    assert res.info["stopped"] == "time_limit"
    assert res.status == "no_solution"
    assert all("finished" not in m for m in res.info["methods"].values())


@pytest.fixture
def heuristic_gap() -> FacilityProblem:
    """3 facilities of capacity 13, demand 23: the repair heuristic alone stops at 45.

    Optimum 43 (brute force): facility 2 serves customers 0, 2, 3, 4 (load 13, cost
    2 + 2 + 1 + 6), facility 0 serves 1 and 5 (load 10, cost 3 + 5), fixed 11 + 13.
    """
    cost = np.array([[7, 3, 6, 5, 8, 5], [8, 8, 6, 6, 7, 8], [2, 5, 2, 1, 6, 1]], dtype=float)
    return FacilityProblem(fixed_cost=[13.0, 11.0, 11.0], capacity=[13.0, 13.0, 13.0],
                           demand=[4.0, 5.0, 2.0, 4.0, 3.0, 5.0], cost=cost,
                           single_source=True, name="heuristic_gap")


def test_lagrangian_adopts_a_cheaper_shared_incumbent(heuristic_gap: FacilityProblem
                                                      ) -> None:
    assign = np.zeros((3, 6))
    assign[[2, 0, 2, 2, 2, 0], range(6)] = 1.0
    best = FacilityResult((0, 2), assign, heuristic_gap.solution_cost((0, 2), assign),
                          "feasible", None, 0.0, "elsewhere")
    alone = solve_lagrangian(heuristic_gap, time_limit=10.0, backend="none")
    assert alone.cost == pytest.approx(45.0) and "adopted_cost" not in alone.info
    res = solve_lagrangian(heuristic_gap, time_limit=10.0, backend="none",
                           incumbent=lambda: best)
    assert res.info["adopted_cost"] == pytest.approx(43.0)
    assert res.cost == pytest.approx(43.0) == brute_force(heuristic_gap)
    assert validate_facility(heuristic_gap, res).ok


def test_engine_registered(tight: FacilityProblem) -> None:
    assert "portfolio" in ENGINES
    res = solve_facility(tight, engine="portfolio", time_limit=120.0)
    assert res.method == "portfolio"
    assert res.cost == pytest.approx(brute_force(tight))
