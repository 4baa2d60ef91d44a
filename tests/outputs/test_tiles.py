"""Street tiles under the HTML map: tile numbers, the figure's images, the page's policy."""

from __future__ import annotations

import math
import re

import pytest

from circularopt.outputs import plan_layers
from circularopt.outputs.report import CSP, map_figure, report_html
from circularopt.outputs.tiles import (
    TILE_ORIGIN,
    tile_bounds,
    tile_images,
    tile_xy,
    tile_zoom,
)
from circularopt.plan import Plan


@pytest.mark.parametrize(("lon", "lat", "zoom", "xy"), [
    (0.0, 0.0, 1, (1.0, 1.0)), (-180.0, 0.0, 3, (0.0, 4.0)), (90.0, 0.0, 2, (3.0, 2.0))])
def test_tile_numbers_by_hand(lon: float, lat: float, zoom: int,
                              xy: tuple[float, float]) -> None:
    assert tile_xy(lon, lat, zoom) == pytest.approx(xy)


def test_a_tile_contains_its_points() -> None:
    lon, lat, zoom = 74.6, 42.87, 13  # Bishkek
    x, y = (math.floor(v) for v in tile_xy(lon, lat, zoom))
    w, s, e, n = tile_bounds(x, y, zoom)
    assert w <= lon < e and s < lat <= n
    assert e - w == pytest.approx(360 / 2 ** 13)


def test_zoom_gives_about_six_tiles_across() -> None:
    assert tile_zoom(360.0) == 3  # 360 * 6 / 360 = 6 = 2^2.6
    assert tile_zoom(0.25) == 13


def test_images_cover_the_box_below_the_data() -> None:
    images = tile_images(72.75, 40.49, 72.90, 40.60)
    assert 4 <= len(images) <= 100
    assert all(im["layer"] == "below" and im["xref"] == "x" for im in images)
    assert min(im["x"] for im in images) <= 72.75
    assert max(im["x"] + im["sizex"] for im in images) >= 72.90
    assert max(im["y"] for im in images) >= 40.60
    assert min(im["y"] - im["sizey"] for im in images) <= 40.49
    assert all(re.fullmatch(r"https://[a-d]\.basemaps\.cartocdn\.com/light_all/\d+/\d+/\d+"
                            r"\.png", im["source"]) for im in images)
    assert len(tile_images(0.0, 0.0, 40.0, 40.0, max_tiles=9)) <= 9


def test_the_map_carries_tiles_attribution_and_a_toggle(plan: Plan) -> None:
    fig = map_figure(plan, plan_layers(plan))
    assert len(fig.layout.images) >= 4
    assert any("OpenStreetMap contributors" in a.text for a in fig.layout.annotations)
    labels = [b.label for menu in fig.layout.updatemenus for b in menu.buttons]
    assert "Streets on" in labels and "Streets off" in labels


def test_the_page_may_load_only_tile_images_from_outside(plan: Plan) -> None:
    assert f"img-src data: blob: {TILE_ORIGIN};" in CSP
    assert "connect-src 'none'" in CSP and "default-src 'none'" in CSP
    assert CSP in report_html(plan)
