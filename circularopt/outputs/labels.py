"""Ids, labels, times and titles shared by the layers, tables, map and report."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from circularopt.exceptions import InputError
from circularopt.plan import Plan
from circularopt.routing.result import Route

__all__ = ["hhmm", "map_title", "route_label", "scenario_location_id", "vehicle_name"]

_COPY = re.compile(r"^(?P<base>.+)@[0-9.]+min$")


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


def vehicle_name(plan: Plan, route: Route) -> str:
    """The truck of a route as ``"<type> #<n>"`` (type names from the plan's info).

    ``n`` is ``route.vehicle + 1``: a truck's number within its type in the whole plan
    (:func:`~circularopt.routing.decompose.route_city` numbers each depot's trucks of a
    type once across the city's parts), so one label is one truck.
    """
    names = plan.info.get("vehicle_types")
    if names is None and plan.routing is not None:
        names = plan.routing.info.get("vehicle_types")
    if isinstance(names, Sequence) and 0 <= route.vehicle_type < len(names):
        return f"{names[route.vehicle_type]} #{route.vehicle + 1}"
    return f"type {route.vehicle_type} #{route.vehicle + 1}"


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
