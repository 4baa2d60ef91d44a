r"""Prove one count class of a single-source CFLP by Lagrangian branch-and-bound on ``y``.

The solutions opening exactly :math:`k` facilities (a *class*, see
:mod:`~circularopt.siting.cardinality`) are searched depth first over the open set
:math:`Y`. At every node some facilities are fixed open or closed; its bound is the
Lagrangian relaxation of the assignment rows,

.. math::

    L(\lambda) = \sum_j \lambda_j + \min \Big\{ \sum_i v_i(\lambda) y_i :
    \sum_i y_i = k,\ y \text{ respects the node} \Big\},

with :math:`v_i` the fixed cost plus facility :math:`i`'s 0-1 knapsack over the
customers at reduced costs :math:`c_{ij} - \lambda_j` (OR-Tools' knapsack solver on the
customers with a negative one; Holmberg, Ronnqvist & Yuan 1999 branch this way). The
multipliers are re-optimised in each node by subgradient, starting from the parent's. A
node whose bound reaches the cutoff (below the incumbent's cost ``upper``; ``upper - 1``
for integer data) is closed; otherwise the search branches on the free facility whose
open and closed children have the highest smaller bound at the node's multipliers, after
fixing every facility one of whose children closes (*probing*). A leaf (every facility
fixed) is a generalized assignment problem; when its bound does not close it, CP-SAT
solves it below the cutoff (with the band rows of
:func:`~circularopt.siting.cardinality.slack`), and a solution found lowers the cutoff.

A class counts the facilities *open* (:math:`y_i = 1`, paying :math:`f_i`), which may
include an empty one, so a solution returned keeps all :math:`k` open.

Why the proof holds: every solution of the class lies in exactly one leaf of the tree;
each bound is a Lagrangian bound of the node's solutions, so a closed node holds none
below the cutoff. When the search ends, the best solution found is the cheapest of the
class below ``upper``, or none exists.

Why it is hand-written: OR-Tools, SCIP and HiGHS have no Lagrangian branch-and-bound;
the knapsacks are OR-Tools' and the count choice is
:func:`~circularopt.siting.cardinality.count_cover`.

Caveats: each node runs up to ``node_iterations`` subgradient steps of one knapsack per
facility, so the search pays where the tree is small: tight classes whose fixed-``Y``
bounds are far above the relaxation's (measurements: ``docs/benchmarks.md``, *Siting
portfolio*). Demands and capacities are rounded to integer units as in
:mod:`~circularopt.siting.lagrangian` and the reduced costs up to :data:`_SCALE` units
(both weaken the bound, never invalidate it). The node knapsacks have no band floor (the
class's least load); measured, it changed nothing at :math:`k_{min}` (``docs``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.algorithms.python import knapsack_solver

from circularopt._validate import integer
from circularopt.exceptions import InputError
from circularopt.siting.cardinality import (
    _integral,
    count_cover,
    slack,
    solve_count_cpsat,
)
from circularopt.siting.cflp import FacilityProblem, FacilityResult, fewest_facilities
from circularopt.siting.hooks import SolveHooks
from circularopt.siting.lagrangian import LagrangianBound, _unit_weights, solve_lagrangian
from circularopt.siting.reduced import cardinality_range
from circularopt.stop import MaxRuntime

__all__ = ["ClassProof", "count_range", "handles", "prove_class", "solve_enumerate"]


@dataclass(frozen=True)
class ClassProof:
    """What :func:`prove_class` established about the solutions opening ``k`` facilities.

    Parameters
    ----------
    k
        The class.
    proven
        The search ended: ``solution`` is the cheapest of the class below the ``upper``
        given, or (``None``) no solution of the class costs less than it.
    solution
        The cheapest solution found below ``upper`` (``None`` if none was found).
    bound
        A lower bound on the class's solutions below ``upper`` (``upper`` when proven
        without a solution).
    nodes, leaves
        Nodes bounded; leaves handed to the assignment solver.
    seconds
        Time used, on the clock of the budget.
    """

    k: int
    proven: bool
    solution: FacilityResult | None
    bound: float
    nodes: int
    leaves: int
    seconds: float


@dataclass
class _Search:
    """The problem's data, the cutoff and the counters while the search runs."""

    problem: FacilityProblem
    lo: int
    hi: int
    upper: float
    integral: bool
    weights: np.ndarray
    cap: np.ndarray
    c: np.ndarray
    iterations: int
    budget: MaxRuntime
    should_stop: Callable[[], bool]
    elsewhere: Callable[[], float] = field(default=lambda: math.inf)
    solver: knapsack_solver.KnapsackSolver = field(default_factory=lambda: (
        knapsack_solver.KnapsackSolver(
            knapsack_solver.SolverType.KNAPSACK_DYNAMIC_PROGRAMMING_SOLVER, "node")))
    best: FacilityResult | None = None
    unsettled: list[float] = field(default_factory=list)
    nodes: int = 0
    leaves: int = 0

    def closes(self, bound: float) -> bool:
        """Whether no solution with cost >= ``bound`` is below the cutoff."""
        ub = self.upper
        return bound > ub - 1.0 + 1e-6 if self.integral else \
            bound >= ub - 1e-9 * max(1.0, abs(ub))

    def stopped(self) -> bool:
        return self.budget() or self.should_stop()


