r"""Lagrangian relaxation, repair heuristic and kernel MIP for large CFLP instances.

A plain MIP does not cope with the ``capa/b/c`` size (100 facilities x 1000 customers):
its LP bound is tight but the search finds poor solutions. :func:`solve_lagrangian`

1. relaxes the assignment constraints :math:`\sum_i x_{ij} = 1` with multipliers
   :math:`\lambda_j` and optimises them by subgradient. For fixed :math:`\lambda` the
   relaxation splits into one continuous knapsack per facility,

   .. math::

       v_i(\lambda) = f_i + \min \Big\{ \sum_j (c_{ij} - \lambda_j) x_{ij} :
       \sum_j d_j x_{ij} \le s_i,\ 0 \le x_{ij} \le 1 \Big\},

   and :math:`L(\lambda) = \sum_j \lambda_j + \min\{\sum_i v_i y_i :
   \sum_i s_i y_i \ge D,\ 0 \le y \le 1\}` is a lower bound (the strong LP bound at best);
2. turns the facilities the relaxation opens into a feasible solution (multi-source: a
   transportation LP; single-source: regret assignment plus shift and swap moves), and
   keeps the best;
3. fixes facilities by reduced cost: with :math:`L_0 = \sum_j \lambda_j +
   \sum_i \min(0, v_i)`, a facility with :math:`L_0 + |v_i| > UB` keeps its relaxed
   state in every better solution; single-source arcs are fixed to zero the same way with
   the knapsack reduced costs;
4. solves the remaining *kernel* (free facilities and arcs) as a MIP warm-started with the
   best solution (SCIP and CP-SAT take the hint). If nothing had to be dropped beyond the
   proven fixings, the kernel optimum is the optimum of the whole problem.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from circularopt.exceptions import InputError
from circularopt.siting.cflp import FacilityProblem, FacilityResult, solve_mip

__all__ = ["LagrangianBound", "lagrangian_bound", "solve_lagrangian"]


@dataclass(frozen=True)
class LagrangianBound:
    """Outcome of the subgradient phase.

    Parameters
    ----------
    bound
        Best Lagrangian lower bound (with the aggregate capacity constraint).
    multipliers
        The multipliers :math:`\\lambda_j` of the best plain bound.
    plain_bound
        :math:`L_0`, the bound without the aggregate constraint, at ``multipliers``.
    facility_value
        :math:`v_i` at ``multipliers``.
    arc_reduced_cost
        Knapsack reduced cost of every pair at ``multipliers``.
    candidates
        Open sets proposed by the relaxation, most recent last.
    iterations
        Subgradient iterations done.
    """

    bound: float
    multipliers: np.ndarray
    plain_bound: float
    facility_value: np.ndarray
    arc_reduced_cost: np.ndarray
    candidates: tuple[tuple[int, ...], ...]
    iterations: int


def _knapsacks(r: np.ndarray, d: np.ndarray, s: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Continuous knapsack per row: shares ``x``, values and reduced costs ``r + d mu``."""
    m, n = r.shape
    neg = r < 0
    dd = np.maximum(d, 1e-12)
    ratio = np.where(neg, r / dd[None, :], np.inf)
    order = np.argsort(ratio, axis=1, kind="stable")
    d_sorted = np.where(np.take_along_axis(neg, order, axis=1), d[order], 0.0)
    after = np.cumsum(d_sorted, axis=1)
    before = after - d_sorted
    take = np.clip((s[:, None] - before) / np.maximum(d_sorted, 1e-12), 0.0, 1.0)
    take = np.where(d_sorted > 0, take, np.take_along_axis(neg, order, axis=1) * 1.0)
    x = np.zeros((m, n))
    np.put_along_axis(x, order, take, axis=1)
    value = (np.where(x > 0, r, 0.0) * x).sum(axis=1)
    # critical ratio: the ratio of the last item (partly) taken when the knapsack is full
    full = after[:, -1] > s
    mu = np.zeros(m)
    if full.any():
        crit_pos = np.argmax(after > s[:, None], axis=1)
        crit = np.take_along_axis(np.take_along_axis(ratio, order, axis=1),
                                  crit_pos[:, None], axis=1)[:, 0]
        mu = np.where(full, np.maximum(0.0, -crit), 0.0)
    return x, value, r + d[None, :] * mu[:, None]


