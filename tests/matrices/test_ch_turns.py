"""Turn-aware matrices on the contraction hierarchy of the line graph."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from circularopt.exceptions import InputError
from circularopt.matrices.turns import turn_node_matrices
from circularopt.network import RoadNetwork, TurnAwareGraph
from tests.matrices.conftest import grid


def _bans(net: RoadNetwork, share: float, seed: int) -> tuple[tuple[int, int], ...]:
    """One banned (edge in, edge out) turn at ``share`` of the nodes."""
    rng = np.random.default_rng(seed)
    bans = []
    for v in rng.choice(net.n_nodes, int(share * net.n_nodes), replace=False):
        into = np.flatnonzero(net.indices == v)
        out = np.arange(net.indptr[v], net.indptr[v + 1])
        if len(into) and len(out):
            bans.append((int(rng.choice(into)), int(rng.choice(out))))
    return tuple(bans)


@pytest.mark.parametrize("seed", range(3))
def test_ch_equals_scipy_with_bans_and_u_turns(seed: int) -> None:
    net = grid(9, seed=seed)
    graph = TurnAwareGraph(net, 45.0, banned=_bans(net, 0.5, seed))
    nodes = np.arange(net.n_nodes)
    ch = turn_node_matrices(graph, nodes, nodes[::2], backend="ch", workers=2,
                            expansion="line")
    sp = turn_node_matrices(graph, nodes, nodes[::2], backend="scipy", expansion="line")
    assert np.array_equal(ch[0], sp[0]) and np.array_equal(ch[1], sp[1])


def test_only_restriction_and_ban_change_the_path() -> None:
    # 0 -> 1 -> 2 straight (fast), or 0 -> 1 -> 3 -> 2 round a block (slow)
    lat, lon = np.zeros(4), np.array([0.0, 1e-3, 2e-3, 1.5e-3])
    u, v = np.array([0, 1, 1, 3, 1, 2, 3, 2]), np.array([1, 2, 3, 2, 0, 1, 1, 3])
    net = RoadNetwork.from_edges(lat, lon, u, v, np.full(8, 10.0), np.full(8, 100.0))
    straight = (net.edge_index(0, 1), net.edge_index(1, 2))
    # a ban matching no turn keeps the line-graph search
    free = turn_node_matrices(TurnAwareGraph(net, 60.0, banned=((0, 0),)), [0], [2])
    banned = turn_node_matrices(TurnAwareGraph(net, 60.0, banned=(straight,)), [0], [2])
    assert free[0][0, 0] == pytest.approx(20.0)
    assert banned[0][0, 0] == pytest.approx(30.0) and banned[1][0, 0] == pytest.approx(300.0)


def test_unknown_backend_named() -> None:
    graph = TurnAwareGraph(grid(3), 60.0, banned=((0, 1),))
    with pytest.raises(InputError, match="backend"):
        turn_node_matrices(graph, [0], backend="dijkstra")


@pytest.mark.shared
@pytest.mark.parametrize("name", ["bavaria-10.068_48.135.osm", "west-oakland.osm.bz2"])
def test_real_extract_ch_equals_scipy(shared: Path, name: str) -> None:
    from circularopt.matrices import node_matrices
    from circularopt.network import load_network

    net = load_network(shared / "osm" / name)
    nodes = np.arange(0, net.n_nodes, max(1, net.n_nodes // 40))
    ch = node_matrices(net, nodes, backend="ch")
    sp = node_matrices(net, nodes, backend="scipy", workers=1)
    assert np.array_equal(ch[0], sp[0]) and np.array_equal(ch[1], sp[1])
    graph = TurnAwareGraph(net, 60.0, banned=_bans(net, 0.05, 1))  # synthetic bans
    few = nodes[:12]
    ch = turn_node_matrices(graph, few, backend="ch")
    sp = turn_node_matrices(graph, few, backend="scipy")
    assert np.array_equal(ch[0], sp[0]) and np.array_equal(ch[1], sp[1])
