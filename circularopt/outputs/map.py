"""The static PNG map of a plan (matplotlib, Agg backend): the layers and a legend.

A week plan's routes are drawn in one colour per weekday (the colours of the HTML report's
day selector and the route sheets), all days on one map: the week at a glance; the report
shows one day at a time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np

from circularopt.i18n import tr
from circularopt.outputs.colours import complex_colours, route_style
from circularopt.outputs.labels import map_title
from circularopt.outputs.week import day_colour, day_name
from circularopt.plan import Plan

__all__ = ["draw_map", "nice_km", "write_map_png"]

_Layers = Mapping[str, gpd.GeoDataFrame]


def _straight_routes(layers: _Layers) -> bool:
    """True when the routes layer is drawn as straight segments (or is empty)."""
    routes = layers["routes"]
    return bool(len(routes) == 0 or routes["approximate"].any())


def write_map_png(plan: Plan, layers: _Layers, path: str | Path, *, dpi: int = 150) -> Path:
    """Draw the static map of a plan (matplotlib, Agg backend) to a PNG file.

    Parameters
    ----------
    plan
        The plan.
    layers
        Its :func:`~circularopt.outputs.layers.plan_layers`.
    path
        PNG file to write.
    dpi
        Resolution.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    draw_map(plan, layers, dpi=dpi).savefig(path, format="png", bbox_inches="tight")
    return path


def draw_map(plan: Plan, layers: _Layers, *, dpi: int = 150) -> Any:
    """The static map as a matplotlib ``Figure`` (Agg backend), as :func:`write_map_png`
    draws it."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 9), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    colours = complex_colours(plan)
    handles = [*_draw_streets(ax, layers), *_draw_routes(ax, layers), *_draw_flows(ax, layers),
               *_draw_points(ax, layers, colours), *_draw_complexes(ax, layers, colours),
               *_draw_sites(ax, layers)]
    _finish(ax, plan, layers, handles)
    return fig


_MPL_DASH: dict[str, Literal["-", "--", ":"]] = {"solid": "-", "dash": "--", "dot": ":"}
_MAX_ROUTE_LEGEND = 40
"""Routes listed one by one in the legend up to this many (else one summary entry)."""


def _draw_routes(ax: Any, layers: _Layers) -> list[Any]:
    """Each route in its own colour (and dash once colours repeat), listed in the legend."""
    from matplotlib.lines import Line2D

    routes = layers["routes"]
    if any(key.startswith("routes_") for key in layers):
        return _draw_week_routes(ax, layers)
    handles = []
    for k, (geom, label) in enumerate(zip(routes.geometry, routes["route"], strict=True)):
        colour, dash = route_style(k)
        x, y = geom.xy
        ax.plot(x, y, _MPL_DASH[dash], color=colour, linewidth=1.1, alpha=0.8, zorder=2)
        handles.append(Line2D([], [], color=colour, linestyle=_MPL_DASH[dash],
                              label=f"{label}"))
    if not len(routes):
        return []
    how = tr("straight segments") if bool(routes["approximate"].any()) else tr("along streets")
    head = Line2D([], [], color="none", label=tr("routes ({how}), {n}:", how=how,
                                                   n=len(routes)))
    return [head, *handles] if len(routes) <= _MAX_ROUTE_LEGEND else [head]


def _draw_streets(ax: Any, layers: _Layers) -> list[Any]:
    """Curbside streets in their serving route's colour, unserved ones red and thick."""
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    streets = layers.get("streets")
    if streets is None or not len(streets):
        return []
    order = {label: k for k, label in enumerate(layers["routes"]["route"])}
    segs = [list(g.coords) for g in streets.geometry]
    colours = [route_style(order[r])[0] if r in order else "#d50000"
               for r in streets["route"]]
    widths = [0.6 if served else 2.0 for served in streets["served"]]
    ax.add_collection(LineCollection(segs, colors=colours, linewidths=widths, alpha=0.9,
                                     zorder=1.5))
    synthetic = tr(" (SYNTHETIC)") if bool(streets["synthetic"].any()) else ""
    out = [Line2D([], [], color="#555555", linewidth=0.6,
                  label=tr("curbside streets{synthetic}, by route", synthetic=synthetic))]
    if not bool(streets["served"].all()):
        out.append(Line2D([], [], color="#d50000", linewidth=2.0,
                          label=tr("streets not served")))
    return out


