"""The web map's curbside streets (:func:`circularopt.web.mapview.map_data`, and
``streets.json`` beside ``map.json``)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
from circularopt.web.mapview import UNSERVED_COLOUR, map_data, write_view
from tests.routing.test_curbside import town_with_streets


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The 6-point town with five streets, solved quickly."""
    return solve(town_with_streets(), time_limit=8, routing=RoutingOptions(workers=1))


def test_streets_are_grouped_by_their_route_in_its_colour(plan: Plan) -> None:
    data = map_data(plan)
    streets = data["streets"]
    assert streets["count"] == len(plan.scenario.streets) == 5
    assert streets["synthetic"] and "SYNTHETIC" in streets["note"]
    routes = {r["route"]: r["colour"] for d in data["days"] for r in d["routes"]}
    assert streets["unserved"] == 0
    for group in streets["groups"]:
        assert group["served"] and routes[group["route"]] == group["colour"]
        # each street is one straight block: two points, rounded to 5 decimals
        assert all(len(line) == 4 for line in group["lines"])
        assert all(round(v, 5) == v for line in group["lines"] for v in line)
    assert sum(len(g["lines"]) for g in streets["groups"]) == 5


def test_unserved_streets_are_red(plan: Plan) -> None:
    unrouted = dataclasses.replace(plan, routing=None)
    (group,) = map_data(unrouted)["streets"]["groups"]
    assert group == {"route": "", "served": False, "colour": UNSERVED_COLOUR,
                     "lines": group["lines"]}
    assert len(group["lines"]) == 5


def test_surveyed_streets_carry_no_synthetic_note(plan: Plan) -> None:
    streets = tuple(dataclasses.replace(s, synthetic=False) for s in plan.scenario.streets)
    surveyed = dataclasses.replace(
        plan, scenario=dataclasses.replace(plan.scenario, streets=streets))
    data = map_data(surveyed)["streets"]
    assert not data["synthetic"] and data["note"] == ""


def test_a_plan_without_streets_has_none(plan: Plan) -> None:
    bare = dataclasses.replace(plan, routing=None,
                               scenario=dataclasses.replace(plan.scenario, streets=()))
    assert map_data(bare)["streets"] is None


def test_the_view_keeps_the_streets_in_a_file_of_their_own(plan: Plan, tmp_path: Path) -> None:
    folder = tmp_path / "view"
    write_view(plan, folder)
    view = json.loads((folder / "map.json").read_text(encoding="utf-8"))
    assert "streets" not in view and view["streets_src"] == "streets.json"
    streets = json.loads((folder / "streets.json").read_text(encoding="utf-8"))
    assert streets == json.loads(json.dumps(map_data(plan)["streets"]))
    bare = dataclasses.replace(plan, routing=None, kpis=None,
                               scenario=dataclasses.replace(plan.scenario, streets=()))
    write_view(bare, folder)
    assert json.loads((folder / "map.json").read_text(encoding="utf-8"))["streets_src"] is None
    assert json.loads((folder / "streets.json").read_text(encoding="utf-8")) is None
