"""Bad benchmark and road-network files: one clear error naming the file, line and value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from circularopt import cli
from circularopt.bench.facility import read_orlib_cflp
from circularopt.bench.vrplib import read_cvrp
from circularopt.exceptions import (
    InputError,
    NetworkError,
    SnappingError,
)
from circularopt.lrp import read_prodhon
from circularopt.matrices import road_matrices
from circularopt.network import load_network
from tests.helpers import LAT, LON, assert_clear, run_cli, town

VRP = """NAME : tiny
TYPE : CVRP
DIMENSION : 4
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
1 0 0
2 0 10
3 10 0
4 -5 -5
DEMAND_SECTION
1 0
2 4
3 5
4 3
DEPOT_SECTION
1
-1
EOF
"""


def test_vrplib_reader_and_bench(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "tiny.vrp"
    good.write_text(VRP, encoding="utf-8")
    assert read_cvrp(good).num_stops == 3
    cases = {
        "cut": (VRP[: VRP.index("DEMAND_SECTION") + 20], "DEMAND_SECTION"),
        "nan": (VRP.replace("3 10 0", "3 nan 0"), "NODE_COORD_SECTION"),
        "negative": (VRP.replace("3 5\n", "3 -5\n"), "DEMAND_SECTION"),
        "capacity": (VRP.replace("CAPACITY : 10", "CAPACITY : 0"), "CAPACITY"),
    }
    for name, (text, section) in cases.items():
        path = tmp_path / f"{name}.vrp"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as info:
            read_cvrp(path)
        assert_clear(str(info.value), str(path), section, "expected")
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "cut.vrp").write_text(cases["cut"][0], encoding="utf-8")
    code, line = run_cli(capsys, "bench", "cvrp", "--data", folder, "--time-limit", "1",
                         "--out", tmp_path / "rows.csv")
    assert code == 2
    assert_clear(line, "cut.vrp", "DEMAND_SECTION")


CFLP = "2 3\n100 50\n100 60\n10 1 2\n20 3 4\n30 5 6\n"


def test_cflp_reader(tmp_path: Path) -> None:
    good = tmp_path / "cap.txt"
    good.write_text(CFLP, encoding="utf-8")
    assert read_orlib_cflp(good).cost.shape == (2, 3)
    for name, text, part in (("empty", "", "header"), ("short", "2 3\n100", "facility rows"),
                             ("cut", CFLP[:-6], "customer blocks"),
                             ("neg", CFLP.replace("20 3 4", "20 -3 4"), ">= 0")):
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as info:
            read_orlib_cflp(path)
        assert_clear(str(info.value), str(path), part)


PRODHON = "2\n1\n0 0\n3 4\n6 8\n10\n100\n3\n4\n50\n10\n0\n"


def test_prodhon_reader(tmp_path: Path) -> None:
    good = tmp_path / "coord2-1-1.dat"
    good.write_text(PRODHON, encoding="utf-8")
    assert read_prodhon(good).name == "coord2-1-1"
    for name, text in (("cut", PRODHON[:12]), ("text", PRODHON.replace("100", "many"))):
        path = tmp_path / f"{name}.dat"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as info:
            read_prodhon(path)
        assert path.name in str(info.value)


def _osm(rows: int = 3, cols: int = 3, *, step: float = 0.002, lat: float = LAT,
         lon: float = LON) -> str:
    """A grid of two-way residential streets (default 3x3, 200 m apart, at the town)."""
    nodes = {cols * r + c + 1: (lat + step * r, lon + step * c)
             for r in range(rows) for c in range(cols)}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
    lines += [f'<node id="{k}" version="1" lat="{la:.7f}" lon="{lo:.7f}"/>'
              for k, (la, lo) in nodes.items()]
    ways = [[cols * r + c + 1 for c in range(cols)] for r in range(rows)]
    ways += [[cols * r + c + 1 for r in range(rows)] for c in range(cols)]
    for w, refs in enumerate(ways, start=10):
        lines += [f'<way id="{w}" version="1">', *(f'<nd ref="{k}"/>' for k in refs),
                  '<tag k="highway" v="residential"/></way>']
    return "\n".join([*lines, "</osm>"])


def test_osm_files_and_snapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "block.osm"
    good.write_text(_osm(), encoding="utf-8")
    net = load_network(good)
    for name, text in (("cut.osm", _osm()[:300]), ("notosm.osm", "hello, world\n"),
                       ("nothing.osm", '<osm version="0.6"></osm>')):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(NetworkError) as info:
            load_network(path)
        assert_clear(str(info.value), str(path), "expected a complete OSM")
        code, line = run_cli(capsys, "network", path)
        assert code == 2 and name in line
    far = [("near", LAT + 0.002, LON + 0.0001), ("far", LAT + 0.05, LON)]
    with pytest.raises(SnappingError) as snapped:
        road_matrices(net, far, max_snap_m=100.0, cache=False)
    assert_clear(str(snapped.value), "'far'", "100 m", "max_snap_m")
    assert "'near'" not in str(snapped.value)


def test_site_and_route_use_a_road_network(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """``--network`` replaces the approximation in ``site`` and ``route`` too."""
    roads = tmp_path / "town.osm"  # streets 440 m apart around everything in town()
    roads.write_text(_osm(26, 36, step=0.004, lat=LAT - 0.08, lon=LON - 0.1),
                     encoding="utf-8")
    scenario = tmp_path / "town.json"
    town().to_json(scenario)
    for argv in (("site", "--time-limit", "5", "--out", tmp_path / "site.json"),
                 ("route", "--time-limit", "2", "--workers", "1",
                  "--out", tmp_path / "routes.json")):
        code = cli.main([str(a) for a in (argv[0], scenario, "--network", roads, *argv[1:])])
        out = capsys.readouterr().out
        assert code == 0, out
        assert "APPROXIMATE" not in out and "loading road network" in out
    routes = json.loads((tmp_path / "routes.json").read_text(encoding="utf-8"))
    assert routes["valid"] and routes["approximate_matrices"] is False
    assert "town.osm" in routes["matrices_source"]
