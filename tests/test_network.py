"""Road network loading (OSM XML, PBF, GraphML, download cache), speeds, snapping, paths."""

from __future__ import annotations

import math
from itertools import pairwise
from pathlib import Path

import numpy as np
import osmnx as ox
import pytest
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from circularopt.exceptions import DataNotFoundError, InputError, NetworkError, SnappingError
from circularopt.geo import great_circle
from circularopt.matrices import node_matrices
from circularopt.network import (
    SPEEDS_RURAL_KMH,
    SPEEDS_URBAN_KMH,
    RoadNetwork,
    download_network,
    load_network,
    path_latlon,
    route_path,
    snap,
    speed_table,
)

LAT0, LON0, STEP = 42.87, 74.59, 0.001

# A 3x3 street grid (node 1 at the south-west corner, ids row by row) with:
# row 0 two-way residential, row 1 one-way primary eastwards, row 2 residential one-way
# against its node order (oneway=-1: 9 -> 8 -> 7), column 0 residential with the
# Kyrgyz implicit limit KG:urban, column 2 secondary with maxspeed 30, column 1 a
# footway; a one-way spur 3 -> 10 (cannot return), a separate road 11-12, a building,
# a parking aisle and a two-way dead end 16 - 1.
NODES = {k: (LAT0 + ((k - 1) // 3) * STEP, LON0 + ((k - 1) % 3) * STEP) for k in range(1, 10)}
NODES.update({10: (LAT0 - STEP, LON0 + 3 * STEP), 11: (LAT0 + 5 * STEP, LON0),
              12: (LAT0 + 5 * STEP, LON0 + STEP), 13: (LAT0 + 0.0004, LON0 + 0.0004),
              14: (LAT0 + 0.0006, LON0 + 0.0004), 15: (LAT0 + 0.0006, LON0 + 0.0006),
              16: (LAT0, LON0 - STEP)})
WAYS: list[tuple[int, list[int], dict[str, str]]] = [
    (100, [1, 2, 3], {"highway": "residential"}),
    (101, [4, 5, 6], {"highway": "primary", "oneway": "yes"}),
    (102, [7, 8, 9], {"highway": "residential", "oneway": "-1"}),
    (103, [1, 4, 7], {"highway": "residential", "maxspeed": "KG:urban"}),
    (104, [3, 6, 9], {"highway": "secondary", "maxspeed": "30"}),
    (105, [2, 5, 8], {"highway": "footway"}),
    (106, [3, 10], {"highway": "residential", "oneway": "yes"}),
    (107, [11, 12], {"highway": "residential"}),
    (108, [13, 14, 15, 13], {"building": "yes"}),
    (109, [1, 5], {"highway": "service", "service": "parking_aisle"}),
    (110, [16, 1], {"highway": "tertiary"}),
]
KEPT = {1, 3, 4, 6, 7, 9, 16}


def _xml() -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for k, (lat, lon) in NODES.items():
        lines.append(f'  <node id="{k}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for wid, refs, tags in WAYS:
        lines.append(f'  <way id="{wid}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    return "\n".join(lines) + "\n"


@pytest.fixture
def tiny_osm(tmp_path: Path) -> Path:
    """The 3x3 grid as OSM XML."""
    path = tmp_path / "tiny.osm"
    path.write_text(_xml(), encoding="utf-8")
    return path


@pytest.fixture
def tiny_pbf(tmp_path: Path) -> Path:
    """The same grid written as .osm.pbf with pyosmium."""
    import osmium
    from osmium.osm.mutable import Node, Way

    path = tmp_path / "tiny.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    for k, (lat, lon) in NODES.items():
        writer.add_node(Node(id=k, location=(lon, lat)))
    for wid, refs, tags in WAYS:
        writer.add_way(Way(id=wid, nodes=refs, tags=tags))
    writer.close()
    return path


@pytest.fixture
def tiny(tiny_osm: Path) -> RoadNetwork:
    """The grid loaded from XML."""
    return load_network(tiny_osm)


def _node(net: RoadNetwork, osm_id: int) -> int:
    return int(np.flatnonzero(net.node_ids == osm_id)[0])


def _edge_set(net: RoadNetwork) -> set[tuple[int, int]]:
    ids = net.node_ids
    return {(int(ids[a]), int(ids[b])) for a, b in zip(net.edge_tails, net.indices, strict=True)}


def _edge(net: RoadNetwork, a: int, b: int) -> int:
    return net.edge_index(_node(net, a), _node(net, b))


def test_xml_keeps_drivable_largest_scc(tiny: RoadNetwork) -> None:
    assert set(tiny.node_ids.tolist()) == KEPT  # 2, 5, 8 simplified away
    assert tiny.nodes_dropped == 3  # spur end 10 and the separate road 11-12
    assert set(tiny.class_names) == {"residential", "primary", "secondary", "tertiary"}
    n_comp, _ = connected_components(
        sparse.csr_matrix((np.ones(tiny.n_edges), tiny.indices, tiny.indptr)),
        connection="strong")
    assert n_comp == 1
    assert "OSM XML" in tiny.source and "ODbL" in tiny.source


def test_oneway_respected(tiny: RoadNetwork) -> None:
    edges = _edge_set(tiny)
    assert (4, 6) in edges and (6, 4) not in edges  # oneway=yes
    assert (9, 7) in edges and (7, 9) not in edges  # oneway=-1 reverses the node order
    assert {(1, 3), (3, 1), (3, 6), (6, 3), (1, 4), (4, 1)} <= edges


def test_simplified_edges_keep_length_and_shape(tiny: RoadNetwork) -> None:
    e = _edge(tiny, 9, 7)
    lat, lon = zip(*(NODES[k] for k in (9, 8, 7)), strict=True)
    assert tiny.length_m[e] == pytest.approx(
        great_circle(np.array(lat[:-1]), np.array(lon[:-1]), np.array(lat[1:]),
                    np.array(lon[1:])).sum(), rel=1e-6)
    line = path_latlon(tiny, [_node(tiny, 9), _node(tiny, 7)])
    assert line.shape == (3, 2)
    assert line[1] == pytest.approx(NODES[8])


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


def test_drive_service_keeps_service_roads_but_not_parking(tmp_path: Path) -> None:
    path = tmp_path / "svc.osm"
    path.write_text(_xml().replace('"parking_aisle"', '"driveway"'), encoding="utf-8")
    assert 5 not in load_network(path).node_ids
    assert 5 in load_network(path, network_type="drive_service").node_ids


def test_pbf_matches_xml(tiny: RoadNetwork, tiny_pbf: Path) -> None:
    pbf = load_network(tiny_pbf)
    assert "PBF" in pbf.source
    assert _edge_set(pbf) == _edge_set(tiny)
    for a, b in _edge_set(tiny):
        assert pbf.travel_time_s[_edge(pbf, a, b)] == pytest.approx(
            tiny.travel_time_s[_edge(tiny, a, b)])
        assert pbf.length_m[_edge(pbf, a, b)] == pytest.approx(
            tiny.length_m[_edge(tiny, a, b)])


def test_graphml_round_trip(tiny: RoadNetwork, tiny_osm: Path, tmp_path: Path) -> None:
    graphml = tmp_path / "tiny.graphml"
    ox.save_graphml(ox.graph_from_xml(tiny_osm, simplify=False, retain_all=True), graphml)
    back = load_network(graphml)
    assert "GraphML" in back.source
    assert _edge_set(back) == _edge_set(tiny)
    assert back.road_km == pytest.approx(tiny.road_km)


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError):
        load_network(tmp_path / "absent.osm")
    (tmp_path / "roads.shp").write_text("x")
    with pytest.raises(InputError, match=r"\.osm\.pbf"):
        load_network(tmp_path / "roads.shp")
    (tmp_path / "bad.osm").write_text("<osm><node id=")
    with pytest.raises(NetworkError, match=r"bad\.osm"):
        load_network(tmp_path / "bad.osm")
    (tmp_path / "empty.osm").write_text(_xml().replace('k="highway"', 'k="old_highway"'))
    with pytest.raises(NetworkError):
        load_network(tmp_path / "empty.osm")


@pytest.mark.shared
@pytest.mark.parametrize("name", ["west-oakland.osm.bz2", "bavaria-10.068_48.135.osm"])
def test_real_osm_extracts(shared: Path, name: str) -> None:
    path = shared / "osm" / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    net = load_network(path)
    assert net.n_nodes >= 4 and net.road_km > 0.1
    assert np.all(net.travel_time_s > 0)
    assert not {"footway", "cycleway", "track", "service"} & set(net.class_names)
    n_comp, _ = connected_components(
        sparse.csr_matrix((np.ones(net.n_edges), net.indices, net.indptr)),
        connection="strong")
    assert n_comp == 1
    dur, _ = node_matrices(net, np.arange(net.n_nodes), workers=1)
    assert np.isfinite(dur).all()


def test_snap_at_nodes_and_on_edges(tiny: RoadNetwork) -> None:
    n1 = _node(tiny, 1)
    lat1, lon1 = NODES[1]
    lon3 = NODES[3][1]
    # 30 % of the way from node 1 to node 3, about 33 m north of the road
    frac = 0.3
    plat, plon = lat1 + 0.0003, lon1 + frac * (lon3 - lon1)
    s = snap(tiny, ["at1", "near"], [lat1, plat], [lon1, plon], max_snap_m=100)
    assert s.node.tolist() == [n1, n1]
    assert s.distance_m[0] == pytest.approx(0, abs=0.01)
    assert s.leg_m[0] == pytest.approx(0, abs=0.01)
    assert s.distance_m[1] == pytest.approx(0.0003 * math.pi / 180 * 6_371_008.8, rel=0.01)
    e = _edge(tiny, 1, 3)
    assert s.leg_m[1] == pytest.approx(frac * tiny.length_m[e], rel=0.01)
    assert s.leg_s[1] == pytest.approx(frac * tiny.travel_time_s[e], rel=0.01)


def test_snapping_error_names_far_points(tiny: RoadNetwork) -> None:
    lat, lon = NODES[1]
    with pytest.raises(SnappingError) as info:
        snap(tiny, ["ok", "far-1", "far-2"], [lat, lat - 0.01, lat + 0.02],
             [lon, lon, lon], max_snap_m=200)
    assert [pid for pid, _ in info.value.far] == ["far-1", "far-2"]
    assert "'far-1'" in str(info.value) and "200 m" in str(info.value)
    assert info.value.far[0][1] == pytest.approx(0.01 * math.pi / 180 * 6_371_008.8, rel=0.01)
    with pytest.raises(InputError, match="'bad'"):
        snap(tiny, ["bad"], [float("nan")], [lon])


def test_route_path_follows_oneways(tiny: RoadNetwork) -> None:
    a, b = _node(tiny, 6), _node(tiny, 4)
    path = route_path(tiny, a, b)
    assert path[0] == a and path[-1] == b
    edges = [tiny.edge_index(x, y) for x, y in pairwise(path)]
    dur, dist = node_matrices(tiny, [a], [b], workers=1)
    assert tiny.travel_time_s[edges].sum() == pytest.approx(dur[0, 0], abs=0.01)
    assert tiny.length_m[edges].sum() == pytest.approx(dist[0, 0], abs=0.05)
    assert (6, 4) not in _edge_set(tiny)  # so the path goes around the block
    assert len(path) > 2


def test_from_edges_dedups_and_validates() -> None:
    net = RoadNetwork.from_edges([0, 0, 0], [0, 0.001, 0.002], [0, 0, 0, 1, 1, 2],
                                 [1, 1, 0, 0, 2, 1], [5, 3, 1, 4, 2, 2],
                                 [50, 40, 1, 40, 30, 30])
    assert net.n_edges == 4  # parallel 0->1 reduced to the fastest, self-loop dropped
    assert net.travel_time_s[net.edge_index(0, 1)] == 3
    with pytest.raises(InputError):
        RoadNetwork.from_edges([0], [0], [0], [5], [1], [1])
    with pytest.raises(InputError):
        RoadNetwork.from_edges([0, 0], [0, 1], [0], [1], [-1], [1])


def test_download_cached_and_offline(tiny_osm: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fake_download(place: str, **kwargs: object) -> object:
        calls.append(place)
        return ox.graph_from_xml(tiny_osm, simplify=False, retain_all=True)

    monkeypatch.setattr(ox, "graph_from_place", fake_download)
    net = download_network("Tinytown", cache_dir=tmp_path)
    assert calls == ["Tinytown"] and len(list(tmp_path.glob("*.graphml"))) == 1
    assert "Tinytown" in net.source

    def offline(place: str, **kwargs: object) -> object:
        raise ConnectionError("Name or service not known")

    monkeypatch.setattr(ox, "graph_from_place", offline)
    again = download_network("Tinytown", cache_dir=tmp_path)  # from the cache
    assert again.fingerprint == net.fingerprint
    with pytest.raises(NetworkError, match=r"(?s)Elsewhere.*Offline\?.*load_network"):
        download_network("Elsewhere", cache_dir=tmp_path)


def test_cli_summary_and_matrix(tiny_osm: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    from circularopt.cli import main
    from circularopt.matrices import load_matrices

    points = tmp_path / "points.csv"
    points.write_text("id,lat,lon\n" + "".join(
        f"n{k},{NODES[k][0]},{NODES[k][1]}\n" for k in (1, 6, 9)), encoding="utf-8")
    assert main(["network", str(tiny_osm)]) == 0
    out = capsys.readouterr().out
    assert "nodes_outside_largest_scc" in out and "OSM XML" in out
    npz = tmp_path / "m.npz"
    assert main(["network", str(tiny_osm), "--points", str(points), "--out", str(npz),
                 "--no-cache", "--workers", "1"]) == 0
    m = load_matrices(npz)
    assert m.ids == ("n1", "n6", "n9") and not m.approximate
    assert m.duration_s[0, 1] > 0
    long_csv = tmp_path / "m.csv"
    assert main(["network", str(tiny_osm), "--points", str(points), "--out", str(long_csv),
                 "--no-cache", "--workers", "1"]) == 0
    rows = long_csv.read_text().splitlines()
    assert rows[0] == "from,to,duration_s,distance_m" and len(rows) == 10
    assert main(["network", str(tiny_osm), "--points", str(points), "--out",
                 str(tmp_path / "m.txt")]) == 2
    assert "--out" in capsys.readouterr().out
    points.write_text("id,lat,lon\nfar,43.5,75.5\n", encoding="utf-8")
    assert main(["network", str(tiny_osm), "--points", str(points), "--no-cache"]) == 2
    assert "'far'" in capsys.readouterr().out
