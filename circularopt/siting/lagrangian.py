r"""Lagrangian relaxation, repair heuristic and kernel MIP for large CFLP instances.

For instances too large for a plain MIP (such as ``capa/b/c``, 100 facilities x 1000
customers), :func:`solve_lagrangian`

1. relaxes the assignment constraints :math:`\sum_i x_{ij} = 1` with multipliers
   :math:`\lambda_j` and optimises them by subgradient. For fixed :math:`\lambda` the
   relaxation splits into one continuous knapsack per facility,

   .. math::

       v_i(\lambda) = f_i + \min \Big\{ \sum_j (c_{ij} - \lambda_j) x_{ij} :
       \sum_j d_j x_{ij} \le s_i,\ 0 \le x_{ij} \le 1 \Big\},

   and :math:`L(\lambda) = \sum_j \lambda_j + \min\{\sum_i v_i y_i :
   \sum_i s_i y_i \ge D,\ y \in \{0, 1\}^m\}` is a lower bound. The 0-1 cover of
   the demand :math:`D` is solved exactly (equal capacities: the :math:`\lceil D/s
   \rceil` smallest :math:`v_i`; otherwise a dynamic programme over capacity units). It
   makes the bound stronger than the strong LP;
2. turns the facilities the relaxation opens into a feasible solution (multi-source: a
   transportation LP; single-source: regret assignment plus shift and swap moves), and
   keeps the best;
3. fixes facilities by probing the bound: a facility whose bound with :math:`y_i = 1`
   (the cover recomputed with it forced open) exceeds the best cost :math:`UB` is closed
   in every better solution; single-source arcs are fixed to
   zero when that bound plus the arc's knapsack reduced cost exceeds :math:`UB`;
4. solves the remaining *kernel* (free facilities and arcs) as a MIP warm-started with the
   best solution (SCIP and CP-SAT take the hint). If nothing had to be dropped beyond the
   proven fixings, the kernel optimum is the optimum of the whole problem;
5. optionally (``prove_share``) proves: the multipliers are re-optimised with the
   kernel's best cost as the target (a much better bound than with the first heuristic
   cost), facilities and single-source arcs are fixed again, and everything left free
   goes into a last MIP; its optimum is the optimum and its bound a valid bound.

Measurements on the ``capa`` instances: ``docs/benchmarks.md``, *Siting*.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

from circularopt._validate import integer, number
from circularopt.exceptions import InputError
from circularopt.siting.cflp import FacilityProblem, FacilityResult, solve_mip

__all__ = ["LagrangianBound", "LagrangianOptions", "lagrangian_bound", "size_options",
           "solve_lagrangian"]


@dataclass(frozen=True)
class LagrangianBound:
    """Outcome of the subgradient phase.

    Parameters
    ----------
    bound
        Best Lagrangian lower bound (0-1 cover of the demand by the open capacities).
    multipliers
        The multipliers :math:`\\lambda_j` of that bound.
    facility_value
        :math:`v_i` at ``multipliers``.
    open_bound
        Lower bound on every solution with facility ``i`` open (same multipliers).
    closed_bound
        Lower bound on every solution with facility ``i`` closed.
    arc_reduced_cost
        Knapsack reduced cost of every pair at ``multipliers``: a solution serving all of
        customer ``j`` from ``i`` costs at least ``open_bound[i] + arc_reduced_cost[i, j]``.
    candidates
        Open sets proposed by the relaxation, most recent last.
    iterations
        Subgradient iterations done.
    """

    bound: float
    multipliers: np.ndarray
    facility_value: np.ndarray
    open_bound: np.ndarray
    closed_bound: np.ndarray
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


_KNAPSACK_CELLS = 30_000_000
"""Most ``customers x facilities x capacity units`` for the 0-1 knapsacks (single source)."""


def _unit_weights(problem: FacilityProblem) -> tuple[np.ndarray, np.ndarray] | None:
    """Integer demands (rounded down) and capacities (rounded up) for the 0-1 knapsacks.

    Rounding this way only enlarges each knapsack's feasible set, so its optimum stays a
    lower bound. ``None`` when the tables would exceed :data:`_KNAPSACK_CELLS`.
    """
    d, s = problem.demand, problem.capacity
    integral = bool(np.all(d == np.round(d)) and np.all(s == np.round(s)))
    top = float(s.max())
    unit = 1.0 if integral and top <= 5000 else max(top / 2000.0, 1e-12)
    size = math.ceil(top / unit - 1e-9)
    if problem.n * problem.m * (size + 1) > _KNAPSACK_CELLS:
        return None
    return (np.floor(d / unit + 1e-9).astype(int),
            np.ceil(s / unit - 1e-9).astype(int))


def _knapsacks01(r: np.ndarray, w: np.ndarray, cap: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """0-1 knapsack per row by dynamic programming: chosen items ``x`` and values.

    Row ``i`` minimises ``sum_j r[i, j] x[i, j]`` with ``sum_j w[j] x[i, j] <= cap[i]``.
    """
    m, n = r.shape
    top = int(cap.max())
    rows = np.arange(m)
    dp = np.zeros((m, top + 1))
    take = np.zeros((n, m, top + 1), dtype=bool)
    for j in range(n):
        wj = int(w[j])
        useful = r[:, j] < 0
        if wj > top or not useful.any():
            continue
        cand = np.full((m, top + 1), np.inf)
        cand[:, wj:] = dp[:, :top + 1 - wj] + r[:, j][:, None]
        better = (cand < dp - 1e-12) & useful[:, None]
        take[j] = better
        dp = np.where(better, cand, dp)
    x = np.zeros((m, n))
    c = cap.astype(int).copy()
    for j in range(n - 1, -1, -1):
        chosen = take[j, rows, c]
        x[chosen, j] = 1.0
        c -= chosen * int(w[j])
    return x, dp[rows, cap.astype(int)]


_DP_UNITS = 20_000
"""Most capacity units of the exact 0-1 cover DP (capacities are scaled up beyond)."""


def _cover_01(v: np.ndarray, s: np.ndarray, total: float, *,
              fixed: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """A lower bound on ``min v y`` with ``s y >= total``, ``y`` binary, and its ``y``.

    Negative items are always taken; the rest of the demand is covered exactly by a
    dynamic programme over capacity units (equal capacities: the cheapest ``k``). When
    the capacities must be scaled to fit :data:`_DP_UNITS`, each is rounded up, which
    only enlarges the feasible set, so the value stays a lower bound. ``fixed[i]`` is 0
    or 1 for an item fixed to that value, -1 for a free one. ``inf`` value if no cover
    exists.
    """
    free = np.ones(len(v), dtype=bool) if fixed is None else fixed < 0
    y = np.where(free, v < 0, fixed == 1 if fixed is not None else False).astype(float)
    rest = total - float((s * y).sum())
    cand = np.flatnonzero(free & (y == 0))
    if rest > 1e-9:
        if s[cand].sum() < rest - 1e-9:
            return y, math.inf
        sc = s[cand]
        if np.ptp(sc) <= 1e-9 * max(1.0, sc.max()):
            k = math.ceil(rest / sc[0] - 1e-9)
            y[cand[np.argsort(v[cand], kind="stable")[:k]]] = 1.0
        else:
            unit = max(1.0, rest / _DP_UNITS)
            need = math.ceil(rest / unit - 1e-9)
            size = np.minimum(np.ceil(sc / unit - 1e-9).astype(int), need)
            dp = np.full(need + 1, math.inf)
            dp[0] = 0.0
            take = np.zeros((len(cand), need + 1), dtype=bool)
            for t, (w, val) in enumerate(zip(size, v[cand], strict=True)):
                cand_val = np.concatenate([np.full(min(w, need + 1), val),
                                           dp[:max(0, need + 1 - w)] + val])
                better = cand_val < dp - 1e-12
                take[t] = better
                dp = np.where(better, cand_val, dp)
            c = need
            for t in range(len(cand) - 1, -1, -1):
                if c <= 0:
                    break
                if take[t, c]:
                    y[cand[t]] = 1.0
                    c = max(0, c - int(size[t]))
    return y, float((v * y).sum())


def lagrangian_bound(problem: FacilityProblem, *, upper: float, iterations: int = 800,
                     deadline: float | None = None, stall_limit: int = 50,
                     integer_knapsacks: bool = True, fixed: np.ndarray | None = None,
                     multipliers: np.ndarray | None = None, step: float = 2.0,
                     probe: bool = True) -> LagrangianBound:
    """Optimise the Lagrangian multipliers of the assignment constraints by subgradient.

    The step is Polyak's with the target ``upper``; its factor halves after
    ``stall_limit`` iterations without a better bound, and the search stops when the
    factor falls below ``1e-4``, after ``iterations`` or at ``deadline``.

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
    stall_limit
        Iterations without improvement before the step factor halves.
    integer_knapsacks
        Single source: solve each facility's knapsack over its customers as a 0-1
        knapsack (dynamic programme over capacity units) instead of a continuous one,
        when the tables stay small (:data:`_KNAPSACK_CELLS`); a stronger bound.
    fixed
        Per facility 1 (forced open), 0 (forced closed) or -1 (free); the bound is then
        valid for the solutions respecting it (``inf`` if none can exist).
    multipliers
        Starting multipliers (default: cheapest cost per customer with the fixed cost
        spread over the capacity).
    step
        Initial step factor.
    probe
        Compute ``open_bound`` and ``closed_bound`` (otherwise they equal ``bound``).

    Returns
    -------
    LagrangianBound
        The bounds, multipliers and the open sets proposed along the way.
    """
    c = np.where(np.isfinite(problem.cost), problem.cost, 1e3 * upper)
    d, s, f = problem.demand, problem.capacity, problem.fixed_cost
    total = problem.total_demand
    if multipliers is None:
        lam = (c + (f / np.maximum(s, 1e-12))[:, None] * d[None, :]).min(axis=0)
    else:
        lam = np.array(multipliers, dtype=float)
    base_fixed = np.full(problem.m, -1) if fixed is None else np.asarray(fixed, dtype=int)
    units = _unit_weights(problem) if problem.single_source and integer_knapsacks else None
    alpha, best, stall = step, -math.inf, 0
    best_state: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    candidates: list[tuple[int, ...]] = []
    it = 0
    while it < iterations:
        it += 1
        x, v, rc = _facility_values(c - lam[None, :], d, s, f, units)
        y, yval = _cover_01(v, s, total, fixed=base_fixed)
        bound = float(lam.sum()) + yval
        if bound > best + 1e-9 * abs(best if math.isfinite(best) else 1.0):
            best, stall = bound, 0
            best_state = (lam.copy(), v.copy(), rc)
        else:
            stall += 1
            if stall >= stall_limit:
                alpha, stall = alpha / 2.0, 0
        opened = tuple(int(i) for i in np.flatnonzero(y > 0))
        if not candidates or candidates[-1] != opened:
            candidates.append(opened)
        g = 1.0 - (x * y[:, None]).sum(axis=0)
        norm = float((g * g).sum())
        if (norm < 1e-12 or alpha < 1e-4 or bound > upper or not math.isfinite(bound)
                or (deadline and time.monotonic() > deadline)):
            break
        lam = lam + alpha * max(upper - bound, 1e-9 * abs(upper)) / norm * g
    assert best_state is not None
    lam_b, v_b, rc_b = best_state
    open_b, closed_b = _forced_bounds(problem, best, float(lam_b.sum()), v_b, base_fixed,
                                      probe=probe)
    return LagrangianBound(best, lam_b, v_b, open_b, closed_b, rc_b,
                           tuple(candidates[-60:]), it)


def _facility_values(r: np.ndarray, d: np.ndarray, s: np.ndarray, f: np.ndarray,
                     units: tuple[np.ndarray, np.ndarray] | None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each facility's knapsack at reduced costs ``r``: its choice, value ``v_i`` and the
    arcs' reduced costs."""
    x, val, rc = _knapsacks(r, d, s)
    v = f + val
    if units is not None:
        # single source: the exact 0-1 knapsacks give a bound above the LP's; an arc
        # forced in costs at least the continuous knapsack with it (f + val + rc)
        x, val01 = _knapsacks01(r, *units)
        rc = v[:, None] + rc - (f + val01)[:, None]
        v = f + val01
    return x, v, rc


