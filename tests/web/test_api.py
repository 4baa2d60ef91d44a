"""Every endpoint of the web app through FastAPI's TestClient.

Runs are solved in real worker processes (spawned), on tiny SYNTHETIC Osh scenarios with
PyVRP stopped after 50 iterations.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install .[web])")

from fastapi.testclient import TestClient

from circularopt.outputs.tiles import TILE_URL
from circularopt.web import WebSettings, create_app
from circularopt.web.users import set_password
from tests.web.conftest import csrf_of, russian_csv

QUICK = {"time_limit": "30", "max_iterations": "50"}


def _city(client: TestClient, size: str = "120") -> int:
    r = client.post("/scenarios/city", data={"csrf": csrf_of(client), "city": "osh",
                                             "size": size}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def _run(client: TestClient, scenario: int, **settings: str) -> int:
    r = client.post(f"/scenarios/{scenario}/runs",
                    data={"csrf": csrf_of(client), **(settings or QUICK)},
                    headers={"Accept": "application/json"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _wait(client: TestClient, run: int, until: Any, timeout: float = 60) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        state: dict[str, Any] = client.get(f"/api/runs/{run}").json()
        if until(state):
            return state
        time.sleep(0.3)
    raise AssertionError(f"run {run} did not get there: {state}")


def _finished(state: dict[str, Any]) -> bool:
    return state["status"] not in ("queued", "running")


def _upload(client: TestClient, name: str, raw: bytes) -> Any:
    return client.post("/uploads", data={"csrf": csrf_of(client)},
                       files={"file": (name, raw)}, follow_redirects=False)


# --------------------------------------------------------------------------- pages


def test_home_health_and_static(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}
    page = client.get("/")
    assert page.status_code == 200 and "Start from a city" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    js = client.get("/vendor/plotly.js")
    assert js.status_code == 200 and "plotly" in js.text[:2000].lower()
    assert client.get("/static/app.js").status_code == 200


def test_post_without_csrf_token_is_refused(client: TestClient) -> None:
    r = client.post("/scenarios/city", data={"city": "osh", "size": "50"})
    assert r.status_code == 403
    r = client.post("/scenarios/city", data={"csrf": "forged", "city": "osh"})
    assert r.status_code == 403
    assert client.get("/api/scenarios").json() == []


def test_city_scenario_and_bad_city(client: TestClient) -> None:
    sid = _city(client, "60")
    page = client.get(f"/scenarios/{sid}")
    assert page.status_code == 200 and "60 container sites" in page.text
    assert "SYNTHETIC" in page.text
    r = client.post("/scenarios/city", data={"csrf": csrf_of(client), "city": "paris"})
    assert r.status_code == 422 and "paris" in r.text and "bishkek" in r.text
    r = client.post("/scenarios/city", data={"csrf": csrf_of(client), "city": "osh",
                                             "size": "0"})
    assert r.status_code == 422 and "size" in r.text
    assert [s["id"] for s in client.get("/api/scenarios").json()] == [sid]
    assert client.get("/scenarios/999").status_code == 404


def test_fleet_and_cost_forms(client: TestClient) -> None:
    sid = _city(client, "60")
    token = csrf_of(client)
    r = client.post(f"/scenarios/{sid}/edit", data={
        "csrf": token, "fleet.dp-osh-tazalyk.rear-18.count": "12",
        "param.transfer_cost_per_tonne_km": "0,2", "landfill.lf-osh.fee": "4,5",
        "collections_per_week": "3"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    from circularopt.web.storage import Database

    db = Database(client.app.state.settings.url)  # type: ignore[attr-defined]
    row = db.scenario(sid)
    assert row is not None
    scenario = row.scenario()
    db.dispose()
    assert scenario.depots[0].vehicle_types[0].count == 12
    assert scenario.parameters.transfer_cost_per_tonne_km == pytest.approx(0.2)
    assert scenario.landfills[0].tipping_fee_per_tonne == pytest.approx(4.5)
    assert {p.collections_per_week for p in scenario.collection_points} == {3}
    bad = client.post(f"/scenarios/{sid}/edit", data={
        "csrf": token, "fleet.dp-osh-tazalyk.rear-10.capacity_tonnes": "много"})
    assert bad.status_code == 422
    assert 'class="field-error"' in bad.text and "много" in bad.text
    week = client.post(f"/scenarios/{sid}/edit", data={"csrf": token,
                                                       "collections_per_week": "9"})
    assert week.status_code == 422 and "collections_per_week" in week.text


# --------------------------------------------------------------------------- uploads


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251"])
def test_russian_csv_upload_mapping_and_import(client: TestClient, encoding: str) -> None:
    r = _upload(client, "площадки.csv", russian_csv(12, encoding=encoding))
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    assert "Широта" in page.text and "Площадка 1" in page.text and "12 rows" in page.text
    assert '<option selected>Широта</option>' in page.text  # guessed mapping
    url = r.headers["location"] + "/import"
    done = client.post(url, data={"csrf": csrf_of(client), "city": "osh",
                                  "map.id": "Код", "map.lat": "Широта", "map.lon": "Долгота",
                                  "map.tonnes": "Тонн в сутки", "map.name": "Наименование"},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    notes = client.get(done.headers["location"]).text
    assert "Imported with these notes" in notes and "площадки.csv" in notes
    scenarios = client.get("/api/scenarios").json()
    assert scenarios[0]["collection_points"] == 12


def test_upload_with_a_bad_cell_names_row_and_value_and_changes_nothing(
        client: TestClient) -> None:
    r = _upload(client, "sites.csv", russian_csv(8, bad_row=5))
    url = r.headers["location"] + "/import"
    mapping = {"map.id": "Код", "map.lat": "Широта", "map.lon": "Долгота"}
    no_tonnes = client.post(url, data={"csrf": csrf_of(client), "city": "osh", **mapping})
    assert no_tonnes.status_code == 422 and "required column" in no_tonnes.text
    bad = client.post(url, data={"csrf": csrf_of(client), "city": "osh", **mapping,
                                 "map.tonnes": "Тонн в сутки"})
    assert bad.status_code == 422
    assert "sites.csv, row 5" in bad.text and "север" in bad.text
    assert client.get("/api/scenarios").json() == []


def test_xlsx_and_geojson_uploads(client: TestClient) -> None:
    import pandas as pd

    table = pd.DataFrame({"id": ["a1", "a2"], "lat": [40.53, 40.54], "lon": [72.80, 72.81],
                          "tonnes": [1.5, 2.0]})
    buf = io.BytesIO()
    table.to_excel(buf, index=False)
    r = _upload(client, "sites.xlsx", buf.getvalue())
    assert r.status_code == 303, r.text
    assert "a2" in client.get(r.headers["location"]).text
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [72.8, 40.53]},
         "properties": {"id": "g1", "tonnes": 1.0}}]}
    r = _upload(client, "sites.geojson", json.dumps(geo).encode())
    assert r.status_code == 303, r.text


@pytest.mark.parametrize(("name", "raw", "status", "says"), [
    ("sites.exe", b"MZ\x90\x00", 422, "a file ending in"),
    ("sites.xlsx", b"id;lat;lon\n1;2;3\n", 422, "content matches"),
    ("sites.csv", b"PK\x03\x04binary", 422, "CSV text file"),
    ("sites.geojson", b"{not json", 422, "GeoJSON"),
    ("sites.csv", b"   ", 422, "empty file"),
    ("sites.csv", b"id;lat\n1;2;3;4\n", 422, "row 2"),
    ("sites.csv", b"x" * (2 * 1024 * 1024), 413, "at most"),
])
def test_bad_uploads_get_a_clear_message_and_nothing_is_kept(
        tmp_path: Path, name: str, raw: bytes, status: int, says: str) -> None:
    settings = WebSettings(data_dir=tmp_path, workers=1, max_upload_mb=1.0)
    with TestClient(create_app(settings)) as client:
        r = _upload(client, name, raw)
        assert r.status_code == status, r.text
        assert says in r.text
    assert not list((tmp_path / "uploads").glob("*")) if (tmp_path / "uploads").exists() \
        else True


def test_upload_tokens_are_not_paths(client: TestClient) -> None:
    assert client.get("/uploads/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/uploads/0123456789abcdef.csv").status_code == 404
    r = client.post("/uploads/0123456789abcdef.csv/import", data={"csrf": csrf_of(client)})
    assert r.status_code == 404


# --------------------------------------------------------------------------- runs


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An app with one Osh scenario (120 sites) and two finished quick runs."""
    settings = WebSettings(data_dir=tmp_path_factory.mktemp("solved"), workers=2)
    with TestClient(create_app(settings)) as client:
        sid = _city(client)
        runs = [_run(client, sid), _run(client, sid, time_limit="30", max_iterations="50",
                                        complexes="2")]
        for run in runs:
            assert _wait(client, run, _finished, timeout=240)["status"] == "done"
        yield client, sid, runs


