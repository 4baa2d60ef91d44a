"""Scenario sweeps: many independent pipeline solves as Dask tasks.

A sweep varies pipeline options (``complexes``, ``season``, ``seed``, ``size``,
``engine``, ``time_limit``) over their cross product and solves each combination with
:func:`circularopt.pipeline.solve` as one Dask task: on a local cluster by default
(``workers`` processes with one thread each), or on an existing cluster given its
scheduler address. Rows arrive as tasks finish (:func:`run_sweep` is a generator); a
task that fails yields a row with its error and the others go on.

Each task routes with one process (``workers=1`` inside the task), so the cluster's
workers are the only parallelism and a sweep of ``k`` tasks on ``w`` workers takes about
``k / w`` task times.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from circularopt.exceptions import InputError

__all__ = ["SWEEP_KEYS", "SweepRow", "expand", "parse_vary", "run_sweep", "solve_one"]

SWEEP_KEYS: Mapping[str, type] = {
    "complexes": int, "season": str, "seed": int, "size": int, "engine": str,
    "time_limit": float,
}
"""Options a sweep may vary, with their types."""


def parse_vary(text: str) -> tuple[str, list[Any]]:
    """Parse ``KEY=VALUES``: a comma list (``a,b``) or an integer range (``1..4``).

    Examples
    --------
    >>> parse_vary("complexes=1..3")
    ('complexes', [1, 2, 3])
    >>> parse_vary("season=summer,winter")
    ('season', ['summer', 'winter'])
    """
    key, sep, values = text.partition("=")
    key = key.strip().replace("-", "_")
    if not sep or not values.strip():
        raise InputError("--vary", text, "KEY=VALUES, e.g. complexes=1..4 or season=a,b")
    if key not in SWEEP_KEYS:
        raise InputError("--vary", key, f"one of {sorted(SWEEP_KEYS)}")
    kind = SWEEP_KEYS[key]
    match = re.fullmatch(r"\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*", values)
    if match:
        lo, hi = int(match[1]), int(match[2])
        if kind is str or hi < lo:
            raise InputError(f"--vary {key}", values,
                             "an increasing integer range LO..HI for a numeric option")
        return key, list(range(lo, hi + 1))
    out: list[Any] = []
    for item in values.split(","):
        item = item.strip()
        try:
            out.append(kind(item))
        except ValueError:
            raise InputError(f"--vary {key}", item, f"a {kind.__name__}") from None
    return key, out


def expand(varies: Sequence[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    """Cross product of the varied options, in a stable order."""
    keys = [k for k, _ in varies]
    if len(set(keys)) != len(keys):
        raise InputError("--vary", keys, "each option varied at most once")
    return [dict(zip(keys, combo, strict=True))
            for combo in itertools.product(*(v for _, v in varies))]


@dataclass(frozen=True)
class SweepRow:
    """Outcome of one sweep task.

    Parameters
    ----------
    name
        Task name built from its options (``complexes=2,season=winter``).
    options
        The varied options of the task.
    figures
        Key figures of the plan (empty when the task failed).
    error
        ``""`` or the error that ended the task.
    seconds
        Wall time of the task.
    plan_path
        Where the task's plan was saved, or ``None``.
    """

    name: str
    options: Mapping[str, Any]
    figures: Mapping[str, Any] = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0
    plan_path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The CSV row."""
        return {"task": self.name, **self.options, **self.figures, "error": self.error,
                "seconds": round(self.seconds, 2), "plan": self.plan_path or ""}


def _name(options: Mapping[str, Any]) -> str:
    return ",".join(f"{k}={v}" for k, v in options.items()) or "base"


def _solve_keywords(merged: Mapping[str, Any]) -> dict[str, Any]:
    """Keywords of :func:`circularopt.pipeline.solve` for a task: ``engine`` and
    ``engine_options`` become its routing options, on one process per task."""
    from circularopt.routing.decompose import RoutingOptions

    kw = dict(merged)
    kw["routing"] = RoutingOptions(engine=kw.pop("engine", "pyvrp"),
                                   engine_options=kw.pop("engine_options", None), workers=1)
    return kw


