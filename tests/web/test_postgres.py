"""The web app on PostgreSQL (Debian's ``postgresql`` server through pytest-postgresql),
and plans' geometry in PostGIS (Debian's ``postgresql-15-postgis-3``).

Skipped with a reason when the server binaries are absent. As root (``initdb`` refuses
root) the server runs as Debian's ``postgres`` user instead of through pytest-postgresql;
``CIRCULAROPT_TEST_DB_URL`` points the tests at an existing PostgreSQL database instead
(e.g. ``postgresql+psycopg://postgres@127.0.0.1:5433/test``).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed (pip install .[web])")
pytest.importorskip("psycopg", reason="psycopg is not installed (pip install .[web])")

from tests.web.conftest import csrf_of

PG_CTL = Path("/usr/lib/postgresql/15/bin/pg_ctl")


def _pg_url(request: pytest.FixtureRequest) -> str:
    given = os.environ.get("CIRCULAROPT_TEST_DB_URL")
    if given:
        return given
    if not PG_CTL.is_file():
        pytest.skip(f"Debian's postgresql server is not installed ({PG_CTL} missing)")
    if os.geteuid() == 0:  # initdb refuses root: the server runs as Debian's postgres user
        return str(request.getfixturevalue("postgres_as_postgres"))
    pytest.importorskip("pytest_postgresql", reason="pip install pytest-postgresql")
    proc = request.getfixturevalue("postgresql_proc")
    return (f"postgresql+psycopg://{proc.user}:{proc.password or ''}@{proc.host}:"
            f"{proc.port}/{proc.dbname}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def postgres_as_postgres() -> Iterator[str]:
    """Tests run as root: a throwaway server in a temporary folder, run as the ``postgres``
    user Debian's package creates (``initdb`` refuses root), on a free port."""
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("tests run as root and there is no postgres user to run the server as")
    folder = Path(tempfile.mkdtemp(prefix="circularopt-pg-"))
    os.chown(folder, user.pw_uid, user.pw_gid)
    data, port = folder / "data", _free_port()

    def as_postgres(*cmd: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True,
                       capture_output=True, timeout=120)

    try:
        as_postgres(str(PG_CTL.parent / "initdb"), "-D", str(data), "-A", "trust",
                    "-U", "postgres")
        as_postgres(str(PG_CTL), "-D", str(data), "-o", f"-p {port} -k {folder}",
                    "-l", str(folder / "log"), "-w", "start")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        as_postgres(str(PG_CTL), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


try:
    from pytest_postgresql import factories

    postgresql_proc = factories.postgresql_proc(executable=str(PG_CTL))
except ImportError:  # pragma: no cover - skipped above
    pass


@pytest.fixture()
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL URL with empty web tables."""
    from sqlalchemy import create_engine, text

    url = _pg_url(request)
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("DROP TABLE IF EXISTS plan_points, plan_lines, runs, scenarios, users, "
                       "alembic_version"))
    engine.dispose()
    yield url


def test_scenarios_runs_and_plans_are_stored_in_postgresql(pg_url: str,
                                                           tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from circularopt.web import WebSettings, create_app

    settings = WebSettings(data_dir=tmp_path, db_url=pg_url, workers=1)
    with TestClient(create_app(settings)) as client:
        r = client.post("/scenarios/city", data={"csrf": csrf_of(client), "city": "osh",
                                                 "size": "120"}, follow_redirects=False)
        sid = int(r.headers["location"].rsplit("/", 1)[1])
        r = client.post(f"/scenarios/{sid}/runs", data={
            "csrf": csrf_of(client), "time_limit": "30", "max_iterations": "50"},
            headers={"Accept": "application/json"})
        run = r.json()["id"]
        state: dict[str, Any] = {}
        end = time.monotonic() + 90
        while time.monotonic() < end:
            state = client.get(f"/api/runs/{run}").json()
            if state["status"] not in ("queued", "running"):
                break
            time.sleep(0.5)
        assert state["status"] == "done" and state["has_plan"], state
    with TestClient(create_app(settings)) as client:  # migrations are idempotent
        assert client.get(f"/api/runs/{run}").json()["has_plan"]


@pytest.fixture()
def postgis(pg_url: str) -> Iterator[tuple[Any, int]]:
    """A migrated database with PostGIS and an empty run in it."""
    from circularopt.web.storage import Database, RunRow, ScenarioRow, migrate

    migrate(pg_url)
    db = Database(pg_url)
    if not db.postgis:
        db.dispose()
        pytest.skip("PostGIS is not installed on this PostgreSQL server "
                    "(apt-get install postgresql-15-postgis-3)")
    sid = db.add(ScenarioRow(name="osh", source="test", data="{}")).id
    yield db, db.add(RunRow(scenario_id=sid, label="osh", settings="{}")).id
    db.dispose()


@pytest.fixture(scope="module")
def osh_plan() -> Any:
    """A SYNTHETIC Osh plan of 120 sites, PyVRP stopped after 50 iterations."""
    from circularopt.pipeline import solve
    from circularopt.routing.decompose import RoutingOptions

    return solve("osh", size=120, time_limit=30, routing=RoutingOptions(
        workers=1, engine_options={"max_iterations": 50}))


def test_a_stored_plan_is_postgis_geometry_a_gis_can_query(postgis: tuple[Any, int],
                                                           osh_plan: Any) -> None:
    from sqlalchemy import text

    from circularopt.outputs import plan_layers
    from circularopt.web.jobs import store_plan

    (db, run), plan = postgis, osh_plan
    store_plan(db, run, plan)
    store_plan(db, run, plan)  # a later checkpoint replaces the features
    first = plan.scenario.collection_points[0]
    assert plan.siting is not None
    opened = next(c for c in plan.scenario.complex_candidates
                  if c.id == plan.siting.open_complexes[0].id)
    routes = len(plan_layers(plan)["routes"])
    with db.engine.connect() as c:
        def one(sql: str, **params: Any) -> Any:
            return c.execute(text(sql), {"run": run, **params}).scalar_one()

        assert one("SELECT count(*) FROM plan_points WHERE run_id = :run AND "
                   "layer = 'collection_points'") == 120
        assert one("SELECT ST_AsText(geom) FROM plan_points WHERE run_id = :run AND "
                   "layer = 'complexes' AND feature = :id", id=opened.id) == \
            f"POINT({opened.lon:g} {opened.lat:g})"
        near = ("SELECT array_agg(feature) FROM plan_points WHERE run_id = :run AND "
                "layer = 'collection_points' AND ST_DWithin(geom::geography, "
                "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, 1)")
        assert one(near, lon=first.lon, lat=first.lat) == [first.id]
        assert one("SELECT count(*) FROM plan_lines WHERE run_id = :run AND layer = 'routes' "
                   "AND GeometryType(geom) = 'LINESTRING' AND ST_SRID(geom) = 4326") == routes
        assert one("SELECT count(*) FROM plan_points WHERE run_id = :run AND "
                   "layer = 'complexes' AND (properties->>'open')::boolean") == \
            len(plan.siting.open_complexes)


def test_a_checkpoint_gets_its_geometry_when_its_files_are_written(
        postgis: tuple[Any, int], osh_plan: Any, tmp_path: Path) -> None:
    from sqlalchemy import text

    from circularopt.web.jobs import store_plan, write_files_job

    db, run = postgis
    store_plan(db, run, osh_plan, geometry=False)  # as a worker's checkpoint
    count = "SELECT count(*) FROM plan_points WHERE run_id = :run"
    with db.engine.connect() as c:
        assert c.execute(text(count), {"run": run}).scalar_one() == 0
    write_files_job(db.url, str(tmp_path), run)  # as after a restart
    assert (tmp_path / "runs" / str(run) / "plan.json").is_file()
    with db.engine.connect() as c:
        assert c.execute(text(count), {"run": run}).scalar_one() > 120
