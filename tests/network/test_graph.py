"""RoadNetwork built from edge lists."""

from __future__ import annotations

import pytest

from circularopt.exceptions import InputError
from circularopt.network import (
    RoadNetwork,
)


def test_from_edges_dedups_and_validates() -> None:
    net = RoadNetwork.from_edges([0, 0, 0], [0, 0.001, 0.002], [0, 0, 0, 1, 1, 2],
                                 [1, 1, 0, 0, 2, 1], [5, 3, 1, 4, 2, 2],
                                 [50, 40, 1, 40, 30, 30])
    assert net.n_edges == 4  # parallel 0->1 reduced to the fastest, self-loop dropped
    assert net.travel_time_s[net.edge_index(0, 1)] == 3
    with pytest.raises(InputError):
        RoadNetwork.from_edges([0], [0], [0], [5], [1], [1])
    with pytest.raises(InputError):
        RoadNetwork.from_edges([0, 0], [0, 1], [0], [1], [-1], [1])
