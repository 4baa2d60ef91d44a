"""Road networks: loading, speeds, snapping and path reconstruction.

A :class:`RoadNetwork` is an immutable directed graph held as compressed sparse row (CSR)
arrays, ready for scipy's compiled shortest paths (see
:func:`circularopt.matrices.road_matrices`). It comes from

* a file the user gives: OSM XML (``.osm``, ``.osm.bz2``), ``.osm.pbf`` or GraphML
  (:func:`load_network`);
* an OpenStreetMap download with osmnx when online, cached on disk
  (:func:`download_network`);
* arrays (:meth:`RoadNetwork.from_edges`), e.g. for generated test graphs.

Every OSM source goes through the same pipeline: keep the drivable ways (the osmnx
``"drive"`` filter, or ``"drive_service"``), honour ``oneway`` tags, set speeds by road
class (:func:`speed_table`, Kyrgyz defaults) unless a ``maxspeed`` tag says otherwise,
compute travel times, simplify the topology with osmnx and keep the largest strongly
connected component, so every kept node can reach every other.

Road data from OpenStreetMap is (c) OpenStreetMap contributors, licensed under the ODbL.
"""

from __future__ import annotations

import bz2
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np
import osmnx as ox
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from circularopt.config import cache_dir as default_cache_dir
from circularopt.exceptions import DataNotFoundError, InputError, NetworkError, SnappingError
from circularopt.matrices import EARTH_RADIUS_M

__all__ = [
    "DEFAULT_MAX_SNAP_M",
    "SPEEDS_RURAL_KMH",
    "SPEEDS_URBAN_KMH",
    "RoadNetwork",
    "Snap",
    "download_network",
    "load_network",
    "network_from_graph",
    "path_latlon",
    "route_path",
    "route_paths",
    "snap",
    "speed_table",
]

Setting = Literal["urban", "rural"]
NetworkType = Literal["drive", "drive_service"]

DEFAULT_MAX_SNAP_M = 500.0
"""Default snapping limit: points farther than this from every road are refused."""

SPEEDS_URBAN_KMH: Mapping[str, float] = {
    "motorway": 60.0, "motorway_link": 50.0,
    "trunk": 60.0, "trunk_link": 50.0,
    "primary": 60.0, "primary_link": 50.0,
    "secondary": 60.0, "secondary_link": 50.0,
    "tertiary": 50.0, "tertiary_link": 40.0,
    "unclassified": 40.0, "residential": 40.0, "road": 40.0, "busway": 40.0,
    "living_street": 20.0, "service": 20.0,
}
"""Free-flow speeds (km/h) by OSM ``highway`` class inside towns (setting ``"urban"``).

The Kyrgyz traffic rules limit speed in built-up areas to 60 km/h (20 km/h in residential
zones); main roads get that limit, minor streets less to reflect junctions, parked cars
and poor surfaces. These are car-like free-flow speeds without congestion: loaded
collection trucks at rush hour are slower; pass ``speeds_kmh`` to override.
"""

SPEEDS_RURAL_KMH: Mapping[str, float] = {
    "motorway": 90.0, "motorway_link": 60.0,
    "trunk": 90.0, "trunk_link": 60.0,
    "primary": 90.0, "primary_link": 60.0,
    "secondary": 80.0, "secondary_link": 60.0,
    "tertiary": 70.0, "tertiary_link": 50.0,
    "unclassified": 60.0, "road": 50.0, "busway": 50.0,
    "residential": 40.0, "living_street": 20.0, "service": 20.0,
}
"""Free-flow speeds (km/h) by OSM ``highway`` class between towns (setting ``"rural"``).

The Kyrgyz rules allow 90 km/h outside built-up areas; main roads get that limit, lesser
roads less (mountain and village roads). Village streets keep urban speeds. Same caveats
as :data:`SPEEDS_URBAN_KMH`.
"""

_FALLBACK_KMH = {"urban": 40.0, "rural": 60.0}
_KG_IMPLICIT_MAXSPEED = {"KG:urban": "60", "KG:rural": "90", "KG:living_street": "20"}
_MIN_SPEED_KMH = 5.0

