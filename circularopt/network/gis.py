"""Road networks from a GIS line layer (GeoPackage, Shapefile, GeoJSON).

City GIS departments and national mapping agencies keep roads as line features, not as
OSM files. :func:`load_gis_network` reads such a layer with geopandas (pyogrio), projects
it to its UTM zone for lengths in metres, joins line ends that lie within ``snap_m`` of
each other (a KD-tree over the end points; a line is also split where another line's end
touches one of its vertices), sets one-way, speed and road class from attribute fields
and keeps the largest strongly connected part.

Fields are named by the caller (:class:`RoadFields`) or guessed from two common schemas:

* OSM-derived Geofabrik shapefiles: ``fclass`` (OSM ``highway`` values), ``oneway``
  (``B`` both ways, ``F`` along the line, ``T`` against it) and ``maxspeed`` (km/h, 0 =
  unknown);
* Global Map (ISCGM) ``roadl``: ``rtt`` (route type: 16 limited-access, 14 primary,
  15 secondary, 984 local route, 0 unknown) and ``med`` (median; no one-way field, so
  every road is two-way).

Speeds follow the OSM class table (:func:`~circularopt.network.speeds.speed_table`)
unless a speed field gives a positive value. Caveat: a line that crosses another without a
shared vertex is not joined to it (a bridge, or a layer that is not noded at junctions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from circularopt._validate import number
from circularopt.exceptions import InputError, NetworkError
from circularopt.i18n import tr
from circularopt.network.graph import RoadNetwork
from circularopt.network.speeds import _FALLBACK_KMH, _MIN_SPEED_KMH, Setting, speed_table

__all__ = ["GIS_SUFFIXES", "RoadFields", "load_gis_network"]

GIS_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json")
"""File suffixes read as GIS line layers by :func:`circularopt.network.load_network`."""

_GLOBAL_MAP_RTT = {16: "motorway", 14: "primary", 15: "secondary", 984: "tertiary"}
_GLOBAL_MAP_WORDS = {"limited": "motorway", "primary": "primary", "secondary": "secondary",
                     "local": "tertiary"}
_FORWARD = {"f", "ft", "yes", "true", "1", "y"}
_BACKWARD = {"t", "tf", "-1", "reverse"}
_NOT_DRIVABLE = ("footway", "path", "cycleway", "pedestrian", "steps", "bridleway",
                 "track", "construction", "proposed", "platform", "corridor", "elevator",
                 "escalator", "abandoned", "raceway", "bus_guideway")


@dataclass(frozen=True, kw_only=True)
class RoadFields:
    """Names of a layer's attribute fields (``None``: guess, or absent).

    Parameters
    ----------
    oneway
        One-way field: ``F``/``yes``/``1``/``true`` along the line, ``T``/``-1``/
        ``reverse`` against it, anything else both ways.
    speed
        Speed field, km/h; missing, zero or negative values fall back to the class speed.
    road_class
        Road class field: OSM ``highway`` values (Geofabrik ``fclass``) or Global Map
        ``rtt`` codes; footways, paths, tracks and the like are dropped.
    """

    oneway: str | None = None
    speed: str | None = None
    road_class: str | None = None

    def __post_init__(self) -> None:
        for key in ("oneway", "speed", "road_class"):
            value = getattr(self, key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise InputError(f"RoadFields.{key}", value, "a field name or None")

    @classmethod
    def parse(cls, text: str) -> RoadFields:
        """Read ``"oneway=ONEWAY,speed=MAXSPEED,class=FCLASS"`` (any subset)."""
        keys = {"oneway": "oneway", "speed": "speed", "class": "road_class"}
        out: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, sep, value = part.partition("=")
            if not sep or key.strip() not in keys or not value.strip():
                raise InputError("road fields", part,
                                 "KEY=FIELD pairs separated by commas, KEY one of oneway, "
                                 "speed, class (e.g. oneway=ONEWAY,speed=MAXSPEED,class=FCLASS)")
            out[keys[key.strip()]] = value.strip()
        return cls(**out)

    def resolved(self, columns: list[str]) -> RoadFields:
        """These names, each missing one guessed from the layer's ``columns``; a named
        field that the layer lacks is an error."""
        lower = {c.lower(): c for c in columns}
        for name in (self.oneway, self.speed, self.road_class):
            if name is not None and name not in columns and name.lower() not in lower:
                raise InputError("road fields", name, f"a field of the layer, one of {columns}")

        def pick(given: str | None, guesses: tuple[str, ...]) -> str | None:
            if given is not None:
                return given if given in columns else lower[given.lower()]
            return next((lower[g] for g in guesses if g in lower), None)

        return RoadFields(oneway=pick(self.oneway, ("oneway", "one_way")),
                          speed=pick(self.speed, ("maxspeed", "max_speed", "speed")),
                          road_class=pick(self.road_class,
                                          ("fclass", "highway", "rtt", "class", "type")))


def load_gis_network(path: str | Path, *, fields: RoadFields | str | None = None,
                     snap_m: float = 2.0, layer: str | None = None,
                     setting: Setting = "urban",
                     speeds_kmh: Mapping[str, float] | None = None) -> RoadNetwork:
    """Build a drivable network from a GIS line layer.

    Parameters
    ----------
    path
        A ``.gpkg``, ``.shp``, ``.geojson`` or ``.json`` file of line features.
    fields
        Field names (:class:`RoadFields` or ``"oneway=..,speed=..,class=.."``); missing
        ones are guessed (Geofabrik and Global Map names).
    snap_m
        Line ends closer than this (metres) become one junction.
    layer
        Layer to read from a multi-layer file (default: the first).
    setting, speeds_kmh
        Class speeds as for OSM files (:func:`~circularopt.network.speed_table`).

    Returns
    -------
    RoadNetwork
        The largest strongly connected part; ``nodes_dropped`` counts the rest.

    Raises
    ------
    NetworkError
        The file cannot be read, has no CRS, holds no lines, no drivable line, or no
        strongly connected part; the message names the file and the problem.
    """
    file = Path(path)
    snap_m = number("snap_m", snap_m, lo=0.0)
    spec = RoadFields.parse(fields) if isinstance(fields, str) else fields or RoadFields()
    lines, info = _read_lines(file, layer)
    spec = spec.resolved([c for c in lines.columns if c != lines.geometry.name])
    lines = _drivable_lines(lines, spec, file)
    table = speed_table(setting, speeds_kmh)
    lat, lon, u, v, t, ln, road, shape = _edges(lines, spec, snap_m, table,
                                                _FALLBACK_KMH[setting])
    net = RoadNetwork.from_edges(lat, lon, u, v, t, ln, road_class=road, geometry=shape,
                                 spatial_order=True,
                                 source=f"GIS layer {file.name} ({info}); fields {_fmt(spec)}; "
                                        f"speeds: {setting} table; ends joined within "
                                        f"{snap_m:g} m")
    if net.n_nodes < 2:
        raise NetworkError(tr("GIS road layer {file}: no strongly connected part (no two "
                              "junctions reach each other); check one-way values and that "
                              "line ends meet (joined within snap_m = {snap_m:g} m)",
                              file=file, snap_m=snap_m))
    return net


def _fmt(spec: RoadFields) -> str:
    return ", ".join(f"{k}={v}" for k, v in (("oneway", spec.oneway), ("speed", spec.speed),
                                             ("class", spec.road_class)) if v) or "none"


def _read_lines(file: Path, layer: str | None) -> tuple[gpd.GeoDataFrame, str]:
    """The layer's line features, exploded to single lines and projected to UTM."""
    try:
        gdf = gpd.read_file(file, layer=layer, engine="pyogrio")
    except Exception as exc:  # GDAL raises many types; name the file and the cause
        raise NetworkError(tr("cannot read GIS road layer {file}: {kind}: {exc}",
                              file=file, kind=type(exc).__name__, exc=exc)) from exc
    if gdf.crs is None:
        raise NetworkError(tr("GIS road layer {file} has no coordinate reference system "
                              "(CRS): set one (QGIS: Layer > Set CRS; a Shapefile needs its "
                              ".prj file) and save the layer again", file=file))
    kinds = sorted(set(gdf.geom_type.dropna()))
    gdf = gdf[gdf.geom_type.isin(["LineString", "MultiLineString"])]
    if gdf.empty:
        raise NetworkError(tr("GIS road layer {file} holds no lines (geometry types: "
                              "{kinds}); give a layer of road lines",
                              file=file, kinds=", ".join(kinds) or "none"))
    gdf = gdf.explode(index_parts=False, ignore_index=True)
    gdf = gdf[~gdf.geometry.is_empty & (gdf.geometry.length > 0)]
    utm = gdf.estimate_utm_crs()
    return gdf.to_crs(utm), f"{len(gdf)} lines, CRS {gdf.crs.to_string()} -> {utm.to_string()}"