def test_run_page_map_charts_and_route_stops(solved: Any) -> None:
    client, _, (run, _) = solved
    state = client.get(f"/api/runs/{run}").json()
    assert state["has_plan"] and "plan.gpkg" in state["files"] and state["stage"] == "done"
    page = client.get(f"/runs/{run}")
    assert page.status_code == 200
    assert 'id="map"' in page.text and "/static/map.js" in page.text
    assert "/vendor/plotly.js" not in page.text  # loaded by the script after the map
    assert "APPROXIMATE distances" in page.text and "SYNTHETIC" in page.text
    got_view = client.get(f"/api/runs/{run}/view/map.json",
                          headers={"Accept-Encoding": "gzip"})
    assert got_view.headers["content-encoding"] == "gzip"  # httpx decodes it for us
    view = got_view.json()
    assert view["tiles"]["url"] == TILE_URL
    points = next(layer for layer in view["layers"] if layer["meta"] == "points")
    assert len(points["lon"]) == len(points["lat"]) == len(points["colour"]) == 120
    day = view["days"][0]
    route = day["routes"][0]
    assert len(route["lon"]) == len(route["lat"]) >= 2 and route["stops"] > 0
    got = client.get(f"/api/runs/{run}/routes/{route['route']}",
                     params={"day": day["day"]}).json()
    assert got["day"] == day["day"] and got["stops"][0]["kind"] == "start"
    assert got["stops"][-1]["kind"] == "end"
    assert client.get(f"/api/runs/{run}/routes/{route['route']}").json()["day"] == day["day"]
    assert client.get(f"/api/runs/{run}/routes/R999").status_code == 404
    assert client.get(f"/api/runs/{run}/routes/{route['route']}",
                      params={"day": "someday"}).status_code == 404
    charts = client.get(f"/api/runs/{run}/view/charts.json").json()
    assert set(charts) == {"cost", "tonnes"}
    assert client.get(f"/api/runs/{run}/view/secret.json").status_code == 404
    assert client.get("/runs/999").status_code == 404
    assert client.get("/api/runs/999").status_code == 404