def _draw_week_routes(ax: Any, layers: _Layers) -> list[Any]:
    """A week plan's routes (not its peak day) in the colour of their weekday
    (:func:`~circularopt.outputs.week.day_colour`), one legend entry per day."""
    from matplotlib.lines import Line2D

    handles = []
    for key, routes in layers.items():
        if not key.startswith("routes_") or not len(routes):
            continue
        day = key.removeprefix("routes_")
        for geom in routes.geometry:
            x, y = geom.xy
            ax.plot(x, y, "-", color=day_colour(day), linewidth=1.0, alpha=0.75, zorder=2)
        handles.append(Line2D([], [], color=day_colour(day), label=tr(
            "{day}: {n} routes, {km} km", day=day_name(day), n=len(routes),
            km=f"{float(routes['distance_km'].sum()):,.0f}")))
    how = tr("straight segments") if _straight_routes(layers) else tr("along streets")
    head = Line2D([], [], color="none", label=tr("week routes by day ({how}):", how=how))
    return [head, *handles] if handles else []


def _draw_flows(ax: Any, layers: _Layers) -> list[Any]:
    from matplotlib.lines import Line2D

    flows = layers["flows"]
    styles: tuple[tuple[str, Literal["-", "--"], str, str], ...] = (
        ("recyclate", "-", "#00a000", "recyclate flows"),
        ("residue", "--", "#6d4c41", "residue to landfill"))
    handles = []
    for kind, style, colour, label in styles:
        sub = flows[flows["kind"] == kind]
        if len(sub):
            tmax = max(float(flows["tonnes_per_day"].max()), 1e-9)
            for geom, t in zip(sub.geometry, sub["tonnes_per_day"], strict=True):
                x, y = geom.xy
                ax.plot(x, y, style, color=colour, alpha=0.85, zorder=3,
                        linewidth=0.8 + 4.0 * float(t) / tmax)
            handles.append(Line2D([], [], color=colour, linestyle=style, label=label))
    return handles


def _draw_points(ax: Any, layers: _Layers, colours: Mapping[str, str]) -> list[Any]:
    from matplotlib.lines import Line2D

    pts = layers["collection_points"]
    if not len(pts):
        return []
    groups = pts.groupby(pts["complex"].replace("", "(unassigned)"), sort=False)
    for target, sub in groups:
        ax.scatter(sub.geometry.x, sub.geometry.y, s=10, zorder=4,
                   color=colours.get(str(target), "#999999"), label=f"points -> {target}")
    return [Line2D([], [], linestyle="", marker="o", markersize=4,
                   color=colours.get(str(t), "#999999"), label=f"points -> {t}")
            for t, _ in groups]


def _draw_complexes(ax: Any, layers: _Layers, colours: Mapping[str, str]) -> list[Any]:
    from matplotlib.lines import Line2D

    cx = layers["complexes"]
    if not len(cx):
        return []
    op = cx[cx["open"]]
    cl = cx[~cx["open"]]
    ax.scatter(cl.geometry.x, cl.geometry.y, s=70, marker="s", facecolors="none",
               edgecolors="#444444", zorder=5)
    ax.scatter(op.geometry.x, op.geometry.y, s=160, marker="s", zorder=6,
               color=[colours.get(i, "#000000") for i in op["id"]], edgecolors="black")
    _label(ax, op, fontsize=7, colour="black")
    _label(ax, cl, fontsize=6, colour="#444444")
    return [Line2D([], [], linestyle="", marker="s", markersize=9, color="#888888",
                   markeredgecolor="black", label="open complex"),
            Line2D([], [], linestyle="", marker="s", markersize=7, color="none",
                   markeredgecolor="#444444", label="candidate (closed)")]


