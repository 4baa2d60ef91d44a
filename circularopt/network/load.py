"""Loading road networks: OSM XML / PBF / GraphML files and osmnx downloads (cached).

Every OSM source goes through the same pipeline: keep the drivable ways (the osmnx
``"drive"`` filter, or ``"drive_service"``), honour ``oneway`` tags, set speeds by road
class (:func:`~circularopt.network.speeds.speed_table`, Kyrgyz defaults) unless a
``maxspeed`` tag says otherwise, compute travel times, simplify the topology with osmnx and
keep the largest strongly connected component, so every kept node can reach every other.

Road data from OpenStreetMap is (c) OpenStreetMap contributors, licensed under the ODbL.
"""

from __future__ import annotations

import bz2
import hashlib
import math
from collections.abc import Iterable, Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import numpy as np
import osmnx as ox

from circularopt.config import cache_dir as default_cache_dir
from circularopt.exceptions import DataNotFoundError, InputError, NetworkError
from circularopt.network.gis import GIS_SUFFIXES, RoadFields, load_gis_network
from circularopt.network.graph import RoadNetwork
from circularopt.network.speeds import (
    _FALLBACK_KMH,
    _KG_IMPLICIT_MAXSPEED,
    _MIN_SPEED_KMH,
    Setting,
    speed_table,
)

__all__ = ["NetworkType", "download_network", "load_network", "network_from_graph"]

NetworkType = Literal["drive", "drive_service"]

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
                     "a file ending in .osm, .osm.bz2, .osm.pbf, .graphml, .gpkg, .shp, "
                     ".geojson or .json")


def load_network(path: str | Path, *, setting: Setting = "urban",
                 speeds_kmh: Mapping[str, float] | None = None,
                 network_type: NetworkType = "drive", simplify: bool = True,
                 road_fields: RoadFields | str | None = None,
                 snap_m: float = 2.0) -> RoadNetwork:
    """Load a road network from an OSM XML, OSM PBF, GraphML file or a GIS line layer.

    Parameters
    ----------
    path
        ``.osm`` / ``.osm.bz2`` (read with osmnx ``graph_from_xml``), ``.osm.pbf`` (read
        with pyosmium into the same osmnx-style graph, ``oneway`` and roundabouts
        honoured the osmnx way), ``.graphml`` (osmnx ``load_graphml``) or a GIS line
        layer ``.gpkg`` / ``.shp`` / ``.geojson`` / ``.json``
        (:func:`~circularopt.network.gis.load_gis_network`).
    setting
        Default speeds: ``"urban"`` or ``"rural"`` (see :func:`speed_table`).
    speeds_kmh
        Per-class speed overrides, km/h.
    network_type
        ``"drive"`` (osmnx's public drivable streets, no service roads) or
        ``"drive_service"`` (also service roads except parking aisles and private ones).
    simplify
        Merge chains of degree-two nodes with osmnx (keeps each edge's shape).
    road_fields, snap_m
        GIS layers only: attribute field names (:class:`~circularopt.network.RoadFields`
        or ``"oneway=..,speed=..,class=.."``; guessed when missing) and the distance
        within which line ends are joined, metres.

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
    if file.suffix.lower() in GIS_SUFFIXES:
        return load_gis_network(file, fields=road_fields, snap_m=snap_m, setting=setting,
                                speeds_kmh=speeds_kmh)
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
    G = _add_travel_times(G, setting, table)
    if simplify and not G.graph.get("simplified", False):
        G = ox.simplify_graph(G)
    return _network_of(G, source=f"{source}; speeds: {setting} table")


def _add_travel_times(G: nx.MultiDiGraph, setting: Setting, table: Mapping[str, float]
                      ) -> nx.MultiDiGraph:
    """Speeds (``maxspeed`` tag, else the class table; >= 5 km/h) and travel times."""
    for _, _, d in G.edges(data=True):
        d["highway"] = str(_first(d["highway"]))
        speed = d.get("maxspeed")
        if isinstance(speed, list):
            d["maxspeed"] = [_KG_IMPLICIT_MAXSPEED.get(s, s) for s in speed]
        elif isinstance(speed, str):
            d["maxspeed"] = _KG_IMPLICIT_MAXSPEED.get(speed, speed)
    G = ox.add_edge_speeds(G, hwy_speeds=dict(table), fallback=_FALLBACK_KMH[setting])
    for _, _, d in G.edges(data=True):
        d["speed_kph"] = max(float(d["speed_kph"]), _MIN_SPEED_KMH)
    return ox.add_edge_travel_times(G)


def _network_of(G: nx.MultiDiGraph, *, source: str) -> RoadNetwork:
    """The :class:`RoadNetwork` of a graph with ``travel_time`` and ``length`` on edges."""
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
                                  source=source)


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

