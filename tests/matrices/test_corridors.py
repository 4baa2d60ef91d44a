"""The corridor approximation: a tiny three-town spec and Issyk-Kul without an OSM file."""

from __future__ import annotations

import dataclasses
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from shapely import LineString, Polygon

from circularopt import generate, site, solve
from circularopt.cities import Corridor, District, load_spec
from circularopt.config import cities_dir
from circularopt.exceptions import InputError
from circularopt.geo import great_circle
from circularopt.matrices import (
    CorridorGraph,
    approximate_matrices,
    corridor_matrices,
    scenario_matrices,
    spec_corridors,
)


def _town(did: str, lat: float, lon: float) -> District:
    return District(did, did, lat, lon, 1.0, 1000.0, 1000.0, 0.5, False, "test")


@pytest.fixture
def three_towns() -> CorridorGraph:
    """West and East on either side of a lake, joined only by a road via North."""
    spec = dataclasses.replace(
        load_spec("issyk-kul"),
        districts=(_town("west", 0.0, 0.0), _town("east", 0.0, 1.0), _town("north", 0.5, 0.5)),
        corridors=(Corridor("ring", "ring", ("west", "north", "east"), 1.0, "test"),))
    graph = CorridorGraph.from_spec(spec)
    assert graph is not None
    return graph


