"""Travel-time and distance matrices between located objects.

All solvers read travel data through :class:`TravelMatrices`: square matrices over an
ordered tuple of ids. They come either from a road network (:func:`road_matrices`, on a
:class:`circularopt.network.RoadNetwork`) or from the explicit offline approximation
:func:`approximate_matrices` (or its corridor-aware form :func:`corridor_matrices`, roads
between a city spec's settlements), which every result built on it announces as approximate;
:func:`scenario_matrices` picks one for a scenario.

One module per concern: :mod:`~circularopt.matrices.travel` (:class:`TravelMatrices`),
:mod:`~circularopt.matrices.road` (a contraction hierarchy,
:mod:`~circularopt.matrices.ch`, or scipy's compiled Dijkstra over worker processes),
:mod:`~circularopt.matrices.turns` (turn restrictions and U-turns: the line graph, or the
compact expansion of the restricted junctions only), :mod:`~circularopt.matrices.approximate`,
:mod:`~circularopt.matrices.cache` (``.npz`` files, the road-matrix cache) and
:mod:`~circularopt.matrices.scenario`. This package imports :mod:`circularopt.network`
(lazily), never the reverse.
"""

from circularopt._deprecated import renamed
from circularopt.geo import EARTH_RADIUS_M, great_circle
from circularopt.matrices.approximate import approximate_matrices
from circularopt.matrices.cache import load_matrices, save_matrices
from circularopt.matrices.corridors import CorridorGraph, corridor_matrices
from circularopt.matrices.road import (
    default_workers,
    network_hierarchy,
    node_matrices,
    road_matrices,
)
from circularopt.matrices.scenario import scenario_matrices, spec_corridors
from circularopt.matrices.travel import TravelMatrices
from circularopt.matrices.turns import turn_matrices

haversine_m = renamed(great_circle, "circularopt.matrices.haversine_m")
"""Deprecated alias of :func:`circularopt.geo.great_circle` (kept one release)."""

__all__ = [
    "EARTH_RADIUS_M",
    "CorridorGraph",
    "TravelMatrices",
    "approximate_matrices",
    "corridor_matrices",
    "default_workers",
    "haversine_m",
    "load_matrices",
    "network_hierarchy",
    "node_matrices",
    "road_matrices",
    "save_matrices",
    "scenario_matrices",
    "spec_corridors",
    "turn_matrices",
]
