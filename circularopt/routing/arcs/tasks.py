"""The node transformation of arc routing: streets become tasks, tasks become a matrix.

Each required edge becomes one *task* per direction it may be served in (two for a
two-way street, one for a one-way street). Under the rule ``either`` exactly one task
of the pair is served (a mutually exclusive group); under ``each`` every task is.
The cost from task ``a`` to task ``b`` is the shortest deadheading path from the end of
``a`` to the start of ``b`` plus the serving cost of ``b``; the depot and unload sites
are tasks of zero length. The transformation is exact: an optimal node route over tasks
is an optimal arc route.

Shortest paths are plain (node-based) Dijkstra over the directed road graph from
:func:`scipy.sparse.csgraph.shortest_path`; a turn-aware (edge-to-edge) computation can
replace :func:`shortest_paths` without changing the callers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

from circularopt.routing.arcs.problem import ArcProblem

__all__ = ["ArcTask", "Paths", "build_tasks", "deadhead_path", "shortest_paths",
           "task_matrix"]


@dataclass(frozen=True)
class ArcTask:
    """Serving required edge ``required`` (index) from node ``start`` to node ``end``.

    ``forward`` is true when the direction is the edge's ``u -> v``; ``group`` indexes
    the mutually exclusive group the task belongs to (``None``: the task is mandatory).
    """

    required: int
    edge: int
    start: int
    end: int
    forward: bool
    cost: float
    demand: float
    group: int | None


@dataclass(frozen=True, eq=False)
class Paths:
    """All-pairs shortest deadheading paths: ``cost[a, b]`` and predecessors."""

    cost: np.ndarray
    predecessors: np.ndarray


def build_tasks(problem: ArcProblem) -> tuple[tuple[ArcTask, ...], int]:
    """The tasks of ``problem`` and the number of mutually exclusive groups."""
    tasks: list[ArcTask] = []
    groups = 0
    for k, r in enumerate(problem.required):
        e = problem.edges[r.edge]
        dirs = [(e.u, e.v, True)] + ([] if e.oneway or e.u == e.v else [(e.v, e.u, False)])
        group = None
        if r.rule == "either" and len(dirs) == 2:
            group, groups = groups, groups + 1
        for a, b, fwd in dirs:
            tasks.append(ArcTask(k, r.edge, a, b, fwd, r.serve_cost, r.demand, group))
    return tuple(tasks), groups


def shortest_paths(problem: ArcProblem) -> Paths:
    """All-pairs shortest paths over the directed road graph (cheapest parallel edge).

    Unreachable pairs cost ``inf``.
    """
    n = len(problem.nodes)
    best: dict[tuple[int, int], float] = {}
    for e in problem.edges:
        for a, b in [(e.u, e.v)] + ([] if e.oneway else [(e.v, e.u)]):
            if a != b and e.cost < best.get((a, b), np.inf):
                best[(a, b)] = e.cost
    rows = [a for a, _ in best]
    cols = [b for _, b in best]
    # zero-cost edges vanish in a sparse matrix: give them a tiny positive weight
    vals = [c if c > 0 else 1e-9 for c in best.values()]
    graph = csr_matrix((vals, (rows, cols)), shape=(n, n))
    cost, pred = shortest_path(graph, method="D", directed=True, return_predecessors=True)
    cost = np.round(cost * problem.scale) / problem.scale
    return Paths(cost, pred)


def deadhead_path(paths: Paths, a: int, b: int) -> tuple[int, ...]:
    """Nodes of the shortest path from ``a`` to ``b`` (both included; ``(a,)`` if equal)."""
    nodes = [b]
    while nodes[-1] != a:
        prev = int(paths.predecessors[a, nodes[-1]])
        if prev < 0:
            raise ValueError(f"no path from node {a} to node {b}")
        nodes.append(prev)
    return tuple(reversed(nodes))


def task_matrix(problem: ArcProblem, tasks: tuple[ArcTask, ...], paths: Paths,
                points: tuple[int, ...]) -> np.ndarray:
    """Cost matrix over ``points`` (nodes: depot, unload sites) followed by ``tasks``.

    Entry ``[i, j]`` is the deadheading from the end of ``i`` to the start of ``j`` plus
    the serving cost of ``j`` (zero for a point).
    """
    ends = np.array(list(points) + [t.end for t in tasks], dtype=int)
    starts = np.array(list(points) + [t.start for t in tasks], dtype=int)
    serve = np.array([0.0] * len(points) + [t.cost for t in tasks])
    matrix = paths.cost[np.ix_(ends, starts)] + serve[None, :]
    np.fill_diagonal(matrix, 0.0)
    return matrix
