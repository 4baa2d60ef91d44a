"""Snapping points onto the network's edges."""

from __future__ import annotations

import math

import pytest

from circularopt.exceptions import InputError, SnappingError
from circularopt.network import (
    RoadNetwork,
    snap,
)
from tests.network.conftest import NODES, _edge, _node


def test_snap_at_nodes_and_on_edges(tiny: RoadNetwork) -> None:
    n1 = _node(tiny, 1)
    lat1, lon1 = NODES[1]
    lon3 = NODES[3][1]
    # 30 % of the way from node 1 to node 3, about 33 m north of the road
    frac = 0.3
    plat, plon = lat1 + 0.0003, lon1 + frac * (lon3 - lon1)
    s = snap(tiny, ["at1", "near"], [lat1, plat], [lon1, plon], max_snap_m=100)
    assert s.node.tolist() == [n1, n1]
    assert s.distance_m[0] == pytest.approx(0, abs=0.01)
    assert s.leg_m[0] == pytest.approx(0, abs=0.01)
    assert s.distance_m[1] == pytest.approx(0.0003 * math.pi / 180 * 6_371_008.8, rel=0.01)
    e = _edge(tiny, 1, 3)
    assert s.leg_m[1] == pytest.approx(frac * tiny.length_m[e], rel=0.01)
    assert s.leg_s[1] == pytest.approx(frac * tiny.travel_time_s[e], rel=0.01)


def test_snapping_error_names_far_points(tiny: RoadNetwork) -> None:
    lat, lon = NODES[1]
    with pytest.raises(SnappingError) as info:
        snap(tiny, ["ok", "far-1", "far-2"], [lat, lat - 0.01, lat + 0.02],
             [lon, lon, lon], max_snap_m=200)
    assert [pid for pid, _ in info.value.far] == ["far-1", "far-2"]
    assert "'far-1'" in str(info.value) and "200 m" in str(info.value)
    assert info.value.far[0][1] == pytest.approx(0.01 * math.pi / 180 * 6_371_008.8, rel=0.01)
    with pytest.raises(InputError, match="'bad'"):
        snap(tiny, ["bad"], [float("nan")], [lon])
