"""The offline approximation."""

from __future__ import annotations

import numpy as np
import pytest

from circularopt.exceptions import InputError
from circularopt.geo import great_circle
from circularopt.matrices import (
    approximate_matrices,
)


def test_approximation_symmetric_zero_diagonal_and_scaled() -> None:
    locs = [("a", 42.87, 74.59), ("b", 42.90, 74.62), ("c", 42.84, 74.70)]
    m = approximate_matrices(locs)
    assert m.approximate and "approximation" in m.source
    np.testing.assert_allclose(m.distance_m, m.distance_m.T)
    assert np.all(np.diag(m.distance_m) == 0) and np.all(np.diag(m.duration_s) == 0)
    gc = great_circle(*(np.array([x]) for x in (42.87, 74.59, 42.90, 74.62)))[0]
    assert m.distance_m[0, 1] == pytest.approx(1.35 * gc)
    wider = approximate_matrices(locs, circuity=1.5, speed_kmh=60, rural_speed_kmh=60)
    np.testing.assert_allclose(wider.distance_m, m.distance_m * 1.5 / 1.35)
    np.testing.assert_allclose(wider.duration_s, wider.distance_m / (60 / 3.6))
    with pytest.raises(InputError, match="circuity"):
        approximate_matrices(locs, circuity=0.9)


def test_approximation_drives_faster_beyond_the_urban_stretch() -> None:
    # Karakol to Balykchy: ~180 km of road; the first 10 km at 30 km/h, the rest at 70.
    m = approximate_matrices([("karakol", 42.49, 78.393), ("balykchy", 42.46, 76.187)])
    road_km = m.distance_m[0, 1] / 1000
    assert road_km > 150
    assert m.duration_s[0, 1] / 3600 == pytest.approx(10 / 30 + (road_km - 10) / 70)
    near = approximate_matrices([("a", 42.87, 74.59), ("b", 42.88, 74.60)])
    assert near.duration_s[0, 1] == pytest.approx(near.distance_m[0, 1] / (30 / 3.6))
    with pytest.raises(InputError, match="urban_km"):
        approximate_matrices([("a", 42.87, 74.59)], urban_km=-1)