def test_week_plan_routes_by_day_and_old_views_are_rewritten(solved: Any) -> None:
    client, _, (run, _) = solved
    plan = json.loads(client.app.state.db.plan_text(run))
    working = list(plan["info"]["week"]["working_days"])
    view = client.get(f"/api/runs/{run}/view/map.json").json()
    assert [d["day"] for d in view["days"]] == [
        d for d in working if plan["info"]["week"]["routes"][d] is not None]
    stops = client.get(f"/api/runs/{run}/view/stops.json").json()
    assert list(stops) == [d["day"] for d in view["days"]]
    folder = Path(client.app.state.settings.data_dir) / "runs" / str(run) / "view"
    (folder / "version").unlink()
    (folder / "map.json").write_text('{"data": []}', encoding="utf-8")  # an older format
    assert client.get(f"/api/runs/{run}/view/map.json").json()["days"] == view["days"]
    assert (folder / "version").is_file()


def test_route_sheets_are_linked_and_shown_inline_when_the_run_has_them(solved: Any) -> None:
    client, _, (first, second) = solved
    folder = Path(client.app.state.settings.data_dir) / "runs" / str(second)
    if not (folder / "route-sheets.html").is_file():  # written by outputs.sheets once merged
        (folder / "route-sheets.html").write_text("<h1>Маршрутный лист</h1>", encoding="utf-8")
    assert 'id="sheets-link"' in client.get(f"/runs/{second}").text
    r = client.get(f"/runs/{second}/sheets")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-disposition"].startswith("inline")
    if not (Path(client.app.state.settings.data_dir) / "runs" / str(first)
            / "route-sheets.html").is_file():
        assert 'id="sheets-link"' not in client.get(f"/runs/{first}").text
        assert client.get(f"/runs/{first}/sheets").status_code == 404
    assert client.get("/runs/999/sheets").status_code == 404


