"""The week plan's outputs: routes per weekday, the residents' schedule, figures per day.

The route layers per weekday are made in :mod:`~circularopt.outputs.layers`.

They read ``plan.info["week"]`` (written by :func:`circularopt.pipeline.solve` when it
plans the week, see :func:`circularopt.pipeline.week_info`); a plan without a week has
none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import pandas as pd

from circularopt.i18n import lazy, tr
from circularopt.plan import Plan
from circularopt.routing.result import Route, RoutingResult

__all__ = ["DAY_COLOURS", "DAY_NAMES", "day_colour", "day_label", "day_name", "vehicle",
           "week_days", "week_routes_text", "week_tables", "with_schedule"]

_Frame = TypeVar("_Frame", bound=pd.DataFrame)

DAY_COLOURS = {"Mon": "#1f77b4", "Tue": "#ff7f0e", "Wed": "#d62728", "Thu": "#9467bd",
               "Fri": "#17becf", "Sat": "#e377c2", "Sun": "#393b79"}
"""Colour of each weekday's routes, the same on the PNG map, in the HTML report and on the
route sheets (no greens or browns: those mark the material flows)."""


DAY_NAMES = {"Mon": lazy("Mon"), "Tue": lazy("Tue"), "Wed": lazy("Wed"), "Thu": lazy("Thu"),
             "Fri": lazy("Fri"), "Sat": lazy("Sat"), "Sun": lazy("Sun")}
"""Weekday codes as people read them (translated by :func:`day_name`)."""


def day_name(day: str) -> str:
    """The weekday ``day`` in the current language (any other name as it is)."""
    return tr(DAY_NAMES[day]) if day in DAY_NAMES else day


def day_colour(day: str) -> str:
    """The colour of the weekday ``day`` (``Mon``..``Sun``; grey for any other name)."""
    return DAY_COLOURS.get(day, "#7f7f7f")


def week_days(plan: Plan) -> list[tuple[str, RoutingResult, list[str]]]:
    """Each working day with routes: (day name, its routes, its vehicle type names)."""
    week = plan.info.get("week")
    if not isinstance(week, Mapping):
        return []
    out = []
    for name, day in week.get("routes", {}).items():
        if day is not None:
            out.append((name, RoutingResult.from_dict(day["result"]),
                        list(day["vehicle_types"])))
    return out


def with_schedule(layer: _Frame, plan: Plan) -> _Frame:
    """``layer`` (rows with an ``id``: sites or streets) with each row's collection
    ``days`` and time ``window`` from a week plan's schedule; unchanged without a week."""
    week = plan.info.get("week")
    if not isinstance(week, Mapping) or "id" not in layer.columns:
        return layer
    rows = {r["id"]: (r["days"], r["window"]) for r in week["schedule"]}
    out = layer.copy()
    out["days"] = [rows.get(i, ("", ""))[0] for i in out["id"]]
    out["window"] = [rows.get(i, ("", ""))[1] for i in out["id"]]
    return out


def week_routes_text(plan: Plan) -> str:
    """``"<n> truck routes a week (<m> trucks on the busiest day)"`` of a week plan."""
    days = week_days(plan)
    return tr("{routes} truck routes a week ({trucks} trucks on the busiest day)",
              routes=sum(r.num_vehicles for _, r, _ in days),
              trucks=max((r.num_vehicles for _, r, _ in days), default=0))


def day_label(plan: Plan) -> str:
    """The ``day`` of the plan's own routes: ``every day`` when every point and street is
    collected daily, else ``peak day``."""
    sc = plan.scenario
    daily = all(f == 7 for f in [p.collections_per_week for p in sc.collection_points]
                + [t.collections_per_week for t in sc.streets])
    return "every day" if daily else "peak day"


def vehicle(names: list[str], route: Route) -> str:
    """``"<type> #<n>"`` of a day's route."""
    kind = names[route.vehicle_type] if 0 <= route.vehicle_type < len(names) \
        else f"type {route.vehicle_type}"
    return f"{kind} #{route.vehicle + 1}"


def _schedule(plan: Plan, rows: list[dict[str, object]]) -> pd.DataFrame:
    """The residents' schedule with each site's position (a street's midpoint: ``lat``,
    ``lon``) after its name, so that it joins to a map or an address list."""
    df = pd.DataFrame(rows)
    if not len(df):
        return df
    sc = plan.scenario
    where = {p.id: (round(p.lat, 6), round(p.lon, 6)) for p in sc.collection_points}
    where.update({t.id: (round((t.from_lat + t.to_lat) / 2, 6),
                         round((t.from_lon + t.to_lon) / 2, 6)) for t in sc.streets})
    at = list(df.columns).index("name") + 1
    df.insert(at, "lat", [where.get(i, (None, None))[0] for i in df["id"]])
    df.insert(at + 1, "lon", [where.get(i, (None, None))[1] for i in df["id"]])
    return df


def week_tables(plan: Plan) -> dict[str, pd.DataFrame]:
    """``schedule`` (each site and curbside street: its position, days, expected time on
    each, a window) and ``week_kpis`` (per day and the week: trucks, km, hours, tonnes,
    cost, with street runs their runs, trucks, km and tonnes, and the peak day on every
    working day for comparison)."""
    week = plan.info.get("week")
    if not isinstance(week, Mapping):
        return {}
    kpis = pd.DataFrame(week["days"])
    total = {"day": "week", **week["total"], "points": int(kpis["points"].sum()),
             "trucks": int(kpis["trucks"].max()) if len(kpis) else 0}
    if "runs" in kpis.columns:
        total.update(runs=int(kpis["runs"].sum()),
                     curbside_trucks=int(kpis["curbside_trucks"].max()))
    peak = week["peak_day_every_day"]
    compare = {"day": f"{day_label(plan)} x {len(week['working_days'])}",
               "km": peak["km"], "cost": peak["cost"], "trucks": peak["trucks_per_day"]}
    kpis = pd.concat([kpis, pd.DataFrame([total, compare])], ignore_index=True)
    curb = [c for c in ("runs", "curbside_trucks", "curbside_km", "curbside_tonnes")
            if c in kpis.columns]
    for c in ("points", *curb[:2]):  # the peak-day row has none
        kpis[c] = kpis[c].astype("Int64")
    return {"schedule": _schedule(plan, week["schedule"]),
            "week_kpis": kpis[["day", "points", "trucks", "km", "hours", "tonnes", "cost",
                               *curb]]}
