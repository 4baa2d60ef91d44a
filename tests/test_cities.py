"""City specs and the scenario generator: loading, shares, totals, seeds, errors."""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circularopt import InputError, Scenario
from circularopt.cities import apportion, generate, list_cities, load_spec
from circularopt.cli import main
from circularopt.config import cities_dir

CASES = [("bishkek", None), ("osh", None), ("issyk-kul", "summer"), ("issyk-kul", "winter")]
SMALL = 90


def _raw(city: str) -> dict:  # type: ignore[type-arg]
    return tomllib.loads((cities_dir() / f"{city}.toml").read_text(encoding="utf-8"))


def _expected_district_tonnes(city: str, season: str | None) -> dict[str, float]:
    """Tonnes per day per district straight from the TOML, independently of the loader."""
    raw = _raw(city)
    districts = raw["districts"]
    scale = raw["population"]["total"] / sum(d["population"] for d in districts)
    kg = raw["generation"]["kg_per_person_day"]
    factors: dict[str, float] = {}
    default = 1.0
    if season is not None:
        default = raw["seasons"][season].get("default_factor", 1.0)
        factors = raw["seasons"][season].get("factors", {})
    return {d["id"]: d["population"] * scale * d.get("kg_per_person_day", kg) / 1000
            * factors.get(d["id"], default) for d in districts}


@pytest.fixture(scope="module", params=CASES, ids=[f"{c}-{s}" for c, s in CASES])
def case(request: pytest.FixtureRequest) -> tuple[str, str | None, Scenario]:
    """A small generated scenario per city (and season)."""
    city, season = request.param
    return city, season, generate(city, size=SMALL, seed=3, season=season)


def test_three_cities_listed() -> None:
    assert {"bishkek", "osh", "issyk-kul"} <= set(list_cities())


@pytest.mark.parametrize("city", ["bishkek", "osh", "issyk-kul"])
def test_spec_loads_with_sources(city: str) -> None:
    spec = load_spec(city)
    assert spec.name == city
    assert sum(d.population for d in spec.districts) == pytest.approx(spec.population_total)
    assert sum(spec.composition.values()) == pytest.approx(1.0)
    for d in spec.districts:
        assert spec.sources[f"districts.{d.id}"].strip()
    for obj in (*spec.complexes, *spec.recyclers, *spec.landfills, *spec.depots):
        kind = next(k for k in spec.sources if k.split(".")[-1] == obj.id)
        assert spec.sources[kind].strip()
    assert set(spec.illustrative) <= {o.id for o in (*spec.complexes, *spec.recyclers,
                                                     *spec.landfills, *spec.depots)}


def test_bishkek_generation_rate_derived_from_sourced_figures() -> None:
    spec = load_spec("bishkek")
    assert spec.kg_per_person_day == pytest.approx(1_000_000 / 1_145_044, abs=5e-4)
    assert spec.tonnes_per_day() == pytest.approx(1000.0, rel=1e-3)


def test_sites_follow_population(case: tuple[str, str | None, Scenario]) -> None:
    city, season, scenario = case
    spec = load_spec(city)
    factors = spec.factors(season)
    present = {d.id: d.population * factors[d.id] for d in spec.districts}
    total = sum(present.values())
    counts = dict.fromkeys(present, 0)
    by_name = {d.name: d.id for d in spec.districts}
    for p in scenario.collection_points:
        district = p.id.rsplit("-", 1)[0]
        assert district in counts and by_name[p.name] in counts
        counts[district] += 1
    assert sum(counts.values()) == SMALL == len(scenario.collection_points)
    for did, n in counts.items():
        assert abs(n - SMALL * present[did] / total) < 1.0, did


def test_total_waste_is_per_capita_times_population(
        case: tuple[str, str | None, Scenario]) -> None:
    city, season, scenario = case
    expected = _expected_district_tonnes(city, season)
    assert scenario.total_tonnes_per_day == pytest.approx(sum(expected.values()), rel=1e-9)
    assert scenario.metadata["tonnes_per_day"] == pytest.approx(sum(expected.values()))
    composition = _raw(city)["composition"]
    for stream, tonnes in scenario.tonnes_by_stream().items():
        assert tonnes == pytest.approx(composition[stream] * scenario.total_tonnes_per_day)


