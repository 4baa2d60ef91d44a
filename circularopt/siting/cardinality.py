r"""Split a single-source CFLP on the number of open facilities :math:`k = \sum_i y_i`.

On tight instances (capacities 92-99% full at the fewest facilities that hold the
demand, :math:`k_{min}`) the optimum often opens exactly :math:`k_{min}` facilities,
and the solutions opening more are easy to bound above it; the hard part is the
:math:`k_{min}` packing. :func:`solve_split` partitions the solutions by
their count into *classes* :math:`k = k_{min}, k_{min}+1, \dots` and a tail
:math:`k \ge K` (every solution opens at least :math:`k_{min}` facilities, so the classes
cover all of them) and, for each class,

1. bounds it by the Lagrangian relaxation of the assignment rows with the count added:
   the subproblem picks the cheapest facility knapsacks (:func:`count_cover`) subject
   to :math:`lo \le \sum_i y_i \le hi` and the capacity cover (stronger than the
   free choice of :func:`~circularopt.siting.lagrangian.lagrangian_bound` above
   :math:`k_{min}`; at :math:`k_{min}` the free choice already opens that many);
2. closes the class when that bound reaches the incumbent's cost :math:`UB`;
3. otherwise (open classes, :math:`k_{min}` first) fixes facilities and pairs by reduced
   costs against :math:`UB` with the class's multipliers
   (:func:`~circularopt.siting.reduced.reduce_problem`) and gives the reduced problem to
   CP-SAT (or SCIP) with the count rows, a cutoff row (cost below :math:`UB`) and
   *band rows*: a solution opening at most :math:`hi` facilities leaves at most
   :math:`\sigma = ` (the :math:`hi` largest capacities) :math:`- D` unused, so each open
   facility carries at least :math:`s_i - \sigma` (:func:`slack`; at :math:`k_{min}`
   with 99% full packings this nearly fixes every load). *Infeasible* closes the class;
   a solution found improves :math:`UB`. The same floor is in the Lagrangian
   subproblem's knapsacks (exact when demands and capacities are integers).

Why the proof holds: every feasible solution lies in exactly one class, so
:math:`\min_c LB_c` over the classes is a lower bound on the optimum, and it is posted
as the overall bound (capped at :math:`UB`). A class is *closed* only when no solution in
it costs less than :math:`UB` (its bound reaches :math:`UB`; with integer data, exceeds
:math:`UB - 1`), so when every class is closed the incumbent is optimal. A class left
open keeps its best bound, and the overall bound is that minimum, not the bound of the
classes closed.

A class counts the facilities *open* (:math:`y_i = 1`), which may include an empty one;
such a solution costs more than the same without it, so each class still holds every
solution whose used facilities number :math:`k`, and the bounds stay valid.

Caveats: the classes close only against an incumbent near the optimum (the reduction
and the cutoff are as strong as it). SCIP (through MathOpt) cannot be stopped
mid-solve; each SCIP run gets a share of the time left and ends by its own limit. The
count DP of a cover with unequal
capacities rounds capacities up to units of the demand left / 500 (a relaxation: the
bound stays valid, a little weaker).
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as np

from circularopt._validate import choice, integer, number
from circularopt.exceptions import InputError
from circularopt.siting.cflp import FacilityProblem, FacilityResult, fewest_facilities, solve_mip
from circularopt.siting.cpsat import solve_cpsat
from circularopt.siting.hooks import SolveHooks
from circularopt.siting.lagrangian import (
    LagrangianBound,
    _knapsacks,
    _unit_weights,
    solve_lagrangian,
)
from circularopt.siting.reduced import Reduction, cardinality_range, reduce_problem

__all__ = ["Class", "CountHandover", "count_bound", "count_cover", "slack",
           "solve_count_cpsat", "solve_count_scip", "solve_counts", "solve_split"]

_UNITS = 500
"""Capacity units of the count DP (unequal capacities), rounded up to fit."""


def count_cover(v: np.ndarray, s: np.ndarray, total: float, lo: int, hi: int, *,
                fixed: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """``min v y`` with ``s y >= total``, ``lo <= sum y <= hi``, ``y`` binary.

    ``fixed[i]`` is 1 (forced in), 0 (forced out) or -1 (free). Returns the choice ``y``
    and its value, ``inf`` when no choice is feasible. Equal capacities: the cheapest
    items, as many as needed, then the other negative ones up to ``hi``. Otherwise a
    DP over (count, capacity units) with capacities rounded up (a lower bound).
    """
    fixed = np.full(len(v), -1) if fixed is None else np.asarray(fixed)
    y = (fixed == 1).astype(float)
    free = np.flatnonzero(fixed < 0)
    rest = total - float((s * y).sum())
    lo_f, hi_f = max(0, lo - int(y.sum())), min(len(free), hi - int(y.sum()))
    if lo_f > hi_f:
        return y, math.inf
    sc, vc = s[free], v[free]
    if len(sc) == 0 or np.ptp(sc) <= 1e-9 * max(1.0, float(sc.max())):
        need = lo_f if rest <= 1e-9 else max(lo_f, math.ceil(rest / sc[0] - 1e-9))
        if need > hi_f:
            return y, math.inf
        order = np.argsort(vc, kind="stable")
        extra = int(np.sum(vc[order[need:hi_f]] < 0))
        y[free[order[:need + extra]]] = 1.0
    else:
        taken = _count_dp(vc, sc, rest, lo_f, hi_f)
        if taken is None:
            return y, math.inf
        y[free[taken]] = 1.0
    return y, float(v[y > 0].sum())


def _count_dp(v: np.ndarray, s: np.ndarray, rest: float, lo: int, hi: int
              ) -> np.ndarray | None:
    """Indices of the cheapest choice of ``lo..hi`` items covering ``rest`` (units capped
    at the need), or ``None``."""
    unit = max(rest, 1e-12) / _UNITS if rest > 1e-9 else 1.0
    need = math.ceil(rest / unit - 1e-9) if rest > 1e-9 else 0
    size = np.minimum(np.ceil(s / unit - 1e-9).astype(int), need)
    dp = np.full((hi + 1, need + 1), math.inf)
    dp[0, 0] = 0.0
    layers = [dp]
    for w, val in zip(size, v, strict=True):
        new = dp.copy()
        cand = np.full((hi, need + 1), math.inf)
        cand[:, w:] = dp[:-1, :need + 1 - w] + val
        cand[:, need] = np.minimum(cand[:, need], dp[:-1, need - w:].min(axis=1) + val)
        new[1:] = np.minimum(new[1:], cand)
        dp = new
        layers.append(dp)
    c = lo + int(np.argmin(dp[lo:, need]))
    if not math.isfinite(dp[c, need]):
        return None
    taken, u = [], need
    for t in range(len(v) - 1, -1, -1):
        before, now = layers[t], layers[t + 1][c, u]
        if before[c, u] == now:
            continue
        taken.append(t)
        w = int(size[t])
        if u < need:
            u -= w
        else:
            u = need - w + int(np.argmin(np.abs(before[c - 1, need - w:] + v[t] - now)))
        c -= 1
    return np.array(taken[::-1], dtype=int)


def slack(capacity: np.ndarray, total: float, hi: int) -> float:
    """Most unused capacity of a solution opening at most ``hi`` facilities: the ``hi``
    largest capacities minus the demand. Each open facility's load is at least its
    capacity minus this."""
    return float(np.sort(capacity)[::-1][:hi].sum()) - total


def _band_knapsacks(r: np.ndarray, w: np.ndarray, floor: np.ndarray, cap: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """0-1 knapsack per row with the load between ``floor`` and ``cap`` (integers):
    chosen items and values (``inf`` when no load in the band is reachable)."""
    m, n = r.shape
    top = int(cap.max())
    dp = np.full((m, top + 1), math.inf)
    dp[:, 0] = 0.0
    take = np.zeros((n, m, top + 1), dtype=bool)
    for j in range(n):
        wj = int(w[j])
        if wj > top:
            continue
        cand = np.full((m, top + 1), math.inf)
        cand[:, wj:] = dp[:, :top + 1 - wj] + r[:, j][:, None]
        take[j] = cand < dp - 1e-12
        dp = np.where(take[j], cand, dp)
    cols = np.arange(top + 1)[None, :]
    band = np.where((cols >= floor[:, None]) & (cols <= cap[:, None]), dp, math.inf)
    c = np.argmin(band, axis=1)
    value = band[np.arange(m), c]
    x = np.zeros((m, n))
    for i in np.flatnonzero(np.isfinite(value)):
        ci = int(c[i])
        for j in range(n - 1, -1, -1):
            if take[j, i, ci]:
                x[i, j] = 1.0
                ci -= int(w[j])
    return x, value


def _values(r: np.ndarray, problem: FacilityProblem, units: tuple[np.ndarray, np.ndarray],
            floor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each facility's band knapsack at reduced costs ``r``: choice, value ``v_i`` and
    the arcs' reduced costs (an arc forced in costs at least the continuous knapsack
    with it, which has no floor)."""
    d, s, f = problem.demand, problem.capacity, problem.fixed_cost
    _x, val, rc = _knapsacks(r, d, s)
    x, val01 = _band_knapsacks(r, units[0], floor, units[1])
    v = f + val01
    return x, v, (f + val)[:, None] + rc - np.where(np.isfinite(v), v, 0.0)[:, None]


