"""The plan outputs a waste department uses: JSON, GeoPackage, CSV, HTML report, PNG map.

:func:`write_outputs` derives every file from one :class:`~circularopt.plan.Plan`:

``plan.json``
    The plan itself (:meth:`Plan.save`), reloadable with :meth:`Plan.load`.
``plan.gpkg``
    A GeoPackage for QGIS (EPSG:4326) with the layers of :data:`LAYERS`:
    ``collection_points`` (tonnes per stream, total, assigned complex, serving route),
    ``complexes`` (every candidate with its open flag, chosen capacity and load),
    ``recyclers`` (supply against capacity), ``landfills``, ``depots``, ``routes`` (one
    line per truck route, along the streets when a road network is given, else straight
    segments between the visits with ``approximate=True``) and ``flows`` (recyclate
    complex -> recycler per stream and residue complex -> landfill, straight lines).
``routes.csv``, ``flows.csv``, ``kpis.csv``, ``complexes.csv``, ``recyclers.csv``
    Tables that open cleanly in Excel: UTF-8 with a byte-order mark, comma separated,
    one header row, plain numbers with a decimal point and no thousands separator.
``report.html``
    A self-contained report that works offline (:mod:`circularopt.report`).
``map.png``
    A static map with the same layers and a legend.

Writing is all or nothing: the files are written into a temporary folder beside
``out_dir`` and moved into place only when all of them were written. When ``out_dir``
already exists, the files this module writes are replaced (each one whole) and every
other file in it is kept.

Route visits name their place by the routing problem's location id. The city routing
(:func:`circularopt.routing.decompose.route_city`) keeps scenario ids, except that an
unload site has one copy per unloading time (``"<site>@<m>min"``) when truck types
differ; :func:`scenario_location_id` maps such ids (and ``"<part>:<id>"`` prefixes)
back to the scenario's.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point

from circularopt.exceptions import InputError
from circularopt.plan import Plan
from circularopt.routing.result import Route, Visit

if TYPE_CHECKING:
    from circularopt.network import RoadNetwork

__all__ = [
    "CRS",
    "CSV_TABLES",
    "FORMATS",
    "LAYERS",
    "PALETTE",
    "ROUTE_PALETTE",
    "complex_colours",
    "hhmm",
    "map_title",
    "plan_layers",
    "plan_tables",
    "route_label",
    "scenario_location_id",
    "write_map_png",
    "write_outputs",
]

CRS = "EPSG:4326"
"""Coordinate reference system of the GeoPackage layers (WGS84 lat/lon)."""

FORMATS = ("json", "gpkg", "csv", "html", "png")
"""Output formats :func:`write_outputs` can write (all by default)."""

LAYERS = ("collection_points", "complexes", "recyclers", "landfills", "depots", "routes",
          "flows")
"""Layers of ``plan.gpkg`` in order."""

CSV_TABLES = ("routes", "flows", "kpis", "complexes", "recyclers")
"""CSV tables written as ``<name>.csv``."""

PALETTE = ("#1f77b4", "#ff7f0e", "#d62728", "#17becf", "#9467bd", "#e377c2", "#bcbd22",
           "#7f7f7f", "#393b79", "#e7969c", "#6b6ecf", "#ffbb78", "#aec7e8", "#c5b0d5",
           "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5", "#ad494a", "#843c39")
"""Colours of the complexes (and their points) on the maps, in order of opening (no greens
or browns: those mark recyclers, landfills and the material flows)."""

ROUTE_PALETTE = ("#9467bd", "#e377c2", "#17becf", "#bcbd22", "#393b79", "#7f7f7f",
                 "#d62728", "#6b6ecf", "#e7969c", "#ad494a", "#1f77b4", "#ff7f0e")
"""Colours of the routes (no greens or browns: those mark the material flows)."""

_FILES = {"json": ("plan.json",), "gpkg": ("plan.gpkg",),
          "csv": tuple(f"{t}.csv" for t in CSV_TABLES), "html": ("report.html",),
          "png": ("map.png",)}
_GEOMETRY = {"routes": "LineString", "flows": "LineString"}
_COPY = re.compile(r"^(?P<base>.+)@[0-9.]+min$")


# --------------------------------------------------------------------------- ids and labels


def scenario_location_id(raw: str, known: Mapping[str, Any] | set[str]) -> str:
    """The scenario id a routing location id stands for.

    Parameters
    ----------
    raw
        Id of a visit in a routing result (a depot, collection point or unload site).
    known
        The scenario's location ids.

    Returns
    -------
    str
        ``raw`` itself when it is a scenario id; else ``raw`` without an unloading-time
        copy suffix ``"@<m>min"`` and/or a ``"<part>:"`` prefix, whichever is known.

    Raises
    ------
    InputError
        When no such reading of ``raw`` is a scenario id.
    """
    todo = [raw]
    seen: set[str] = set()
    while todo:
        cand = todo.pop(0)
        if cand in known:
            return cand
        if cand in seen:
            continue
        seen.add(cand)
        m = _COPY.match(cand)
        if m:
            todo.append(m.group("base"))
        if ":" in cand:
            todo.append(cand.split(":", 1)[1])
    raise InputError("routing visit id", raw,
                     "the id of a scenario location (depot, collection point, complex or "
                     "landfill), possibly with an '@<m>min' suffix or '<part>:' prefix")


def route_label(k: int, n: int) -> str:
    """Label of the ``k``-th route (0-based) of ``n``: ``R01``, ``R02``, ..."""
    return f"R{k + 1:0{max(2, len(str(n)))}d}"


def hhmm(seconds: float) -> str:
    """Seconds after midnight as ``h:mm`` (hours may pass 24 for the next day)."""
    minutes = round(seconds / 60.0)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def complex_colours(plan: Plan) -> dict[str, str]:
    """Colour per receiving site (open complexes first, then landfills receiving points)."""
    ids: list[str] = []
    if plan.siting is not None:
        ids += list(plan.siting.open_ids)
        ids += sorted(set(plan.siting.assignment.values()) - set(ids))
    return {c: PALETTE[k % len(PALETTE)] for k, c in enumerate(ids)}


def _vehicle_name(plan: Plan, route: Route) -> str:
    names = plan.info.get("vehicle_types")
    if names is None and plan.routing is not None:
        names = plan.routing.info.get("vehicle_types")
    if isinstance(names, Sequence) and 0 <= route.vehicle_type < len(names):
        return f"{names[route.vehicle_type]} #{route.vehicle + 1}"
    return f"type {route.vehicle_type} #{route.vehicle + 1}"


# --------------------------------------------------------------------------- layers


def _frame(rows: list[dict[str, Any]], geoms: list[Any], columns: Sequence[str]
           ) -> gpd.GeoDataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


def plan_layers(plan: Plan, *, network: RoadNetwork | None = None,
                max_snap_m: float | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The map layers of a plan (see the module docstring), in EPSG:4326.

    Parameters
    ----------
    plan
        The plan; parts a partial plan lacks give empty layers (or closed complexes).
    network
        Road network to draw the routes along the streets (fastest paths between the
        visits, as the matrices use); ``None`` draws straight segments.
    max_snap_m
        Snapping limit for ``network`` (default
        :data:`circularopt.network.DEFAULT_MAX_SNAP_M`).

    Returns
    -------
    dict
        Layer name (:data:`LAYERS`) -> GeoDataFrame.

    Raises
    ------
    InputError
        A route visits an id that is not a scenario location.
    SnappingError, NetworkError
        The network cannot place or connect the visited locations.
    """
    sc = plan.scenario
    siting, fs = plan.siting, plan.feedstock
    streams = list(sc.stream_names)
    assignment = dict(siting.assignment) if siting is not None else {}
    routes = plan.routing.routes if plan.routing is not None else ()
    labels = [route_label(k, len(routes)) for k in range(len(routes))]
    known = {o.id: o for o in sc.located()}

    served: dict[str, list[str]] = {}
    for label, route in zip(labels, routes, strict=True):
        for v in route.visits:
            if v.kind == "stop":
                served.setdefault(scenario_location_id(v.id, known), []).append(label)
    layers: dict[str, gpd.GeoDataFrame] = {}

    cols = ["id", "name", *[f"t_{s}" for s in streams], "total_t_per_day",
            "collections_per_week", "complex", "route"]
    rows = [{"id": p.id, "name": p.name,
             **{f"t_{s}": float(p.tonnes_per_day.get(s, 0.0)) for s in streams},
             "total_t_per_day": p.total_tonnes_per_day,
             "collections_per_week": p.collections_per_week,
             "complex": assignment.get(p.id, ""), "route": ";".join(served.get(p.id, []))}
            for p in sc.collection_points]
    layers["collection_points"] = _frame(
        rows, [Point(p.lon, p.lat) for p in sc.collection_points], cols)

    opened = {c.id: c for c in siting.open_complexes} if siting is not None else {}
    n_points = {c: len(siting.points_of(c)) for c in opened} if siting is not None else {}
    cols = ["id", "name", "open", "option", "capacity_t_per_day", "max_capacity_t_per_day",
            "load_t_per_day", "utilisation", "points", "annual_fixed_cost",
            *[f"in_{s}" for s in streams], "position_approximate"]
    rows = []
    for c in sc.complex_candidates:
        oc = opened.get(c.id)
        cap = oc.capacity_t_per_day if oc is not None else 0.0
        load = oc.load_t_per_day if oc is not None else 0.0
        rows.append({
            "id": c.id, "name": c.name, "open": oc is not None,
            "option": oc.option if oc is not None else -1,
            "capacity_t_per_day": cap, "max_capacity_t_per_day": c.max_capacity_t_per_day,
            "load_t_per_day": load, "utilisation": load / cap if cap > 0 else 0.0,
            "points": n_points.get(c.id, 0),
            "annual_fixed_cost": oc.annual_fixed_cost if oc is not None else 0.0,
            **{f"in_{s}": float(oc.inflow_t_per_day.get(s, 0.0)) if oc is not None else 0.0
               for s in streams},
            "position_approximate": c.approximate})
    layers["complexes"] = _frame(rows, [Point(c.lon, c.lat) for c in sc.complex_candidates],
                                 cols)

    supply = {s.id: s for s in fs.supply} if fs is not None else {}
    opened_rec = set(siting.opened_recyclers) if siting is not None else set()
    cols = ["id", "name", "existing", "usable", "streams", "capacity_t_per_day",
            "supplied_t_per_day", "utilisation", *[f"got_{s}" for s in streams],
            "position_approximate"]
    rows = []
    for r in sc.recyclers:
        sup = supply.get(r.id)
        got = dict(sup.by_stream) if sup is not None else {}
        total = float(sum(got.values()))
        rows.append({
            "id": r.id, "name": r.name, "existing": r.existing,
            "usable": r.existing or r.id in opened_rec, "streams": ";".join(r.streams),
            "capacity_t_per_day": r.capacity_t_per_day, "supplied_t_per_day": total,
            "utilisation": total / r.capacity_t_per_day if r.capacity_t_per_day > 0 else 0.0,
            **{f"got_{s}": float(got.get(s, 0.0)) for s in streams},
            "position_approximate": r.approximate})
    layers["recyclers"] = _frame(rows, [Point(r.lon, r.lat) for r in sc.recyclers], cols)

    residues = fs.residues if fs is not None else ()
    direct: dict[str, float] = {}
    for p in sc.collection_points:
        target = assignment.get(p.id)
        if target is not None and target not in opened:
            direct[target] = direct.get(target, 0.0) + p.total_tonnes_per_day
    cols = ["id", "name", "tipping_fee_per_tonne", "capacity_t_per_day",
            "residue_t_per_day", "direct_t_per_day", "total_t_per_day",
            "position_approximate"]
    rows = []
    for lf in sc.landfills:
        res = float(sum(x.tonnes_per_day for x in residues if x.landfill == lf.id))
        dt = direct.get(lf.id, 0.0)
        rows.append({"id": lf.id, "name": lf.name,
                     "tipping_fee_per_tonne": lf.tipping_fee_per_tonne,
                     "capacity_t_per_day": (np.nan if lf.capacity_t_per_day is None
                                            else lf.capacity_t_per_day),
                     "residue_t_per_day": res, "direct_t_per_day": dt,
                     "total_t_per_day": res + dt, "position_approximate": lf.approximate})
    layers["landfills"] = _frame(rows, [Point(lf.lon, lf.lat) for lf in sc.landfills], cols)

    used: dict[str, int] = {}
    for route in routes:
        d = scenario_location_id(route.visits[0].id, known)
        used[d] = used.get(d, 0) + 1
    cols = ["id", "name", "trucks", "trucks_used", "vehicle_types"]
    rows = [{"id": d.id, "name": d.name, "trucks": sum(v.count for v in d.vehicle_types),
             "trucks_used": used.get(d.id, 0),
             "vehicle_types": ";".join(f"{v.id} x{v.count} ({v.capacity_tonnes:g} t)"
                                       for v in d.vehicle_types)} for d in sc.depots]
    layers["depots"] = _frame(rows, [Point(d.lon, d.lat) for d in sc.depots], cols)

    layers["routes"] = _route_layer(plan, routes, labels, known, network=network,
                                    max_snap_m=max_snap_m)
    layers["flows"] = _flow_layer(plan, known)
    return layers


