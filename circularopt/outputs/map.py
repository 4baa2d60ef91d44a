"""The static PNG map of a plan (matplotlib, Agg backend): the layers and a legend."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np

from circularopt.outputs.colours import ROUTE_PALETTE, complex_colours
from circularopt.outputs.labels import map_title
from circularopt.plan import Plan

__all__ = ["write_map_png"]

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
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    path = Path(path)
    fig = Figure(figsize=(11, 9), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    colours = complex_colours(plan)
    handles = [*_draw_routes(ax, layers), *_draw_flows(ax, layers),
               *_draw_points(ax, layers, colours), *_draw_complexes(ax, layers, colours),
               *_draw_sites(ax, layers)]
    _finish(ax, plan, layers, handles)
    fig.savefig(path, format="png", bbox_inches="tight")
    return path


def _draw_routes(ax: Any, layers: _Layers) -> list[Any]:
    from matplotlib.lines import Line2D

    routes = layers["routes"]
    for k, geom in enumerate(routes.geometry):
        x, y = geom.xy
        ax.plot(x, y, "-", color=ROUTE_PALETTE[k % len(ROUTE_PALETTE)], linewidth=0.9,
                alpha=0.7, zorder=2)
    if not len(routes):
        return []
    label = "routes" + (" (straight segments)" if bool(routes["approximate"].any())
                        else " (along streets)")
    return [Line2D([], [], color="#555555", label=f"{label}, {len(routes)}")]


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
    for x, y, i in zip(op.geometry.x, op.geometry.y, op["id"], strict=True):
        ax.annotate(str(i), (x, y), xytext=(5, 5), textcoords="offset points",
                    fontsize=7, zorder=8)
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
            handles.append(Line2D([], [], linestyle="", marker=marker, markersize=8,
                                  color=colour, label=label))
    return handles


def _finish(ax: Any, plan: Plan, layers: _Layers, handles: list[Any]) -> None:
    """Equal ground scale, axis labels, title (red when approximate) and legend."""
    lat0 = float(np.mean([o.lat for o in plan.scenario.located()] or [0.0]))
    ax.set_aspect(1.0 / max(math.cos(math.radians(lat0)), 0.05))
    ax.set_xlabel("longitude (degrees)")
    ax.set_ylabel("latitude (degrees)")
    ax.grid(True, linewidth=0.3, alpha=0.5)
    ax.set_title(map_title(plan, straight_routes=_straight_routes(layers)), fontsize=11,
                 color="#b00020" if plan.approximate or not plan.complete else "black")
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  fontsize=7, frameon=False)
