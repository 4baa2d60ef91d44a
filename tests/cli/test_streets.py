"""``circularopt streets`` on a tiny inline OSM file and on West Oakland."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import pytest

from circularopt.cli import main
from tests.routing.arcs.test_streets_network import TINY_OSM


def _run(network: Path, out: Path, *extra: str) -> int:
    return main(["streets", "--network", str(network), "--zone", "42.8707,74.602,1000",
                 "--depot", "42.8699,74.5999", "--unload", "42.8716,74.6041",
                 "--capacity-t", "0.05", "--time-limit", "0.5", "--clock", "cpu",
                 "--no-simplify", "--out", str(out), *extra])


def test_streets_command_writes_sheets_layers_and_map(tmp_path: Path) -> None:
    network = tmp_path / "tiny.osm"
    network.write_text(TINY_OSM)
    out = tmp_path / "out"
    assert _run(network, out) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["valid"] and summary["streets"] == 5 and summary["u_turn_m"] == 250
    sheets = sorted(out.glob("route-*.csv"))
    assert sheets and len(sheets) == summary["trucks"]
    rows = [r for p in sheets for r in csv.DictReader(p.open(encoding="utf-8"))]
    served = [r for r in rows if r["kind"] == "serve"]
    assert len(served) == 6  # Wide Street each way, Frunze Street once (one-way)
    assert {"Lenin Street", "Wide Street", "Frunze Street"} <= {r["street"] for r in served}
    assert all(float(r["load_t"]) <= 0.05 + 1e-9 for r in rows)
    assert rows[-1]["kind"] == "return"
    html = (out / "route-1.html").read_text(encoding="utf-8")
    assert "arc routes valid" in html and "modelled" in html
    served_layer = gpd.read_file(out / "streets.gpkg", layer="served")
    deadhead = gpd.read_file(out / "streets.gpkg", layer="deadhead")
    assert len(served_layer) == 6 and len(deadhead) > 0
    assert (out / "map.png").stat().st_size > 0


def test_streets_command_names_a_bad_zone(tmp_path: Path) -> None:
    network = tmp_path / "tiny.osm"
    network.write_text(TINY_OSM)
    assert main(["streets", "--network", str(network), "--zone", "42.87,74.6",
                 "--depot", "42.87,74.6", "--unload", "42.87,74.6", "--capacity-t", "1",
                 "--out", str(tmp_path / "o")]) == 2


def test_west_oakland_route_sheet(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "wo"
    code = main(["streets", "--network", str(shared / "osm" / "west-oakland.osm.bz2"),
                 "--zone", "37.8088,-122.3,2000", "--depot", "37.805,-122.295",
                 "--unload", "37.81,-122.305", "--capacity-t", "0.5",
                 "--time-limit", "1", "--clock", "cpu", "--out", str(out)])
    assert code == 0
    rows = list(csv.DictReader((out / "route-1.csv").open(encoding="utf-8")))
    names = {r["street"] for r in rows if r["kind"] == "serve"}
    assert {"Wood Street", "Willow Street", "8th Street"} <= names
    assert any(r["kind"] == "unload" for r in rows)
    summary = json.loads((out / "summary.json").read_text())
    assert sum(int(r["u_turns"]) for r in rows) == summary["u_turns"]  # as validated


@pytest.mark.parametrize("bad", ["--depot=abc", "--capacity-t=-1"])
def test_streets_command_rejects_bad_values(tmp_path: Path, bad: str) -> None:
    network = tmp_path / "tiny.osm"
    network.write_text(TINY_OSM)
    assert _run(network, tmp_path / "o", bad) == 2


def test_streets_command_reads_polygon_zones(tmp_path: Path) -> None:
    import shapely

    network = tmp_path / "tiny.osm"
    network.write_text(TINY_OSM)
    zones = tmp_path / "zones.geojson"
    east = shapely.box(74.6025, 42.869, 74.605, 42.872)  # edges 2-3 and 3-6
    gpd.GeoDataFrame({"id": ["vostok"]}, geometry=[east], crs="EPSG:4326").to_file(zones)
    out = tmp_path / "out"
    assert main(["streets", "--network", str(network), "--zones", str(zones),
                 "--depot", "42.8699,74.6041", "--unload", "42.8716,74.6041",
                 "--capacity-t", "1", "--time-limit", "0.3", "--clock", "cpu",
                 "--no-simplify", "--out", str(out)]) == 0
    rows = list(csv.DictReader((out / "route-1.csv").open(encoding="utf-8")))
    ids = sorted(r["street_id"] for r in rows if r["kind"] == "serve")
    assert ids == ["vostok-2-3", "vostok-3-6"]
