"""Runs as background jobs: one worker process per run, at most ``workers`` at a time.

:class:`JobManager` starts queued runs in spawned processes (:func:`run_job`), watches
them, and cancels or interrupts them with SIGINT: the pipeline treats it like Ctrl-C and
returns the plan as far as it got (``complete=False``), which the worker stores. The
worker writes the stage, the seconds left and the log lines into the database as the
pipeline reports them, so progress survives the browser and the server.

The worker also saves a checkpoint of the plan at each stage end (siting and feedstock
done; the peak day routed when a week follows: :func:`circularopt.pipeline.solve`'s
``checkpoint``), so a worker or server killed hard (SIGKILL, power loss) loses at most the
stage it was in. On start, runs left ``running`` by a server that died are marked
``interrupted`` with the plan they saved, if any, and that plan's files (GeoPackage, CSV,
report, ...) are written in a background process; a run whose worker outlived the server
(the server alone was killed) is adopted instead: it finishes and stores its plan, and is
interrupted only if its worker dies first. On a clean stop the running workers (adopted
ones too) are interrupted and store their partial plans first. Queued runs stay queued
and start with the next server.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import update

from circularopt.web.storage import Database, RunRow, now, plan_summary

__all__ = ["JobManager", "parse_progress", "run_job", "store_plan", "write_files_job"]

_PROGRESS = re.compile(r"^\[\s*([\d.]+)s,\s*([\d.]+)s left\]\s+(\S+)")
_LOG_LINES = 200
_SPAWN_SLACK_S = 120.0
"""A run's worker process starts within this many seconds of the run's start time."""


def parse_progress(line: str) -> tuple[str, float] | None:
    """``(stage, seconds left)`` from a pipeline progress line, or None."""
    match = _PROGRESS.match(line)
    if match is None:
        return None
    return match.group(3), float(match.group(2))


def run_job(db_url: str, data_dir: str, run_id: int) -> None:
    """Worker process: solve run ``run_id``, store its plan and write its files.

    SIGINT is ignored until the solver starts, then raises KeyboardInterrupt inside
    :func:`circularopt.pipeline.solve`, which returns the plan so far.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    db = Database(db_url)
    try:
        _run(db, Path(data_dir), run_id)
    except BaseException as exc:  # stored for the user, then the process ends
        db.update_run(run_id, status="failed", finished=now(), pid=None,
                      error=_error_text(exc))
    finally:
        db.dispose()


def _error_text(exc: BaseException) -> str:
    from circularopt.exceptions import CircularOptError

    if isinstance(exc, CircularOptError):
        return f"{type(exc).__name__}: {exc}"
    return "".join(traceback.format_exception(exc))[-4000:]


def _run(db: Database, data_dir: Path, run_id: int) -> None:
    row = db.run(run_id)
    if row is None or row.status != "running":
        return
    log: list[str] = []
    stop = _Interrupt()

    def progress(line: str) -> None:
        log.append(line)
        values: dict[str, Any] = {"log": "\n".join(log[-_LOG_LINES:])}
        parsed = parse_progress(line)
        if parsed is not None:
            values["stage"], values["seconds_left"] = parsed
        with stop.deferred():
            try:
                db.update_run(run_id, **values)
            except Exception as exc:  # progress is best effort: the plan matters more
                print(f"run {run_id}: progress not saved: {exc}", file=sys.stderr)

    def checkpoint(plan: Any) -> None:
        with stop.deferred():
            try:
                store_plan(db, run_id, plan, geometry=False)
            except Exception as exc:  # best effort: the run goes on
                print(f"run {run_id}: checkpoint not saved: {exc}", file=sys.stderr)

    plan = _solve(db, row, progress, stop, checkpoint)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if plan is None:
        return
    after = db.run(run_id)
    cancelled = after is not None and after.cancel_requested
    status = "done" if plan.complete else ("cancelled" if cancelled else "interrupted")
    store_plan(db, run_id, plan)
    db.update_run(run_id, stage="outputs")
    _write_files(plan, data_dir / "runs" / str(run_id))
    db.update_run(run_id, status=status, finished=now(), pid=None, seconds_left=0.0,
                  stage="done" if plan.complete else "stopped")


def store_plan(db: Database, run_id: int, plan: Any, *, geometry: bool = True) -> None:
    """Store ``plan`` as run ``run_id``'s plan (JSON, summary and, under PostGIS with
    ``geometry``, its points and lines: :mod:`circularopt.web.gis`) in one transaction.

    Checkpoints pass ``geometry=False``: Bishkek's 19,488 street lines cost 2.5 CPU s
    (docs/benchmarks.md), charged to the run's budget; a run that ends writes them, and
    so does :func:`write_files_job` for a run a restart found interrupted.
    """
    data = plan.to_dict()
    values = {"plan": json.dumps(data, ensure_ascii=False),
              "summary": json.dumps(plan_summary(data))}
    with db.session() as s:
        s.execute(update(RunRow).where(RunRow.id == run_id).values(**values))
        if geometry and db.postgis:
            from circularopt.web.gis import store_features

            store_features(s.connection(), run_id, plan)


