"""The ``staged`` portfolio method: CP-SAT, then reduced-cost fixing and SCIP."""

from __future__ import annotations

import time
from multiprocessing import get_context

import numpy as np
import pytest

from circularopt.bench.facility import solve_facility
from circularopt.exceptions import InputError
from circularopt.siting.cflp import FacilityProblem
from circularopt.siting.cpsat import solve_cpsat
from circularopt.siting.hooks import SolveHooks
from circularopt.siting.portfolio import PortfolioContext, PortfolioOptions, solve_portfolio
from circularopt.siting.portfolio import _prove_now as prove_now
from circularopt.siting.validate import validate_facility
from tests.siting.conftest import brute_force


@pytest.fixture
def packed() -> FacilityProblem:
    """20 facilities, 120 customers, capacities summing to 1.15 x the demand (seeded
    random): CP-SAT does not prove it within 0.2 s."""
    rng = np.random.default_rng(7)
    demand = rng.integers(5, 36, 120).astype(float)
    capacity = np.full(20, round(1.15 * demand.sum() / 20))
    return FacilityProblem(fixed_cost=rng.integers(400, 900, 20).astype(float),
                           capacity=capacity, demand=demand,
                           cost=rng.integers(10, 200, (20, 120)).astype(float),
                           single_source=True, name="packed")


def test_cpsat_polls_should_stop_without_a_solution(packed: FacilityProblem) -> None:
    calls: list[float] = []

    def stop() -> bool:
        calls.append(time.monotonic())
        return True

    res = solve_cpsat(packed, time_limit=60.0, workers=1, hooks=SolveHooks(should_stop=stop))
    assert calls
    assert res.status in ("feasible", "no_solution")


def _context(share: float, cost: float, bound: float, *, after: float = 0.2,
             gap: float = 0.01) -> PortfolioContext:
    mp = get_context("spawn")
    now = time.time()
    return PortfolioContext(deadline=now + 100.0 * (1 - share), start=now - 100.0 * share,
                            seed=0, cpsat_workers=1, relative_gap=1e-6, prove_after=after,
                            prove_gap=gap, _cost=mp.Value("d", cost),
                            _bound=mp.Value("d", bound))


def test_handover_needs_time_and_a_small_gap() -> None:
    assert not prove_now(_context(0.1, 100.0, 99.5))  # too early
    assert not prove_now(_context(0.3, 100.0, 98.0))  # gap 2% > 1%
    assert not prove_now(_context(0.3, float("inf"), 98.0))  # no incumbent
    assert prove_now(_context(0.3, 100.0, 99.5))
    assert prove_now(_context(0.41, 100.0, 90.0))  # twice prove_after: hand over anyway
    assert _context(0.5, 100.0, 99.0).gap() == pytest.approx(0.01)


def test_options_check_the_handover() -> None:
    with pytest.raises(InputError, match="prove_after"):
        PortfolioOptions(prove_after=0.8)
    with pytest.raises(InputError, match="prove_gap"):
        PortfolioOptions(prove_gap=-0.1)


def test_staged_hands_over_and_proves(tight: FacilityProblem) -> None:
    # prove_after 0: CP-SAT stops at its first solution (or poll); SCIP on the reduced
    # problem then proves the incumbent, unless CP-SAT had already proven it
    res = solve_portfolio(tight, time_limit=120.0, options=PortfolioOptions(
        methods=("staged",), workers=1, prove_after=0.0))
    assert res.status == "optimal"
    assert res.cost == pytest.approx(brute_force(tight))
    assert res.info["proved_by"] in {"staged", "reduced-counts"}
    assert validate_facility(tight, res).ok


def test_staged_on_a_packed_case_is_valid(packed: FacilityProblem) -> None:
    res = solve_portfolio(packed, time_limit=30.0, options=PortfolioOptions(
        methods=("staged", "lagrangian"), prove_after=0.0))
    assert res.info["errors"] == {}
    assert "reduced-counts" in res.info["methods"]
    assert validate_facility(packed, res).ok
    assert res.bound is not None and res.bound <= res.cost + 1e-6


def test_bench_engine_names_methods(tight: FacilityProblem) -> None:
    res = solve_facility(tight, engine="portfolio:staged+scip", time_limit=60.0)
    assert res.cost == pytest.approx(brute_force(tight))
    assert set(res.info["methods"]) <= {"staged", "scip", "reduced-counts"}
    with pytest.raises(InputError, match="nope"):
        solve_facility(tight, engine="portfolio:staged+nope")
    with pytest.raises(InputError, match="portfolio:"):
        solve_facility(tight, engine="bogus")
