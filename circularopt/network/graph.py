"""The road network itself: an immutable directed graph in CSR arrays."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra

from circularopt.exceptions import InputError, NetworkError

__all__ = ["RoadNetwork"]


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class _Encoded:
    """Edge weights that carry travel time and length at once (see ``encoded``)."""

    graph: sparse.csr_matrix
    time_quantum_s: float
    length_quantum_m: float
    radix: float

    def decode(self, total: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Split summed encoded weights into seconds and metres (inf stays inf)."""
        finite = np.isfinite(total)
        t_units = np.floor(np.where(finite, total, 0.0) / self.radix)
        l_units = np.where(finite, total, 0.0) - t_units * self.radix
        time = np.where(finite, t_units * self.time_quantum_s, np.inf)
        length = np.where(finite, l_units * self.length_quantum_m, np.inf)
        return time, length


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """An immutable directed road graph in CSR form.

    The out-edges of node ``i`` are ``indptr[i]:indptr[i + 1]``; edge ``e`` leads to node
    ``indices[e]``. There is at most one edge per ordered node pair (the fastest) and no
    self-loop. Construct with :func:`load_network`, :func:`download_network`,
    :func:`network_from_graph` or :meth:`from_edges` rather than directly.

    Parameters
    ----------
    node_ids
        OSM node ids (or any integer labels), one per node.
    lat, lon
        Node positions, WGS84 degrees.
    indptr, indices
        CSR structure of the directed graph.
    travel_time_s
        Free-flow travel time per edge, seconds.
    length_m
        Length per edge, metres.
    road_class
        Index into ``class_names`` per edge (the OSM ``highway`` value).
    class_names
        Road class names.
    source
        Where the network comes from, in words.
    geometry_indptr, geometry_lat, geometry_lon
        Optional shape of each edge for drawing: the intermediate points (endpoints
        excluded) of edge ``e`` are ``geometry_indptr[e]:geometry_indptr[e + 1]``.
    nodes_dropped
        Nodes removed because they lay outside the largest strongly connected component.
    """

    node_ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    travel_time_s: np.ndarray
    length_m: np.ndarray
    road_class: np.ndarray
    class_names: tuple[str, ...]
    source: str
    geometry_indptr: np.ndarray | None = None
    geometry_lat: np.ndarray | None = None
    geometry_lon: np.ndarray | None = None
    nodes_dropped: int = 0

    def __post_init__(self) -> None:
        n = len(self.lat)
        conv = {"node_ids": np.int64, "lat": np.float64, "lon": np.float64,
                "indptr": np.int32, "indices": np.int32, "travel_time_s": np.float64,
                "length_m": np.float64, "road_class": np.int16}
        for name, dtype in conv.items():
            arr = np.array(getattr(self, name), dtype=dtype)
            object.__setattr__(self, name, _readonly(arr))
        if len(self.node_ids) != n or len(self.lon) != n:
            raise InputError("RoadNetwork.node_ids/lon", (len(self.node_ids), len(self.lon)),
                             f"{n} entries like lat")
        if len(self.indptr) != n + 1 or self.indptr[0] != 0 or np.any(np.diff(self.indptr) < 0):
            raise InputError("RoadNetwork.indptr", f"length {len(self.indptr)}",
                             f"a non-decreasing array of length {n + 1} starting at 0")
        m = int(self.indptr[-1])
        for name in ("indices", "travel_time_s", "length_m", "road_class"):
            if len(getattr(self, name)) != m:
                raise InputError(f"RoadNetwork.{name}", len(getattr(self, name)),
                                 f"{m} entries (one per edge)")
        if m and (self.indices.min() < 0 or self.indices.max() >= n):
            raise InputError("RoadNetwork.indices", "out-of-range node", f"0..{n - 1}")
        for name in ("travel_time_s", "length_m"):
            arr = getattr(self, name)
            if not np.all(np.isfinite(arr)) or np.any(arr < 0):
                raise InputError(f"RoadNetwork.{name}", "negative or non-finite entries",
                                 "finite numbers >= 0")
        if m and (self.road_class.min() < 0 or self.road_class.max() >= len(self.class_names)):
            raise InputError("RoadNetwork.road_class", "out-of-range class",
                             f"0..{len(self.class_names) - 1}")
        if self.geometry_indptr is not None:
            gi = _readonly(np.array(self.geometry_indptr, dtype=np.int64))
            glat = _readonly(np.array(self.geometry_lat, dtype=np.float64))
            glon = _readonly(np.array(self.geometry_lon, dtype=np.float64))
            if len(gi) != m + 1 or gi[-1] != len(glat) or len(glat) != len(glon):
                raise InputError("RoadNetwork.geometry_indptr", f"length {len(gi)}",
                                 f"length {m + 1} ending at the number of geometry points")
            object.__setattr__(self, "geometry_indptr", gi)
            object.__setattr__(self, "geometry_lat", glat)
            object.__setattr__(self, "geometry_lon", glon)

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_edges(cls, lat: Sequence[float] | np.ndarray, lon: Sequence[float] | np.ndarray,
                   u: Sequence[int] | np.ndarray, v: Sequence[int] | np.ndarray,
                   travel_time_s: Sequence[float] | np.ndarray,
                   length_m: Sequence[float] | np.ndarray, *,
                   node_ids: Sequence[int] | np.ndarray | None = None,
                   road_class: Sequence[str] | None = None,
                   geometry: Sequence[np.ndarray | None] | None = None,
                   source: str = "edge list",
                   keep_largest_scc: bool = True,
                   spatial_order: bool = False) -> RoadNetwork:
        """Build a network from an edge list.

        Parameters
        ----------
        lat, lon
            Node positions (degrees); node ``k`` is row ``k``.
        u, v
            Tail and head node of each directed edge.
        travel_time_s, length_m
            Travel time (s) and length (m) per edge.
        node_ids
            Labels of the nodes (default ``0..n-1``).
        road_class
            Road class name per edge (default ``"road"``).
        geometry
            Per edge, an ``(k, 2)`` array of intermediate (lat, lon) points or ``None``.
        source
            Where the network comes from, in words.
        keep_largest_scc
            Keep only the largest strongly connected component (the default), so every
            node can reach every other.
        spatial_order
            Renumber the nodes along a Z-order curve so that neighbours get near
            indices; shortest-path searches then run 10-20 % faster (memory locality).
            Off by default, so that node ``k`` stays row ``k`` of the input.

        Returns
        -------
        RoadNetwork
            Self-loops are dropped; of parallel edges the fastest (then the shortest) is
            kept.
        """
        lat_a = np.asarray(lat, dtype=np.float64)
        lon_a = np.asarray(lon, dtype=np.float64)
        n = len(lat_a)
        if not (np.all(np.isfinite(lat_a)) and np.all(np.isfinite(lon_a))):
            raise InputError("RoadNetwork node positions", "non-finite", "finite degrees")
        ids = np.arange(n, dtype=np.int64) if node_ids is None else np.asarray(node_ids,
                                                                                 np.int64)
        u_a, v_a, t_a, l_a = _edge_arrays(n, u, v, travel_time_s, length_m)
        names = ["road"] if road_class is None else sorted(set(road_class))
        code = {c: k for k, c in enumerate(names)}
        cls_a = (np.zeros(len(u_a), np.int16) if road_class is None
                 else np.array([code[c] for c in road_class], dtype=np.int16))
        order = _fastest_edges(u_a, v_a, t_a, l_a)
        node_keep = np.ones(n, dtype=bool)
        if keep_largest_scc and n:
            node_keep = _largest_scc(n, u_a[order], v_a[order])
            order = order[node_keep[u_a[order]] & node_keep[v_a[order]]]
        kept = np.flatnonzero(node_keep)
        if spatial_order:
            kept = kept[_z_order(lat_a[kept], lon_a[kept])]
        new_index = np.full(n, -1, dtype=np.int64)
        new_index[kept] = np.arange(len(kept))
        uu, vv = new_index[u_a[order]], new_index[v_a[order]]
        resort = np.lexsort((vv, uu))
        order, uu, vv = order[resort], uu[resort], vv[resort]
        indptr = np.zeros(len(kept) + 1, dtype=np.int64)
        np.cumsum(np.bincount(uu, minlength=len(kept)), out=indptr[1:])
        g_indptr, g_lat, g_lon = (None, None, None) if geometry is None \
            else _geometry_arrays([geometry[e] for e in order])
        return cls(node_ids=ids[kept], lat=lat_a[kept], lon=lon_a[kept],
                   indptr=indptr, indices=vv, travel_time_s=t_a[order], length_m=l_a[order],
                   road_class=cls_a[order], class_names=tuple(names), source=source,
                   geometry_indptr=g_indptr, geometry_lat=g_lat, geometry_lon=g_lon,
                   nodes_dropped=int(n - node_keep.sum()))

    # ------------------------------------------------------------------ properties

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.lat)

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return int(self.indptr[-1])

    @cached_property
    def edge_tails(self) -> np.ndarray:
        """Tail node of each edge (the row of the CSR structure)."""
        return _readonly(np.repeat(np.arange(self.n_nodes, dtype=np.int32),
                                   np.diff(self.indptr)))

    @property
    def road_km(self) -> float:
        """Kilometres of road, counting a two-way road once (one-way edges count once)."""
        u, v = self.edge_tails.astype(np.int64), self.indices.astype(np.int64)
        fwd = u * self.n_nodes + v
        rev = v * self.n_nodes + u
        has_reverse = np.isin(fwd, rev)
        once = ~has_reverse | (u < v)
        return float(self.length_m[once].sum() / 1000.0)

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the arrays that determine travel times and distances."""
        h = hashlib.sha256()
        for arr in (self.lat, self.lon, self.indptr, self.indices, self.travel_time_s,
                    self.length_m):
            h.update(np.ascontiguousarray(arr).tobytes())
        return h.hexdigest()

    def summary(self) -> dict[str, Any]:
        """Counts for reports: nodes, edges, km of road, nodes dropped, source."""
        return {"nodes": self.n_nodes, "edges": self.n_edges,
                "road_km": round(self.road_km, 3),
                "nodes_outside_largest_scc": self.nodes_dropped, "source": self.source}

    def with_source(self, source: str) -> RoadNetwork:
        """The same network with another ``source`` text."""
        return replace(self, source=source)

    def edge_index(self, u: int, v: int) -> int:
        """Index of the edge ``u -> v``; :class:`NetworkError` if there is none."""
        lo, hi = int(self.indptr[u]), int(self.indptr[u + 1])
        hits = np.flatnonzero(self.indices[lo:hi] == v)
        if not len(hits):
            raise NetworkError(f"no edge from node {u} to node {v}")
        return lo + int(hits[0])

    @cached_property
    def encoded(self) -> _Encoded:
        """The graph with weights that carry time and length at once.

        Each edge weight is ``round(t / qt) * R + max(round(l / ql), 1)`` with a power of
        two ``R`` larger than any path's length in units of ``ql``. Shortest paths on
        these weights minimise time first and, among equally fast paths, length; both
        sums stay exact integers in float64 because the bound below keeps them under
        2**53. The quanta start at 1 ms and 1 cm per edge and double until the
        network's largest possible path fits (they stay there for city networks).
        """
        n, m = self.n_nodes, self.n_edges
        t, ln = self.travel_time_s, self.length_m
        time_graph = sparse.csr_matrix((np.maximum(t, 1e-9), self.indices, self.indptr),
                                       shape=(n, n))
        t_bound = float(t.sum())
        if n and connected_components(time_graph, directed=True, connection="strong")[0] == 1:
            fwd = dijkstra(time_graph, indices=0)
            bwd = dijkstra(time_graph.T.tocsr(), indices=0)
            t_bound = min(t_bound, float(fwd.max() + bwd.max()))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(t > 0, ln / np.where(t > 0, t, 1.0), 0.0)
        v_max = float(ratio.max()) if m else 0.0
        if np.any((t == 0) & (ln > 0)):  # length without time: bound by total length
            v_max = math.inf
        qt, ql = 1e-3, 1e-2
        for _ in range(200):
            l_units = min(float(ln.sum()), (t_bound + n * qt) * v_max) / ql + n + 2
            radix = float(2 ** math.ceil(math.log2(l_units)))
            if (t_bound / qt + n + 2) * radix < 2.0**53:
                break
            qt, ql = qt * 2, ql * 2
        weights = np.round(t / qt) * radix + np.maximum(np.round(ln / ql), 1.0)
        graph = sparse.csr_matrix((weights, self.indices, self.indptr), shape=(n, n))
        return _Encoded(graph, qt, ql, radix)



def _z_order(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Permutation sorting points along a Z-order (Morton) curve."""
    def spread(q: np.ndarray) -> np.ndarray:  # 16 bits -> every other of 32 bits
        q = (q | (q << 8)) & 0x00FF00FF
        q = (q | (q << 4)) & 0x0F0F0F0F
        q = (q | (q << 2)) & 0x33333333
        return (q | (q << 1)) & 0x55555555

    def quantise(x: np.ndarray) -> np.ndarray:
        span = float(np.ptp(x)) if len(x) else 0.0
        return ((x - x.min()) / (span or 1.0) * 65535).astype(np.uint64) if len(x) \
            else x.astype(np.uint64)

    return np.argsort(spread(quantise(lon)) | (spread(quantise(lat)) << 1), kind="stable")


