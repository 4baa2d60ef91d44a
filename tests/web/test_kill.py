"""A run killed hard (SIGKILL of its worker, or of the server with its workers) keeps the
checkpoint its worker saved after the siting stage: it shows as interrupted with that plan,
whose files are written again, and a restart keeps it so."""

from __future__ import annotations

import contextlib
import json
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

import httpx
from fastapi.testclient import TestClient

from circularopt.web import WebSettings, create_app
from circularopt.web.storage import Database
from tests.web.conftest import csrf_of

ROOT = Path(__file__).resolve().parents[2]


def _start_run(client: Any, time_limit: int = 120) -> int:
    r = client.post("/scenarios/city", data={"csrf": csrf_of(client), "city": "osh",
                                             "size": "150"}, follow_redirects=False)
    sid = int(r.headers["location"].rsplit("/", 1)[1])
    r = client.post(f"/scenarios/{sid}/runs", data={"csrf": csrf_of(client),
                                                    "time_limit": str(time_limit)},
                    headers={"Accept": "application/json"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _wait(client: Any, run: int, until: Any, timeout: float = 90) -> dict[str, Any]:
    end = time.monotonic() + timeout
    state: dict[str, Any] = {}
    while time.monotonic() < end:
        state = client.get(f"/api/runs/{run}").json()
        if until(state):
            return state
        time.sleep(0.3)
    raise AssertionError(f"run {run} did not get there: {state}")


def _routing(state: dict[str, Any]) -> bool:
    """Past siting and feedstock (routing started), so the checkpoint is stored."""
    return state["stage"] == "routing" or state["status"] not in ("queued", "running")


def _assert_checkpoint_kept(client: TestClient, run: int) -> None:
    state = _wait(client, run, lambda s: "plan.json" in s["files"])
    assert state["status"] == "interrupted" and state["has_plan"], state
    plan = json.loads(client.get(f"/runs/{run}/files/plan.json").content)
    assert plan["complete"] is False and plan["info"]["checkpoint"] == "feedstock"
    assert plan["siting"]["open_complexes"] and plan["routing"] is None
    page = client.get(f"/runs/{run}").text
    assert "INCOMPLETE plan" in page and "at the end of the feedstock stage" in page
    assert client.get(f"/api/runs/{run}/view/map.json").status_code == 200


def test_sigkill_of_the_worker_after_siting_keeps_its_checkpoint(data_dir: Path) -> None:
    settings = WebSettings(data_dir=data_dir, workers=1)
    with TestClient(create_app(settings)) as client:
        run = _start_run(client)
        state = _wait(client, run, _routing)
        assert state["status"] == "running" and state["has_plan"], state
        pid = client.app.state.db.run(run).pid  # type: ignore[attr-defined]
        os.kill(pid, signal.SIGKILL)
        state = _wait(client, run, lambda s: s["status"] != "running")
        assert "code -9" in state["error"]
        _assert_checkpoint_kept(client, run)
    with TestClient(create_app(settings)) as client:
        _assert_checkpoint_kept(client, run)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def _server(data_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], httpx.Client]]:
    """``circularopt serve`` in a process group of its own, and a client of it."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "circularopt", "serve", "--port", str(port), "--data",
         str(data_dir), "--workers", "1"], cwd=ROOT, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            end = time.monotonic() + 60
            while True:
                try:
                    http.get("/api/health")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < end, "the server did not start"
                    time.sleep(0.3)
            yield server, http
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(30)


def test_sigkill_of_the_server_and_its_workers_keeps_the_checkpoint(data_dir: Path) -> None:
    with _server(data_dir) as (_, http):
        run = _start_run(http)
        _wait(http, run, _routing)
    with TestClient(create_app(WebSettings(data_dir=data_dir, workers=1))) as client:
        _assert_checkpoint_kept(client, run)


@contextlib.contextmanager
def _server_killed_alone(data_dir: Path, time_limit: int) -> Iterator[tuple[int, int]]:
    """A run past siting whose server is killed while its worker goes on: (run, worker
    pid); the worker's process group is killed on leaving."""
    with _server(data_dir) as (server, http):
        run = _start_run(http, time_limit)
        _wait(http, run, _routing)
        db = Database(WebSettings(data_dir=data_dir).url)
        row = db.run(run)
        db.dispose()
        assert row is not None and row.pid, "the worker stored no pid"
        os.kill(server.pid, signal.SIGKILL)
        server.wait(30)
        yield run, int(row.pid)


def test_a_worker_outliving_its_server_finishes_its_run(data_dir: Path) -> None:
    with (_server_killed_alone(data_dir, time_limit=15) as (run, _),
          TestClient(create_app(WebSettings(data_dir=data_dir, workers=1))) as client):
        assert client.get(f"/api/runs/{run}").json()["status"] == "running"
        state = _wait(client, run, lambda s: s["status"] != "running", timeout=150)
        assert state["status"] == "done", state
        plan = json.loads(client.get(f"/runs/{run}/files/plan.json").content)
        assert plan["complete"] is True


def test_an_adopted_worker_killed_hard_keeps_its_checkpoint(data_dir: Path) -> None:
    with (_server_killed_alone(data_dir, time_limit=120) as (run, pid),
          TestClient(create_app(WebSettings(data_dir=data_dir, workers=1))) as client):
        assert client.get(f"/api/runs/{run}").json()["status"] == "running"
        os.kill(pid, signal.SIGKILL)
        state = _wait(client, run, lambda s: s["status"] != "running")
        assert f"worker {pid} ended" in state["error"], state
        _assert_checkpoint_kept(client, run)
