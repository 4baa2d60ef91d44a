"""A department's own container list: volumes, cp1251, ';' mappings, positions outside
the city (issue 18, item 3)."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import pytest

from circularopt.cities import generate
from circularopt.cli import main
from circularopt.exceptions import InputError
from circularopt.importers import (
    DataWarning,
    ImportNote,
    TableError,
    import_points,
    read_table,
)
from circularopt.scenario import Scenario

# Russian-locale Excel: ';', decimal commas, Cyrillic headers, one with a comma.
M3_FILE = ("\ufeffКод;Широта;Долгота;Объём, м3\n"
           "A1;40,53;72,80;2,5\n"
           "A2;40,54;72,81;0,75\n")
CONTAINERS_FILE = ("Код;Широта;Долгота;Контейнеров;Объём, м3;Заполнение;Вывозов в неделю\n"
                   "K1;40,53;72,80;4;1,1;0,8;7\n"
                   "K2;40,54;72,81;2;0,75;0,5;3\n")
M3_MAP = {"id": "Код", "lat": "Широта", "lon": "Долгота", "m3": "Объём, м3"}
CONTAINER_MAP = {"id": "Код", "lat": "Широта", "lon": "Долгота", "containers": "Контейнеров",
                 "container_m3": "Объём, м3", "fill": "Заполнение",
                 "collections_per_week": "Вывозов в неделю"}
HALF = {"organics": 0.5, "residual": 0.5}


@pytest.fixture(scope="module")
def base() -> Scenario:
    """A small Osh scenario (its streams loose in containers: organics 0.40 t/m3, residual
    0.15 t/m3; compacted in a truck 0.55 and 0.40)."""
    return generate("osh", size=20)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def recorded(*args: object, **kwargs: object) -> tuple[Scenario, list[str], list[str]]:
    """The import, its notes and its other warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = import_points(*args, **kwargs)  # type: ignore[arg-type]
    notes = [str(w.message) for w in caught if issubclass(w.category, ImportNote)]
    others = [str(w.message) for w in caught if not issubclass(w.category, ImportNote)]
    return s, notes, others


# --------------------------------------------------------------------------- volumes


def test_m3_per_day_converted_with_the_loose_stream_densities(base: Scenario,
                                                               tmp_path: Path) -> None:
    path = write(tmp_path, "m3.csv", M3_FILE)
    s, notes, _ = recorded(base, path, columns=M3_MAP, composition=HALF)
    mix = 1.0 / (0.5 / 0.40 + 0.5 / 0.15)  # 0.218 t/m3 for half organics, half residual
    a1, a2 = s.collection_points
    assert a1.total_tonnes_per_day == pytest.approx(2.5 * mix)
    assert a2.total_tonnes_per_day == pytest.approx(0.75 * mix)
    assert a1.tonnes_per_day["organics"] == pytest.approx(1.25 * mix)
    record = s.metadata["imports"][-1]
    assert record["density_t_per_m3"] == pytest.approx(mix, abs=1e-6)
    assert "m3 per day x 0.218 t/m3" in record["conversion"]
    assert any("m3 per day x 0.218 t/m3" in n and "loose stream densities" in n
               for n in notes)


def test_m3_fall_back_to_truck_densities_when_loose_unknown(base: Scenario,
                                                            tmp_path: Path) -> None:
    streams = tuple(dataclasses.replace(x, loose_density_t_per_m3=None)
                    for x in base.streams)
    path = write(tmp_path, "m3.csv", M3_FILE)
    s, notes, _ = recorded(dataclasses.replace(base, streams=streams), path,
                           columns=M3_MAP, composition=HALF)
    mix = 1.0 / (0.5 / 0.55 + 0.5 / 0.40)  # 0.463 t/m3, compacted in a truck
    assert s.collection_points[0].total_tonnes_per_day == pytest.approx(2.5 * mix)
    assert any("compacted in a truck" in n and "--density" in n for n in notes)


def test_container_counts_with_size_fill_and_collections(base: Scenario,
                                                         tmp_path: Path) -> None:
    path = write(tmp_path, "containers.csv", CONTAINERS_FILE)
    s, notes, _ = recorded(base, path, columns=CONTAINER_MAP, composition=HALF, density=0.15)
    k1, k2 = s.collection_points
    assert k1.total_tonnes_per_day == pytest.approx(4 * 1.1 * 0.8 * 0.15)  # daily, 7/7
    assert k2.total_tonnes_per_day == pytest.approx(2 * 0.75 * 0.5 * 3 / 7 * 0.15)
    assert k2.collections_per_week == 3
    assert k2.tonnes_per_visit == pytest.approx(2 * 0.75 * 0.5 * 0.15)
    assert "container_m3 x fill x collections_per_week / 7" in notes[0]
    assert "0.150 t/m3, given (--density)" in notes[0]


def test_container_size_and_fill_defaults(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "counts.csv", "id;lat;lon;containers\nC1;40,53;72,80;3\n")
    with pytest.raises(InputError, match="container_m3"):
        import_points(base, path)
    s, _, others = recorded(base, path, defaults={"container_m3": 1.1}, density=0.2)
    assert s.collection_points[0].total_tonnes_per_day == pytest.approx(3 * 1.1 * 0.2)
    assert any("fill (no column): 1 (assumed: full when emptied)" in w for w in others)