def _places(route: Route, known: Mapping[str, Any]) -> list[str]:
    """Scenario ids of the places a route drives to, in order (breaks and repeats out)."""
    out: list[str] = []
    for v in route.visits:
        if v.kind == "break":
            continue
        sid = scenario_location_id(v.id, known)
        if not out or out[-1] != sid:
            out.append(sid)
    return out


def _street_lines(network: RoadNetwork, places: list[list[str]], known: Mapping[str, Any],
                  max_snap_m: float | None) -> list[list[tuple[float, float]]]:
    from circularopt.network import DEFAULT_MAX_SNAP_M, path_latlon, route_paths, snap

    ids = sorted({p for ps in places for p in ps})
    if not ids:
        return [[] for _ in places]
    sn = snap(network, ids, [known[i].lat for i in ids], [known[i].lon for i in ids],
              max_snap_m=DEFAULT_MAX_SNAP_M if max_snap_m is None else max_snap_m)
    node = {i: int(n) for i, n in zip(sn.ids, sn.node, strict=True)}
    pairs = sorted({(node[a], node[b]) for ps in places for a, b in pairwise(ps)
                    if node[a] != node[b]})
    paths = dict(zip(pairs, route_paths(network, pairs), strict=True))
    lines = []
    for ps in places:
        coords: list[tuple[float, float]] = []
        for a, b in pairwise(ps):
            leg = [(known[a].lon, known[a].lat)]
            if node[a] != node[b]:
                latlon = path_latlon(network, paths[node[a], node[b]])
                leg += [(float(lo), float(la)) for la, lo in latlon]
            else:
                leg.append((float(network.lon[node[a]]), float(network.lat[node[a]])))
            leg.append((known[b].lon, known[b].lat))
            coords += leg if not coords else leg[1:]
        lines.append(coords)
    return lines