# The osmnx "drive" filter, applied to edge tags (values are matched as substrings,
# like the Overpass regular expressions osmnx uses).
_EXCLUDED_HIGHWAY = (
    "abandoned", "bridleway", "bus_guideway", "construction", "corridor", "cycleway",
    "elevator", "escalator", "footway", "no", "path", "pedestrian", "planned", "platform",
    "proposed", "raceway", "razed", "rest_area", "services", "steps", "track",
)
_EXCLUDED_SERVICE = {
    "drive": ("alley", "driveway", "emergency_access", "parking", "parking_aisle",
              "private"),
    "drive_service": ("emergency_access", "parking", "parking_aisle", "private"),
}
_EXTRA_WAY_TAGS = ("motor_vehicle", "motorcar")
_ONEWAY_VALUES = {"yes", "true", "1", "-1", "reverse", "T", "F"}
_REVERSED_VALUES = {"-1", "reverse", "T"}
_PIECE_M = 50.0


def speed_table(setting: Setting = "urban",
                speeds_kmh: Mapping[str, float] | None = None) -> dict[str, float]:
    """Speeds by road class: a default table updated with ``speeds_kmh``.

    Parameters
    ----------
    setting
        ``"urban"`` (:data:`SPEEDS_URBAN_KMH`) or ``"rural"`` (:data:`SPEEDS_RURAL_KMH`).
    speeds_kmh
        Overrides per OSM ``highway`` value, km/h (each > 0).

    Returns
    -------
    dict
        ``highway`` class -> km/h. Classes missing from the table get the setting's
        fallback (40 km/h urban, 60 km/h rural).
    """
    if setting not in _FALLBACK_KMH:
        raise InputError("setting", setting, "'urban' or 'rural'")
    table = dict(SPEEDS_URBAN_KMH if setting == "urban" else SPEEDS_RURAL_KMH)
    for key, value in (speeds_kmh or {}).items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise InputError(f"speeds_kmh[{key!r}]", value, "a speed in km/h > 0")
        table[str(key)] = float(value)
    return table


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
        names = ["road"] if road_class is None else sorted(set(road_class))
        code = {c: k for k, c in enumerate(names)}
        cls_a = (np.zeros(m, np.int16) if road_class is None
                 else np.array([code[c] for c in road_class], dtype=np.int16))
        keep = u_a != v_a
        # of parallel edges keep the fastest (then shortest): sort by (u, v, time, length)
        order = np.lexsort((l_a, t_a, v_a, u_a))
        order = order[keep[order]]
        uu, vv = u_a[order], v_a[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (uu[1:] != uu[:-1]) | (vv[1:] != vv[:-1])
        order = order[first]
        dropped = 0
        node_keep = np.ones(n, dtype=bool)
        if keep_largest_scc and n:
            adj = sparse.csr_matrix((np.ones(len(order)), (u_a[order], v_a[order])),
                                    shape=(n, n))
            _, labels = connected_components(adj, directed=True, connection="strong")
            node_keep = labels == np.bincount(labels).argmax()
            dropped = int(n - node_keep.sum())
            order = order[node_keep[u_a[order]] & node_keep[v_a[order]]]
        kept = np.flatnonzero(node_keep)
        if spatial_order:
            kept = kept[_z_order(lat_a[kept], lon_a[kept])]
        new_index = np.full(n, -1, dtype=np.int64)
        new_index[kept] = np.arange(len(kept))
        nn = len(kept)
        uu, vv = new_index[u_a[order]], new_index[v_a[order]]
        resort = np.lexsort((vv, uu))
        order, uu, vv = order[resort], uu[resort], vv[resort]
        indptr = np.zeros(nn + 1, dtype=np.int64)
        np.cumsum(np.bincount(uu, minlength=nn), out=indptr[1:])
        g_indptr = g_lat = g_lon = None
        if geometry is not None:
            shapes = [geometry[e] for e in order]
            counts = [0 if s is None else len(s) for s in shapes]
            g_indptr = np.zeros(len(order) + 1, dtype=np.int64)
            np.cumsum(counts, out=g_indptr[1:])
            pts = [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in shapes
                   if s is not None and len(s)]
            flat = np.concatenate(pts) if pts else np.zeros((0, 2))
            g_lat, g_lon = flat[:, 0], flat[:, 1]
        return cls(node_ids=ids[kept], lat=lat_a[kept], lon=lon_a[kept],
                   indptr=indptr, indices=vv, travel_time_s=t_a[order], length_m=l_a[order],
                   road_class=cls_a[order], class_names=tuple(names), source=source,
                   geometry_indptr=g_indptr, geometry_lat=g_lat, geometry_lon=g_lon,
                   nodes_dropped=dropped)

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


# ---------------------------------------------------------------------- loaders


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _tag_matches(value: Any, words: Iterable[str]) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(x, str) and any(w in x for w in words) for x in values)


