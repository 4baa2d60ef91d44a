"""Single-source CFLP solved directly with the OR-Tools CP-SAT solver (``cp_model``).

CP-SAT sees the pure 0-1 model as it is (no MathOpt translation): it adds its own
cover, clique and knapsack reasoning and runs several search workers (LNS, core-based
bounds, LP) in one solve. Integer data keeps the objective exact; fractional costs are
passed as floating coefficients, which CP-SAT scales itself (its proof then holds to
about ``1e-6`` relative).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from circularopt.exceptions import InputError
from circularopt.siting.cflp import FacilityProblem, FacilityResult, fewest_facilities
from circularopt.siting.hooks import SolveHooks

__all__ = ["solve_cpsat"]

_OPTIMAL = cp_model.OPTIMAL
_FEASIBLE = cp_model.FEASIBLE


def _integral(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(np.all(np.abs(finite - np.round(finite)) <= 1e-9 * np.maximum(1, finite)))


def _weights(problem: FacilityProblem) -> tuple[list[int], list[int], int]:
    """Demands and capacities as integers, scaled by the smallest power of ten (<= 1e6),
    and that power."""
    both = np.concatenate([problem.demand, problem.capacity])
    for digits in range(7):
        scaled = both * 10 ** digits
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1, scaled)):
            ints = [round(float(v)) for v in scaled]
            return ints[:problem.n], ints[problem.n:], 10 ** digits
    raise InputError("demand", "more than 6 decimals",
                     "demands and capacities with at most 6 decimals (CP-SAT needs integers)")


class _Model:
    """The 0-1 model: ``y[i]`` open, ``x[k]`` pair ``pairs[k] = (i, j)`` used."""

    def __init__(self, problem: FacilityProblem, cards: bool,
                 cutoff: float | None = None) -> None:
        self.problem = problem
        model = cp_model.CpModel()
        self.model = model
        self.y = [model.new_bool_var(f"y{i}") for i in range(problem.m)]
        self.pairs = np.argwhere(np.isfinite(problem.cost))
        self.x = [model.new_bool_var(f"x{i}_{j}") for i, j in self.pairs]
        demand, capacity, self.scale = _weights(problem)
        self.demand = demand
        by_fac: list[list[int]] = [[] for _ in range(problem.m)]
        by_cust: list[list[int]] = [[] for _ in range(problem.n)]
        for k, (i, j) in enumerate(self.pairs):
            by_fac[i].append(k)
            by_cust[j].append(k)
            model.add_implication(self.x[k], self.y[i])
        for ks in by_cust:
            model.add_exactly_one(self.x[k] for k in ks)
        for i, ks in enumerate(by_fac):
            model.add(sum(demand[self.pairs[k][1]] * self.x[k] for k in ks)
                      <= capacity[i] * self.y[i])
        if cards:
            model.add(sum(c * y for c, y in zip(capacity, self.y, strict=True))
                      >= sum(demand))
            least = fewest_facilities(problem.capacity, problem.total_demand)
            if least > 1:
                model.add(sum(self.y) >= least)
        cost = problem.cost[self.pairs[:, 0], self.pairs[:, 1]]
        exact = _integral(cost) and _integral(problem.fixed_cost)
        conv: Callable[[float], Any] = (lambda v: round(float(v))) if exact else float
        objective = sum(conv(f) * y for f, y in zip(problem.fixed_cost, self.y, strict=True)) \
            + sum(conv(c) * x for c, x in zip(cost, self.x, strict=True))
        model.minimize(objective)
        if cutoff is not None:
            model.add(objective <= (math.floor(cutoff + 1e-9) if exact else cutoff))
        self.exact = exact

    def restrict(self, cardinality: tuple[int, int] | None,
                 floors: np.ndarray | None) -> None:
        """Rows ``lo <= sum y <= hi`` and ``load_i >= floors[i] y_i`` (where positive)."""
        if cardinality is not None:
            self.model.add(sum(self.y) >= cardinality[0])
            self.model.add(sum(self.y) <= cardinality[1])
        ks_of: dict[int, list[int]] = {}
        for k, (i, _j) in enumerate(self.pairs):
            if floors is not None and floors[i] > 1e-9:
                ks_of.setdefault(int(i), []).append(k)
        for i, ks in ks_of.items():
            floor = math.ceil(float(floors[i]) * self.scale - 1e-9)  # type: ignore[index]
            self.model.add(sum(self.demand[self.pairs[k][1]] * self.x[k] for k in ks)
                           >= floor * self.y[i])

    def hint(self, result: FacilityResult) -> None:
        opened = set(result.open_facilities)
        for i, y in enumerate(self.y):
            self.model.add_hint(y, i in opened)
        for k, (i, j) in enumerate(self.pairs):
            self.model.add_hint(self.x[k], bool(result.assignment[i, j] > 0.5))

    def solution(self, value: Callable[[Any], int]) -> tuple[tuple[int, ...], np.ndarray]:
        assign = np.zeros((self.problem.m, self.problem.n))
        for k, (i, j) in enumerate(self.pairs):
            if value(self.x[k]):
                assign[i, j] = 1.0
        opened = tuple(int(i) for i in np.flatnonzero(assign.sum(axis=1) > 0))
        return opened, assign


@contextmanager
def _polling(solver: cp_model.CpSolver, should_stop: Callable[[], bool]) -> Iterator[None]:
    """Poll ``should_stop`` every 0.2 s while the block runs; ``True`` stops ``solver``.

    CP-SAT's solution callback runs only when a solution is found; a proof-bound search
    may find none for a long time.
    """
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            if should_stop():
                solver.stop_search()
                return

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution and stops the search when asked."""

    def __init__(self, built: _Model, hooks: SolveHooks, start: float) -> None:
        super().__init__()
        self.built, self.hooks, self.start = built, hooks, start

    def on_solution_callback(self) -> None:
        opened, assign = self.built.solution(self.boolean_value)
        cost = self.built.problem.solution_cost(opened, assign)
        self.hooks.on_solution(FacilityResult(opened, assign, cost, "feasible", None,
                                              time.monotonic() - self.start, "cpsat"))
        if self.hooks.should_stop():
            self.stop_search()


