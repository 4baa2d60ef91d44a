"""The CSV tables of a plan: routes, flows, KPIs, complexes and recyclers.

The tables open cleanly in Excel: UTF-8 with a byte-order mark, comma separated, one
header row, plain numbers with a decimal point and no thousands separator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from circularopt.outputs.labels import hhmm, route_label, scenario_location_id, vehicle_name
from circularopt.outputs.layers import plan_layers
from circularopt.outputs.week import day_label, week_days, week_tables
from circularopt.outputs.week import vehicle as week_vehicle
from circularopt.plan import Plan
from circularopt.routing.result import Route, Visit

__all__ = ["CSV_TABLES", "plan_tables", "write_csv"]

CSV_TABLES = ("routes", "flows", "kpis", "complexes", "recyclers")
"""CSV tables written as ``<name>.csv`` (a week plan adds ``schedule`` and ``week_kpis``)."""


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
    tables = {"routes": _visit_table(plan)}
    flows = pd.DataFrame(layers["flows"].drop(columns="geometry"))
    tables["flows"] = flows[["from", "to", "kind", "stream", "tonnes_per_day",
                             "straight_km"]].round(6)
    tables["kpis"] = _kpi_table(plan)
    for name in ("complexes", "recyclers"):
        gdf = layers[name]
        df = pd.DataFrame(gdf.drop(columns="geometry"))
        df.insert(2, "lat", gdf.geometry.y.round(6).to_numpy())
        df.insert(3, "lon", gdf.geometry.x.round(6).to_numpy())
        tables[name] = df.round(6)
    tables.update(week_tables(plan))
    return tables


def _visit_table(plan: Plan) -> pd.DataFrame:
    """One row per route visit, times as ``hh:mm``; ``day`` is the weekday of the week
    plan's routes, or ``every day`` / ``peak day`` for the plan's own."""
    known = {o.id: o for o in plan.scenario.located()}
    week = week_days(plan)
    days = ([(name, res.routes, lambda r, t=types: week_vehicle(t, r))
             for name, res, types in week] if week else
            [(day_label(plan), plan.routing.routes if plan.routing is not None else (),
              lambda r: vehicle_name(plan, r))])
    rows = []
    for day, routes, name_of in days:
        rows += _visit_rows(day, routes, name_of, known)
    cols = ["route", "vehicle", "sequence", "kind", "id", "name", "arrival", "start",
            "departure", "load_t", "load_m3", "day"]
    return pd.DataFrame(rows, columns=cols)


def _visit_rows(day: str, routes: Sequence[Route], name_of: Callable[[Route], str],
                known: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for k, r in enumerate(routes):
        label, vehicle = route_label(k, len(routes)), name_of(r)
        for seq, v in enumerate(r.visits):
            sid = "" if v.kind == "break" else scenario_location_id(v.id, known)
            rows.append({"day": day, "route": label, "vehicle": vehicle, "sequence": seq,
                         "kind": v.kind, "id": sid, "name": _visit_name(v, sid, known),
                         "arrival": hhmm(v.arrival), "start": hhmm(v.start),
                         "departure": hhmm(v.end),
                         "load_t": round(v.load[0], 4) if v.load else 0.0,
                         "load_m3": round(v.load[1], 4) if len(v.load) > 1 else np.nan})
    return rows


def _kpi_table(plan: Plan) -> pd.DataFrame:
    """The KPI rows with plain numbers (``"a of b"`` keeps ``b`` in the unit)."""
    rows = []
    if plan.kpis is not None:
        for figure, value, unit in plan.kpis.rows(plan.scenario.parameters.currency):
            num, note = _kpi_value(value)
            rows.append({"figure": figure, "value": num,
                         "unit": f"{unit} {note}".strip() if note else unit})
    return pd.DataFrame(rows, columns=["figure", "value", "unit"])


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """Write a table as Excel opens it cleanly (UTF-8 with BOM, comma, CRLF, no index)."""
    df.to_csv(path, index=False, encoding="utf-8-sig", sep=",", lineterminator="\r\n",
              date_format="%Y-%m-%d")
