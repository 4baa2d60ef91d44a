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

__all__ = ["BIG_SECONDS", "check_shift", "duration_matrix", "first_fit", "fit_capacity"]

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
    limit = problem.route_limit
    if limit is None or problem.shift is None:
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
        if seconds > limit:
            edge = problem.edges[problem.required[r].edge]
            raise InfeasibleError(tr(
                "street {street!r} ({name}) alone takes {need:.1f} min from the depot and "
                "back, more than the {shift:.1f} min shift; split the street or lengthen "
                "the shift", street=edge.id, name=edge.name or "-", need=seconds / 60,
                shift=problem.shift / 60) if limit == problem.shift else tr(
                "street {street!r} ({name}) alone takes {need:.1f} min from the depot and "
                "back, more than the {limit:.1f} min a route may take in the {shift:.1f} min "
                "shift with its {brk:.0f} min break; split the street or lengthen the shift",
                street=edge.id, name=edge.name or "-", need=seconds / 60, limit=limit / 60,
                shift=problem.shift / 60, brk=problem.break_time / 60))


def _closing(problem: ArcProblem, durations: np.ndarray, pos: int, m: int
             ) -> tuple[int, int | None]:
    """Seconds from position ``pos`` home (through the best unload site with
    ``return_empty``) and that site's point index (``None``: straight home)."""
    if not problem.return_empty:
        return int(durations[pos, 0]), None
    j = min(range(1, m), key=lambda j: int(durations[pos, j] + durations[j, 0]))
    return int(durations[pos, j] + durations[j, 0]), j


def fit_capacity(problem: ArcProblem) -> float:
    """The capacity :func:`first_fit` loads routes to: the smallest vehicle type's that
    carries every street."""
    most = max(r.demand for r in problem.required)
    return min(t.capacity for t in problem.vehicle_types if t.capacity >= most)


def first_fit(problem: ArcProblem, tasks: tuple[ArcTask, ...], durations: np.ndarray,
              points: tuple[int, ...]) -> list[list[int]]:
    """Routes within the shift and the capacity, filled street by street in task order
    (one task per either-direction pair; a new route when the next street does not fit
    in time, an unload when it does not fit in a truck of :func:`fit_capacity`).
    Sequences as the engines return them (task ``k``; ``-1 - j`` for an unload at
    ``points[j]``). A start for searches whose own first solution fails under a tight
    shift."""
    if problem.route_limit is None:
        raise ValueError("first_fit needs a problem with a shift")
    m, shift, cap = len(points), problem.route_limit, fit_capacity(problem)
    seen: set[int] = set()
    routes: list[list[int]] = []
    seq: list[int] = []
    here, clock, load = 0, 0, 0.0
    for k, t in enumerate(tasks):
        if t.group is not None:
            if t.group in seen:
                continue
            seen.add(t.group)
        step: list[int] = [k]
        full = load + t.demand > cap
        if full and m > 1:
            j = min(range(1, m), key=lambda j: int(durations[here, j]))
            step, arrive = [-1 - j, k], int(durations[here, j] + durations[j, m + k])
        else:
            arrive = int(durations[here, m + k])
        late = clock + arrive + _closing(problem, durations, m + k, m)[0] > shift
        if seq and (late or (full and m == 1)):
            routes.append(_close(problem, durations, seq, here, m))
            seq, step, here, clock, load = [], [k], 0, 0, 0.0
            arrive = int(durations[0, m + k])
        seq += step
        clock += arrive
        here, load = m + k, (t.demand if step[0] < 0 else load + t.demand)
    if seq:
        routes.append(_close(problem, durations, seq, here, m))
    return routes


def _close(problem: ArcProblem, durations: np.ndarray, seq: list[int], here: int, m: int
           ) -> list[int]:
    j = _closing(problem, durations, here, m)[1]
    return seq if j is None else [*seq, -1 - j]