def _floors(problem: FacilityProblem, hi: int,
            units: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Least load of an open facility in the class (0 unless the units are exact)."""
    exact = np.all(units[0] == problem.demand) and np.all(units[1] == problem.capacity)
    if not exact:
        return np.zeros(problem.m, dtype=int)
    low = problem.capacity - slack(problem.capacity, problem.total_demand, hi)
    return np.maximum(0, np.ceil(low - 1e-9)).astype(int)


def count_bound(problem: FacilityProblem, lo: int, hi: int, *, upper: float,
                iterations: int = 600, deadline: float | None = None,
                stall_limit: int = 30, multipliers: np.ndarray | None = None,
                step: float = 0.5, probe: bool = True) -> LagrangianBound:
    """The Lagrangian bound of the solutions opening ``lo..hi`` facilities.

    As :func:`~circularopt.siting.lagrangian.lagrangian_bound` (subgradient with
    Polyak's step towards ``upper``, 0-1 knapsack per facility), with the facilities
    chosen by :func:`count_cover`. ``bound`` is ``inf`` when no solution opens
    ``lo..hi`` facilities. ``open_bound``/``closed_bound`` hold for the class's
    solutions with that facility open/closed.
    """
    c = np.where(np.isfinite(problem.cost), problem.cost, 1e3 * max(upper, 1.0))
    d, s, f = problem.demand, problem.capacity, problem.fixed_cost
    lam = (c + (f / np.maximum(s, 1e-12))[:, None] * d[None, :]).min(axis=0) \
        if multipliers is None else np.array(multipliers, dtype=float)
    units = _unit_weights(problem)
    if units is None:
        raise InputError("problem", f"{problem.m} x {problem.n} with capacities up to "
                         f"{problem.capacity.max():g}", "knapsack tables of a size the "
                         "Lagrangian method handles")
    floor = _floors(problem, hi, units)
    alpha, best, stall = step, -math.inf, 0
    state: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    it = 0
    while it < iterations:
        it += 1
        x, v, rc = _values(c - lam[None, :], problem, units, floor)
        y, yval = count_cover(v, s, problem.total_demand, lo, hi)
        bound = float(lam.sum()) + yval
        if state is None or bound > best + 1e-9 * max(1.0, abs(best)):
            best, stall, state = bound, 0, (lam.copy(), v.copy(), rc)
        else:
            stall += 1
            if stall >= stall_limit:
                alpha, stall = alpha / 2.0, 0
        g = 1.0 - (x * y[:, None]).sum(axis=0)
        norm = float((g * g).sum())
        if (norm < 1e-12 or alpha < 1e-4 or bound > upper or not math.isfinite(bound)
                or (deadline is not None and time.monotonic() > deadline)):
            break
        lam = lam + alpha * max(upper - bound, 1e-9 * abs(upper)) / norm * g
    assert state is not None
    lam_b, v_b, rc_b = state
    opened, closed = _probe(problem, lo, hi, best, float(lam_b.sum()), v_b, probe)
    return LagrangianBound(best, lam_b, v_b, opened, closed, rc_b, (), it)


def _probe(problem: FacilityProblem, lo: int, hi: int, best: float, base: float,
           v: np.ndarray, probe: bool) -> tuple[np.ndarray, np.ndarray]:
    """The class's bound with each facility forced open, and forced closed."""
    opened, closed = np.full(problem.m, best), np.full(problem.m, best)
    for i in range(problem.m if probe and math.isfinite(best) else 0):
        for to, out in ((1, opened), (0, closed)):
            forced = np.full(problem.m, -1)
            forced[i] = to
            out[i] = base + count_cover(v, problem.capacity, problem.total_demand, lo, hi,
                                        fixed=forced)[1]
    return opened, closed


# --------------------------------------------------------------------------- split


@dataclass
class Class:
    """The solutions opening ``lo..hi`` facilities and what is known of them.

    ``bound`` is a lower bound on their cost; ``closed`` once none costs less than the
    incumbent.
    """

    lo: int
    hi: int
    bound: float = -math.inf
    closed: bool = False
    lagrangian: LagrangianBound | None = field(default=None, repr=False)
    upper: float = math.inf

    @property
    def name(self) -> str:
        return str(self.lo) if self.lo == self.hi else f">={self.lo}"


@dataclass
class _State:
    """The split's incumbent, classes and settings while it runs."""

    problem: FacilityProblem
    best: FacilityResult
    classes: list[Class]
    deadline: float
    hooks: SolveHooks
    prover: str
    seed: int
    workers: int
    integral: bool

    def beats(self, bound: float) -> bool:
        """Whether no solution with cost >= ``bound`` can be below the incumbent."""
        ub = self.best.cost
        return bound > ub - 1.0 + 1e-6 if self.integral else \
            bound >= ub - 1e-9 * max(1.0, abs(ub))

    def adopt(self, other: FacilityResult | None) -> None:
        if other is not None and other.has_solution and other.cost < self.best.cost - 1e-9:
            self.best = other

    def bound(self) -> float:
        """The overall bound: the least bound of the classes still open (capped)."""
        open_ = [c.bound for c in self.classes if not c.closed]
        return min([self.best.cost, *open_])

    def close(self) -> None:
        for c in self.classes:
            c.closed = c.closed or self.beats(c.bound)
        self.hooks.on_bound(self.bound())


def _integral(problem: FacilityProblem) -> bool:
    finite = problem.cost[np.isfinite(problem.cost)]
    both = np.concatenate([finite, problem.fixed_cost])
    return bool(np.all(both == np.round(both)))


def _bound_class(state: _State, cls: Class, multipliers: np.ndarray | None,
                 share: float) -> None:
    """Lagrangian bound of ``cls`` within ``share`` of the time left."""
    left = max(0.0, state.deadline - time.monotonic())
    lb = count_bound(state.problem, cls.lo, cls.hi, upper=state.best.cost,
                     iterations=1500, multipliers=multipliers,
                     deadline=time.monotonic() + share * left)
    cls.lagrangian, cls.bound = lb, max(cls.bound, lb.bound)
    cls.upper = state.best.cost


def _classes(state: _State, k_min: int, most: int) -> None:
    """Bound the classes ``k_min, k_min + 1, ...`` until the tail is closed (or
    ``most`` exact classes exist)."""
    m = state.problem.m
    multipliers = None
    for k in range(k_min, m + 1):
        exact = Class(k, k)
        state.classes.append(exact)
        _bound_class(state, exact, multipliers, 0.05)
        assert exact.lagrangian is not None
        multipliers = exact.lagrangian.multipliers
        if k == m:
            break
        tail = Class(k + 1, m)
        _bound_class(state, tail, multipliers, 0.05)
        if state.beats(tail.bound) or k + 1 - k_min >= most:
            state.classes.append(tail)
            break
    state.close()


def solve_split(problem: FacilityProblem, *, time_limit: float = 60.0, seed: int = 0,
                prover: str = "cpsat", workers: int = 4, most_classes: int = 4,
                hooks: SolveHooks | None = None) -> FacilityResult:
    """Solve a single-source CFLP by splitting on the number of open facilities.

    Parameters
    ----------
    problem
        A single-source problem.
    time_limit
        Seconds (wall clock).
    seed
        Seed of the heuristic and of the prover.
    prover
        ``"cpsat"`` (``workers`` threads) or ``"scip"`` (one thread) for the reduced
        problem of each open class, with the count rows and the band rows of
        :func:`solve_count_scip`.
    workers
        CP-SAT search workers.
    most_classes
        Most classes with one count before the rest is one tail class ``k >= K``.
    hooks
        ``incumbent``: the best solution known elsewhere (or ``None``);
        ``on_solution`` / ``on_bound`` get each improving solution / each bound on the
        whole problem; ``should_stop`` is polled to stop early.

    Returns
    -------
    FacilityResult
        ``method`` ``"split"``; ``"optimal"`` when every class is closed; ``info``
        ``classes`` has each class's count range, bound and whether it was closed.
    """
    if not problem.single_source:
        raise InputError("problem.single_source", False, "a single-source problem")
    choice("prover", prover, ["scip", "cpsat"])
    integer("most_classes", most_classes, lo=1)
    start = time.monotonic()
    hooks = hooks or SolveHooks()
    best = hooks.incumbent()
    if best is None or not best.has_solution:
        best = solve_lagrangian(problem, time_limit=max(1.0, 0.15 * time_limit), seed=seed,
                                backend="none", lagrangian_share=0.5,
                                on_solution=hooks.on_solution)
    state = _State(problem, best, [], start + time_limit, hooks, prover, seed, workers,
                   _integral(problem))
    if best.has_solution:
        state.adopt(hooks.incumbent())
        _classes(state, fewest_facilities(problem.capacity, problem.total_demand),
                 most_classes)
        _prove_open(state)
    return _answer(state, time.monotonic() - start)


def _answer(state: _State, seconds: float) -> FacilityResult:
    best = state.best
    proven = best.has_solution and bool(state.classes) and all(
        c.closed for c in state.classes)
    info = {"classes": [{"k": c.name, "bound": c.bound, "closed": c.closed}
                        for c in state.classes], "prover": state.prover}
    status = "optimal" if proven else ("feasible" if best.has_solution else best.status)
    bound = state.bound() if best.has_solution and state.classes else None
    return FacilityResult(best.open_facilities, best.assignment, best.cost, status,
                          bound, seconds, "split", info)


def _prove_open(state: _State) -> None:
    """Prove the open classes, fewest facilities first, sharing the time left."""
    while time.monotonic() < state.deadline - 0.5 and not state.hooks.should_stop():
        open_ = [c for c in state.classes if not c.closed]
        if not open_:
            return
        cls = open_[0]
        left = state.deadline - time.monotonic()
        _prove_class(state, cls, left / len(open_))
        state.close()
        if not cls.closed and len(open_) == 1 and \
                state.deadline - time.monotonic() < 1.0:
            return


def _prove_class(state: _State, cls: Class, limit: float) -> None:
    """Reduced-cost fixing for ``cls`` against the incumbent, then the prover."""
    state.adopt(state.hooks.incumbent())
    if state.beats(cls.bound):
        return
    lb = cls.lagrangian
    if lb is None or state.best.cost < cls.upper - 1e-9:
        lb = count_bound(state.problem, cls.lo, cls.hi, upper=state.best.cost,
                         iterations=300, stall_limit=20,
                         multipliers=None if lb is None else lb.multipliers,
                         deadline=time.monotonic() + 0.1 * limit)
        cls.lagrangian, cls.bound = lb, max(cls.bound, lb.bound)
        cls.upper = state.best.cost
    red = reduce_problem(state.problem, lb, state.best.cost)
    if red is None or state.beats(cls.bound):
        cls.bound = max(cls.bound, state.best.cost)
        return
    ub = state.best.cost
    cutoff = ub - 1.0 if state.integral else ub - 1e-6 * max(1.0, abs(ub))
    found = _solve_reduced(state, red, cls, cutoff,
                           max(0.5, min(limit, state.deadline - time.monotonic())))
    if found.status == "infeasible":
        cls.bound = max(cls.bound, ub)
        return
    if found.has_solution:
        lifted = red.lift(found, state.problem)
        if lifted.cost < state.best.cost - 1e-9:
            state.best = lifted
            state.hooks.on_solution(lifted)
    if found.status == "optimal":
        cls.bound = max(cls.bound, found.cost)
    elif found.bound is not None:
        cls.bound = max(cls.bound, min(found.bound, ub))


def _solve_reduced(state: _State, red: Reduction, cls: Class, cutoff: float,
                   limit: float) -> FacilityResult:
    """The reduced problem with ``cls``'s count rows and the cutoff row."""
    sub = red.problem
    hi = min(cls.hi, sub.m)
    if cls.lo > hi:
        return FacilityResult((), np.zeros((0, 0)), math.inf, "infeasible", None, 0.0,
                              "split")
    hint = red.restrict(state.best)
    room = slack(state.problem.capacity, state.problem.total_demand, cls.hi)
    if state.prover == "scip":
        return solve_count_scip(sub, cls.lo, hi, time_limit=limit, seed=state.seed,
                                hint=hint, cutoff=cutoff, slack=room)
    return solve_count_cpsat(sub, cls.lo, hi, time_limit=limit, seed=state.seed,
                             workers=state.workers, hint=hint, cutoff=cutoff, slack=room,
                             hooks=SolveHooks(should_stop=state.hooks.should_stop))


# --------------------------------------------------------------------------- hand-over

_COUNT_SHARE = 0.15
"""Share of a class's time for its Lagrangian count bound in :func:`solve_counts`."""


def solve_counts(problem: FacilityProblem, lo: int, hi: int, *, incumbent: FacilityResult,
                 time_limit: float = 60.0, seed: int = 0, prover: str = "cpsat",
                 workers: int = 1, hooks: SolveHooks | None = None,
                 multipliers: np.ndarray | None = None) -> FacilityResult:
    """Prove the classes ``k = lo..hi`` against ``incumbent``, or find a cheaper solution.

    For when every solution cheaper than ``incumbent`` is known to open ``lo..hi``
    facilities (:func:`~circularopt.siting.reduced.cardinality_range`): each class, most
    facilities first (the :math:`k_{min}` packing is the hardest, so it gets the time
    the others leave), gets :func:`count_bound`, then, if still open, reduced-cost
    fixing and the prover with count, band and cutoff rows (as :func:`solve_split`).
    ``multipliers`` (e.g. of the whole problem's Lagrangian bound) start the count
    bounds.

    Returns
    -------
    FacilityResult
        ``method`` ``"counts"``, ``"optimal"`` when every class is closed. The bound
        (least bound of the open classes, capped at the incumbent) holds for the whole
        problem only under that premise.
    """
    choice("prover", prover, ["scip", "cpsat"])
    if not 1 <= lo <= hi:
        raise InputError("counts", (lo, hi), "1 <= lo <= hi")
    start = time.monotonic()
    hooks = hooks or SolveHooks()
    state = _State(problem, incumbent, [Class(k, k) for k in range(hi, lo - 1, -1)],
                   start + time_limit, hooks, prover, seed, workers, _integral(problem))
    for i, cls in enumerate(state.classes):
        if time.monotonic() > state.deadline - 0.5 or hooks.should_stop():
            break
        state.adopt(hooks.incumbent())
        _bound_class(state, cls, multipliers, _COUNT_SHARE / (len(state.classes) - i))
        state.close()
    _prove_open(state)
    return dataclasses.replace(_answer(state, time.monotonic() - start), method="counts")


@dataclass(frozen=True, kw_only=True)
class CountHandover:
    """``handover`` of :func:`~circularopt.siting.reduced.solve_reduced`: once the
    Lagrangian bound shows that every solution cheaper than the incumbent opens
    ``lo..hi`` facilities, at most ``most_classes`` counts, and the band rows are
    strong, prove those classes with :func:`solve_counts` instead of the reduced whole
    problem.

    Parameters
    ----------
    most_classes
        Most counts in the range for the hand-over.
    min_fill
        Hand over only when a solution opening ``lo`` facilities (the hardest class;
        the others mostly close by their count bound) leaves at most ``1 - min_fill``
        of the smallest capacity unused (:func:`slack`), so the band rows hold each
        open facility at least that full. Holmberg p30-p32 (0.9 full at ``k_min``)
        prove by CP-SAT per class in 9-13 CPU s; at 0.19 (p57, p58) CP-SAT proved p58's
        class in 46 CPU s but stayed further from p57's than SCIP, so those keep the
        whole reduced problem (``docs/benchmarks.md``, *Siting portfolio*).
    prover, workers, seed
        As in :func:`solve_counts`.
    """

    most_classes: int = 3
    min_fill: float = 0.5
    prover: str = "cpsat"
    workers: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        integer("handover.most_classes", self.most_classes, lo=1)
        number("handover.min_fill", self.min_fill, lo=0.0, hi=1.0)
        choice("handover.prover", self.prover, ["scip", "cpsat"])

    def __call__(self, problem: FacilityProblem, best: FacilityResult,
                 bound: LagrangianBound, deadline: float, hooks: SolveHooks
                 ) -> FacilityResult | None:
        """The classes' proof, or ``None`` when the range is too wide."""
        counts = cardinality_range(problem, bound, best.cost)
        if counts is None or counts[1] - counts[0] >= self.most_classes:
            return None
        room = slack(problem.capacity, problem.total_demand, counts[0])
        if room > (1.0 - self.min_fill) * float(problem.capacity.min()):
            return None
        return solve_counts(problem, *counts, incumbent=best,
                            time_limit=max(0.5, deadline - time.monotonic()),
                            seed=self.seed, prover=self.prover, workers=self.workers,
                            hooks=hooks, multipliers=bound.multipliers)


# --------------------------------------------------------------------------- provers


def solve_count_scip(problem: FacilityProblem, lo: int, hi: int, *, time_limit: float,
                     seed: int = 0, hint: FacilityResult | None = None,
                     cutoff: float | None = None, slack: float | None = None,
                     heuristics: bool = True) -> FacilityResult:
    """:func:`~circularopt.siting.cflp.solve_mip` (SCIP, one thread) with the rows
    ``lo <= sum y <= hi`` and, given ``slack``, ``load_i >= (s_i - slack) y_i`` (valid
    when at most ``slack`` capacity stays unused); the bound holds for those
    solutions only. ``heuristics=False`` turns SCIP's primal heuristics off."""
    res = solve_mip(problem, backend="scip", time_limit=time_limit, seed=seed,
                    relative_gap=1e-9, hint=hint, cutoff=cutoff, cardinality=(lo, hi),
                    heuristics=heuristics, floors=_floors_of(problem, slack))
    return dataclasses.replace(res, method="split-scip")


def _floors_of(problem: FacilityProblem, slack: float | None) -> np.ndarray | None:
    """Least load of each open facility when at most ``slack`` capacity stays unused."""
    return None if slack is None else np.maximum(problem.capacity - slack, 0.0)


def solve_count_cpsat(problem: FacilityProblem, lo: int, hi: int, *, time_limit: float,
                      seed: int = 0, workers: int = 4, hint: FacilityResult | None = None,
                      cutoff: float | None = None, slack: float | None = None,
                      hooks: SolveHooks | None = None) -> FacilityResult:
    """:func:`~circularopt.siting.cpsat.solve_cpsat` with the rows of
    :func:`solve_count_scip` (``linearization_level`` 2)."""
    res = solve_cpsat(problem, time_limit=time_limit, seed=seed, workers=workers,
                      hint=hint, cutoff=cutoff, linearization=2, cardinality=(lo, hi),
                      floors=_floors_of(problem, slack), hooks=hooks)
    return dataclasses.replace(res, method="split-cpsat")