def _forced_bounds(problem: FacilityProblem, best: float, base: float, v_b: np.ndarray,
                   base_fixed: np.ndarray, *, probe: bool) -> tuple[np.ndarray, np.ndarray]:
    """The bound with each facility forced open, and forced closed, at the best
    multipliers (``best`` everywhere without ``probe``)."""
    s, total = problem.capacity, problem.total_demand
    open_b = np.full(problem.m, best)
    closed_b = np.full(problem.m, best)
    for i in range(problem.m if probe and math.isfinite(best) else 0):
        for to, out in ((1, open_b), (0, closed_b)):
            forced = base_fixed.copy()
            if forced[i] < 0:
                forced[i] = to
                out[i] = base + _cover_01(v_b, s, total, fixed=forced)[1]
            elif forced[i] != to:
                out[i] = math.inf
    return open_b, closed_b


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
    """Regret assignment to the open set, then shift and swap moves.

    A customer that fits nowhere opens the closed facility cheapest for it (fixed plus
    assignment cost); ``None`` only if no facility can take it at all.
    """
    c = np.where(np.isfinite(problem.cost), problem.cost, np.inf)
    d, cap, f = problem.demand, problem.capacity, problem.fixed_cost
    m, n = problem.m, problem.n
    is_open = np.zeros(m, dtype=bool)
    is_open[open_idx] = True
    rem = cap.astype(float).copy()
    if is_open.sum() >= 2:
        srt = np.sort(c[is_open], axis=0)
        regret = np.where(np.isfinite(srt[1]), srt[1] - srt[0], 1e30)
    else:
        regret = np.zeros(n)
    order = np.lexsort((rng.random(n), -d, -regret))
    where = np.full(n, -1)
    for j in order:
        ok = is_open & (rem >= d[j] - 1e-9) & np.isfinite(c[:, j])
        if ok.any():
            k = int(np.flatnonzero(ok)[np.argmin(c[ok, j])])
        else:
            ok = ~is_open & (cap >= d[j] - 1e-9) & np.isfinite(c[:, j])
            if not ok.any():
                return None
            k = int(np.flatnonzero(ok)[np.argmin(f[ok] + c[ok, j])])
            is_open[k] = True
        where[j] = k
        rem[k] -= d[j]
    idx = np.flatnonzero(np.isin(np.arange(m), where))
    if moves:
        local = np.searchsorted(idx, where)
        cc = np.where(np.isfinite(c[idx]), c[idx], 1e30)
        _improve(cc, d, rem[idx].copy(), local)
        where = idx[local]
    assign = np.zeros((m, n))
    assign[where, np.arange(n)] = 1.0
    used = sorted(set(where.tolist()))
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