def _road_class(value: Any) -> str:
    """An OSM ``highway`` value from a class field (Global Map codes translated)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "road"
    if isinstance(value, (int, np.integer, float)):
        return _GLOBAL_MAP_RTT.get(int(value), "road")
    text = str(value).strip().lower()
    if text.isdigit():
        return _GLOBAL_MAP_RTT.get(int(text), "road")
    word = next((w for w in _GLOBAL_MAP_WORDS if text.startswith(w) and "route" in text), None)
    return _GLOBAL_MAP_WORDS[word] if word else text or "road"


def _drivable_lines(lines: gpd.GeoDataFrame, spec: RoadFields, file: Path) -> gpd.GeoDataFrame:
    classes = (lines[spec.road_class].map(_road_class) if spec.road_class
               else pd.Series("road", index=lines.index))
    keep = ~classes.map(lambda c: any(w in c for w in _NOT_DRIVABLE))
    out = lines[keep].assign(_class=classes[keep])
    if out.empty:
        raise NetworkError(tr("GIS road layer {file}: no drivable line (all classes in "
                              "{field!r} are footways, paths, tracks or the like)",
                              file=file, field=spec.road_class))
    return out


def _direction(value: Any) -> int:
    """+1 along the line only, -1 against it only, 0 both ways."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return 0
    text = str(value).strip().lower()
    return 1 if text in _FORWARD else -1 if text in _BACKWARD else 0


