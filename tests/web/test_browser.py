"""End to end in Debian's Chromium (Playwright): upload, run, map, cancel, compare, download.

What the API tests cover (restarts, bad uploads, logins) is not repeated here.

The server is ``python -m circularopt serve`` in a subprocess on 127.0.0.1 with a free
port and a temporary data folder; Chromium is driven by pytest-playwright's fixtures with
``/usr/bin/chromium`` (skipped with a reason when it is absent). Scenarios are SYNTHETIC
(generated Osh sites written as a Russian-locale CSV); runs stop after 50 PyVRP
iterations.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install .[web])")
pytest.importorskip("playwright", reason="playwright is not installed (pip install .[test])")

from tests.web.conftest import russian_csv

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's launch arguments: Debian's Chromium, no downloads."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return {"executable_path": str(CHROMIUM), "args": ARGS}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """``circularopt serve`` in a subprocess."""

    def __init__(self, data: Path) -> None:
        self.data, self.port = data, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "circularopt", "serve", "--port", str(self.port),
             "--data", str(self.data), "--workers", "2"], cwd=ROOT, env=env)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not start")

    def stop(self) -> None:
        """Stop like Ctrl-C: SIGINT, then wait for the workers' plans."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(90)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A running server on a fresh data folder."""
    srv = Server(tmp_path_factory.mktemp("web")).start()
    yield srv
    srv.stop()


def _new_scenario(page: Any, server: Server, tmp_path: Path, n: int) -> None:
    csv = tmp_path / "площадки.csv"
    csv.write_bytes(russian_csv(n, encoding="cp1251"))
    page.goto(server.url + "/")
    page.set_input_files("#upload input[type=file]", str(csv))
    page.click("#upload button")
    page.wait_for_selector("#preview")
    assert "Широта" in page.inner_text("#preview")
    page.select_option("#mapping select[name=city]", "osh")
    page.click("#mapping button")
    page.wait_for_selector("#run-form")


def _start_run(page: Any, time_limit: str, iterations: str = "") -> str:
    page.fill("#run-form input[name=time_limit]", time_limit)
    page.fill("#run-form input[name=max_iterations]", iterations)
    page.click("#run-form button")
    page.wait_for_selector("#progress")
    return str(page.url)


def _map_rendered(page: Any, selector: str = "#map") -> None:
    page.wait_for_selector(f"{selector}[data-rendered]", timeout=90_000)


def test_upload_run_map_route_download_cancel_compare(page: Any, server: Server,
                                                      tmp_path: Path) -> None:
    import geopandas as gpd

    _new_scenario(page, server, tmp_path, 40)
    assert "40 container sites" in page.inner_text("main")
    scenario_url = page.url
    first = _start_run(page, "30", "50")
    _map_rendered(page)
    assert int(page.get_attribute("#map", "data-routes") or 0) > 0
    days = page.eval_on_selector_all("#map .day-select option", "os => os.map(o => o.value)")
    page.select_option("#map .day-select", days[-1])
    page.wait_for_selector(f"#route-list thead tr[data-day='{days[-1]}']")
    page.click("#route-list tbody tr >> nth=0")
    page.wait_for_selector("#stops table")
    assert days[-1] in page.inner_text("#stops-title") and "start" in page.inner_text("#stops")
    # a click on the middle of a route's longest segment on the canvas chooses that route
    page.locator("#map").scroll_into_view_if_needed()
    route, x, y = page.evaluate("""() => { const v = document.getElementById('map').mapView;
        const r = v.dayRoutes()[1] || v.dayRoutes()[0], c = v.canvas.getBoundingClientRect();
        let best = [0, 0, 0];
        for (let i = 0; i + 3 < r.xy.length; i += 2) {
          const a = v.toScreen(r.xy[i], r.xy[i + 1]), b = v.toScreen(r.xy[i + 2], r.xy[i + 3]);
          const d = Math.hypot(b[0] - a[0], b[1] - a[1]), x = (a[0] + b[0]) / 2,
                y = (a[1] + b[1]) / 2;  /* not under the legend or the buttons */
          if (d > best[0] && document.elementFromPoint(c.left + x, c.top + y) === v.canvas) {
            best = [d, x, y];
          }
        }
        return [r.route, best[1], best[2]]; }""")
    box = page.locator("#map canvas").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector(f"#route-list tr.chosen[data-route='{route}']")
    page.wait_for_function(f"document.getElementById('stops-title').textContent"
                           f".includes('{route}')")
    page.wait_for_selector("#chart-cost[data-rendered]", timeout=60_000)  # plotly, loaded late
    with page.expect_download() as info:
        page.click("#downloads a[href$='plan.gpkg']")
    gpkg = tmp_path / "plan.gpkg"
    info.value.save_as(gpkg)
    assert len(gpd.read_file(gpkg, layer="collection_points")) == 40

    page.goto(scenario_url)
    second = _start_run(page, "120")
    page.wait_for_function("document.getElementById('stage').textContent === 'routing'",
                           timeout=90_000)
    page.click("#cancel button")
    page.wait_for_selector("text=INCOMPLETE plan", timeout=60_000)
    assert "cancelled" in page.inner_text("#status")
    _map_rendered(page)

    a, b = first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]
    page.goto(f"{server.url}/compare?a={a}&b={b}")
    page.wait_for_selector("#comparison")
    _map_rendered(page, "#map-1")
    _map_rendered(page, "#map-2")
    assert "complexes opened" in page.inner_text("#comparison")