def test_one_way_to_give_the_waste(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "both.csv", "id;lat;lon;tonnes;m3\nB1;40,53;72,80;1;3\n")
    with pytest.raises(InputError, match="one way to give the waste"):
        import_points(base, path)


def test_m3_column_mapped_as_tonnes_is_flagged(base: Scenario, tmp_path: Path) -> None:
    """276 m3 a week read as tonnes would fail the solve on truck capacity: say so now."""
    path = write(tmp_path, "wrong.csv", "\ufeffКод;Широта;Долгота;Объём, м3;Вывозов\n"
                                        "W1;40,53;72,80;39,4;1\n")
    columns = {**M3_MAP, "tonnes": "Объём, м3", "collections_per_week": "Вывозов"}
    del columns["m3"]
    _, _, others = recorded(base, path, columns=columns)
    text = " | ".join(others)
    assert "its name says cubic metres; map it as m3" in text
    assert "row 2 'W1'" in text and "275.8 t per visit" in text
    assert "largest truck's 8 t per visit" in text and '--map "m3=COLUMN"' in text


# --------------------------------------------------------------------------- encoding


def test_cp1251_file_is_read_with_a_note(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "cp1251.csv", M3_FILE.lstrip("\ufeff").replace("A2", "Б2")
                 + "Ж3;40,55;72,82;1\n", encoding="cp1251")
    with pytest.warns(ImportNote, match="encoding detected: Windows-1251"):
        table = read_table(path)
    assert table.attrs["encoding"] == "cp1251"
    assert list(table.columns) == ["Код", "Широта", "Долгота", "Объём, м3"]
    s, notes, _ = recorded(base, path, columns=M3_MAP)
    assert [p.id for p in s.collection_points] == ["A1", "Б2", "Ж3"]
    assert s.metadata["imports"][-1]["encoding"] == "cp1251"
    assert any("cp1251" in n for n in notes)


def test_utf8_is_read_without_a_note(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "utf8.csv", M3_FILE.lstrip("\ufeff"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ImportNote)
        assert read_table(path).attrs["encoding"] == "utf-8"


# --------------------------------------------------------------------------- positions


SWAPPED = ("id;lat;lon;tonnes\n"
           "S1;40,53;72,80;1\n"
           "S2;72,81;40,54;1\n"     # lat and lon swapped
           "S3;40,53;72,80;1\n"
           "S4;55,75;37,62;1\n")    # Moscow: thousands of km away


def test_positions_outside_the_region_are_refused_naming_rows(base: Scenario,
                                                              tmp_path: Path) -> None:
    path = write(tmp_path, "swap.csv", SWAPPED)
    with pytest.raises(TableError) as err:
        import_points(base, path)
    text = str(err.value)
    assert "2 problems" in text
    assert "row 3, lat/lon of 'S2': got 'lat 72,81, lon 40,54'" in text
    assert "lat/lon swapped? (40.54, 72.81) lies inside" in text
    assert "row 5, lat/lon of 'S4'" in text and "km away: check the position" in text
    assert "--accept-far" in text and "row 2" not in text


def test_accept_far_keeps_them_with_a_warning(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "swap.csv", SWAPPED)
    s, _, others = recorded(base, path, accept_far=True)
    assert [p.id for p in s.collection_points] == ["S1", "S2", "S3", "S4"]
    assert any("2 object(s) outside the region" in w and "row 3 'S2'" in w for w in others)


# --------------------------------------------------------------------------- command line


def test_cli_map_with_a_comma_suggests_semicolons(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "m3.csv", M3_FILE)
    code = main(["scenario", "import", "osh", str(path), "--kind", "collection_points",
                 "--map", "id=Код,lat=Широта,lon=Долгота,m3=Объём, м3",
                 "--out", str(tmp_path / "o.json")])
    text = " ".join(capsys.readouterr().out.split())
    assert code == 2
    assert "got 'м3'" in text
    assert '--map "id=Код;lat=Широта;lon=Долгота;m3=Объём, м3"' in text


def test_cli_imports_containers_from_cp1251_and_far_rows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "c.csv",
                 CONTAINERS_FILE.replace("K2;40,54;72,81", "K2;72,81;40,54"),
                 encoding="cp1251")
    args = ["scenario", "import", "osh", str(path), "--kind", "collection_points",
            "--map", ";".join(f"{k}={v}" for k, v in CONTAINER_MAP.items()),
            "--density", "0,15", "--out", str(tmp_path / "o.json")]
    assert main(args) == 2
    assert "row 3, lat/lon of 'K2'" in " ".join(capsys.readouterr().out.split())
    assert main([*args, "--accept-far"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "note: " in out and "Windows-1251" in out and "0.150 t/m3, given" in out
    s = Scenario.from_json(tmp_path / "o.json")
    assert s.collection_points[0].total_tonnes_per_day == pytest.approx(4 * 1.1 * 0.8 * 0.15)
    assert s.metadata["imports"][-1]["density_t_per_m3"] == 0.15


def test_notes_are_data_warnings_so_filters_catch_them() -> None:
    assert issubclass(ImportNote, DataWarning)
