"""Collection streets in the scenario: validation, JSON round trip, schema versions."""

from __future__ import annotations

import json

import pytest

from circularopt.exceptions import InputError
from circularopt.scenario import SCHEMA_VERSION, CollectionStreet, Scenario


def _street(**kw: object) -> CollectionStreet:
    args: dict[str, object] = dict(id="s1", from_lat=42.87, from_lon=74.60, to_lat=42.87,
                                   to_lon=74.61, tonnes_per_day={"residual": 0.2},
                                   households=20, service_min_per_household=0.25,
                                   service_min_per_km=2.0, name="ul. Test")
    args.update(kw)
    return CollectionStreet(**args)  # type: ignore[arg-type]


def test_street_length_and_service_time() -> None:
    street = _street()
    assert street.km == pytest.approx(0.815, abs=0.002)  # 0.01 deg of longitude at 42.87 N
    assert street.service_minutes == pytest.approx(20 * 0.25 + 2.0 * street.km)
    assert _street(length_km=1.5).km == 1.5


@pytest.mark.parametrize(("kw", "field"), [
    ({"tonnes_per_day": {"residual": -1.0}}, "tonnes_per_day"),
    ({"rule": "zigzag"}, "rule"),
    ({"households": -3}, "households"),
    ({"to_lat": 95.0}, "to"),
])
def test_bad_street_is_named(kw: dict[str, object], field: str) -> None:
    with pytest.raises(InputError, match=rf"CollectionStreet 's1'.*{field}"):
        _street(**kw)


def test_scenario_with_streets_round_trips() -> None:
    scenario = Scenario("streets", streets=(_street(synthetic=True),))
    data = json.loads(scenario.to_json())
    assert data["schema_version"] == SCHEMA_VERSION == 2
    again = Scenario.from_json(json.dumps(data))
    assert again == scenario and again.streets[0].synthetic
    assert "collection streets: 1 (0.2 t/day, synthetic)" in again.summary()


def test_version_1_file_loads_and_is_written_back_as_it_was() -> None:
    data = json.loads(Scenario("old").to_json())
    del data["streets"]
    data["schema_version"] = 1
    scenario = Scenario.from_json(json.dumps(data))
    assert scenario.streets == () and scenario.schema_version == 1
    assert scenario.to_dict() == data
    with pytest.raises(InputError, match="2 for a scenario with collection streets"):
        Scenario("old", schema_version=1, streets=(_street(),))


def test_street_stream_and_id_checked_by_scenario() -> None:
    with pytest.raises(InputError, match=r"CollectionStreet 's1'.tonnes_per_day"):
        Scenario("x", streets=(_street(tonnes_per_day={"gold": 1.0}),))
    with pytest.raises(InputError, match="unique ids"):
        Scenario("x", streets=(_street(), _street()))
