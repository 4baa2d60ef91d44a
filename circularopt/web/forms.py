"""The scenario forms: fleet, collection frequency and costs, read from form fields.

Every number is read as a person types it (``1 200``, ``0,55``) and checked by the
scenario's own validation; an error is an :class:`~circularopt.exceptions.InputError`
whose ``field`` is the form field's name, so the page can show it beside that field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from circularopt._validate import per_week, text_number
from circularopt.exceptions import InputError
from circularopt.i18n import tr
from circularopt.scenario import Scenario

__all__ = ["COST_FIELDS", "VEHICLE_FIELDS", "apply_edits", "fleet_rows"]

VEHICLE_FIELDS = ("count", "capacity_tonnes", "fixed_cost_per_day", "cost_per_km",
                  "cost_per_hour", "shift_minutes")
"""Vehicle-type attributes editable in the fleet form."""

COST_FIELDS = ("working_days_per_year", "fuel_litres_per_km", "transfer_cost_per_tonne_km")
"""Scenario parameters editable in the costs form."""


def fleet_rows(scenario: Scenario) -> list[dict[str, Any]]:
    """One row per depot and vehicle type with the editable values and form field names."""
    return [{"depot": d.id, "type": vt.id,
             "fields": {f: (f"fleet.{d.id}.{vt.id}.{f}", getattr(vt, f))
                        for f in VEHICLE_FIELDS}}
            for d in scenario.depots for vt in d.vehicle_types]


def _number(form: Mapping[str, str], key: str, current: float, *, whole: bool = False
            ) -> Any:
    text = str(form.get(key, "")).strip()
    if not text:
        return current
    value = text_number(key, text, decimal_comma=True, lo=0.0,
                        expected=tr("a number >= 0"))
    if whole:
        if value != int(value):
            raise InputError(key, text, tr("a whole number"))
        return int(value)
    if isinstance(current, float) and value == round(current, 2):
        return current  # sent back as the form shows it (2 decimals): keep it unrounded
    return value


def _checked(field: str, build: Any) -> Any:
    """Run ``build()``; an InputError from the scenario's checks is renamed to ``field``."""
    try:
        return build()
    except InputError as exc:
        raise InputError(field, exc.value, exc.expected) from exc


def _fleet(scenario: Scenario, form: Mapping[str, str]) -> tuple[Any, ...]:
    depots = []
    for d in scenario.depots:
        types = []
        for vt in d.vehicle_types:
            values = {f: _number(form, f"fleet.{d.id}.{vt.id}.{f}", getattr(vt, f),
                                 whole=f == "count") for f in VEHICLE_FIELDS}
            types.append(_checked(f"fleet.{d.id}.{vt.id}.count",
                                  lambda vt=vt, v=values: dataclasses.replace(vt, **v)))
        depots.append(dataclasses.replace(d, vehicle_types=tuple(types)))
    return tuple(depots)


def apply_edits(scenario: Scenario, form: Mapping[str, str]) -> Scenario:
    """The scenario with the form's fleet, frequency, cost and tipping-fee values.

    Raises
    ------
    InputError
        ``field`` is the form field holding the bad value.
    """
    depots = _fleet(scenario, form)
    params = {f: _number(form, f"param.{f}", getattr(scenario.parameters, f))
              for f in COST_FIELDS}
    parameters = _checked("param.working_days_per_year",
                          lambda: dataclasses.replace(scenario.parameters, **params))
    landfills = tuple(
        dataclasses.replace(lf, tipping_fee_per_tonne=_number(
            form, f"landfill.{lf.id}.fee", lf.tipping_fee_per_tonne))
        for lf in scenario.landfills)
    points = scenario.collection_points
    text = str(form.get("collections_per_week", "")).strip()
    if text:
        n = per_week("collections_per_week",
                     _number(form, "collections_per_week", 0, whole=True))
        points = tuple(dataclasses.replace(p, collections_per_week=n) for p in points)
    return _checked("scenario", lambda: dataclasses.replace(
        scenario, depots=depots, parameters=parameters, landfills=landfills,
        collection_points=points))
