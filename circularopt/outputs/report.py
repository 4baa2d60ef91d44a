"""The self-contained HTML report of a plan.

:func:`write_report` writes one HTML file that works offline: plotly's JavaScript is
embedded inline (no CDN), and the map is drawn on plain longitude/latitude axes (equal
ground scale). Street tiles (:mod:`circularopt.outputs.tiles`) lie under the map as
images the browser loads when it is online; offline they fail quietly and the map keeps
its plain background. Nothing else may load from the network (:data:`CSP`). It holds

* a banner at the top when distances are approximate or the curbside streets are
  synthetic (and when the plan is incomplete or failed validation);
* an interactive map with the plan's layers (collection points coloured by the complex
  they go to, complexes, recyclers, landfills, depots, truck routes, curbside streets in
  their truck's colour and unserved ones in red, material flows);
  click a legend entry to hide or show a layer, or use the layer buttons above the map;
  a week plan draws each working day's routes in the day's colour (as the PNG map) with
  a day selector (all days, one day, or the peak day every point is due on);
* a week plan's figures per day and for the week against the peak day;
* the annual cost by component and the tonnes per stream (collected, to recyclers,
  landfilled) as charts;
* the KPI table, the routes, the recyclers' supply against capacity;
* the assumptions: the scenario's parameters (with the CO2 emission factor) and the
  sources recorded in the scenario's metadata, the travel-figure source and run facts.

Headings, labels and banners are in the current language (:mod:`circularopt.i18n`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from circularopt.i18n import get_language, lazy, num, number_symbols, tr
from circularopt.outputs.colours import complex_colours, route_style
from circularopt.outputs.curbside import run_stops
from circularopt.outputs.labels import map_title, scenario_location_id
from circularopt.outputs.layers import plan_layers
from circularopt.outputs.tables import plan_tables
from circularopt.outputs.tiles import TILE_ATTRIBUTION, TILE_ORIGIN, tile_images
from circularopt.outputs.week import (
    DAY_NAMES,
    day_colour,
    day_name,
    week_days,
    week_routes_text,
    week_tables,
)
from circularopt.plan import Plan
from circularopt.plan.model import cost_label

__all__ = ["CSP", "MAP_LAYERS", "STREETS_LAYER", "cost_figure", "map_figure", "report_html",
           "tonnes_figure", "write_report"]

MAP_LAYERS = ("Collection points", "Open complexes", "Closed candidates", "Recyclers",
              "Landfills", "Depots", "Routes", "Recyclate flows", "Residue flows")
"""Names of the map's layers (legend groups)."""

_LAYER_NAMES = {"Collection points": lazy("Collection points"),
                "Open complexes": lazy("Open complexes"),
                "Closed candidates": lazy("Closed candidates"), "Recyclers": lazy("Recyclers"),
                "Landfills": lazy("Landfills"), "Depots": lazy("Depots"),
                "Routes": lazy("Routes"), "Recyclate flows": lazy("Recyclate flows"),
                "Residue flows": lazy("Residue flows"),
                "Curbside streets": lazy("Curbside streets")}

STREETS_LAYER = "Curbside streets"
"""Legend group of a plan's curbside streets (only drawn when the plan has streets)."""


def _layer(group: str) -> str:
    """The shown name of the layer ``group`` (one of :data:`MAP_LAYERS`)."""
    return tr(_LAYER_NAMES[group])

CO2_NOTE = lazy("IPCC 2006 Guidelines default for diesel oil (tank-to-wheel): 2.68 kg CO2 "
                "per litre")

CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
       f"style-src 'unsafe-inline'; img-src data: blob: {TILE_ORIGIN}; font-src data:; "
       "connect-src 'none'")
"""Content security policy of the report: nothing may load from outside the file but
the map's street tiles (images from :data:`~circularopt.outputs.tiles.TILE_ORIGIN`)."""

