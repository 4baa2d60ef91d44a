"""Sphere geometry: great-circle distances and the local projection."""

from __future__ import annotations

import math

import numpy as np
import pytest

from circularopt.geo import EARTH_RADIUS_M, great_circle, local_xy


def test_one_degree_of_latitude() -> None:
    d = float(great_circle(42.0, 74.0, 43.0, 74.0))
    assert d == pytest.approx(EARTH_RADIUS_M * math.pi / 180.0, rel=1e-12)
    assert float(great_circle(42.87, 74.59, 42.87, 74.59)) == 0.0


def test_vectorised_and_symmetric() -> None:
    lat = np.array([42.87, 42.90, 40.51, 42.49])
    lon = np.array([74.59, 74.62, 72.80, 78.39])
    full = great_circle(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    assert full.shape == (4, 4)
    np.testing.assert_allclose(full, full.T)
    np.testing.assert_array_equal(np.diag(full), 0.0)
    km = great_circle(lat[0], lon[0], lat[1], lon[1], earth_radius=EARTH_RADIUS_M / 1000.0)
    assert float(km) * 1000.0 == pytest.approx(full[0, 1])


def test_local_projection_agrees_at_city_scale() -> None:
    lat, lon = np.array([42.87, 42.90]), np.array([74.59, 74.65])
    xy = local_xy(lat, lon, 42.885)
    flat = float(np.hypot(*(xy[1] - xy[0])))
    assert flat == pytest.approx(float(great_circle(lat[0], lon[0], lat[1], lon[1])),
                                 rel=1e-3)


def test_old_haversine_name_warns_and_agrees() -> None:
    from circularopt.matrices import haversine_m

    with pytest.warns(DeprecationWarning, match="circularopt.geo.great_circle"):
        old = haversine_m(42.0, 74.0, 43.0, 74.0)
    assert float(old) == float(great_circle(42.0, 74.0, 43.0, 74.0))