def _route_layer(plan: Plan, routes: Sequence[Route], labels: list[str],
                 known: Mapping[str, Any], *, network: RoadNetwork | None,
                 max_snap_m: float | None) -> gpd.GeoDataFrame:
    places = [_places(r, known) for r in routes]
    if network is not None:
        lines = _street_lines(network, places, known, max_snap_m)
    else:
        lines = [[(known[p].lon, known[p].lat) for p in ps] for ps in places]
    cols = ["route", "vehicle", "depot", "distance_km", "duration_h", "cost", "stops",
            "unloads", "collected_t", "start", "end", "unload_sites", "approximate"]
    rows, geoms = [], []
    for label, r, ps, line in zip(labels, routes, places, lines, strict=True):
        sites = list(dict.fromkeys(scenario_location_id(v.id, known) for v in r.visits
                                   if v.kind == "unload"))
        rows.append({
            "route": label, "vehicle": _vehicle_name(plan, r), "depot": ps[0] if ps else "",
            "distance_km": r.distance / 1000.0, "duration_h": r.duration / 3600.0,
            "cost": r.cost, "stops": len(r.stops), "unloads": r.num_unloads,
            "collected_t": _collected(r), "start": hhmm(r.start_time),
            "end": hhmm(r.end_time), "unload_sites": ";".join(sites),
            "approximate": network is None})
        if len(line) < 2:
            line = (line * 2) if line else [(0.0, 0.0), (0.0, 0.0)]
        geoms.append(LineString(line))
    return _frame(rows, geoms, cols)


