"""Importing a department's own container sites, candidate sites and recyclers."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circularopt.cities import generate
from circularopt.cli import main
from circularopt.exceptions import InputError
from circularopt.importers import DataWarning, TableError, import_points, read_table
from circularopt.scenario import Scenario


@pytest.fixture(scope="module")
def base() -> Scenario:
    """A small Osh scenario: 20 container sites, the spec's candidates and recyclers."""
    return generate("osh", size=20)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def quiet_import(*args: object, **kwargs: object) -> Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return import_points(*args, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- good files


def test_semicolon_csv_with_bom_decimal_comma_and_mapping(base: Scenario,
                                                          tmp_path: Path) -> None:
    path = write(tmp_path, "sites.csv",
                 "\ufeffid;Y;X;Tonnage;Note\n"
                 "A1;40,53;72,80;1,5;north\n"
                 "\n"
                 "A2;40.54;72.81;2 000,0;south\n")
    with pytest.warns(DataWarning) as caught:
        s = import_points(base, path, columns={"lat": "Y", "lon": "X", "tonnes": "Tonnage"})
    messages = " | ".join(str(w.message) for w in caught)
    assert "['Note']" in messages and "defaults used" in messages
    assert "kilograms" in messages  # 2,000 t/day for one site
    a1, a2 = s.collection_points
    assert (a1.id, a1.lat, a1.lon) == ("A1", 40.53, 72.80)
    assert a1.total_tonnes_per_day == pytest.approx(1.5)
    assert a2.total_tonnes_per_day == pytest.approx(2000.0)
    mix = base.tonnes_by_stream()
    assert a1.tonnes_per_day["organics"] == pytest.approx(
        1.5 * mix["organics"] / base.total_tonnes_per_day)
    # service time from the base's points: 3 min + 8 min per tonne per visit
    assert a1.service_minutes == pytest.approx(3 + 8 * 1.5, abs=0.05)
    assert a1.time_window == base.collection_points[0].time_window
    assert s.complex_candidates == base.complex_candidates
    record = s.metadata["imports"][-1]
    assert record["file"] == "sites.csv" and record["rows"] == 2
    assert Scenario.from_json(s.to_json()) == s


def test_read_table_rows_types_and_text(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", 'id,lat,name\n007,40.5,"Ala, Too"\n\n008,,x\n')
    table = read_table(path)
    assert list(table.index) == [2, 4]  # spreadsheet rows: header 1, blank line 3
    assert table.attrs["delimiter"] == "," and table.attrs["decimal_comma"] is False
    assert table["lat"].dtype == "float64" and table["lat"].isna().tolist() == [False, True]
    assert table.loc[2, "name"] == "Ala, Too"
    text = read_table(path, text=True)
    assert text.loc[2, "id"] == "007" and text.loc[4, "lat"] == ""


def test_per_stream_columns_windows_and_options(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "streams.csv",
                 "id,lat,lon,tonnes_plastic,tonnes_residual,service_minutes,"
                 "collections_per_week,tw_start,tw_end\n"
                 "P1,40.52,72.79,0.2,0.8,7,3,06:30,600\n"
                 "P2,40.53,72.78,0.1,0.4,,2,,\n")
    s = quiet_import(base, path)
    p1, p2 = s.collection_points
    assert dict(p1.tonnes_per_day) == {"plastic": 0.2, "residual": 0.8}
    assert (p1.service_minutes, p1.collections_per_week, p1.time_window) == (
        7.0, 3, (390.0, 600.0))
    assert p2.time_window == base.collection_points[0].time_window  # empty: default
    assert p2.service_minutes == pytest.approx(3 + 8 * 0.5 * 7 / 2, abs=0.05)


def test_geojson_points(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "sites.geojson", json.dumps({
        "type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "G1", "t": 1.25, "lat": 1.0},
             "geometry": {"type": "Point", "coordinates": [72.80, 40.53]}},
            {"type": "Feature", "properties": {"code": "G2", "t": 0.5, "lat": 2.0},
             "geometry": {"type": "Point", "coordinates": [72.81, 40.54]}}]}))
    table = read_table(path)
    assert list(table.index) == [1, 2] and table.attrs["row_label"] == "feature"
    assert table["lat"].tolist() == [40.53, 40.54] and table["t"].dtype == "float64"
    assert "lat (attribute)" in table.columns
    s = quiet_import(base, path, columns={"id": "code", "tonnes": "t"})
    assert [(p.id, p.lat, p.lon) for p in s.collection_points] == [
        ("G1", 40.53, 72.80), ("G2", 40.54, 72.81)]
    assert s.collection_points[0].total_tonnes_per_day == pytest.approx(1.25)