def _drivable(tags: Mapping[str, Any], network_type: NetworkType) -> bool:
    """The osmnx drive filter on a way's (or edge's) tags."""
    highway = tags.get("highway")
    if highway is None or (isinstance(highway, float) and math.isnan(highway)):
        return False
    excluded_hwy = _EXCLUDED_HIGHWAY + (("service",) if network_type == "drive" else ())
    if all(_tag_matches(h, excluded_hwy) for h in
           (highway if isinstance(highway, list) else [highway])):
        return False
    checks = (("area", ("yes",)), ("access", ("private",)), ("motor_vehicle", ("no",)),
              ("motorcar", ("no",)), ("service", _EXCLUDED_SERVICE[network_type]))
    return not any(key in tags and _tag_matches(tags[key], words) for key, words in checks)


def _graph_from_pbf(path: Path) -> nx.MultiDiGraph:
    """Read highway ways of an ``.osm.pbf`` into an osmnx-style unsimplified graph."""
    import osmium

    keep_tags = set(ox.settings.useful_tags_way) | set(_EXTRA_WAY_TAGS)
    G = nx.MultiDiGraph(crs=ox.settings.default_crs, created_with="circularopt (pyosmium)")
    processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
    processor = processor.with_locations()
    processor = processor.with_filter(osmium.filter.KeyFilter("highway"))
    for way in processor:
        if not isinstance(way, osmium.osm.Way):
            continue
        tags = {k: v for k, v in way.tags if k in keep_tags}
        refs: list[int] = []
        for nd in way.nodes:
            if not nd.location.valid():
                continue
            if not refs or refs[-1] != nd.ref:
                refs.append(nd.ref)
                G.add_node(nd.ref, y=nd.lat, x=nd.lon)
        if len(refs) < 2:
            continue
        oneway = (tags.get("oneway") in _ONEWAY_VALUES
                  or tags.get("junction") == "roundabout")
        if oneway and tags.get("oneway") in _REVERSED_VALUES:
            refs.reverse()
        attrs = {**tags, "osmid": way.id, "oneway": oneway, "reversed": False}
        pairs = list(pairwise(refs))
        G.add_edges_from(pairs, **attrs)
        if not oneway:
            G.add_edges_from([(b, a) for a, b in pairs], **{**attrs, "reversed": True})
    if G.number_of_edges():
        G = ox.distance.add_edge_lengths(G)
    return G


def _read_graph(path: Path) -> tuple[nx.MultiDiGraph, str]:
    name = path.name.lower()
    if name.endswith(".graphml"):
        return ox.load_graphml(path), "GraphML"
    if name.endswith(".pbf"):
        return _graph_from_pbf(path), "OSM PBF"
    if name.endswith((".osm", ".osm.bz2", ".xml", ".xml.bz2")):
        if name.endswith(".bz2"):
            with bz2.open(path, "rb") as fh:
                fh.read(1)  # fail early, with a clear error, on a corrupt archive
        saved = list(ox.settings.useful_tags_way)
        ox.settings.useful_tags_way = saved + [t for t in _EXTRA_WAY_TAGS if t not in saved]
        try:
            return ox.graph_from_xml(path, simplify=False, retain_all=True), "OSM XML"
        finally:
            ox.settings.useful_tags_way = saved
    raise InputError("network file", str(path),
                     "a file ending in .osm, .osm.bz2, .osm.pbf or .graphml")


