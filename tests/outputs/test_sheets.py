"""Printable route sheets: one per truck and day, visits in order, totals, HTML and PDF."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from circularopt.outputs import plan_tables, write_outputs
from circularopt.outputs.sheets import route_sheets, sheets_html, write_route_sheets
from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
from tests.helpers import town
from tests.outputs.test_report import EXTERNAL


@pytest.fixture(scope="module")
def week_plan() -> Plan:
    """Four sites: two daily, one twice and one once a week."""
    s = town(4)
    pts = tuple(dataclasses.replace(p, collections_per_week=f)
                for p, f in zip(s.collection_points, (7, 2, 1, 7), strict=True))
    plan = solve(dataclasses.replace(s, collection_points=pts), time_limit=6, seed=1,
                 routing=RoutingOptions(workers=1))
    assert plan.valid and "week" in plan.info
    return plan


def test_one_sheet_per_truck_day_with_every_stop(week_plan: Plan) -> None:
    visits = plan_tables(week_plan)["routes"]
    sheets = route_sheets(week_plan, visits)
    assert len(sheets) == visits.groupby(["day", "route"]).ngroups
    stops = sorted((s.day, i) for s in sheets for i, k in zip(s.visits["id"], s.visits["kind"],
                                                             strict=True) if k == "stop")
    assert stops == sorted(zip(visits[visits["kind"] == "stop"]["day"],
                               visits[visits["kind"] == "stop"]["id"], strict=True))
    # the once-a-week site is on exactly one sheet, every day has a sheet (daily sites)
    assert sum((s.visits["id"] == "p2").sum() for s in sheets) == 1
    assert {s.day for s in sheets} == set(week_plan.info["week"]["working_days"])


def test_totals_match_the_visits(week_plan: Plan) -> None:
    sheet = route_sheets(week_plan, plan_tables(week_plan)["routes"])[0]
    v = sheet.visits
    assert sheet.stops == (v["kind"] == "stop").sum() >= 1
    assert sheet.tonnes == pytest.approx(v["picked_up_t"].sum()) and sheet.tonnes > 0
    assert sheet.unloads >= 1 and v["kind"].iloc[0] == "start" and v["kind"].iloc[-1] == "end"
    assert sheet.time == f"{v['departure'].iloc[0]}-{v['arrival'].iloc[-1]}"


def test_html_one_page_per_sheet_offline(week_plan: Plan) -> None:
    visits = plan_tables(week_plan)["routes"]
    sheets = route_sheets(week_plan, visits)
    page = sheets_html(week_plan, sheets)
    assert page.count("<section class='sheet'") == len(sheets)
    assert "break-after:page" in page and "@page{size:A4" in page
    assert not EXTERNAL.search(page) and "<script" not in page
    first = sheets[0]
    assert f"Route sheet: {first.day}, {first.vehicle}, route {first.route}" in page
    assert "Distances are approximate" in page  # the town has no road network


def test_pdf_has_a_page_per_sheet(week_plan: Plan, tmp_path: Path) -> None:
    visits = plan_tables(week_plan)["routes"]
    n = len(route_sheets(week_plan, visits))
    written = write_route_sheets(week_plan, tmp_path, visits)
    data = written["route-sheets.pdf"].read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == n


def test_solve_outputs_hold_the_sheets(week_plan: Plan, tmp_path: Path) -> None:
    written = write_outputs(week_plan, tmp_path / "out", formats=("html", "pdf"))
    assert {"route-sheets.html", "route-sheets.pdf", "report.html"} <= set(written)
    only_html = write_outputs(week_plan, tmp_path / "html", formats="html")
    assert "route-sheets.pdf" not in only_html