@dataclass(frozen=True, kw_only=True)
class LagrangianOptions:
    """Tuning of :func:`solve_lagrangian` beyond its time limit, seed and backend.

    Parameters
    ----------
    lagrangian_share
        Share of the time for the subgradient and repair phases.
    max_kernel
        Most facilities kept free in the kernel (beyond this, the ones the relaxation
        opens least are closed, and the result is no longer proven optimal).
    arcs_per_customer
        If positive, keep only this many cheapest kernel arcs per customer (plus the
        incumbent's); 0 keeps all arcs surviving the reduced-cost test.
    iterations
        Subgradient iterations (fewer if the Lagrangian share of the time runs out).
    multi_source_share
        Single source only: share of the remaining time for a multi-source kernel MIP
        (HiGHS, ``multi_source_kernel`` facilities, 8 cheapest arcs per customer) whose
        open facilities become the final single-source kernel; 0 skips it.
    multi_source_kernel
        Facilities in that multi-source kernel.
    max_candidates
        Most open sets of the relaxation turned into solutions.
    probe_share
        Share of the remaining time for probing: each facility still free is forced open
        (closed if the incumbent opens it) and the bound re-optimised from the best
        multipliers; if it exceeds the incumbent's cost, the facility is fixed the
        other way (see :func:`_probe`).
    probe_iterations
        Subgradient iterations per probe.
    prove_share
        When the kernel is not the whole problem, share of the time left after the
        heuristics reserved for a proof (:func:`_prove`): the bound is re-optimised with
        the kernel's best cost as target, facilities are fixed by probing, and every
        facility left free goes into a last MIP; 0 skips it.
    prove_iterations
        Subgradient iterations of that re-optimisation.
    """

    lagrangian_share: float = 0.2
    max_kernel: int = 40
    arcs_per_customer: int = 0
    iterations: int = 300
    multi_source_share: float = 0.0
    multi_source_kernel: int = 15
    max_candidates: int = 12
    probe_share: float = 0.0
    probe_iterations: int = 60
    prove_share: float = 0.0
    prove_iterations: int = 1500

    def __post_init__(self) -> None:
        for name in ("lagrangian_share", "multi_source_share", "probe_share", "prove_share"):
            number(f"lagrangian_options.{name}", getattr(self, name), lo=0.0, hi=1.0)
        for name in ("max_kernel", "arcs_per_customer", "iterations", "multi_source_kernel",
                     "max_candidates", "probe_iterations", "prove_iterations"):
            integer(f"lagrangian_options.{name}", getattr(self, name))


