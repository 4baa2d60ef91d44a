"""The PNG map reads for a planner: plain degrees, a scale bar, one colour per route."""

from __future__ import annotations

import pytest

from circularopt.outputs import plan_layers
from circularopt.outputs.colours import ROUTE_DASHES, ROUTE_PALETTE, route_style
from circularopt.outputs.map import draw_map, nice_km
from circularopt.plan import Plan


@pytest.fixture(scope="module")
def ax(plan: Plan):  # type: ignore[no-untyped-def]
    fig = draw_map(plan, plan_layers(plan), dpi=50)
    fig.canvas.draw()
    return fig.axes[0]


def test_axes_show_plain_degrees_without_offset(ax) -> None:  # type: ignore[no-untyped-def]
    for axis in (ax.xaxis, ax.yaxis):
        fmt = axis.get_major_formatter()
        assert fmt.get_useOffset() is False
        assert axis.get_offset_text().get_text() == ""
        labels = [t.get_text() for t in axis.get_ticklabels() if t.get_text()]
        assert labels and all("e" not in t and "+" not in t for t in labels)
    assert all(40.0 < float(t.get_text()) < 41.0 for t in ax.yaxis.get_ticklabels()
               if t.get_text())


def test_each_route_has_its_own_colour(ax, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    assert plan.routing is not None and plan.routing.num_vehicles >= 2
    drawn = [(line.get_color(), line.get_linestyle()) for line in ax.lines
             if line.get_zorder() == 2]
    assert len(drawn) == plan.routing.num_vehicles
    assert len(set(drawn)) == len(drawn)


def test_recyclers_candidates_and_sites_are_labelled(ax, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    texts = {t.get_text() for t in ax.texts}
    assert {"rc-plastic", "rc-paper", "rc-metal", "cx-far", "lf", "dp"} <= texts


def test_route_styles_stay_distinct_for_many_routes() -> None:
    n = len(ROUTE_PALETTE) * len(ROUTE_DASHES)
    assert len({route_style(k) for k in range(n)}) == n
    assert len(set(ROUTE_PALETTE)) == len(ROUTE_PALETTE)


@pytest.mark.parametrize(("span", "km"), [(19.6, 2.0), (25.0, 5.0), (4.0, 0.5), (100, 20)])
def test_scale_bar_lengths_are_round(span: float, km: float) -> None:
    assert nice_km(span) == km
