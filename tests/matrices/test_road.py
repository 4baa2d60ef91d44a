"""Road matrices: scipy Dijkstra against networkx, worker processes, snapping legs, paths."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings

from circularopt.exceptions import InputError, SnappingError
from circularopt.matrices import (
    node_matrices,
    road_matrices,
)
from circularopt.network import RoadNetwork, route_path, route_paths, snap
from tests.matrices.conftest import BIG, grid, random_digraphs, small_network


@pytest.mark.parametrize("backend", ["scipy", "ch"])
@settings(max_examples=60, deadline=None)
@given(graph=random_digraphs())
def test_node_matrices_equal_networkx(graph: tuple[int, list[tuple[int, int, int, int]]],
                                      backend: str) -> None:
    n, edges = graph
    dur, dist = node_matrices(small_network(n, edges), np.arange(n), backend=backend,
                              workers=1)
    G = nx.MultiDiGraph()
    G.add_nodes_from(range(n))
    for a, b, t, ln in edges:
        G.add_edge(a, b, time=t / 1e3, lex=t * BIG + ln)
    for s in range(n):
        fastest = nx.single_source_dijkstra_path_length(G, s, weight="time")
        lexi = nx.single_source_dijkstra_path_length(G, s, weight="lex")
        for target in range(n):
            if target not in fastest:
                assert dur[s, target] == np.inf and dist[s, target] == np.inf
                continue
            assert dur[s, target] == pytest.approx(fastest[target], abs=1e-6)
            # distance along the fastest path (the shortest of equally fast ones)
            assert dist[s, target] == pytest.approx((lexi[target] % BIG) / 1e2, abs=1e-6)


def test_worker_processes_agree_with_one_process() -> None:
    net = grid(12)
    nodes = np.arange(net.n_nodes)
    one = node_matrices(net, nodes, workers=1)
    two = node_matrices(net, nodes, workers=2)  # 144 origins: several tasks, 2 processes
    np.testing.assert_array_equal(one[0], two[0])
    np.testing.assert_array_equal(one[1], two[1])
    sub = node_matrices(net, nodes[[5, 3, 5]], nodes[[7, 1]], workers=1)
    np.testing.assert_array_equal(sub[0], one[0][np.ix_([5, 3, 5], [7, 1])])


def test_road_matrices_at_nodes_equal_node_matrices(tmp_path: Path) -> None:
    net = grid()
    nodes = [0, 9, 30, 63]
    locs = [(f"n{k}", float(net.lat[k]), float(net.lon[k])) for k in nodes]
    m = road_matrices(net, locs, cache_dir=tmp_path, workers=1)
    dur, dist = node_matrices(net, nodes, workers=1)
    np.testing.assert_allclose(m.duration_s, dur, atol=1e-6)
    np.testing.assert_allclose(m.distance_m, dist, atol=1e-6)
    assert not m.approximate and "test grid" in m.source
    assert np.all(np.diag(m.duration_s) == 0)
    assert np.all(m.duration_s[~np.eye(4, dtype=bool)] > 0)


def test_snapping_legs_are_added_on_both_ends(tmp_path: Path) -> None:
    net = grid()
    # a point a third of the way along the edge 0 -> 1, 20 m off the road, and node 63
    lat = float(net.lat[0]) - 20 / 111_195
    lon = float(net.lon[0] + (net.lon[1] - net.lon[0]) / 3)
    locs = [("p", lat, lon), ("q", float(net.lat[63]), float(net.lon[63]))]
    s = snap(net, ["p"], [lat], [lon])
    assert s.node[0] == 0 and s.distance_m[0] == pytest.approx(20, rel=0.02)
    m = road_matrices(net, locs, cache=False, workers=1)
    dur, dist = node_matrices(net, [0, 63], workers=1)
    assert m.duration_s[0, 1] == pytest.approx(s.leg_s[0] + dur[0, 1], abs=1e-6)
    assert m.duration_s[1, 0] == pytest.approx(dur[1, 0] + s.leg_s[0], abs=1e-6)
    assert m.distance_m[0, 1] == pytest.approx(s.leg_m[0] + dist[0, 1], abs=1e-6)
    assert s.leg_m[0] == pytest.approx(net.length_m[net.edge_index(0, 1)] / 3, rel=0.01)
    with pytest.raises(SnappingError, match="'p'"):
        road_matrices(net, locs, max_snap_m=10, cache=False)


def test_path_matches_matrix_entry() -> None:
    net = grid()
    dur, dist = node_matrices(net, [60], [3], workers=1)
    path = route_path(net, 60, 3)
    edges = [net.edge_index(a, b) for a, b in pairwise(path)]
    assert net.travel_time_s[edges].sum() == pytest.approx(dur[0, 0], abs=1e-3 * len(edges))
    assert net.length_m[edges].sum() == pytest.approx(dist[0, 0], abs=1e-2 * len(edges))
    pairs = [(60, 3), (5, 60), (60, 60), (60, 40)]
    batch = route_paths(net, pairs)
    assert batch[0] == path and batch[2] == [60]
    assert all(p[0] == a and p[-1] == b for p, (a, b) in zip(batch, pairs, strict=True))
    assert batch[3] == route_path(net, 60, 40)


def test_node_matrices_refuses_bad_input() -> None:
    net = grid(3)
    with pytest.raises(InputError, match="sources"):
        node_matrices(net, [99])
    with pytest.raises(InputError, match="workers"):
        node_matrices(net, [0], workers=0)


def test_spatial_order_renumbers_without_changing_paths() -> None:
    plain = grid(9)
    u, v = plain.edge_tails, plain.indices
    z = RoadNetwork.from_edges(plain.lat, plain.lon, u, v, plain.travel_time_s,
                               plain.length_m, spatial_order=True)
    assert sorted(z.node_ids.tolist()) == plain.node_ids.tolist()
    assert z.node_ids.tolist() != plain.node_ids.tolist()
    where = np.argsort(z.node_ids)  # z index of plain node k
    np.testing.assert_array_equal(z.lat[where], plain.lat)
    dz, lz = node_matrices(z, where, workers=1)
    dp, lp = node_matrices(plain, np.arange(plain.n_nodes), workers=1)
    np.testing.assert_array_equal(dz, dp)
    np.testing.assert_array_equal(lz, lp)