SMALL_PAIRS = 20_000
"""Facility-customer pairs up to which the kernel keeps every facility (and is proven)."""


def size_options(problem: FacilityProblem) -> LagrangianOptions:
    """The tuning :func:`solve_lagrangian` is run with for ``problem``'s size and kind.

    Small (at most :data:`SMALL_PAIRS` pairs): every facility in the kernel, then a
    proof in half the time left. Large single source: a multi-source kernel search, then
    a kernel of 20 facilities and the 6 cheapest arcs per customer (no proof). Large
    multi-source: a kernel of 15 facilities, then a proof in 85% of the time left.
    """
    if problem.m * problem.n <= SMALL_PAIRS:
        return LagrangianOptions(max_kernel=problem.m, prove_share=0.5)
    if problem.single_source:
        return LagrangianOptions(max_kernel=20, arcs_per_customer=6, multi_source_share=0.4,
                                 multi_source_kernel=12)
    return LagrangianOptions(max_kernel=15, prove_share=0.85)


def solve_lagrangian(problem: FacilityProblem, *, time_limit: float = 60.0, seed: int = 0,
                     backend: str = "scip", options: LagrangianOptions | None = None,
                     lagrangian_share: float = 0.2,
                     max_kernel: int = 40, arcs_per_customer: int = 0,
                     iterations: int = 300, multi_source_share: float = 0.0,
                     multi_source_kernel: int = 15, max_candidates: int = 12,
                     probe_share: float = 0.0, probe_iterations: int = 60,
                     prove_share: float = 0.0, prove_iterations: int = 1500,
                     on_solution: Callable[[FacilityResult], None] | None = None,
                     on_bound: Callable[[float], None] | None = None,
                     incumbent: Callable[[], FacilityResult | None] | None = None
                     ) -> FacilityResult:
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
    options
        The tuning (see :class:`LagrangianOptions`). When given it replaces the tuning
        keywords below, which are kept for existing callers and mean the same fields.
    lagrangian_share, max_kernel, arcs_per_customer, iterations
        The fields of :class:`LagrangianOptions` of the same names, used when ``options``
        is ``None`` (as are ``multi_source_share``, ``multi_source_kernel``,
        ``max_candidates``, ``probe_share``, ``probe_iterations``, ``prove_share`` and
        ``prove_iterations``).
    on_solution, on_bound
        Called with the solution after each phase / with the Lagrangian bound as soon as
        known (the portfolio, :mod:`circularopt.siting.portfolio`, shares them).
    incumbent
        Called before the kernel phase and before the proof: a cheaper solution found
        elsewhere (another portfolio method) replaces the run's own, so that the
        reduced-cost tests, probing and kernels use its cost; ``info["adopted_cost"]``
        records the last one taken.

    Returns
    -------
    FacilityResult
        ``method`` says which phase found the returned solution; ``info`` holds the cost
        after each phase.
    """
    if backend not in ("scip", "cpsat", "highs", "none"):
        raise InputError("backend", backend, "'scip', 'cpsat', 'highs' or 'none'")
    if options is None:
        options = LagrangianOptions(
            lagrangian_share=lagrangian_share, max_kernel=max_kernel,
            arcs_per_customer=arcs_per_customer, iterations=iterations,
            multi_source_share=multi_source_share, multi_source_kernel=multi_source_kernel,
            max_candidates=max_candidates, probe_share=probe_share,
            probe_iterations=probe_iterations, prove_share=prove_share,
            prove_iterations=prove_iterations)
    run = _Run(problem, options, backend, seed, time.monotonic(), time_limit,
               np.random.default_rng(seed), on_solution=on_solution, incumbent=incumbent)
    best = _first_solution(run)
    upper = best.cost if best is not None else _loose_upper_bound(problem)
    run.info["initial_cost"] = upper
    lb = lagrangian_bound(problem, upper=upper, iterations=options.iterations,
                          deadline=run.start + options.lagrangian_share * time_limit)
    run.info["lagrangian_bound"] = lb.bound
    run.info["iterations"] = lb.iterations
    if on_bound is not None:
        on_bound(lb.bound)
    best = _heuristic_phase(run, lb, best)
    run.tell(best)
    best = run.adopt(best)
    run.info["heuristic_cost"] = None if best is None else best.cost
    if backend == "none" or best is None or time.monotonic() > run.deadline - 3.0:
        return _finish(problem, best, lb.bound, run.start, "lagrangian", run.info)
    return _kernel_phase(run, lb, best)


@dataclass
class _Run:
    """One run of :func:`solve_lagrangian`: its settings, clock and facts."""

    problem: FacilityProblem
    options: LagrangianOptions
    backend: str
    seed: int
    start: float
    time_limit: float
    rng: np.random.Generator
    info: dict[str, object] = field(default_factory=dict)
    on_solution: Callable[[FacilityResult], None] | None = None
    incumbent: Callable[[], FacilityResult | None] | None = None

    def adopt(self, best: FacilityResult | None) -> FacilityResult | None:
        """``best``, or the ``incumbent`` hook's solution when that is cheaper."""
        other = None if self.incumbent is None else self.incumbent()
        if other is None or not other.has_solution or (
                best is not None and other.cost >= best.cost - 1e-9):
            return best
        self.info["adopted_cost"] = other.cost
        return other

    def tell(self, best: FacilityResult | None) -> None:
        """Pass ``best`` to the ``on_solution`` hook, if any."""
        if best is not None and self.on_solution is not None:
            self.on_solution(best)

    @property
    def deadline(self) -> float:
        return self.start + self.time_limit

    def repair(self, open_idx: list[int], moves: bool) -> FacilityResult | None:
        """A solution opening ``open_idx``, or ``None``.

        A single-source solution is feasible for both variants and fast to improve;
        multi-source flows are re-optimised by a transportation LP at the end.
        """
        sol = _single_source(self.problem, open_idx, self.rng, moves)
        if sol is None and not self.problem.single_source:
            sol = _transport(self.problem, open_idx)
        return sol


