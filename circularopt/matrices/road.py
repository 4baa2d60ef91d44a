"""Road matrices: fastest paths on a road network with scipy's compiled Dijkstra.

The searches run on the network's CSR arrays, one per distinct origin node, spread over
worker processes (scipy's Dijkstra holds the GIL, so threads do not help). No networkx is
involved.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse.csgraph import dijkstra

from circularopt.exceptions import InputError
from circularopt.matrices.cache import cache_file, load_matrices, store
from circularopt.matrices.travel import TravelMatrices

if TYPE_CHECKING:
    from circularopt.network import RoadNetwork

__all__ = ["default_workers", "node_matrices", "road_matrices"]

_ROWS_PER_TASK = 32
_worker_state: tuple[Any, np.ndarray] | None = None


def _init_worker(graph: Any, targets: np.ndarray) -> None:
    global _worker_state
    _worker_state = (graph, targets)


def _rows(sources: np.ndarray) -> np.ndarray:
    assert _worker_state is not None
    graph, targets = _worker_state
    return np.asarray(dijkstra(graph, indices=sources)[:, targets])


def default_workers() -> int:
    """Worker processes used when ``workers=None``: the CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def node_matrices(network: RoadNetwork, sources: Sequence[int] | np.ndarray,
                  targets: Sequence[int] | np.ndarray | None = None, *,
                  workers: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Travel time and distance along the fastest path between network nodes.

    Parameters
    ----------
    network
        The road network.
    sources
        Origin node indices (rows).
    targets
        Destination node indices (columns); default: the same as ``sources``.
    workers
        Processes to use (default: every CPU available). One Dijkstra search runs per
        distinct origin; with more than one worker and enough origins the searches are
        spread over forked processes (scipy's Dijkstra holds the GIL, so threads would
        not run in parallel). Where ``fork`` is unavailable (Windows) they run in this
        process.

    Returns
    -------
    duration_s, distance_m
        ``(len(sources), len(targets))`` arrays; ``inf`` where unreachable.
        ``distance_m`` is the length of the fastest path; among equally fast paths the
        shortest is taken. Times are sums of per-edge times rounded to 1 ms and lengths
        of per-edge lengths rounded to 1 cm (coarser quanta only on networks whose
        longest path would not fit, see :attr:`RoadNetwork.encoded`); an edge shorter
        than half a centimetre counts as 1 cm.
    """
    n = network.n_nodes
    src = np.asarray(sources, dtype=np.int64).reshape(-1)
    tgt = src if targets is None else np.asarray(targets, dtype=np.int64).reshape(-1)
    for name, arr in (("sources", src), ("targets", tgt)):
        if len(arr) and (arr.min() < 0 or arr.max() >= n):
            raise InputError(name, "node index out of range", f"indices 0..{n - 1}")
    n_workers = default_workers() if workers is None else int(workers)
    if n_workers < 1:
        raise InputError("workers", workers, "an integer >= 1 or None")
    uniq, inverse = np.unique(src, return_inverse=True)
    enc = network.encoded
    chunks = [uniq[i:i + _ROWS_PER_TASK] for i in range(0, len(uniq), _ROWS_PER_TASK)]
    if n_workers == 1 or len(chunks) < 2 or "fork" not in get_all_start_methods():
        _init_worker(enc.graph, tgt)
        parts = [_rows(c) for c in chunks]
    else:
        with ProcessPoolExecutor(max_workers=min(n_workers, len(chunks)),
                                 mp_context=get_context("fork"), initializer=_init_worker,
                                 initargs=(enc.graph, tgt)) as pool:
            parts = list(pool.map(_rows, chunks))
    total = np.concatenate(parts) if parts else np.zeros((0, len(tgt)))
    duration, distance = enc.decode(total[inverse])
    return duration, distance


def road_matrices(network: RoadNetwork, locations: Sequence[tuple[str, float, float]], *,
                  max_snap_m: float | None = None, cache: bool = True,
                  cache_dir: str | Path | None = None,
                  workers: int | None = None) -> TravelMatrices:
    """Travel time and distance along the fastest road path between located points.

    Parameters
    ----------
    network
        The road network (its largest strongly connected component, so every pair is
        reachable).
    locations
        ``(id, lat, lon)`` triples.
    max_snap_m
        Snapping limit in metres (default
        :data:`circularopt.network.DEFAULT_MAX_SNAP_M`).
    cache
        Reuse and store results on disk, keyed by a hash of the network arrays, the
        points and the snapping limit.
    cache_dir
        Cache folder (default: ``matrices/`` in :func:`circularopt.config.cache_dir`).
    workers
        Processes for the shortest-path searches (default: all CPUs).

    Returns
    -------
    TravelMatrices
        ``approximate=False``. Entry ``(i, j)`` = leg from point ``i`` along its edge to
        its node + fastest node-to-node path + leg from ``j``'s node along its edge to
        ``j`` (see :func:`circularopt.network.snap`); the diagonal is zero. Two points
        joined at the same node get the sum of their two legs, even if they sit side by
        side on one edge. Perpendicular snapping offsets are not included.

    Raises
    ------
    SnappingError
        Naming the points farther than ``max_snap_m`` from the network.
    """
    from circularopt.network import DEFAULT_MAX_SNAP_M, snap

    limit = DEFAULT_MAX_SNAP_M if max_snap_m is None else float(max_snap_m)
    ids = tuple(str(loc[0]) for loc in locations)
    lat = np.array([loc[1] for loc in locations], dtype=float)
    lon = np.array([loc[2] for loc in locations], dtype=float)
    file = cache_file(network, ids, lat, lon, limit, cache_dir) if cache else None
    if file is not None and file.is_file():
        return load_matrices(file)
    snapped = snap(network, ids, lat, lon, max_snap_m=limit)
    dur, dist = node_matrices(network, snapped.node, workers=workers)
    dur = dur + snapped.leg_s[:, None] + snapped.leg_s[None, :]
    dist = dist + snapped.leg_m[:, None] + snapped.leg_m[None, :]
    np.fill_diagonal(dur, 0.0)
    np.fill_diagonal(dist, 0.0)
    worst = float(snapped.distance_m.max()) if len(ids) else 0.0
    result = TravelMatrices(ids, dur, dist, False,
                            f"road network: {network.source}; fastest paths; {len(ids)} "
                            f"points snapped (max {worst:,.0f} m from a road)")
    if file is not None:
        store(result, file)
    return result
