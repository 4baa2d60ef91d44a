"""Reduced-cost fixing against the incumbent, then CP-SAT or SCIP on what is left.

Single source only.

:func:`solve_reduced` re-optimises the Lagrangian multipliers
(:func:`~circularopt.siting.lagrangian.lagrangian_bound`) with the incumbent's cost
``UB`` as target, drops every facility whose bound with it open exceeds ``UB`` and every
pair whose bound (facility open plus the pair's knapsack reduced cost) does, and hands
the reduced problem to CP-SAT (or SCIP, ``prover="scip"``) with a cutoff row (cost
below ``UB``: ``UB - 1`` for integer data). Every solution cheaper than the incumbent
lies in the reduced problem, so the answer *infeasible* proves the incumbent optimal,
and the solver's bound (capped at ``UB``) is a bound on the whole problem. When a
cheaper incumbent appears (found here, or by another method through ``incumbent``), the
reduction is repeated with the new cost while time is left.

Caveat: the reduction is only as strong as the incumbent; far above the optimum little
is dropped and the reduced problem is about as hard as the whole one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from circularopt._validate import choice
from circularopt.exceptions import InputError
from circularopt.siting.cflp import (
    FacilityProblem,
    FacilityResult,
    fewest_facilities,
    solve_mip,
)
from circularopt.siting.cpsat import solve_cpsat
from circularopt.siting.hooks import SolveHooks
from circularopt.siting.lagrangian import LagrangianBound, lagrangian_bound, solve_lagrangian

__all__ = ["Handover", "Reduction", "cardinality_range", "reduce_problem", "solve_reduced"]

Handover = Callable[[FacilityProblem, FacilityResult, LagrangianBound, float, SolveHooks],
                    FacilityResult | None]
"""``handover(problem, incumbent, bound, deadline, hooks)`` of :func:`solve_reduced`."""


@dataclass(frozen=True)
class Reduction:
    """A problem reduced against an upper bound.

    Parameters
    ----------
    problem
        The reduced problem (kept facilities only; dropped pairs cost ``inf``).
    keep
        Index in the whole problem of each kept facility.
    upper
        The upper bound the tests used.
    """

    problem: FacilityProblem
    keep: np.ndarray
    upper: float

    def lift(self, result: FacilityResult, whole: FacilityProblem) -> FacilityResult:
        """``result`` of the reduced problem as a solution of the whole one."""
        assign = np.zeros((whole.m, whole.n))
        assign[self.keep] = result.assignment
        opened = tuple(int(self.keep[i]) for i in result.open_facilities)
        return FacilityResult(opened, assign, whole.solution_cost(opened, assign),
                              result.status, result.bound, result.seconds, "reduced-cpsat",
                              result.info)

    def restrict(self, result: FacilityResult) -> FacilityResult | None:
        """A solution of the whole problem as one of the reduced problem (``None`` if it
        uses a dropped facility or pair)."""
        assign = result.assignment[self.keep]
        used = result.assignment > 0.5
        if used.sum() != used[self.keep].sum() or np.any(
                (assign > 0.5) & ~np.isfinite(self.problem.cost)):
            return None
        opened = tuple(int(i) for i in np.flatnonzero(assign.sum(axis=1) > 0))
        return FacilityResult(opened, assign, result.cost, "feasible", None, 0.0, "hint")


def reduce_problem(problem: FacilityProblem, bound: LagrangianBound, upper: float
                   ) -> Reduction | None:
    """Drop the facilities and pairs that no solution costing at most ``upper`` uses.

    Returns ``None`` when nothing is left (no solution costs at most ``upper``).
    """
    limit = upper + 1e-9 * max(1.0, abs(upper))
    keep = np.flatnonzero(bound.open_bound <= limit)
    arcs = bound.open_bound[:, None] + np.maximum(bound.arc_reduced_cost, 0.0) <= limit
    cost = np.where(arcs, problem.cost, np.inf)[keep]
    if len(keep) == 0 or np.any(np.isinf(cost).all(axis=0)):
        return None
    reduced = FacilityProblem(fixed_cost=problem.fixed_cost[keep],
                              capacity=problem.capacity[keep], demand=problem.demand,
                              cost=cost, single_source=True, name=problem.name)
    return Reduction(reduced, keep, upper)


def cardinality_range(problem: FacilityProblem, bound: LagrangianBound, upper: float
                      ) -> tuple[int, int] | None:
    r"""Fewest and most open facilities of any solution costing at most ``upper``.

    At the multipliers :math:`\lambda` of ``bound`` every solution with facility set
    :math:`S` open costs at least :math:`\sum_j \lambda_j + \sum_{i \in S} v_i`
    (:math:`v_i` = ``bound.facility_value``: fixed cost plus the facility's knapsack at
    the reduced costs), so one opening :math:`k` costs at least :math:`\sum_j
    \lambda_j` plus the :math:`k` smallest :math:`v_i`. That sum is convex in
    :math:`k`, so the :math:`k` it keeps at most ``upper``, from the fewest facilities
    whose capacities hold the demand on, form a range. ``None`` when no :math:`k` does.
    """
    limit = upper + 1e-9 * max(1.0, abs(upper))
    cost = float(bound.multipliers.sum()) + np.cumsum(np.sort(bound.facility_value))
    least = fewest_facilities(problem.capacity, problem.total_demand)
    ok = np.flatnonzero(cost[least - 1:] <= limit) + least
    return (int(ok[0]), int(ok[-1])) if len(ok) else None


def _integral(problem: FacilityProblem) -> bool:
    finite = problem.cost[np.isfinite(problem.cost)]
    both = np.concatenate([finite, problem.fixed_cost])
    return bool(np.all(both == np.round(both)))


@dataclass(frozen=True)
class _Prover:
    """The solver of the reduced problems and its settings."""

    name: str
    seed: int
    workers: int
    linearization: int | None
    heuristics: bool


def solve_reduced(problem: FacilityProblem, *, time_limit: float = 60.0, seed: int = 0,
                  workers: int = 4, linearization: int | None = 2,
                  iterations: int = 1500, prover: str = "cpsat", heuristics: bool = False,
                  hooks: SolveHooks | None = None,
                  handover: Handover | None = None) -> FacilityResult:
    """Solve a single-source CFLP by reduced-cost fixing and CP-SAT (module docstring).

    Parameters
    ----------
    problem
        A single-source problem.
    time_limit
        Seconds (wall clock).
    seed
        Seed of the heuristic and of CP-SAT.
    workers
        CP-SAT search workers.
    linearization
        CP-SAT's ``linearization_level`` on the reduced problem.
    iterations
        Most subgradient iterations per re-optimisation of the multipliers.
    prover
        ``"cpsat"`` or ``"scip"`` (one thread; no solutions before it ends) for the
        reduced problems.
    heuristics
        Keep SCIP's primal heuristics on (prover ``"scip"``). Off by default: below the
        cutoff there is often nothing left to find, and without them SCIP's bound rose
        further in the same CPU time (``docs/benchmarks.md``, *Siting portfolio*).
        Solutions SCIP reaches by branching are still returned.
    hooks
        ``incumbent`` (the best solution known elsewhere) is read before each
        reduction; ``on_solution`` / ``on_bound`` get each improving solution / proven
        bound on the whole problem; ``should_stop`` is polled to stop early.
    handover
        Called after each re-optimisation of the multipliers as ``handover(problem,
        incumbent, bound, deadline, hooks)``; a result ends the solve with it (its
        solution if cheaper, its bound), ``None`` goes on
        (e.g. :class:`~circularopt.siting.cardinality.CountHandover`).

    Returns
    -------
    FacilityResult
        ``method`` ``"reduced-<prover>"``; ``"optimal"`` when proven; ``info`` has the
        facilities and pairs kept by each reduction.
    """
    if not problem.single_source:
        raise InputError("problem.single_source", False, "a single-source problem")
    how = _Prover(choice("prover", prover, ["cpsat", "scip"]), seed, workers, linearization,
                  heuristics)
    start = time.monotonic()
    deadline = start + time_limit
    hooks = hooks or SolveHooks()
    best = hooks.incumbent()
    if best is None or not best.has_solution:
        best = solve_lagrangian(problem, time_limit=max(1.0, 0.2 * time_limit), seed=seed,
                                backend="none", lagrangian_share=0.5,
                                on_solution=hooks.on_solution)
    info: dict[str, object] = {"reductions": []}
    multipliers = None
    bound = -math.inf
    while best.has_solution and time.monotonic() < deadline - 0.5 and not hooks.should_stop():
        other = hooks.incumbent()
        if other is not None and other.has_solution and other.cost < best.cost - 1e-9:
            best = other
        lb = lagrangian_bound(problem, upper=best.cost, iterations=iterations,
                              deadline=start + max(0.3 * time_limit,
                                                   time.monotonic() - start + 2.0),
                              stall_limit=30, multipliers=multipliers, step=0.5)
        multipliers = lb.multipliers
        bound = max(bound, min(lb.bound, best.cost))
        hooks.on_bound(bound)
        taken = None if handover is None else handover(problem, best, lb, deadline, hooks)
        if taken is not None:
            best, bound = _take_over(best, bound, taken, info)
            break
        best, bound, done = _reduced_step(problem, best, lb, bound, deadline, how, hooks,
                                          info)
        if done:
            break
    proven = best.has_solution and bound >= best.cost - 1e-9 * max(1.0, abs(best.cost))
    status = "optimal" if proven else ("feasible" if best.has_solution else best.status)
    return FacilityResult(best.open_facilities, best.assignment, best.cost, status,
                          None if not math.isfinite(bound) else bound,
                          time.monotonic() - start, f"reduced-{prover}", info)


def _take_over(best: FacilityResult, bound: float, taken: FacilityResult,
               info: dict[str, object]) -> tuple[FacilityResult, float]:
    """The incumbent and bound after a hand-over's answer ``taken``."""
    if taken.has_solution and taken.cost < best.cost - 1e-9:
        best = taken
    if taken.bound is not None:
        bound = max(bound, min(taken.bound, best.cost))
    info["handover"] = {"method": taken.method, "status": taken.status, **taken.info}
    return best, bound