def _draw_sites(ax: Any, layers: _Layers) -> list[Any]:
    from matplotlib.lines import Line2D

    handles = []
    for name, marker, colour, label in (("recyclers", "^", "#2e7d32", "recyclers"),
                                        ("landfills", "X", "#6d4c41", "landfills"),
                                        ("depots", "D", "#000000", "depots")):
        gdf = layers[name]
        if len(gdf):
            ax.scatter(gdf.geometry.x, gdf.geometry.y, s=90, marker=marker, color=colour,
                       edgecolors="white", zorder=7)
            _label(ax, gdf, fontsize=6, colour=colour, left=name == "recyclers")
            handles.append(Line2D([], [], linestyle="", marker=marker, markersize=8,
                                  color=colour, label=label))
    return handles


def _label(ax: Any, gdf: gpd.GeoDataFrame, *, fontsize: float, colour: str,
           left: bool = False) -> None:
    """Write each site's id next to its marker (white halo so it reads over lines);
    ``left`` puts it below left, so that recyclers next to a complex or landfill (whose
    labels go above right) do not run into them."""
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=2.0, foreground="white")]
    offset, align = ((-5, -9), "right") if left else ((5, 4), "left")
    for x, y, i in zip(gdf.geometry.x, gdf.geometry.y, gdf["id"], strict=True):
        ax.annotate(str(i), (x, y), xytext=offset, textcoords="offset points",
                    fontsize=fontsize, color=colour, zorder=8, path_effects=halo,
                    horizontalalignment=align)


def _finish(ax: Any, plan: Plan, layers: _Layers, handles: list[Any]) -> None:
    """Equal ground scale, plain degree ticks, scale bar, title (red when approximate)
    and legend."""
    lat0 = float(np.mean([o.lat for o in plan.scenario.located()] or [0.0]))
    ax.set_aspect(1.0 / max(math.cos(math.radians(lat0)), 0.05))
    _plain_degrees(ax)
    ax.set_xlabel(tr("longitude (degrees east)"))
    ax.set_ylabel(tr("latitude (degrees north)"))
    ax.grid(True, linewidth=0.3, alpha=0.5)
    ax.set_title(map_title(plan, straight_routes=_straight_routes(layers)), fontsize=11,
                 color="#b00020" if plan.approximate or not plan.complete else "black")
    _scale_bar(ax, lat0)
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  fontsize=7, frameon=False, ncol=1 if len(handles) <= 45 else 2)


def _plain_degrees(ax: Any) -> None:
    """Tick labels as plain degrees: no offset (``+3.78e1``), no scientific notation."""
    from matplotlib.ticker import ScalarFormatter

    for axis in (ax.xaxis, ax.yaxis):
        fmt = ScalarFormatter(useOffset=False)
        fmt.set_scientific(False)
        axis.set_major_formatter(fmt)


def nice_km(span_km: float) -> float:
    """A round scale-bar length (1, 2 or 5 x 10^k km) of about a fifth of ``span_km``."""
    target = max(span_km / 5.0, 1e-3)
    power = 10.0 ** math.floor(math.log10(target))
    return max(f * power for f in (1.0, 2.0, 5.0) if f * power <= target)


def _scale_bar(ax: Any, lat0: float) -> None:
    """A scale bar in the lower right (matplotlib's ``AnchoredSizeBar``), in km of
    ground distance along the parallel ``lat0``."""
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    km_per_degree = 111.32 * max(math.cos(math.radians(lat0)), 0.05)
    x0, x1 = ax.get_xlim()
    km = nice_km(abs(x1 - x0) * km_per_degree)
    text = f"{km:g} km" if km >= 1 else f"{1000 * km:g} m"
    ax.add_artist(AnchoredSizeBar(ax.transData, km / km_per_degree, text, "lower right",
                                  pad=0.5, sep=3, frameon=True, size_vertical=0,
                                  fontproperties={"size": 8}))