def test_district_totals_exact_when_every_district_has_sites() -> None:
    scenario = generate("issyk-kul", size=300, seed=1, season="summer")
    expected = _expected_district_tonnes("issyk-kul", "summer")
    got = dict.fromkeys(expected, 0.0)
    for p in scenario.collection_points:
        got[p.id.rsplit("-", 1)[0]] += p.total_tonnes_per_day
    for did, tonnes in expected.items():
        assert got[did] == pytest.approx(tonnes, rel=1e-9), did


def test_issyk_kul_summer_exceeds_winter_in_resorts() -> None:
    summer = generate("issyk-kul", size=200, season="summer").metadata["districts"]
    winter = generate("issyk-kul", size=200, season="winter").metadata["districts"]
    assert summer["cholpon-ata"]["tonnes_per_day"] > 3 * winter["cholpon-ata"]["tonnes_per_day"]
    assert summer["cholpon-ata"]["sites"] > winter["cholpon-ata"]["sites"]


def test_sites_lie_within_their_district_radius(
        case: tuple[str, str | None, Scenario]) -> None:
    city, _, scenario = case
    districts = {d.id: d for d in load_spec(city).districts}
    for p in scenario.collection_points:
        d = districts[p.id.rsplit("-", 1)[0]]
        dy = (p.lat - d.lat) * 111.32
        dx = (p.lon - d.lon) * 111.32 * math.cos(math.radians(d.lat))
        assert math.hypot(dx, dy) <= d.radius_km + 1e-3


def test_seed_reproducible_and_varies() -> None:
    a = generate("osh", size=30, seed=7)
    assert generate("osh", size=30, seed=7) == a
    b = generate("osh", size=30, seed=8)
    assert [(p.lat, p.lon) for p in a.collection_points] != \
        [(p.lat, p.lon) for p in b.collection_points]
    assert a.total_tonnes_per_day == pytest.approx(b.total_tonnes_per_day)


def test_json_round_trip(case: tuple[str, str | None, Scenario], tmp_path: Path) -> None:
    _, _, scenario = case
    again = Scenario.from_json(scenario.to_json())
    assert again == scenario
    path = tmp_path / "s.json"
    scenario.to_json(path)
    assert Scenario.from_json(path).to_dict() == scenario.to_dict()


def test_metadata_records_provenance(case: tuple[str, str | None, Scenario]) -> None:
    city, season, scenario = case
    meta = scenario.metadata
    assert (meta["city"], meta["season"], meta["seed"], meta["size"]) == (city, season, 3,
                                                                          SMALL)
    assert meta["approximate_positions"] is True
    assert meta["spec_file"] == f"{city}.toml"
    assert meta["sources"]["generation"]


def test_downstream_feasibility_at_default_size(
        case: tuple[str, str | None, Scenario]) -> None:
    """Complexes can hold the waste, the fleet can carry it, every stream has a buyer."""
    city, season, _ = case
    scenario = generate(city, season=season)
    total = scenario.total_tonnes_per_day
    assert sum(c.max_capacity_t_per_day for c in scenario.complex_candidates) >= total
    density = total / sum(t / scenario.stream(s).density_t_per_m3
                          for s, t in scenario.tonnes_by_stream().items())
    per_trip = sum(v.count * min(v.capacity_tonnes, v.capacity_m3 * density)
                   for d in scenario.depots for v in d.vehicle_types)
    assert 2 * per_trip >= total  # two loads per truck and shift carry a day's waste
    largest = max(min(v.capacity_tonnes, v.capacity_m3 * density)
                  for d in scenario.depots for v in d.vehicle_types)
    assert max(p.tonnes_per_visit for p in scenario.collection_points) <= largest
    accepted = {s for r in scenario.recyclers for s in r.streams}
    assert {s.name for s in scenario.streams if s.recyclable} <= accepted


def test_small_size_moves_waste_of_siteless_districts() -> None:
    scenario = generate("issyk-kul", size=10, season="winter")
    assert len(scenario.collection_points) == 10
    expected = sum(_expected_district_tonnes("issyk-kul", "winter").values())
    assert scenario.total_tonnes_per_day == pytest.approx(expected)
    moved = [d for d in scenario.metadata["districts"].values() if d["sites"] == 0]
    assert moved and all(d["waste_moved_to"] for d in moved)


