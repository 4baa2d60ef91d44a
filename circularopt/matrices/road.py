"""Road matrices: fastest paths on a road network.

Two backends give the same numbers. ``"ch"`` (the default, the fastest measured): a
contraction hierarchy of the network (:mod:`circularopt.matrices.ch`, built once per
network, kept in memory and optionally on disk) and bucket many-to-many queries on
threads. ``"scipy"``: scipy's compiled Dijkstra on the network's CSR arrays, one search
per distinct origin node, spread over worker processes (it holds the GIL, so threads do
not help). No networkx is involved.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse.csgraph import dijkstra

from circularopt._validate import choice
from circularopt.exceptions import InputError
from circularopt.matrices.cache import cache_file, hierarchy_file, load_matrices, store
from circularopt.matrices.ch import ContractionHierarchy, node_starts
from circularopt.matrices.travel import TravelMatrices

if TYPE_CHECKING:
    from circularopt.network import RoadNetwork

__all__ = ["BACKENDS", "cached_hierarchy", "ch_threads", "default_workers",
           "dijkstra_rows", "network_hierarchy", "node_matrices", "road_matrices"]

BACKENDS = ("ch", "scipy")
"""Shortest-path backends of :func:`node_matrices`; the first is the default."""

_ROWS_PER_TASK = 32
_worker_state: tuple[Any, np.ndarray] | None = None
_hierarchies: dict[str, ContractionHierarchy] = {}
_KEEP_HIERARCHIES = 4


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


def network_hierarchy(network: RoadNetwork, *, cache_dir: str | Path | None = None
                      ) -> ContractionHierarchy:
    """The contraction hierarchy of a network's encoded weights.

    Kept in memory (the last few graphs, by the network's fingerprint) and, with
    ``cache_dir``, in an ``.npz`` file there keyed by it. Its ``build_seconds`` is the
    preprocessing time when it was built.
    """
    enc = network.encoded
    return cached_hierarchy(network.fingerprint, "", lambda: (
        network.indptr, network.indices, enc.graph.data), cache_dir)


def cached_hierarchy(fingerprint: str, variant: str,
                     graph: Callable[[], tuple[np.ndarray, np.ndarray, np.ndarray]],
                     cache_dir: str | Path | None = None) -> ContractionHierarchy:
    """The hierarchy of the CSR graph ``graph()`` returns (``indptr, indices,
    weights``), from memory, from ``cache_dir`` or built (then kept in both)."""
    key = f"{fingerprint}|{variant}"
    if key in _hierarchies:
        return _hierarchies[key]
    file = hierarchy_file(fingerprint, variant, cache_dir) if cache_dir is not None \
        else None
    if file is not None and file.is_file():
        ch = ContractionHierarchy.load(file)
    else:
        ch = ContractionHierarchy.build(*graph())
        if file is not None:
            ch.save(file)
    while len(_hierarchies) >= _KEEP_HIERARCHIES:
        _hierarchies.pop(next(iter(_hierarchies)))
    _hierarchies[key] = ch
    return ch


def ch_threads(workers: int) -> int:
    """Set numba's thread count to ``workers`` (at most its maximum); returns it."""
    import numba

    threads = min(workers, numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
    numba.set_num_threads(threads)
    return threads


def _ch_matrices(network: RoadNetwork, src: np.ndarray, tgt: np.ndarray, workers: int,
                 cache_dir: str | Path | None) -> tuple[np.ndarray, np.ndarray]:
    ch = network_hierarchy(network, cache_dir=cache_dir)
    enc = network.encoded
    threads = ch_threads(workers)
    return ch.query(node_starts(src), node_starts(tgt), radix=enc.radix,
                    time_quantum_s=enc.time_quantum_s,
                    length_quantum_m=enc.length_quantum_m, threads=threads)


def node_matrices(network: RoadNetwork, sources: Sequence[int] | np.ndarray,
                  targets: Sequence[int] | np.ndarray | None = None, *,
                  workers: int | None = None, backend: str = "ch",
                  cache_dir: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
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
        CPUs to use (default: every CPU available). ``"ch"``: numba threads. ``"scipy"``:
        one Dijkstra search per distinct origin; with more than one worker and enough
        origins the searches are spread over forked processes (scipy's Dijkstra holds
        the GIL, so threads would not run in parallel); where ``fork`` is unavailable
        (Windows) they run in this process.
    backend
        ``"ch"`` (default): contraction hierarchy, built on first use for this network
        (see :func:`network_hierarchy`; the first call in a fresh environment also
        compiles the numba code, cached on disk); ``"scipy"``: one Dijkstra per origin.
        Both return the same numbers.
    cache_dir
        ``"ch"`` only: a folder where the hierarchy is stored and reused.

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
    choice("backend", backend, BACKENDS)
    n = network.n_nodes
    src = np.asarray(sources, dtype=np.int64).reshape(-1)
    tgt = src if targets is None else np.asarray(targets, dtype=np.int64).reshape(-1)
    for name, arr in (("sources", src), ("targets", tgt)):
        if len(arr) and (arr.min() < 0 or arr.max() >= n):
            raise InputError(name, "node index out of range", f"indices 0..{n - 1}")
    n_workers = default_workers() if workers is None else int(workers)
    if n_workers < 1:
        raise InputError("workers", workers, "an integer >= 1 or None")
    if backend == "ch":
        return _ch_matrices(network, src, tgt, n_workers, cache_dir)
    return network.encoded.decode(dijkstra_rows(network.encoded.graph, src, tgt, n_workers))


def dijkstra_rows(graph: Any, sources: np.ndarray, columns: np.ndarray, workers: int
                  ) -> np.ndarray:
    """``dijkstra(graph)[sources][:, columns]``: one search per distinct source, spread
    over ``workers`` forked processes when there are enough (in this process where
    ``fork`` is unavailable)."""
    uniq, inverse = np.unique(sources, return_inverse=True)
    chunks = [uniq[i:i + _ROWS_PER_TASK] for i in range(0, len(uniq), _ROWS_PER_TASK)]
    if workers == 1 or len(chunks) < 2 or "fork" not in get_all_start_methods():
        _init_worker(graph, columns)
        parts = [_rows(c) for c in chunks]
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(chunks)),
                                 mp_context=get_context("fork"), initializer=_init_worker,
                                 initargs=(graph, columns)) as pool:
            parts = list(pool.map(_rows, chunks))
    total = np.concatenate(parts) if parts else np.zeros((0, len(columns)))
    return np.asarray(total[inverse])


def road_matrices(network: RoadNetwork, locations: Sequence[tuple[str, float, float]], *,
                  max_snap_m: float | None = None, cache: bool = True,
                  cache_dir: str | Path | None = None,
                  workers: int | None = None, backend: str = "ch") -> TravelMatrices:
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
        points and the snapping limit; with ``backend="ch"`` the network's contraction
        hierarchy too (keyed by the network).
    cache_dir
        Cache folder (default: ``matrices/`` in :func:`circularopt.config.cache_dir`).
    workers
        CPUs for the shortest-path searches (default: all).
    backend
        ``"ch"`` or ``"scipy"`` (see :func:`node_matrices`); same results.

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
    dur, dist = node_matrices(network, snapped.node, workers=workers, backend=backend,
                              cache_dir=None if file is None else file.parent)
    dur += snapped.leg_s[:, None]
    dur += snapped.leg_s[None, :]
    dist += snapped.leg_m[:, None]
    dist += snapped.leg_m[None, :]
    np.fill_diagonal(dur, 0.0)
    np.fill_diagonal(dist, 0.0)
    worst = float(snapped.distance_m.max()) if len(ids) else 0.0
    result = TravelMatrices(ids, dur, dist, False,
                            f"road network: {network.source}; fastest paths; {len(ids)} "
                            f"points snapped (max {worst:,.0f} m from a road)")
    if file is not None:
        store(result, file)
    return result