def _first_solution(run: _Run) -> FacilityResult | None:
    """Open facilities by increasing fixed cost per capacity until the demand is covered
    with 20% (then 50%, 100%, unlimited) slack, and repair."""
    problem = run.problem
    order = list(np.argsort(problem.fixed_cost / np.maximum(problem.capacity, 1e-12)))
    best: FacilityResult | None = None
    for slack in (1.2, 1.5, 2.0, math.inf):
        opened: list[int] = []
        for i in order:
            if problem.capacity[opened].sum() >= slack * problem.total_demand:
                break
            opened.append(int(i))
        best = run.repair(sorted(opened), True)
        if best is not None:
            break
    return best


def _loose_upper_bound(problem: FacilityProblem) -> float:
    """Every facility open and each customer at its dearest finite cost."""
    return float(problem.fixed_cost.sum() + np.where(np.isfinite(problem.cost), problem.cost,
                                                     0).max(axis=0).sum())


def _heuristic_phase(run: _Run, lb: LagrangianBound,
                     best: FacilityResult | None) -> FacilityResult | None:
    """The open sets the relaxation proposed last, assigned and polished by customer
    moves; the best two then get facility moves (close, open, swap)."""
    problem, share, limit = run.problem, run.options.lagrangian_share, run.time_limit
    pool: dict[tuple[int, ...], FacilityResult] = {}
    heur_deadline = run.start + (share + 0.1) * limit
    for cand in reversed(lb.candidates):
        if time.monotonic() > heur_deadline or len(pool) >= run.options.max_candidates:
            break
        fixed_cand = _cover_open(problem, list(cand))
        if fixed_cand not in pool:
            sol = run.repair(list(fixed_cand), True)
            if sol is not None:
                pool[fixed_cand] = sol
    if best is not None:
        pool[best.open_facilities] = best
    search_deadline = run.start + (share + 0.2) * limit
    for sol in sorted(pool.values(), key=lambda r: r.cost)[:2]:
        if time.monotonic() > search_deadline or sol.single_source_assignment() is None:
            continue
        polished = _facility_search(problem, sol, search_deadline)
        if best is None or polished.cost < best.cost - 1e-9:
            best = polished
    if best is not None and not problem.single_source:
        flows = _transport(problem, list(best.open_facilities))
        if flows is not None and flows.cost < best.cost:
            best = flows
    return best


def _kernel_phase(run: _Run, lb: LagrangianBound, best: FacilityResult) -> FacilityResult:
    """Probe, choose the kernel, solve it as a MIP (in rounds), and optionally prove."""
    problem, opts, info, backend = run.problem, run.options, run.info, run.backend
    ub = best.cost
    fixed = _probe(problem, lb, best, deadline=time.monotonic() + opts.probe_share * (
        run.deadline - time.monotonic()), iterations=opts.probe_iterations, info=info)
    must_open = np.flatnonzero(fixed == 1).tolist() or None
    score, kernel, proven = _rank_kernel(problem, lb, best, fixed == 0, opts.max_kernel)
    ms_open: np.ndarray | None = None
    if problem.single_source and opts.multi_source_share > 0:
        best, kernel, ms_open = _add_multi_source(run, score, kernel, best)
        proven = proven and ms_open is None
    kernel = np.array(sorted(set(kernel.tolist()) | set(best.open_facilities)))
    arcs = None
    if problem.single_source:
        arcs = _kernel_arcs(problem, lb, best, kernel, ms_open, ub, opts.arcs_per_customer)
        proven = proven and opts.arcs_per_customer <= 0
    info["kernel_facilities"] = len(kernel)
    info["kernel_arcs"] = int(arcs[kernel].sum()) if arcs is not None else len(kernel) * problem.n
    info["kernel_start_cost"] = best.cost
    remaining = run.deadline - time.monotonic()
    if remaining < 3.0:
        return _finish(problem, best, lb.bound, run.start, "lagrangian", info)
    kernel_deadline = run.deadline if opts.prove_share <= 0 \
        else run.deadline - opts.prove_share * remaining
    mip = solve_mip(problem, backend=backend,
                    time_limit=max(1.0, kernel_deadline - time.monotonic() - 1.0),
                    seed=run.seed, facilities=kernel.tolist(), arcs=arcs,
                    hint=best if backend != "highs" else None,
                    must_open=must_open if proven else None)
    info["kernel_cost"] = mip.cost if mip.has_solution else None
    info["kernel_status"] = mip.status
    if mip.has_solution and mip.cost < best.cost - 1e-9:
        best = mip
        run.tell(best)
    best, mip = _kernel_rounds(run, score, kernel, best, mip, proven, kernel_deadline)
    bound = _kernel_bound(lb.bound, best, mip, proven)
    method = f"lagrangian+kernel-{backend}"
    best = run.adopt(best) or best
    if (opts.prove_share > 0 and bound < best.cost - 1e-9 * max(1.0, abs(best.cost))
            and run.deadline - time.monotonic() > 5.0):
        best, proof_bound = _prove(problem, lb, best, deadline=run.deadline, backend=backend,
                                   seed=run.seed, iterations=opts.prove_iterations,
                                   probe_iterations=opts.probe_iterations, info=info)
        bound = max(bound, proof_bound)
        method = f"lagrangian+kernel+proof-{backend}"
    return _finish(problem, best, bound, run.start, method, info)


