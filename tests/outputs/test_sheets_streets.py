"""Curbside streets on a plan's route sheets: named, with their tonnes, counted, and
labelled SYNTHETIC when generated."""

from __future__ import annotations

import pytest

from circularopt.outputs.sheets import _rows, route_sheets, sheets_html
from circularopt.outputs.tables import plan_tables
from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
from tests.routing.test_curbside import town_with_streets


@pytest.fixture(scope="module")
def plan() -> Plan:
    return solve(town_with_streets(), time_limit=5, routing=RoutingOptions(workers=1))


def test_street_rows_carry_their_tonnes_and_are_counted(plan: Plan) -> None:
    visits = plan_tables(plan)["routes"]
    sheets = route_sheets(plan, visits)
    assert sum(s.streets for s in sheets) == 5  # every street once
    html = sheets_html(plan, sheets)
    assert "curbside street</td><td>s0</td><td>synthetic s0" in html
    rows = [r for s in sheets for r in _rows(s) if r[1] == "curbside street"]
    assert sorted(r[2] for r in rows) == ["one", "s0", "s1", "s2", "x"]
    assert {r[6] for r in rows} == {"0.05"}  # each street's tonnes (0.02 + 0.03)
    sheet = next(s for s in sheets if s.streets)
    assert f"{sheet.stops} stops, {sheet.streets} curbside streets, " in html
    assert "are SYNTHETIC" in html
