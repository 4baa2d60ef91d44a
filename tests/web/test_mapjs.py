"""The canvas map (``static/map.js``) in Chromium: pinch zoom with two real touch points
(Chrome DevTools' ``Input.dispatchTouchEvent``), and curbside streets added after the
first paint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright", reason="playwright is not installed (pip install .[test])")

MAP_JS = Path(__file__).resolve().parents[2] / "circularopt" / "web" / "static" / "map.js"
CHROMIUM = Path("/usr/bin/chromium")
DATA = {"bbox": [74.5, 42.8, 74.7, 42.9], "title": "", "days": [],
        "labels": {"routes": "Routes", "route": "route", "day": "Day"},
        "tiles": {"url": "", "subdomains": "abcd", "attribution": ""},
        "layers": [{"meta": "points", "name": "Points (2)", "colour": "#000", "size": 3,
                    "lon": [74.5, 74.7], "lat": [42.8, 42.9], "text": ["a", "b"]}]}
STREETS = {"synthetic": True, "count": 2, "unserved": 1, "name": "Curbside streets (2)",
           "unserved_name": "Unserved streets (1)", "note": "SYNTHETIC streets",
           "groups": [{"route": "r1", "served": True, "colour": "#1f77b4",
                       "lines": [[74.55, 42.85, 74.56, 42.85]]},
                      {"route": "", "served": False, "colour": "#e53935",
                       "lines": [[74.6, 42.86, 74.6, 42.87]]}]}


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's Chromium, no downloads."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return {"executable_path": str(CHROMIUM), "args": ["--no-sandbox", "--disable-gpu"]}


@pytest.fixture()
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A touch screen."""
    return {**browser_context_args, "has_touch": True,
            "viewport": {"width": 600, "height": 400}}


@pytest.fixture()
def view(page: Any) -> Any:
    """A 400 x 300 map of two points at the page's top left, drawn once."""
    page.set_content('<body style="margin:0"><div id="m" style="width:400px;height:300px">'
                     "</div></body>")
    page.add_script_tag(path=str(MAP_JS))
    page.evaluate("data => { window.v = new CircularMap.MapView(document.getElementById('m'),"
                  " data, {afterFirstPaint: () => { window.firstPaint = true; }}); v.draw(); }",
                  DATA)
    page.wait_for_selector("#m[data-rendered]")
    return page


def _world(page: Any, x: float, y: float) -> list[float]:
    """The map point under screen point (x, y)."""
    return list(page.evaluate(
        "([x, y]) => [v.cx + (x - v.w / 2) / v.scale(), v.cy + (y - v.h / 2) / v.scale()]",
        [x, y]))


def test_pinch_zooms_about_the_fingers(view: Any) -> None:
    cdp = view.context.new_cdp_session(view)

    def touch(kind: str, points: list[tuple[float, float]]) -> None:
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [
            {"x": x, "y": y, "id": k} for k, (x, y) in enumerate(points)]})

    z0, under = view.evaluate("v.z"), _world(view, 200, 150)
    touch("touchStart", [(150, 150), (250, 150)])
    touch("touchMove", [(125, 150), (275, 150)])
    touch("touchMove", [(100, 150), (300, 150)])  # twice as far apart: one zoom level in
    touch("touchEnd", [])
    assert view.evaluate("v.z") == pytest.approx(z0 + 1, abs=1e-6)
    assert _world(view, 200, 150) == pytest.approx(under, abs=1e-9)  # the midpoint stays


def test_streets_come_after_the_first_paint(view: Any) -> None:
    view.wait_for_function("window.firstPaint === true")
    assert view.get_attribute("#m", "data-streets-rendered") is None
    view.evaluate("s => v.addStreets(s)", STREETS)
    view.wait_for_selector("#m[data-streets-rendered]")
    assert view.get_attribute("#m", "data-streets") == "2"
    assert "Unserved streets (1)" in view.inner_text("#m .cmap-legend")
    first = float(view.get_attribute("#m", "data-rendered"))
    assert float(view.get_attribute("#m", "data-streets-rendered")) > first


def test_the_plus_button_zooms_one_level_about_the_centre(view: Any) -> None:
    z0, centre = view.evaluate("v.z"), _world(view, 200, 150)
    view.click("#m .cmap-bar button >> nth=0")
    view.wait_for_function(f"Math.abs(v.z - {z0 + 1}) < 1e-9")
    assert _world(view, 200, 150) == pytest.approx(centre, abs=1e-9)