def test_downloads_and_no_path_traversal(solved: Any, tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio

    client, _, (run, _) = solved
    gpkg = client.get(f"/runs/{run}/files/plan.gpkg")
    assert gpkg.status_code == 200
    path = tmp_path / "plan.gpkg"
    path.write_bytes(gpkg.content)
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert "routes" in layers and len(gpd.read_file(path, layer="routes")) > 0
    assert client.get(f"/runs/{run}/files/routes.csv").content.startswith(b"\xef\xbb\xbf")
    assert b"<html" in client.get(f"/runs/{run}/files/report.html").content[:500].lower()
    for name in ("..%2F..%2Fcircularopt.db", ".hidden", "nothing.csv", "%2Fetc%2Fpasswd"):
        assert client.get(f"/runs/{run}/files/{name}").status_code == 404, name
    assert client.get(f"/runs/{run}/files/../../secret_key").status_code in (404, 422)


def test_queue_and_compare(solved: Any) -> None:
    client, _, (a, b) = solved
    queue = client.get("/runs")
    assert queue.status_code == 200 and f'data-run="{a}"' in queue.text
    assert [r["id"] for r in client.get("/api/runs").json()] == [b, a]
    page = client.get(f"/compare?a={a}&b={b}")
    assert page.status_code == 200
    assert 'id="comparison"' in page.text and "complexes opened" in page.text
    assert page.text.count('class="map small"') == 2
    assert client.get("/compare").status_code == 200


def test_bad_run_settings_are_shown_at_the_field(solved: Any) -> None:
    client, sid, _ = solved
    r = client.post(f"/scenarios/{sid}/runs", data={"csrf": csrf_of(client),
                                                    "time_limit": "-5"})
    assert r.status_code == 422 and 'class="field-error"' in r.text and "-5" in r.text
    r = client.post(f"/scenarios/{sid}/runs", data={"csrf": csrf_of(client),
                                                    "engine": "gurobi"})
    assert r.status_code == 422 and "gurobi" in r.text
    assert client.post("/scenarios/999/runs", data={"csrf": csrf_of(client)}
                       ).status_code == 404


def test_cancel_a_queued_and_a_running_run(client: TestClient) -> None:
    sid = _city(client, "150")
    long = {"time_limit": "120"}
    running = _run(client, sid, **long)
    queued = _run(client, sid, **long)
    r = client.post(f"/runs/{queued}/cancel", headers={"X-CSRF-Token": csrf_of(client),
                                                       "Accept": "application/json"})
    assert r.json() == {"cancelled": True}
    assert client.get(f"/api/runs/{queued}").json()["status"] == "cancelled"
    _wait(client, running, lambda s: s["stage"] == "routing")
    r = client.post(f"/runs/{running}/cancel", data={"csrf": csrf_of(client)},
                    follow_redirects=False)
    assert r.status_code == 303
    state = _wait(client, running, _finished)
    assert state["status"] == "cancelled" and state["has_plan"], state
    assert "plan.json" in state["files"]
    page = client.get(f"/runs/{running}").text
    assert "INCOMPLETE plan" in page
    again = client.post(f"/runs/{running}/cancel", headers={
        "X-CSRF-Token": csrf_of(client), "Accept": "application/json"})
    assert again.status_code == 409


def test_restart_marks_the_running_run_interrupted_with_its_plan(data_dir: Path) -> None:
    settings = WebSettings(data_dir=data_dir, workers=1)
    with TestClient(create_app(settings)) as client:
        run = _run(client, _city(client, "150"), time_limit="120")
        _wait(client, run, lambda s: s["stage"] == "routing")
    with TestClient(create_app(settings)) as client:
        state = client.get(f"/api/runs/{run}").json()
        assert state["status"] == "interrupted" and state["has_plan"], state
        assert "INCOMPLETE plan" in client.get(f"/runs/{run}").text


def test_a_run_left_running_by_a_dead_server_is_marked_interrupted(data_dir: Path) -> None:
    from circularopt.web.storage import Database, RunRow, ScenarioRow, migrate

    settings = WebSettings(data_dir=data_dir, workers=1)
    data_dir.mkdir(parents=True)
    migrate(settings.url)
    db = Database(settings.url)
    sid = db.add(ScenarioRow(name="x", source="test", data="{}")).id
    rid = db.add(RunRow(scenario_id=sid, label="x", settings="{}", status="running",
                        stage="routing", log="", cancel_requested=False, error="")).id
    db.dispose()
    with TestClient(create_app(settings)) as client:
        state = client.get(f"/api/runs/{rid}").json()
    assert state["status"] == "interrupted" and not state["has_plan"]
    assert "server stopped" in state["error"]


# --------------------------------------------------------------------------- accounts


def test_network_address_requires_login(tmp_path: Path) -> None:
    settings = WebSettings(data_dir=tmp_path, host="0.0.0.0", workers=1)
    set_password(settings, "aigul", "correct horse")
    with TestClient(create_app(settings)) as client:
        assert client.get("/", follow_redirects=False).headers["location"] == "/login"
        for url in ("/api/runs", "/api/scenarios", "/api/runs/1", "/runs/1/files/plan.gpkg"):
            r = client.get(url, follow_redirects=False)
            assert r.status_code in (303, 401), url
        assert client.get("/api/runs").status_code == 401
        assert client.post("/scenarios/city", data={"city": "osh"}).status_code == 401
        assert client.get("/api/health").status_code == 200
        token = csrf_of_login(client)
        wrong = client.post("/login", data={"csrf": token, "name": "aigul",
                                            "password": "wrong"})
        assert wrong.status_code == 401 and "wrong name or password" in wrong.text
        ok = client.post("/login", data={"csrf": token, "name": "aigul",
                                         "password": "correct horse"}, follow_redirects=False)
        assert ok.status_code == 303
        assert client.get("/api/runs").status_code == 200
        client.post("/logout", data={"csrf": csrf_of(client)})
        assert client.get("/api/runs").status_code == 401


def csrf_of_login(client: TestClient) -> str:
    import re

    match = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text)
    assert match is not None
    return match.group(1)


