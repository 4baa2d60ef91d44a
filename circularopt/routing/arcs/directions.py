"""Exact post-optimisation of arc routes on the task matrix: serving directions and
route-first splits.

Both work on engine sequences (task index ``k >= 0``; ``-1 - j`` for an unload at
point ``j``) and the integer task matrix of :func:`~circularopt.routing.arcs.tasks.task_matrix`
(rows and columns: the ``m`` points, then the tasks). ``twins[k]`` lists the tasks that
may stand for task ``k`` (the members of its either-direction group; ``(k,)`` for a
mandatory task).

- :func:`best_directions`: for a fixed order of streets, the cheapest direction of each
  either-rule street is a shortest path through a layered DAG (one layer per visit, one
  node per allowed direction): ``O(route length)``.
- :func:`split_tour`: Ulusoy's route-first split of a giant tour into capacity-feasible
  trips from the depot, with the optimal directions of each trip (Beasley's shortest
  path over tour positions, Lacomme, Prins and Ramdane-Cherif's direction handling).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

__all__ = ["best_directions", "nearest_tour", "sequence_cost", "split_tour", "twin_table"]


def twin_table(groups: Sequence[int | None]) -> list[tuple[int, ...]]:
    """``twins[k]``: the tasks of task ``k``'s group (``groups[k]``), or ``(k,)``."""
    members: dict[int, list[int]] = {}
    for k, g in enumerate(groups):
        if g is not None:
            members.setdefault(g, []).append(k)
    return [(k,) if g is None else tuple(members[g]) for k, g in enumerate(groups)]


def _row(item: int, m: int) -> int:
    return m + item if item >= 0 else -1 - item


def sequence_cost(matrix: np.ndarray, m: int, seq: Sequence[int]) -> int:
    """Cost of one route (depot, ``seq``, depot) on the matrix."""
    rows = [0, *(_row(k, m) for k in seq), 0]
    return int(sum(int(matrix[a, b]) for a, b in itertools.pairwise(rows)))


def best_directions(matrix: np.ndarray, m: int, seq: Sequence[int],
                    twins: Sequence[tuple[int, ...]]) -> list[int]:
    """The route ``seq`` with each task replaced by its cheapest twin, the order of the
    streets and the unloads kept (a shortest path through the layered DAG; ties keep
    the given task)."""
    if not seq:
        return []
    layers = [twins[k] if k >= 0 else (k,) for k in seq]
    best = {k: int(matrix[0, _row(k, m)]) for k in layers[0]}
    back: list[dict[int, int]] = []
    for layer in layers[1:]:
        nxt: dict[int, int] = {}
        arg: dict[int, int] = {}
        for k in layer:
            col = _row(k, m)
            prev = min(best, key=lambda p, c=col: best[p] + int(matrix[_row(p, m), c]))  # type: ignore[misc]
            nxt[k], arg[k] = best[prev] + int(matrix[_row(prev, m), col]), prev
        best, back = nxt, [*back, arg]
    last = min(best, key=lambda p: best[p] + int(matrix[_row(p, m), 0]))
    out = [last]
    for arg in reversed(back):
        out.append(arg[out[-1]])
    out.reverse()
    keep = sequence_cost(matrix, m, seq)
    return out if sequence_cost(matrix, m, out) < keep else list(seq)


def split_tour(matrix: np.ndarray, m: int, tour: Sequence[int],
               twins: Sequence[tuple[int, ...]], demand: Sequence[int],
               capacity: int) -> tuple[int, list[list[int]]]:
    """Split the giant ``tour`` (tasks only) into trips of load at most ``capacity``,
    each from the depot (point 0) back to it, choosing every task's twin optimally.

    Returns the total cost and the trips. ``demand[k]`` is task ``k``'s integer demand.
    """
    n = len(tour)
    cost = [0] + [np.iinfo(np.int64).max] * n
    pred: list[tuple[int, list[int]]] = [(0, [])] * (n + 1)
    for i in range(n):
        if cost[i] == np.iinfo(np.int64).max:
            continue
        load = 0
        # label per twin of the last task: (cost from the depot, trip so far)
        labels: dict[int, tuple[int, list[int]]] = {}
        for j in range(i, n):
            load += demand[tour[j]]
            if load > capacity:
                break
            labels = _extend(matrix, m, labels, twins[tour[j]])
            end, (c, trip) = min(labels.items(),
                                 key=lambda kv: kv[1][0] + int(matrix[m + kv[0], 0]))
            total = cost[i] + c + int(matrix[m + end, 0])
            if total < cost[j + 1]:
                cost[j + 1], pred[j + 1] = total, (i, trip)
    trips: list[list[int]] = []
    j = n
    while j > 0:
        i, trip = pred[j]
        trips.append(trip)
        j = i
    trips.reverse()
    return cost[n], trips


def _extend(matrix: np.ndarray, m: int, labels: dict[int, tuple[int, list[int]]],
            layer: tuple[int, ...]) -> dict[int, tuple[int, list[int]]]:
    """Labels after appending one task (any of ``layer``) to the trip."""
    out: dict[int, tuple[int, list[int]]] = {}
    for k in layer:
        col = m + k
        if not labels:
            out[k] = (int(matrix[0, col]), [k])
            continue
        prev = min(labels, key=lambda p, c=col: labels[p][0] + int(matrix[m + p, c]))  # type: ignore[misc]
        out[k] = (labels[prev][0] + int(matrix[m + prev, col]), [*labels[prev][1], k])
    return out


def nearest_tour(matrix: np.ndarray, m: int, twins: Sequence[tuple[int, ...]]) -> list[int]:
    """A giant tour from the depot: repeatedly the cheapest next task whose street is
    not served yet (one task per group, mandatory tasks all); ties to the lower index."""
    n = len(twins)
    open_ = np.ones(n, dtype=bool)
    tour: list[int] = []
    row = 0
    for _ in range(n):
        costs = np.where(open_, matrix[row, m:], np.iinfo(np.int64).max)
        k = int(np.argmin(costs))
        if not open_[k]:
            break
        tour.append(k)
        open_[list(twins[k])] = False
        row = m + k
    return tour