def load_network(path: str | Path, *, setting: Setting = "urban",
                 speeds_kmh: Mapping[str, float] | None = None,
                 network_type: NetworkType = "drive", simplify: bool = True) -> RoadNetwork:
    """Load a road network from an OSM XML, OSM PBF or GraphML file.

    Parameters
    ----------
    path
        ``.osm`` / ``.osm.bz2`` (read with osmnx ``graph_from_xml``), ``.osm.pbf`` (read
        with pyosmium into the same osmnx-style graph, ``oneway`` and roundabouts
        honoured the osmnx way) or ``.graphml`` (osmnx ``load_graphml``).
    setting
        Default speeds: ``"urban"`` or ``"rural"`` (see :func:`speed_table`).
    speeds_kmh
        Per-class speed overrides, km/h.
    network_type
        ``"drive"`` (osmnx's public drivable streets, no service roads) or
        ``"drive_service"`` (also service roads except parking aisles and private ones).
    simplify
        Merge chains of degree-two nodes with osmnx (keeps each edge's shape).

    Returns
    -------
    RoadNetwork
        The largest strongly connected component of the drivable network.

    Raises
    ------
    DataNotFoundError
        The file does not exist.
    NetworkError
        The file cannot be read or holds no drivable road.
    """
    file = Path(path)
    if not file.is_file():
        raise DataNotFoundError(f"road network file {file} not found")
    try:
        G, kind = _read_graph(file)
    except (InputError, NetworkError):
        raise
    except Exception as exc:  # parsers raise many types; name the file and the cause
        raise NetworkError(f"cannot read road network file {file}: "
                           f"{type(exc).__name__}: {exc}; expected a complete OSM XML, "
                           "OSM PBF or GraphML file with roads (nodes and ways)") from exc
    return network_from_graph(G, source=f"OpenStreetMap (ODbL), {kind} file {file.name}",
                              setting=setting, speeds_kmh=speeds_kmh,
                              network_type=network_type, simplify=simplify)


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


def network_from_graph(G: nx.MultiDiGraph, *, source: str, setting: Setting = "urban",
                       speeds_kmh: Mapping[str, float] | None = None,
                       network_type: NetworkType = "drive",
                       simplify: bool = True) -> RoadNetwork:
    """Turn an osmnx-style graph (unprojected, ``length`` on edges) into a network.

    Parameters
    ----------
    G
        A ``networkx.MultiDiGraph`` following osmnx conventions (node ``x``/``y`` in
        degrees, edge ``length`` in metres and OSM tags such as ``highway``, ``maxspeed``).
        It is not modified.
    source
        Where the graph comes from, in words.
    setting, speeds_kmh, network_type, simplify
        As in :func:`load_network`.

    Returns
    -------
    RoadNetwork
        Speeds: an edge's ``maxspeed`` tag where osmnx can parse it (``KG:urban`` = 60,
        ``KG:rural`` = 90, ``KG:living_street`` = 20 km/h added), else the class speed of
        :func:`speed_table`; at least 5 km/h. Travel time = length / speed.
    """
    table = speed_table(setting, speeds_kmh)
    G = nx.MultiDiGraph(G)
    G.graph.setdefault("crs", ox.settings.default_crs)
    drop = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True)
            if not _drivable(d, network_type)]
    G.remove_edges_from(drop)
    G.remove_nodes_from([n for n in list(G.nodes) if G.degree(n) == 0])
    if G.number_of_edges() == 0:
        raise NetworkError(f"{source}: no drivable road ({network_type!r} filter)")
    for _, _, d in G.edges(data=True):
        d["highway"] = str(_first(d["highway"]))
        speed = d.get("maxspeed")
        if isinstance(speed, list):
            d["maxspeed"] = [_KG_IMPLICIT_MAXSPEED.get(s, s) for s in speed]
        elif isinstance(speed, str):
            d["maxspeed"] = _KG_IMPLICIT_MAXSPEED.get(speed, speed)
    G = ox.add_edge_speeds(G, hwy_speeds=table, fallback=_FALLBACK_KMH[setting])
    for _, _, d in G.edges(data=True):
        d["speed_kph"] = max(float(d["speed_kph"]), _MIN_SPEED_KMH)
    G = ox.add_edge_travel_times(G)
    if simplify and not G.graph.get("simplified", False):
        G = ox.simplify_graph(G)
    nodes = list(G.nodes)
    pos = {n: k for k, n in enumerate(nodes)}
    lat = np.array([G.nodes[n]["y"] for n in nodes], dtype=float)
    lon = np.array([G.nodes[n]["x"] for n in nodes], dtype=float)
    u, v, t, ln, cls, geom = [], [], [], [], [], []
    for a, b, d in G.edges(data=True):
        u.append(pos[a])
        v.append(pos[b])
        t.append(float(d["travel_time"]))
        ln.append(float(d["length"]))
        cls.append(str(_first(d.get("highway", "unknown"))))
        shape = d.get("geometry")
        geom.append(None if shape is None
                    else np.asarray(shape.coords, dtype=float)[1:-1, ::-1].copy())
    return RoadNetwork.from_edges(lat, lon, u, v, t, ln, node_ids=np.array(nodes, np.int64),
                                  road_class=cls, geometry=geom, spatial_order=True,
                                  source=f"{source}; speeds: {setting} table")


