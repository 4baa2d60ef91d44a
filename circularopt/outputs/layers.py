"""The map layers of a plan: one GeoDataFrame per kind of object, in EPSG:4326.

Routes follow the streets when a road network is given (fastest paths between the
visits, as the matrices use), else straight segments between the visits marked
``approximate=True``. Flows (recyclate complex -> recycler, residue complex -> landfill)
are straight lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point

from circularopt.geo import great_circle
from circularopt.outputs.curbside import RunStop, run_places, run_stops, street_layer
from circularopt.outputs.labels import hhmm, route_label, scenario_location_id, vehicle_name
from circularopt.outputs.week import vehicle, week_days, with_schedule
from circularopt.plan import Plan
from circularopt.routing.result import Route

if TYPE_CHECKING:
    from circularopt.network import RoadNetwork

__all__ = ["CRS", "LAYERS", "plan_layers"]

CRS = "EPSG:4326"
"""Coordinate reference system of the layers (WGS84 lat/lon)."""

LAYERS = ("collection_points", "complexes", "recyclers", "landfills", "depots", "routes",
          "flows")
"""Layer names in order."""


def _frame(rows: list[dict[str, Any]], geoms: list[Any], columns: Sequence[str]
           ) -> gpd.GeoDataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)


def plan_layers(plan: Plan, *, network: RoadNetwork | None = None,
                max_snap_m: float | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The map layers of a plan (:data:`LAYERS`), in EPSG:4326.

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
        Layer name (:data:`LAYERS`) -> GeoDataFrame: ``collection_points`` (tonnes per
        stream, total, assigned complex, serving route), ``complexes`` (every candidate
        with its open flag, chosen capacity and load), ``recyclers`` (supply against
        capacity), ``landfills``, ``depots``, ``routes`` (one line per truck route; a
        curbside street run is drawn along its pass) and ``flows``; a week plan adds
        ``routes_<day>`` for each working day, a scenario with curbside streets a
        ``streets`` layer (:func:`circularopt.outputs.curbside.street_layer`: route,
        direction, served or not, synthetic; with a week plan each street's ``days``
        and time ``window``).

    Raises
    ------
    InputError
        A route visits an id that is not a scenario location.
    SnappingError, NetworkError
        The network cannot place or connect the visited locations.
    """
    routes = plan.routing.routes if plan.routing is not None else ()
    labels = [route_label(k, len(routes)) for k in range(len(routes))]
    stops = run_stops(plan)
    known = {**{o.id: o for o in plan.scenario.located()}, **stops, **run_places(stops)}
    streets = ({"streets": with_schedule(street_layer(plan, routes, labels, CRS), plan)}
               if plan.scenario.streets else {})
    return {
        "collection_points": _point_layer(plan, routes, labels, known),
        "complexes": _complex_layer(plan),
        "recyclers": _recycler_layer(plan),
        "landfills": _landfill_layer(plan),
        "depots": _depot_layer(plan, routes, known),
        "routes": _route_layer(plan, routes, labels, known, network=network,
                               max_snap_m=max_snap_m),
        "flows": _flow_layer(plan, known),
        **_week_layers(plan, known, network=network, max_snap_m=max_snap_m),
        **streets,
    }


def _point_layer(plan: Plan, routes: Sequence[Route], labels: list[str],
                 known: Mapping[str, Any]) -> gpd.GeoDataFrame:
    sc = plan.scenario
    streams = list(sc.stream_names)
    assignment = dict(plan.siting.assignment) if plan.siting is not None else {}
    served: dict[str, list[str]] = {}
    for label, route in zip(labels, routes, strict=True):
        for v in route.visits:
            if v.kind == "stop":
                served.setdefault(scenario_location_id(v.id, known), []).append(label)
    cols = ["id", "name", *[f"t_{s}" for s in streams], "total_t_per_day",
            "collections_per_week", "complex", "route"]
    rows = [{"id": p.id, "name": p.name,
             **{f"t_{s}": float(p.tonnes_per_day.get(s, 0.0)) for s in streams},
             "total_t_per_day": p.total_tonnes_per_day,
             "collections_per_week": p.collections_per_week,
             "complex": assignment.get(p.id, ""), "route": ";".join(served.get(p.id, []))}
            for p in sc.collection_points]
    return _frame(rows, [Point(p.lon, p.lat) for p in sc.collection_points], cols)


