"""The site tables of a scenario in forms: candidate complexes, recyclers, per-site
collection frequency.

Form fields are named ``<table>.<row>.<column>`` (``cand.0.lat``, ``rec.2.capacity_t_per_day``,
``site.17.collections_per_week``; ``<table>.new.<column>`` adds a row, ``<table>.<row>.remove``
drops one). :func:`apply_site_edits` reads every field, collects every bad value and
raises :class:`SiteFormError` naming, for each, the table, the row number and id, the column
and the value, in the user's language (:func:`circularopt.i18n.tr`). A new candidate
takes its capacity options and recovery rates from the first candidate; a new recycler
buys the streams of the first recycler at the given price, and is an existing one unless
it has an opening cost.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from circularopt._validate import ident, per_week, text_number
from circularopt.exceptions import InputError
from circularopt.i18n import lazy, tr
from circularopt.scenario import Scenario

__all__ = ["CANDIDATE_COLUMNS", "COLUMN_LABELS", "DIGITS", "RECYCLER_COLUMNS", "SITES_PER_PAGE",
           "SiteFormError", "apply_site_edits", "candidate_rows", "recycler_rows", "site_rows"]

SITES_PER_PAGE = 100
"""Container sites per page of the frequency table."""

_BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "lat": (-90.0, 90.0), "lon": (-180.0, 180.0),
    "price_per_tonne": (None, None)}  # negative: the recycler charges a gate fee
CANDIDATE_COLUMNS = ("name", "lat", "lon", "variable_cost_per_tonne")
"""Editable columns of the candidate complexes."""
RECYCLER_COLUMNS = ("name", "lat", "lon", "capacity_t_per_day", "price_per_tonne",
                    "opening_cost")
"""Editable columns of the recyclers (``price_per_tonne``: one price for every stream it
buys)."""

COLUMN_LABELS = {"id": lazy("id"), "name": lazy("name"), "lat": lazy("latitude"),
                 "lon": lazy("longitude"), "variable_cost_per_tonne": lazy("cost per tonne"),
                 "capacity_t_per_day": lazy("capacity, t/day"),
                 "price_per_tonne": lazy("price per tonne"),
                 "opening_cost": lazy("opening cost"),
                 "collections_per_week": lazy("collections per week")}
"""Column headings (and names in error messages) of the site tables."""

DIGITS = {"lat": 6, "lon": 6, "collections_per_week": 0}
"""Decimals shown in the forms (2 for the other columns)."""

_TITLES = {"cand": lazy("Candidate complexes"), "rec": lazy("Recyclers"),
           "site": lazy("Container sites")}


class SiteFormError(InputError):
    """Bad values in a site form; ``errors`` maps each form field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        field, message = next(iter(self.errors.items()))
        super().__init__(field, message, tr("valid values in every field"))
        self.args = ("\n".join(self.errors.values()),)


def _message(table: str, row: int, rid: str, column: str, value: Any, expected: Any) -> str:
    return tr("{table}, row {row} ({id}), {column}: value {value!r} is not valid; "
              "expected {expected}", table=_TITLES[table], row=row, id=rid or "-",
              column=COLUMN_LABELS.get(column, column), value=value, expected=expected)


def _price(obj: Any) -> float:
    prices = list(obj.price_per_tonne.values())
    return round(sum(prices) / len(prices), 2) if prices else 0.0


def candidate_rows(scenario: Scenario) -> list[dict[str, Any]]:
    """One row per candidate: number, id and ``column -> (field name, value)``."""
    return [{"row": k + 1, "id": c.id, "key": f"cand.{k}",
             "fields": {col: (f"cand.{k}.{col}", getattr(c, col)) for col in CANDIDATE_COLUMNS}}
            for k, c in enumerate(scenario.complex_candidates)]


def recycler_rows(scenario: Scenario) -> list[dict[str, Any]]:
    """One row per recycler: number, id, streams and ``column -> (field name, value)``."""
    return [{"row": k + 1, "id": r.id, "key": f"rec.{k}", "streams": sorted(r.price_per_tonne),
             "fields": {col: (f"rec.{k}.{col}", _price(r) if col == "price_per_tonne"
                              else getattr(r, col)) for col in RECYCLER_COLUMNS}}
            for k, r in enumerate(scenario.recyclers)]


def site_rows(scenario: Scenario, page: int) -> list[dict[str, Any]]:
    """The container sites of page ``page`` (1-based, :data:`SITES_PER_PAGE` a page)."""
    start = (page - 1) * SITES_PER_PAGE
    return [{"row": k + 1, "id": p.id, "name": p.name, "tonnes": p.total_tonnes_per_day,
             "field": f"site.{k}.collections_per_week", "value": p.collections_per_week}
            for k, p in enumerate(scenario.collection_points[start:start + SITES_PER_PAGE],
                                  start=start)]