def _rank_kernel(problem: FacilityProblem, lb: LagrangianBound, best: FacilityResult,
                 closed_fixed: np.ndarray, max_kernel: int
                 ) -> tuple[np.ndarray, np.ndarray, bool]:
    """Facility ranking (how often the relaxation opens each), the kernel, and whether
    the kernel holds every facility not fixed closed (so its optimum is proven)."""
    usage = np.zeros(problem.m)
    for cand in lb.candidates:
        usage[list(cand)] += 1
    score = usage - 1e-12 * lb.facility_value
    score[list(best.open_facilities)] = np.inf
    score[closed_fixed] = -np.inf
    kernel = np.flatnonzero(~closed_fixed | np.isin(np.arange(problem.m),
                                                    best.open_facilities))
    proven = len(kernel) <= max_kernel
    if not proven:
        kernel = np.sort(np.argsort(-score)[:max_kernel])
    return score, kernel, proven


def _add_multi_source(run: _Run, score: np.ndarray, kernel: np.ndarray,
                      best: FacilityResult
                      ) -> tuple[FacilityResult, np.ndarray, np.ndarray | None]:
    """Kernel search on the multi-source relaxation (HiGHS) proposes the facility choice;
    its open set joins the single-source kernel and seeds a new incumbent."""
    problem = run.problem
    ms = _multi_source_kernel_search(
        problem, list(np.argsort(-score)), run.options.multi_source_kernel,
        time.monotonic() + run.options.multi_source_share * (run.deadline - time.monotonic()),
        run.info)
    if ms is None:
        return best, kernel, None
    cand_ss = _single_source(problem, list(ms.open_facilities), run.rng, True)
    if cand_ss is not None and cand_ss.cost < best.cost - 1e-9:
        best = cand_ss
    kernel = np.array(sorted(set(kernel.tolist()) | set(ms.open_facilities)))
    return best, kernel, np.array(ms.open_facilities)


def _kernel_arcs(problem: FacilityProblem, lb: LagrangianBound, best: FacilityResult,
                 kernel: np.ndarray, ms_open: np.ndarray | None, ub: float,
                 arcs_per_customer: int) -> np.ndarray:
    """Single source: the arcs passing the reduced-cost test against ``ub`` (optionally
    only the cheapest per customer), plus the incumbent's."""
    arc_lb = lb.open_bound[:, None] + np.maximum(lb.arc_reduced_cost, 0.0)
    arcs = arc_lb <= ub
    if arcs_per_customer > 0:
        allowed = arcs
        arcs = _cheapest_arcs(problem, kernel, allowed, arcs_per_customer)
        if ms_open is not None:
            arcs |= _cheapest_arcs(problem, ms_open, allowed, arcs_per_customer)
    arcs[best.assignment > 0.5] = True
    return arcs


def _kernel_rounds(run: _Run, score: np.ndarray, kernel: np.ndarray, best: FacilityResult,
                   mip: FacilityResult, proven: bool, kernel_deadline: float
                   ) -> tuple[FacilityResult, FacilityResult]:
    """Multi-source kernel search: while the kernel is solved early, swap in the next
    bucket of facilities of the ranking around the incumbent's open set."""
    problem, backend = run.problem, run.backend
    rest = [int(i) for i in np.argsort(-score) if int(i) not in set(kernel.tolist())]
    rounds = 1
    while (not problem.single_source and not proven and rest
           and mip.info.get("restricted_optimal") and kernel_deadline - time.monotonic() > 5.0):
        facilities = sorted(set(best.open_facilities) | set(rest[:6]))
        rest = rest[6:]
        mip = solve_mip(problem, backend=backend,
                        time_limit=kernel_deadline - time.monotonic() - 1.0,
                        seed=run.seed, facilities=facilities,
                        hint=best if backend != "highs" else None)
        rounds += 1
        if mip.has_solution and mip.cost < best.cost - 1e-9:
            best = mip
    run.info["kernel_rounds"] = rounds
    return best, mip


def _kernel_bound(bound: float, best: FacilityResult, mip: FacilityResult,
                  proven: bool) -> float:
    """The Lagrangian bound, raised by the last kernel MIP when the kernel is proven."""
    kernel_bound = mip.info.get("kernel_bound")
    if proven and isinstance(kernel_bound, float):
        bound = max(bound, kernel_bound)
    if proven and mip.info.get("restricted_optimal"):
        bound = max(bound, best.cost)
    return bound


