"""The scenario siting model solved by several backends at once (a race on both cores).

:func:`site_portfolio` runs :func:`~circularopt.siting.model.site` in ``workers``
processes (*spawn* context, module-level worker), each with its own backend and method
from :data:`VARIANTS`, under one time limit. The first run that proves its solution
within ``relative_gap`` stops the others; otherwise, at the time limit, the cheapest
solution is kept with the **best bound of all runs** (each run solves the same model, so
every run's bound is valid for all), which can prove a solution that no single run
proves.

Caveat: the runs share nothing while they run (MathOpt offers no incumbent callback for
these backends); only the final answers are combined.
"""

from __future__ import annotations

import dataclasses
import math
import queue
import time
import traceback
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from typing import Any

from circularopt._validate import integer, number
from circularopt.exceptions import SolverError
from circularopt.siting.portfolio import _main_not_reimported
from circularopt.siting.result import SitingResult

__all__ = ["VARIANTS", "combine", "race"]

VARIANTS: tuple[tuple[str, str], ...] = (("scip", "two-phase"), ("highs", "two-phase"),
                                         ("scip", "mip"))
"""(backend, method) of each run, taken in order, one per worker."""


def _run_job(job: Callable[..., Any], args: tuple[Any, ...], name: str, out: Any) -> None:
    """Worker: ``job(*args)`` posted as ``("done", name, value)`` (or the error)."""
    try:
        value = job(*args)
    except Exception as exc:  # reported; the other runs go on
        out.put(("error", name, f"{type(exc).__name__}: {exc}\n"
                 + traceback.format_exc(limit=4)))
        return
    out.put(("done", name, value))


def race(job: Callable[..., dict[str, Any]], runs: Sequence[tuple[str, tuple[Any, ...]]], *,
         time_limit: float, relative_gap: float) -> tuple[dict[str, Any], float]:
    """Run ``job(*args)`` for each ``(name, args)`` in its own spawned process.

    ``job`` must be a module-level function returning a dict with a ``"gap"`` entry
    (a :meth:`SitingResult.to_dict`). Stops at the first answer with ``gap <=
    relative_gap``, when all have answered, or 5 s after the first answer (but not
    before ``time_limit``); the processes still running are terminated. Returns the answers
    by name (``{"error": text}`` for a failed run) and the seconds taken.
    """
    integer("workers", len(runs), lo=1)
    number("time_limit", time_limit, lo=0.0, lo_open=True)
    ctx = get_context("spawn")
    out = ctx.Queue()
    start = time.monotonic()
    procs = [ctx.Process(target=_run_job, args=(job, args, name, out), daemon=True)
             for name, args in runs]
    with _main_not_reimported():
        for p in procs:
            p.start()
    answers = _collect(out, procs, deadline=start + time_limit, gap=relative_gap)
    for p in procs:
        if p.is_alive():
            p.terminate()
        p.join(timeout=5.0)
    return answers, time.monotonic() - start


_LATE = 3.0
"""Seconds past the deadline the race waits for answers (a run ends its solve at the
deadline, then extracts and sends its result)."""


def _collect(out: Any, procs: list[Any], *, deadline: float, gap: float
             ) -> dict[str, Any]:
    """Answers by run name until one proves or all answered; after the first answer the
    others get 5 s more, but not beyond :data:`_LATE` s after ``deadline``."""
    runs: dict[str, Any] = {}
    cap = deadline + _LATE
    first: float | None = None
    while len(runs) < len(procs) and time.monotonic() < min(
            cap, math.inf if first is None else max(first + 5.0, deadline)):
        try:
            kind, name, value = out.get(timeout=0.1)
        except queue.Empty:
            if not any(p.is_alive() for p in procs):
                break
            continue
        runs[name] = value if kind == "done" else {"error": value}
        first = time.monotonic() if first is None else first
        if kind == "done" and value.get("gap") is not None and value["gap"] <= gap:
            break
    return runs


def combine(runs: dict[str, Any], relative_gap: float, seconds: float) -> SitingResult:
    """The cheapest answer of :func:`race`, with the best bound of all runs.

    Raises
    ------
    SolverError
        When no run found a solution.
    """
    found = {k: SitingResult.from_dict(v) for k, v in runs.items() if "error" not in v}
    summary = {k: ({"error": v["error"].splitlines()[0]} if "error" in v else
                   {"status": found[k].status, "objective": found[k].objective,
                    "bound": found[k].bound, "seconds": round(found[k].solve_seconds, 2)})
               for k, v in runs.items()}
    if not found:
        raise SolverError("no siting run found a solution: " + "; ".join(
            f"{k}: {v.get('error', 'no answer in time')}" for k, v in summary.items()))
    name, best = min(found.items(), key=lambda kv: kv[1].objective)
    bound = max((r.bound for r in found.values() if math.isfinite(r.bound)),
                default=-math.inf)
    bound = min(bound, best.objective)
    gap = math.inf if not math.isfinite(bound) else \
        max(0.0, best.objective - bound) / max(abs(best.objective), 1.0)
    status = "optimal" if gap <= relative_gap * (1 + 1e-9) else (
        "feasible" if best.status == "optimal" else best.status)
    options = {**best.options, "portfolio": summary}
    return dataclasses.replace(best, bound=bound, gap=gap, status=status,
                               backend=f"portfolio:{name}", solve_seconds=seconds,
                               options=options)
