"""Synthetic street grids of neighbouring districts meet without overlapping."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter

import numpy as np
import pytest

from circularopt.cities import CitySpec, load_spec, synthetic_streets
from circularopt.scenario import CollectionStreet

KM_PER_DEG = 111.32


def _km(lat: float, lon: float, lat0: float) -> tuple[float, float]:
    """A position in km east and north."""
    return lon * KM_PER_DEG * math.cos(math.radians(lat0)), lat * KM_PER_DEG


def _xy(s: CollectionStreet, lat0: float) -> tuple[float, float]:
    """Midpoint of a street, km east and north."""
    return _km((s.from_lat + s.to_lat) / 2, (s.from_lon + s.to_lon) / 2, lat0)


def _two_close_districts(km_apart: float) -> CitySpec:
    """Bishkek's first two districts, small (about 50 blocks each) and ``km_apart``."""
    spec = load_spec("bishkek")
    a, b = spec.districts[:2]
    a = dataclasses.replace(a, population=3000.0)
    b = dataclasses.replace(b, population=3000.0, lat=a.lat,
                            lon=a.lon + km_apart / (KM_PER_DEG * math.cos(math.radians(a.lat))))
    return dataclasses.replace(spec, districts=(a, b))


@pytest.mark.parametrize("km_apart", [0.4, 1.0, 3.0])
def test_each_block_goes_to_the_nearest_district(km_apart: float) -> None:
    spec = _two_close_districts(km_apart)
    streets = synthetic_streets(spec)
    ends = Counter(frozenset({(s.from_lat, s.from_lon), (s.to_lat, s.to_lon)})
                   for s in streets)
    assert max(ends.values()) == 1  # no block twice
    lat0 = spec.districts[0].lat
    centres = {d.id: _km(d.lat, d.lon, lat0) for d in spec.districts}
    for s in streets:
        x, y = _xy(s, lat0)
        dist = {z: math.hypot(x - cx, y - cy) for z, (cx, cy) in centres.items()}
        assert dist[s.zone] <= min(dist.values()) + 1e-6, s.id
    # each district keeps its length of street: it grows away from its neighbour
    per_zone = Counter(s.zone for s in streets)
    alone = {d.id: len(synthetic_streets(dataclasses.replace(spec, districts=(d,))))
             for d in spec.districts}
    assert per_zone == alone
    assert all(s.km == pytest.approx(0.15) for s in streets)


def test_bishkek_districts_do_not_overlap() -> None:
    spec = load_spec("bishkek")
    streets = synthetic_streets(spec)
    lat0 = spec.districts[0].lat
    xy = np.array([_xy(s, lat0) for s in streets])
    zone = np.array([s.zone for s in streets])
    order = np.lexsort((xy[:, 1], xy[:, 0]))
    xy, zone = xy[order], zone[order]
    # lattice blocks' midpoints lie at least half a block (75 m) apart: any two closer
    # than 60 m would be overlapping streets
    from scipy.spatial import cKDTree

    pairs = cKDTree(xy).query_pairs(0.06, output_type="ndarray")
    assert len(pairs) == 0
    assert set(zone) == {d.id for d in spec.districts}
