"""Web app goals: first render of a 5,000-site plan, and pages under load while solving.

1. *First render*: a stored plan (``--plan plan.json``, e.g. from
   ``circularopt solve bishkek --size 5000``) is put in a fresh data folder as a finished
   run; ``circularopt serve`` runs in a subprocess; Debian's Chromium (Playwright) opens
   the run page ``--repeats`` times, each in a fresh browser context (a first visit, empty
   cache), and reads when the map was first drawn (the page's ``data-rendered`` mark:
   ``performance.now()`` at the canvas renderer's first paint, i.e. milliseconds after
   the page was requested); then a reload with a warm cache, and when the charts were
   drawn (plotly.js is loaded after the map).
2. *Load*: two solves of a generated Osh scenario run (``--solve-size`` sites) while
   ``--users`` simulated users (httpx, asyncio) browse the pages for ``--seconds`` (at most
   ``--max-requests`` requests); the script prints the count, errors and the 50th/95th
   percentile and maximum page times.
3. *CSV to plan* (``--csv-sites 1200``): Chromium uploads a Russian-locale CSV (``;``,
   decimal commas, Cyrillic headers, Windows-1251) of that many SYNTHETIC Osh sites,
   imports it, starts a run and waits for the validated plan's map -- no step outside
   the app.

::

    PYTHONPATH=. python benchmarks/bench_web.py --plan /tmp/bishkek5000/plan.json --out web.json

It is a script (no pytest test: timings belong in benchmarks, not in the suite); state
the machine load (``uptime``) with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def prepare(data_dir: Path, plan_path: Path) -> int:
    """Store ``plan_path`` as a finished run (with its files) in ``data_dir``; its id."""
    from circularopt.plan import Plan
    from circularopt.web.jobs import _write_files
    from circularopt.web.security import WebSettings
    from circularopt.web.storage import Database, RunRow, ScenarioRow, migrate, plan_summary

    settings = WebSettings(data_dir=data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.url)
    plan = Plan.load(plan_path)
    db = Database(settings.url)
    sid = db.add(ScenarioRow(name=plan.scenario.name, source=str(plan_path),
                             data=json.dumps(plan.scenario.to_dict()))).id
    rid: int = db.add(RunRow(scenario_id=sid, label="stored plan", settings="{}",
                             status="running", stage="outputs", log="",
                             cancel_requested=False, error="",
                             plan=json.dumps(plan.to_dict()),
                             summary=json.dumps(plan_summary(plan.to_dict())))).id
    _write_files(plan, data_dir / "runs" / str(rid))
    db.update_run(rid, status="done", stage="done")
    db.dispose()
    return rid


def serve(data_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``circularopt serve`` on a free port; the process and its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "circularopt", "serve", "--port",
                             str(port), "--data", str(data_dir), "--workers", str(workers)],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _warm_server(url: str, run_id: int) -> None:
    """One request of the page and its map, as an office server that has been running
    would have had (imports and templates loaded); the browser's cache stays empty."""
    import httpx

    for path in (f"/runs/{run_id}", f"/api/runs/{run_id}/view/map.json"):
        httpx.get(url + path, timeout=120).raise_for_status()


def first_render(url: str, run_id: int, repeats: int, shot: Path | None = None
                 ) -> dict[str, Any]:
    """Milliseconds from request to drawn map, each in a fresh browser context (a first
    visit: empty cache), then one reload (warm cache); JavaScript errors are counted."""
    from playwright.sync_api import sync_playwright

    cold, streets, errors = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(repeats):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{url}/runs/{run_id}")
            page.wait_for_selector("#map[data-rendered]", timeout=120_000)
            cold.append(float(page.get_attribute("#map", "data-rendered") or "nan"))
            if page.evaluate("() => !!document.querySelector('#map').mapView.opts"
                             ".afterFirstPaint"):  # curbside streets come after
                page.wait_for_selector("#map[data-streets-rendered]", timeout=120_000)
                streets.append(float(page.get_attribute("#map", "data-streets-rendered")
                                     or "nan"))
            context.close()
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{url}/runs/{run_id}")
        page.wait_for_selector("#map[data-rendered]", timeout=120_000)
        page.reload()
        page.wait_for_selector("#map[data-rendered]", timeout=120_000)
        warm = float(page.get_attribute("#map", "data-rendered") or "nan")
        page.wait_for_selector("#chart-cost[data-rendered]", timeout=120_000)
        charts = float(page.get_attribute("#chart-cost", "data-rendered") or "nan")
        points, routes = (page.get_attribute("#map", a) for a in ("data-points", "data-routes"))
        if shot is not None:
            page.screenshot(path=str(shot))
        browser.close()
    return {"cold_ms": [round(t) for t in cold], "cold_median_ms": round(statistics.median(cold)),
            "cold_max_ms": round(max(cold)), "warm_reload_ms": round(warm),
            "charts_drawn_ms": round(charts), "points": points, "routes": routes,
            "streets_drawn_ms": [round(t) for t in streets],
            "streets_median_ms": round(statistics.median(streets)) if streets else None,
            "page_errors": errors}


