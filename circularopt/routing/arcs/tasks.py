"""The node transformation of arc routing: streets become tasks, tasks become a matrix.

Each required edge becomes one *task* per direction it may be served in (two for a
two-way street, one for a one-way street). Under the rule ``either`` exactly one task
of the pair is served (a mutually exclusive group); under ``each`` every task is.
The cost from task ``a`` to task ``b`` is the shortest deadheading path from the end of
``a`` to the start of ``b`` plus the serving cost of ``b``; the depot and unload sites
are tasks of zero length. The transformation is exact: an optimal node route over tasks
is an optimal arc route.

:func:`deadheads` gives the deadheading between task ends. Without turn data it is
plain (node-based) Dijkstra over the directed road graph (:func:`shortest_paths`). With
turn data (:attr:`ArcProblem.turn_aware`) it searches the line graph of
:class:`~circularopt.network.TurnAwareGraph` from the *edge* a task ends on to the
*edge* the next task starts on, so the turns out of and into a served street count
too: banned turns are never taken and each U-turn adds the penalty. Caveat: with turn
data, parallel edges are merged into the cheapest (two parallel required edges share
their turn data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra, shortest_path

from circularopt.network.graph import RoadNetwork
from circularopt.network.turns import TurnAwareGraph
from circularopt.routing.arcs.problem import ArcProblem

__all__ = ["ArcTask", "Deadheads", "Paths", "build_tasks", "deadhead_path", "deadheads",
           "shortest_paths", "task_matrix"]

_CHUNK = 256
"""Sources searched together in the turn-aware search (bounds memory)."""


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


@dataclass(frozen=True, eq=False)
class Deadheads:
    """Deadheading between *positions*: the points (depot, unload sites), then the tasks.

    ``cost[i, j]`` is the cheapest drive from the end of position ``i`` to the start of
    position ``j`` (U-turn penalties included; ``inf`` where none); :meth:`path` gives
    its nodes.
    """

    cost: np.ndarray
    serve: np.ndarray
    _path: Callable[[int, int], tuple[int, ...]] = field(repr=False)

    def path(self, i: int, j: int) -> tuple[int, ...]:
        """Nodes driven from the end of position ``i`` to the start of ``j`` (both
        included)."""
        return self._path(i, j)

    def task_matrix(self) -> np.ndarray:
        """Deadheading to each position plus its serving cost (zero on the diagonal)."""
        matrix = self.cost + self.serve[None, :]
        np.fill_diagonal(matrix, 0.0)
        return matrix


def deadheads(problem: ArcProblem, tasks: tuple[ArcTask, ...],
              points: tuple[int, ...]) -> Deadheads:
    """Deadheading between ``points`` and ``tasks``: turn-aware when the problem has
    turn data, else plain shortest paths."""
    serve = np.array([0.0] * len(points) + [t.cost for t in tasks])
    if problem.turn_aware:
        return _turn_aware(problem, tasks, points, serve)
    paths = shortest_paths(problem)
    ends = [*points, *(t.end for t in tasks)]
    starts = [*points, *(t.start for t in tasks)]
    return Deadheads(paths.cost[np.ix_(ends, starts)], serve,
                     lambda i, j: deadhead_path(paths, ends[i], starts[j]))


def _turn_graph(problem: ArcProblem) -> TurnAwareGraph:
    """The problem's cheapest directed edges as a network (time = length = cost) with
    its turn data."""
    best: dict[tuple[int, int], float] = {}
    for e in problem.edges:
        for a, b in [(e.u, e.v)] + ([] if e.oneway else [(e.v, e.u)]):
            if a != b and e.cost < best.get((a, b), np.inf):
                best[(a, b)] = e.cost
    n = len(problem.nodes)
    pos = np.zeros(n)
    net = RoadNetwork.from_edges(pos, pos, [a for a, _ in best], [b for _, b in best],
                                 list(best.values()), list(best.values()),
                                 keep_largest_scc=False, source=problem.name)

    def pairs(turns: tuple[tuple[int, int, int], ...]) -> tuple[tuple[int, int], ...]:
        return tuple((net.edge_index(a, b), net.edge_index(b, c)) for a, b, c in turns)

    return TurnAwareGraph(net, problem.u_turn_penalty, pairs(problem.banned_turns),
                          pairs(problem.only_turns))


def _augmented(graph: TurnAwareGraph, points: tuple[int, ...]) -> sparse.csr_matrix:
    """The line graph plus, per point ``k``, a source ``m + k`` joined to the point's
    out-edges (weight 1) and a sink ``m + P + k`` reached from its in-edges (weight of
    the in-edge)."""
    net = graph.network
    m, p = net.n_edges, len(points)
    weights = net.encoded.graph.data
    rows, cols, vals = [], [], []
    for k, node in enumerate(points):
        out = np.arange(net.indptr[node], net.indptr[node + 1])
        rows += [m + k] * len(out)
        cols += out.tolist()
        vals += [1.0] * len(out)
        into = np.flatnonzero(net.indices == node)
        rows += into.tolist()
        cols += [m + p + k] * len(into)
        vals += weights[into].tolist()
    line = graph.line_graph.tocoo()
    rows += line.row.tolist()
    cols += line.col.tolist()
    vals += line.data.tolist()
    return sparse.csr_matrix((vals, (rows, cols)), shape=(m + 2 * p, m + 2 * p))


def _turn_aware(problem: ArcProblem, tasks: tuple[ArcTask, ...], points: tuple[int, ...],
                serve: np.ndarray) -> Deadheads:
    graph = _turn_graph(problem)
    net = graph.network
    m, p = net.n_edges, len(points)
    task_edges = np.array([net.edge_index(t.start, t.end) for t in tasks], dtype=np.int64)
    aug = _augmented(graph, points)
    src = np.concatenate([m + np.arange(p), task_edges]).astype(np.int64)
    tgt = np.concatenate([m + p + np.arange(p), task_edges]).astype(np.int64)
    offset = np.concatenate([np.ones(p), net.encoded.graph.data[task_edges]])
    dist = np.empty((len(src), len(tgt)))
    for lo in range(0, len(src), _CHUNK):
        dist[lo:lo + _CHUNK] = np.atleast_2d(dijkstra(aug, indices=src[lo:lo + _CHUNK]))[:, tgt]
    cost, _ = net.encoded.decode(np.maximum(dist - offset[:, None], 0.0))
    np.fill_diagonal(cost, 0.0)
    tails = net.edge_tails
    node_of = np.concatenate([tails, np.array(points), np.array(points)]).astype(int)
    cache: dict[int, np.ndarray] = {}  # predecessors from the points (sources of many legs)

    def path(i: int, j: int) -> tuple[int, ...]:
        if i == j < p:
            return (points[i],)
        pred = cache.get(i)
        if pred is None:
            pred = dijkstra(aug, indices=int(src[i]), return_predecessors=True)[1]
            if i < p:
                cache[i] = pred
        seq = [int(tgt[j])]
        while seq[-1] != src[i]:
            prev = int(pred[seq[-1]])
            if prev < 0:
                raise ValueError(f"no path from position {i} to position {j}")
            seq.append(prev)
        return tuple(int(node_of[x]) for x in reversed(seq[:-1]))

    return Deadheads(cost, serve, path)