_PARAMETERS = (
    ("working_days_per_year", lazy("working days per year"), lazy("days/year"),
     lazy("converts daily figures to annual ones")),
    ("fuel_litres_per_km", lazy("fuel use of a collection truck"), lazy("l/km"), ""),
    ("kg_co2_per_litre", lazy("CO2 emission factor of diesel"), lazy("kg CO2/l"), ""),
    ("transfer_cost_per_tonne_km", lazy("haulage cost complex -> recycler or landfill"),
     lazy("{cur}/t-km"), ""),
    ("currency", lazy("currency"), "", ""),
)

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0;
color:#222;background:#fafafa}
main{max-width:1300px;margin:0 auto;padding:0 20px 40px}
h1{font-size:1.6em;margin:18px 0 4px}h2{font-size:1.25em;margin-top:28px;
border-bottom:1px solid #ddd;padding-bottom:4px}
.banner{padding:12px 20px;font-weight:600;border-bottom:2px solid}
.banner.approx{background:#fff3cd;color:#7a4d00;border-color:#e0a800}
.banner.bad{background:#f8d7da;color:#842029;border-color:#c82333}
.sub{color:#555;margin:0 0 10px}
table{border-collapse:collapse;margin:8px 0;font-size:0.92em;background:#fff}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f0f0f0}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}.grid>div{min-width:0}
@media (max-width:1000px){.grid{grid-template-columns:1fr}}
.card{background:#fff;border:1px solid #ddd;padding:6px}
"""


# --------------------------------------------------------------------------- figures


def _lat0(plan: Plan) -> float:
    lats = [o.lat for o in plan.scenario.located()]
    return sum(lats) / len(lats) if lats else 0.0


def _lines_xy(geoms: Iterable[Any]) -> tuple[list[float | None], list[float | None]]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for g in geoms:
        x, y = g.xy
        xs += [*map(float, x), None]
        ys += [*map(float, y), None]
    return xs, ys


_Layers = Mapping[str, gpd.GeoDataFrame]
_Traces = list[tuple[go.Scatter, str]]


def map_figure(plan: Plan, layers: _Layers) -> go.Figure:
    """The interactive map: every layer a legend group, with layer buttons.

    Parameters
    ----------
    plan
        The plan.
    layers
        Its :func:`circularopt.outputs.plan_layers`.

    Returns
    -------
    plotly.graph_objects.Figure
        On longitude/latitude axes with equal ground scale, street tiles below (loaded
        by the browser when online) and buttons to hide them.
    """
    colours = complex_colours(plan)
    week = _week_route_traces(layers)
    traces = [*_street_traces(layers), *_route_traces(layers, peak=bool(week)), *week,
              *_flow_traces(layers),
              *_point_traces(layers, colours), *_complex_traces(layers, colours),
              *_site_traces(layers)]
    fig = go.Figure()
    for trace, _ in traces:
        fig.add_trace(trace)
    _map_layout(fig, plan, layers, [group for _, group in traces])
    return fig


WEEK_ROUTES = "Week routes"
"""Legend group of a week plan's routes (one trace per working day, in its colour)."""


def _route_hover(row: Any) -> str:
    """The hover text of a route (a row of a route layer)."""
    return tr("route {route} ({vehicle})<br>{km} km, {hours} h, {stops} stops, {unloads} "
              "unloads<br>{start}-{end}, cost {cost}", route=row["route"],
              vehicle=row["vehicle"], km=num(row["distance_km"], 1),
              hours=num(row["duration_h"], 1), stops=row["stops"],
              unloads=row["unloads"], start=row["start"], end=row["end"],
              cost=num(row["cost"]))


def _route_traces(layers: _Layers, *, peak: bool = False) -> _Traces:
    """The plan's own routes, one trace each; ``peak``: a week plan's peak day, hidden
    until chosen in the legend or the day selector."""
    routes = layers["routes"]
    layer = tr("{layer}, peak day", layer=_layer("Routes")) if peak else _layer("Routes")
    out: _Traces = []
    for k, (_, row) in enumerate(routes.iterrows()):
        x, y = row.geometry.xy
        text = _route_hover(row)
        name = (tr("{layer} ({n}, straight segments)", layer=layer, n=len(routes))
                if row["approximate"] else
                tr("{layer} ({n}, along streets)", layer=layer, n=len(routes)))
        out.append((go.Scatter(
            x=list(x), y=list(y), mode="lines", name=name, legendgroup="Routes",
            showlegend=k == 0, hoverinfo="text", text=[text] * len(x),
            visible="legendonly" if peak else True,
            line=dict(zip(("color", "dash"), route_style(k), strict=True), width=1.6),
            opacity=0.85), "Routes"))
    return out


def _street_traces(layers: _Layers) -> _Traces:
    """Curbside streets, one trace per serving route in the route's colour (wider than
    the route lines, below them) and one red trace for streets not served; the legend
    entry says SYNTHETIC when the streets are generated. None without streets."""
    streets = layers.get("streets")
    if streets is None or not len(streets):
        return []
    order = {label: k for k, label in enumerate(layers["routes"]["route"])}
    synthetic = tr(", SYNTHETIC") if bool(streets["synthetic"].any()) else ""
    name = tr("{layer} ({n}{synthetic}), by route", layer=_layer(STREETS_LAYER),
              n=len(streets), synthetic=synthetic)
    out: _Traces = []
    for route, group in streets.groupby("route", sort=False):
        served = route in order and bool(group["served"].all())
        xs, ys = _lines_xy(group.geometry)
        hover = (tr("route {route}: {n} streets", route=route, n=len(group)) if served
                 else tr("{n} streets not served", n=len(group)))
        out.append((go.Scatter(
            x=xs, y=ys, mode="lines", legendgroup=STREETS_LAYER, showlegend=not out,
            name=name, hovertemplate=_e(hover) + "<extra></extra>", opacity=0.6,
            line={"color": route_style(order[route])[0] if served else "#d50000",
                  "width": 4 if served else 6}), STREETS_LAYER))
    return out


def _week_route_traces(layers: _Layers) -> _Traces:
    """A week plan's routes: one trace per working day (its ``routes_<day>`` layer) in
    the day's colour (:func:`~circularopt.outputs.week.day_colour`); none without a week."""
    out: _Traces = []
    for key, day_routes in layers.items():
        if not key.startswith("routes_") or not len(day_routes):
            continue
        day = key.removeprefix("routes_")
        xs: list[float | None] = []
        ys: list[float | None] = []
        text: list[str] = []
        for _, row in day_routes.iterrows():
            x, y = row.geometry.xy
            xs += [*map(float, x), None]
            ys += [*map(float, y), None]
            text += [f"{_e(day_name(day))}: " + _route_hover(row)] * (len(x) + 1)
        out.append((go.Scatter(
            x=xs, y=ys, mode="lines", legendgroup=f"day {day}", meta=day,
            name=tr("{day}: {n} routes, {km} km", day=day_name(day), n=len(day_routes),
                    km=num(float(day_routes["distance_km"].sum()))),
            hoverinfo="text", text=text, line={"color": day_colour(day), "width": 1.6},
            opacity=0.85), WEEK_ROUTES))
    return out


def _flow_traces(layers: _Layers) -> _Traces:
    flows = layers["flows"]
    tmax = max(float(flows["tonnes_per_day"].max()), 1e-9) if len(flows) else 1.0
    out: _Traces = []
    for kind, group, colour, dash in (("recyclate", "Recyclate flows", "#00a000", "solid"),
                                      ("residue", "Residue flows", "#6d4c41", "dash")):
        sub = flows[flows["kind"] == kind]
        for k, (_, row) in enumerate(sub.iterrows()):
            x, y = row.geometry.xy
            text = tr("{a} -> {b}<br>{stream}: {t} t/day", a=row["from"], b=row["to"],
                      stream=row["stream"], t=num(row["tonnes_per_day"], 2))
            out.append((go.Scatter(
                x=list(x), y=list(y), mode="lines", name=_layer(group), legendgroup=group,
                showlegend=k == 0, hoverinfo="text", text=[text, text],
                line={"color": colour, "dash": dash,
                      "width": 1.0 + 6.0 * float(row["tonnes_per_day"]) / tmax},
                opacity=0.7), group))
    return out


def _point_traces(layers: _Layers, colours: Mapping[str, str]) -> _Traces:
    pts = layers["collection_points"]
    out: _Traces = []
    for t in dict.fromkeys(pts["complex"]) if len(pts) else ():
        sub = pts[pts["complex"] == t]
        label = t or tr("(unassigned)")
        out.append((go.Scatter(
            x=sub.geometry.x, y=sub.geometry.y, mode="markers",
            name=f"{_layer('Collection points')} -> {label} ({len(sub)})",
            legendgroup=f"Collection points {label}",
            marker={"size": 6, "color": colours.get(t, "#999999"),
                    "line": {"width": 0.5, "color": "white"}},
            hoverinfo="text",
            text=[tr("{id} {name}<br>{t} t/day -> {to}<br>route {route}", id=i, name=n,
                     t=num(tt, 2), to=label, route=r or "-")
                  for i, n, tt, r in zip(sub["id"], sub["name"], sub["total_t_per_day"],
                                         sub["route"], strict=True)]),
            "Collection points"))
    return out


def _complex_traces(layers: _Layers, colours: Mapping[str, str]) -> _Traces:
    cx = layers["complexes"]
    out: _Traces = []
    for is_open, group in ((False, "Closed candidates"), (True, "Open complexes")):
        sub = cx[cx["open"] == is_open]
        if not len(sub):
            continue
        out.append((go.Scatter(
            x=sub.geometry.x, y=sub.geometry.y, mode="markers+text" if is_open else "markers",
            name=f"{_layer(group)} ({len(sub)})", legendgroup=group,
            text=list(sub["id"]) if is_open else None, textposition="top center",
            hovertext=[tr("{id} {name}<br>capacity {capacity} t/day, load {load} t/day "
                          "({share}%)<br>{points} points", id=i, name=n, capacity=num(c),
                          load=num(ld, 1), share=num(100 * u), points=p) if is_open else
                       tr("{id} {name}<br>candidate, not opened (up to {capacity} t/day)",
                          id=i, name=n, capacity=num(m))
                       for i, n, c, ld, u, p, m in zip(
                           sub["id"], sub["name"], sub["capacity_t_per_day"],
                           sub["load_t_per_day"], sub["utilisation"], sub["points"],
                           sub["max_capacity_t_per_day"], strict=True)],
            hoverinfo="text",
            marker={"symbol": "square" if is_open else "square-open",
                    "size": 18 if is_open else 11,
                    "color": [colours.get(i, "#444444") for i in sub["id"]] if is_open
                    else "#444444", "line": {"width": 1.5, "color": "black"}}), group))
    return out


def _site_traces(layers: _Layers) -> _Traces:
    out: _Traces = []
    for name, group, symbol, colour, hover in (
            ("recyclers", "Recyclers", "triangle-up", "#2e7d32",
             lambda r: tr("{id} {name}<br>{streams}<br>supplied {supplied} of {capacity} "
                          "t/day", id=r["id"], name=r["name"], streams=r["streams"],
                          supplied=num(r["supplied_t_per_day"], 2),
                          capacity=num(r["capacity_t_per_day"], 2))),
            ("landfills", "Landfills", "x", "#6d4c41",
             lambda r: tr("{id} {name}<br>{t} t/day (fee {fee}/t)", id=r["id"],
                          name=r["name"], t=num(r["total_t_per_day"], 1),
                          fee=num(r["tipping_fee_per_tonne"], 2))),
            ("depots", "Depots", "diamond", "#000000",
             lambda r: tr("{id} {name}<br>{used} of {trucks} trucks used", id=r["id"],
                          name=r["name"], used=r["trucks_used"], trucks=r["trucks"]))):
        gdf = layers[name]
        if not len(gdf):
            continue
        out.append((go.Scatter(x=gdf.geometry.x, y=gdf.geometry.y, mode="markers",
                               name=f"{_layer(group)} ({len(gdf)})", legendgroup=group,
                               hoverinfo="text", text=[hover(r) for _, r in gdf.iterrows()],
                               marker={"symbol": symbol, "size": 13, "color": colour,
                                       "line": {"width": 1, "color": "white"}}), group))
    return out


def _layer_buttons(groups: Sequence[str]) -> list[dict[str, Any]]:
    """The buttons above the map that show a preset of layers (with a week plan, its
    routes stand for the routes and the peak day stays in the legend)."""
    week = WEEK_ROUTES in groups

    def visible(shown: Sequence[str]) -> list[bool | str]:
        return ["legendonly" if week and g == "Routes" else g in shown for g in groups]

    sites = ("Open complexes", "Closed candidates", "Recyclers", "Landfills", "Depots")
    return [
        {"label": tr("All layers"), "method": "restyle",
         "args": [{"visible": visible(groups)}]},
        {"label": tr("Points and sites"), "method": "restyle",
         "args": [{"visible": visible(("Collection points", *sites))}]},
        {"label": _layer("Routes"), "method": "restyle",
         "args": [{"visible": visible(("Routes", WEEK_ROUTES, STREETS_LAYER, "Depots",
                                       "Open complexes", "Landfills"))}]},
        {"label": tr("Material flows"), "method": "restyle",
         "args": [{"visible": visible(("Recyclate flows", "Residue flows", *sites))}]},
    ]


def _map_layout(fig: go.Figure, plan: Plan, layers: _Layers, groups: Sequence[str]) -> None:
    routes = layers["routes"]
    lat0 = _lat0(plan)
    title = map_title(plan, straight_routes=not len(routes) or bool(routes["approximate"].any()))
    images = _street_tiles(layers)
    fig.update_layout(
        images=images,
        annotations=[{"text": tr(TILE_ATTRIBUTION), "xref": "paper", "yref": "paper",
                      "x": 1.0, "y": 0.0, "xanchor": "right", "yanchor": "bottom",
                      "showarrow": False, "font": {"size": 9, "color": "#555555"},
                      "bgcolor": "rgba(255,255,255,0.7)"}] if images else [],
        separators=number_symbols(),
        title={"text": title.replace("\n", "<br><sup>") + ("</sup>" if "\n" in title else ""),
               "y": 0.98, "yanchor": "top"},
        height=780, margin={"l": 60, "r": 20, "t": 120, "b": 50},
        legend={"groupclick": "togglegroup", "itemsizing": "constant",
                "title": {"text": tr("Layers (click to hide/show)")}},
        hovermode="closest", plot_bgcolor="#f4f6f8",
        updatemenus=[{"type": "buttons", "direction": "right", "x": 0.0, "y": 1.01,
                      "xanchor": "left", "yanchor": "bottom",
                      "buttons": _layer_buttons(groups), "pad": {"b": 4},
                      "showactive": True}, *_tile_buttons(len(images)),
                     *_day_selector(fig)],
        xaxis={"title": tr("longitude (degrees)"), "showgrid": True, "zeroline": False},
        yaxis={"title": tr("latitude (degrees)"), "showgrid": True, "zeroline": False,
               "scaleanchor": "x",
               "scaleratio": 1.0 / max(math.cos(math.radians(lat0)), 0.05)})


def _day_selector(fig: go.Figure) -> list[dict[str, Any]]:
    """A week plan's day selector: a drop-down that shows the routes of all days, of
    one day or of the peak day (restyling only the route traces); none without a week."""
    days = [(k, t.meta) for k, t in enumerate(fig.data) if t.legendgroup.startswith("day ")]
    if not days:
        return []
    peak = [k for k, t in enumerate(fig.data) if t.legendgroup == "Routes"]
    index = [k for k, _ in days] + peak

    def show(label: str, day: str | None, on_peak: bool = False) -> dict[str, Any]:
        shown = [day is None or d == day for _, d in days] + [on_peak] * len(peak)
        return {"label": label, "method": "restyle",
                "args": [{"visible": [True if v else "legendonly" for v in shown]}, index]}

    buttons = [show(tr("All days"), None), *(show(day_name(d), d) for _, d in days)]
    if peak:
        buttons.append(show(tr("Peak day"), "", on_peak=True))
    return [{"type": "dropdown", "direction": "down", "x": 0.62, "y": 1.01,
             "xanchor": "left", "yanchor": "bottom", "buttons": buttons, "active": 0,
             "pad": {"b": 4}, "showactive": True}]


def _tile_buttons(n: int) -> list[dict[str, Any]]:
    """Buttons that show or hide the ``n`` street tiles (none without tiles)."""
    if not n:
        return []

    def show(on: bool) -> dict[str, Any]:
        label = tr("Streets on") if on else tr("Streets off")
        return {"label": label, "method": "relayout",
                "args": [{f"images[{k}].visible": on for k in range(n)}]}

    return [{"type": "buttons", "direction": "right", "x": 1.0, "y": 1.01,
             "xanchor": "right", "yanchor": "bottom", "buttons": [show(True), show(False)],
             "pad": {"b": 4}, "showactive": True}]


def _street_tiles(layers: _Layers) -> list[dict[str, Any]]:
    """Street tiles under the plan's extent (:func:`~circularopt.outputs.tiles.tile_images`;
    the browser loads them when online)."""
    bounds = [gdf.total_bounds for gdf in layers.values() if len(gdf)]
    if not bounds:
        return []
    west, south = min(b[0] for b in bounds), min(b[1] for b in bounds)
    east, north = max(b[2] for b in bounds), max(b[3] for b in bounds)
    return tile_images(float(west), float(south), float(east), float(north))


def cost_figure(plan: Plan) -> go.Figure:
    """Annual cost by component (revenue shown negative) and the net total."""
    cur = plan.scenario.parameters.currency
    if plan.kpis is not None:
        costs = dict(plan.kpis.annual_cost)
        note = tr("collection = routed cost x working days")
    elif plan.siting is not None:
        costs = plan.siting.costs.as_dict()
        note = tr("collection = the siting model's estimate (no routes)")
    else:
        costs, note = {}, tr("no costs: the run stopped before siting")
    names = [k for k in costs if k != "total"]
    values = [-costs[k] if k == "revenue" else costs[k] for k in names]
    fig = go.Figure(go.Bar(
        x=[*map(cost_label, names), tr("net total")], y=[*values, costs.get("total", 0.0)],
        marker={"color": ["#2e7d32" if k == "revenue" else "#1f77b4" for k in names]
                + ["#d62728"]},
        text=[num(v) for v in [*values, costs.get("total", 0.0)]],
        textposition="outside", hovertemplate="%{x}: %{y:,.0f} "
        + tr("{currency}/year", currency=cur) + "<extra></extra>"))
    fig.update_layout(title={"text": tr("Annual cost by component ({currency}/year)",
                                        currency=cur) + "<br><sup>"
                             + html.escape(tr("{note}; revenue shown negative", note=note))
                             + "</sup>"},
                      height=420, margin={"l": 70, "r": 20, "t": 80, "b": 60},
                      separators=number_symbols(),
                      yaxis={"title": tr("{currency}/year", currency=cur), "zeroline": True},
                      showlegend=False)
    return fig


def tonnes_by_stream(plan: Plan) -> dict[str, dict[str, float]]:
    """Stream -> ``collected``, ``to recyclers``, ``landfilled`` tonnes per day.

    ``collected`` is the waste of the points the routes serve (all points when there are
    no routes); ``landfilled`` is the rest after recyclers (residue, unsold recyclate and
    points sent directly to a landfill).
    """
    sc = plan.scenario
    served: set[str] | None = None
    if plan.routing is not None:
        known = {o.id for o in sc.located()} | set(run_stops(plan))  # streets: issue 14
        served = {scenario_location_id(v.id, known) for r in plan.routing.routes
                  for v in r.visits if v.kind == "stop"}
    out = {s: {"collected": 0.0, "to recyclers": 0.0, "landfilled": 0.0}
           for s in sc.stream_names}
    for p in sc.collection_points:
        if served is None or p.id in served:
            for s, t in p.tonnes_per_day.items():
                out[s]["collected"] += t
    if plan.feedstock is not None:
        for f in plan.feedstock.flows:
            out[f.stream]["to recyclers"] += f.tonnes_per_day
    for row in out.values():
        row["landfilled"] = max(0.0, row["collected"] - row["to recyclers"])
    return out


def tonnes_figure(plan: Plan) -> go.Figure:
    """Tonnes per day by stream: collected, delivered to recyclers, landfilled."""
    data = tonnes_by_stream(plan)
    streams = list(data)
    fig = go.Figure()
    for what, label, colour in (("collected", tr("collected"), "#1f77b4"),
                                ("to recyclers", tr("to recyclers"), "#2e7d32"),
                                ("landfilled", tr("landfilled"), "#6d4c41")):
        fig.add_trace(go.Bar(name=label, x=streams, y=[data[s][what] for s in streams],
                             marker={"color": colour},
                             hovertemplate="%{x}: %{y:,.2f} " + tr("t/day") + "<extra>"
                             + label + "</extra>"))
    fig.update_layout(barmode="group", height=420, separators=number_symbols(),
                      title={"text": tr("Tonnes per day by stream")},
                      margin={"l": 60, "r": 20, "t": 60, "b": 60},
                      yaxis={"title": tr("t/day")})
    return fig


# --------------------------------------------------------------------------- HTML


def _e(value: Any) -> str:
    return html.escape(str(value))


def _h(level: int, heading: str) -> str:
    """A heading ``<hN>`` with the (translated) text ``heading``."""
    return f"<h{level}>{_e(tr(heading))}</h{level}>"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], *,
           numeric: Sequence[int] = ()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td class='num'>{_e(c)}</td>" if k in numeric else f"<td>{_e(c)}</td>"
                         for k, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _banners(plan: Plan, layers: Mapping[str, gpd.GeoDataFrame]) -> str:
    out = []
    if plan.approximate:
        out.append(
            "<div class='banner approx' id='approx-banner'>" + _e(tr(
                "Distances are approximate: {source}. Travel times, km, costs, fuel and CO2 "
                "are estimates from straight-line distances, not a road network; routes are "
                "drawn as straight segments between the visits.",
                source=plan.matrices_source or tr("offline estimate"))) + "</div>")
    elif len(layers["routes"]) and bool(layers["routes"]["approximate"].any()):
        out.append("<div class='banner approx'>" + _e(tr(
            "Routes are drawn as straight segments between the visits (no road network "
            "given for drawing); the figures come from {source}.",
            source=plan.matrices_source)) + "</div>")
    streets = layers.get("streets")
    if streets is not None and len(streets) and bool(streets["synthetic"].any()):
        out.append("<div class='banner approx' id='synthetic-streets-banner'>" + _e(tr(
            "The curbside streets are SYNTHETIC: a generated grid per district stands for "
            "the private-house sector ({n} streets); no real street lies behind them. Give "
            "a road network to collect along real streets.", n=len(streets))) + "</div>")
    if not plan.complete:
        stage = plan.info.get("interrupted_at", tr("a stage"))
        out.append("<div class='banner bad'>" + _e(tr(
            "Incomplete plan: the run stopped during {stage}; parts are missing.",
            stage=stage)) + "</div>")
    if not plan.valid:
        out.append("<div class='banner bad'>" + _e(tr(
            "The plan failed validation ({n} violations, listed under Assumptions).",
            n=len(plan.violations))) + "</div>")
    return "".join(out)


def _assumptions(plan: Plan) -> str:
    """Parameters with provenance, scenario facts, sources, run facts, findings."""
    meta = dict(plan.scenario.metadata)
    sources = meta.get("sources") if isinstance(meta.get("sources"), Mapping) else {}
    assert isinstance(sources, Mapping)
    parts = [_h(3, tr("Parameters")),
             _table((tr("parameter"), tr("value"), tr("unit"), tr("provenance")),
                    _parameter_rows(plan, sources), numeric=(1,))]
    facts = [(k, v) for k, v in meta.items()
             if k not in ("sources", "districts") and not isinstance(v, Mapping | list)]
    if facts:
        parts += [_h(3, tr("Scenario")), _table((tr("item"), tr("value")), facts)]
    illustrative = meta.get("illustrative")
    if isinstance(illustrative, list) and illustrative:
        parts.append("<p><b>" + _e(tr("Illustrative (assumed) sites:")) + "</b> "
                     + _e(", ".join(map(str, illustrative))) + "</p>")
    if sources:
        parts += [_h(3, tr("Sources")),
                  _table((tr("topic"), tr("source / assumption")), sorted(sources.items()))]
    else:
        parts.append("<p>" + _e(tr("The scenario records no sources.")) + "</p>")
    parts += [_h(3, tr("Run")), _table((tr("item"), tr("value")), _run_rows(plan))]
    if plan.violations:
        parts += [_h(3, tr("Validation findings")) + "<ul>"
                  + "".join(f"<li>{_e(v)}</li>" for v in plan.violations) + "</ul>"]
    return "".join(parts)


def _parameter_rows(plan: Plan, sources: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """(label, value, unit, provenance) per parameter of :data:`_PARAMETERS`."""
    p = plan.scenario.parameters
    general = str(sources.get("parameters", "")) or tr("set in the scenario")
    rows = []
    for key, label, unit, note in _PARAMETERS:
        prov = tr(note) if note else general
        if key == "kg_co2_per_litre":
            prov = (tr(CO2_NOTE) if abs(p.kg_co2_per_litre - 2.68) < 1e-9
                    else tr("set in the scenario (default: {note})", note=CO2_NOTE))
        if key == "currency":
            prov = tr("set in the scenario")
        rows.append((tr(label), getattr(p, key), tr(unit, cur=p.currency) if unit else "",
                     prov))
    return rows


def _run_rows(plan: Plan) -> list[tuple[str, Any]]:
    """Travel-figure source, validation, solver statuses, unplaced tonnes, run info."""
    run: list[tuple[str, Any]] = [
        (tr("travel figures"), plan.matrices_source + (tr(" (APPROXIMATE)") if plan.approximate
                                                       else "")),
        (tr("validation"), tr("passed") if plan.valid
         else tr("FAILED ({n})", n=len(plan.violations)))]
    if plan.siting is not None:
        s = plan.siting
        run.append((tr("siting"), tr("{status}, {backend}, gap {gap}%, {seconds} s",
                                     status=s.status, backend=s.backend,
                                     gap=num(100 * s.gap, 2), seconds=num(s.solve_seconds, 1))))
    if plan.routing is not None:
        r = plan.routing
        run.append((tr("routing"), tr("{engine}, {status}, {seconds} s", engine=r.engine,
                                      status=r.status, seconds=num(r.seconds, 1))
                    + (tr(", {n} points UNSERVED", n=len(r.unassigned)) if r.unassigned
                       else "")))
    if plan.feedstock is not None:
        for stream, t in plan.feedstock.unplaced_t_per_day.items():
            if t > 1e-6:
                run.append((tr("not placed: {stream}", stream=stream), tr(
                    "{t} t/day ({reason})", t=num(t, 2),
                    reason=plan.feedstock.unplaced_reason.get(stream, ""))))
    return run + [(tr("run: {item}", item=k.replace("_", " ")), _run_value(k, v))
                  for k, v in plan.info.items()]


_RUN_UNITS = {"time_limit": "s", "seconds": "s", "stage_seconds": "s", "max_snap_m": "m"}
"""Units of the run facts in ``plan.info`` (the rest have none)."""


def _run_value(key: str, value: Any) -> str:
    """A run fact for people: units, no ``None``; the vehicle types once each."""
    if key == "vehicle_types" and isinstance(value, list | tuple):
        value = list(dict.fromkeys(map(str, value)))  # one entry per part and type
    return _human(value, _RUN_UNITS.get(key, ""))


def _human(value: Any, unit: str = "") -> str:
    """``value`` as text: None as a dash, numbers with ``unit``, mappings as
    ``key: value`` pairs, sequences comma separated."""
    if value is None or (isinstance(value, str | Mapping | list | tuple) and not value):
        return "\u2014"
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    if isinstance(value, int | float):
        text = f"{value:,}" if isinstance(value, int) else f"{value:,.3f}".rstrip("0")
        return f"{text.rstrip('.')} {unit}".strip()
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_human(v, unit)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_human(v, unit) for v in value)
    return str(value)


_VISIT_KINDS = {"start": lazy("start"), "stop": lazy("stop"), "unload": lazy("unload"),
                "break": lazy("break"), "end": lazy("end")}
"""Visit kinds as the report shows them (routes.csv keeps the codes)."""


def _route_details(plan: Plan, layers: Mapping[str, gpd.GeoDataFrame]) -> str:
    """One folded section per route with its visits (as in routes.csv)."""
    visits = plan_tables(plan, layers)["routes"]
    out = []
    for label, sub in visits.groupby("route", sort=True):
        rows = [(r["sequence"], tr(_VISIT_KINDS.get(r["kind"], r["kind"])), r["id"],
                 r["name"], r["arrival"], r["departure"], num(r["picked_up_t"], 2),
                 num(r["load_on_board_t"], 2))
                for _, r in sub.iterrows()]
        out.append("<details><summary>" + _e(tr(
            "Route {route}: {vehicle}, {stops} stops", route=label,
            vehicle=sub["vehicle"].iloc[0], stops=int((sub["kind"] == "stop").sum())))
            + "</summary>"
            + _table(("#", tr("kind"), tr("id"), tr("name"), tr("arrival"), tr("departure"),
                      tr("picked up t"), tr("on board after t")),
                     rows, numeric=(0, 6, 7)) + "</details>")
    return "".join(out)


def report_html(plan: Plan, layers: Mapping[str, gpd.GeoDataFrame] | None = None) -> str:
    """The report as one HTML document (plotly's JavaScript inline; no network loads).

    Parameters
    ----------
    plan
        The plan.
    layers
        Its :func:`circularopt.outputs.plan_layers` (computed when not given).
    """
    if layers is None:
        layers = plan_layers(plan)
    sc = plan.scenario
    div = _figure_divs(plan, layers)
    cx = layers["complexes"]
    title = tr("Waste collection and sorting plan: {name}",
               name=sc.metadata.get("title", sc.name))
    routes = (week_routes_text(plan) if week_days(plan)
              else tr("{routes} truck routes", routes=len(layers["routes"])))
    sub = tr("{points} collection points, {t} t/day; {complexes} sorting complexes; {routes}",
             points=len(sc.collection_points), t=num(sc.total_tonnes_per_day, 1),
             complexes=int(cx["open"].sum()) if len(cx) else 0, routes=routes)
    body = [
        _banners(plan, layers),
        "<main>",
        f"<h1>{_e(title)}</h1><p class='sub'>{_e(sub)}</p>",
        _h(2, tr("Map")), "<div class='card' id='map'>", div["map"], "</div>",
        "<div class='grid'><div>", _h(2, tr("Costs")), "<div class='card'>", div["costs"],
        "</div></div><div>", _h(2, tr("Material")), "<div class='card'>", div["tonnes"],
        "</div></div></div>",
        *_tables(plan, layers),
        *_week_section(plan),
        _route_details(plan, layers),
        _h(2, tr("Assumptions and sources")), _assumptions(plan),
        "</main>",
    ]
    return (f"<!DOCTYPE html><html lang='{get_language()}'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
            + "".join(body) + "</body></html>")


def _figure_divs(plan: Plan, layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, str]:
    """The map, cost and tonnes figures as HTML divs (plotly's JavaScript in the first)."""
    config = {"displaylogo": False, "responsive": True,
              "scrollZoom": True}
    figs = [("map", map_figure(plan, layers)), ("costs", cost_figure(plan)),
            ("tonnes", tonnes_figure(plan))]
    return {name: fig.to_html(full_html=False, include_plotlyjs=(k == 0), config=config,
                              div_id=f"fig-{name}")
            for k, (name, fig) in enumerate(figs)}


def _tables(plan: Plan, layers: Mapping[str, gpd.GeoDataFrame]) -> list[str]:
    """The key figures, complexes, recyclers and routes sections."""
    cur = plan.scenario.parameters.currency
    kpis = _table((tr("figure"), tr("value"), tr("unit")), plan.kpis.rows(cur),
                  numeric=(1,)) if plan.kpis is not None else \
        "<p>" + _e(tr("No KPIs: the run stopped before routing.")) + "</p>"
    route_rows = [(r["route"], r["vehicle"], r["depot"], r["stops"], r["unloads"],
                   num(r["collected_t"], 2), num(r["distance_km"], 1),
                   num(r["duration_h"], 2), f"{r['start']}-{r['end']}", num(r["cost"], 2))
                  for _, r in layers["routes"].iterrows()]
    rec_rows = [(r["id"], r["name"], r["streams"], num(r["supplied_t_per_day"], 2),
                 num(r["capacity_t_per_day"], 2), f"{num(100 * r['utilisation'])}%")
                for _, r in layers["recyclers"].iterrows()]
    cx_rows = [(r["id"], r["name"], tr("open") if r["open"] else tr("closed"),
                num(r["capacity_t_per_day"]), num(r["load_t_per_day"], 1),
                f"{num(100 * r['utilisation'])}%", r["points"])
               for _, r in layers["complexes"].iterrows()]
    return [
        _h(2, tr("Key figures")), kpis,
        _h(2, tr("Sorting complexes")),
        _table((tr("id"), tr("name"), tr("status"), tr("capacity t/day"), tr("load t/day"),
                tr("utilisation"), tr("points")), cx_rows, numeric=(3, 4, 5, 6)),
        _h(2, tr("Recyclers: supply against capacity")),
        _table((tr("id"), tr("name"), tr("streams"), tr("supplied t/day"),
                tr("capacity t/day"), tr("utilisation")), rec_rows, numeric=(3, 4, 5)),
        _h(2, tr("Routes")),
        _table((tr("route"), tr("vehicle"), tr("depot"), tr("stops"), tr("unloads"),
                tr("collected t"), tr("km"), tr("hours"), tr("time"),
                tr("cost {currency}", currency=cur)), route_rows,
               numeric=(3, 4, 5, 6, 7, 9)),
    ]


def _week_section(plan: Plan) -> list[str]:
    """A week plan's figures per day and for the week, against the peak day on every
    working day (as ``week_kpis.csv``); nothing without a week."""
    tables = week_tables(plan)
    if not tables:
        return []
    week = plan.info["week"]
    kpis = tables["week_kpis"]

    def cell(value: Any, digits: int = 0) -> str:
        return "" if pd.isna(value) else num(float(value), digits)

    rows = [(day_name(r["day"]) if r["day"] in DAY_NAMES else tr(str(r["day"])),
             cell(r["points"]), cell(r["trucks"]), cell(r["km"], 1), cell(r["hours"], 1),
             cell(r["tonnes"], 1), cell(r["cost"], 2))
            for _, r in kpis.iterrows()]
    saving = tr("The week plan costs {share}% less than routing the peak day on every "
                "working day ({km} km a week less).",
                share=num(100 * week["saving"]["cost_share"], 1),
                km=num(week["saving"]["km"]))
    return [_h(2, tr("The week")), f"<p>{_e(saving)}</p>",
            _table((tr("day"), tr("points"), tr("trucks"), tr("km"), tr("hours"),
                    tr("tonnes"), tr("cost {currency}",
                                     currency=plan.scenario.parameters.currency)),
                   rows, numeric=(1, 2, 3, 4, 5, 6))]


def write_report(plan: Plan, path: str | Path, *,
                 layers: Mapping[str, gpd.GeoDataFrame] | None = None) -> Path:
    """Write :func:`report_html` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(report_html(plan, layers), encoding="utf-8")
    return path