def _complex_layer(plan: Plan) -> gpd.GeoDataFrame:
    sc, siting = plan.scenario, plan.siting
    streams = list(sc.stream_names)
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
    return _frame(rows, [Point(c.lon, c.lat) for c in sc.complex_candidates], cols)


def _recycler_layer(plan: Plan) -> gpd.GeoDataFrame:
    sc, fs, siting = plan.scenario, plan.feedstock, plan.siting
    streams = list(sc.stream_names)
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
    return _frame(rows, [Point(r.lon, r.lat) for r in sc.recyclers], cols)


def _landfill_layer(plan: Plan) -> gpd.GeoDataFrame:
    sc, siting = plan.scenario, plan.siting
    assignment = dict(siting.assignment) if siting is not None else {}
    opened = {c.id for c in siting.open_complexes} if siting is not None else set()
    residues = plan.feedstock.residues if plan.feedstock is not None else ()
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
    return _frame(rows, [Point(lf.lon, lf.lat) for lf in sc.landfills], cols)


def _depot_layer(plan: Plan, routes: Sequence[Route], known: Mapping[str, Any]
                 ) -> gpd.GeoDataFrame:
    used: dict[str, int] = {}
    for route in routes:
        d = scenario_location_id(route.visits[0].id, known)
        used[d] = used.get(d, 0) + 1
    cols = ["id", "name", "trucks", "trucks_used", "vehicle_types"]
    depots = plan.scenario.depots
    rows = [{"id": d.id, "name": d.name, "trucks": sum(v.count for v in d.vehicle_types),
             "trucks_used": used.get(d.id, 0),
             "vehicle_types": ";".join(f"{v.id} x{v.count} ({v.capacity_tonnes:g} t)"
                                       for v in d.vehicle_types)} for d in depots]
    return _frame(rows, [Point(d.lon, d.lat) for d in depots], cols)


def _places(route: Route, known: Mapping[str, Any]) -> list[str]:
    """Scenario ids of the places a route drives to, in order (breaks and repeats out)."""
    out: list[str] = []
    for v in route.visits:
        if v.kind == "break":
            continue
        rs = known.get(v.id)
        if isinstance(rs, RunStop):  # a street run: along its pass
            a, b = rs.run.end_ids()
            out += [p for p in ((a, b) if rs.forward else (b, a)) if not out or out[-1] != p]
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
            "route": label, "vehicle": vehicle_name(plan, r), "depot": ps[0] if ps else "",
            "distance_km": r.distance / 1000.0, "duration_h": r.duration / 3600.0,
            "cost": r.cost, "stops": len(r.stops), "unloads": r.num_unloads,
            "collected_t": _collected(r), "start": hhmm(r.start_time),
            "end": hhmm(r.end_time), "unload_sites": ";".join(sites),
            "approximate": network is None})
        if len(line) < 2:
            line = (line * 2) if line else [(0.0, 0.0), (0.0, 0.0)]
        geoms.append(LineString(line))
    return _frame(rows, geoms, cols)


def _week_layers(plan: Plan, known: Mapping[str, Any], *, network: RoadNetwork | None,
                 max_snap_m: float | None) -> dict[str, gpd.GeoDataFrame]:
    """One route layer per working day of a week plan, ``routes_<day>``."""
    layers = {}
    for name, result, types in week_days(plan):
        routes = result.routes
        labels = [route_label(k, len(routes)) for k in range(len(routes))]
        gdf = _route_layer(plan, routes, labels, known, network=network,
                           max_snap_m=max_snap_m)
        gdf["vehicle"] = [vehicle(types, r) for r in routes]
        gdf.insert(0, "day", name)
        layers[f"routes_{name}"] = gdf
    return layers


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
                     "straight_km": _straight_km(pa, pb)})
        geoms.append(LineString([(pa.lon, pa.lat), (pb.lon, pb.lat)]))
    return _frame(rows, geoms, cols)


def _straight_km(a: Any, b: Any) -> float:
    """Great-circle kilometres between two located objects."""
    return float(great_circle(a.lat, a.lon, b.lat, b.lon)) / 1000.0
