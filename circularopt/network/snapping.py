"""Snapping located points to the road network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from circularopt._validate import number
from circularopt.exceptions import InputError, NetworkError, SnappingError
from circularopt.geo import local_xy
from circularopt.network.graph import RoadNetwork

__all__ = ["DEFAULT_MAX_SNAP_M", "Snap", "snap"]

DEFAULT_MAX_SNAP_M = 500.0
"""Default snapping limit: points farther than this from every road are refused."""
_PIECE_M = 50.0


@dataclass(frozen=True, eq=False)
class Snap:
    """Where points join the road network.

    Each point is projected onto its nearest edge and joins the graph at the nearer end
    of that edge (by distance along the edge). The *leg* is the stretch along the edge
    from the projection to that node: it is driven, so matrices add its time and length
    (``leg_s``, ``leg_m``). The perpendicular offset (``distance_m``) is not driven
    (the crew walks it; count it in service time).

    Parameters
    ----------
    ids
        Point ids.
    node
        Node index per point.
    distance_m
        Snapping distance: straight-line distance from the point to its nearest edge.
    leg_m, leg_s
        Length and time from the projection on the edge to ``node``.
    """

    ids: tuple[str, ...]
    node: np.ndarray
    distance_m: np.ndarray
    leg_m: np.ndarray
    leg_s: np.ndarray



@dataclass(frozen=True)
class _PieceIndex:
    tree: cKDTree
    a: np.ndarray
    b: np.ndarray
    edge: np.ndarray
    offset: np.ndarray
    edge_len: np.ndarray
    half: float
    lat0: float


def _edge_polylines(net: RoadNetwork) -> tuple[np.ndarray, np.ndarray]:
    """All edge polylines (lat, lon points) concatenated, and the edge of each point."""
    m = net.n_edges
    tails, heads = net.edge_tails, net.indices
    if net.geometry_indptr is None:
        g = np.zeros(m, dtype=np.int64)
        glat = glon = np.zeros(0)
    else:
        g = np.diff(net.geometry_indptr)
        assert net.geometry_lat is not None and net.geometry_lon is not None
        glat, glon = net.geometry_lat, net.geometry_lon
    start = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(g + 2, out=start[1:])
    lat = np.empty(start[-1])
    lon = np.empty(start[-1])
    lat[start[:-1]], lon[start[:-1]] = net.lat[tails], net.lon[tails]
    lat[start[1:] - 1], lon[start[1:] - 1] = net.lat[heads], net.lon[heads]
    if len(glat):
        e_of = np.repeat(np.arange(m), g)
        assert net.geometry_indptr is not None
        local = np.arange(len(glat)) - np.repeat(net.geometry_indptr[:-1], g)
        pos = start[e_of] + 1 + local
        lat[pos], lon[pos] = glat, glon
    return np.column_stack([lat, lon]), np.repeat(np.arange(m), g + 2)


def _piece_index(net: RoadNetwork) -> _PieceIndex:
    cached = net.__dict__.get("_piece_index")
    if cached is not None:
        return cached
    pts, edge_of = _edge_polylines(net)
    lat0 = float(np.mean(net.lat))
    xy = local_xy(pts[:, 0], pts[:, 1], lat0)
    same = edge_of[1:] == edge_of[:-1]
    a, b, seg_edge = xy[:-1][same], xy[1:][same], edge_of[:-1][same]
    seg_len = np.hypot(*(b - a).T)
    cum = np.cumsum(seg_len)
    edge_len = np.zeros(net.n_edges)
    np.add.at(edge_len, seg_edge, seg_len)
    edge_start = np.zeros(net.n_edges)
    edge_start[1:] = np.cumsum(edge_len)[:-1]
    seg_off = cum - seg_len - edge_start[seg_edge]
    parts = np.maximum(1, np.ceil(seg_len / _PIECE_M)).astype(np.int64)
    rep = np.repeat(np.arange(len(seg_len)), parts)
    k = np.arange(len(rep)) - np.repeat(np.cumsum(parts) - parts, parts)
    frac0 = (k / parts[rep])[:, None]
    frac1 = ((k + 1) / parts[rep])[:, None]
    pa = a[rep] + (b[rep] - a[rep]) * frac0
    pb = a[rep] + (b[rep] - a[rep]) * frac1
    offset = seg_off[rep] + seg_len[rep] * frac0[:, 0]
    half = float(np.max(np.hypot(*(pb - pa).T)) / 2) if len(pa) else 0.0
    index = _PieceIndex(cKDTree((pa + pb) / 2), pa, pb, seg_edge[rep], offset, edge_len, half,
                        lat0)
    net.__dict__["_piece_index"] = index
    return index


def snap(network: RoadNetwork, ids: Sequence[str], lats: Sequence[float] | np.ndarray,
         lons: Sequence[float] | np.ndarray, *,
         max_snap_m: float = DEFAULT_MAX_SNAP_M) -> Snap:
    """Snap points to the nearest edge and join them at its nearer end node.

    Parameters
    ----------
    network
        The road network.
    ids, lats, lons
        Point ids and positions (WGS84 degrees).
    max_snap_m
        Largest allowed distance from a point to its nearest edge, metres.

    Returns
    -------
    Snap
        Node, snapping distance and the driven leg per point. Distances use a local
        equirectangular projection (error well under 1 % within 100 km) and the edge
        shapes when the network has them (straight lines otherwise). Caveat: the leg
        along the edge ignores its direction (a point on a one-way street may join at
        the node behind it).

    Raises
    ------
    SnappingError
        Naming every point farther than ``max_snap_m`` from the network.
    InputError
        Lengths differ or positions are not finite.
    """
    ids_t, lat, lon = _checked_points(ids, lats, lons, max_snap_m)
    if network.n_edges == 0:
        raise NetworkError("the road network has no edge to snap to")
    idx = _piece_index(network)
    piece, along, dist = _nearest_pieces(idx, local_xy(lat, lon, idx.lat0))
    far = [(ids_t[i], float(dist[i])) for i in np.flatnonzero(dist > max_snap_m)]
    if far:
        raise SnappingError(far, max_snap_m)
    e = idx.edge[piece]
    total = idx.edge_len[e]
    scale = np.where(total > 0, network.length_m[e] / np.where(total > 0, total, 1.0), 0.0)
    to_tail, to_head = along * scale, np.maximum(total - along, 0.0) * scale
    use_tail = to_tail <= to_head
    node = np.where(use_tail, network.edge_tails[e], network.indices[e]).astype(np.int64)
    leg_m = np.where(use_tail, to_tail, to_head)
    length = network.length_m[e]
    leg_s = np.where(length > 0, leg_m / np.where(length > 0, length, 1.0), 0.0) \
        * network.travel_time_s[e]
    return Snap(ids_t, node, dist, leg_m, leg_s)


def _checked_points(ids: Sequence[str], lats: Sequence[float] | np.ndarray,
                    lons: Sequence[float] | np.ndarray, max_snap_m: float
                    ) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Ids and positions as arrays; InputError on unequal lengths or bad positions."""
    ids_t = tuple(str(i) for i in ids)
    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    if not len(ids_t) == len(lat) == len(lon):
        raise InputError("snap", (len(ids_t), len(lat), len(lon)),
                         "ids, lats and lons of equal length")
    bad = ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputError(f"point {ids_t[k]!r} position", (lats[k], lons[k]),
                         "finite WGS84 degrees (lat -90..90, lon -180..180)")
    number("max_snap_m", max_snap_m, lo=0.0, lo_open=True)
    return ids_t, lat, lon


def _nearest_pieces(idx: _PieceIndex, p: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per projected point: its nearest edge piece, metres along that piece's edge to the
    projection, and the distance to it (ties go to the lower piece)."""
    d0, _ = idx.tree.query(p)
    cands = idx.tree.query_ball_point(p, d0 + idx.half + 1e-6)
    owner = np.repeat(np.arange(len(p)), [len(c) for c in cands])
    piece = np.concatenate([np.asarray(c, dtype=np.int64) for c in cands]) if len(p) else \
        np.zeros(0, np.int64)
    a, b, q = idx.a[piece], idx.b[piece], p[owner]
    ab = b - a
    denom = np.einsum("ij,ij->i", ab, ab)
    t = np.clip(np.einsum("ij,ij->i", q - a, ab) / np.where(denom > 0, denom, 1.0), 0, 1)
    dist = np.hypot(*(a + ab * t[:, None] - q).T)
    order = np.lexsort((piece, dist, owner))
    best = order[np.r_[True, owner[order][1:] != owner[order][:-1]]] if len(order) else order
    along = idx.offset[piece[best]] + np.sqrt(denom[best]) * t[best]
    return piece[best], along, dist[best]

