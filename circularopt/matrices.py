"""Travel-time and distance matrices between located objects.

All solvers read travel data through :class:`TravelMatrices`: square matrices over an
ordered tuple of ids. They come either from a road network (:func:`road_matrices`, on a
:class:`circularopt.network.RoadNetwork`) or from the explicit offline approximation
:func:`approximate_matrices`, which every result built on it announces as approximate.

Road matrices run scipy's compiled Dijkstra (``scipy.sparse.csgraph.dijkstra``) on the
network's CSR arrays, one search per distinct origin node, spread over worker processes
(scipy's Dijkstra holds the GIL, so threads do not help). No networkx is involved.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse.csgraph import dijkstra

from circularopt.exceptions import InputError

if TYPE_CHECKING:
    from circularopt.network import RoadNetwork

__all__ = [
    "EARTH_RADIUS_M",
    "TravelMatrices",
    "approximate_matrices",
    "default_workers",
    "haversine_m",
    "load_matrices",
    "node_matrices",
    "road_matrices",
    "save_matrices",
]

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG), metres."""


def haversine_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray,
                lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres (broadcasting over the inputs)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True, eq=False)
class TravelMatrices:
    """Travel durations and distances between ordered ids.

    Parameters
    ----------
    ids
        Ids of the rows (and columns).
    duration_s
        ``duration_s[i, j]``: travel time from ``ids[i]`` to ``ids[j]``, seconds.
    distance_m
        ``distance_m[i, j]``: length of that (fastest) path, metres.
    approximate
        True when the figures are an approximation rather than road-network paths.
    source
        Where the figures come from, in words (shown in results and reports).
    """

    ids: tuple[str, ...]
    duration_s: np.ndarray
    distance_m: np.ndarray
    approximate: bool
    source: str
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("duration_s", "distance_m"):
            arr = np.asarray(getattr(self, name), dtype=float)
            if arr.shape != (n, n):
                raise InputError(f"TravelMatrices.{name}", arr.shape,
                                 f"shape ({n}, {n}) to match {n} ids")
            if np.isnan(arr).any() or (arr < 0).any():
                raise InputError(f"TravelMatrices.{name}", "NaN or negative entries",
                                 "non-negative numbers (inf where unreachable)")
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        index = {i: k for k, i in enumerate(self.ids)}
        if len(index) != n:
            raise InputError("TravelMatrices.ids", "duplicates", "unique ids")
        object.__setattr__(self, "_index", index)

    def index(self, id_: str) -> int:
        """Row of ``id_``."""
        try:
            return self._index[id_]
        except KeyError:
            raise InputError("id", id_, "an id present in the travel matrices") from None

    def indices(self, ids: Sequence[str]) -> np.ndarray:
        """Rows of ``ids`` as an integer array."""
        return np.array([self.index(i) for i in ids], dtype=np.int64)

    def subset(self, ids: Sequence[str]) -> TravelMatrices:
        """Matrices restricted to ``ids`` (in that order)."""
        idx = self.indices(ids)
        sub = np.ix_(idx, idx)
        return TravelMatrices(tuple(ids), self.duration_s[sub], self.distance_m[sub],
                              self.approximate, self.source)


