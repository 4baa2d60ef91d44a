"""Turn-aware travel matrices (turn restrictions, U-turn penalty).

With restrictions, the ``"ch"`` backend contracts the network's line graph
(:attr:`~circularopt.network.TurnAwareGraph.line_graph`: one node per directed road
edge, one arc per allowed turn) into a :class:`~circularopt.matrices.ch.
ContractionHierarchy` and answers many-to-many queries on it: a source starts on each of
its out-edges at cost 0, a target is reached at the end of any of its in-edges. The
``"scipy"`` backend is :meth:`~circularopt.network.TurnAwareGraph.node_matrices`; both
give the same numbers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from circularopt._validate import choice
from circularopt.exceptions import InputError
from circularopt.matrices.ch import ContractionHierarchy, Starts
from circularopt.matrices.road import (
    BACKENDS,
    cached_hierarchy,
    ch_threads,
    default_workers,
    node_matrices,
)
from circularopt.matrices.travel import TravelMatrices

if TYPE_CHECKING:
    from circularopt.network.turns import TurnAwareGraph

__all__ = ["turn_hierarchy", "turn_matrices", "turn_node_matrices"]


def turn_hierarchy(graph: TurnAwareGraph, *, cache_dir: str | Path | None = None
                   ) -> ContractionHierarchy:
    """The contraction hierarchy of the graph's line graph (in memory; on disk with
    ``cache_dir``, keyed by the network, the restrictions and the U-turn penalty)."""
    h = hashlib.sha256(repr((graph.u_turn_s, graph.banned, graph.only)).encode())
    line = graph.line_graph
    return cached_hierarchy(graph.network.fingerprint, f"turns-{h.hexdigest()[:24]}",
                            lambda: (line.indptr, line.indices, line.data), cache_dir)


def turn_node_matrices(graph: TurnAwareGraph, sources: Sequence[int] | np.ndarray,
                       targets: Sequence[int] | np.ndarray | None = None, *,
                       backend: str | None = None, workers: int | None = None,
                       cache_dir: str | Path | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Fastest turn-aware time (s) and its length (m) between network nodes.

    As :meth:`~circularopt.network.TurnAwareGraph.node_matrices` (a path leaves ``s`` by
    any out-edge and reaches ``t`` by any in-edge; the diagonal is 0). Without
    restrictions the plain node matrices are exact and are returned. ``workers`` and
    ``cache_dir`` as in :func:`~circularopt.matrices.node_matrices`.

    ``backend``: ``"ch"`` or ``"scipy"``; default (``None``) ``"ch"`` without
    restrictions and ``"scipy"`` with them, because the line graph's hierarchy takes far
    longer to build than one matrix of line-graph searches on city networks (measured in
    ``docs/benchmarks.md``); pass ``"ch"`` when many matrices reuse one graph.
    """
    net = graph.network
    restricted = bool(graph.banned or graph.only)
    if backend is None:
        backend = "scipy" if restricted else "ch"
    choice("backend", backend, BACKENDS)
    if not restricted:
        return node_matrices(net, sources, targets, workers=workers, backend=backend,
                             cache_dir=cache_dir)
    if backend == "scipy":
        return graph.node_matrices(sources, targets, line_graph=True)
    src = _indices("sources", sources, net.n_nodes)
    tgt = src if targets is None else _indices("targets", targets, net.n_nodes)
    n_workers = default_workers() if workers is None else workers
    if n_workers < 1:
        raise InputError("workers", workers, "an integer >= 1 or None")
    ch = turn_hierarchy(graph, cache_dir=cache_dir)
    enc = net.encoded
    dur, dist = ch.query(_out_edges(net.indptr, src), _in_edges(graph, tgt),
                         radix=enc.radix, time_quantum_s=enc.time_quantum_s,
                         length_quantum_m=enc.length_quantum_m,
                         threads=ch_threads(n_workers))
    same = src[:, None] == tgt[None, :]
    dur[same], dist[same] = 0.0, 0.0
    return dur, dist


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
                  workers: int | None = None) -> TravelMatrices:
    """Like :func:`~circularopt.matrices.road_matrices`, on a turn-aware graph.

    Points are snapped as there (a leg along the edge to its node); node-to-node paths
    honour the graph's turn restrictions and U-turn penalty (:func:`turn_node_matrices`,
    ``backend`` and ``workers`` as there). A path may leave a point's node in any
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
    dur, dist = turn_node_matrices(graph, snapped.node, backend=backend, workers=workers)
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
