"""The scenario model: validation with named fields, immutability, JSON round trip."""

from __future__ import annotations

import dataclasses
import json

import pytest

from circularopt import (
    CapacityOption,
    CollectionPoint,
    ComplexCandidate,
    Depot,
    InputError,
    Landfill,
    Recycler,
    Scenario,
    VehicleType,
)
from circularopt.scenario import SCHEMA_VERSION


@pytest.fixture
def tiny() -> Scenario:
    """Two points, one complex candidate, one depot, one recycler, one landfill."""
    comp = {"plastic": 0.1, "paper": 0.1, "glass": 0.05, "metal": 0.05, "organics": 0.5,
            "residual": 0.2}
    return Scenario(
        "tiny",
        collection_points=(
            CollectionPoint.from_total("p1", 42.87, 74.60, 2.0, comp, time_window=(480, 720)),
            CollectionPoint("p2", 42.88, 74.61, {"plastic": 0.3, "residual": 1.0},
                            collections_per_week=3),
        ),
        complex_candidates=(ComplexCandidate(
            "c1", 42.90, 74.62, (CapacityOption(100, 1e6), CapacityOption(300, 2e6)), 12.0,
            {"plastic": 0.7, "paper": 0.6}),),
        depots=(Depot("d1", 42.85, 74.58, (VehicleType("rear", 8.0, 20.0, 4),)),),
        recyclers=(Recycler("r1", 42.86, 74.69, {"plastic": 120.0}, 30.0),),
        landfills=(Landfill("lf", 42.94, 74.62, 4.0),),
        metadata={"city": "test"},
    )


def test_json_round_trip(tiny: Scenario) -> None:
    again = Scenario.from_json(tiny.to_json())
    assert again == tiny
    assert again.to_dict() == tiny.to_dict()
    assert json.loads(tiny.to_json())["schema_version"] == SCHEMA_VERSION


def test_file_round_trip(tiny: Scenario, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.json"
    tiny.to_json(path)
    assert Scenario.from_json(path) == tiny


def test_totals(tiny: Scenario) -> None:
    assert tiny.total_tonnes_per_day == pytest.approx(3.3)
    assert tiny.tonnes_by_stream()["plastic"] == pytest.approx(0.5)
    assert tiny.collection_points[1].tonnes_per_visit == pytest.approx(1.3 * 7 / 3)


def test_immutable(tiny: Scenario) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        tiny.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        tiny.collection_points[0].tonnes_per_day["plastic"] = 9  # type: ignore[index]


@pytest.mark.parametrize(("build", "field"), [
    (lambda: CollectionPoint("a", 91.0, 74.0, {}), "CollectionPoint 'a'.lat"),
    (lambda: CollectionPoint("a", 42.0, float("nan"), {}), "CollectionPoint 'a'.lon"),
    (lambda: CollectionPoint("a", 42.0, 74.0, {"plastic": -1}),
     "CollectionPoint 'a'.tonnes_per_day['plastic']"),
    (lambda: CollectionPoint("a", 42.0, 74.0, {}, time_window=(600, 500)),
     "CollectionPoint 'a'.time_window"),
    (lambda: CollectionPoint("a", 42.0, 74.0, {}, collections_per_week=8),
     "CollectionPoint 'a'.collections_per_week"),
    (lambda: CollectionPoint.from_total("a", 42.0, 74.0, 1.0, {"plastic": 0.5}),
     "CollectionPoint 'a'.composition"),
    (lambda: VehicleType("v", 0.0, 10.0, 1), "VehicleType 'v'.capacity_tonnes"),
    (lambda: VehicleType("v", 5.0, 10.0, -1), "VehicleType 'v'.count"),
    (lambda: ComplexCandidate("c", 42, 74, (), 1.0, {}), "ComplexCandidate 'c'.capacity_options"),
    (lambda: ComplexCandidate("c", 42, 74, (CapacityOption(1, 1),), 1.0, {"glass": 1.5}),
     "ComplexCandidate 'c'.recovery_rate['glass']"),
    (lambda: Recycler("r", 42, 74, {}, 1.0), "Recycler 'r'.price_per_tonne"),
    (lambda: Landfill("l", 42, 74, -3.0), "Landfill 'l'.tipping_fee_per_tonne"),
])
def test_invalid_values_name_the_field(build, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        build()
    assert info.value.field == field
    assert "expected" in str(info.value)


def test_unknown_stream_is_refused(tiny: Scenario) -> None:
    bad = CollectionPoint("p3", 42.0, 74.0, {"textiles": 1.0})
    with pytest.raises(InputError, match="textiles"):
        dataclasses.replace(tiny, collection_points=(*tiny.collection_points, bad))


def test_duplicate_ids_are_refused(tiny: Scenario) -> None:
    dup = Landfill("p1", 42.9, 74.6, 1.0)
    with pytest.raises(InputError, match="'p1'"):
        dataclasses.replace(tiny, landfills=(dup,))


def test_json_errors_name_the_place(tiny: Scenario) -> None:
    data = tiny.to_dict()
    data["collection_points"][1]["lat"] = "north"
    with pytest.raises(InputError, match=r"collection_points\[1\].*lat"):
        Scenario.from_dict(data)
    data = tiny.to_dict()
    data["schema_version"] = 99
    with pytest.raises(InputError, match="schema_version"):
        Scenario.from_dict(data)
    data = tiny.to_dict()
    data["depots"][0]["vehicle_types"][0]["wheels"] = 6
    with pytest.raises(InputError, match="wheels"):
        Scenario.from_dict(data)
    with pytest.raises(InputError, match="line 1"):
        Scenario.from_json("{not json")


def test_total_and_composition_in_json(tiny: Scenario) -> None:
    data = tiny.to_dict()
    point = data["collection_points"][1]
    del point["tonnes_per_day"]
    point["total_tonnes_per_day"] = 2.0
    point["composition"] = {"plastic": 0.25, "residual": 0.75}
    again = Scenario.from_dict(data)
    assert again.collection_points[1].tonnes_per_day["plastic"] == pytest.approx(0.5)


def test_nested_json_errors_name_the_path(tiny: Scenario) -> None:
    data = tiny.to_dict()
    data["depots"][0]["vehicle_types"][0]["count"] = -1
    with pytest.raises(InputError) as info:
        Scenario.from_dict(data)
    assert info.value.field.startswith("depots[0].vehicle_types[0] (VehicleType ")
    assert info.value.field.endswith(".count)")
    data = tiny.to_dict()
    data["complex_candidates"][0]["capacity_options"][0] = [1, 2]
    with pytest.raises(InputError, match=r"capacity_options\[0\].*a JSON object"):
        Scenario.from_dict(data)


def test_json_text_survives_a_round_trip_unchanged(tiny: Scenario) -> None:
    scenario = dataclasses.replace(tiny, metadata={"sources": {"a": "b"}, "ids": [1, 2],
                                                   "nested": {"x": [{"y": None}]}})
    text = scenario.to_json()
    assert Scenario.from_json(text).to_json() == text
    assert Scenario.from_json(text) == scenario
