"""Fastest node paths and their street polylines, for drawing routes."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from scipy.sparse.csgraph import dijkstra

from circularopt.exceptions import NetworkError
from circularopt.network.graph import RoadNetwork

__all__ = ["path_latlon", "route_path", "route_paths"]


def route_paths(network: RoadNetwork,
                pairs: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Node sequences of the fastest paths between node pairs.

    Parameters
    ----------
    network
        The road network.
    pairs
        ``(from_node, to_node)`` node indices. One Dijkstra search runs per distinct
        ``from_node``, with the same weights as the matrices (fastest, ties broken by
        the shorter), so the paths match :func:`circularopt.matrices.road_matrices`.

    Returns
    -------
    list of list of int
        Node indices from ``from_node`` to ``to_node`` inclusive.

    Raises
    ------
    NetworkError
        A node index is out of range or a target is unreachable.
    """
    n = network.n_nodes
    for a, b in pairs:
        if not (0 <= a < n and 0 <= b < n):
            raise NetworkError(f"node pair ({a}, {b}) out of range 0..{n - 1}")
    by_source: dict[int, list[int]] = {}
    for k, (a, _) in enumerate(pairs):
        by_source.setdefault(int(a), []).append(k)
    sources = sorted(by_source)
    paths: list[list[int]] = [[] for _ in pairs]
    for lo in range(0, len(sources), 64):  # bounded memory: 64 predecessor rows at a time
        chunk = sources[lo:lo + 64]
        _, pred = dijkstra(network.encoded.graph, indices=chunk, return_predecessors=True)
        for row, a in enumerate(chunk):
            for k in by_source[a]:
                b = int(pairs[k][1])
                path = [b]
                while path[-1] != a:
                    prev = int(pred[row, path[-1]])
                    if prev < 0:
                        raise NetworkError(f"node {b} cannot be reached from node {a}")
                    path.append(prev)
                paths[k] = path[::-1]
    return paths


def route_path(network: RoadNetwork, from_node: int, to_node: int) -> list[int]:
    """Node sequence of the fastest path ``from_node -> to_node`` (see :func:`route_paths`)."""
    return route_paths(network, [(from_node, to_node)])[0]


def path_latlon(network: RoadNetwork, nodes: Sequence[int]) -> np.ndarray:
    """The street polyline of a node path, for drawing.

    Parameters
    ----------
    network
        The road network.
    nodes
        Consecutive node indices joined by edges (e.g. from :func:`route_path`).

    Returns
    -------
    numpy.ndarray
        ``(k, 2)`` array of (lat, lon), with each edge's shape when known.
    """
    pts: list[np.ndarray] = [np.array([[network.lat[nodes[0]], network.lon[nodes[0]]]])] \
        if len(nodes) else []
    for a, b in pairwise(nodes):
        e = network.edge_index(int(a), int(b))
        if network.geometry_indptr is not None:
            assert network.geometry_lat is not None and network.geometry_lon is not None
            lo, hi = network.geometry_indptr[e], network.geometry_indptr[e + 1]
            pts.append(np.column_stack([network.geometry_lat[lo:hi],
                                        network.geometry_lon[lo:hi]]))
        pts.append(np.array([[network.lat[b], network.lon[b]]]))
    return np.concatenate(pts) if pts else np.zeros((0, 2))