def download_network(area: Any, *, cache_dir: str | Path | None = None,
                     setting: Setting = "urban",
                     speeds_kmh: Mapping[str, float] | None = None,
                     network_type: NetworkType = "drive", refresh: bool = False) -> RoadNetwork:
    """Download the drivable OpenStreetMap network of an area with osmnx, cached on disk.

    Parameters
    ----------
    area
        A shapely ``Polygon``/``MultiPolygon`` in WGS84 degrees, or a place name osmnx
        can geocode (e.g. ``"Bishkek, Kyrgyzstan"``).
    cache_dir
        Folder for the downloaded GraphML (default: ``networks/`` in
        :func:`circularopt.config.cache_dir`). The file is keyed by the area and the
        network type; a later call loads it without going online.
    setting, speeds_kmh, network_type
        As in :func:`load_network`.
    refresh
        Download again even if a cached copy exists.

    Returns
    -------
    RoadNetwork

    Raises
    ------
    NetworkError
        The download failed (e.g. no internet): the message says how to proceed offline.
    """
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir() / "networks"
    folder.mkdir(parents=True, exist_ok=True)
    is_place = isinstance(area, str)
    text = area if is_place else getattr(area, "wkt", None)
    if text is None:
        raise InputError("area", type(area).__name__, "a shapely Polygon or a place name")
    key = hashlib.sha256(f"{network_type}|{text}".encode()).hexdigest()[:24]
    file = folder / f"osm-{network_type}-{key}.graphml"
    label = area if is_place else "polygon"
    if refresh or not file.is_file():
        try:
            if is_place:
                G = ox.graph_from_place(area, network_type=network_type, simplify=False,
                                        retain_all=True)
            else:
                G = ox.graph_from_polygon(area, network_type=network_type, simplify=False,
                                          retain_all=True)
        except Exception as exc:  # requests/osmnx errors: offline, refused, no data
            raise NetworkError(
                f"could not download the road network of {label} from OpenStreetMap "
                f"({type(exc).__name__}: {exc}). Offline? Pass an .osm/.osm.pbf/.graphml "
                f"file to load_network, or use matrices.approximate_matrices (announced "
                f"as approximate).") from exc
        ox.save_graphml(G, file)
    return load_network(file, setting=setting, speeds_kmh=speeds_kmh,
                        network_type=network_type).with_source(
        f"OpenStreetMap (ODbL), downloaded with osmnx for {label} (cached {file.name}); "
        f"speeds: {setting} table")


# ---------------------------------------------------------------------- snapping


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


def _project(lat: np.ndarray, lon: np.ndarray, lat0: float) -> np.ndarray:
    """Local equirectangular projection to metres (fine at city/region scale)."""
    k = math.pi / 180.0 * EARTH_RADIUS_M
    return np.column_stack([np.asarray(lon) * k * math.cos(math.radians(lat0)),
                            np.asarray(lat) * k])


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
    xy = _project(pts[:, 0], pts[:, 1], lat0)
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
    if not max_snap_m > 0:
        raise InputError("max_snap_m", max_snap_m, "a distance in metres > 0")
    if network.n_edges == 0:
        raise NetworkError("the road network has no edge to snap to")
    idx = _piece_index(network)
    p = _project(lat, lon, idx.lat0)
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
    best_piece, best_t, best_d = piece[best], t[best], dist[best]
    far = [(ids_t[i], float(best_d[i])) for i in np.flatnonzero(best_d > max_snap_m)]
    if far:
        raise SnappingError(far, max_snap_m)
    e = idx.edge[best_piece]
    along = idx.offset[best_piece] + np.sqrt(denom[best]) * best_t
    total = idx.edge_len[e]
    scale = np.where(total > 0, network.length_m[e] / np.where(total > 0, total, 1.0), 0.0)
    to_tail, to_head = along * scale, np.maximum(total - along, 0.0) * scale
    use_tail = to_tail <= to_head
    node = np.where(use_tail, network.edge_tails[e], network.indices[e]).astype(np.int64)
    leg_m = np.where(use_tail, to_tail, to_head)
    length = network.length_m[e]
    leg_s = np.where(length > 0, leg_m / np.where(length > 0, length, 1.0), 0.0) \
        * network.travel_time_s[e]
    return Snap(ids_t, node, best_d, leg_m, leg_s)


# ---------------------------------------------------------------------- paths


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