def _edge_arrays(n: int, u: Any, v: Any, travel_time_s: Any, length_m: Any
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The edge list as arrays, checked: equal lengths, nodes in range, finite >= 0."""
    u_a = np.asarray(u, dtype=np.int64)
    v_a = np.asarray(v, dtype=np.int64)
    t_a = np.asarray(travel_time_s, dtype=np.float64)
    l_a = np.asarray(length_m, dtype=np.float64)
    m = len(u_a)
    if not len(v_a) == len(t_a) == len(l_a) == m:
        raise InputError("edges", (m, len(v_a), len(t_a), len(l_a)),
                         "u, v, travel_time_s and length_m of equal length")
    if m and (min(u_a.min(), v_a.min()) < 0 or max(u_a.max(), v_a.max()) >= n):
        raise InputError("edges u/v", "node index out of range", f"0..{n - 1}")
    for name, arr in (("travel_time_s", t_a), ("length_m", l_a)):
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise InputError(f"edges {name}", "negative or non-finite entries",
                             "finite numbers >= 0")
    return u_a, v_a, t_a, l_a


def _fastest_edges(u: np.ndarray, v: np.ndarray, t: np.ndarray, ln: np.ndarray
                   ) -> np.ndarray:
    """Indices of the edges kept: no self-loop; of parallel edges the fastest, then shortest."""
    order = np.lexsort((ln, t, v, u))
    order = order[(u != v)[order]]
    uu, vv = u[order], v[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (uu[1:] != uu[:-1]) | (vv[1:] != vv[:-1])
    return order[first]


def _largest_scc(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Mask of the nodes in the largest strongly connected component."""
    adj = sparse.csr_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    _, labels = connected_components(adj, directed=True, connection="strong")
    return np.asarray(labels == np.bincount(labels).argmax())


def _geometry_arrays(shapes: Sequence[np.ndarray | None]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edge shapes as CSR-like arrays: ``indptr`` per edge, then all lats and lons."""
    counts = [0 if s is None else len(s) for s in shapes]
    g_indptr = np.zeros(len(shapes) + 1, dtype=np.int64)
    np.cumsum(counts, out=g_indptr[1:])
    pts = [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in shapes
           if s is not None and len(s)]
    flat = np.concatenate(pts) if pts else np.zeros((0, 2))
    return g_indptr, flat[:, 0], flat[:, 1]
