"""The HTML report: offline, complete, and rendered by a real browser.

The browser checks run Debian's ``chromium`` headless (``apt-get install -y chromium``)
and are skipped with a reason where it is missing. The report carries a content
security policy that forbids loading anything from outside the file, so an attempted
network load would show up as a console error, which the test rejects.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image

from circularopt.outputs import plan_layers
from circularopt.outputs.report import (
    MAP_LAYERS,
    cost_figure,
    map_figure,
    report_html,
    tonnes_by_stream,
    write_report,
)
from circularopt.plan import Plan

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install -y "
                             "chromium): the headless browser check of the report needs it")


EXTERNAL = re.compile(
    r"<(script|img|iframe|link|source|video|audio|embed|object)\b[^>]*\b(src|href|data)\s*="
    r"|url\(\s*['\"]?\s*(https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def layers(plan: Plan) -> Mapping[str, gpd.GeoDataFrame]:
    return plan_layers(plan)


@pytest.fixture(scope="module")
def report(plan: Plan, layers: Mapping[str, gpd.GeoDataFrame],
           tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(plan, tmp_path_factory.mktemp("report") / "report.html",
                        layers=layers)


def test_self_contained_and_offline(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert not EXTERNAL.search(text), EXTERNAL.search(text)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert text.count("Plotly.newPlot(") == 3  # map, costs, tonnes; plotly.js once, inline
    assert len(text) > 1_000_000


def test_banner_at_the_top_when_approximate(plan: Plan,
                                            layers: Mapping[str, gpd.GeoDataFrame]) -> None:
    assert plan.approximate
    text = report_html(plan, layers)
    body = text[text.index("<body>"):]
    assert body.startswith("<body><div class='banner approx' id='approx-banner'>"
                           "Distances are approximate: offline approximation")
    exact = report_html(dataclasses.replace(plan, approximate=False,
                                            matrices_source="a road network"), layers)
    assert "Distances are approximate" not in exact
    assert "Routes are drawn as straight segments" in exact


def test_map_has_every_layer_and_buttons(plan: Plan,
                                         layers: Mapping[str, gpd.GeoDataFrame]) -> None:
    fig = map_figure(plan, layers)
    groups = {str(t.legendgroup) for t in fig.data}
    for layer in MAP_LAYERS:
        assert any(g.startswith(layer) for g in groups), layer
    assert plan.routing is not None
    assert sum(t.legendgroup == "Routes" for t in fig.data) == plan.routing.num_vehicles
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["All layers", "Points and sites", "Routes",
                                          "Material flows"]
    for b in buttons:
        assert len(b.args[0]["visible"]) == len(fig.data)
    assert fig.layout.yaxis.scaleanchor == "x"


def test_charts_agree_with_the_plan(plan: Plan) -> None:
    assert plan.kpis is not None and plan.feedstock is not None
    bar = cost_figure(plan).data[0]
    costs = dict(zip(bar.x, bar.y, strict=True))
    assert costs["net total"] == pytest.approx(plan.kpis.annual_cost["total"])
    assert costs["revenue"] == pytest.approx(-plan.kpis.annual_cost["revenue"])
    assert costs["collection"] == pytest.approx(plan.kpis.annual_cost["collection"])
    data = tonnes_by_stream(plan)
    assert sum(d["collected"] for d in data.values()) == pytest.approx(
        plan.scenario.total_tonnes_per_day)
    assert sum(d["to recyclers"] for d in data.values()) == pytest.approx(
        plan.feedstock.delivered_t_per_day)
    for d in data.values():
        assert d["landfilled"] == pytest.approx(d["collected"] - d["to recyclers"])


def test_kpis_assumptions_and_sources(plan: Plan, report: Path) -> None:
    assert plan.kpis is not None
    text = report.read_text(encoding="utf-8")
    for figure, value, unit in plan.kpis.rows():
        assert f"<td>{figure}</td><td class='num'>{value}</td><td>{unit}</td>" in text
    assert "assumed for the test" in text and "made up" in text
    assert "IPCC 2006" in text and "CO2 emission factor of diesel" in text
    evil = dataclasses.replace(plan.scenario, metadata={
        "sources": {"parameters": "<script>alert(1)</script>"}})
    html = report_html(dataclasses.replace(plan, scenario=evil))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_route_visits_listed(plan: Plan, report: Path) -> None:
    assert plan.routing is not None
    text = report.read_text(encoding="utf-8")
    assert text.count("<details><summary>Route ") == plan.routing.num_vehicles
    for r in plan.routing.routes:
        for stop in r.stops:
            assert f"<td>{stop}</td>" in text
    assert "Площадка «0»" in text


def _chromium(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={tmp / 'profile'}", "--enable-logging=stderr",
           "--v=0", "--virtual-time-budget=3000", *args, page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and re.search(r"Uncaught|Error|violates", line)]


@dataclasses.dataclass(frozen=True)
class Rendered:
    """One headless run: the DOM after the scripts ran, the browser log, a screenshot."""

    dom: str
    log: str
    screenshot: Path


@pytest.fixture(scope="module")
def rendered(report: Path, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium): "
                    "the headless browser check of the report needs it")
    tmp = tmp_path_factory.mktemp("chromium")
    shot = tmp / "shot.png"
    run = _chromium(report, tmp, "--dump-dom", f"--screenshot={shot}",
                    "--window-size=1400,1000", "--hide-scrollbars")
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    return Rendered(run.stdout, run.stderr, shot)


@needs_chromium
def test_chromium_renders_the_map_and_layers(rendered: Rendered) -> None:
    assert not _console_errors(rendered.log), _console_errors(rendered.log)
    dom = rendered.dom
    for fig in ("fig-map", "fig-costs", "fig-tonnes"):
        assert re.search(rf'<div id="{fig}"[^>]*class="[^"]*js-plotly-plot', dom), fig
    legend = re.findall(r'class="legendtext"[^>]*>([^<]*)<', dom)
    for layer in MAP_LAYERS:
        assert any(t.startswith(layer) for t in legend), (layer, legend)
    assert dom.count('class="scatterlayer') >= 1 and "approx-banner" in dom
    assert not EXTERNAL.search(re.sub(r"<script\b.*?</script>", "", dom, flags=re.S))


@needs_chromium
def test_chromium_screenshot_is_not_blank(rendered: Rendered) -> None:
    img = np.asarray(Image.open(rendered.screenshot).convert("RGB"))
    assert img.shape[:2] == (1000, 1400)
    packed = (img[..., 0].astype(np.int32) << 16) | (img[..., 1].astype(np.int32) << 8) \
        | img[..., 2]
    assert len(np.unique(packed)) > 200  # not one colour: something was drawn
    banner = img[5:30, 5:300].reshape(-1, 3)  # the approximation banner (#fff3cd) on top
    assert np.mean(np.all(np.abs(banner.astype(int) - (255, 243, 205)) <= 3, axis=1)) > 0.5
    map_area = img[300:900, 100:1000].reshape(-1, 3).astype(int)
    coloured = np.ptp(map_area, axis=1) > 60  # saturated pixels: points, routes, sites
    assert coloured.mean() > 0.002