def _node_values(s: _Search, lam: np.ndarray, fixed: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, float]:
    """Knapsack choices ``x`` and values ``v`` at ``lam`` (rows fixed closed: ``v = inf``),
    and the node's bound."""
    rows = np.flatnonzero(fixed != 0)
    m = s.problem.m
    x, v = np.zeros((m, s.problem.n)), np.full(m, math.inf)
    r = s.c - lam[None, :]
    for i in rows:
        x[i], val = _knapsack(s.solver, r[i], s.weights, int(s.cap[i]))
        v[i] = s.problem.fixed_cost[i] + val
    _y, yval = count_cover(np.where(np.isfinite(v), v, 1e30), s.problem.capacity,
                           s.problem.total_demand, s.lo, s.hi, fixed=fixed)
    return x, v, float(lam.sum()) + yval if yval < 1e29 else math.inf


_SCALE = 1e6
"""Reduced costs are rounded to this many units per cost unit for the knapsack solver."""


def _knapsack(solver: knapsack_solver.KnapsackSolver, r: np.ndarray, w: np.ndarray,
              cap: int) -> tuple[np.ndarray, float]:
    """``min r x`` with ``w x <= cap``, ``x`` binary, by OR-Tools' knapsack solver over
    the items with ``r < 0``: the choice and a lower bound on the value (profits
    rounded up)."""
    items = np.flatnonzero((r < 0) & (w <= cap))
    x = np.zeros(len(r))
    if len(items) == 0:
        return x, 0.0
    profit = np.ceil(-r[items] * _SCALE).astype(np.int64)
    solver.init(profit.tolist(), [w[items].astype(np.int64).tolist()], [cap])
    value = solver.solve()
    chosen = [t for t in range(len(items)) if solver.best_solution_contains(t)]
    x[items[chosen]] = 1.0
    return x, -value / _SCALE


def _node_bound(s: _Search, fixed: np.ndarray, lam: np.ndarray, *,
               iterations: int | None = None, stall_limit: int = 4
               ) -> tuple[float, np.ndarray, np.ndarray]:
    """Subgradient from ``lam`` at one node: the best bound, its multipliers and values.

    Polyak's step towards the cutoff, its factor (from 0.5) halved after
    ``stall_limit`` iterations without a better bound; stops after ``iterations``
    (default ``s.iterations``), when the bound closes the node or the factor falls
    below 0.02.
    """
    best, alpha, stall = -math.inf, 0.5, 0
    best_lam, best_v = lam, np.zeros(s.problem.m)
    for _ in range(s.iterations if iterations is None else iterations):
        x, v, bound = _node_values(s, lam, fixed)
        if bound > best + 1e-9 * max(1.0, abs(best) if math.isfinite(best) else 1.0):
            best, best_lam, best_v, stall = bound, lam, v, 0
        else:
            stall += 1
            alpha, stall = (alpha / 2.0, 0) if stall >= stall_limit else (alpha, stall)
        if s.closes(best) or alpha < 0.02:
            break
        safe = np.where(np.isfinite(v), v, 1e30)
        y, _ = count_cover(safe, s.problem.capacity, s.problem.total_demand, s.lo, s.hi,
                           fixed=fixed)
        g = 1.0 - (x * y[:, None]).sum(axis=0)
        norm = float((g * g).sum())
        if norm < 1e-12:
            break
        lam = lam + alpha * max(s.upper - bound, 1e-9 * abs(s.upper)) / norm * g
    return best, best_lam, best_v


def _probe(s: _Search, fixed: np.ndarray, base: float, safe: np.ndarray, i: int
           ) -> tuple[float, float]:
    """The bounds at the node's multipliers with facility ``i`` open, and closed."""
    out = []
    for to in (1, 0):
        child = fixed.copy()
        child[i] = to
        val = count_cover(safe, s.problem.capacity, s.problem.total_demand, s.lo, s.hi,
                          fixed=child)[1]
        out.append(base + val if val < 1e29 else math.inf)
    return out[0], out[1]


