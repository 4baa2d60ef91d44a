"""The CSV tables of a plan: routes, flows, KPIs, complexes and recyclers.

The tables open cleanly in Excel: UTF-8 with a byte-order mark, one header row, plain
numbers without thousands separators, in one of two dialects (:data:`CSV_DIALECTS`):

``excel``
    Comma separated, decimal point (Excel in English locales, pandas, R, QGIS).
``excel-ru``
    Semicolon separated, decimal comma: Excel in a Russian (or Kyrgyz) locale opens the
    file in columns with numbers it can sum. Read it back with
    ``pandas.read_csv(path, sep=";", decimal=",")``.

The dialect is chosen by the caller or by the setting ``CIRCULAROPT_CSV_DIALECT``
(:func:`csv_dialect`).
The header row is in the current language (:mod:`circularopt.i18n`); in English it
is the DataFrames' column names, so scripts written for them keep working with the
default language.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from circularopt._validate import choice
from circularopt.i18n import Text, lazy, plain_number, tr
from circularopt.outputs.curbside import RunStop, run_stops, street_rows
from circularopt.outputs.labels import hhmm, route_label, scenario_location_id, vehicle_name
from circularopt.outputs.layers import plan_layers
from circularopt.outputs.week import day_label, week_days, week_tables
from circularopt.outputs.week import vehicle as week_vehicle
from circularopt.plan import Plan
from circularopt.routing.result import Route, Visit

__all__ = ["CSV_DIALECTS", "CSV_DIALECT_SETTING", "CSV_TABLES", "HEADERS", "ROUTE_COLUMNS",
           "csv_dialect", "header", "plan_tables", "write_csv"]

CSV_TABLES = ("routes", "flows", "kpis", "complexes", "recyclers")
"""CSV tables written as ``<name>.csv`` (a week plan adds ``schedule`` and ``week_kpis``)."""

CSV_DIALECTS = {"excel": (",", "."), "excel-ru": (";", ",")}
"""CSV dialect -> (delimiter, decimal separator); see the module docstring."""

CSV_DIALECT_SETTING = "CIRCULAROPT_CSV_DIALECT"
"""Environment variable naming the CSV dialect used when the caller gives none."""

ROUTE_COLUMNS = ("route", "vehicle", "sequence", "kind", "id", "name", "arrival", "start",
                 "departure", "picked_up_t", "load_on_board_t", "load_on_board_m3", "day",
                 "direction")
"""Columns of ``routes.csv``: ``picked_up_t`` is what the truck loads at a stop (0 at
every other visit), so its sum is the day's collected tonnes; ``load_on_board_*`` is the
load after the visit (0 after unloading); ``day`` the weekday of a week plan's route. A
curbside street run visit is listed street by street (kind ``street``, the street's id
and name, ``direction`` ``forward`` or ``backward`` from its ``from`` end, the visit's
service time shared by the streets' service minutes; ``load_on_board_m3`` empty)."""

HEADERS: Mapping[str, Text] = {
    "day": lazy("day"), "route": lazy("route"), "vehicle": lazy("vehicle"),
    "sequence": lazy("sequence"),
    "kind": lazy("kind"), "id": lazy("id"), "name": lazy("name"),
    "arrival": lazy("arrival"), "start": lazy("start"), "departure": lazy("departure"),
    "picked_up_t": lazy("picked_up_t"), "load_on_board_t": lazy("load_on_board_t"),
    "load_on_board_m3": lazy("load_on_board_m3"), "from": lazy("from"),
    "to": lazy("to"), "stream": lazy("stream"), "tonnes_per_day": lazy("tonnes_per_day"),
    "straight_km": lazy("straight_km"), "figure": lazy("figure"), "value": lazy("value"),
    "unit": lazy("unit"), "lat": lazy("lat"), "lon": lazy("lon"), "open": lazy("open"),
    "option": lazy("option"), "capacity_t_per_day": lazy("capacity_t_per_day"),
    "max_capacity_t_per_day": lazy("max_capacity_t_per_day"),
    "load_t_per_day": lazy("load_t_per_day"), "utilisation": lazy("utilisation"),
    "points": lazy("points"), "annual_fixed_cost": lazy("annual_fixed_cost"),
    "position_approximate": lazy("position_approximate"), "existing": lazy("existing"),
    "usable": lazy("usable"), "streams": lazy("streams"),
    "supplied_t_per_day": lazy("supplied_t_per_day"), "direction": lazy("direction"),
}
"""CSV column -> header as written (translated; the English id is the column itself)."""

_PREFIXED = {"in_": lazy("in_{stream}"), "got_": lazy("got_{stream}")}


def header(column: str) -> str:
    """The CSV header of ``column`` in the current language (the column if unknown)."""
    if column in HEADERS:
        return tr(HEADERS[column])
    for prefix, template in _PREFIXED.items():
        if column.startswith(prefix):
            return tr(template.template, stream=column[len(prefix):])
    return column


def _visit_name(v: Visit, sid: str, known: Mapping[str, Any]) -> str:
    if v.kind == "break":
        return "break"
    return str(getattr(known.get(sid), "name", "") or "")


def _kpi_value(text: str) -> tuple[float | int | str, str]:
    """A KPI row's value as a plain number (and a unit note for ``"a of b"``)."""
    plain = plain_number(text)
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?) (\w+) (-?\d+(?:\.\d+)?)", plain)
    if m:
        return _number(m.group(1)), f"{m.group(2)} {m.group(3)}"
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
        ``routes`` (:data:`ROUTE_COLUMNS`: one row per visit with route, vehicle,
        sequence, kind, id, name, arrival, start and departure as ``hh:mm``, tonnes picked
        up at the visit and the load on board after it), ``flows`` (from,
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
    """One row per route visit, times as ``hh:mm``, tonnes picked up and on board;
    ``day`` is the weekday of the week plan's routes, or ``every day`` / ``peak day`` for
    the plan's own."""
    known = {**{o.id: o for o in plan.scenario.located()}, **run_stops(plan)}
    week = week_days(plan)
    days = ([(name, res.routes, lambda r, t=types: week_vehicle(t, r))
             for name, res, types in week] if week else
            [(day_label(plan), plan.routing.routes if plan.routing is not None else (),
              lambda r: vehicle_name(plan, r))])
    rows = []
    for day, routes, name_of in days:
        rows += _visit_rows(day, routes, name_of, known)
    return pd.DataFrame(rows, columns=list(ROUTE_COLUMNS))


def _visit_rows(day: str, routes: Sequence[Route], name_of: Callable[[Route], str],
                known: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for k, r in enumerate(routes):
        label, vehicle = route_label(k, len(routes)), name_of(r)
        on_board = 0.0
        for seq, v in enumerate(r.visits):
            rs = known.get(v.id) if v.kind == "stop" else None
            if isinstance(rs, RunStop):
                streets = street_rows(v, rs, on_board)
                rows += [{**row, "route": label, "vehicle": vehicle, "sequence": seq,
                          "arrival": hhmm(row["arrival"]), "start": hhmm(row["start"]),
                          "departure": hhmm(row["departure"]),
                          "picked_up_t": round(row["picked_up_t"], 4),
                          "load_on_board_t": round(row["load_on_board_t"], 4),
                          "load_on_board_m3": np.nan, "day": day} for row in streets]
                on_board = v.load[0]
                continue
            sid = "" if v.kind == "break" else scenario_location_id(v.id, known)
            load_t = v.load[0] if v.load else 0.0
            picked = load_t - on_board if v.kind == "stop" else 0.0
            on_board = load_t
            rows.append({"route": label, "vehicle": vehicle, "sequence": seq,
                         "kind": v.kind, "id": sid, "name": _visit_name(v, sid, known),
                         "arrival": hhmm(v.arrival), "start": hhmm(v.start),
                         "departure": hhmm(v.end), "picked_up_t": round(picked, 4),
                         "load_on_board_t": round(load_t, 4),
                         "load_on_board_m3": round(v.load[1], 4) if len(v.load) > 1
                         else np.nan, "day": day, "direction": ""})
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


def csv_dialect(dialect: str | None = None) -> str:
    """The CSV dialect to write: ``dialect``, else the setting, else ``"excel"``.

    Raises
    ------
    InputError
        ``dialect`` (or the setting) is not one of :data:`CSV_DIALECTS`.
    """
    if dialect is None:
        setting = os.environ.get(CSV_DIALECT_SETTING, "").strip()
        if not setting:
            return "excel"
        return str(choice(CSV_DIALECT_SETTING, setting, CSV_DIALECTS))
    return str(choice("csv_dialect", dialect, CSV_DIALECTS))


def write_csv(df: pd.DataFrame, path: str | Path, *, dialect: str | None = None) -> None:
    """Write a table as Excel opens it cleanly (UTF-8 with BOM, CRLF, no index), with the
    headers of :func:`header`.

    Parameters
    ----------
    df
        The table.
    path
        The file to write.
    dialect
        One of :data:`CSV_DIALECTS`; default :func:`csv_dialect` (the setting, else
        ``"excel"``).
    """
    sep, decimal = CSV_DIALECTS[csv_dialect(dialect)]
    if decimal != ".":
        df = df.copy()
        for col in df.columns:
            if df[col].dtype == object:  # mixed columns (e.g. KPI values) keep Python floats
                df[col] = [_decimal_comma(v) for v in df[col]]
    df.to_csv(path, index=False, header=[header(str(c)) for c in df.columns],
              encoding="utf-8-sig", sep=sep, decimal=decimal, lineterminator="\r\n",
              date_format="%Y-%m-%d")


def _decimal_comma(value: Any) -> Any:
    """A float of an object column as text with a decimal comma; other values unchanged."""
    if isinstance(value, float | np.floating) and not isinstance(value, bool):
        return repr(float(value)).replace(".", ",") if np.isfinite(value) else value
    return value