def _gc(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(great_circle(a[0], a[1], b[0], b[1]))


def test_distance_goes_round_the_lake(three_towns: CorridorGraph) -> None:
    west, east, north = (0.0, 0.0), (0.0, 1.0), (0.5, 0.5)
    m = corridor_matrices([("w", *west), ("e", *east)], three_towns)
    expected = _gc(west, north) + _gc(north, east)  # circuity 1 on the legs
    assert m.distance_m[0, 1] == pytest.approx(expected)
    assert m.distance_m[0, 1] > 1.35 * _gc(west, east)
    assert m.approximate and m.source.startswith("corridor approximation")


def test_point_reaches_its_settlement_centre_first(three_towns: CorridorGraph) -> None:
    p, q = (0.01, 0.0), (0.0, 0.99)  # near West, near East
    m = corridor_matrices([("p", *p), ("q", *q)], three_towns, circuity=1.2)
    ring = _gc((0.0, 0.0), (0.5, 0.5)) + _gc((0.5, 0.5), (0.0, 1.0))
    expected = 1.2 * _gc(p, (0.0, 0.0)) + ring + 1.2 * _gc((0.0, 1.0), q)
    assert m.distance_m[0, 1] == pytest.approx(expected)
    assert m.distance_m[1, 0] == pytest.approx(expected)


def test_inside_a_settlement_as_before(three_towns: CorridorGraph) -> None:
    locs = [("a", 0.001, 0.0), ("b", 0.0, 0.002)]
    plain = approximate_matrices(locs)
    m = corridor_matrices(locs, three_towns)
    np.testing.assert_allclose(m.distance_m, plain.distance_m)
    np.testing.assert_allclose(m.duration_s, plain.duration_s)


def test_unknown_settlement_in_a_spec_is_refused(tmp_path: Path) -> None:
    text = (cities_dir() / "issyk-kul.toml").read_text(encoding="utf-8")
    path = tmp_path / "ik.toml"
    path.write_text(text.replace('"toru-aygyr", "tamchy"', '"toru-aygyr", "tamchi"'),
                    encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_spec(path)
    assert "corridors[0].settlements" in str(err.value) and "tamchy" in str(err.value)


# ------------------------------------------------------------------ Issyk-Kul

LAKE = Polygon([(76.35, 42.42), (76.7, 42.55), (77.1, 42.60), (77.6, 42.66), (78.0, 42.66),
                (78.15, 42.60), (77.95, 42.45), (77.7, 42.25), (77.2, 42.20), (76.7, 42.25)])
"""A rough polygon (lon, lat) inside Issyk-Kul, a few km off the shore villages."""
LAKE_ENDS = ((42.46, 76.19), (42.55, 78.28))
"""Roughly the lake's west end (Balykchy) and east end (between Tyup and Karakol)."""


def _crosses_lake(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return bool(LineString([(a[1], a[0]), (b[1], b[0])]).intersects(LAKE))


def _north(p: tuple[float, float]) -> bool:
    """North of the lake's long axis (76.35 E 42.42 N to 78.15 E 42.60 N)."""
    return p[0] > 42.42 + (p[1] - 76.35) * (0.18 / 1.8)


def _opposite_shores(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """On opposite shores of the lake's middle part, where the road must go round."""
    middle = all(76.6 < p[1] < 77.9 for p in (a, b))
    return middle and _north(a) != _north(b) and _crosses_lake(a, b)


@pytest.mark.parametrize("k", range(4))
def test_issyk_kul_within_15_percent_of_each_published_distance(k: int) -> None:
    spec = load_spec("issyk-kul")
    graph = CorridorGraph.from_spec(spec)
    assert graph is not None and len(spec.road_distances) == 4
    check = spec.road_distances[k]
    assert graph.distance_km(check.a, check.b, via=check.via) == pytest.approx(check.km,
                                                                               rel=0.15)


def test_via_keeps_one_corridor() -> None:
    """Two roads from A to C: the short one via B, a long one via D; ``via`` picks one."""
    spec = dataclasses.replace(
        load_spec("issyk-kul"),
        districts=(_town("a", 0.0, 0.0), _town("b", 0.1, 0.5), _town("c", 0.0, 1.0),
                   _town("d", -0.8, 0.5)),
        corridors=(Corridor("short", "short", ("a", "b", "c"), 1.0, "test"),
                   Corridor("long", "long", ("a", "d", "c"), 1.0, "test")))
    graph = CorridorGraph.from_spec(spec)
    assert graph is not None
    short = (_gc((0.0, 0.0), (0.1, 0.5)) + _gc((0.1, 0.5), (0.0, 1.0))) / 1000
    long = (_gc((0.0, 0.0), (-0.8, 0.5)) + _gc((-0.8, 0.5), (0.0, 1.0))) / 1000
    assert graph.distance_km("a", "c") == pytest.approx(short)
    assert graph.distance_km("a", "c", via="long") == pytest.approx(long)
    with pytest.raises(InputError, match="via"):
        graph.distance_km("a", "c", via="nowhere")


def test_issyk_kul_no_cross_lake_shortcut_in_the_matrices() -> None:
    scenario = generate("issyk-kul", size=60, season="winter")
    m = scenario_matrices(scenario)
    where = {i: (lat, lon) for i, lat, lon in scenario.locations()}
    crossing = [(a, b) for a in m.ids for b in m.ids if _opposite_shores(where[a], where[b])]
    assert crossing  # the scenario has points on both shores
    for a, b in crossing:  # at least round the lake's west or east end
        pa, pb = where[a], where[b]
        round_lake = min(_gc(pa, tip) + _gc(tip, pb) for tip in LAKE_ENDS)
        assert m.distance_m[m.index(a), m.index(b)] >= 0.95 * round_lake, (a, b)


def test_issyk_kul_siting_serves_no_point_across_the_lake() -> None:
    scenario = generate("issyk-kul", size=60, season="winter")
    where = {i: (lat, lon) for i, lat, lon in scenario.locations()}
    result = site(scenario, scenario_matrices(scenario), time_limit=30, threads=1)
    # with great circle x 1.35 instead, Semenovka (north) goes to Bokonbaevo (south)
    across = [(p, c) for p, c in result.assignment.items()
              if _opposite_shores(where[p], where[c])]
    assert result.assignment and not across
    assert "corridor approximation" in result.matrices_source


def test_issyk_kul_routes_drive_no_leg_across_the_lake() -> None:
    plan = solve("issyk-kul", size=150, season="winter", time_limit=20, seed=1)
    assert plan.approximate and plan.routing is not None
    where = {i: (lat, lon) for i, lat, lon in plan.scenario.locations()}
    legs = [(a, b) for route in plan.routing.routes
            for a, b in pairwise(v.id.split("@")[0] for v in route.visits)
            if a in where and b in where]
    assert legs and not [leg for leg in legs if _opposite_shores(*map(where.get, leg))]


def test_corridors_only_for_specs_that_list_them() -> None:
    issyk = generate("issyk-kul", size=20, season="winter")
    assert scenario_matrices(issyk).source.startswith("corridor approximation")
    plain = scenario_matrices(issyk, corridors=False)
    np.testing.assert_allclose(plain.distance_m,
                               approximate_matrices(issyk.locations()).distance_m)
    assert spec_corridors(generate("bishkek", size=20)) is None
    anonymous = dataclasses.replace(issyk, metadata={})
    assert spec_corridors(anonymous) is None


@pytest.mark.parametrize("city, span_km", [("bishkek", 25.0), ("osh", 15.0)])
def test_city_only_specs_need_no_corridors(city: str, span_km: float) -> None:
    # Bishkek and Osh list no settlement outside the city, so corridors would change
    # nothing; a site added outside should come with its corridor (and this test fails)
    spec = load_spec(city)
    items = [*spec.districts, *spec.complexes, *spec.recyclers, *spec.landfills,
             *spec.depots]
    lat = np.array([x.lat for x in items])
    lon = np.array([x.lon for x in items])
    far = great_circle(lat[:, None], lon[:, None], lat[None, :], lon[None, :]).max()
    assert not spec.corridors and far / 1000 < span_km
