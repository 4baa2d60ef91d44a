"""The plan's map and charts for the browser, as JSON-ready dicts.

:func:`map_data` gives the plan's layers (:func:`circularopt.outputs.plan_layers`) in a
compact form that the page's own canvas renderer (``static/map.js``) draws: point layers
(collection points coloured by the complex they go to, candidates, open complexes,
recyclers, landfills, depots) and the routes of each day (a week plan's working days, or
the plan's own ``every day`` / ``peak day`` routes), each a polyline with its truck,
length, hours, tonnes and colour, and a plan's curbside streets (``streets``: one list of
lines per serving route, in its colour, unserved ones apart; flagged when synthetic;
:func:`write_view` puts them in a file of their own, loaded after the first paint).
Street tiles (:mod:`circularopt.outputs.tiles`, the same provider as the HTML report) are
drawn under them when online; offline the background is plain. Route and street lines
are simplified (Douglas-Peucker, about 5 m) before sending.
:func:`route_stops` gives every route's stops and times per day (``routes.csv``'s rows).

The cost and tonnes charts are the HTML report's plotly figures
(:func:`circularopt.outputs.report.cost_figure`, ``tonnes_figure``); the page loads
plotly.js only for them, after the map is drawn.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from circularopt.i18n import tr
from circularopt.outputs.colours import complex_colours, route_style
from circularopt.outputs.layers import plan_layers
from circularopt.outputs.tiles import TILE_ATTRIBUTION, TILE_URL
from circularopt.outputs.week import day_label
from circularopt.plan import Plan

__all__ = ["VIEW_FILES", "VIEW_VERSION", "charts", "map_data", "route_stops", "street_groups",
           "write_view"]

VIEW_FILES = ("map.json", "streets.json", "charts.json", "stops.json")
"""Files :func:`write_view` writes next to a run's outputs."""

VIEW_VERSION = "4"
"""Format of the view files (written to ``version``; older views are rewritten)."""

SIMPLIFY_DEG = 5e-5
"""Tolerance of the route-line simplification, degrees (about 5 m)."""

STREET_DIGITS = 5
"""Decimals of the street coordinates (about 1 m)."""

UNSERVED_COLOUR = "#e53935"
"""Colour of the streets no route serves."""

_DASHES = {"solid": [], "dash": [8, 5], "dot": [2, 4]}


def _round(values: Any) -> list[float]:
    return [round(float(v), 6) for v in values]


def _day_routes(gdf: Any) -> list[dict[str, Any]]:
    out = []
    for k, (_, row) in enumerate(gdf.iterrows()):
        xs, ys = row.geometry.simplify(SIMPLIFY_DEG).xy
        colour, dash = route_style(k)
        out.append({"route": str(row["route"]), "vehicle": str(row["vehicle"]),
                    "km": round(float(row["distance_km"]), 2),
                    "hours": round(float(row["duration_h"]), 2),
                    "tonnes": round(float(row["collected_t"]), 3), "stops": int(row["stops"]),
                    "start": str(row["start"]), "end": str(row["end"]), "colour": colour,
                    "dash": _DASHES.get(dash, []), "lon": _round(xs), "lat": _round(ys)})
    return out