async def _user(client: Any, pages: list[str], end: float, out: list[tuple[str, float, int]],
                budget: list[int]) -> None:
    k = 0
    while time.monotonic() < end and budget[0] > 0:
        budget[0] -= 1
        path = pages[k % len(pages)]
        k += 1
        t0 = time.perf_counter()
        try:
            status = (await client.get(path)).status_code
        except Exception:
            status = -1
        out.append((path, time.perf_counter() - t0, status))
        await asyncio.sleep(0.2)


def _start_solves(url: str, size: int, seconds: float, count: int) -> list[int]:
    import httpx

    with httpx.Client(base_url=url, follow_redirects=False, timeout=60) as c:
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/").text)
        assert csrf is not None
        r = c.post("/scenarios/city", data={"csrf": csrf.group(1), "city": "osh",
                                            "size": str(size)})
        sid = int(r.headers["location"].rsplit("/", 1)[1])
        return [c.post(f"/scenarios/{sid}/runs", headers={"Accept": "application/json"},
                       data={"csrf": csrf.group(1), "time_limit": str(seconds)}).json()["id"]
                for _ in range(count)]


async def _browse(url: str, pages: list[str], users: int, seconds: float,
                  max_requests: int) -> list[tuple[str, float, int]]:
    import httpx

    out: list[tuple[str, float, int]] = []
    budget = [max_requests]
    end = time.monotonic() + seconds
    clients = [httpx.AsyncClient(base_url=url, timeout=30) for _ in range(users)]
    try:
        await asyncio.gather(*(_user(c, pages[i:] + pages[:i], end, out, budget)
                               for i, c in enumerate(clients)))
    finally:
        for c in clients:
            await c.aclose()
    return out


def load(url: str, run_id: int, args: argparse.Namespace) -> dict[str, Any]:
    """Pages under ``args.users`` users while two solves run; times in ms."""
    import httpx

    solves = _start_solves(url, args.solve_size, args.seconds + 30, 2)
    time.sleep(2)
    pages = ["/", "/runs", f"/runs/{run_id}", f"/api/runs/{run_id}", "/api/runs",
             f"/api/runs/{run_id}/view/map.json", f"/runs/{solves[0]}",
             f"/api/runs/{solves[1]}", "/static/app.js", "/compare"]
    got = asyncio.run(_browse(url, pages, args.users, args.seconds, args.max_requests))
    states = [httpx.get(f"{url}/api/runs/{i}").json()["status"] for i in solves]
    times = sorted(t * 1000 for _, t, _ in got)
    by_page: dict[str, list[float]] = {}
    for path, t, _ in got:
        by_page.setdefault(path, []).append(t * 1000)
    return {"requests": len(got), "errors": sum(1 for _, _, s in got if s != 200),
            "p50_ms": round(statistics.median(times)),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))]), "max_ms": round(times[-1]),
            "solves_status_after": states,
            "p95_by_page_ms": {p: round(sorted(v)[int(0.95 * (len(v) - 1))])
                               for p, v in by_page.items()}}


def csv_to_plan(url: str, sites: int, time_limit: float, folder: Path) -> dict[str, Any]:
    """Upload a Russian-locale CSV of ``sites`` sites in Chromium and solve it there."""
    from playwright.sync_api import sync_playwright

    from tests.web.conftest import russian_csv

    csv = folder / "площадки.csv"
    csv.write_bytes(russian_csv(sites, encoding="cp1251"))
    t0 = time.perf_counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(url + "/")
        page.set_input_files("#upload input[type=file]", str(csv))
        page.click("#upload button")
        page.select_option("#mapping select[name=city]", "osh")
        page.click("#mapping button")
        page.fill("#run-form input[name=time_limit]", str(time_limit))
        page.click("#run-form button")
        page.wait_for_selector("#verdict", timeout=int(1000 * (time_limit + 300)))
        page.wait_for_selector("#map[data-rendered]", timeout=120_000)
        verdict, status = page.inner_text("#verdict"), page.inner_text("#status")
        browser.close()
    return {"sites": sites, "time_limit_s": time_limit, "status": status,
            "verdict": verdict, "seconds_upload_to_map": round(time.perf_counter() - t0, 1)}


def main() -> None:
    """Parse the arguments, run both measurements, print (and write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, required=True, help="plan.json to display")
    parser.add_argument("--repeats", type=int, default=5,
                        help="first visits (fresh browser contexts)")
    parser.add_argument("--screenshot", type=Path, help="save the run page as a PNG")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=40.0, help="browsing time")
    parser.add_argument("--max-requests", type=int, default=3000)
    parser.add_argument("--solve-size", type=int, default=600)
    parser.add_argument("--csv-sites", type=int, default=0,
                        help="also upload a Russian-locale CSV of this many sites in the "
                             "browser and solve it (0: skip)")
    parser.add_argument("--csv-time-limit", type=float, default=120.0)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--out", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        run_id = prepare(data, args.plan)
        proc, url = serve(data, workers=2)
        try:
            _warm_server(url, run_id)
            result: dict[str, Any] = {
                "first_render": first_render(url, run_id, args.repeats, args.screenshot),
                "load_average_before": os.getloadavg()}
            if not args.skip_load:
                result["load"] = load(url, run_id, args)
            if args.csv_sites:
                result["csv_to_plan"] = csv_to_plan(url, args.csv_sites, args.csv_time_limit,
                                                    Path(tmp))
            result.update(load_average=os.getloadavg(), cpus=os.cpu_count(),
                          date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(120)
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
