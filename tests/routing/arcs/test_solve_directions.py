"""Exact direction choice on hand-made task matrices."""

from __future__ import annotations

import numpy as np

from circularopt.routing.arcs.directions import (
    best_directions,
    sequence_cost,
    twin_table,
)


def _line() -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Depot 0 and streets 0-1, 1-2 on a line (cost 10 each), both either-rule.

    Tasks: 0 = 0->1, 1 = 1->0, 2 = 1->2, 3 = 2->1. Matrix rows/cols: depot, tasks.
    Entry [a, b] = deadhead from a's end to b's start + 10.
    """
    start = {0: 0, 1: 1, 2: 1, 3: 2}
    end = {0: 1, 1: 0, 2: 2, 3: 1}
    mat = np.zeros((5, 5), dtype=np.int64)
    for a in range(5):
        for b in range(5):
            ea = 0 if a == 0 else end[a - 1]
            sb = 0 if b == 0 else start[b - 1]
            mat[a, b] = 10 * abs(ea - sb) + (0 if b == 0 else 10)
    np.fill_diagonal(mat, 0)
    return mat, twin_table([0, 0, 1, 1])


def test_twin_table_pairs_group_members_and_keeps_mandatory_alone() -> None:
    assert twin_table([None, 0, 0, None]) == [(0,), (1, 2), (1, 2), (3,)]


def test_best_directions_turns_a_wrong_way_route_around() -> None:
    mat, twins = _line()
    wrong = [1, 3]  # serve 1->0 then 2->1: 10+10 + 20+10 + 10 = 60
    assert sequence_cost(mat, 1, wrong) == 60
    right = best_directions(mat, 1, wrong, twins)
    assert right == [0, 2]  # 0->1, 1->2, back 20: 40
    assert sequence_cost(mat, 1, right) == 40


def test_best_directions_keeps_an_optimal_route_and_unloads() -> None:
    mat, twins = _line()
    assert best_directions(mat, 1, [0, 2], twins) == [0, 2]
    assert best_directions(mat, 1, [], twins) == []
    assert best_directions(mat, 1, [0, -1, 2], twins) == [0, -1, 2]
