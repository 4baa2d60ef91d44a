"""Ids and labels: routing ids map back to the scenario, vehicle names."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.exceptions import InputError
from circularopt.outputs import (
    hhmm,
    plan_tables,
    scenario_location_id,
)
from circularopt.plan import Plan


def test_location_ids_map_back_to_the_scenario() -> None:
    known = {"cx-west", "dp", "a:b"}
    assert scenario_location_id("cx-west", known) == "cx-west"
    assert scenario_location_id("cx-west@20min", known) == "cx-west"
    assert scenario_location_id("cx-west@7.5min", known) == "cx-west"
    assert scenario_location_id("part#1:cx-west@15min", known) == "cx-west"
    assert scenario_location_id("a:b", known) == "a:b"
    with pytest.raises(InputError, match="nowhere"):
        scenario_location_id("nowhere@20min", known)
    assert hhmm(7 * 3600 + 59.6 * 60) == "08:00"


def test_vehicle_names_come_from_the_plan_info(plan: Plan) -> None:
    assert plan.routing is not None
    first = plan.routing.routes[0]
    names = plan.info["vehicle_types"]
    assert "/" in names[first.vehicle_type]  # "<depot>/<type>", as the pipeline records
    routes = plan_tables(plan)["routes"]
    assert routes["vehicle"].iloc[0] == f"{names[first.vehicle_type]} #{first.vehicle + 1}"
    info = {k: v for k, v in plan.info.items() if k != "vehicle_types"}
    anonymous = dataclasses.replace(plan, info=info)
    assert plan_tables(anonymous)["routes"]["vehicle"].iloc[0] == (
        f"type {first.vehicle_type} #{first.vehicle + 1}")
