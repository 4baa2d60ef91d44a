"""Plans side by side: one column per plan, one row per key figure.

:func:`compare` builds the table from :class:`~circularopt.plan.Plan` objects (e.g. one,
two or three complexes; Issyk-Kul summer against winter); :func:`print_comparison` prints
it as a rich table; :func:`load_plans` reads ``plan.json`` files or the output folders that
hold them. Figures of a plan that stopped before its KPIs were computed are empty (``NaN``
in the table, ``-`` when printed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from circularopt.exceptions import InputError
from circularopt.plan import KPIs, Plan

__all__ = ["FIGURES", "Figure", "compare", "load_plans", "print_comparison"]

COST_COMPONENTS = ("total", "fixed", "collection", "transport", "sorting", "landfill",
                   "recycler_opening", "revenue")
"""Annual cost components shown, in order (see :class:`~circularopt.plan.KPIs`)."""


@dataclass(frozen=True)
class Figure:
    """One row of the comparison.

    Parameters
    ----------
    name
        Row label (the table's index).
    unit
        Unit shown beside the label when printed.
    get
        Value of a plan (a number, text or bool; ``None`` when the plan lacks it).
    digits
        Decimals when printed (numbers only).
    """

    name: str
    unit: str
    get: Callable[[Plan], Any]
    digits: int = 0


def _kpi(read: Callable[[KPIs], Any]) -> Callable[[Plan], Any]:
    return lambda plan: None if plan.kpis is None else read(plan.kpis)


def _cost(component: str) -> Callable[[Plan], Any]:
    return _kpi(lambda k: k.annual_cost.get(component))


def _complexes(plan: Plan) -> list[str]:
    return [] if plan.siting is None else [c.id for c in plan.siting.open_complexes]


FIGURES: tuple[Figure, ...] = (
    Figure("scenario", "", lambda p: p.scenario.name),
    Figure("season", "", lambda p: p.scenario.metadata.get("season") or ""),
    Figure("collection points", "", lambda p: len(p.scenario.collection_points)),
    Figure("waste generated", "t/day", lambda p: p.scenario.total_tonnes_per_day, 1),
    Figure("complexes opened", "", lambda p: None if p.siting is None else
           len(_complexes(p))),
    Figure("complexes", "", lambda p: ", ".join(_complexes(p))),
    Figure("currency", "", lambda p: p.scenario.parameters.currency),
    *(Figure(f"annual cost: {c.replace('_', ' ')}", "per year", _cost(c))
      for c in COST_COMPONENTS),
    Figure("daily cost: total", "per day", _kpi(lambda k: k.daily_cost.get("total"))),
    Figure("collected", "t/day", _kpi(lambda k: k.collected_t_per_day), 1),
    Figure("collection km", "km/day", _kpi(lambda k: k.km_per_day), 1),
    Figure("route hours", "h/day", _kpi(lambda k: k.hours_per_day), 1),
    Figure("trucks used", "", _kpi(lambda k: k.vehicles_used)),
    Figure("trucks available", "", _kpi(lambda k: k.vehicles_available)),
    Figure("CO2", "t/day", _kpi(lambda k: k.co2_kg_per_day / 1000.0), 2),
    Figure("diversion rate", "%", _kpi(lambda k: 100.0 * k.diversion_rate), 1),
    Figure("landfilled", "t/day", _kpi(lambda k: k.landfill_t_per_day), 1),
    Figure("approximate distances", "", lambda p: p.approximate),
    Figure("complete", "", lambda p: p.complete),
    Figure("valid", "", lambda p: p.valid),
)
"""The rows of :func:`compare`, in order."""


def _default_labels(plans: Sequence[Plan]) -> list[str]:
    labels = [p.scenario.name for p in plans]
    if len(set(labels)) < len(labels):
        labels = [f"{name} ({len(_complexes(p))} cx)" for name, p in zip(labels, plans,
                                                                         strict=True)]
    if len(set(labels)) < len(labels):
        labels = [f"{k + 1}: {name}" for k, name in enumerate(labels)]
    return labels


def compare(plans: Sequence[Plan], *, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Put plans side by side.

    Parameters
    ----------
    plans
        Two or more plans (one is allowed too).
    labels
        Column names, one per plan; default the scenario names, made unique with the
        number of complexes or a position.

    Returns
    -------
    pandas.DataFrame
        Index: the figure names of :data:`FIGURES` (``index.name == "figure"``); one column
        per plan; ``attrs["units"]`` maps each figure to its unit. Money is in each plan's
        currency (row ``currency``), costs are annual unless named daily.
    """
    plans = list(plans)
    if not plans:
        raise InputError("plans", [], "at least one plan")
    names = list(labels) if labels is not None else _default_labels(plans)
    if len(names) != len(plans):
        raise InputError("labels", names, f"{len(plans)} labels, one per plan")
    if len(set(names)) < len(names):
        raise InputError("labels", names, "distinct labels")
    data = {name: [f.get(plan) for f in FIGURES] for name, plan in zip(names, plans,
                                                                      strict=True)}
    table = pd.DataFrame(data, index=pd.Index([f.name for f in FIGURES], name="figure"),
                         dtype=object)
    table.attrs["units"] = {f.name: f.unit for f in FIGURES}
    return table


def _cell(value: Any, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}"
    return str(value)


def print_comparison(table: pd.DataFrame, *, console: Console | None = None,
                     title: str = "Plans compared") -> None:
    """Print a table made by :func:`compare` with units and aligned numbers.

    Parameters
    ----------
    table
        The result of :func:`compare`.
    console
        Where to print (default: a new console on standard output).
    title
        Table title.
    """
    digits = {f.name: f.digits for f in FIGURES}
    units = table.attrs.get("units", {})
    out = Table(title=title, show_lines=False)
    out.add_column("figure", no_wrap=True)
    out.add_column("unit", style="dim", no_wrap=True)
    for label in table.columns:
        out.add_column(str(label), justify="right")
    for figure, row in table.iterrows():
        name = str(figure)
        cells = [_cell(v, digits.get(name, 1)) for v in row]
        style = "bold" if name in ("annual cost: total", "valid") else None
        out.add_row(name, units.get(name, ""), *cells, style=style)
    (console or Console()).print(out)


def load_plans(paths: Sequence[str | Path]) -> tuple[list[Plan], list[str]]:
    """Read plans from ``plan.json`` files or the output folders that hold one.

    Parameters
    ----------
    paths
        Plan files or folders.

    Returns
    -------
    tuple
        The plans and a label for each: the folder's name for a folder or a file called
        ``plan.json``, else the file name without its ending (made unique by position).
    """
    plans, labels = [], []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            file = path / "plan.json"
            if not file.is_file():
                raise InputError("plan", str(path), "a plan.json file or a folder holding "
                                 "plan.json (the --out folder of circularopt solve)")
            label = path.resolve().name
        elif path.is_file():
            file = path
            label = path.resolve().parent.name if path.stem == "plan" else path.stem
        else:
            raise InputError("plan", str(path), "an existing plan.json file or folder")
        plans.append(Plan.load(file))
        labels.append(label or str(path))
    if len(set(labels)) < len(labels):
        labels = [f"{k + 1}: {label}" for k, label in enumerate(labels)]
    return plans, labels
