"""Plotly figures of a plan for the browser, as JSON-ready dicts.

:func:`map_data` draws the plan's layers (:func:`circularopt.outputs.plan_layers`) as
``scattermap`` traces (MapLibre, WebGL) so that street tiles can be shown when online;
the page's script turns them into ``scattergl`` traces on longitude/latitude axes when
tiles are off, which needs no network. Routes are grouped into a few traces (one per
colour, lines separated by gaps) with the route's label on every vertex, so 5,000 sites
and hundreds of routes stay a handful of WebGL traces; a click on a line names the route
and the page asks :func:`route_stops` for its stops and times. Route lines are
simplified (Douglas-Peucker, about 5 m) before sending.

The cost and tonnes charts are the HTML report's figures
(:func:`circularopt.outputs.report.cost_figure`, ``tonnes_figure``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from circularopt.i18n import tr
from circularopt.outputs.colours import ROUTE_PALETTE, complex_colours
from circularopt.outputs.layers import plan_layers
from circularopt.plan import Plan

__all__ = ["VIEW_FILES", "charts", "map_data", "route_stops", "write_view"]

VIEW_FILES = ("map.json", "charts.json", "stops.json")
"""Files :func:`write_view` writes next to a run's outputs."""

SIMPLIFY_DEG = 5e-5
"""Tolerance of the route-line simplification, degrees (about 5 m)."""


def _round(values: Any) -> list[float]:
    return [round(float(v), 6) for v in values]


def _route_traces(layers: Mapping[str, Any]) -> list[dict[str, Any]]:
    routes = layers["routes"]
    groups: dict[int, dict[str, list[Any]]] = {}
    for k, (_, row) in enumerate(routes.iterrows()):
        g = groups.setdefault(k % len(ROUTE_PALETTE), {"lat": [], "lon": [], "route": []})
        line = row.geometry.simplify(SIMPLIFY_DEG)
        xs, ys = line.xy
        g["lon"] += [*_round(xs), None]
        g["lat"] += [*_round(ys), None]
        g["route"] += [str(row["route"])] * len(xs) + [None]
    return [{"type": "scattermap", "mode": "lines", "lat": g["lat"], "lon": g["lon"],
             "customdata": g["route"], "name": tr("Routes"), "legendgroup": "routes",
             "showlegend": c == 0, "hovertemplate": tr("route") + " %{customdata}<extra></extra>",
             "line": {"color": ROUTE_PALETTE[c], "width": 2}, "meta": "routes"}
            for c, g in sorted(groups.items())]


def _point_traces(plan: Plan, layers: Mapping[str, Any]) -> list[dict[str, Any]]:
    pts = layers["collection_points"]
    if not len(pts):
        return []
    colours = complex_colours(plan)
    return [{"type": "scattermap", "mode": "markers", "name": tr("Collection points"),
             "lat": _round(pts.geometry.y), "lon": _round(pts.geometry.x),
             "text": [f"{i} {n} · {t:.2f} t/day → {c or '-'} · {tr('route')} {r or '-'}"
                      for i, n, t, c, r in zip(pts["id"], pts["name"], pts["total_t_per_day"],
                                                pts["complex"], pts["route"], strict=True)],
             "hoverinfo": "text", "meta": "points",
             "marker": {"size": 6, "color": [colours.get(c, "#999999")
                                             for c in pts["complex"]]}}]


def _site_trace(gdf: Any, name: str, colour: str, size: int, meta: str,
                text: list[str]) -> dict[str, Any]:
    return {"type": "scattermap", "mode": "markers", "name": f"{name} ({len(gdf)})",
            "lat": _round(gdf.geometry.y), "lon": _round(gdf.geometry.x), "text": text,
            "hoverinfo": "text", "meta": meta, "marker": {"size": size, "color": colour}}


def _site_traces(layers: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    cx = layers["complexes"]
    for is_open, name, colour, size in ((False, tr("Closed candidates"), "#9e9e9e", 9),
                                        (True, tr("Open complexes"), "#d81b60", 16)):
        sub = cx[cx["open"] == is_open]
        if len(sub):
            out.append(_site_trace(sub, name, colour, size, "complexes",
                                   [f"{i} {n}" for i, n in zip(sub["id"], sub["name"],
                                                               strict=True)]))
    for layer, name, colour in (("recyclers", tr("Recyclers"), "#2e7d32"),
                                ("landfills", tr("Landfills"), "#6d4c41"),
                                ("depots", tr("Depots"), "#000000")):
        gdf = layers[layer]
        if len(gdf):
            out.append(_site_trace(gdf, name, colour, 12, layer,
                                   [f"{i} {n}" for i, n in zip(gdf["id"], gdf["name"],
                                                               strict=True)]))
    return out


def map_data(plan: Plan, *, tiles: bool = False) -> dict[str, Any]:
    """The map figure (``data``, ``layout``) of a plan.

    Parameters
    ----------
    plan
        The plan (a partial plan shows what it has).
    tiles
        Start with OpenStreetMap street tiles (loaded by the browser) instead of a plain
        background.
    """
    layers = plan_layers(plan)
    located = list(plan.scenario.located())
    lat = sum(o.lat for o in located) / max(len(located), 1)
    lon = sum(o.lon for o in located) / max(len(located), 1)
    data = [*_route_traces(layers), *_point_traces(plan, layers), *_site_traces(layers)]
    title = tr("APPROXIMATE distances (straight lines)") if plan.approximate else ""
    layout = {"map": {"style": "open-street-map" if tiles else "white-bg",
                      "center": {"lat": lat, "lon": lon}, "zoom": 10.5},
              "margin": {"l": 0, "r": 0, "t": 30 if title else 0, "b": 0},
              "title": {"text": title, "font": {"size": 13}}, "showlegend": True,
              "legend": {"x": 0, "y": 1, "bgcolor": "rgba(255,255,255,0.8)"},
              "uirevision": "keep"}
    return {"data": data, "layout": layout}


def route_stops(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """Route label -> its visits: sequence, kind, id, name, arrival, departure, tonnes
    picked up and on board; the plan's own routes (those the map draws), not a week
    plan's days."""
    from circularopt.outputs.tables import plan_tables

    own = dataclasses.replace(plan, info={k: v for k, v in plan.info.items() if k != "week"})
    table = plan_tables(own)["routes"]
    cols = ["sequence", "kind", "id", "name", "arrival", "departure", "picked_up_t",
            "load_on_board_t", "vehicle"]
    return {str(label): json.loads(sub[cols].to_json(orient="records", force_ascii=False))
            for label, sub in table.groupby("route", sort=False)}


def charts(plan: Plan) -> dict[str, Any]:
    """The report's cost and tonnes charts as plotly JSON."""
    from circularopt.outputs.report import cost_figure, tonnes_figure

    if plan.kpis is None:
        return {}
    return {"cost": json.loads(cost_figure(plan).to_json()),
            "tonnes": json.loads(tonnes_figure(plan).to_json())}


def write_view(plan: Plan, folder: Path) -> None:
    """Write the browser's figures of ``plan`` (:data:`VIEW_FILES`) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in (("map.json", map_data(plan)), ("charts.json", charts(plan)),
                       ("stops.json", route_stops(plan))):
        (folder / name).write_text(json.dumps(data, ensure_ascii=False,
                                              separators=(",", ":")), encoding="utf-8")
