"""Travel-time and distance matrices between located objects.

All solvers read travel data through :class:`TravelMatrices`: square matrices over an
ordered tuple of ids. They come either from a road network (see
:mod:`circularopt.network`) or from the explicit offline approximation
:func:`approximate_matrices`, which every result built on it announces as approximate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from circularopt.exceptions import InputError

__all__ = [
    "EARTH_RADIUS_M",
    "TravelMatrices",
    "approximate_matrices",
    "haversine_m",
]

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG), metres."""


def haversine_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray,
                lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres (broadcasting over the inputs)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True, eq=False)
class TravelMatrices:
    """Travel durations and distances between ordered ids.

    Parameters
    ----------
    ids
        Ids of the rows (and columns).
    duration_s
        ``duration_s[i, j]``: travel time from ``ids[i]`` to ``ids[j]``, seconds.
    distance_m
        ``distance_m[i, j]``: length of that (fastest) path, metres.
    approximate
        True when the figures are an approximation rather than road-network paths.
    source
        Where the figures come from, in words (shown in results and reports).
    """

    ids: tuple[str, ...]
    duration_s: np.ndarray
    distance_m: np.ndarray
    approximate: bool
    source: str
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("duration_s", "distance_m"):
            arr = np.asarray(getattr(self, name), dtype=float)
            if arr.shape != (n, n):
                raise InputError(f"TravelMatrices.{name}", arr.shape,
                                 f"shape ({n}, {n}) to match {n} ids")
            if np.isnan(arr).any() or (arr < 0).any():
                raise InputError(f"TravelMatrices.{name}", "NaN or negative entries",
                                 "non-negative numbers (inf where unreachable)")
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        index = {i: k for k, i in enumerate(self.ids)}
        if len(index) != n:
            raise InputError("TravelMatrices.ids", "duplicates", "unique ids")
        object.__setattr__(self, "_index", index)

    def index(self, id_: str) -> int:
        """Row of ``id_``."""
        try:
            return self._index[id_]
        except KeyError:
            raise InputError("id", id_, "an id present in the travel matrices") from None

    def indices(self, ids: Sequence[str]) -> np.ndarray:
        """Rows of ``ids`` as an integer array."""
        return np.array([self.index(i) for i in ids], dtype=np.int64)

    def subset(self, ids: Sequence[str]) -> TravelMatrices:
        """Matrices restricted to ``ids`` (in that order)."""
        idx = self.indices(ids)
        sub = np.ix_(idx, idx)
        return TravelMatrices(tuple(ids), self.duration_s[sub], self.distance_m[sub],
                              self.approximate, self.source)


def approximate_matrices(locations: Sequence[tuple[str, float, float]], *,
                         circuity: float = 1.35, speed_kmh: float = 30.0) -> TravelMatrices:
    """Offline approximation: great-circle distance times a circuity factor.

    Parameters
    ----------
    locations
        ``(id, lat, lon)`` triples.
    circuity
        Ratio of road distance to great-circle distance. 1.3-1.4 is typical of city
        grids (Ballou et al. 2002 measured 1.1-1.5 across countries); the default is
        1.35.
    speed_kmh
        Average door-to-door speed of a collection truck, km/h. The default, 30 km/h, is
        a congested urban average below the 60 km/h urban limit.

    Returns
    -------
    TravelMatrices
        Marked ``approximate=True``. Use it only when no road network is available: it
        ignores one-way streets, rivers and missing links.
    """
    if not circuity >= 1.0:
        raise InputError("circuity", circuity, "a number >= 1")
    if not speed_kmh > 0:
        raise InputError("speed_kmh", speed_kmh, "a number > 0")
    ids = tuple(loc[0] for loc in locations)
    lat = np.array([loc[1] for loc in locations], dtype=float)
    lon = np.array([loc[2] for loc in locations], dtype=float)
    dist = circuity * haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    dur = dist / (speed_kmh / 3.6)
    return TravelMatrices(ids, dur, dist, True,
                          f"offline approximation: great-circle x {circuity:g}, "
                          f"{speed_kmh:g} km/h")