def test_passwords_are_hashed(tmp_path: Path) -> None:
    from circularopt.web.security import check_password, hash_password
    from circularopt.web.storage import Database

    settings = WebSettings(data_dir=tmp_path)
    set_password(settings, "bakyt", "s3cret-pass")
    db = Database(settings.url)
    user = db.user("bakyt")
    db.dispose()
    assert user is not None and "s3cret" not in user.password_hash
    assert user.password_hash.startswith("scrypt$")
    assert check_password("s3cret-pass", user.password_hash)
    assert not check_password("s3cret-pasS", user.password_hash)
    assert hash_password("a") != hash_password("a")


def test_language_choice_formats_numbers(client: TestClient) -> None:
    sid = _city(client, "1200")
    assert "1,200 container sites" in client.get(f"/scenarios/{sid}").text
    client.post("/language", data={"csrf": csrf_of(client), "lang": "ru"})
    assert "Контейнерных площадок 1\u00a0200" in client.get(f"/scenarios/{sid}").text
    assert 'lang="ru"' in client.get("/").text


def test_projects_group_scenarios(client: TestClient) -> None:
    token = csrf_of(client)
    for name, project in (("a", "Бишкек 2027"), ("b", "Бишкек 2027"), ("c", "")):
        r = client.post("/scenarios/city", data={"csrf": token, "city": "osh", "size": "30",
                                                 "name": name, "project": project},
                        follow_redirects=False)
        assert r.status_code == 303
    listed = {s["name"]: s["project"] for s in client.get("/api/scenarios").json()}
    assert listed == {"a": "Бишкек 2027", "b": "Бишкек 2027", "c": ""}
    home = client.get("/", params={"project": "Бишкек 2027"}).text
    assert ">a</a>" in home and ">b</a>" in home and ">c</a>" not in home
    assert "Бишкек 2027</a> (2)" in client.get("/").text
    cid = next(s["id"] for s in client.get("/api/scenarios").json() if s["name"] == "c")
    r = client.post(f"/scenarios/{cid}/project", data={"csrf": token,
                                                      "project": "  Ош   лето "},
                    follow_redirects=False)
    assert r.status_code == 303
    assert {s["name"]: s["project"] for s in client.get("/api/scenarios").json()}["c"] == \
        "Ош лето"
    assert client.post("/scenarios/999/project", data={"csrf": token}).status_code == 404
