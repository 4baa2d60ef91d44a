"""Turn-aware travel matrices (turn restrictions, U-turn penalty).

Two ways to search a network with restrictions. *Node splitting* (cf. Geisberger &
Vetter 2011 on turn costs; :func:`compact_turn_graph`): the junctions a turn-aware path
must tell apart get one copy per in-edge, and the ordinary node hierarchy or Dijkstra
runs on that larger graph; exact when the junctions near restricted ones are split too
(``"compact"``), approximate with a U-turn penalty when only the restricted ones are
(``"restricted"``). *Line graph* (:attr:`~circularopt.network.TurnAwareGraph.line_graph`:
one node per directed road edge, one arc per allowed turn): a source starts on each of
its out-edges at cost 0, a target is reached at the end of any of its in-edges; searched
with scipy (:meth:`~circularopt.network.TurnAwareGraph.node_matrices`) or a hierarchy of
it. Both backends give the same numbers for one expansion.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from circularopt._validate import choice
from circularopt.exceptions import InputError
from circularopt.matrices.ch import ContractionHierarchy, Starts, node_starts
from circularopt.matrices.road import (
    BACKENDS,
    cached_hierarchy,
    ch_threads,
    default_workers,
    dijkstra_rows,
    node_matrices,
)
from circularopt.matrices.travel import TravelMatrices

if TYPE_CHECKING:
    from circularopt.network.turns import TurnAwareGraph

__all__ = ["EXPANSIONS", "CompactTurnGraph", "cached_compact", "compact_turn_graph",
           "turn_hierarchy", "turn_matrices", "turn_node_matrices"]


@dataclass(frozen=True, eq=False)
class CompactTurnGraph:
    """The road network with only its restricted junctions expanded (node splitting).

    Nodes ``0 .. n-1`` are the network's. A split junction ``v`` keeps its number for
    paths starting there (every out-edge) and gets one *in-copy* per in-edge that a rule
    starts from or that has a way straight back (with a U-turn penalty), numbered from
    ``n``: reached only by that edge, left only by the turns allowed from it (a U-turn
    with the penalty). Its other in-edges (one-way roads in) end at ``v`` itself, which
    allows every turn at no cost, as it would for them. A path ending at ``v`` ends at
    any of these. Weights are encoded as :attr:`RoadNetwork.encoded`.

    Parameters
    ----------
    indptr, indices, weights
        The expanded graph in CSR form.
    arrive_ptr, arrive_node
        A path ends at node ``v`` at ``arrive_node[arrive_ptr[v]:arrive_ptr[v + 1]]``
        (``v`` itself when an edge ends there, and ``v``'s in-copies).
    """

    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    arrive_ptr: np.ndarray
    arrive_node: np.ndarray

    @property
    def n_nodes(self) -> int:
        """Nodes of the expanded graph."""
        return len(self.indptr) - 1

    @property
    def csr(self) -> sparse.csr_matrix:
        """The graph as a scipy matrix (parallel edges kept, not summed)."""
        n = self.n_nodes
        return sparse.csr_matrix((self.weights, self.indices, self.indptr), shape=(n, n))

    def arrivals(self, targets: np.ndarray) -> Starts:
        """Where a path to each target may end, at no extra cost."""
        count = (self.arrive_ptr[targets + 1] - self.arrive_ptr[targets]).astype(np.int64)
        ptr = np.concatenate([[0], np.cumsum(count)]).astype(np.int64)
        pos = np.repeat(self.arrive_ptr[targets] - ptr[:-1], count) + np.arange(ptr[-1])
        return Starts(ptr, self.arrive_node[pos].astype(np.int64), np.zeros(ptr[-1]))


def compact_turn_graph(graph: TurnAwareGraph, *, exact: bool = True) -> CompactTurnGraph:
    """Split the junctions a turn-aware path needs to tell apart (see
    :class:`CompactTurnGraph`); every other junction stays one node.

    A path's cost is the sum of its edges' encoded weights plus the U-turn penalty where
    it turns back at a split junction; bans and ``only_*`` rules apply at the restricted
    ones. A fastest path turns back at an unsplit junction ``b`` only on an excursion
    ``a -> z -> ... -> b -> ... -> z -> a`` that re-enters a restricted junction ``a`` by
    another edge, going out and back the same way. With ``exact`` (default), every
    junction ``b`` whose round trip from such a two-way neighbour ``z`` is shorter than
    the cheapest turn-aware way from ``a -> z`` back onto ``z -> a`` (the charged U-turn
    at ``z`` or a loop round a block, whichever is cheaper) is split too, so that way is
    never dearer than the free turn at ``b``: the result equals the line graph's
    (tested). Without ``exact`` only the restricted junctions
    are split: faster, but such U-turns go uncharged and the result can be lower than
    the line graph's (equal when the penalty is 0, which splits nothing more anyway).
    """
    net = graph.network
    n, m = net.n_nodes, net.n_edges
    heads, tails = net.indices.astype(np.int64), net.edge_tails.astype(np.int64)
    enc = net.encoded
    w = np.asarray(enc.graph.data, dtype=np.float64)
    pen = np.round(graph.u_turn_s / enc.time_quantum_s) * enc.radix
    split = np.zeros(n, dtype=bool)
    rules = graph.banned + graph.only
    if rules:
        split[heads[np.array([a for a, _ in rules], dtype=np.int64)]] = True
        if exact and pen > 0:
            split |= _u_turn_reach(graph, split, pen)
    into = np.flatnonzero(split[heads] & _needs_copy(graph, pen))
    copy = np.full(m, -1, dtype=np.int64)
    copy[into] = n + np.arange(len(into))
    end = np.where(copy >= 0, copy, heads)
    count = np.diff(net.indptr).astype(np.int64)[heads[into]]
    a = np.repeat(into, count)
    f = np.repeat(net.indptr[heads[into]] - (np.cumsum(count) - count), count) \
        + np.arange(count.sum())
    keep = graph.allowed(a, f)
    a, f = a[keep], f[keep]
    rows = np.concatenate([tails, copy[a]])
    size = n + len(into)
    order = np.argsort(rows, kind="stable")
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=size), out=indptr[1:])
    cols = np.concatenate([end, end[f]])[order]
    weights = np.concatenate([w, w[f] + pen * (heads[f] == tails[a])])[order]
    free = np.flatnonzero(np.bincount(heads[copy < 0], minlength=n) > 0)
    key = np.concatenate([free, heads[into]])
    arrive_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(key, minlength=n), out=arrive_ptr[1:])
    arrive = np.concatenate([free, copy[into]])[np.argsort(key, kind="stable")]
    return CompactTurnGraph(indptr, cols, weights, arrive_ptr, arrive)


_DENSE_CELLS = 4_000_000
"""Cells of one dense line-graph Dijkstra result (32 MB) in :func:`_turnarounds`."""


def _needs_copy(graph: TurnAwareGraph, pen: float) -> np.ndarray:
    """Edges whose end at a split junction must be a copy of their own: a rule starts
    from them, or they have a way straight back to charge (with a penalty). The others
    may take every way on at no cost, as the junction's own node does, so they end
    there."""
    net = graph.network
    n = net.n_nodes
    heads, tails = net.indices.astype(np.int64), net.edge_tails.astype(np.int64)
    ruled = np.zeros(net.n_edges, dtype=bool)
    ruled[[a for a, _ in graph.banned + graph.only]] = True
    if pen > 0:
        ruled |= np.isin(heads * n + tails, tails * n + heads)
    return ruled


def _u_turn_reach(graph: TurnAwareGraph, restricted: np.ndarray, pen: float,
                  chunk: int = 64) -> np.ndarray:
    """Junctions ``b`` with ``d(z, b) + d(b, z) < tau`` (encoded) for a two-way neighbour
    ``z`` of a restricted junction ``a`` (bounded Dijkstra searches, both directions).

    ``tau`` (:func:`_turnarounds`, at most the penalty) is the cheapest turn-aware way
    from the edge ``a -> z`` back onto ``z -> a``: the charged U-turn at ``z`` or a loop
    round a block. An excursion turning back freely at ``b`` costs at least the round
    trip, so the loop or the U-turn is never dearer."""
    net = graph.network
    n = net.n_nodes
    zs, tau = _turnarounds(graph, restricted, pen, chunk)
    reach = np.zeros(n, dtype=bool)
    fwd = net.encoded.graph
    reverse = fwd.T.tocsr()
    for lo in range(0, len(zs), chunk):
        part, limit = zs[lo:lo + chunk], tau[lo:lo + chunk]
        there = np.atleast_2d(dijkstra(fwd, indices=part, limit=limit.max()))
        there += np.atleast_2d(dijkstra(reverse, indices=part, limit=limit.max()))
        reach |= (there < limit[:, None]).any(axis=0)
    return reach


def _turnarounds(graph: TurnAwareGraph, restricted: np.ndarray, pen: float, chunk: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Two-way neighbours ``z`` of restricted junctions and, per ``z``, the largest
    over edge pairs ``a -> z``, ``z -> a`` of the line-graph cost from the first to
    the second, less the first edge's own weight, capped at ``pen``."""
    net = graph.network
    n = net.n_nodes
    heads, tails = net.indices.astype(np.int64), net.edge_tails.astype(np.int64)
    key = tails * n + heads
    order = np.argsort(key, kind="stable")
    back = heads * n + tails
    lo = np.searchsorted(key[order], back)
    hi = np.searchsorted(key[order], back, side="right")
    first = np.flatnonzero(restricted[tails] & (heads != tails) & (hi > lo))
    own = graph.edge_weights
    tau = np.empty(len(first))
    rows = max(1, min(chunk, _DENSE_CELLS // max(1, net.n_edges)))  # dense result rows
    for s in range(0, len(first), rows):
        part = first[s:s + rows]
        dist = np.atleast_2d(dijkstra(graph.line_graph, indices=part,
                                      limit=float((own[part] + pen).max())))
        for i, e in enumerate(part):
            tau[s + i] = min(pen, float((dist[i, order[lo[e]:hi[e]]] - own[e]).max()))
    zs, inverse = np.unique(heads[first], return_inverse=True)
    most = np.full(len(zs), -np.inf)
    np.maximum.at(most, inverse, tau)
    return zs, most


def turn_hierarchy(graph: TurnAwareGraph, *, cache_dir: str | Path | None = None
                   ) -> ContractionHierarchy:
    """The contraction hierarchy of the graph's line graph (in memory; on disk with
    ``cache_dir``, keyed by the network, the restrictions and the U-turn penalty)."""
    h = hashlib.sha256(repr((graph.u_turn_s, graph.banned, graph.only)).encode())
    line = graph.line_graph
    return cached_hierarchy(graph.network.fingerprint, f"turns-{h.hexdigest()[:24]}",
                            lambda: (line.indptr, line.indices, line.data), cache_dir)


EXPANSIONS = ("compact", "restricted", "line")
"""How :func:`turn_node_matrices` expands a network with restrictions: the compact
expansion (exact), its restricted junctions only (``exact=False``), the line graph."""

_compact: dict[str, CompactTurnGraph] = {}

_CH_GROWTH = 1.5
"""Default backend ``"ch"`` for a compact expansion up to this many times the network's
nodes, ``"scipy"`` above (its hierarchy would take longer to build than the searches)."""


def _restriction_key(graph: TurnAwareGraph) -> str:
    h = hashlib.sha256(repr((graph.u_turn_s, graph.banned, graph.only)).encode())
    return f"{graph.network.fingerprint}|{h.hexdigest()[:24]}"


def cached_compact(graph: TurnAwareGraph, *, exact: bool = True) -> CompactTurnGraph:
    """:func:`compact_turn_graph`, kept in memory for the last few graphs."""
    key = f"{_restriction_key(graph)}|{exact}"
    if key not in _compact:
        while len(_compact) >= 4:
            _compact.pop(next(iter(_compact)))
        _compact[key] = compact_turn_graph(graph, exact=exact)
    return _compact[key]


def turn_node_matrices(graph: TurnAwareGraph, sources: Sequence[int] | np.ndarray,
                       targets: Sequence[int] | np.ndarray | None = None, *,
                       backend: str | None = None, workers: int | None = None,
                       cache_dir: str | Path | None = None, expansion: str | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Fastest turn-aware time (s) and its length (m) between network nodes.

    As :meth:`~circularopt.network.TurnAwareGraph.node_matrices` (a path leaves ``s`` by
    any out-edge and reaches ``t`` by any in-edge; the diagonal is 0). Without
    restrictions the plain node matrices are exact and are returned. ``workers`` and
    ``cache_dir`` as in :func:`~circularopt.matrices.node_matrices`.

    ``expansion`` (with restrictions): ``"compact"`` (default) searches
    :func:`compact_turn_graph` (the restricted junctions and those within a U-turn
    penalty's, or a cheaper loop's, round trip of their neighbours split; exact),
    ``"restricted"`` the same with the restricted junctions split only (faster with a
    U-turn penalty, but a U-turn next to one goes uncharged), ``"line"`` the line graph
    (exact, many times the plain time). Measured in ``docs/benchmarks.md``.

    ``backend``: ``"ch"`` or ``"scipy"``. Default ``"ch"``, but ``"scipy"`` for the line
    graph and for a compact expansion with more than 1.5x the network's nodes: their
    hierarchies take longer to build than one matrix of searches (measured in
    ``docs/benchmarks.md``); pass ``"ch"`` (with ``cache_dir``) when the hierarchy is
    reused.
    """
    net = graph.network
    restricted = bool(graph.banned or graph.only)
    expansion = "compact" if expansion is None else expansion
    choice("expansion", expansion, EXPANSIONS)
    if backend is None:
        backend = "ch"
        if restricted and (expansion == "line" or cached_compact(
                graph, exact=expansion == "compact").n_nodes > _CH_GROWTH * net.n_nodes):
            backend = "scipy"
    choice("backend", backend, BACKENDS)
    if not restricted:
        return node_matrices(net, sources, targets, workers=workers, backend=backend,
                             cache_dir=cache_dir)
    src = _indices("sources", sources, net.n_nodes)
    tgt = src if targets is None else _indices("targets", targets, net.n_nodes)
    n_workers = default_workers() if workers is None else workers
    if n_workers < 1:
        raise InputError("workers", workers, "an integer >= 1 or None")
    if expansion != "line":
        dur, dist = _compact_matrices(graph, src, tgt, backend, n_workers, cache_dir,
                                      exact=expansion == "compact")
    elif backend == "scipy":
        return graph.node_matrices(src, tgt, line_graph=True)
    else:
        ch = turn_hierarchy(graph, cache_dir=cache_dir)
        enc = net.encoded
        dur, dist = ch.query(_out_edges(net.indptr, src), _in_edges(graph, tgt),
                             radix=enc.radix, time_quantum_s=enc.time_quantum_s,
                             length_quantum_m=enc.length_quantum_m,
                             threads=ch_threads(n_workers))
    same = src[:, None] == tgt[None, :]
    dur[same], dist[same] = 0.0, 0.0
    return dur, dist


def _compact_matrices(graph: TurnAwareGraph, src: np.ndarray, tgt: np.ndarray,
                      backend: str, workers: int, cache_dir: str | Path | None, *,
                      exact: bool) -> tuple[np.ndarray, np.ndarray]:
    """Node matrices on the compact expansion, by hierarchy or by scipy's Dijkstra."""
    compact = cached_compact(graph, exact=exact)
    enc = graph.network.encoded
    arrive = compact.arrivals(tgt)
    if backend == "ch":
        fingerprint, variant = _restriction_key(graph).split("|")
        kind = "compact" if exact else "restricted"
        ch = cached_hierarchy(fingerprint, f"{kind}-{variant}", lambda: (
            compact.indptr, compact.indices, compact.weights), cache_dir)
        return ch.query(node_starts(src), arrive, radix=enc.radix,
                        time_quantum_s=enc.time_quantum_s,
                        length_quantum_m=enc.length_quantum_m, threads=ch_threads(workers))
    rows = dijkstra_rows(compact.csr, src, arrive.node, workers)
    total = np.full((len(src), len(tgt)), np.inf)
    has = np.diff(arrive.ptr) > 0
    if len(arrive.node):
        total[:, has] = np.minimum.reduceat(rows, arrive.ptr[:-1][has], axis=1)
    return enc.decode(total)


def _indices(name: str, values: Sequence[int] | np.ndarray, n: int) -> np.ndarray:
    arr = np.asarray(values, dtype=np.int64).reshape(-1)
    if len(arr) and (arr.min() < 0 or arr.max() >= n):
        raise InputError(name, "node index out of range", f"indices 0..{n - 1}")
    return arr


def _out_edges(indptr: np.ndarray, src: np.ndarray) -> Starts:
    """Each source starts on each of its out-edges (line-graph nodes) at cost 0."""
    count = (indptr[src + 1] - indptr[src]).astype(np.int64)
    ptr = np.concatenate([[0], np.cumsum(count)]).astype(np.int64)
    first = np.repeat(indptr[src].astype(np.int64) - ptr[:-1], count)
    return Starts(ptr, first + np.arange(ptr[-1]), np.zeros(ptr[-1]))


def _in_edges(graph: TurnAwareGraph, tgt: np.ndarray) -> Starts:
    """Each target is reached at the end of its in-edges: cost = the edge's weight."""
    net = graph.network
    heads = net.indices
    order = np.argsort(heads, kind="stable")
    indeg = np.bincount(heads, minlength=net.n_nodes)
    first = np.concatenate([[0], np.cumsum(indeg)])
    count = indeg[tgt].astype(np.int64)
    ptr = np.concatenate([[0], np.cumsum(count)]).astype(np.int64)
    pos = np.repeat(first[tgt] - ptr[:-1], count) + np.arange(ptr[-1])
    edges = order[pos].astype(np.int64)
    enc = net.encoded
    weight = (np.round(net.travel_time_s[edges] / enc.time_quantum_s) * enc.radix
              + np.maximum(np.round(net.length_m[edges] / enc.length_quantum_m), 1.0))
    return Starts(ptr, edges, weight)


def turn_matrices(graph: TurnAwareGraph, locations: Sequence[tuple[str, float, float]], *,
                  max_snap_m: float | None = None, backend: str | None = None,
                  workers: int | None = None, expansion: str | None = None
                  ) -> TravelMatrices:
    """Like :func:`~circularopt.matrices.road_matrices`, on a turn-aware graph.

    Points are snapped as there (a leg along the edge to its node); node-to-node paths
    honour the graph's turn restrictions and U-turn penalty (:func:`turn_node_matrices`,
    ``backend``, ``workers`` and ``expansion`` as there). A path may leave a point's node in any
    direction and arrive from any direction. Matrices are not cached (the hierarchy
    is kept in memory).
    """
    from circularopt.network import DEFAULT_MAX_SNAP_M, snap

    net = graph.network
    limit = DEFAULT_MAX_SNAP_M if max_snap_m is None else float(max_snap_m)
    ids = tuple(str(loc[0]) for loc in locations)
    lat = np.array([loc[1] for loc in locations], dtype=float)
    lon = np.array([loc[2] for loc in locations], dtype=float)
    snapped = snap(net, ids, lat, lon, max_snap_m=limit)
    dur, dist = turn_node_matrices(graph, snapped.node, backend=backend, workers=workers,
                                   expansion=expansion)
    dur += snapped.leg_s[:, None]
    dur += snapped.leg_s[None, :]
    dist += snapped.leg_m[:, None]
    dist += snapped.leg_m[None, :]
    np.fill_diagonal(dur, 0.0)
    np.fill_diagonal(dist, 0.0)
    return TravelMatrices(ids, dur, dist, False,
                          f"road network: {net.source}; fastest turn-aware paths "
                          f"({len(graph.banned) + len(graph.only)} turn restrictions, "
                          f"U-turn {graph.u_turn_s:g} s); {len(ids)} points snapped")
