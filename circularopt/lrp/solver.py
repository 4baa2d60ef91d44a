"""Locate-route-improve search for the location-routing problem (:func:`solve_lrp`)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from circularopt.exceptions import InfeasibleError, InputError, SolverError
from circularopt.lrp._routes import (
    changed_depots,
    depot_overload,
    polish_depots,
    reassign,
    repair_overload,
    route_depots,
)
from circularopt.lrp.model import LRPInstance, LRPSolution
from circularopt.lrp.validate import validate_lrp

__all__ = ["LRPEvaluation", "LRPResult", "solve_lrp"]


@dataclass(frozen=True)
class LRPEvaluation:
    """One routing run of the search: the depot set given, the plan's cost and budget."""

    depots: tuple[int, ...]
    open_depots: tuple[int, ...]
    cost: float | None
    seconds: float
    stage: str


@dataclass(frozen=True)
class LRPResult:
    """The plan found by :func:`solve_lrp` and how it was found.

    Parameters
    ----------
    instance
        Instance name.
    solution
        The best checked plan.
    cost
        Its cost recomputed by :func:`~circularopt.lrp.validate.validate_lrp`.
    seconds
        Wall time of the solve.
    engine, seed
        Routing engine and seed used.
    evaluations
        Every routing run, in order.
    info
        Numbers about the search (initial MIP set, calibration, ...).
    """

    instance: str
    solution: LRPSolution
    cost: float
    seconds: float
    engine: str
    seed: int
    evaluations: tuple[LRPEvaluation, ...] = ()
    info: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """A few human-readable lines."""
        sol = self.solution
        lines = [f"{self.instance}: cost {self.cost:,.2f}, {len(sol.open_depots)} depots "
                 f"open {list(sol.open_depots)}, {len(sol.routes)} routes, "
                 f"{self.seconds:.1f} s ({self.engine}, seed {self.seed})",
                 f"routing runs: {len(self.evaluations)} "
                 f"({sum(e.stage == 'evaluate' for e in self.evaluations)} evaluations of "
                 f"depot sets)"]
        if "mip_depots" in self.info:
            lines.append(f"initial CFLP depots {self.info['mip_depots']}, "
                         f"final calibration slope {self.info.get('slope', 1.0):.3f}")
        return "\n".join(lines)



def _greedy_assign(c: np.ndarray, cap: np.ndarray, dem: np.ndarray) -> float:
    """Regret-greedy single-source assignment cost (``inf`` if it does not fit)."""
    if c.shape[0] == 1:
        return float(c.sum()) if dem.sum() <= cap[0] + 1e-9 else math.inf
    part = np.partition(c, 1, axis=0)
    order = np.argsort(-(part[1] - part[0]), kind="stable")
    rem = cap.astype(float).copy()
    total = 0.0
    for i in order:
        fits = rem >= dem[i] - 1e-9
        if not fits.any():
            return math.inf
        j = int(np.argmin(np.where(fits, c[:, i], np.inf)))
        rem[j] -= dem[i]
        total += float(c[j, i])
    return total


def _transport(c: np.ndarray, cap: np.ndarray, dem: np.ndarray) -> float:
    """Multi-source assignment cost (transportation LP), ``inf`` if infeasible.

    Used when the greedy single-source assignment does not fit (tight capacities).
    """
    from scipy.optimize import linprog

    k, n = c.shape
    a_eq = np.zeros((n, k * n))
    a_ub = np.zeros((k, k * n))
    for j in range(k):
        a_eq[np.arange(n), j * n + np.arange(n)] = 1.0
        a_ub[j, j * n:(j + 1) * n] = dem
    res = linprog(c.ravel(), A_ub=a_ub, b_ub=cap, A_eq=a_eq, b_eq=np.ones(n),
                  bounds=(0, 1), method="highs")
    return float(res.fun) if res.status == 0 else math.inf