@pytest.mark.parametrize(("city", "season", "field", "needle"), [
    ("paris", None, "city", "bishkek"),
    ("issyk-kul", None, "season", "summer"),
    ("issyk-kul", "autumn", "season", "winter"),
    ("bishkek", "summer", "season", "no season"),
])
def test_bad_city_or_season(city: str, season: str | None, field: str, needle: str) -> None:
    with pytest.raises(InputError) as info:
        generate(city, size=5, season=season)
    assert info.value.field == field
    assert needle in str(info.value)


@pytest.mark.parametrize("size", [0, -3, 2.5])
def test_bad_size(size: int) -> None:
    with pytest.raises(InputError, match="size"):
        generate("osh", size=size)


@pytest.mark.parametrize(("old", "new", "key"), [
    ("population = 198019", "population = -5", "districts[0].population"),
    ("radius_km = 3.5\npopulation = 198019", "radius_km = 3.5\npopulaton = 198019",
     "districts[0].population"),
    ('source = "assumed (see', 'sorce = "assumed (see', "complex_defaults.source"),
    ("year = 2023", "year = 2023\nmonth = 5", "population.month"),
    ("plastic = 0.10\n", "plastic = 0.20\n", "composition"),
    ("lat = 42.850", "lat = 142.850", "districts[0].lat"),
    ('shift_start = "08:30"', 'shift_start = "8h30"', "depots[0].vehicles[0].shift_start"),
    ("count = 60", "count = 6.5", "depots[0].vehicles[0].count"),
    ('id = "rc-glass"', 'id = "rc-begreen"', "id"),
])
def test_broken_spec_names_file_and_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    text = (cities_dir() / "bishkek.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_spec(path)
    assert str(path) in info.value.field
    assert info.value.field.endswith(key)
    typo = next((w for w in ("populaton", "sorce") if w in new), None)
    if typo:
        assert typo in str(info.value)  # the misspelt key is pointed out


def test_season_factor_for_unknown_district_refused(tmp_path: Path) -> None:
    text = (cities_dir() / "issyk-kul.toml").read_text(encoding="utf-8")
    path = tmp_path / "ik.toml"
    path.write_text(text.replace("bosteri = 8.06", "atlantis = 8.06"), encoding="utf-8")
    with pytest.raises(InputError, match=r"seasons\.summer\.factors\.atlantis"):
        load_spec(path)


def test_invalid_toml_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("name = \n", encoding="utf-8")
    with pytest.raises(InputError, match="valid TOML"):
        load_spec(path)


def test_apportion_example() -> None:
    assert apportion([5, 3, 2], 7) == [4, 2, 1]  # quotas 3.5, 2.1, 1.4
    assert apportion([1, 1, 1], 2) == [1, 1, 0]


@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=30).filter(lambda w: sum(w) > 1),
       st.integers(0, 500))
def test_apportion_within_one_of_quota(weights: list[float], total: int) -> None:
    seats = apportion(weights, total)
    assert sum(seats) == total
    for w, s in zip(weights, seats, strict=True):
        assert abs(s - total * w / sum(weights)) < 1.0


def test_cli_scenario_new(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ik.json"
    assert main(["scenario", "new", "issyk-kul", "--size", "70", "--seed", "2",
                 "--season", "winter", "--out", str(out)]) == 0
    assert "issyk-kul-winter" in capsys.readouterr().out
    scenario = Scenario.from_json(out)
    assert len(scenario.collection_points) == 70
    assert json.loads(out.read_text())["metadata"]["season"] == "winter"
    assert main(["scenario", "new", "issyk-kul", "--out", str(out)]) == 2


def test_bishkek_sites_mostly_inside_city_boundary(shared: Path) -> None:
    shapely = pytest.importorskip("shapely")
    from shapely.geometry import shape

    data = json.loads((shared / "geo" / "bishkek_boundary.geojson").read_text())
    boundary = shape(data["features"][0]["geometry"])
    scenario = generate("bishkek", size=400, seed=0)
    lat = [p.lat for p in scenario.collection_points]
    lon = [p.lon for p in scenario.collection_points]
    inside = shapely.contains_xy(boundary, lon, lat).mean()
    # The boundary is the pre-2024 one; the city has since tripled in area.
    assert inside >= 0.7