def _days(plan: Plan, layers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The routes of each working day of a week plan, else the plan's own routes."""
    week = [(name[len("routes_"):], gdf) for name, gdf in layers.items()
            if name.startswith("routes_")]
    days = week or [(day_label(plan), layers["routes"])]
    return [{"day": day, "label": tr(day), "routes": _day_routes(gdf)} for day, gdf in days]


def _layer(gdf: Any, meta: str, name: str, colour: str | list[str], size: int,
           text: list[str]) -> dict[str, Any]:
    return {"meta": meta, "name": f"{name} ({len(gdf)})", "colour": colour, "size": size,
            "lon": _round(gdf.geometry.x), "lat": _round(gdf.geometry.y), "text": text}


def _point_layers(plan: Plan, layers: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    pts = layers["collection_points"]
    if len(pts):
        colours = complex_colours(plan)
        out.append(_layer(pts, "points", tr("Collection points"),
                          [colours.get(c, "#999999") for c in pts["complex"]], 3,
                          [f"{i} {n} · {t:.2f} t/day → {c or '-'}" for i, n, t, c in
                           zip(pts["id"], pts["name"], pts["total_t_per_day"],
                               pts["complex"], strict=True)]))
    cx = layers["complexes"]
    for is_open, name, colour, size in ((False, tr("Closed candidates"), "#9e9e9e", 5),
                                        (True, tr("Open complexes"), "#d81b60", 8)):
        sub = cx[cx["open"] == is_open]
        if len(sub):
            out.append(_layer(sub, "complexes", name, colour, size, _names(sub)))
    for key, name, colour in (("recyclers", tr("Recyclers"), "#2e7d32"),
                              ("landfills", tr("Landfills"), "#6d4c41"),
                              ("depots", tr("Depots"), "#000000")):
        if len(layers[key]):
            out.append(_layer(layers[key], key, name, colour, 6, _names(layers[key])))
    return out


def _names(gdf: Any) -> list[str]:
    return [f"{i} {n}" for i, n in zip(gdf["id"], gdf["name"], strict=True)]


def street_groups(layers: Mapping[str, Any]) -> dict[str, Any] | None:
    """The curbside streets grouped by serving route (in the route's colour; unserved
    streets in :data:`UNSERVED_COLOUR`), each line a flat ``[lon, lat, lon, lat, ...]``
    list rounded to :data:`STREET_DIGITS` decimals; None without streets."""
    gdf = layers.get("streets")
    if gdf is None or not len(gdf):
        return None
    colours = {str(r): route_style(k)[0] for k, r in enumerate(layers["routes"]["route"])}
    groups: dict[str, dict[str, Any]] = {}
    for route, served, geom in zip(gdf["route"], gdf["served"], gdf.geometry, strict=True):
        key = str(route) if served else ""
        group = groups.setdefault(key, {
            "route": key, "served": bool(served), "lines": [],
            "colour": colours.get(key, "#607d8b") if served else UNSERVED_COLOUR})
        group["lines"].append([round(float(v), STREET_DIGITS) for xy in
                               geom.simplify(SIMPLIFY_DEG).coords for v in xy])
    n_unserved = int((~gdf["served"].astype(bool)).sum())
    synthetic = bool(gdf["synthetic"].astype(bool).any())
    return {"synthetic": synthetic, "count": len(gdf), "unserved": n_unserved,
            "groups": list(groups.values()),
            "name": f"{tr('Curbside streets')} ({len(gdf)})",
            "unserved_name": f"{tr('Unserved streets')} ({n_unserved})",
            "note": tr("SYNTHETIC streets: generated, not surveyed") if synthetic else ""}


def map_data(plan: Plan) -> dict[str, Any]:
    """The map of a plan: ``bbox``, ``layers`` (points), ``days`` (routes), ``streets``
    (curbside streets or None), ``tiles``.

    Parameters
    ----------
    plan
        The plan (a partial plan shows what it has).
    """
    layers = plan_layers(plan)
    located = list(plan.scenario.located())
    lons, lats = [o.lon for o in located] or [0.0], [o.lat for o in located] or [0.0]
    return {"version": VIEW_VERSION, "bbox": [min(lons), min(lats), max(lons), max(lats)],
            "title": tr("APPROXIMATE distances (straight lines)") if plan.approximate else "",
            "layers": _point_layers(plan, layers), "days": _days(plan, layers),
            "streets": street_groups(layers),
            "labels": {"routes": tr("Routes"), "route": tr("route"), "day": tr("Day")},
            "tiles": {"url": TILE_URL, "subdomains": "abcd", "attribution": TILE_ATTRIBUTION}}


def route_stops(plan: Plan) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Day -> route label -> its visits (``routes.csv``'s rows): sequence, kind, id, name,
    arrival, departure, tonnes picked up and on board, vehicle."""
    from circularopt.outputs.tables import plan_tables

    table = plan_tables(plan)["routes"]
    cols = ["sequence", "kind", "id", "name", "arrival", "departure", "picked_up_t",
            "load_on_board_t", "vehicle"]
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for (day, label), sub in table.groupby(["day", "route"], sort=False):
        out.setdefault(str(day), {})[str(label)] = json.loads(
            sub[cols].to_json(orient="records", force_ascii=False))
    return out


def charts(plan: Plan) -> dict[str, Any]:
    """The report's cost and tonnes charts as plotly JSON."""
    from circularopt.outputs.report import cost_figure, tonnes_figure

    if plan.kpis is None:
        return {}
    return {"cost": json.loads(cost_figure(plan).to_json()),
            "tonnes": json.loads(tonnes_figure(plan).to_json())}


def write_view(plan: Plan, folder: Path) -> None:
    """Write the browser's files of ``plan`` (:data:`VIEW_FILES` and ``version``) into
    ``folder``. The curbside streets go to ``streets.json`` (``null`` without streets),
    which ``map.json`` names in ``streets_src``: the page draws the map first and the
    streets after (Bishkek's 19,488 streets made the first render slower than 1 s)."""
    folder.mkdir(parents=True, exist_ok=True)
    view = map_data(plan)
    streets = view.pop("streets")
    view["streets_src"] = "streets.json" if streets else None
    for name, data in (("map.json", view), ("streets.json", streets),
                       ("charts.json", charts(plan)), ("stops.json", route_stops(plan))):
        (folder / name).write_text(json.dumps(data, ensure_ascii=False,
                                              separators=(",", ":")), encoding="utf-8")
    (folder / "version").write_text(VIEW_VERSION, encoding="utf-8")