class _Reader:
    """Reads a table's cells from the form, collecting errors instead of stopping."""

    def __init__(self, form: Mapping[str, str], table: str) -> None:
        self.form, self.table, self.errors = form, table, dict[str, str]()

    def cell(self, key: str, row: int, rid: str, column: str, current: Any) -> Any:
        name = f"{self.table}.{key}.{column}"
        text = str(self.form.get(name, "")).strip()
        if not text:  # an empty cell keeps the value (a new row's: none)
            return current
        try:
            value = self._value(name, column, text)
        except InputError as exc:
            self.errors[name] = _message(self.table, row, rid, column, text, exc.expected)
            return current
        shown = isinstance(current, float) and value == round(current, DIGITS.get(column, 2))
        return current if shown else value  # a value sent back as shown stays unrounded

    @staticmethod
    def _value(name: str, column: str, text: str) -> Any:
        if column == "name":
            return text
        if column == "id":
            return ident(name, text)
        if column == "collections_per_week":
            return per_week(name, int(text_number(name, text, decimal_comma=True, lo=1, hi=7,
                                                  expected=tr("a whole number 1-7"))))
        lo, hi = _BOUNDS.get(column, (0.0, None))
        expected = (tr("a number") if lo is None else tr("a number >= 0") if hi is None
                    else tr("a number from {lo} to {hi}", lo=lo, hi=hi))
        return text_number(name, text, decimal_comma=True, lo=lo, hi=hi, expected=expected)

    def build(self, key: str, row: int, rid: str, make: Callable[[], Any]) -> Any:
        """``make()``; the object's own checks, if they fail, are shown at the row's id."""
        try:
            return make()
        except InputError as exc:
            name = f"{self.table}.{key}.name"
            self.errors[name] = _message(self.table, row, rid, str(exc.field).split(".")[-1],
                                         exc.value, exc.expected)
            return None


def _edit_rows(reader: _Reader, items: Sequence[Any], columns: Sequence[str],
               price: bool = False) -> list[Any]:
    out = []
    for k, obj in enumerate(items):
        if reader.form.get(f"{reader.table}.{k}.remove"):
            continue
        values = {c: reader.cell(str(k), k + 1, obj.id, c, _price(obj) if c ==
                                 "price_per_tonne" else getattr(obj, c)) for c in columns}
        if price:
            value = values.pop("price_per_tonne")
            values["price_per_tonne"] = obj.price_per_tonne if value == _price(obj) else \
                dict.fromkeys(obj.price_per_tonne, value)
        out.append(reader.build(str(k), k + 1, obj.id, functools.partial(
            dataclasses.replace, obj, **values)))
    return out


def _new_row(reader: _Reader, template: Any, columns: Sequence[str], row: int,
             price: bool = False) -> Any:
    if template is None or not str(reader.form.get(f"{reader.table}.new.id", "")).strip():
        return None
    rid = reader.cell("new", row, "", "id", None)
    values = {c: reader.cell("new", row, str(rid), c, None) for c in columns}
    missing = [c for c in ("lat", "lon") if values[c] is None]
    for c in missing:
        reader.errors[f"{reader.table}.new.{c}"] = _message(
            reader.table, row, str(rid), c, "", tr("a number"))
    if rid is None or missing:
        return None
    values = {c: v for c, v in values.items() if v is not None}
    if price:
        values["price_per_tonne"] = dict.fromkeys(template.price_per_tonne,
                                                  values.get("price_per_tonne", _price(template)))
        values["existing"] = not values.get("opening_cost")  # else opened at that cost
    return reader.build("new", row, str(rid), lambda: dataclasses.replace(
        template, id=rid, approximate=False, **{"name": "", **values}))


def _frequencies(form: Mapping[str, str], scenario: Scenario,
                 errors: dict[str, str]) -> tuple[Any, ...]:
    reader = _Reader(form, "site")
    points = tuple(dataclasses.replace(p, collections_per_week=reader.cell(
        str(k), k + 1, p.id, "collections_per_week", p.collections_per_week))
        if f"site.{k}.collections_per_week" in form else p
        for k, p in enumerate(scenario.collection_points))
    errors.update(reader.errors)
    return points


def apply_site_edits(scenario: Scenario, form: Mapping[str, str]) -> Scenario:
    """The scenario with the form's candidates, recyclers and per-site frequencies.

    Raises
    ------
    SiteFormError
        One message per bad field, naming table, row, id, column and value.
    """
    errors: dict[str, str] = {}
    tables = {}
    for table, items, columns, price in (
            ("cand", scenario.complex_candidates, CANDIDATE_COLUMNS, False),
            ("rec", scenario.recyclers, RECYCLER_COLUMNS, True)):
        reader = _Reader(form, table)
        rows = _edit_rows(reader, items, columns, price)
        rows.append(_new_row(reader, items[0] if items else None, columns, len(items) + 1,
                             price))
        errors.update(reader.errors)
        tables[table] = tuple(r for r in rows if r is not None)
    points = _frequencies(form, scenario, errors)
    if errors:
        raise SiteFormError(errors)
    try:
        return dataclasses.replace(scenario, complex_candidates=tables["cand"],
                                   recyclers=tables["rec"], collection_points=points)
    except InputError as exc:
        raise SiteFormError({"scenario": tr("{where}: value {value!r} is not valid; expected "
                                         "{expected}", where=exc.field, value=exc.value,
                                         expected=exc.expected)}) from exc