def _branch(s: _Search, fixed: np.ndarray, lam: np.ndarray, v: np.ndarray
            ) -> list[np.ndarray]:
    """Children of a node, the one less likely to close pushed first (searched last).

    First fixes by probing: a facility whose open (closed) bound closes is closed
    (opened), repeated until nothing changes; then branches on the free facility whose
    smaller probe bound is highest.
    """
    base, safe, fixed = float(lam.sum()), np.where(np.isfinite(v), v, 1e30), fixed.copy()
    changed = True
    while changed:
        changed, best_key, kids = False, -math.inf, []
        for i in np.flatnonzero(fixed < 0):
            opened, closed = _probe(s, fixed, base, safe, int(i))
            if s.closes(opened) and s.closes(closed):
                return []
            if s.closes(opened) or s.closes(closed):
                fixed[i], changed = (0 if s.closes(opened) else 1), True
            elif min(opened, closed) > best_key:
                best_key, kids = min(opened, closed), [(opened, int(i), 1),
                                                       (closed, int(i), 0)]
    if not kids or _completed(fixed, s.hi) is not None:
        return [fixed]
    children = []
    for _b, at, to in sorted(kids, key=lambda bit: -bit[0]):
        child = fixed.copy()
        child[at] = to
        children.append(child)
    return children


def _leaf(s: _Search, fixed: np.ndarray, bound: float) -> None:
    """Solve the assignment problem of a fixed open set below the cutoff, within
    :data:`_LEAF_SHARE` of the time left; a leaf not settled keeps ``bound`` (or
    CP-SAT's, if higher) in ``s.unsettled``."""
    opened = np.flatnonzero(fixed == 1)
    p = s.problem
    sub = FacilityProblem(fixed_cost=p.fixed_cost[opened], capacity=p.capacity[opened],
                          demand=p.demand, cost=p.cost[opened], single_source=True,
                          name=p.name)
    cutoff = s.upper - 1.0 if s.integral else s.upper - 1e-6 * max(1.0, abs(s.upper))
    s.leaves += 1
    res = solve_count_cpsat(sub, len(opened), len(opened),
                            time_limit=max(0.1, _LEAF_SHARE * s.budget.left()), workers=1,
                            cutoff=cutoff, slack=slack(p.capacity, p.total_demand, s.hi),
                            hooks=SolveHooks(should_stop=s.should_stop))
    if res.has_solution:
        assign = np.zeros((p.m, p.n))
        assign[opened] = res.assignment
        chosen = tuple(int(i) for i in opened)
        s.best = FacilityResult(chosen, assign, p.solution_cost(chosen, assign), "optimal",
                                None, 0.0, "enumerate")
        s.upper = s.best.cost
    if res.status not in ("optimal", "infeasible"):
        s.unsettled.append(max(bound, -math.inf if res.bound is None else res.bound))


_LEAF_SHARE = 0.25
"""Most share of the time left one leaf's CP-SAT run gets."""


def _search(s: _Search, lam: np.ndarray) -> float:
    """Depth-first search of the class; the least bound of the nodes and leaves left
    open (``inf`` when the tree is exhausted and every leaf settled)."""
    stack: list[tuple[np.ndarray, np.ndarray]] = [(np.full(s.problem.m, -1), lam)]
    while stack:
        s.upper = min(s.upper, s.elsewhere())
        if s.stopped():
            return _open_bound(s, stack)
        fixed, lam = stack.pop()
        s.nodes += 1
        bound, lam, v = _node_bound(s, fixed, lam)
        if s.closes(bound):
            continue
        leaf = _completed(fixed, s.hi)
        if leaf is not None:
            at_leaf = _node_bound(s, leaf, lam, iterations=_LEAF_ITERATIONS,
                                  stall_limit=20)[0]
            if not s.closes(at_leaf):
                _leaf(s, leaf, at_leaf)
            continue
        stack.extend((child, lam) for child in _branch(s, fixed, lam, v))
    return min([math.inf, *_unsettled(s)])


_LEAF_ITERATIONS = 400
"""Most subgradient iterations at a leaf (the open set fixed) before CP-SAT."""


def _completed(fixed: np.ndarray, k: int) -> np.ndarray | None:
    """The open set a node leaves no choice about (``None`` if it does)."""
    opened, free = int((fixed == 1).sum()), int((fixed < 0).sum())
    if opened == k:
        return np.where(fixed < 0, 0, fixed)
    if opened + free == k:
        return np.where(fixed < 0, 1, fixed)
    return None