def _cover(v: np.ndarray, s: np.ndarray, total: float) -> tuple[np.ndarray, float]:
    """Fractional ``min v y`` with ``s y >= total``: open the negative ones, then cover."""
    y = (v < 0).astype(float)
    cap = float((s * y).sum())
    if cap < total:
        rest = np.flatnonzero(y == 0)
        rest = rest[np.argsort(v[rest] / np.maximum(s[rest], 1e-12))]
        for i in rest:
            if cap >= total:
                break
            share = min(1.0, (total - cap) / s[i]) if s[i] > 0 else 0.0
            y[i] = share
            cap += share * s[i]
    return y, float((v * y).sum())


def lagrangian_bound(problem: FacilityProblem, *, upper: float, iterations: int = 800,
                     deadline: float | None = None) -> LagrangianBound:
    """Optimise the Lagrangian multipliers of the assignment constraints by subgradient.

    Parameters
    ----------
    problem
        The problem (costs ``inf`` are treated as a very large cost).
    upper
        Cost of a known solution, used in the step length (Polyak).
    iterations
        Maximum number of iterations.
    deadline
        ``time.monotonic()`` value to stop at.

    Returns
    -------
    LagrangianBound
        The bounds, multipliers and the open sets proposed along the way.
    """
    c = np.where(np.isfinite(problem.cost), problem.cost, 1e3 * upper)
    d, s, f = problem.demand, problem.capacity, problem.fixed_cost
    total = problem.total_demand
    lam = (c + (f / np.maximum(s, 1e-12))[:, None] * d[None, :]).min(axis=0)
    alpha, best, best_plain, stall = 2.0, -math.inf, -math.inf, 0
    best_state: tuple[np.ndarray, float, np.ndarray, np.ndarray] | None = None
    candidates: list[tuple[int, ...]] = []
    it = 0
    while it < iterations:
        it += 1
        r = c - lam[None, :]
        x, val, rc = _knapsacks(r, d, s)
        v = f + val
        y, yval = _cover(v, s, total)
        bound = float(lam.sum()) + yval
        plain = float(lam.sum()) + float(np.minimum(v, 0.0).sum())
        if plain > best_plain:
            best_plain = plain
            best_state = (lam.copy(), plain, v.copy(), rc)
        if bound > best + 1e-9 * abs(best if math.isfinite(best) else 1.0):
            best, stall = bound, 0
        else:
            stall += 1
            if stall >= 50:
                alpha, stall = alpha / 2.0, 0
        opened = tuple(int(i) for i in np.flatnonzero(y > 0))
        if not candidates or candidates[-1] != opened:
            candidates.append(opened)
        g = 1.0 - (x * y[:, None]).sum(axis=0)
        norm = float((g * g).sum())
        if norm < 1e-12 or alpha < 1e-4 or (deadline and time.monotonic() > deadline):
            break
        lam = lam + alpha * max(upper - bound, 1e-9 * abs(upper)) / norm * g
    assert best_state is not None
    lam_b, plain_b, v_b, rc_b = best_state
    return LagrangianBound(best, lam_b, plain_b, v_b, rc_b, tuple(candidates[-60:]), it)


# --------------------------------------------------------------------------- repair


