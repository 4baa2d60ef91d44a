"""The private-house sector of a city spec and its synthetic street grid."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.cities import load_spec, synthetic_streets
from circularopt.exceptions import InputError
from circularopt.scenario import Scenario


def test_bishkek_half_hands_bags_to_trucks() -> None:
    spec = load_spec("bishkek")
    ph = spec.private_houses
    assert ph is not None and set(ph.share_of_residents.values()) == {0.5}
    assert "energeco.se" in spec.sources["private_houses"]
    streets = synthetic_streets(spec)
    assert all(s.synthetic and s.name.startswith("synthetic ") for s in streets)
    assert {s.zone for s in streets} == {d.id for d in spec.districts}
    tonnes = sum(s.total_tonnes_per_day for s in streets)
    assert tonnes == pytest.approx(spec.tonnes_per_day() / 2, rel=1e-6)
    households = sum(s.households for s in streets)
    assert households == pytest.approx(spec.population_total / 2 / 4.0, abs=4)
    scenario = Scenario("bishkek-streets", streams=spec.streams, streets=streets[:10])
    assert "synthetic" in scenario.summary()


def test_bishkek_streets_are_collected_once_a_week(tmp_path: Path) -> None:
    spec = load_spec("bishkek")
    assert spec.private_houses is not None and spec.private_houses.collections_per_week == 1
    assert "kant.kg" in spec.sources["private_houses"]
    assert {s.collections_per_week for s in synthetic_streets(spec)} == {1}
    text = spec.path.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("collections_per_week = 1\n", "collections_per_week = 9\n"),
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"private_houses.*collections_per_week.*9"):
        load_spec(bad)


def test_spec_without_private_houses_has_no_streets() -> None:
    spec = load_spec("osh")
    assert spec.private_houses is None
    with pytest.raises(InputError, match=r"private_houses.*a \[private_houses\] table"):
        synthetic_streets(spec)


def test_bad_share_names_the_key(tmp_path: Path) -> None:
    text = load_spec("bishkek").path.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("share_of_residents = 0.5",
                                'share_of_residents = {leninsky = 1.5}'), encoding="utf-8")
    with pytest.raises(InputError, match=r"private_houses.share_of_residents.leninsky"):
        load_spec(bad)