def _speed(value: Any) -> float | None:
    try:
        speed = float(value)
    except (TypeError, ValueError):
        return None
    return speed if np.isfinite(speed) and speed > 0 else None


def _junctions(coords: list[np.ndarray], snap_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Junction of each line end (``2 * len(coords)`` labels: start, end, start, ...)
    and the junctions' positions (mean of their ends), projected metres."""
    ends = np.array([c[k] for c in coords for k in (0, -1)], dtype=float)
    pairs = cKDTree(ends).query_pairs(snap_m, output_type="ndarray")
    n = len(ends)
    adj = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, label = connected_components(adj, directed=False)
    count = np.bincount(label)
    centre = np.column_stack([np.bincount(label, ends[:, k]) / count for k in (0, 1)])
    return label, centre


def _pieces(coords: list[np.ndarray], label: np.ndarray, centre: np.ndarray,
            snap_m: float) -> list[tuple[int, int, int, np.ndarray]]:
    """``(line, tail junction, head junction, points)`` per piece of line between
    junctions; a line is cut where an interior vertex lies on a junction."""
    tree = cKDTree(centre)
    out = []
    for i, c in enumerate(coords):
        cut = [(0, int(label[2 * i]))]
        if len(c) > 2:
            dist, hit = tree.query(c[1:-1], distance_upper_bound=snap_m)
            cut += [(k + 1, int(h)) for k, (d, h) in enumerate(zip(dist, hit, strict=True))
                    if np.isfinite(d)]
        cut.append((len(c) - 1, int(label[2 * i + 1])))
        for (k0, a), (k1, b) in pairwise(cut):
            if a != b:
                out.append((i, a, b, c[k0:k1 + 1]))
    return out


def _edges(lines: gpd.GeoDataFrame, spec: RoadFields, snap_m: float,
           table: Mapping[str, float], fallback: float) -> tuple[Any, ...]:
    """Arguments of :meth:`RoadNetwork.from_edges` (directed edges, WGS84 positions)."""
    from pyproj import Transformer

    coords = [np.asarray(g.coords, dtype=float)[:, :2] for g in lines.geometry]
    label, centre = _junctions(coords, snap_m)
    to_wgs = Transformer.from_crs(lines.crs, "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform(centre[:, 0], centre[:, 1])
    cls = lines["_class"].to_numpy()
    way = lines[spec.oneway].map(_direction).to_numpy() if spec.oneway else np.zeros(len(lines))
    given = ([_speed(x) for x in lines[spec.speed]] if spec.speed
             else [None] * len(lines))
    u, v, t, ln, road, shape = [], [], [], [], [], []
    for i, a, b, pts in _pieces(coords, label, centre, snap_m):
        length = float(np.hypot(*np.diff(pts, axis=0).T).sum())
        kmh = max(given[i] or table.get(cls[i], fallback), _MIN_SPEED_KMH)
        glon, glat = to_wgs.transform(pts[1:-1, 0], pts[1:-1, 1])
        inner = np.column_stack([glat, glon])
        for tail, head, g, sense in ((a, b, inner, 1), (b, a, inner[::-1], -1)):
            if way[i] in (0, sense):
                u.append(tail)
                v.append(head)
                t.append(length / (kmh / 3.6))
                ln.append(length)
                road.append(str(cls[i]))
                shape.append(g.copy() if len(g) else None)
    if not u:
        raise NetworkError("GIS road layer: every line starts and ends at one junction "
                           f"(snap_m = {snap_m:g} m too large?)")
    return lat, lon, u, v, t, ln, road, shape