def _prove(problem: FacilityProblem, lb: LagrangianBound, best: FacilityResult, *,
           deadline: float, backend: str, seed: int, iterations: int,
           probe_iterations: int, info: dict[str, object]) -> tuple[FacilityResult, float]:
    """Try to prove ``best`` optimal (or find better): returns the best and a bound.

    The multipliers are re-optimised with ``best.cost`` as target (30% of the time),
    facilities are fixed by :func:`_probe` (30% of what is left), and the facilities
    still free form a MIP with the fixed-open ones forced open (single source: only the
    arcs passing the same test). Every solution at least
    as good as ``best`` lies in that MIP, so the optimum is ``min(best.cost, MIP
    optimum)`` and ``min(best.cost, MIP bound)`` is a valid lower bound.
    """
    now = time.monotonic()
    sharp = lagrangian_bound(problem, upper=best.cost, iterations=iterations,
                             deadline=now + 0.3 * (deadline - now), stall_limit=30,
                             multipliers=lb.multipliers, step=0.5)
    bound = max(lb.bound, sharp.bound)
    info["refined_bound"] = sharp.bound
    info["refine_iterations"] = sharp.iterations
    if bound >= best.cost - 1e-9 * max(1.0, abs(best.cost)):
        return best, bound
    now = time.monotonic()
    fixed = _probe(problem, sharp, best, deadline=now + 0.3 * (deadline - now),
                   iterations=probe_iterations, info=info)
    kernel = np.flatnonzero(fixed != 0)
    info["proof_kernel"] = len(kernel)
    ub = best.cost
    arcs = None
    if problem.single_source:
        # an arc whose bound (facility forced open plus the arc's knapsack penalty)
        # exceeds the incumbent is unused in every solution at least as good
        arcs = (sharp.open_bound[:, None] + np.maximum(sharp.arc_reduced_cost, 0.0)
                <= ub + 1e-9 * max(1.0, abs(ub)))
        arcs[best.assignment > 0.5] = True
        info["proof_arcs"] = int(arcs[kernel].sum())
    mip = solve_mip(problem, backend=backend, time_limit=deadline - time.monotonic() - 1.0,
                    seed=seed, facilities=kernel.tolist(), arcs=arcs,
                    must_open=np.flatnonzero(fixed == 1).tolist() or None,
                    hint=best if backend != "highs" else None)
    info["proof_status"] = mip.status
    if mip.has_solution and mip.cost < best.cost - 1e-9:
        best = mip
    kernel_bound = mip.info.get("kernel_bound")
    if mip.info.get("restricted_optimal"):
        bound = max(bound, best.cost)
    elif isinstance(kernel_bound, float):
        bound = max(bound, min(ub, kernel_bound))
    return best, bound


def _probe(problem: FacilityProblem, lb: LagrangianBound, best: FacilityResult, *,
           deadline: float, iterations: int, info: dict[str, object],
           patience: int = 6) -> np.ndarray:
    """Fix facilities by probing: 0 closed, 1 open, -1 free, valid for the optimum.

    A facility whose Lagrangian bound with it forced open exceeds ``best.cost`` is
    closed in every solution at least as good as ``best`` (so in an optimal one); one
    whose bound with it forced closed does is open in every such solution. First the
    bounds at the best multipliers (``lb.open_bound``, ``lb.closed_bound``), then, until
    ``deadline``, a short subgradient run per free facility (most promising first),
    started from those multipliers with the fixings found so far; it stops after
    ``patience`` probes in a row fix nothing.
    """
    ub = best.cost
    limit = ub + 1e-9 * max(1.0, abs(ub))
    opened = np.zeros(problem.m, dtype=bool)
    opened[list(best.open_facilities)] = True
    fixed = np.full(problem.m, -1)
    fixed[(lb.open_bound > limit) & ~opened] = 0
    fixed[(lb.closed_bound > limit) & opened] = 1
    info["fixed_closed"] = int((fixed == 0).sum())
    info["fixed_open"] = int((fixed == 1).sum())
    gap = np.where(opened, lb.closed_bound, lb.open_bound)
    probes = failed = 0
    for i in np.argsort(-gap, kind="stable"):
        if time.monotonic() > deadline or failed >= patience:
            break
        if fixed[i] >= 0:
            continue
        trial = fixed.copy()
        trial[i] = 0 if opened[i] else 1
        res = lagrangian_bound(problem, upper=limit, iterations=iterations,
                               deadline=deadline, stall_limit=10, fixed=trial,
                               multipliers=lb.multipliers, step=0.5, probe=False)
        probes += 1
        if res.bound > limit:
            fixed[i] = 1 if opened[i] else 0
            failed = 0
        else:
            failed += 1
    info["probes"] = probes
    info["probed_closed"] = int((fixed == 0).sum())
    info["probed_open"] = int((fixed == 1).sum())
    return fixed


def _multi_source_kernel_search(problem: FacilityProblem, ranked: list[int], size: int,
                                until: float, info: dict[str, object],
                                bucket: int = 6) -> FacilityResult | None:
    """Kernel search on the multi-source relaxation (HiGHS) for the facility choice.

    Solves the multi-source MIP on the ``size`` best-ranked facilities, then repeatedly on
    the best open set plus the next ``bucket`` facilities of the ranking, until ``until``.
    """
    relaxed = problem.with_single_source(False)
    best: FacilityResult | None = None
    facilities, rest = ranked[:size], ranked[size:]
    rounds = 0
    while until - time.monotonic() > 2.0:
        res = solve_mip(relaxed, backend="highs", time_limit=until - time.monotonic(),
                        facilities=facilities, relative_gap=1e-4)
        rounds += 1
        if res.has_solution and (best is None or res.cost < best.cost - 1e-9):
            best = res
        if not rest:
            break
        base = list(best.open_facilities) if best is not None else facilities
        facilities, rest = sorted(set(base) | set(rest[:bucket])), rest[bucket:]
    info["multi_source_cost"] = None if best is None else best.cost
    info["multi_source_rounds"] = rounds
    return best


def _cheapest_arcs(problem: FacilityProblem, facilities: np.ndarray, allowed: np.ndarray,
                   k: int) -> np.ndarray:
    """Mask of the ``k`` cheapest allowed pairs per customer among ``facilities``."""
    inside = np.isin(np.arange(problem.m), facilities)[:, None] & allowed
    cc = np.where(inside, problem.cost, np.inf)
    rank = np.argsort(np.argsort(cc, axis=0, kind="stable"), axis=0)
    return inside & (rank < k)


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


