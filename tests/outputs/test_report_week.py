"""A week plan in the HTML report and on the PNG map: a day selector, day colours."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from circularopt.outputs import plan_layers
from circularopt.outputs.map import draw_map
from circularopt.outputs.report import map_figure, report_html, write_report
from circularopt.outputs.week import DAY_COLOURS, day_colour, week_tables
from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
from tests.helpers import town
from tests.outputs.test_report import EXTERNAL, _chromium, _console_errors, needs_chromium

FREQUENCIES = (2, 3, 7, 1, 2, 3)


@pytest.fixture(scope="module")
def week_plan() -> Plan:
    """Six sites collected 1, 2, 3 and 7 times a week, planned as a week."""
    s = town(6)
    pts = tuple(dataclasses.replace(p, collections_per_week=f)
                for p, f in zip(s.collection_points, FREQUENCIES, strict=True))
    plan = solve(dataclasses.replace(s, collection_points=pts), time_limit=8, seed=1,
                 routing=RoutingOptions(workers=1))
    assert plan.valid and "week" in plan.info
    return plan


@pytest.fixture(scope="module")
def layers(week_plan: Plan) -> dict:
    return plan_layers(week_plan)


def test_day_colours_differ_and_name_every_weekday() -> None:
    assert len(set(DAY_COLOURS.values())) == 7
    assert day_colour("Mon") == DAY_COLOURS["Mon"] and day_colour("holiday") == "#7f7f7f"


def test_report_map_has_one_trace_per_day_in_its_colour(week_plan: Plan, layers: dict
                                                         ) -> None:
    fig = map_figure(week_plan, layers)
    days = {t.meta: t for t in fig.data if t.legendgroup.startswith("day ")}
    with_routes = {k.removeprefix("routes_") for k, v in layers.items()
                   if k.startswith("routes_") and len(v)}
    assert set(days) == with_routes and with_routes
    assert all(t.line.color == day_colour(d) for d, t in days.items())
    peak = [t for t in fig.data if t.legendgroup == "Routes"]
    assert peak and all(t.visible == "legendonly" for t in peak)


def test_day_selector_shows_one_day_or_all(week_plan: Plan, layers: dict) -> None:
    fig = map_figure(week_plan, layers)
    menu = [m for m in fig.layout.updatemenus if m.type == "dropdown"]
    assert len(menu) == 1
    buttons = {b.label: b for b in menu[0].buttons}
    day_idx = [k for k, t in enumerate(fig.data) if t.legendgroup.startswith("day ")]
    first = fig.data[day_idx[0]].meta
    style, index = buttons[first].args
    shown = {fig.data[k].meta for k, v in zip(index, style["visible"], strict=True)
             if v is True}
    assert shown == {first}
    style, index = buttons["All days"].args
    assert [v for k, v in zip(index, style["visible"], strict=True) if k in day_idx] == \
        [True] * len(day_idx)
    style, index = buttons["Peak day"].args
    assert all((v is True) == (fig.data[k].legendgroup == "Routes")
               for k, v in zip(index, style["visible"], strict=True))


def test_report_has_the_week_table_and_stays_offline(week_plan: Plan, layers: dict) -> None:
    page = report_html(week_plan, layers)
    assert "The week" in page and "less than routing the peak day" in page
    assert not EXTERNAL.search(page), EXTERNAL.search(page)


def test_png_legend_has_one_entry_per_day_in_its_colour(week_plan: Plan,
                                                        layers: dict) -> None:
    fig = draw_map(week_plan, layers)
    legend = fig.axes[0].get_legend()
    entries = {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles,
                                               strict=True)}
    days = [label for label in entries if label[:3] in DAY_COLOURS and ":" in label]
    assert days and all(entries[d].get_color() == day_colour(d[:3]) for d in days)
    assert not any(label.startswith("routes (") for label in entries)


def test_schedule_gives_each_site_its_position_days_and_window(week_plan: Plan) -> None:
    schedule = week_tables(week_plan)["schedule"].set_index("id")
    p0 = week_plan.scenario.collection_points[0]
    assert (schedule.loc[p0.id, "lat"], schedule.loc[p0.id, "lon"]) == \
        (round(p0.lat, 6), round(p0.lon, 6))
    assert list(schedule.columns[:4]) == ["name", "lat", "lon", "collections_per_week"]
    once = week_plan.scenario.collection_points[FREQUENCIES.index(1)].id
    day = schedule.loc[once, "days"]
    assert day in DAY_COLOURS and schedule.loc[once, day] != ""
    assert schedule.loc[once, "window"].count("-") == 1


@needs_chromium
def test_chromium_draws_the_day_selector(week_plan: Plan, layers: dict,
                                         tmp_path: Path) -> None:
    page = write_report(week_plan, tmp_path / "report.html", layers=layers)
    shot = tmp_path / "shot.png"
    run = _chromium(page, tmp_path, "--dump-dom", f"--screenshot={shot}",
                    "--window-size=1400,1000", "--hide-scrollbars")
    assert run.returncode == 0, run.stderr[-2000:]
    assert not _console_errors(run.stderr), _console_errors(run.stderr)
    assert "updatemenu-dropdown-button" in run.stdout and "All days" in run.stdout
