"""The offline approximation: great-circle distances times a circuity factor."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from circularopt._validate import number
from circularopt.geo import great_circle
from circularopt.matrices.travel import TravelMatrices

__all__ = ["approximate_durations", "approximate_matrices"]


def approximate_matrices(locations: Sequence[tuple[str, float, float]], *,
                         circuity: float = 1.35, speed_kmh: float = 30.0,
                         urban_km: float = 10.0, rural_speed_kmh: float = 70.0
                         ) -> TravelMatrices:
    """Offline approximation: great-circle distance times a circuity factor.

    The road distance is ``circuity`` times the great-circle distance. A trip's first
    ``urban_km`` kilometres are driven at ``speed_kmh`` (streets), the rest at
    ``rural_speed_kmh`` (trunk roads between towns), so short urban hops and long
    inter-town trips (Issyk-Kul's lake shore, Bishkek to a landfill out of town) both get
    plausible times.

    Parameters
    ----------
    locations
        ``(id, lat, lon)`` triples.
    circuity
        Ratio of road distance to great-circle distance. 1.3-1.4 is typical of city
        grids (Ballou et al. 2002 measured 1.1-1.5 across countries); the default is
        1.35.
    speed_kmh
        Average door-to-door speed of a collection truck in town, km/h. The default,
        30 km/h, is a congested urban average below the 60 km/h urban limit.
    urban_km
        Road kilometres of a trip driven at ``speed_kmh`` before the faster rural speed
        applies (default 10 km).
    rural_speed_kmh
        Average truck speed beyond the first ``urban_km``, km/h. The default, 70 km/h, is
        below the 90 km/h limit outside settlements (Kyrgyz traffic rules).

    Returns
    -------
    TravelMatrices
        Marked ``approximate=True``. Use it only when no road network is available: it
        ignores one-way streets, rivers, mountains and missing links.
    """
    circuity = number("circuity", circuity, lo=1.0)
    speed_kmh = number("speed_kmh", speed_kmh, lo=0.0, lo_open=True)
    rural_speed_kmh = number("rural_speed_kmh", rural_speed_kmh, lo=0.0, lo_open=True)
    urban_km = number("urban_km", urban_km, lo=0.0)
    ids = tuple(loc[0] for loc in locations)
    lat = np.array([loc[1] for loc in locations], dtype=float)
    lon = np.array([loc[2] for loc in locations], dtype=float)
    n = len(ids)
    dist, dur = np.empty((n, n)), np.empty((n, n))
    # by blocks of rows: the temporaries of the formulas stay small (whole matrices at
    # once peaked at about 3 times the two results' memory: 4.5 GB for 9,600 locations)
    for i in range(0, n, _ROWS):
        rows = slice(i, i + _ROWS)
        dist[rows] = circuity * great_circle(lat[rows, None], lon[rows, None],
                                             lat[None, :], lon[None, :])
        dur[rows] = approximate_durations(dist[rows], speed_kmh=speed_kmh, urban_km=urban_km,
                                          rural_speed_kmh=rural_speed_kmh)
    return TravelMatrices(ids, dur, dist, True,
                          f"offline approximation: great-circle x {circuity:g}, "
                          f"{speed_kmh:g} km/h for the first {urban_km:g} km, "
                          f"{rural_speed_kmh:g} km/h beyond")


_ROWS = 512
"""Rows of the matrices computed at a time by :func:`approximate_matrices`."""


def approximate_durations(dist: np.ndarray, *, speed_kmh: float = 30.0, urban_km: float = 10.0,
                          rural_speed_kmh: float = 70.0) -> np.ndarray:
    """Seconds for road distances ``dist`` (metres): the first ``urban_km`` at
    ``speed_kmh``, the rest at ``rural_speed_kmh`` (see :func:`approximate_matrices`)."""
    speed_kmh = number("speed_kmh", speed_kmh, lo=0.0, lo_open=True)
    rural_speed_kmh = number("rural_speed_kmh", rural_speed_kmh, lo=0.0, lo_open=True)
    urban_km = number("urban_km", urban_km, lo=0.0)
    urban_m = np.minimum(dist, urban_km * 1000.0)
    return np.asarray(urban_m / (speed_kmh / 3.6) + (dist - urban_m) / (rural_speed_kmh / 3.6))