def _collected(route: Route) -> float:
    """Tonnes a route collects: the load just before each unload or at the end."""
    total, prev = 0.0, 0.0
    for v in route.visits:
        if v.kind in ("unload", "end"):
            total += prev
        prev = v.load[0] if v.load else 0.0
    return total


def _flow_layer(plan: Plan, known: Mapping[str, Any]) -> gpd.GeoDataFrame:
    fs = plan.feedstock
    cols = ["from", "to", "kind", "stream", "tonnes_per_day", "straight_km"]
    rows, geoms = [], []
    items: list[tuple[str, str, str, str, float]] = []
    if fs is not None:
        items += [(f.complex, f.recycler, "recyclate", f.stream, f.tonnes_per_day)
                  for f in fs.flows]
        items += [(r.complex, r.landfill, "residue", "residue", r.tonnes_per_day)
                  for r in fs.residues]
    for a, b, kind, stream, t in items:
        pa, pb = known[a], known[b]
        rows.append({"from": a, "to": b, "kind": kind, "stream": stream,
                     "tonnes_per_day": t,
                     "straight_km": _haversine_km(pa.lat, pa.lon, pb.lat, pb.lon)})
        geoms.append(LineString([(pa.lon, pa.lat), (pb.lon, pb.lat)]))
    return _frame(rows, geoms, cols)


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


