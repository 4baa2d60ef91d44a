"""BlockMatrix: the same look-ups as the dense union of the blocks, without building it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from circularopt.matrices import scenario_matrices
from circularopt.plan.kpis import kind_split, route_totals
from circularopt.routing.blocks import BlockIndex, BlockMatrix
from circularopt.routing.decompose import RoutingOptions, route_city
from circularopt.routing.periodic.city import route_week, validate_week
from circularopt.routing.scenario import nearest_sites
from circularopt.routing.validate import validate_routes
from tests.helpers import town

INF = 1e9


def dense_union(n: int, members: list[list[int]], blocks: list[np.ndarray]) -> np.ndarray:
    """The former construction: INF everywhere, each block written over it in turn."""
    out = np.full((n, n), INF)
    for idx, block in zip(members, blocks, strict=True):
        out[np.ix_(idx, idx)] = block
    return out


@pytest.fixture
def three_parts() -> tuple[int, list[list[int]], list[np.ndarray]]:
    """Locations 0 (a depot) and 1 (a site) in every part, 7 (a site) in parts 1 and 2;
    the others in one part each, out of order."""
    members = [[0, 1, 4, 2], [5, 0, 7, 1, 3], [1, 6, 0, 7, 8]]
    rng = np.random.default_rng(3)
    blocks = [rng.integers(1, 100, (len(m), len(m))).astype(float) for m in members]
    return 9, members, blocks


def test_every_lookup_equals_the_dense_union(three_parts) -> None:
    n, members, blocks = three_parts
    m = BlockMatrix(BlockIndex(n, [np.array(x) for x in members]), blocks, INF)
    want = dense_union(n, members, blocks)
    for a in range(n):
        for b in range(n):
            assert m[a, b] == want[a, b], (a, b)
    rows, cols = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    assert np.array_equal(m[rows, cols], want)
    assert np.array_equal(m[np.array([2, 4]), 0], want[[2, 4], 0])
    assert np.array_equal(np.asarray(m), want) and m.shape == (n, n)
    assert m[-1, 0] == want[-1, 0]


def test_hand_checked_values(three_parts) -> None:
    n, members, blocks = three_parts
    m = BlockMatrix(BlockIndex(n, [np.array(x) for x in members]), blocks, INF)
    assert m[4, 2] == blocks[0][2, 3]  # both in part 0 only
    assert m[4, 3] == INF  # parts 0 and 1: no arc
    assert m[3, 7] == blocks[1][4, 2]  # 7 shared, 3 in part 1
    assert m[7, 1] == blocks[2][3, 0]  # both shared: the last part holding both wins
    assert m[2, 7] == INF  # 7 is not in part 0


def test_bad_indices_are_refused(three_parts) -> None:
    n, members, blocks = three_parts
    m = BlockMatrix(BlockIndex(n, [np.array(x) for x in members]), blocks, INF)
    with pytest.raises(IndexError):
        m[9, 0]
    with pytest.raises(IndexError):
        m[np.array([0, 9]), 0]
    with pytest.raises(TypeError):
        m[0]
    with pytest.raises(TypeError):
        m[0.5, 1]
    with pytest.raises(ValueError, match="square block"):
        BlockMatrix(BlockIndex(n, [np.array(x) for x in members]), blocks[:2], INF)


def test_a_small_citys_week_is_judged_the_same_as_on_dense_matrices() -> None:
    """Validation and KPI figures of the stitched peak day and of every week day: the
    block matrices of ``merge_problems`` against the dense union they replace."""
    s = town(8)
    pts = tuple(dataclasses.replace(p, collections_per_week=f)
                for p, f in zip(s.collection_points, (2, 3, 7, 1, 2, 3, 7, 1), strict=True))
    s = dataclasses.replace(s, collection_points=pts)
    m = scenario_matrices(s, None)
    assign = nearest_sites(s, m)
    opts = RoutingOptions(workers=1, max_part_stops=4)
    peak = route_city(s, m, assignment=assign, options=opts, time_limit=2, seed=1)
    week = route_week(s, m, assignment=assign, options=opts, time_limit=4, seed=1)
    cities = [peak, *[c for c in week.plans if c is not None]]
    assert len(cities) > 2 and len(peak.parts) > 1
    for city in cities:
        p = city.problem
        assert isinstance(p.distance, BlockMatrix)
        dense = dataclasses.replace(p, distance=np.asarray(p.distance),
                                    duration=np.asarray(p.duration))
        mine, want = validate_routes(p, city.result), validate_routes(dense, city.result)
        assert mine.ok and (mine.violations, mine.cost, mine.distance, mine.duration) == (
            want.violations, want.cost, want.distance, want.duration)
        assert route_totals(p, city.result) == route_totals(dense, city.result)
        assert kind_split(p, city.result, ()) == kind_split(dense, city.result, ())
    assert validate_week(s, week).ok