def _reassign(c: np.ndarray, d: np.ndarray, rem: np.ndarray, where: np.ndarray,
              usable: np.ndarray, customers: np.ndarray) -> bool:
    """Put ``customers`` (largest first) on their cheapest usable facility with room."""
    for j in customers[np.argsort(-d[customers], kind="stable")]:
        ok = usable & (rem >= d[j] - 1e-9)
        if not ok.any():
            return False
        k = int(np.flatnonzero(ok)[np.argmin(c[ok, j])])
        where[j] = k
        rem[k] -= d[j]
    return True


def _pull(c: np.ndarray, d: np.ndarray, rem: np.ndarray, where: np.ndarray, b: int) -> None:
    """Move customers to facility ``b`` by decreasing saving while it has room."""
    n = len(d)
    saving = c[where, np.arange(n)] - c[b]
    for j in np.argsort(-saving):
        if saving[j] <= 1e-9:
            break
        if where[j] != b and rem[b] >= d[j] - 1e-9:
            rem[where[j]] += d[j]
            rem[b] -= d[j]
            where[j] = b


def _facility_search(problem: FacilityProblem, best: FacilityResult, deadline: float,
                     neighbours: int = 8) -> FacilityResult:
    """Close, open and swap facilities of a single-source solution while it pays.

    Each move reassigns the affected customers greedily and is kept when the total cost
    (fixed plus assignment) drops; customer shift and swap moves polish the result.
    """
    moves = _FacilityMoves(problem)
    where = np.argmax(best.assignment, axis=0)
    is_open = np.zeros(problem.m, dtype=bool)
    is_open[list(best.open_facilities)] = True
    current = moves.total(where, is_open)
    improved = True
    while improved and time.monotonic() < deadline:
        found = moves.close_or_swap(where, is_open, current, deadline, neighbours)
        if found is None:
            found = moves.open_one(where, is_open, current)
        improved = found is not None
        if found is not None:
            where, is_open, current = found
    return moves.polished(where, is_open)


class _FacilityMoves:
    """Facility moves of :func:`_facility_search` on one single-source problem."""

    def __init__(self, problem: FacilityProblem) -> None:
        self.problem = problem
        self.c = np.where(np.isfinite(problem.cost), problem.cost, 1e30)
        self.d, self.f = problem.demand, problem.fixed_cost

    def total(self, w: np.ndarray, o: np.ndarray) -> float:
        return float(self.f[o].sum() + self.c[w, np.arange(self.problem.n)].sum())

    def remaining(self, w: np.ndarray) -> np.ndarray:
        return self.problem.capacity - np.bincount(w, weights=self.d, minlength=self.problem.m)

    def close_or_swap(self, where: np.ndarray, is_open: np.ndarray, current: float,
                      deadline: float, neighbours: int
                      ) -> tuple[np.ndarray, np.ndarray, float] | None:
        """The first improving closing of an open facility (dearest first), alone or
        swapped with one of its ``neighbours`` cheapest closed ones; ``None`` if none."""
        c, d, f = self.c, self.d, self.f
        for a in sorted(np.flatnonzero(is_open), key=lambda k: -f[k]):
            if time.monotonic() > deadline:
                return None
            mine = np.flatnonzero(where == a)
            closed = np.flatnonzero(~is_open)
            near = closed[np.argsort(f[closed] + c[np.ix_(closed, mine)].sum(axis=1))]
            for b in [-1, *near[:neighbours].tolist()]:
                w, o = where.copy(), is_open.copy()
                o[a] = False
                if b >= 0:
                    o[b] = True
                rem = self.remaining(w)
                rem[a] += d[mine].sum()
                if not _reassign(c, d, rem, w, o, mine):
                    continue
                if b >= 0:
                    _pull(c, d, rem, w, b)
                value = self.total(w, o)
                if value < current - 1e-9:
                    return w, o, value
        return None

    def open_one(self, where: np.ndarray, is_open: np.ndarray, current: float
                 ) -> tuple[np.ndarray, np.ndarray, float] | None:
        """The first improving opening of a closed facility; ``None`` if none."""
        for b in np.flatnonzero(~is_open):
            w = where.copy()
            rem = self.remaining(w)
            _pull(self.c, self.d, rem, w, int(b))
            o = is_open.copy()
            o[b] = True
            value = self.total(w, o)
            if value < current - 1e-9:
                return w, o, value
        return None

    def polished(self, where: np.ndarray, is_open: np.ndarray) -> FacilityResult:
        """Customer shift and swap moves among the open facilities; the result."""
        problem, d = self.problem, self.d
        idx = np.flatnonzero(is_open)
        local = np.searchsorted(idx, where)
        rem = problem.capacity[idx] - np.bincount(local, weights=d, minlength=len(idx))
        _improve(self.c[idx], d, rem, local)
        where = idx[local]
        out = np.zeros((problem.m, problem.n))
        out[where, np.arange(problem.n)] = 1.0
        used = sorted(set(where.tolist()))
        return FacilityResult(tuple(used), out, problem.solution_cost(used, out), "feasible",
                              None, 0.0, "local-search")


def _finish(problem: FacilityProblem, best: FacilityResult | None, bound: float,
            start: float, method: str, info: dict[str, object]) -> FacilityResult:
    seconds = time.monotonic() - start
    if best is None:
        return FacilityResult((), np.zeros((0, 0)), math.inf, "no_solution", bound, seconds,
                              method, info)
    status = "optimal" if best.cost - bound <= 1e-6 * max(1.0, abs(best.cost)) else "feasible"
    return FacilityResult(best.open_facilities, best.assignment, best.cost, status,
                          min(bound, best.cost), seconds, method, info)