def solve_one(source: str, options: Mapping[str, Any], base: Mapping[str, Any],
              plans_dir: str | None) -> SweepRow:
    """Solve one sweep task (runs inside a Dask worker; also usable on its own).

    Parameters
    ----------
    source
        City name or scenario JSON path.
    options
        The task's varied options.
    base
        Options common to all tasks (``time_limit``, ``seed``, ...).
    plans_dir
        Folder to save the task's ``plan.json`` in, or ``None``.
    """
    from circularopt.pipeline import solve

    t0 = time.perf_counter()
    name = _name(options)
    try:
        plan = solve(source, **_solve_keywords({**base, **options}))
    except Exception as exc:  # reported in the row; the sweep goes on
        return SweepRow(name, dict(options), error=f"{type(exc).__name__}: {exc}",
                        seconds=time.perf_counter() - t0)
    path = None
    if plans_dir is not None:
        safe = re.sub(r"[^A-Za-z0-9_.=-]+", "_", name)
        path = str(plan.save(Path(plans_dir) / f"plan_{safe}.json"))
    k = plan.kpis
    figures: dict[str, Any] = {
        "valid": plan.valid, "complete": plan.complete, "approximate": plan.approximate,
        "complexes_open": 0 if plan.siting is None else len(plan.siting.open_complexes),
    }
    if k is not None:
        figures.update({"annual_cost": round(k.annual_cost["total"], 2),
                        "km_per_day": round(k.km_per_day, 2),
                        "vehicles": k.vehicles_used,
                        "co2_t_per_day": round(k.co2_kg_per_day / 1000, 4),
                        "diversion_pct": round(100 * k.diversion_rate, 3)})
    return SweepRow(name, dict(options), figures, seconds=time.perf_counter() - t0,
                    plan_path=path)


def run_sweep(source: str, tasks: Sequence[Mapping[str, Any]], *,
              base: Mapping[str, Any] | None = None, scheduler: str | None = None,
              workers: int = 2, plans_dir: str | Path | None = None) -> Iterator[SweepRow]:
    """Solve every task as a Dask task, yielding rows as they finish.

    Parameters
    ----------
    source
        City name or scenario JSON path (a path is made absolute for the workers).
    tasks
        The varied options of each task (see :func:`expand`).
    base
        Options common to all tasks, passed to :func:`circularopt.pipeline.solve`.
    scheduler
        Address of an existing Dask scheduler; ``None`` starts a local cluster.
    workers
        Worker processes of the local cluster (one thread each).
    plans_dir
        Folder to save each task's plan in, or ``None``.

    Notes
    -----
    The local cluster runs on this machine only and is closed when the generator ends.
    Worker processes import circularopt themselves, so the package must be installed
    where the workers run.
    """
    from dask.distributed import Client, LocalCluster, as_completed

    if not tasks:
        raise InputError("tasks", [], "at least one task (give --vary options)")
    if workers < 1:
        raise InputError("workers", workers, "an integer >= 1")
    path = Path(source)
    src = str(path.resolve()) if path.suffix.lower() == ".json" else source
    out = None if plans_dir is None else str(Path(plans_dir).resolve())
    if out is not None:
        Path(out).mkdir(parents=True, exist_ok=True)
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    client = Client(cluster if cluster is not None else scheduler)
    try:
        futures = [client.submit(solve_one, src, dict(t), dict(base or {}), out,
                                 key=f"sweep-{i}-{_name(t)}", pure=False)
                   for i, t in enumerate(tasks)]
        for fut in as_completed(futures):
            if fut.status == "error":
                exc = fut.exception()
                k = futures.index(fut)
                yield SweepRow(_name(tasks[k]), dict(tasks[k]),
                               error=f"{type(exc).__name__}: {exc}")
            else:
                yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
