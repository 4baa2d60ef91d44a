"""Colours of the complexes and routes on the PNG map and in the HTML report."""

from __future__ import annotations

from circularopt.plan import Plan

__all__ = ["PALETTE", "ROUTE_DASHES", "ROUTE_PALETTE", "complex_colours", "route_style"]

PALETTE = ("#1f77b4", "#ff7f0e", "#d62728", "#17becf", "#9467bd", "#e377c2", "#bcbd22",
           "#7f7f7f", "#393b79", "#e7969c", "#6b6ecf", "#ffbb78", "#aec7e8", "#c5b0d5",
           "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5", "#ad494a", "#843c39")
"""Colours of the complexes (and their points) on the maps, in order of opening (no greens
or browns: those mark recyclers, landfills and the material flows)."""

ROUTE_PALETTE = ("#9467bd", "#e377c2", "#17becf", "#bcbd22", "#393b79", "#7f7f7f",
                 "#d62728", "#6b6ecf", "#e7969c", "#ad494a", "#1f77b4", "#ff7f0e",
                 "#7b4173", "#e7ba52", "#5254a3", "#d6616b", "#a55194", "#9edae5",
                 "#ffbb78", "#ce6dbd", "#aec7e8", "#843c39", "#c5b0d5", "#ff9896")
"""Colours of the routes (no greens or browns: those mark the material flows)."""

ROUTE_DASHES = ("solid", "dash", "dot")
"""Line styles (plotly names) that tell routes apart once the colours repeat."""


def route_style(k: int) -> tuple[str, str]:
    """Colour and line style (plotly name) of the ``k``-th route (0-based).

    The first ``len(ROUTE_PALETTE)`` routes differ in colour, the next ones in colour
    and dash; the pairs repeat after ``len(ROUTE_PALETTE) * len(ROUTE_DASHES)`` routes.
    """
    n = len(ROUTE_PALETTE)
    return ROUTE_PALETTE[k % n], ROUTE_DASHES[(k // n) % len(ROUTE_DASHES)]


def complex_colours(plan: Plan) -> dict[str, str]:
    """Colour per receiving site (open complexes first, then landfills receiving points)."""
    ids: list[str] = []
    if plan.siting is not None:
        ids += list(plan.siting.open_ids)
        ids += sorted(set(plan.siting.assignment.values()) - set(ids))
    return {c: PALETTE[k % len(PALETTE)] for k, c in enumerate(ids)}