class _Search:
    """State of the locate-route-improve search (see :func:`solve_lrp`)."""

    def __init__(self, inst: LRPInstance, engine: str, seed: int, deadline: float) -> None:
        self.inst, self.engine, self.seed, self.deadline = inst, engine, seed, deadline
        m = inst.m
        radial = 2.0 * inst.cost[:m, m:] * inst.demand[None, :] / inst.vehicle_capacity
        self.assign_cost = radial + inst.route_cost * inst.demand[None, :] / \
            inst.vehicle_capacity
        self.samples: list[tuple[float, float]] = []  # (assignment estimate, routed var)
        self.estimates: dict[tuple[int, ...], float] = {}
        self.routed: dict[tuple[int, ...], float] = {}
        self.evaluations: list[LRPEvaluation] = []
        self.best: tuple[float, LRPSolution] | None = None
        self.repaired: dict[tuple[int, ...], bool] = {}
        self.prices: dict[tuple[int, ...], dict[int, float]] = {}

    def estimate(self, depots: tuple[int, ...]) -> float:
        if depots not in self.estimates:
            idx = list(depots)
            est = _greedy_assign(self.assign_cost[idx], self.inst.depot_capacity[idx],
                                 self.inst.demand)
            if not math.isfinite(est):
                est = _transport(self.assign_cost[idx], self.inst.depot_capacity[idx],
                                 self.inst.demand)
            self.estimates[depots] = est
        return self.estimates[depots]

    def line(self) -> tuple[float, float]:
        """Intercept and slope of routed variable cost against the estimate."""
        if not self.samples:
            return 0.0, 1.0
        xs = np.array([s[0] for s in self.samples])
        ys = np.array([s[1] for s in self.samples])
        slope = 1.0
        if len(xs) >= 2 and np.ptp(xs) > 1e-6 * max(1.0, float(np.abs(xs).max())):
            slope = float(np.clip(np.polyfit(xs, ys, 1)[0], 0.3, 3.0))
        return float(np.mean(ys - slope * xs)), slope

    def predict(self, depots: tuple[int, ...]) -> float:
        a, b = self.line()
        return float(self.inst.opening_cost[list(depots)].sum()) + a + b * self.estimate(depots)

    def run(self, depots: tuple[int, ...], seconds: float, stage: str,
            seed: int | None = None) -> tuple[float, tuple[int, ...]] | None:
        """Route ``depots`` and record the run (see :func:`solve_lrp` for the steps).

        Returns the plan's cost and the depots its routes use, or ``None``.
        """
        t0 = time.perf_counter()
        run_seed = self.seed if seed is None else seed
        seconds, polish = self._budgets(depots, min(seconds, self.deadline - t0), stage)
        sol = route_depots(self.inst, depots, engine=self.engine, seconds=seconds,
                           seed=run_seed, fleet="relaxed",
                           penalty=self.prices.setdefault(depots, {}))
        if sol is not None and depot_overload(self.inst, sol):
            sol = self._repair(depots, sol, seconds, polish, run_seed)
        left = self.deadline - time.perf_counter()
        if sol is None and left > 0.05:
            sol = route_depots(self.inst, depots, engine=self.engine, seed=run_seed,
                               fleet="exact", seconds=min(seconds, left))
        if sol is not None and not validate_lrp(self.inst, sol).ok:
            sol = None
        return self._record(depots, sol, stage, t0)

    def _budgets(self, depots: tuple[int, ...], seconds: float, stage: str
                 ) -> tuple[float, float]:
        """Routing seconds and capacity-repair polish seconds of a run."""
        if stage != "final":
            return seconds, 0.5 * seconds
        if self.repaired.get(depots, False):
            return 0.75 * seconds, 0.25 * seconds
        return seconds, 0.0

    def _repair(self, depots: tuple[int, ...], sol: LRPSolution, seconds: float,
                polish: float, seed: int) -> LRPSolution | None:
        """A plan of ``depots`` within their capacities from the overloading ``sol``.

        Reassigns customers by the MIP (else by cheapest insertion), updates the depots'
        Lagrangian prices, and re-routes the depots whose customers changed.
        """
        self.repaired[depots] = True
        price = self.prices.setdefault(depots, {})
        mip = min(2.0, max(0.5, 0.2 * seconds), self.deadline - time.perf_counter())
        moved, extra = reassign(self.inst, sol, depots, seed=seed, seconds=mip)
        over = depot_overload(self.inst, sol)
        for j in depots:
            if j in over and j in extra:
                price[j] = price.get(j, 0.0) + extra[j]
            elif j not in over and j in price:
                price[j] *= 0.5
        if moved is None:
            moved = repair_overload(self.inst, sol)
        left = self.deadline - time.perf_counter()
        if moved is not None and min(polish, left) > 0.05:
            moved = polish_depots(self.inst, moved, changed_depots(sol, moved),
                                  engine=self.engine, seconds=min(polish, left), seed=seed)
        return moved

    def _record(self, depots: tuple[int, ...], sol: LRPSolution | None, stage: str,
                t0: float) -> tuple[float, tuple[int, ...]] | None:
        """Keep a run's outcome: evaluation, calibration sample, best plan."""
        self.routed.setdefault(depots, math.inf)
        if sol is None:
            self.evaluations.append(LRPEvaluation(depots, (), None,
                                                  time.perf_counter() - t0, stage))
            return None
        cost = validate_lrp(self.inst, sol).cost
        used = sol.open_depots
        est = self.estimate(used)
        if math.isfinite(est):
            self.samples.append((est, cost - float(self.inst.opening_cost[list(used)].sum())))
        if self.best is None or cost < self.best[0]:
            self.best = (cost, sol)
        for key in (depots, used):
            self.routed[key] = min(self.routed.get(key, math.inf), cost)
            self.repaired.setdefault(key, self.repaired.get(depots, False))
        self.evaluations.append(LRPEvaluation(depots, used, cost, time.perf_counter() - t0,
                                              stage))
        return cost, used

    def neighbours(self, depots: tuple[int, ...]) -> list[tuple[int, ...]]:
        inst, cur = self.inst, set(depots)
        closed = [j for j in range(inst.m) if j not in cur]
        out = {tuple(sorted(cur - {j})) for j in cur}
        out |= {tuple(sorted(cur | {j})) for j in closed}
        out |= {tuple(sorted((cur - {i}) | {j})) for i in cur for j in closed}
        need = inst.total_demand - 1e-9
        return sorted(s for s in out if s and inst.depot_capacity[list(s)].sum() >= need
                      and s not in self.routed)