# --------------------------------------------------------------------------- tables


def _visit_name(v: Visit, sid: str, known: Mapping[str, Any]) -> str:
    if v.kind == "break":
        return "break"
    return str(getattr(known.get(sid), "name", "") or "")


def _kpi_value(text: str) -> tuple[float | int | str, str]:
    """A KPI row's value as a plain number (and a unit note for ``"a of b"``)."""
    plain = text.replace(",", "")
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?) of (-?\d+(?:\.\d+)?)", plain)
    if m:
        return _number(m.group(1)), f"of {m.group(2)}"
    try:
        return _number(plain), ""
    except ValueError:
        return text, ""


def _number(text: str) -> float | int:
    return float(text) if "." in text or "e" in text.lower() else int(text)


def plan_tables(plan: Plan, layers: Mapping[str, gpd.GeoDataFrame] | None = None
                ) -> dict[str, pd.DataFrame]:
    """The CSV tables (:data:`CSV_TABLES`) of a plan as DataFrames.

    Parameters
    ----------
    plan
        The plan.
    layers
        Its :func:`plan_layers` (computed when not given).

    Returns
    -------
    dict
        ``routes`` (one row per visit: route, vehicle, sequence, kind, id, name, arrival,
        start, departure as ``hh:mm``, load in tonnes after the visit), ``flows`` (from,
        to, kind, stream, tonnes per day), ``kpis`` (figure, value, unit), ``complexes``
        and ``recyclers`` (the layers' attributes with lat/lon).
    """
    if layers is None:
        layers = plan_layers(plan)
    sc = plan.scenario
    known = {o.id: o for o in sc.located()}
    routes = plan.routing.routes if plan.routing is not None else ()
    rows = []
    for k, r in enumerate(routes):
        label, vehicle = route_label(k, len(routes)), _vehicle_name(plan, r)
        for seq, v in enumerate(r.visits):
            sid = "" if v.kind == "break" else scenario_location_id(v.id, known)
            rows.append({"route": label, "vehicle": vehicle, "sequence": seq,
                         "kind": v.kind, "id": sid, "name": _visit_name(v, sid, known),
                         "arrival": hhmm(v.arrival), "start": hhmm(v.start),
                         "departure": hhmm(v.end),
                         "load_t": round(v.load[0], 4) if v.load else 0.0,
                         "load_m3": round(v.load[1], 4) if len(v.load) > 1 else np.nan})
    route_cols = ["route", "vehicle", "sequence", "kind", "id", "name", "arrival", "start",
                  "departure", "load_t", "load_m3"]
    tables: dict[str, pd.DataFrame] = {"routes": pd.DataFrame(rows, columns=route_cols)}

    flows = pd.DataFrame(layers["flows"].drop(columns="geometry"))
    tables["flows"] = flows[["from", "to", "kind", "stream", "tonnes_per_day",
                             "straight_km"]].round(6)

    cur = sc.parameters.currency
    krows = []
    if plan.kpis is not None:
        for figure, value, unit in plan.kpis.rows(cur):
            num, note = _kpi_value(value)
            krows.append({"figure": figure, "value": num,
                          "unit": f"{unit} {note}".strip() if note else unit})
    tables["kpis"] = pd.DataFrame(krows, columns=["figure", "value", "unit"])

    for name in ("complexes", "recyclers"):
        gdf = layers[name]
        df = pd.DataFrame(gdf.drop(columns="geometry"))
        df.insert(2, "lat", gdf.geometry.y.round(6).to_numpy())
        df.insert(3, "lon", gdf.geometry.x.round(6).to_numpy())
        tables[name] = df.round(6)
    return tables


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, encoding="utf-8-sig", sep=",", lineterminator="\r\n",
              date_format="%Y-%m-%d")


