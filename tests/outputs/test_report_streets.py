"""Curbside streets on the HTML report's map: lines in the truck's colour, a legend
entry and the SYNTHETIC label."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.outputs import plan_layers
from circularopt.outputs.colours import route_style
from circularopt.outputs.report import STREETS_LAYER, map_figure, report_html
from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
from tests.routing.test_curbside import town_with_streets


@pytest.fixture(scope="module")
def plan() -> Plan:
    return solve(town_with_streets(), time_limit=6, routing=RoutingOptions(workers=1))


def test_streets_are_drawn_in_their_trucks_colour(plan: Plan) -> None:
    layers = plan_layers(plan)
    fig = map_figure(plan, layers)
    traces = [t for t in fig.data if t.legendgroup == STREETS_LAYER]
    streets = layers["streets"]
    assert len(traces) == streets["route"].nunique()
    assert sum(t.showlegend for t in traces) == 1
    assert "SYNTHETIC" in traces[0].name and "(5, SYNTHETIC)" in traces[0].name
    routes = list(layers["routes"]["route"])
    for trace in traces:
        route = trace.hovertemplate.split(":")[0].removeprefix("route ")
        assert trace.line.color == route_style(routes.index(route))[0]
    # every street a line of two points and a gap
    assert sum(len(t.x) for t in traces) == 3 * len(streets)
    buttons = {b.label: b for b in fig.layout.updatemenus[0].buttons}
    shown = buttons["Routes"].args[0]["visible"]
    assert all(shown[k] for k, t in enumerate(fig.data) if t.legendgroup == STREETS_LAYER)


def test_unserved_streets_are_red(plan: Plan) -> None:
    layers = dict(plan_layers(plan))
    streets = layers["streets"].copy()
    streets.loc[streets["id"] == "one", ["route", "served"]] = ["", False]
    layers["streets"] = streets
    red = [t for t in map_figure(plan, layers).data
           if t.legendgroup == STREETS_LAYER and t.line.color == "#d50000"]
    assert len(red) == 1 and "1 streets not served" in red[0].hovertemplate


def test_report_says_the_streets_are_synthetic(plan: Plan) -> None:
    html = report_html(plan)
    assert "synthetic-streets-banner" in html and "SYNTHETIC" in html
    real = dataclasses.replace(plan, scenario=dataclasses.replace(
        plan.scenario, streets=tuple(dataclasses.replace(s, synthetic=False)
                                     for s in plan.scenario.streets)))
    assert "synthetic-streets-banner" not in report_html(real)
