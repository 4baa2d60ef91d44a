"""Turn-aware matrices between located points."""

from __future__ import annotations

import numpy as np

from circularopt.matrices import road_matrices, turn_matrices
from circularopt.network import TurnAwareGraph
from tests.matrices.conftest import grid


def test_turn_matrices_without_penalty_equal_road_matrices() -> None:
    net = grid(6, seed=3)
    locs = [(f"p{k}", float(net.lat[k]) + 1e-5, float(net.lon[k])) for k in range(0, 36, 5)]
    plain = road_matrices(net, locs, cache=False, workers=1)
    turned = turn_matrices(TurnAwareGraph.build(net, u_turn_s=0.0), locs)
    np.testing.assert_allclose(turned.duration_s, plain.duration_s, atol=1e-6)
    np.testing.assert_allclose(turned.distance_m, plain.distance_m, atol=1e-6)
    assert "turn-aware" in turned.source and not turned.approximate


def test_u_turn_penalty_never_shortens() -> None:
    net = grid(6, seed=3)
    locs = [(f"p{k}", float(net.lat[k]), float(net.lon[k])) for k in range(0, 36, 7)]
    free = turn_matrices(TurnAwareGraph.build(net, u_turn_s=0.0), locs)
    slow = turn_matrices(TurnAwareGraph.build(net, u_turn_s=120.0), locs)
    assert (slow.duration_s >= free.duration_s - 1e-9).all()