def _initial_depots(inst: LRPInstance, assign_cost: np.ndarray, seconds: float,
                    seed: int) -> tuple[int, ...]:
    """Depots opened by the CFLP MIP on the route-cost estimates (multi-source)."""
    from circularopt.siting import FacilityProblem, solve_mip

    problem = FacilityProblem(inst.opening_cost, inst.depot_capacity, inst.demand,
                              assign_cost, name=f"{inst.name} (LRP siting estimate)")
    res = solve_mip(problem, time_limit=max(0.1, seconds), seed=seed)
    if not res.has_solution:
        order = np.argsort(inst.opening_cost / np.maximum(inst.depot_capacity, 1e-9))
        cum = np.cumsum(inst.depot_capacity[order])
        k = int(np.searchsorted(cum, inst.total_demand - 1e-9)) + 1
        return tuple(sorted(int(j) for j in order[:k]))
    return tuple(int(j) for j in res.open_facilities)


def _final(search: _Search, depots: tuple[int, ...], seconds: float, eval_seconds: float,
           seed: int) -> float:
    """Long routing of ``depots`` within ``seconds``; the best cost of its runs.

    A set whose depots needed repair gets several shorter runs (seeds ``seed``,
    ``seed + 1``, ...) that update the Lagrangian depot prices in turn.
    """
    end = time.perf_counter() + seconds
    cycles = 1
    if search.repaired.get(depots, False):
        cycles = max(1, min(4, int(seconds / (4 * eval_seconds))))
    best = math.inf
    for k in range(cycles):
        left = end - time.perf_counter()
        if left <= 0.05:
            break
        out = search.run(depots, left / (cycles - k) - 0.02, "final", seed=seed + k)
        if out is not None:
            best = min(best, out[0])
    return best


def _check(inst: LRPInstance, engine: str, time_limit: float, final_share: float) -> None:
    """Refuse bad options and instances whose depots cannot hold the demand."""
    from circularopt.routing import ENGINES

    if engine not in ENGINES:
        raise InputError("engine", engine, f"one of {list(ENGINES)}")
    if not (math.isfinite(time_limit) and time_limit > 0):
        raise InputError("time_limit", time_limit, "a number of seconds > 0")
    if not 0.0 <= final_share < 1.0:
        raise InputError("final_share", final_share, "a fraction in [0, 1)")
    if inst.depot_capacity.sum() < inst.total_demand - 1e-9:
        raise InfeasibleError(
            f"{inst.name}: total depot capacity {inst.depot_capacity.sum():g} is less than "
            f"the total demand {inst.total_demand:g}; no plan can serve every customer")