def test_geopackage_reprojected_layers_and_candidates(base: Scenario,
                                                      tmp_path: Path) -> None:
    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame({"id": ["cx-a", "cx-b"], "capacity": ["40|80", "100"],
                              "fixed_cost": ["150000|250000", "300000"]},
                             geometry=[Point(72.80, 40.53), Point(72.79, 40.52)],
                             crs=4326).to_crs(32643)  # UTM 43N
    path = tmp_path / "cands.gpkg"
    frame.to_file(path, layer="candidates", driver="GPKG")
    frame.to_file(path, layer="other", driver="GPKG")
    with pytest.raises(InputError, match=r"cands.gpkg.*one of the layers"):
        read_table(path)
    s = quiet_import(base, path, kind="complex_candidates", layer="candidates")
    a, b = s.complex_candidates
    assert (a.lat, a.lon) == pytest.approx((40.53, 72.80), abs=1e-9)
    assert [(o.capacity_t_per_day, o.annual_fixed_cost) for o in a.capacity_options] == [
        (40.0, 150000.0), (80.0, 250000.0)]
    assert len(b.capacity_options) == 1
    ref = base.complex_candidates[0]
    assert a.variable_cost_per_tonne == ref.variable_cost_per_tonne
    assert dict(a.recovery_rate) == dict(ref.recovery_rate)
    assert s.metadata["imports"][-1]["layer"] == "candidates"


