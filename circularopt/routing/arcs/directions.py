"""Exact post-optimisation of arc routes on the task matrix: serving directions.

It works on engine sequences (task index ``k >= 0``; ``-1 - j`` for an unload at point
``j``) and the integer task matrix of :func:`~circularopt.routing.arcs.tasks.task_matrix`
(rows and columns: the ``m`` points, then the tasks). ``twins[k]`` lists the tasks that
may stand for task ``k`` (the members of its either-direction group; ``(k,)`` for a
mandatory task). For a fixed order of streets, the cheapest direction of each
either-rule street is a shortest path through a layered DAG (one layer per visit, one
node per allowed direction): ``O(route length)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

__all__ = ["best_directions", "sequence_cost", "twin_table"]


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