def _transport(problem: FacilityProblem, open_idx: list[int]) -> FacilityResult | None:
    """Optimal multi-source flows for a fixed open set (an LP), or ``None``."""
    k, n = len(open_idx), problem.n
    if problem.capacity[open_idx].sum() < problem.total_demand - 1e-9:
        return None
    c = problem.cost[open_idx]
    ok = np.isfinite(c)
    cols = np.argwhere(ok)
    obj = c[ok]
    from scipy.sparse import coo_matrix  # local: only this helper needs it

    ncol = len(cols)
    a_eq = coo_matrix((np.ones(ncol), (cols[:, 1], np.arange(ncol))), shape=(n, ncol))
    a_ub = coo_matrix((problem.demand[cols[:, 1]], (cols[:, 0], np.arange(ncol))),
                      shape=(k, ncol))
    res = linprog(obj, A_ub=a_ub.tocsr(), b_ub=problem.capacity[open_idx],
                  A_eq=a_eq.tocsr(), b_eq=np.ones(n), bounds=(0, 1), method="highs")
    if res.status != 0:
        return None
    assign = np.zeros((problem.m, n))
    sub = np.zeros((k, n))
    sub[ok] = res.x
    sub[sub < 1e-9] = 0.0
    assign[open_idx] = sub
    used = [i for i in open_idx if assign[i].sum() > 0]
    return FacilityResult(tuple(used), assign, problem.solution_cost(used, assign), "feasible",
                          None, 0.0, "transport")


def _single_source(problem: FacilityProblem, open_idx: list[int],
                   rng: np.random.Generator, moves: bool = True) -> FacilityResult | None:
    """Regret assignment to the open set, then shift and swap moves; ``None`` if stuck."""
    idx = np.array(open_idx)
    c = problem.cost[idx]
    d = problem.demand
    rem = problem.capacity[idx].astype(float).copy()
    n = problem.n
    if len(idx) == 0 or rem.sum() < d.sum():
        return None
    srt = np.sort(c, axis=0)
    regret = (srt[1] - srt[0]) if len(idx) > 1 else np.zeros(n)
    order = np.lexsort((rng.random(n), -d, -regret))
    where = np.full(n, -1)
    for j in order:
        fits = np.flatnonzero(rem >= d[j] - 1e-9)
        fits = fits[np.isfinite(c[fits, j])]
        if len(fits) == 0:
            return None
        k = fits[np.argmin(c[fits, j])]
        where[j] = k
        rem[k] -= d[j]
    if moves:
        _improve(c, d, rem, where)
    assign = np.zeros((problem.m, n))
    assign[idx[where], np.arange(n)] = 1.0
    used = sorted(set(idx[where].tolist()))
    return FacilityResult(tuple(used), assign, problem.solution_cost(used, assign), "feasible",
                          None, 0.0, "repair")


def _improve(c: np.ndarray, d: np.ndarray, rem: np.ndarray, where: np.ndarray,
             passes: int = 20) -> None:
    """Shift and swap moves of single customers, in place, until no move improves."""
    n = len(d)
    for _ in range(passes):
        better = False
        for j in range(n):
            cur = where[j]
            gain = c[cur, j] - c[:, j]
            gain[rem < d[j] - 1e-9] = -np.inf
            gain[cur] = -np.inf
            k = int(np.argmax(gain))
            if gain[k] > 1e-9:
                rem[cur] += d[j]
                rem[k] -= d[j]
                where[j] = k
                better = True
        for j in range(n):
            a = where[j]
            # swap j (at a) with a customer t at b: both must fit after the exchange
            delta = c[where, j] - c[a, j] + c[a, :] - c[where, np.arange(n)]
            fit = (rem[where] + d >= d[j] - 1e-9) & (rem[a] + d[j] >= d - 1e-9)
            delta[~fit | (where == a)] = np.inf
            t = int(np.argmin(delta))
            if delta[t] < -1e-9:
                b = where[t]
                rem[a] += d[j] - d[t]
                rem[b] += d[t] - d[j]
                where[j], where[t] = b, a
                better = True
        if not better:
            break


