"""GIS road layers (GeoPackage, Shapefile, GeoJSON) as networks, made in the tests."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from shapely import LineString, Point

from circularopt.exceptions import InputError, NetworkError
from circularopt.matrices import node_matrices, road_matrices
from circularopt.network import RoadFields, RoadNetwork, load_gis_network, load_network

UTM = "EPSG:32643"  # UTM 43 N, Bishkek's zone: coordinates in metres
X0, Y0 = 550_000.0, 4_745_000.0


def _line(*pts: tuple[float, float]) -> LineString:
    return LineString([(X0 + x, Y0 + y) for x, y in pts])


def _write(tmp_path: Path, rows: list[dict[str, Any]], name: str = "roads.gpkg",
           crs: str | None = UTM) -> Path:
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
    path = tmp_path / name
    gdf.to_file(path, engine="pyogrio")
    return path


def _node(net: RoadNetwork, x: float, y: float) -> int:
    """Index of the network node nearest to local metres ``(x, y)``."""
    lon, lat = gpd.GeoSeries([Point(X0 + x, Y0 + y)], crs=UTM).to_crs(4326).iloc[0].coords[0]
    return int(np.argmin((net.lat - lat) ** 2 + (net.lon - lon) ** 2))


def _dist(net: RoadNetwork, a: tuple[float, float], b: tuple[float, float]) -> float:
    _, dist = node_matrices(net, [_node(net, *a)], [_node(net, *b)], workers=1)
    return float(dist[0, 0])


@pytest.mark.parametrize("gap, nodes, dropped", [(1.0, 3, 0), (5.0, 2, 2)])
def test_gap_between_line_ends_below_and_above_tolerance(
        tmp_path: Path, gap: float, nodes: int, dropped: int) -> None:
    path = _write(tmp_path, [{"geometry": _line((0, 0), (100, 0))},
                             {"geometry": _line((100 + gap, 0), (200, 0))}])
    net = load_gis_network(path, snap_m=2.0)
    assert (net.n_nodes, net.nodes_dropped) == (nodes, dropped)
    if nodes == 3:  # joined: 0 -> 200 m is the two lines' lengths
        assert _dist(net, (0, 0), (200, 0)) == pytest.approx(100 + 100 - gap, abs=0.5)


def _square(oneway: str) -> list[dict[str, Any]]:
    corners = [(0, 0), (100, 0), (100, 100), (0, 100), (0, 0)]
    return [{"geometry": _line(a, b), "ONEWAY": oneway, "MAXSPEED": 36, "FCLASS": "residential"}
            for a, b in pairwise(corners)]


@pytest.mark.parametrize("value, forward", [("F", True), ("T", False), ("yes", True)])
def test_oneway_field(tmp_path: Path, value: str, forward: bool) -> None:
    path = _write(tmp_path, _square(value), "square.shp")
    net = load_gis_network(path, fields="oneway=ONEWAY,speed=MAXSPEED,class=FCLASS")
    along, against = _dist(net, (0, 0), (100, 0)), _dist(net, (100, 0), (0, 0))
    assert (along, against) == (pytest.approx(100, abs=0.5), pytest.approx(300, abs=0.5)) \
        if forward else (pytest.approx(300, abs=0.5), pytest.approx(100, abs=0.5))
    assert net.n_edges == 4


def test_speed_field_else_class_speed(tmp_path: Path) -> None:
    rows = [{"geometry": _line((0, 0), (100, 0)), "maxspeed": 36, "fclass": "residential"},
            {"geometry": _line((100, 0), (200, 0)), "maxspeed": 0, "fclass": "residential"}]
    net = load_gis_network(_write(tmp_path, rows))  # fields guessed (Geofabrik names)
    fast = net.travel_time_s[net.edge_index(_node(net, 0, 0), _node(net, 100, 0))]
    slow = net.travel_time_s[net.edge_index(_node(net, 100, 0), _node(net, 200, 0))]
    assert fast == pytest.approx(10.0, rel=1e-3)  # 100 m at 36 km/h
    assert slow == pytest.approx(100 / (40 / 3.6), rel=1e-3)  # urban residential 40 km/h


def test_line_end_on_a_vertex_of_another_line_joins_it(tmp_path: Path) -> None:
    rows = [{"geometry": _line((0, 0), (100, 0), (200, 0))},
            {"geometry": _line((100, 0), (100, 100))}]
    net = load_gis_network(_write(tmp_path, rows, "t.geojson"))
    assert net.n_nodes == 4
    assert _dist(net, (0, 0), (100, 100)) == pytest.approx(200, abs=0.5)


def test_points_layer_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"geometry": Point(X0, Y0)}], "points.gpkg")
    with pytest.raises(NetworkError, match=r"points\.gpkg holds no lines .*Point"):
        load_gis_network(path)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_layer_without_crs_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"geometry": _line((0, 0), (100, 0))}], "nocrs.shp", crs=None)
    with pytest.raises(NetworkError, match=r"nocrs\.shp has no coordinate reference system"):
        load_gis_network(path)


def test_no_strongly_connected_part_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"geometry": _line((0, 0), (100, 0)), "oneway": "F"}])
    with pytest.raises(NetworkError, match=r"roads\.gpkg: no strongly connected part"):
        load_gis_network(path)


def test_two_disconnected_parts_keep_the_larger(tmp_path: Path) -> None:
    far = [{"geometry": _line((5000, 0), (5100, 0))}]
    path = _write(tmp_path, [*_square("B"), *far])
    net = load_gis_network(path)
    assert (net.n_nodes, net.nodes_dropped) == (4, 2)


def test_unknown_field_and_bad_field_spec(tmp_path: Path) -> None:
    path = _write(tmp_path, _square("B"))
    with pytest.raises(InputError, match="NOPE"):
        load_gis_network(path, fields=RoadFields(speed="NOPE"))
    with pytest.raises(InputError, match="KEY=FIELD"):
        RoadFields.parse("oneway")


def _grid_rows(style: str) -> list[dict[str, Any]]:
    """A 3 x 3 two-way street grid, 200 m blocks, in a Geofabrik or Global Map schema."""
    rows = []
    for k in range(3):
        for a, b in (((0, 200 * k), (400, 200 * k)), ((200 * k, 0), (200 * k, 400))):
            for s, e in ((a, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)),
                         (((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), b)):
                main = k == 1
                rows.append({"geometry": _line(s, e), **(
                    {"fclass": "primary" if main else "residential", "oneway": "B",
                     "maxspeed": 0} if style == "geofabrik" else
                    {"rtt": 14 if main else 0, "med": 2, "f_code": "AP030"})})
    if style == "geofabrik":  # a footway across a block is not driven
        rows.append({"geometry": _line((0, 0), (200, 200)), "fclass": "footway",
                     "oneway": "B", "maxspeed": 0})
    return rows


@pytest.mark.parametrize("style, name", [("geofabrik", "gis_osm_roads_free_1.shp"),
                                         ("global-map", "roadl_kgz.shp")])
def test_schema_layers_load_and_route(tmp_path: Path, style: str, name: str) -> None:
    path = _write(tmp_path, _grid_rows(style), name)
    net = load_network(path)  # by suffix
    assert net.n_nodes == 9 and net.nodes_dropped == 0
    assert "primary" in net.class_names and "footway" not in net.class_names
    corners = [(f"c{k}", *_latlon(x, y)) for k, (x, y) in
               enumerate([(0, 0), (400, 0), (400, 400), (0, 400)])]
    m = road_matrices(net, corners, cache=False, workers=1)
    assert np.isfinite(m.distance_m).all() and not m.approximate
    assert m.distance_m[0, 2] == pytest.approx(800, abs=2)  # Manhattan, no diagonal


def _latlon(x: float, y: float) -> tuple[float, float]:
    lon, lat = gpd.GeoSeries([Point(X0 + x, Y0 + y)], crs=UTM).to_crs(4326).iloc[0].coords[0]
    return lat, lon


def test_unreadable_layer_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "roads.shp").write_text("x")
    with pytest.raises(NetworkError, match=r"cannot read GIS road layer .*roads\.shp"):
        load_network(tmp_path / "roads.shp")


def test_cli_network_reads_a_layer_with_named_fields(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from circularopt.cli import main

    path = _write(tmp_path, _square("T"), "square.gpkg")
    assert main(["network", str(path), "--road-fields",
                 "oneway=ONEWAY,speed=MAXSPEED,class=FCLASS", "--snap-m", "1"]) == 0
    out = capsys.readouterr().out
    assert "square.gpkg" in out and "oneway=ONEWAY" in out
    assert main(["network", str(path), "--road-fields", "lanes=LANES"]) != 0
    captured = capsys.readouterr()
    assert "KEY=FIELD" in captured.out + captured.err