def test_candidates_with_positions_only_take_base_figures(base: Scenario,
                                                          tmp_path: Path) -> None:
    path = write(tmp_path, "pos.csv", "id,lat,lon,recovery_plastic\nK1,40.5,72.8,0.9\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = import_points(base, path, kind="complex_candidates")
    assert any("capacity (no column)" in str(w.message) for w in caught)
    (k1,) = s.complex_candidates
    ref = base.complex_candidates[0]
    assert k1.capacity_options == ref.capacity_options
    assert k1.recovery_rate["plastic"] == 0.9
    assert k1.recovery_rate["paper"] == ref.recovery_rate["paper"]
    empty = Scenario("empty", collection_points=base.collection_points)
    with pytest.raises(InputError, match=r"no complex candidates to take the figures from"):
        import_points(empty, path, kind="complex_candidates")


def test_recyclers_by_price_columns_or_stream_lists(base: Scenario, tmp_path: Path) -> None:
    cols = write(tmp_path, "rc.csv", "id,lat,lon,capacity,price_plastic,price_glass\n"
                                     "R1,40.5,72.8,10,120,\n"
                                     "R2,40.6,72.7,5,-3,20\n")
    s = quiet_import(base, cols, kind="recyclers", replace=False)
    assert len(s.recyclers) == len(base.recyclers) + 2
    r1, r2 = s.recyclers[-2:]
    assert dict(r1.price_per_tonne) == {"plastic": 120.0}
    assert dict(r2.price_per_tonne) == {"plastic": -3.0, "glass": 20.0}
    lists = write(tmp_path, "rc2.csv", "id,lat,lon,capacity,streams\nR3,40.5,72.8,8,paper|metal\n")
    (r3,) = quiet_import(base, lists, kind="recyclers").recyclers
    paper = sorted(r.price_per_tonne["paper"] for r in base.recyclers
                   if "paper" in r.price_per_tonne)
    assert r3.price_per_tonne["paper"] == paper[len(paper) // 2]
    assert set(r3.price_per_tonne) == {"paper", "metal"}


def test_append_keeps_base_points_and_refuses_clashing_ids(base: Scenario,
                                                           tmp_path: Path) -> None:
    path = write(tmp_path, "more.csv", "id,lat,lon,tonnes\nN1,40.5,72.8,1\n")
    s = quiet_import(base, path, replace=False)
    assert len(s.collection_points) == len(base.collection_points) + 1
    clash = write(tmp_path, "clash.csv",
                  f"id,lat,lon,tonnes\n{base.collection_points[0].id},40.5,72.8,1\n")
    with pytest.raises(TableError, match=r"clash.csv, row 2, column 'id'.*CollectionPoint"):
        quiet_import(base, clash, replace=False)
    assert quiet_import(base, clash).collection_points[0].id == base.collection_points[0].id


def test_swapped_coordinates_warn(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "swap.csv", "id,lat,lon,tonnes\nS1,72.8,40.5,1\n")
    with pytest.raises(TableError, match=r"row 2.*'S1'.*swapped"):
        quiet_import(base, path)  # refused unless accepted deliberately
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import_points(base, path, accept_far=True)
    assert any("row 2 'S1'" in str(w.message) and "swapped" in str(w.message)
               for w in caught)


def test_imported_sites_give_a_valid_plan(base: Scenario, tmp_path: Path) -> None:
    """A department's 80 sites (';' CSV, decimal comma, own headers) plan end to end."""
    from circularopt.pipeline import solve
    from circularopt.routing.decompose import RoutingOptions

    sites = generate("osh", size=80, seed=3).collection_points
    lines = ["Code;Y;X;Tonnage"] + [
        f"{p.id};{p.lat};{p.lon};{p.total_tonnes_per_day:.4f}".replace(".", ",")
        for p in sites]
    path = write(tmp_path, "dept.csv", "\n".join(lines) + "\n")
    s = quiet_import(base, path, columns={"id": "Code", "lat": "Y", "lon": "X",
                                          "tonnes": "Tonnage"})
    assert [p.id for p in s.collection_points] == [p.id for p in sites]
    assert s.total_tonnes_per_day == pytest.approx(sum(p.total_tonnes_per_day
                                                       for p in sites), abs=1e-3)
    plan = solve(s, time_limit=2, complexes=2, routing=RoutingOptions(workers=1))
    assert plan.valid and plan.complete, plan.violations
    assert plan.routing is not None
    routed = {stop for route in plan.routing.routes for stop in route.stops}
    assert {p.id for p in sites} <= routed


# --------------------------------------------------------------------------- broken files

HEADER = "id,lat,lon,tonnes\n"

BROKEN_CELLS = [
    ("empty", HEADER + "A,40.5,72.8,1\nB,,72.8,1\n", 3, "lat", "the cell is empty"),
    ("text_number", HEADER + "A,40.5,72.8,1\nB,40.5,72.8,1.2t\n", 3, "tonnes", "a number"),
    ("nan", HEADER + "A,NaN,72.8,1\n", 2, "lat", "latitude"),
    ("out_of_range", HEADER + "A,40.5,272.8,1\n", 2, "lon", "from -180 to 180"),
    ("negative", HEADER + "A,40.5,72.8,-0.5\n", 2, "tonnes", ">= 0"),
    ("duplicate", HEADER + "A,40.5,72.8,1\nB,40.5,72.8,1\nA,40.6,72.8,1\n", 4, "id",
     "already used in row 2"),
    ("comma_decimal", HEADER + 'A,40.5,72.8,"1,5"\n', 2, "tonnes", "separated by ';'"),
    ("per_week", "id,lat,lon,tonnes,collections_per_week\nA,40.5,72.8,1,8\n", 2,
     "collections_per_week", "from 1 to 7"),
    ("window", "id,lat,lon,tonnes,time_window\nA,40.5,72.8,1,19:00-07:00\n", 2,
     "time_window", "start before the end"),
    ("per_week_fraction", "id,lat,lon,tonnes,collections_per_week\nA,40.5,72.8,1,2.5\n", 2,
     "collections_per_week", "a whole number"),
    ("tw_start", "id,lat,lon,tonnes,tw_start,tw_end\nA,40.5,72.8,1,25:00,12:00\n", 2,
     "tw_start", "a time of day HH:MM"),
    ("share", "id,lat,lon,recovery_glass\nA,40.5,72.8,1.5\n", 2, "recovery_glass",
     "a share from 0 to 1"),
    ("boolean", "id,lat,lon,approximate\nA,40.5,72.8,maybe\n", 2, "approximate",
     "true or false (also yes/no, 1/0)"),
]


@pytest.mark.parametrize(("name", "text", "row", "column", "expected"), BROKEN_CELLS,
                         ids=[c[0] for c in BROKEN_CELLS])
def test_bad_cells_name_file_row_and_column(base: Scenario, tmp_path: Path, name: str,
                                            text: str, row: int, column: str,
                                            expected: str) -> None:
    path = write(tmp_path, f"{name}.csv", text)
    with pytest.raises(InputError) as info:
        quiet_import(base, path, kind=_kind_of(name))
    message = str(info.value)
    assert f"{name}.csv, row {row}, column '{column}'" in message
    assert expected in message


def _kind_of(name: str) -> str:
    return "complex_candidates" if name in ("share", "boolean") else "collection_points"


def test_composition_and_defaults_are_checked_by_name(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "sites.csv", HEADER + "A,40.5,72.8,1\n")
    with pytest.raises(InputError, match=r"composition key: got 'wood'"):
        quiet_import(base, path, composition={"wood": 1.0})
    with pytest.raises(InputError, match=r"composition: .*sum to 0\.5"):
        quiet_import(base, path, composition={"glass": 0.5})
    with pytest.raises(InputError, match=r"default collections_per_week: got 9; expected a "
                                         r"whole number"):
        quiet_import(base, path, defaults={"collections_per_week": 9})
    got = quiet_import(base, path, defaults={"time_window": "7h00-12.30"})
    assert got.collection_points[0].time_window == (420.0, 750.0)


def test_every_problem_is_listed(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "many.csv", HEADER + "A,95,72.8,x\nA,40.5,72.8,1\n")
    with pytest.raises(TableError) as info:
        quiet_import(base, path)
    assert len(info.value.problems) == 3
    assert "3 problems" in str(info.value)


def test_mapped_column_is_named_with_its_field(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "mapped.csv", "id;Y;X;Tonnage\nA;40,5;72,8;much\n")
    with pytest.raises(InputError, match=r"mapped.csv, row 2, column 'Tonnage' \(tonnes\)"):
        quiet_import(base, path, columns={"lat": "Y", "lon": "X", "tonnes": "Tonnage"})


@pytest.mark.parametrize(("name", "text", "pattern"), [
    ("missing_cols", "code,lat,lon\nA,40.5,72.8\n",
     r"missing_cols.csv.*\['code', 'lat', 'lon'\].*required column\(s\) \['id', 'tonnes"),
    ("truncated", HEADER + "A,40.5,72.8,1\nB,40.5", r"truncated.csv, row 3.*cut short"),
    ("open_quote", HEADER + 'A,40.5,72.8,1\nB,"40.5,72.8,1\n', r"open_quote.csv, row 3"),
    ("too_many", HEADER + "A,40.5,72.8,1,5\n", r"too_many.csv, row 2.*found 5"),
    ("header_only", HEADER, r"header_only.csv.*at least one data row"),
    ("empty_file", "", r"empty_file.csv.*empty file"),
    ("only_commas", ",,,\n,,\n", r"only_commas.csv.*no values in any cell"),
])
def test_malformed_files(base: Scenario, tmp_path: Path, name: str, text: str,
                         pattern: str) -> None:
    path = write(tmp_path, f"{name}.csv", text)
    with pytest.raises(InputError, match=pattern):
        quiet_import(base, path)


def test_wrong_encoding_and_workbook(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.csv", HEADER + "A,40.5,72.8,1\nMüller,40.5,72.8,1\n",
                 encoding="latin-1")  # cp1251 is read: tests/test_importers_department.py
    with pytest.raises(InputError, match=r"latin1.csv, line 3.*UTF-8"):
        read_table(path)
    book = tmp_path / "book.csv"
    book.write_bytes(b"PK\x03\x04rest of a zip")
    with pytest.raises(InputError, match=r"book.csv.*Save As"):
        read_table(book)


def test_bad_mapping(base: Scenario, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", HEADER + "A,40.5,72.8,1\n")
    with pytest.raises(InputError, match=r"m.csv.*one of the file's columns"):
        import_points(base, path, columns={"tonnes": "Tonnage"})
    with pytest.raises(InputError, match=r"one of the fields"):
        import_points(base, path, columns={"weight": "tonnes"})


def test_broken_geodata(base: Scenario, tmp_path: Path) -> None:
    good = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "G1", "tonnes": 1},
         "geometry": {"type": "Point", "coordinates": [72.8, 40.5]}},
        {"type": "Feature", "properties": {"id": "G2", "tonnes": 1},
         "geometry": {"type": "LineString", "coordinates": [[72.8, 40.5], [72.9, 40.6]]}}]}
    text = json.dumps(good)
    cut = write(tmp_path, "cut.geojson", text[: len(text) // 2])
    with pytest.raises(InputError, match=r"cut.geojson.*cut short"):
        import_points(base, cut)
    line = write(tmp_path, "line.geojson", text)
    with pytest.raises(InputError, match=r"line.geojson, feature 2, geometry.*LineString"):
        import_points(base, line)
    good["features"][1]["geometry"] = None  # type: ignore[index]
    nogeom = write(tmp_path, "nogeom.geojson", json.dumps(good))
    with pytest.raises(InputError, match=r"nogeom.geojson, feature 2, geometry"):
        import_points(base, nogeom)


# --------------------------------------------------------------------------- CLI


def test_cli_import_writes_scenario_and_prints_warnings(base: Scenario, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    base_file = tmp_path / "base.json"
    base.to_json(base_file)
    data = write(tmp_path, "dept.csv", "code;Y;X;Tonnage;Remark\nD1;40,53;72,80;1,5;ok\n")
    out = tmp_path / "new.json"
    code = main(["scenario", "import", str(base_file), str(data), "--kind",
                 "collection_points", "--map", "id=code,lat=Y,lon=X,tonnes=Tonnage",
                 "--default", "collections_per_week=3", "--composition",
                 "plastic=0.25,residual=0.75", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "warning:" in printed and "Remark" in printed and "wrote" in printed
    s = Scenario.from_json(out)
    assert [p.id for p in s.collection_points] == ["D1"]
    assert s.collection_points[0].collections_per_week == 3
    assert dict(s.collection_points[0].tonnes_per_day) == {"plastic": 0.375, "residual": 1.125}
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".")] == []


def test_cli_import_error_exit_code(tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    data = write(tmp_path, "bad.csv", HEADER + "A,40.5,72.8,-1\n")
    out = tmp_path / "new.json"
    code = main(["scenario", "import", "osh", str(data), "--kind", "collection_points",
                 "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 2 and "bad.csv, row 2, column 'tonnes'" in " ".join(printed.split())
    assert not out.exists()


# --------------------------------------------------------------------------- fuzz

GOOD_FILES = {
    "sites.csv": ("collection_points",
                  b"id;lat;lon;tonnes;service_minutes;collections_per_week;time_window\n"
                  b"A1;40,53;72,80;1,5;6;7;07:00-19:00\nA2;40.54;72.81;2;;3;\n"),
    "recyclers.csv": ("recyclers", b"id,lat,lon,capacity,streams,price,price_glass\n"
                                   b"R1,40.5,72.8,10,plastic|paper,100,\nR2,40.5,72.8,3,,,20\n"),
    "complexes.csv": ("complex_candidates",
                      b"id,lat,lon,capacity,fixed_cost,variable_cost,recovery_plastic\n"
                      b"K1,40.5,72.8,60|120,1|2,10,0.5\n"),
    "sites.geojson": ("collection_points", json.dumps({
        "type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"id": "G1", "tonnes": 1},
            "geometry": {"type": "Point", "coordinates": [72.8, 40.5]}}]}).encode()),
}


@given(name=st.sampled_from(sorted(GOOD_FILES)),
       edits=st.lists(st.tuples(st.sampled_from(["delete", "insert", "replace", "cut"]),
                                st.floats(0, 1), st.sampled_from(list(b";,\n\"-|.09aZ :\xff"))),
                      min_size=1, max_size=4))
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_corrupted_files_give_a_scenario_or_a_clear_error(
        base: Scenario, tmp_path: Path, name: str,
        edits: list[tuple[str, float, int]]) -> None:
    kind, good = GOOD_FILES[name]
    data = bytearray(good)
    for op, where, byte in edits:
        pos = min(int(where * len(data)), max(len(data) - 1, 0))
        if op == "delete" and data:
            del data[pos]
        elif op == "insert":
            data.insert(pos, byte)
        elif op == "replace" and data:
            data[pos] = byte
        elif op == "cut":
            del data[pos:]
    path = tmp_path / f"fuzz-{name}"
    path.write_bytes(bytes(data))
    try:
        scenario = quiet_import(base, path, kind=kind)
    except InputError as exc:
        assert f"fuzz-{name}" in str(exc)
    else:
        assert len(getattr(scenario, kind)) == len(read_table(path))