# --------------------------------------------------------------------------- driver


def solve_lagrangian(problem: FacilityProblem, *, time_limit: float = 60.0, seed: int = 0,
                     backend: str = "scip", lagrangian_share: float = 0.3,
                     max_kernel: int = 40, arcs_per_customer: int = 0) -> FacilityResult:
    """Lagrangian bound, repair heuristic, reduced-cost fixing and a kernel MIP.

    Parameters
    ----------
    problem
        The problem (multi- or single-source).
    time_limit
        Seconds in total.
    seed
        Seed of the tie-breaking in the repair heuristic and of the MIP backend.
    backend
        MIP backend of the kernel phase (``"scip"``, ``"cpsat"``, ``"highs"``), or
        ``"none"`` to stop after the heuristic.
    lagrangian_share
        Share of the time for the subgradient and repair phases.
    max_kernel
        Most facilities kept free in the kernel (beyond this, the ones the relaxation
        opens least are closed, and the result is no longer proven optimal).
    arcs_per_customer
        If positive, keep only this many cheapest kernel arcs per customer (plus the
        incumbent's); 0 keeps all arcs surviving the reduced-cost test.

    Returns
    -------
    FacilityResult
        ``method`` says which phase found the returned solution; ``info`` holds the cost
        after each phase.
    """
    if backend not in ("scip", "cpsat", "highs", "none"):
        raise InputError("backend", backend, "'scip', 'cpsat', 'highs' or 'none'")
    start = time.monotonic()
    deadline = start + time_limit
    rng = np.random.default_rng(seed)
    info: dict[str, object] = {}

    def repair(open_idx: list[int], moves: bool) -> FacilityResult | None:
        if problem.single_source:
            return _single_source(problem, open_idx, rng, moves)
        return _transport(problem, open_idx)

    # a first solution: open facilities by increasing (fixed cost per capacity) until the
    # demand is covered with 20% slack, then repair
    order = list(np.argsort(problem.fixed_cost / np.maximum(problem.capacity, 1e-12)))
    best: FacilityResult | None = None
    for slack in (1.2, 1.5, 2.0, math.inf):
        opened: list[int] = []
        for i in order:
            if problem.capacity[opened].sum() >= slack * problem.total_demand:
                break
            opened.append(int(i))
        best = repair(sorted(opened), True)
        if best is not None:
            break
    upper = best.cost if best is not None else float(
        problem.fixed_cost.sum() + np.where(np.isfinite(problem.cost), problem.cost, 0).max(
            axis=0).sum())
    info["initial_cost"] = upper
    lag_deadline = start + lagrangian_share * time_limit
    lb = lagrangian_bound(problem, upper=upper, deadline=lag_deadline)
    info["lagrangian_bound"] = lb.bound
    info["iterations"] = lb.iterations
    seen: set[tuple[int, ...]] = set()
    for cand in reversed(lb.candidates):
        if time.monotonic() > lag_deadline + 0.1 * time_limit:
            break
        fixed_cand = _cover_open(problem, list(cand))
        if fixed_cand in seen:
            continue
        seen.add(fixed_cand)
        sol = repair(list(fixed_cand), problem.single_source)
        if sol is not None and (best is None or sol.cost < best.cost - 1e-9):
            best = sol
    if best is not None:
        best = _drop_facilities(problem, best, repair, deadline)
    info["heuristic_cost"] = None if best is None else best.cost
    method = "lagrangian"
    bound = lb.bound
    if backend == "none" or best is None or time.monotonic() > deadline - 1.0:
        return _finish(problem, best, bound, start, method, info)
    ub = best.cost
    v, base = lb.facility_value, lb.plain_bound
    closed_fixed = (v > 0) & (base + v > ub)
    open_fixed = (v < 0) & (base - v > ub)
    free = ~closed_fixed
    free[list(best.open_facilities)] = True
    proven = True
    kernel = np.flatnonzero(free)
    if len(kernel) > max_kernel:
        proven = False
        usage = np.zeros(problem.m)
        for cand in lb.candidates:
            usage[list(cand)] += 1
        score = usage - 1e-12 * v
        score[list(best.open_facilities)] = np.inf
        keep = np.argsort(-score)[:max_kernel]
        kernel = np.sort(keep)
    arcs = None
    if problem.single_source:
        opened_relaxed = v < 0
        arc_lb = base + np.maximum(lb.arc_reduced_cost, 0.0) + np.where(
            opened_relaxed, 0.0, v)[:, None]
        arcs = arc_lb <= ub
        arcs[best.assignment > 0.5] = True
        if arcs_per_customer > 0:
            proven = False
            cc = np.where(np.isin(np.arange(problem.m), kernel)[:, None] & arcs,
                          problem.cost, np.inf)
            rank = np.argsort(np.argsort(cc, axis=0), axis=0)
            arcs &= rank < arcs_per_customer
            arcs[best.assignment > 0.5] = True
    info["kernel_facilities"] = len(kernel)
    info["fixed_open"] = int(open_fixed.sum())
    info["kernel_arcs"] = int(arcs[kernel].sum()) if arcs is not None else len(kernel) * problem.n
    remaining = deadline - time.monotonic()
    hint = best if backend != "highs" else None
    mip = solve_mip(problem, backend=backend, time_limit=remaining - 0.5, seed=seed,
                    facilities=kernel.tolist(), arcs=arcs, hint=hint)
    info["kernel_cost"] = mip.cost if mip.has_solution else None
    info["kernel_status"] = mip.status
    method = f"lagrangian+kernel-{backend}"
    if mip.has_solution and mip.cost < best.cost - 1e-9:
        best = mip
    if proven and mip.status in ("optimal", "feasible") and mip.info.get("kernel_bound"):
        bound = max(bound, float(mip.info["kernel_bound"]))
    if proven and mip.info.get("restricted_optimal"):
        bound = max(bound, best.cost)
    return _finish(problem, best, bound, start, method, info)


