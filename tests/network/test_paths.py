"""Fastest node paths and their polylines."""

from __future__ import annotations

from itertools import pairwise

import pytest

from circularopt.matrices import node_matrices
from circularopt.network import (
    RoadNetwork,
    route_path,
)
from tests.network.conftest import _edge_set, _node


def test_route_path_follows_oneways(tiny: RoadNetwork) -> None:
    a, b = _node(tiny, 6), _node(tiny, 4)
    path = route_path(tiny, a, b)
    assert path[0] == a and path[-1] == b
    edges = [tiny.edge_index(x, y) for x, y in pairwise(path)]
    dur, dist = node_matrices(tiny, [a], [b], workers=1)
    assert tiny.travel_time_s[edges].sum() == pytest.approx(dur[0, 0], abs=0.01)
    assert tiny.length_m[edges].sum() == pytest.approx(dist[0, 0], abs=0.05)
    assert (6, 4) not in _edge_set(tiny)  # so the path goes around the block
    assert len(path) > 2