def approximate_matrices(locations: Sequence[tuple[str, float, float]], *,
                         circuity: float = 1.35, speed_kmh: float = 30.0,
                         urban_km: float = 10.0, rural_speed_kmh: float = 70.0
                         ) -> TravelMatrices:
    """Offline approximation: great-circle distance times a circuity factor.

    The road distance is ``circuity`` times the great-circle distance. A trip's first
    ``urban_km`` kilometres are driven at ``speed_kmh`` (streets), the rest at
    ``rural_speed_kmh`` (trunk roads between towns), so short urban hops and long
    inter-town trips (Issyk-Kul's lake shore, Bishkek to a landfill out of town) both get
    plausible times.

    Parameters
    ----------
    locations
        ``(id, lat, lon)`` triples.
    circuity
        Ratio of road distance to great-circle distance. 1.3-1.4 is typical of city
        grids (Ballou et al. 2002 measured 1.1-1.5 across countries); the default is
        1.35.
    speed_kmh
        Average door-to-door speed of a collection truck in town, km/h. The default,
        30 km/h, is a congested urban average below the 60 km/h urban limit.
    urban_km
        Road kilometres of a trip driven at ``speed_kmh`` before the faster rural speed
        applies (default 10 km).
    rural_speed_kmh
        Average truck speed beyond the first ``urban_km``, km/h. The default, 70 km/h, is
        below the 90 km/h limit outside settlements (Kyrgyz traffic rules).

    Returns
    -------
    TravelMatrices
        Marked ``approximate=True``. Use it only when no road network is available: it
        ignores one-way streets, rivers, mountains and missing links.
    """
    if not circuity >= 1.0:
        raise InputError("circuity", circuity, "a number >= 1")
    for name, value in (("speed_kmh", speed_kmh), ("rural_speed_kmh", rural_speed_kmh)):
        if not value > 0:
            raise InputError(name, value, "a number > 0")
    if not urban_km >= 0:
        raise InputError("urban_km", urban_km, "a number >= 0")
    ids = tuple(loc[0] for loc in locations)
    lat = np.array([loc[1] for loc in locations], dtype=float)
    lon = np.array([loc[2] for loc in locations], dtype=float)
    dist = circuity * haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    urban_m = np.minimum(dist, urban_km * 1000.0)
    dur = urban_m / (speed_kmh / 3.6) + (dist - urban_m) / (rural_speed_kmh / 3.6)
    return TravelMatrices(ids, dur, dist, True,
                          f"offline approximation: great-circle x {circuity:g}, "
                          f"{speed_kmh:g} km/h for the first {urban_km:g} km, "
                          f"{rural_speed_kmh:g} km/h beyond")


# --------------------------------------------------------------------------- road matrices

_CACHE_VERSION = "1"
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


def save_matrices(matrices: TravelMatrices, path: str | Path) -> None:
    """Write matrices to a ``.npz`` file (ids, durations, distances, flags, source)."""
    np.savez_compressed(Path(path), ids=np.array(matrices.ids, dtype=str),
                        duration_s=matrices.duration_s, distance_m=matrices.distance_m,
                        approximate=np.array(matrices.approximate),
                        source=np.array(matrices.source))


def load_matrices(path: str | Path) -> TravelMatrices:
    """Read matrices written by :func:`save_matrices`."""
    with np.load(Path(path), allow_pickle=False) as data:
        return TravelMatrices(tuple(str(i) for i in data["ids"]), data["duration_s"],
                              data["distance_m"], bool(data["approximate"]),
                              str(data["source"]))


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
    from circularopt.config import cache_dir as default_cache_dir
    from circularopt.network import DEFAULT_MAX_SNAP_M, snap

    limit = DEFAULT_MAX_SNAP_M if max_snap_m is None else float(max_snap_m)
    ids = tuple(str(loc[0]) for loc in locations)
    lat = np.array([loc[1] for loc in locations], dtype=float)
    lon = np.array([loc[2] for loc in locations], dtype=float)
    file = None
    if cache:
        h = hashlib.sha256(f"{_CACHE_VERSION}|{network.fingerprint}|{limit!r}|".encode())
        h.update("\x1f".join(ids).encode())
        h.update(lat.tobytes())
        h.update(lon.tobytes())
        folder = Path(cache_dir) if cache_dir is not None else default_cache_dir() / "matrices"
        file = folder / f"{h.hexdigest()[:32]}.npz"
        if file.is_file():
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
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(file.stem + f".{os.getpid()}.tmp.npz")
        save_matrices(result, tmp)
        tmp.replace(file)
    return result
