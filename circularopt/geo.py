"""Sphere geometry shared by the matrices, the network and the outputs.

Positions are WGS84 degrees treated as points on a sphere of radius
:data:`EARTH_RADIUS_M`. Caveat: a sphere, not the ellipsoid: great-circle distances are
off by up to about 0.5 % from geodesic ones, which is well inside the uncertainty of the
circuity factors and snapping they are combined with.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["EARTH_RADIUS_M", "great_circle", "local_xy"]

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG), metres."""


def great_circle(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike, *,
                 earth_radius: float = EARTH_RADIUS_M) -> np.ndarray:
    """Great-circle (haversine) distance between points, vectorised.

    Parameters
    ----------
    lat1, lon1, lat2, lon2
        Positions in degrees: numbers or arrays that broadcast together (e.g.
        ``lat[:, None]`` against ``lat[None, :]`` for a full matrix).
    earth_radius
        Radius of the sphere, in the unit wanted for the result (default metres).

    Returns
    -------
    numpy.ndarray
        Distances in the unit of ``earth_radius``, shaped as the broadcast inputs (a
        0-d array for scalars: use ``float()`` on it).
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * earth_radius * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def local_xy(lat: ArrayLike, lon: ArrayLike, lat0: float) -> np.ndarray:
    """Local equirectangular projection to metres around latitude ``lat0``.

    Parameters
    ----------
    lat, lon
        Positions in degrees (1-d arrays of equal length).
    lat0
        Reference latitude, degrees (e.g. the mean of the area).

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` array of (x, y) metres. Caveat: fine at city and region scale (error
        well under 1 % within 100 km of ``lat0``), not across countries.
    """
    k = math.pi / 180.0 * EARTH_RADIUS_M
    return np.column_stack([np.asarray(lon) * k * math.cos(math.radians(lat0)),
                            np.asarray(lat) * k])
