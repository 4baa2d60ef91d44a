"""Route durations for a shift: the time matrix the engines limit, and the check that
every street fits in one shift.

Time comes from the same turn-aware deadheading costs as the cost matrix (the problem
has distances only): entry ``[i, j]`` of :func:`duration_matrix` is the deadheading
from position ``i`` to ``j`` divided by :attr:`ArcProblem.speed`, plus the time spent at
``j`` (a task: driving it and its service time; an unload site: the unload time; the
depot: nothing), in whole seconds rounded up so that an engine's route duration is
never below the validator's.
"""

from __future__ import annotations

import numpy as np

from circularopt.exceptions import InfeasibleError
from circularopt.i18n import tr
from circularopt.routing.arcs.problem import ArcProblem
from circularopt.routing.arcs.tasks import ArcTask, Deadheads

__all__ = ["BIG_SECONDS", "check_shift", "duration_matrix"]

BIG_SECONDS = 10**9
"""Seconds standing for an unreachable pair."""


def duration_matrix(problem: ArcProblem, tasks: tuple[ArcTask, ...], dh: Deadheads,
                    points: tuple[int, ...]) -> np.ndarray:
    """Seconds from the end of each position (points, then tasks) to the end of each
    other (zero on the diagonal); integers."""
    at = np.array([0.0] + [problem.unload_time] * (len(points) - 1)
                  + [problem.task_seconds(t.required) for t in tasks])
    seconds = dh.cost / problem.speed + at[None, :]
    seconds = np.where(np.isfinite(seconds), np.ceil(seconds - 1e-9), BIG_SECONDS)
    out = np.minimum(seconds, BIG_SECONDS).astype(np.int64)
    np.fill_diagonal(out, 0)
    return out


def check_shift(problem: ArcProblem, tasks: tuple[ArcTask, ...], durations: np.ndarray,
                points: tuple[int, ...]) -> None:
    """Raise InfeasibleError naming a street that no route can serve within the shift
    (the depot, the street alone, an unload if the vehicle must return empty, home)."""
    if problem.shift is None:
        return
    m = len(points)
    best: dict[int, int] = {}
    for k, t in enumerate(tasks):
        if problem.return_empty:
            back = min(int(durations[m + k, j] + durations[j, 0]) for j in range(1, m))
        else:
            back = int(durations[m + k, 0])
        best[t.required] = min(best.get(t.required, BIG_SECONDS),
                               int(durations[0, m + k]) + back)
    for r, seconds in best.items():
        if seconds > problem.shift:
            edge = problem.edges[problem.required[r].edge]
            raise InfeasibleError(tr(
                "street {street!r} ({name}) alone takes {need:.1f} min from the depot and "
                "back, more than the {shift:.1f} min shift; split the street or lengthen "
                "the shift", street=edge.id, name=edge.name or "-", need=seconds / 60,
                shift=problem.shift / 60))
