"""Road networks: loading, speeds, snapping and path reconstruction.

A :class:`RoadNetwork` is an immutable directed graph held as compressed sparse row (CSR)
arrays, ready for scipy's compiled shortest paths (see
:func:`circularopt.matrices.road_matrices`). It comes from

* a file the user gives: OSM XML (``.osm``, ``.osm.bz2``), ``.osm.pbf`` or GraphML
  (:func:`load_network`);
* a GIS line layer (``.gpkg``, ``.shp``, ``.geojson``) of a city's or a mapping agency's
  roads (:func:`load_gis_network`, also through :func:`load_network`);
* an OpenStreetMap download with osmnx when online, cached on disk
  (:func:`download_network`);
* arrays (:meth:`RoadNetwork.from_edges`), e.g. for generated test graphs.

One module per concern: :mod:`~circularopt.network.graph` (:class:`RoadNetwork`),
:mod:`~circularopt.network.speeds` (Kyrgyz default speeds),
:mod:`~circularopt.network.load` (files, downloads, the drivable filter),
:mod:`~circularopt.network.gis` (GIS line layers),
:mod:`~circularopt.network.turns` (turn restrictions and U-turns: :class:`TurnAwareGraph`,
whose ``edge_to_edge`` gives arc routing the cost from the end of one directed edge to
the start of another),
:mod:`~circularopt.network.snapping` (points onto edges) and
:mod:`~circularopt.network.paths` (node paths and their polylines for drawing).

Road data from OpenStreetMap is (c) OpenStreetMap contributors, licensed under the ODbL.
"""

from circularopt.network.gis import GIS_SUFFIXES, RoadFields, load_gis_network
from circularopt.network.graph import RoadNetwork
from circularopt.network.load import (
    NetworkType,
    download_network,
    load_network,
    network_from_graph,
)
from circularopt.network.paths import path_latlon, route_path, route_paths
from circularopt.network.snapping import DEFAULT_MAX_SNAP_M, Snap, snap
from circularopt.network.speeds import (
    SPEEDS_RURAL_KMH,
    SPEEDS_URBAN_KMH,
    Setting,
    speed_table,
)
from circularopt.network.turns import (
    DEFAULT_U_TURN_S,
    TurnAwareGraph,
    TurnRestriction,
    read_turn_restrictions,
    turn_graph_for,
)

__all__ = [
    "DEFAULT_MAX_SNAP_M",
    "DEFAULT_U_TURN_S",
    "GIS_SUFFIXES",
    "SPEEDS_RURAL_KMH",
    "SPEEDS_URBAN_KMH",
    "NetworkType",
    "RoadFields",
    "RoadNetwork",
    "Setting",
    "Snap",
    "TurnAwareGraph",
    "TurnRestriction",
    "download_network",
    "load_gis_network",
    "load_network",
    "network_from_graph",
    "path_latlon",
    "read_turn_restrictions",
    "route_path",
    "route_paths",
    "snap",
    "speed_table",
    "turn_graph_for",
]