def _cover_open(problem: FacilityProblem, cand: list[int]) -> tuple[int, ...]:
    """``cand`` plus the cheapest facilities per capacity until the demand is covered."""
    opened = set(cand)
    cap = float(problem.capacity[list(opened)].sum()) if opened else 0.0
    need = problem.total_demand * (1.02 if problem.single_source else 1.0)
    ratio = problem.fixed_cost / np.maximum(problem.capacity, 1e-12)
    for i in np.argsort(ratio):
        if cap >= need:
            break
        if int(i) not in opened:
            opened.add(int(i))
            cap += float(problem.capacity[i])
    return tuple(sorted(opened))


def _drop_facilities(problem: FacilityProblem, best: FacilityResult,
                     repair: Callable[[list[int], bool], FacilityResult | None],
                     deadline: float) -> FacilityResult:
    """Try closing each open facility (and re-solving the assignment) while it pays."""
    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for i in sorted(best.open_facilities, key=lambda k: -problem.fixed_cost[k]):
            rest = [k for k in best.open_facilities if k != i]
            sol = repair(rest, True)
            if sol is not None and sol.cost < best.cost - 1e-9:
                best, improved = sol, True
                break
    return best


def _finish(problem: FacilityProblem, best: FacilityResult | None, bound: float,
            start: float, method: str, info: dict[str, object]) -> FacilityResult:
    seconds = time.monotonic() - start
    if best is None:
        return FacilityResult((), np.zeros((0, 0)), math.inf, "no_solution", bound, seconds,
                              method, info)
    status = "optimal" if best.cost - bound <= 1e-6 * max(1.0, abs(best.cost)) else "feasible"
    return FacilityResult(best.open_facilities, best.assignment, best.cost, status,
                          min(bound, best.cost), seconds, method, info)