def _improve(search: _Search, best_set: tuple[int, ...], best_eval: float,
             eval_seconds: float, reserve: float, tolerance: float
             ) -> tuple[float, tuple[int, ...]]:
    """Step (d): evaluate the best-predicted neighbour of the best set while it looks
    promising and time beyond ``reserve`` is left; the best cost and set."""
    while search.deadline - time.perf_counter() - reserve > eval_seconds:
        scored = sorted((search.predict(s), s) for s in search.neighbours(best_set))
        scored = [(p, s) for p, s in scored if math.isfinite(p)]
        if not scored or scored[0][0] > best_eval * (1 + tolerance):
            break
        out = search.run(scored[0][1], eval_seconds, "evaluate")
        if out is not None and out[0] < best_eval:
            best_eval, best_set = out
    return best_eval, best_set


def _final_set(search: _Search, best_set: tuple[int, ...], best_eval: float,
               eval_seconds: float, close: float, seed: int) -> tuple[int, ...]:
    """The set for the final run: the best, or the runner-up when its evaluation was
    within ``close`` and it does better in a trial of 30 % of the time left."""
    left = search.deadline - time.perf_counter()
    evals = sorted((e.cost, e.open_depots) for e in search.evaluations
                   if e.cost is not None and e.open_depots != best_set)
    rival = [sset for cost, sset in evals[:1] if cost <= best_eval * (1 + close)]
    if rival and left > 8 * eval_seconds:
        trial = {sset: _final(search, sset, 0.3 * left, eval_seconds, seed)
                 for sset in (best_set, rival[0])}
        return min(trial, key=lambda k: trial[k])
    return best_set


def solve_lrp(instance: LRPInstance, *, time_limit: float = 60.0, seed: int = 0,
              engine: str = "pyvrp", eval_seconds: float | None = None,
              final_share: float = 0.5, tolerance: float = 0.10,
              close: float = 0.02) -> LRPResult:
    """Solve a location-routing instance by locate-route-improve (see the module notes).

    Parameters
    ----------
    instance
        The instance.
    time_limit
        Wall-clock seconds for the whole solve (siting, evaluations and the final run).
    seed
        Seed of every routing run and of the MIP.
    engine
        Routing engine, ``"pyvrp"`` or ``"ortools"``.
    eval_seconds
        Budget of one evaluation run of a depot set; default ``n / 70`` seconds clamped
        to ``[0.2, time_limit / 12]``.
    final_share
        Least share of ``time_limit`` kept for the final run on the best depot set.
    tolerance
        Neighbours predicted more than this fraction above the best routed cost are not
        evaluated.
    close
        When the runner-up depot set's evaluation is within this fraction of the best,
        both get a trial run of 30 % of the final time before the rest goes to the better.

    Returns
    -------
    LRPResult
        The cheapest plan any run produced, checked by
        :func:`~circularopt.lrp.validate.validate_lrp`.

    Raises
    ------
    InputError
        Bad options.
    InfeasibleError
        The depots together cannot hold the demand.
    SolverError
        No routing run produced a feasible plan in time.
    """
    t0 = time.perf_counter()
    inst = instance
    _check(inst, engine, time_limit, final_share)
    deadline = t0 + time_limit
    search = _Search(inst, engine, seed, deadline)
    if inst.n == 0:
        sol = LRPSolution((), ())
        return LRPResult(inst.name, sol, 0.0, time.perf_counter() - t0, engine, seed)
    if eval_seconds is None:
        eval_seconds = min(max(0.2, inst.n / 70.0), time_limit / 12.0)
    start = _initial_depots(inst, search.assign_cost, min(5.0, 0.1 * time_limit), seed)
    best_set, best_eval = start, math.inf
    first = search.run(start, eval_seconds, "evaluate")
    if first is not None:
        best_eval, best_set = first
    best_eval, best_set = _improve(search, best_set, best_eval, eval_seconds,
                                   final_share * time_limit, tolerance)
    best_set = _final_set(search, best_set, best_eval, eval_seconds, close, seed)
    _final(search, best_set, deadline - time.perf_counter(), eval_seconds, seed)
    if search.best is None:
        raise SolverError(f"{inst.name}: no feasible plan found in {time_limit:g} s with "
                          f"engine {engine!r}; raise time_limit")
    cost, sol = search.best
    a, b = search.line()
    return LRPResult(inst.name, sol, cost, time.perf_counter() - t0, engine, seed,
                     tuple(search.evaluations),
                     {"mip_depots": list(start), "slope": b, "intercept": a,
                      "eval_seconds": eval_seconds})
