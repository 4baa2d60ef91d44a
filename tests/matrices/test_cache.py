"""Matrices on disk: the road-matrix cache and .npz files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from circularopt.matrices import (
    approximate_matrices,
    load_matrices,
    road_matrices,
    save_matrices,
)
from tests.matrices.conftest import grid


def test_cache_hit_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    net = grid()
    locs = [("a", float(net.lat[1]), float(net.lon[1])),
            ("b", float(net.lat[40]), float(net.lon[40]))]
    first = road_matrices(net, locs, cache_dir=tmp_path, workers=1)
    assert len(list(tmp_path.glob("*.npz"))) == 1
    import circularopt.matrices.road as matrices_module

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed again instead of reading the cache")

    monkeypatch.setattr(matrices_module, "node_matrices", fail)
    again = road_matrices(net, locs, cache_dir=tmp_path)
    np.testing.assert_array_equal(again.duration_s, first.duration_s)
    assert again.ids == first.ids and again.source == first.source
    with pytest.raises(AssertionError, match="cache"):  # another point: another key
        road_matrices(net, [*locs, ("c", float(net.lat[2]), float(net.lon[2]))],
                      cache_dir=tmp_path)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    m = approximate_matrices([("a", 42.87, 74.59), ("b", 42.88, 74.60)])
    save_matrices(m, tmp_path / "m.npz")
    back = load_matrices(tmp_path / "m.npz")
    assert back.ids == m.ids and back.approximate and back.source == m.source
    np.testing.assert_array_equal(back.distance_m, m.distance_m)
