"""Loading road networks: OSM XML, PBF, GraphML, the drivable filter, the download cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import osmnx as ox
import pytest
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from circularopt.exceptions import DataNotFoundError, InputError, NetworkError
from circularopt.geo import great_circle
from circularopt.matrices import node_matrices
from circularopt.network import (
    RoadNetwork,
    download_network,
    load_network,
    path_latlon,
)
from tests.network.conftest import KEPT, NODES, _edge, _edge_set, _node, _xml


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
    (tmp_path / "roads.csv").write_text("x")
    with pytest.raises(InputError, match=r"\.osm\.pbf"):
        load_network(tmp_path / "roads.csv")
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
