"""Turn-aware travel matrices between located points (turn restrictions, U-turn penalty)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from circularopt.matrices.travel import TravelMatrices

if TYPE_CHECKING:
    from circularopt.network.turns import TurnAwareGraph

__all__ = ["turn_matrices"]


def turn_matrices(graph: TurnAwareGraph, locations: Sequence[tuple[str, float, float]], *,
                  max_snap_m: float | None = None) -> TravelMatrices:
    """Like :func:`~circularopt.matrices.road_matrices`, on a turn-aware graph.

    Points are snapped as there (a leg along the edge to its node); node-to-node paths
    honour the graph's turn restrictions and U-turn penalty
    (:meth:`~circularopt.network.TurnAwareGraph.node_matrices`). A path may leave a
    point's node in any direction and arrive from any direction. Not cached; one
    line-graph search per distinct snapped node, in this process.
    """
    from circularopt.network import DEFAULT_MAX_SNAP_M, snap

    net = graph.network
    limit = DEFAULT_MAX_SNAP_M if max_snap_m is None else float(max_snap_m)
    ids = tuple(str(loc[0]) for loc in locations)
    lat = np.array([loc[1] for loc in locations], dtype=float)
    lon = np.array([loc[2] for loc in locations], dtype=float)
    snapped = snap(net, ids, lat, lon, max_snap_m=limit)
    dur, dist = graph.node_matrices(snapped.node)
    dur = dur + snapped.leg_s[:, None] + snapped.leg_s[None, :]
    dist = dist + snapped.leg_m[:, None] + snapped.leg_m[None, :]
    np.fill_diagonal(dur, 0.0)
    np.fill_diagonal(dist, 0.0)
    return TravelMatrices(ids, dur, dist, False,
                          f"road network: {net.source}; fastest turn-aware paths "
                          f"({len(graph.banned) + len(graph.only)} turn restrictions, "
                          f"U-turn {graph.u_turn_s:g} s); {len(ids)} points snapped")
