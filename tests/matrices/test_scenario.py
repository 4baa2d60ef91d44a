"""Matrices over a scenario's locations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from circularopt.cities import generate
from circularopt.matrices import approximate_matrices, road_matrices, scenario_matrices
from circularopt.network import RoadNetwork
from tests.matrices.conftest import grid


def test_without_a_network_the_approximation() -> None:
    sc = generate("bishkek", size=12, seed=0)
    got = scenario_matrices(sc)
    want = approximate_matrices(sc.locations())
    assert got.approximate and got.ids == want.ids
    np.testing.assert_array_equal(got.duration_s, want.duration_s)


def test_with_a_network_the_road_matrices(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIRCULAROPT_CACHE", str(tmp_path))
    net: RoadNetwork = grid()
    locs = [("a", float(net.lat[1]), float(net.lon[1])),
            ("b", float(net.lat[40]), float(net.lon[40]))]

    class Located:
        def locations(self) -> list[tuple[str, float, float]]:
            return locs

    got = scenario_matrices(Located(), net)  # type: ignore[arg-type]
    want = road_matrices(net, locs, cache=False, workers=1)
    assert not got.approximate
    np.testing.assert_array_equal(got.distance_m, want.distance_m)