def write_files_job(db_url: str, data_dir: str, run_id: int) -> None:
    """Process: write the files (and, under PostGIS, the geometry) of run ``run_id``'s
    stored plan, e.g. a checkpoint of a run killed hard."""
    from circularopt.plan import Plan

    db = Database(db_url)
    try:
        text = db.plan_text(run_id)
        if text:
            plan = Plan.from_dict(json.loads(text))
            _write_files(plan, Path(data_dir) / "runs" / str(run_id))
            if db.postgis:
                from circularopt.web.gis import store_features

                with db.session() as s:
                    store_features(s.connection(), run_id, plan)
    finally:
        db.dispose()


class _Interrupt:
    """SIGINT handler of a worker: raise KeyboardInterrupt once, never inside a database
    write (it is raised when the write is done), and ignore later signals (a terminal's
    Ctrl-C reaches the server and its workers, then the server interrupts them again)."""

    def __init__(self) -> None:
        self.pending = False
        self.depth = 0

    def __call__(self, _signum: int, _frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if self.depth:
            self.pending = True
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Hold a SIGINT that arrives inside the block until the block ends."""
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if self.pending and not self.depth:
            self.pending = False
            raise KeyboardInterrupt


def _preload() -> None:
    """Import what the solver imports lazily, before SIGINT can stop it: a signal during
    a C extension's initialisation turns into an ImportError instead of a clean stop."""
    import importlib
    import pkgutil

    import circularopt.routing.engines as engines

    for module in pkgutil.iter_modules(engines.__path__):
        importlib.import_module(f"{engines.__name__}.{module.name}")
    for name in ("pyvrp", "ortools.constraint_solver.pywrapcp", "ortools.linear_solver.pywraplp",
                 "ortools.sat.python.cp_model", "circularopt.outputs"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _solve(db: Database, row: RunRow, progress: Any, stop: _Interrupt,
           checkpoint: Any) -> Any:
    """The plan of ``row``'s settings, or None when cancelled before the solver started."""
    from circularopt.pipeline import solve
    from circularopt.routing.decompose import RoutingOptions

    scenario_row = db.scenario(row.scenario_id)
    assert scenario_row is not None
    scenario = scenario_row.scenario()
    opts = row.options()
    routing = RoutingOptions(engine=opts.get("engine", "pyvrp"), workers=1,
                             engine_options=opts.get("engine_options") or None)
    _preload()
    db.update_run(row.id, pid=os.getpid())
    if (db.run(row.id) or row).cancel_requested:
        db.update_run(row.id, status="cancelled", finished=now(), pid=None)
        return None
    signal.signal(signal.SIGINT, stop)
    try:
        return solve(scenario, complexes=opts.get("complexes"),
                     time_limit=float(opts.get("time_limit", 60)), seed=int(opts.get("seed", 0)),
                     routing=routing, progress=progress, checkpoint=checkpoint)
    except KeyboardInterrupt:
        db.update_run(row.id, status="cancelled", finished=now(), pid=None,
                      error="stopped before a scenario was loaded")
        return None


def _write_files(plan: Any, folder: Path) -> None:
    from circularopt.outputs import write_outputs
    from circularopt.web.mapview import write_view

    write_outputs(plan, folder)
    write_view(plan, folder / "view")


class JobManager:
    """Starts queued runs in worker processes and cancels or interrupts them.

    Parameters
    ----------
    db
        The app's database.
    data_dir
        The data folder (run files go to ``runs/<id>/``).
    workers
        Runs solved at the same time (default: one per core).
    """

    def __init__(self, db: Database, data_dir: Path, workers: int | None = None) -> None:
        self.db, self.data_dir = db, data_dir
        self.workers = workers or os.cpu_count() or 1
        self._ctx = multiprocessing.get_context("spawn")
        self._procs: dict[int, Any] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._writers: list[Any] = []
        self._orphans: dict[int, int] = {}  # run id -> pid of a previous server's worker

    def recover(self) -> int:
        """Mark runs left ``running`` by a previous server as interrupted and start
        writing the files of their last saved plans; return how many. A run whose worker
        still runs (the server alone was killed) is watched instead: the worker stores
        its plan itself, and the run is interrupted only if the worker dies first."""
        stale = [row for row in self.db.runs(("running",))
                 if not self._adopt(row)]
        for row in stale:
            self._stopped(row, "interrupted", "the server stopped during this run")
        return len(stale)

    def _adopt(self, row: RunRow) -> bool:
        """Watch ``row``'s worker if it is still alive; whether it is."""
        if row.pid is None or not _worker_alive(row.pid, row.started):
            return False
        with self._lock:
            self._orphans[row.id] = row.pid
        return True

    def _stopped(self, row: RunRow, status: str, error: str) -> None:
        """Record that ``row``'s worker is gone without finishing; write its files from
        the last saved plan, if any."""
        self.db.update_run(row.id, status=status, pid=None, finished=now(), stage="stopped",
                           error=row.error or error)
        if row.has_plan:
            self._write_files(row.id)

    def _write_files(self, run_id: int) -> None:
        """Write the files of run ``run_id``'s stored plan in a background process."""
        proc = self._ctx.Process(target=write_files_job, name=f"circularopt-files-{run_id}",
                                 args=(self.db.url, str(self.data_dir), run_id))
        proc.start()
        self._writers = [p for p in self._writers if p.is_alive()] + [proc]

    def start(self) -> None:
        """Start the scheduler thread."""
        self._thread = threading.Thread(target=self._loop, name="circularopt-jobs",
                                        daemon=True)
        self._thread.start()

    def submit(self) -> None:
        """Wake the scheduler (a run was queued)."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._reap()
            self._launch()
            self._wake.wait(0.5)
            self._wake.clear()

    def _reap(self) -> None:
        with self._lock:
            for run_id, proc in list(self._procs.items()):
                if proc.is_alive():
                    continue
                proc.join()
                del self._procs[run_id]
                row = self.db.run(run_id)
                if row is not None and row.status == "running":  # killed hard
                    self._stopped(row, "interrupted" if row.has_plan else "failed",
                                  f"worker ended with code {proc.exitcode}")
            self._reap_orphans()

    def _reap_orphans(self) -> None:
        """Interrupt the adopted runs whose worker died before finishing (call with the
        lock held)."""
        for run_id, pid in list(self._orphans.items()):
            row = self.db.run(run_id)
            if row is not None and row.status == "running" and _worker_alive(pid, row.started):
                continue
            del self._orphans[run_id]
            if row is not None and row.status == "running":
                self._stopped(row, "interrupted" if row.has_plan else "failed",
                              f"worker {pid} ended without storing its plan")

    def _launch(self) -> None:
        with self._lock:
            free = self.workers - len(self._procs) - len(self._orphans)
            if free <= 0 or self._stop.is_set():
                return
            for row in reversed(self.db.runs(("queued",))):
                if free <= 0:
                    break
                self.db.update_run(row.id, status="running", started=now(), stage="start")
                proc = self._ctx.Process(target=run_job, name=f"circularopt-run-{row.id}",
                                         args=(self.db.url, str(self.data_dir), row.id))
                proc.start()
                self._procs[row.id] = proc
                free -= 1

    def cancel(self, run_id: int) -> bool:
        """Cancel a queued run, or stop a running one keeping its plan so far."""
        row = self.db.run(run_id)
        if row is None or row.status not in ("queued", "running"):
            return False
        self.db.update_run(run_id, cancel_requested=True)
        if row.status == "queued":
            self.db.update_run(run_id, status="cancelled", finished=now())
            return True
        self._signal(run_id)
        return True

    def _signal(self, run_id: int) -> None:
        row = self.db.run(run_id)
        with self._lock:
            proc = self._procs.get(run_id)
            orphan = self._orphans.get(run_id)
        if row is not None and row.pid is not None and proc is not None and proc.is_alive():
            os.kill(row.pid, signal.SIGINT)
        elif orphan is not None and row is not None and _worker_alive(orphan, row.started):
            os.kill(orphan, signal.SIGINT)

    def _live_orphans(self) -> list[psutil.Process]:
        """The adopted workers still alive."""
        with self._lock:
            orphans = dict(self._orphans)
        out = []
        for run_id, pid in orphans.items():
            row = self.db.run(run_id)
            if row is not None and _worker_alive(pid, row.started):
                with contextlib.suppress(psutil.Error):
                    out.append(psutil.Process(pid))
        return out

    def running(self) -> list[int]:
        """Ids of the runs that have a live worker (adopted ones included)."""
        with self._lock:
            return [i for i, p in self._procs.items() if p.is_alive()] + list(self._orphans)

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop launching, interrupt the running workers and wait for their plans."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            procs = dict(self._procs)
        for run_id, proc in procs.items():
            row = self.db.run(run_id)
            if not proc.is_alive():
                continue
            if row is not None and row.pid is not None:
                os.kill(row.pid, signal.SIGINT)
            else:  # not solving yet: nothing to keep
                proc.terminate()
        orphans = self._live_orphans()
        for orphan in orphans:
            with contextlib.suppress(psutil.Error):
                orphan.send_signal(signal.SIGINT)
        for proc in procs.values():
            _join(proc, timeout)
        psutil.wait_procs(orphans, timeout=timeout)
        self.recover()
        for proc in self._writers:
            _join(proc, timeout)


def _worker_alive(pid: int, started: dt.datetime | None) -> bool:
    """Whether process ``pid`` runs and is the worker started at ``started`` (UTC), not
    a later process that reuses its number."""
    try:
        proc = psutil.Process(pid)
        created, status = proc.create_time(), proc.status()
    except psutil.Error:
        return False
    if status == psutil.STATUS_ZOMBIE:
        return False
    return started is None or abs(
        created - started.replace(tzinfo=dt.UTC).timestamp()) < _SPAWN_SLACK_S


def _join(proc: Any, timeout: float) -> None:
    """Wait for ``proc``; terminate it when it takes longer than ``timeout`` seconds."""
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join(5)