def _open_bound(s: _Search, stack: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """A bound on the nodes left: each at its parent's multipliers."""
    return min([*(_bound_at(s, fixed, lam) for fixed, lam in stack), *_unsettled(s)])


def _unsettled(s: _Search) -> list[float]:
    """Bounds of the leaves CP-SAT left open that the cutoff does not close now."""
    return [b for b in s.unsettled if not s.closes(b)]


def _bound_at(s: _Search, fixed: np.ndarray, lam: np.ndarray) -> float:
    """The node's bound at ``lam`` (no subgradient)."""
    return _node_values(s, lam, fixed)[2]


def prove_class(problem: FacilityProblem, k: int, upper: float, *,
                multipliers: np.ndarray | None = None, time_limit: float = 60.0,
                clock: str = "wall", node_iterations: int = 40,
                should_stop: Callable[[], bool] | None = None,
                elsewhere: Callable[[], float] | None = None) -> ClassProof:
    """Find the cheapest solution opening ``k`` facilities below ``upper``, or prove none.

    Parameters
    ----------
    problem
        A single-source problem with integer demands and capacities of a size the
        Lagrangian method handles.
    k
        Facilities open (the class).
    upper
        The incumbent's cost (``inf``: none).
    multipliers
        Starting multipliers of the assignment rows (e.g. those of
        :func:`~circularopt.siting.cardinality.count_bound` for the class).
    time_limit, clock
        The budget: seconds on the ``"wall"`` or ``"cpu"`` clock
        (:class:`~circularopt.stop.MaxRuntime`).
    node_iterations
        Most subgradient iterations per node.
    should_stop
        Polled between nodes to stop early.
    elsewhere
        Polled between nodes: the cost of the best solution known elsewhere. The search
        lowers its cutoff to it, so a proof then says that no solution of the class
        costs less than the least of ``upper`` and those costs.

    Returns
    -------
    ClassProof
        ``proven`` when the tree was exhausted within the budget.
    """
    if not problem.single_source:
        raise InputError("problem.single_source", False, "a single-source problem")
    integer("k", k, lo=1, hi=problem.m)
    if not (isinstance(upper, int | float) and upper == upper):
        raise InputError("upper", upper, "a number or inf")
    s, lam = _setup(problem, (k, k), upper, MaxRuntime(time_limit, clock),
                    integer("node_iterations", node_iterations, lo=1), should_stop)
    if multipliers is not None:
        lam = np.asarray(multipliers, dtype=float)
    if elsewhere is not None:
        s.elsewhere = elsewhere
    left = _search(s, lam)
    proven = not math.isfinite(left)
    bound = s.upper if proven else min(left, s.upper)
    return ClassProof(k, proven, s.best, bound, s.nodes, s.leaves, s.budget.elapsed())


def handles(problem: FacilityProblem) -> bool:
    """Whether :func:`solve_enumerate` takes ``problem``: single source, with knapsack
    tables (facilities x customers x capacity units) of a size it builds."""
    return problem.single_source and _unit_weights(problem) is not None


def _setup(problem: FacilityProblem, counts: tuple[int, int], upper: float,
           budget: MaxRuntime, node_iterations: int,
           should_stop: Callable[[], bool] | None) -> tuple[_Search, np.ndarray]:
    """The search state of the solutions opening ``counts`` facilities, and the first
    multipliers (cheapest cost per customer with the fixed cost spread)."""
    units = _unit_weights(problem)
    if units is None:
        raise InputError("problem", f"{problem.m} x {problem.n}", "knapsack tables of a "
                         "size the Lagrangian method handles")
    cap = float(problem.fixed_cost.sum() + np.nanmax(
        np.where(np.isfinite(problem.cost), problem.cost, np.nan), axis=0).sum()) + 1.0
    c = np.where(np.isfinite(problem.cost), problem.cost, 1e3 * max(cap, 1.0))
    s = _Search(problem, counts[0], counts[1], min(cap, upper), _integral(problem),
                units[0], units[1], c, node_iterations, budget,
                should_stop or (lambda: False))
    lam = (c + (problem.fixed_cost / np.maximum(problem.capacity, 1e-12))[:, None]
           * problem.demand[None, :]).min(axis=0)
    return s, lam


def count_range(problem: FacilityProblem, upper: float, *, iterations: int = 600,
                time_limit: float = 60.0, clock: str = "wall"
                ) -> tuple[tuple[int, int] | None, np.ndarray]:
    """Counts of open facilities a solution cheaper than ``upper`` may have, and the
    multipliers that showed it.

    The subgradient of :func:`_node_bound` over all counts (the facilities chosen by
    :func:`~circularopt.siting.cardinality.count_cover` from the fewest that hold the
    demand up), up to ``iterations``; the range as in
    :func:`~circularopt.siting.reduced.cardinality_range` (``None``: no count).
    """
    s, lam = _setup(problem, (fewest_facilities(problem.capacity, problem.total_demand),
                              problem.m), upper, MaxRuntime(time_limit, clock), iterations,
                    None)
    bound, lam, v = _node_bound(s, np.full(problem.m, -1), lam, stall_limit=30)
    zeros = np.zeros(problem.m)
    lb = LagrangianBound(bound, lam, v, zeros, zeros, np.zeros_like(problem.cost), (), 0)
    return cardinality_range(problem, lb, upper), lam


def solve_enumerate(problem: FacilityProblem, *, time_limit: float = 60.0,
                    clock: str = "wall", seed: int = 0,
                    hooks: SolveHooks | None = None) -> FacilityResult:
    """Solve a single-source CFLP by proving its count classes one by one.

    The Lagrangian bound (:func:`~circularopt.siting.lagrangian.lagrangian_bound`) with
    the incumbent's cost as target gives the counts a cheaper solution may open
    (:func:`~circularopt.siting.reduced.cardinality_range`); :func:`prove_class` then
    searches each, fewest facilities first, from those multipliers, with the time
    left.

    Parameters
    ----------
    problem
        A single-source problem.
    time_limit, clock
        The budget: seconds on the ``"wall"`` or ``"cpu"`` clock
        (:class:`~circularopt.stop.MaxRuntime`; the first heuristic, when needed, runs on
        the wall clock).
    seed
        Seed of the first heuristic (when ``incumbent`` gives nothing).
    hooks
        The caller's callbacks (:class:`~circularopt.siting.hooks.SolveHooks`): the
        incumbent is read before each class and between its nodes; improving solutions
        and the final bound of the whole problem are reported; ``should_stop`` is polled.

    Returns
    -------
    FacilityResult
        ``method`` ``"enumerate"``; ``"optimal"`` when every class is proven; ``info``
        ``classes`` has each class's count, nodes, leaves and whether it was proven.
    """
    if not problem.single_source:
        raise InputError("problem.single_source", False, "a single-source problem")
    budget = MaxRuntime(time_limit, clock)
    hooks = hooks or SolveHooks()
    get, post, post_bound = hooks.incumbent, hooks.on_solution, hooks.on_bound
    best = get()
    if best is None or not best.has_solution:
        best = solve_lagrangian(problem, time_limit=max(1.0, 0.15 * time_limit), seed=seed,
                                backend="none", lagrangian_share=0.5, on_solution=post)
    found, lam = count_range(problem, best.cost, time_limit=max(0.1, 0.3 * budget.left()),
                             clock=clock)
    counts = found or (1, 0)
    open_bounds, classes = [], []
    for k in range(counts[0], counts[1] + 1):
        best = _better(best, get())
        proof = prove_class(problem, k, best.cost, multipliers=lam,
                            time_limit=max(0.1, budget.left()), clock=clock,
                            should_stop=hooks.should_stop,
                            elsewhere=lambda: _cost(get()))
        classes.append({"k": k, "proven": proof.proven, "nodes": proof.nodes,
                        "leaves": proof.leaves})
        if proof.solution is not None and proof.solution.cost < best.cost:
            best = _used(problem, proof.solution)
            post(best)
        if not proof.proven:
            open_bounds.append(proof.bound)
    best = _better(best, get())  # the classes' cutoffs may have come from it
    bound = min([best.cost, *open_bounds])
    post_bound(bound)
    status = "optimal" if not open_bounds else "feasible"
    return FacilityResult(best.open_facilities, best.assignment, best.cost, status, bound,
                          budget.elapsed(), "enumerate", {"classes": classes})


def _used(problem: FacilityProblem, result: FacilityResult) -> FacilityResult:
    """``result`` with its empty facilities closed (cheaper by their fixed costs)."""
    used = tuple(int(i) for i in np.flatnonzero(result.assignment.sum(axis=1) > 0))
    return FacilityResult(used, result.assignment,
                          problem.solution_cost(used, result.assignment), "feasible", None,
                          result.seconds, "enumerate")


def _cost(result: FacilityResult | None) -> float:
    return result.cost if result is not None and result.has_solution else math.inf


def _better(best: FacilityResult, other: FacilityResult | None) -> FacilityResult:
    if other is not None and other.has_solution and other.cost < best.cost - 1e-9:
        return other
    return best