def solve_cpsat(problem: FacilityProblem, *, time_limit: float = 60.0, seed: int = 0,
                workers: int = 4, hint: FacilityResult | None = None, cards: bool = True,
                cutoff: float | None = None, linearization: int | None = None,
                cardinality: tuple[int, int] | None = None,
                floors: np.ndarray | None = None,
                hooks: SolveHooks | None = None) -> FacilityResult:
    """Solve a single-source CFLP with CP-SAT.

    Parameters
    ----------
    problem
        A single-source problem with demands and capacities of at most 6 decimals.
    time_limit
        Seconds (wall clock).
    seed
        CP-SAT random seed.
    workers
        CP-SAT search workers (threads).
    hint
        A solution to start from.
    cards
        Add the aggregate capacity cut and the cardinality cut ``sum y >= k`` (``k`` the
        fewest facilities holding the demand).
    cutoff
        Look only for solutions costing at most this (a row on the objective); status
        ``"infeasible"`` then proves that none does.
    linearization
        CP-SAT's ``linearization_level`` (``None``: its default; 2 puts every constraint
        in the LP of every worker).
    cardinality
        ``(lo, hi)``: rows ``lo <= sum y <= hi``.
    floors
        Least load of each open facility (rows ``load_i >= floors[i] y_i`` where
        positive, rounded up to the scaled integer demands).
    hooks
        ``on_solution`` / ``on_bound`` get each improving solution / improved lower
        bound; ``should_stop`` is polled at each solution and every 0.2 s (from a
        thread); ``incumbent`` is not read (pass ``hint``).

    Returns
    -------
    FacilityResult
        ``method`` ``"cpsat"``; ``info`` has CP-SAT's status and objective. With a
        ``cutoff``, ``cardinality`` or ``floors`` the bound holds for the problem with
        those rows only.
    """
    if not problem.single_source:
        raise InputError("problem.single_source", False,
                         "a single-source problem (CP-SAT has no continuous variables)")
    hooks = hooks or SolveHooks()
    start = time.monotonic()
    built = _Model(problem, cards, cutoff)
    built.restrict(cardinality, floors)
    if hint is not None and hint.has_solution:
        built.hint(hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit - (time.monotonic() - start))
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    if linearization is not None:
        solver.parameters.linearization_level = linearization
    if not built.exact:
        solver.parameters.relative_gap_limit = 1e-7
    solver.best_bound_callback = hooks.on_bound
    with _polling(solver, hooks.should_stop):
        status = solver.solve(built.model, _Watcher(built, hooks, start))
    seconds = time.monotonic() - start
    info = {"cpsat_status": solver.status_name(status), "exact_objective": built.exact}
    if status not in (_OPTIMAL, _FEASIBLE):
        bound = solver.best_objective_bound
        result_status = "infeasible" if status == cp_model.INFEASIBLE else "no_solution"
        return FacilityResult((), np.zeros((0, 0)), math.inf, result_status,
                              bound if math.isfinite(bound) else None, seconds, "cpsat", info)
    opened, assign = built.solution(solver.boolean_value)
    cost = problem.solution_cost(opened, assign)
    bound = min(float(solver.best_objective_bound), cost)
    return FacilityResult(opened, assign, cost,
                          "optimal" if status == _OPTIMAL else "feasible", bound, seconds,
                          "cpsat", info)
