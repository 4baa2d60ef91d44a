"""Independent checkers for facility location solutions.

They read only the raw problem data and the solution (open facilities and assignment or
flows), recompute the cost from scratch and list every violated constraint. They share
no code with the solvers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from circularopt.siting.cflp import (
    FacilityProblem,
    FacilityResult,
    TwoStageProblem,
    TwoStageResult,
)

__all__ = ["CheckReport", "check_facility_solution", "check_result", "check_two_stage"]


@dataclass(frozen=True)
class CheckReport:
    """What the checker found.

    Parameters
    ----------
    feasible
        No constraint is violated.
    cost
        Cost recomputed from the raw data (``inf`` when it cannot be computed).
    violations
        One sentence per violated constraint (at most a few per kind).
    """

    feasible: bool
    cost: float
    violations: tuple[str, ...]

    def __str__(self) -> str:
        head = f"{'feasible' if self.feasible else 'INFEASIBLE'}, cost {self.cost:,.4f}"
        return "\n".join([head, *(f"- {v}" for v in self.violations)])


def _limited(found: list[str], limit: int = 5) -> list[str]:
    if len(found) <= limit:
        return found
    return [*found[:limit], f"... and {len(found) - limit} more of this kind"]


def check_facility_solution(problem: FacilityProblem, open_facilities: Any,
                            assignment: Any, *, claimed_cost: float | None = None,
                            tol: float = 1e-6) -> CheckReport:
    """Check a CFLP solution against the raw problem and recompute its cost.

    Parameters
    ----------
    problem
        The problem.
    open_facilities
        Indices of the open facilities.
    assignment
        ``(m, n)`` shares: ``assignment[i, j]`` of customer ``j``'s demand served by ``i``.
    claimed_cost
        The solver's cost; a difference larger than ``tol`` (relative) is a violation.
    tol
        Tolerance for sums, capacities and costs.

    Returns
    -------
    CheckReport
        Feasible only if every customer is fully served, only open facilities serve,
        capacities hold, shares are in [0, 1] (and 0/1 with one facility per customer
        when single-sourced), no forbidden pair is used and the claimed cost matches.
    """
    m, n = len(problem.fixed_cost), len(problem.demand)
    a = np.asarray(assignment, dtype=float)
    if a.shape != (m, n):
        return CheckReport(False, math.inf,
                           (f"assignment has shape {a.shape}, expected {(m, n)}",))
    opened = sorted({int(i) for i in open_facilities})
    bad_ids = [i for i in opened if not 0 <= i < m]
    if bad_ids:
        return CheckReport(False, math.inf, (f"unknown facility indices {bad_ids}",))
    violations: list[str] = []
    if not np.isfinite(a).all():
        violations.append("assignment holds non-finite numbers")
        a = np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)
    is_open = np.zeros(m, dtype=bool)
    is_open[opened] = True

    found = [f"share {a[i, j]:.6g} of customer {j} at facility {i} is outside [0, 1]"
             for i, j in np.argwhere((a < -tol) | (a > 1 + tol))]
    violations += _limited(found)
    served = a.sum(axis=0)
    found = [f"customer {j} is served {served[j]:.6g} of its demand, not 1"
             for j in np.flatnonzero(np.abs(served - 1.0) > tol)]
    violations += _limited(found)
    closed_use = np.argwhere((a > tol) & ~is_open[:, None])
    violations += _limited([f"closed facility {i} serves customer {j}" for i, j in closed_use])
    forbidden = np.argwhere((a > tol) & ~np.isfinite(problem.cost))
    violations += _limited([f"customer {j} is served by facility {i}, a forbidden pair"
                            for i, j in forbidden])
    load = (a * problem.demand[None, :]).sum(axis=1)
    over = np.flatnonzero(load > problem.capacity * (1 + tol) + tol)
    violations += _limited([f"facility {i} serves {load[i]:.6g} > capacity "
                            f"{problem.capacity[i]:.6g}" for i in over])
    if problem.single_source:
        frac = np.argwhere((a > tol) & (a < 1 - tol))
        violations += _limited([f"customer {j} is split (share {a[i, j]:.6g} at facility "
                                f"{i}) although single sourcing is required"
                                for i, j in frac])
    safe = np.where(a > 0, a, 0.0)
    costs = np.where(safe > 0, problem.cost, 0.0)
    cost = float(problem.fixed_cost[opened].sum()) + float((costs * safe).sum())
    if not math.isfinite(cost):
        cost = math.inf
    if claimed_cost is not None and math.isfinite(cost) and \
            abs(claimed_cost - cost) > tol * max(1.0, abs(cost)):
        violations.append(f"claimed cost {claimed_cost:,.6f} differs from recomputed "
                          f"{cost:,.6f}")
    return CheckReport(not violations, cost, tuple(violations))


def check_result(problem: FacilityProblem, result: FacilityResult, *,
                 tol: float = 1e-6) -> CheckReport:
    """Check a :class:`FacilityResult` (a result without a solution is infeasible)."""
    if not result.has_solution:
        return CheckReport(False, math.inf, (f"no solution (status {result.status})",))
    return check_facility_solution(problem, result.open_facilities, result.assignment,
                                   claimed_cost=result.cost, tol=tol)


def check_two_stage(problem: TwoStageProblem, result: TwoStageResult, *,
                    tol: float = 1e-6) -> CheckReport:
    """Check a two-stage solution: demands met, flow balance, capacities, open sites, cost.

    Parameters
    ----------
    problem
        The problem.
    result
        Its solution (flows and open plants/satellites).
    tol
        Relative tolerance on quantities and cost.

    Returns
    -------
    CheckReport
        With the recomputed cost and every violation.
    """
    p, q, n = len(problem.plant_fixed), len(problem.satellite_fixed), len(problem.demand)
    u = np.asarray(result.plant_flow, dtype=float)
    w = np.asarray(result.satellite_flow, dtype=float)
    if u.shape != (p, q) or w.shape != (q, n):
        return CheckReport(False, math.inf, (f"flow shapes {u.shape}, {w.shape}; expected "
                                             f"{(p, q)}, {(q, n)}",))
    scale = max(1.0, float(problem.demand.max(initial=0.0)))
    eps = tol * scale
    violations: list[str] = []
    if (u < -eps).any() or (w < -eps).any():
        violations.append("negative flows")
    got = w.sum(axis=0)
    violations += _limited([f"customer {k} receives {got[k]:.6g}, demand "
                            f"{problem.demand[k]:.6g}"
                            for k in np.flatnonzero(np.abs(got - problem.demand) > eps)])
    inflow, outflow = u.sum(axis=0), w.sum(axis=1)
    violations += _limited([f"satellite {j} receives {inflow[j]:.6g} but ships "
                            f"{outflow[j]:.6g}"
                            for j in np.flatnonzero(np.abs(inflow - outflow) > eps * n)])
    plants, sats = set(result.open_plants), set(result.open_satellites)
    ship = u.sum(axis=1)
    violations += _limited([f"plant {i} ships {ship[i]:.6g} > capacity "
                            f"{problem.plant_capacity[i]:.6g}"
                            for i in np.flatnonzero(ship > problem.plant_capacity + eps * n)])
    violations += _limited([f"satellite {j} ships {outflow[j]:.6g} > capacity "
                            f"{problem.satellite_capacity[j]:.6g}" for j in
                            np.flatnonzero(outflow > problem.satellite_capacity + eps * n)])
    violations += _limited([f"closed plant {i} ships" for i in np.flatnonzero(ship > eps)
                            if i not in plants])
    violations += _limited([f"closed satellite {j} ships" for j in
                            np.flatnonzero(outflow > eps) if j not in sats])
    cost = (float(problem.plant_fixed[sorted(plants)].sum())
            + float(problem.satellite_fixed[sorted(sats)].sum())
            + float((problem.plant_cost * u).sum()) + float((problem.satellite_cost * w).sum()))
    if math.isfinite(result.cost) and abs(result.cost - cost) > tol * max(1.0, abs(cost)):
        violations.append(f"claimed cost {result.cost:,.6f} differs from recomputed "
                          f"{cost:,.6f}")
    return CheckReport(not violations, cost, tuple(violations))
