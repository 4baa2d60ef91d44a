"""The scenario page's fleet form: values sent back as shown keep their precision."""

from __future__ import annotations

import dataclasses

from circularopt.scenario import Scenario
from circularopt.web.forms import apply_edits
from tests.helpers import town


def _cost_per_km(value: float) -> tuple[str, Scenario]:
    base = town()
    depot = base.depots[0]
    vt = dataclasses.replace(depot.vehicle_types[0], cost_per_km=value)
    scenario = dataclasses.replace(base, depots=(dataclasses.replace(
        depot, vehicle_types=(vt, *depot.vehicle_types[1:])),))
    return f"fleet.{depot.id}.{vt.id}.cost_per_km", scenario


def test_value_sent_back_as_shown_is_not_rounded() -> None:
    key, scenario = _cost_per_km(0.4567)
    edited = apply_edits(scenario, {key: "0,46"})  # the form shows 2 decimals
    assert edited.depots[0].vehicle_types[0].cost_per_km == 0.4567


def test_changed_value_is_taken() -> None:
    key, scenario = _cost_per_km(0.4567)
    edited = apply_edits(scenario, {key: "0,47"})
    assert edited.depots[0].vehicle_types[0].cost_per_km == 0.47