def _restart(found: list[FacilityResult], ub: float, bound: float) -> bool:
    """Whether a solution found closes a quarter of the gap: reducing again against it
    pays for re-optimising the multipliers."""
    return bool(found) and ub - found[-1].cost > 0.25 * (ub - bound)


def _reduced_step(problem: FacilityProblem, best: FacilityResult, lb: LagrangianBound,
                  bound: float, deadline: float, how: _Prover, hooks: SolveHooks,
                  info: dict[str, object]) -> tuple[FacilityResult, float, bool]:
    """One reduction against ``best`` and one solve: the new best, bound, and whether to
    stop (proof, or the solver ran out of time without improving)."""
    ub = best.cost
    if bound >= ub - 1e-9 * max(1.0, abs(ub)):
        return best, bound, True
    red = reduce_problem(problem, lb, ub)
    reductions = info["reductions"]
    assert isinstance(reductions, list)
    if red is None:  # nothing cheaper than the incumbent exists
        hooks.on_bound(ub)
        return best, ub, True
    reductions.append({"upper": ub, "facilities": len(red.keep),
                       "pairs": int(np.isfinite(red.problem.cost).sum())})
    integral = _integral(problem)
    cutoff = ub - 1.0 if integral else ub - 1e-6 * max(1.0, abs(ub))
    found: list[FacilityResult] = []

    def post(sub: FacilityResult) -> None:
        lifted = red.lift(sub, problem)
        found.append(lifted)
        hooks.on_solution(lifted)

    limit = max(0.5, deadline - time.monotonic())
    if how.name == "scip":
        res = solve_mip(red.problem, backend="scip", time_limit=limit, seed=how.seed,
                        hint=red.restrict(best), cutoff=cutoff, heuristics=how.heuristics)
    else:
        res = solve_cpsat(red.problem, time_limit=limit, seed=how.seed,
                          workers=how.workers, hint=red.restrict(best), cutoff=cutoff,
                          linearization=how.linearization, hooks=SolveHooks(
                              on_solution=post,
                              on_bound=lambda b: hooks.on_bound(min(b, ub)),
                              should_stop=lambda: hooks.should_stop()
                              or _restart(found, ub, bound)))
    if res.status == "infeasible":  # no solution below the incumbent: it is optimal
        hooks.on_bound(ub)
        return best, ub, True
    if res.bound is not None:
        bound = max(bound, min(res.bound, ub))
    if res.has_solution:
        lifted = red.lift(res, problem)
        if lifted.cost < best.cost - 1e-9:
            best = lifted
            hooks.on_solution(best)
    if res.status == "optimal":  # optimal below the cutoff: optimal for the whole
        return best, max(bound, best.cost), True
    return best, bound, not found
