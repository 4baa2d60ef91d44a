"""Solve an arc-routing problem on a node-routing engine (PyVRP or OR-Tools).

The problem goes through the node transformation of :mod:`~circularopt.routing.arcs.tasks`;
the engine routes tasks; the routes come back as street visits with their deadheading
paths, ready for :func:`~circularopt.routing.arcs.validate_arc_routes`. After the
engine, each route's serving directions are made optimal for its order of streets
(:func:`~circularopt.routing.arcs.directions.best_directions`; linear in the route
length, counted in the solve's time but not stopped by the budget).
"""

from __future__ import annotations

import itertools
import time

import numpy as np

from circularopt._validate import choice
from circularopt.exceptions import InfeasibleError
from circularopt.i18n import tr
from circularopt.routing.arcs.directions import best_directions, twin_table
from circularopt.routing.arcs.problem import ArcProblem
from circularopt.routing.arcs.result import ArcRoute, ArcSolution, ArcVisit
from circularopt.routing.arcs.shift import check_shift, duration_matrix
from circularopt.routing.arcs.tasks import ArcTask, Deadheads, build_tasks, deadheads
from circularopt.stop import Budget

__all__ = ["ENGINES", "solve_arcs"]

ENGINES = ("pyvrp", "ortools")
_BIG = 10**9
"""Integer cost standing for an unreachable pair."""


def _check_reachable(problem: ArcProblem, tasks: tuple[ArcTask, ...], dh: Deadheads,
                     m: int) -> None:
    """Raise InfeasibleError naming a street no vehicle can reach from the depot
    (position 0) and leave again (tasks start at position ``m``)."""
    def ok(k: int) -> bool:
        return bool(np.isfinite(dh.cost[0, m + k]) and np.isfinite(dh.cost[m + k, 0]))

    d = problem.depot
    for i, t in enumerate(tasks):
        if not ok(i) and all(not ok(k) for k, u in enumerate(tasks)
                             if u.required == t.required):
            edge = problem.edges[t.edge]
            raise InfeasibleError(tr(
                "street {street!r} cannot be reached from the depot {depot!r} and left "
                "again over the road network", street=edge.id, depot=problem.nodes[d]))


def _int_matrix(problem: ArcProblem, matrix: np.ndarray) -> np.ndarray:
    scaled = np.where(np.isfinite(matrix), np.round(matrix * problem.scale), _BIG)
    return np.minimum(scaled, _BIG).astype(np.int64)


def _routes(tasks: tuple[ArcTask, ...], dh: Deadheads, points: tuple[int, ...],
            sequences: list[list[int]], types: list[int] | None = None
            ) -> tuple[ArcRoute, ...]:
    """Engine sequences (task index, or ``-1 - j`` for an unload at ``points[j]``) and
    their vehicle types (default: the first) as routes with their deadheading paths."""
    m = len(points)
    routes = []
    kinds = [0] * len(sequences) if types is None else types
    for seq, kind in zip(sequences, kinds, strict=True):
        if not seq:
            continue
        here, visits = 0, []  # position: the depot, then where the last visit ended
        for k in seq:
            if k >= 0:
                t = tasks[k]
                visits.append(ArcVisit("serve", dh.path(here, m + k), t.start, t.end,
                                       t.required, t.forward))
                here = m + k
            else:
                node = points[-1 - k]
                visits.append(ArcVisit("unload", dh.path(here, -1 - k), node, node))
                here = -1 - k
        routes.append(ArcRoute(tuple(visits), dh.path(here, 0), kind))
    return tuple(routes)


def solve_arcs(problem: ArcProblem, *, engine: str = "pyvrp", time_limit: float = 10.0,
               seed: int = 0, clock: str = "wall") -> ArcSolution:
    """Route vehicles over the streets of ``problem``.

    Parameters
    ----------
    problem
        The streets, the road graph and the fleet.
    engine
        ``"pyvrp"`` (iterated local search; exactly one task of an either-direction
        street through a mutually exclusive required client group) or ``"ortools"``
        (guided local search; the pair as a disjunction of cardinality one).
    time_limit
        Seconds of search on ``clock`` (``"wall"`` or ``"cpu"``).
    seed
        Random seed (PyVRP).

    Returns
    -------
    ArcSolution
        The routes, each with its vehicle type, and the cost (each route's distance
        times its type's ``cost_per_distance``, plus the fixed cost of the vehicles
        used); check them with
        :func:`~circularopt.routing.arcs.validate_arc_routes`.

    With a shift (:attr:`ArcProblem.shift`) every route's duration is limited to
    :attr:`ArcProblem.route_limit` (the shift, less the break on a route that lasts
    beyond ``break_after``; PyVRP: the vehicle types' shift duration over a duration
    matrix; OR-Tools: a time dimension with that limit as capacity), and the engines
    use more vehicles where needed. The final choice of directions keeps a route within
    it: for a fixed order of streets and unloads a route's duration is its cost over the
    speed plus constants.

    Raises
    ------
    InfeasibleError
        A street cannot be reached from the depot and left again, or alone takes longer
        than the shift.
    """
    choice("engine", engine, ENGINES)
    budget = Budget(time_limit, clock)
    t0 = time.perf_counter()
    tasks, groups = build_tasks(problem)
    points = (problem.depot, *problem.unload_nodes)
    dh = deadheads(problem, tasks, points)
    _check_reachable(problem, tasks, dh, len(points))
    matrix = _int_matrix(problem, dh.task_matrix())
    durations = None
    if problem.shift is not None:
        durations = duration_matrix(problem, tasks, dh, points)
        check_shift(problem, tasks, durations, points)
    if engine == "pyvrp":
        from circularopt.routing.arcs._pyvrp import solve_pyvrp_arcs
        seqs, types = solve_pyvrp_arcs(problem, tasks, groups, matrix, points, budget, seed,
                                durations)
    else:
        from circularopt.routing.arcs._ortools import solve_ortools_arcs
        seqs, types = solve_ortools_arcs(problem, tasks, matrix, points, budget, durations)
    twins = twin_table([t.group for t in tasks])
    seqs = [best_directions(matrix, len(points), seq, twins) for seq in seqs]
    routes = _routes(tasks, dh, points, seqs, types)
    unit = problem.cost_unit
    kinds = [problem.vehicle_types[k] for s, k in zip(seqs, types, strict=True) if s]
    weighted = sum(_sequence_cost(matrix, points, [s]) * round(t.cost_per_distance * unit)
                   for s, t in zip([s for s in seqs if s], kinds, strict=True))
    cost = weighted / (problem.scale * unit) + sum(t.fixed_cost for t in kinds)
    return ArcSolution(routes, cost, engine, time.perf_counter() - t0)


def _sequence_cost(matrix: np.ndarray, points: tuple[int, ...],
                   sequences: list[list[int]]) -> float:
    """The engine's cost of the sequences on the task matrix (the validator recomputes
    it from the road graph)."""
    m = len(points)
    total = 0
    for seq in sequences:
        if not seq:
            continue
        idx = [0] + [m + k if k >= 0 else -1 - k for k in seq] + [0]
        total += int(sum(matrix[a, b] for a, b in itertools.pairwise(idx)))
    return float(total)