# --------------------------------------------------------------------------- PNG map


def map_title(plan: Plan, *, straight_routes: bool = True) -> str:
    """Title of the maps: scenario, and a note when distances are approximate."""
    title = f"Plan for {plan.scenario.metadata.get('title', plan.scenario.name)}"
    if not plan.complete:
        title += " (INCOMPLETE)"
    if plan.approximate:
        title += ("\nDistances approximate (offline estimate"
                  + (", straight-line routes)" if straight_routes else ")"))
    elif straight_routes and plan.routing is not None and plan.routing.routes:
        title += "\nRoutes drawn as straight segments between the visits"
    return title


def _straight(layers: Mapping[str, gpd.GeoDataFrame]) -> bool:
    routes = layers["routes"]
    return bool(len(routes) == 0 or routes["approximate"].any())


def write_map_png(plan: Plan, layers: Mapping[str, gpd.GeoDataFrame], path: str | Path, *,
                  dpi: int = 150) -> Path:
    """Draw the static map of a plan (matplotlib, Agg backend) to a PNG file.

    Parameters
    ----------
    plan
        The plan.
    layers
        Its :func:`plan_layers`.
    path
        PNG file to write.
    dpi
        Resolution.

    Returns
    -------
    Path
        ``path``.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    path = Path(path)
    fig = Figure(figsize=(11, 9), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    colours = complex_colours(plan)
    handles: list[Any] = []

    routes = layers["routes"]
    for k, geom in enumerate(routes.geometry):
        x, y = geom.xy
        ax.plot(x, y, "-", color=ROUTE_PALETTE[k % len(ROUTE_PALETTE)], linewidth=0.9,
                alpha=0.7, zorder=2)
    if len(routes):
        label = "routes" + (" (straight segments)" if bool(routes["approximate"].any())
                            else " (along streets)")
        handles.append(Line2D([], [], color="#555555", label=f"{label}, {len(routes)}"))

    flows = layers["flows"]
    styles: tuple[tuple[str, Literal["-", "--"], str, str], ...] = (
        ("recyclate", "-", "#00a000", "recyclate flows"),
        ("residue", "--", "#6d4c41", "residue to landfill"))
    for kind, style, colour, label in styles:
        sub = flows[flows["kind"] == kind]
        if len(sub):
            tmax = max(float(flows["tonnes_per_day"].max()), 1e-9)
            for geom, t in zip(sub.geometry, sub["tonnes_per_day"], strict=True):
                x, y = geom.xy
                ax.plot(x, y, style, color=colour, alpha=0.85, zorder=3,
                        linewidth=0.8 + 4.0 * float(t) / tmax)
            handles.append(Line2D([], [], color=colour, linestyle=style, label=label))

    pts = layers["collection_points"]
    if len(pts):
        groups = pts.groupby(pts["complex"].replace("", "(unassigned)"), sort=False)
        for target, sub in groups:
            ax.scatter(sub.geometry.x, sub.geometry.y, s=10, zorder=4,
                       color=colours.get(str(target), "#999999"),
                       label=f"points -> {target}")
        handles += [Line2D([], [], linestyle="", marker="o", markersize=4,
                           color=colours.get(str(t), "#999999"), label=f"points -> {t}")
                    for t, _ in groups]

    cx = layers["complexes"]
    if len(cx):
        op = cx[cx["open"]]
        cl = cx[~cx["open"]]
        ax.scatter(cl.geometry.x, cl.geometry.y, s=70, marker="s", facecolors="none",
                   edgecolors="#444444", zorder=5)
        ax.scatter(op.geometry.x, op.geometry.y, s=160, marker="s", zorder=6,
                   color=[colours.get(i, "#000000") for i in op["id"]], edgecolors="black")
        for x, y, i in zip(op.geometry.x, op.geometry.y, op["id"], strict=True):
            ax.annotate(str(i), (x, y), xytext=(5, 5), textcoords="offset points",
                        fontsize=7, zorder=8)
        handles += [Line2D([], [], linestyle="", marker="s", markersize=9, color="#888888",
                           markeredgecolor="black", label="open complex"),
                    Line2D([], [], linestyle="", marker="s", markersize=7, color="none",
                           markeredgecolor="#444444", label="candidate (closed)")]
    for name, marker, colour, label in (("recyclers", "^", "#2e7d32", "recyclers"),
                                        ("landfills", "X", "#6d4c41", "landfills"),
                                        ("depots", "D", "#000000", "depots")):
        gdf = layers[name]
        if len(gdf):
            ax.scatter(gdf.geometry.x, gdf.geometry.y, s=90, marker=marker, color=colour,
                       edgecolors="white", zorder=7)
            handles.append(Line2D([], [], linestyle="", marker=marker, markersize=8,
                                  color=colour, label=label))

    lat0 = float(np.mean([o.lat for o in plan.scenario.located()] or [0.0]))
    ax.set_aspect(1.0 / max(math.cos(math.radians(lat0)), 0.05))
    ax.set_xlabel("longitude (degrees)")
    ax.set_ylabel("latitude (degrees)")
    ax.grid(True, linewidth=0.3, alpha=0.5)
    ax.set_title(map_title(plan, straight_routes=_straight(layers)), fontsize=11,
                 color="#b00020" if plan.approximate or not plan.complete else "black")
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  fontsize=7, frameon=False)
    fig.savefig(path, format="png", bbox_inches="tight")
    return path


# --------------------------------------------------------------------------- writing


def _formats(formats: Iterable[str] | str) -> tuple[str, ...]:
    chosen = (formats,) if isinstance(formats, str) else tuple(formats)
    for f in chosen:
        if f not in FORMATS:
            raise InputError("formats", f, f"some of {list(FORMATS)}")
    if not chosen:
        raise InputError("formats", [], f"at least one of {list(FORMATS)}")
    return tuple(dict.fromkeys(chosen))


def write_outputs(plan: Plan, out_dir: str | Path, *, network: RoadNetwork | None = None,
                  formats: Iterable[str] | str = FORMATS,
                  max_snap_m: float | None = None) -> dict[str, Path]:
    """Write the plan's files (see the module docstring) into ``out_dir``.

    Parameters
    ----------
    plan
        The plan (a partial plan writes what it has).
    out_dir
        Output folder; created when missing. In an existing folder the files written here
        are replaced and all other files are kept.
    network
        Road network to draw routes along the streets; ``None`` draws straight segments
        (marked ``approximate``).
    formats
        Some of :data:`FORMATS` (default all).
    max_snap_m
        Snapping limit for ``network`` in metres.

    Returns
    -------
    dict
        File name (e.g. ``"plan.gpkg"``, ``"routes.csv"``) -> its final path.

    Raises
    ------
    InputError
        Unknown format, ``out_dir`` is an existing file, or a route visits an unknown id.
    """
    chosen = _formats(formats)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("out_dir", str(out), "a folder (this is an existing file)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.mkdir()
    try:
        layers = (plan_layers(plan, network=network, max_snap_m=max_snap_m)
                  if set(chosen) - {"json"} else {})
        if "json" in chosen:
            plan.save(tmp / "plan.json")
        if "gpkg" in chosen:
            gpkg = tmp / "plan.gpkg"
            for name in LAYERS:
                gdf = layers[name]
                gdf.to_file(gpkg, layer=name, driver="GPKG", engine="pyogrio",
                            geometry_type=gdf.attrs.get("geometry_type"))
        if "csv" in chosen:
            for name, df in plan_tables(plan, layers).items():
                _write_csv(df, tmp / f"{name}.csv")
        if "html" in chosen:
            from circularopt.report import write_report

            write_report(plan, tmp / "report.html", layers=layers)
        if "png" in chosen:
            write_map_png(plan, layers, tmp / "map.png")
        names = [n for f in chosen for n in _FILES[f]]
        if not out.exists():
            os.replace(tmp, out)
        else:
            for n in names:
                os.replace(tmp / n, out / n)
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {n: out / n for n in names}
