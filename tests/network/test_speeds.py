"""Speeds by road class: the Kyrgyz tables, maxspeed tags and overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.exceptions import InputError
from circularopt.network import (
    SPEEDS_RURAL_KMH,
    SPEEDS_URBAN_KMH,
    RoadNetwork,
    load_network,
    speed_table,
)
from tests.network.conftest import _edge


def test_speeds_by_class_maxspeed_and_kg_tags(tiny: RoadNetwork) -> None:
    def kmh(a: int, b: int) -> float:
        e = _edge(tiny, a, b)
        return float(tiny.length_m[e] / tiny.travel_time_s[e] * 3.6)

    assert kmh(4, 6) == pytest.approx(SPEEDS_URBAN_KMH["primary"])
    assert kmh(1, 3) == pytest.approx(SPEEDS_URBAN_KMH["residential"])
    assert kmh(3, 6) == pytest.approx(30.0)  # maxspeed tag honoured
    assert kmh(1, 4) == pytest.approx(60.0)  # KG:urban


def test_rural_table_and_override(tiny_osm: Path) -> None:
    rural = load_network(tiny_osm, setting="rural", speeds_kmh={"residential": 25})
    e = _edge(rural, 4, 6)
    assert rural.length_m[e] / rural.travel_time_s[e] * 3.6 == pytest.approx(
        SPEEDS_RURAL_KMH["primary"])
    e = _edge(rural, 1, 3)
    assert rural.length_m[e] / rural.travel_time_s[e] * 3.6 == pytest.approx(25.0)
    assert speed_table("urban")["primary"] == 60.0
    assert speed_table("rural")["trunk"] == 90.0
    with pytest.raises(InputError, match="speeds_kmh"):
        speed_table("urban", {"primary": 0})
    with pytest.raises(InputError, match="setting"):
        speed_table("suburban")  # type: ignore[arg-type]
