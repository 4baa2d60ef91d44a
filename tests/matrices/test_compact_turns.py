"""Turn-aware matrices on the compact expansion (only restricted junctions split)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circularopt.exceptions import InputError
from circularopt.matrices.turns import compact_turn_graph, turn_node_matrices
from circularopt.network import RoadNetwork, TurnAwareGraph
from tests.matrices.conftest import random_digraphs, small_network


@st.composite
def restricted_graphs(draw: st.DrawFn, u_turn_s: st.SearchStrategy[float]
                      ) -> TurnAwareGraph:
    """A small random network with random ``no_*`` and ``only_*`` turn rules."""
    net = small_network(*draw(random_digraphs()))
    heads, tails = net.indices, net.edge_tails
    turns = [(int(a), int(f)) for a in range(net.n_edges)
             for f in np.flatnonzero(tails == heads[a])]
    pick = st.lists(st.sampled_from(turns), max_size=6, unique=True) if turns \
        else st.just([])
    banned, only = draw(pick), draw(pick)
    return TurnAwareGraph(net, draw(u_turn_s), banned=tuple(banned),
                          only=tuple(p for p in only if p not in banned))


def _line(graph: TurnAwareGraph) -> tuple[np.ndarray, np.ndarray]:
    nodes = np.arange(graph.network.n_nodes)
    return turn_node_matrices(graph, nodes, backend="scipy", expansion="line")


@settings(max_examples=150, deadline=None)
@given(graph=restricted_graphs(st.sampled_from([0.0, 1.0, 60.0, 3e4])),
       backend=st.sampled_from(["ch", "scipy"]))
def test_compact_equals_line_graph(graph: TurnAwareGraph, backend: str) -> None:
    nodes = np.arange(graph.network.n_nodes)
    got = turn_node_matrices(graph, nodes, backend=backend, expansion="compact",
                             workers=1)
    ref = _line(graph)
    assert np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])


@st.composite
def spur_graphs(draw: st.DrawFn) -> TurnAwareGraph:
    """A random two-way tree (dead ends to turn round in) plus up to three more two-way
    roads (loops round a block), 1-30 s an edge, random bans, U-turn 3-200 s."""
    n = draw(st.integers(3, 10))
    roads = [(draw(st.integers(0, i - 1)), i, draw(st.integers(1, 30))) for i in range(1, n)]
    more = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(1, 30))
    roads += [r for r in draw(st.lists(more, max_size=3)) if r[0] != r[1]]
    u, v, t = (np.array(x) for x in zip(*roads, strict=True))
    net = RoadNetwork.from_edges(np.zeros(n), np.arange(n) * 1e-3, np.r_[u, v], np.r_[v, u],
                                 np.r_[t, t] * 1.0, np.r_[t, t] * 10.0,
                                 keep_largest_scc=False)
    heads, tails = net.indices, net.edge_tails
    turns = [(int(a), int(f)) for a in range(net.n_edges)
             for f in np.flatnonzero(tails == heads[a]) if heads[f] != tails[a]]
    banned = draw(st.lists(st.sampled_from(turns), max_size=5, unique=True)) if turns \
        else []
    return TurnAwareGraph(net, draw(st.sampled_from([3.0, 10.0, 25.0, 60.0, 200.0])),
                          banned=tuple(banned))


@settings(max_examples=300, deadline=None)
@given(graph=spur_graphs(), backend=st.sampled_from(["ch", "scipy"]))
def test_compact_equals_line_graph_with_dead_ends_and_loops(graph: TurnAwareGraph,
                                                            backend: str) -> None:
    # a fastest path may turn round in a dead end or loop round a block; splitting only
    # up to the cheaper of the two must still equal the line graph (this test fails when
    # the split stops at half that cost)
    nodes = np.arange(graph.network.n_nodes)
    got = turn_node_matrices(graph, nodes, backend=backend, expansion="compact",
                             workers=1)
    ref = _line(graph)
    assert np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])


@settings(max_examples=100, deadline=None)
@given(graph=restricted_graphs(st.just(0.0)))
def test_restricted_only_equals_line_graph_without_u_turn_penalty(
        graph: TurnAwareGraph) -> None:
    nodes = np.arange(graph.network.n_nodes)
    got = turn_node_matrices(graph, nodes, expansion="restricted", workers=1)
    ref = _line(graph)
    assert np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])


@settings(max_examples=100, deadline=None)
@given(graph=restricted_graphs(st.floats(1.0, 3e4)))
def test_restricted_only_with_u_turn_penalty_between_free_and_line_graph(
        graph: TurnAwareGraph) -> None:
    nodes = np.arange(graph.network.n_nodes)
    got = turn_node_matrices(graph, nodes, expansion="restricted", workers=1)[0]
    free = _line(TurnAwareGraph(graph.network, 0.0, graph.banned, graph.only))[0]
    assert (got <= _line(graph)[0] + 1e-6).all() and (got >= free - 1e-6).all()


@settings(max_examples=100, deadline=None)
@given(data=st.data(), u_turn_s=st.floats(1.0, 3e4))
def test_restricted_only_equals_line_graph_when_every_junction_is_restricted(
        data: st.DataObject, u_turn_s: float) -> None:
    # every node with a way in and out is split, so U-turns are charged everywhere
    net = small_network(*data.draw(random_digraphs()))
    heads, tails = net.indices, net.edge_tails
    bans = []
    for v in range(net.n_nodes):
        into, out = np.flatnonzero(heads == v), np.flatnonzero(tails == v)
        if len(into) and len(out):
            bans.append((int(data.draw(st.sampled_from(into))),
                         int(data.draw(st.sampled_from(out)))))
    graph = TurnAwareGraph(net, u_turn_s, banned=tuple(bans))
    nodes = np.arange(net.n_nodes)
    got = turn_node_matrices(graph, nodes, expansion="restricted", workers=1)
    ref = _line(graph)
    assert np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])


def _path_with_spur() -> RoadNetwork:
    # 0 - 1 - 2 two-way, spur 1 - 3 - 4 two-way; 10 s and 100 m per edge
    u, v = np.array([0, 1, 1, 2, 1, 3, 3, 4]), np.array([1, 0, 2, 1, 3, 1, 4, 3])
    return RoadNetwork.from_edges(np.array([0.0, 0.0, 0.0, 1e-3, 2e-3]),
                                  np.array([0.0, 1e-3, 2e-3, 1e-3, 1e-3]), u, v,
                                  np.full(8, 10.0), np.full(8, 100.0))


@pytest.mark.parametrize("backend", ["ch", "scipy"])
def test_ban_changes_the_path_and_u_turn_next_door(backend: str) -> None:
    net = _path_with_spur()
    straight = (net.edge_index(0, 1), net.edge_index(1, 2))
    plain = TurnAwareGraph(net, 0.0)
    assert turn_node_matrices(plain, [0], [2], backend=backend)[0][0, 0] == 20.0
    banned = TurnAwareGraph(net, 30.0, banned=(straight,))
    # 0 -> 1 -> 3, turn round at 3 (30 s), 3 -> 1 -> 2; turning at 4 costs 20 s more
    for expansion in ("line", "compact"):
        got = turn_node_matrices(banned, [0], [2], expansion=expansion, backend=backend)
        assert got[0][0, 0] == pytest.approx(70.0) and got[1][0, 0] == pytest.approx(400.0)
    assert turn_node_matrices(banned, [0], [2])[0][0, 0] == pytest.approx(70.0)  # default
    # the restricted junction split alone: the turn at node 3 is not charged
    fast = turn_node_matrices(banned, [0], [2], expansion="restricted", backend=backend)
    assert fast[0][0, 0] == pytest.approx(40.0) and fast[1][0, 0] == pytest.approx(400.0)
    # with node 3 restricted too (only a U-turn there), it is charged
    both = TurnAwareGraph(net, 30.0, banned=(straight,),
                          only=((net.edge_index(1, 3), net.edge_index(3, 1)),))
    fast = turn_node_matrices(both, [0], [2], expansion="restricted", backend=backend)
    assert fast[0][0, 0] == pytest.approx(70.0)


def test_compact_graph_splits_within_a_u_turn_of_restricted_junctions() -> None:
    net = _path_with_spur()
    ban = ((net.edge_index(0, 1), net.edge_index(1, 2)),)
    # 30 s: restricted 1, its neighbours 0, 2, 3 and node 4 (20 s round trip from 3) are
    # split, one copy per in-edge (1 + 3 + 1 + 2 + 1); 10 s: not node 4
    assert compact_turn_graph(TurnAwareGraph(net, 30.0, banned=ban)).n_nodes == 5 + 8
    assert compact_turn_graph(TurnAwareGraph(net, 10.0, banned=ban)).n_nodes == 5 + 7
    graph = TurnAwareGraph(net, 0.0, banned=ban)
    compact = compact_turn_graph(graph)  # no penalty: the banned turn's edge in only
    assert compact.n_nodes == 5 + 1
    assert list(compact.arrivals(np.array([0, 1])).node) == [0, 1, 5]
    # from 0 (no straight on: to 0 and 3); plus the 8 edges from the original nodes
    # (those from 2 and 3 into 1 end at 1 itself, where every turn is free)
    assert len(compact.indices) == 8 + 2


def test_a_loop_cheaper_than_the_u_turn_bounds_the_split() -> None:
    # 0 -50 s- 1 -50 s- 2, no straight on at 1; spur 1 - 3 to a triangle 3 - 4 - 5 (10 s
    # a side) and a dead end 4 - 6; all two-way. From 1 -> 3 back onto 3 -> 1 the loop
    # round the triangle (30 s) beats the 100 s U-turn, so only junctions within a 30 s
    # round trip of 3 are split: 4 and 5, not 6 (40 s); the fastest 0 -> 2 loops (150 s)
    roads = [(0, 1, 50), (1, 2, 50), (1, 3, 10), (3, 4, 10), (4, 5, 10), (5, 3, 10),
             (4, 6, 10)]
    u, v, t = (np.array(x) for x in zip(*roads, strict=True))
    net = RoadNetwork.from_edges(np.zeros(7), np.arange(7) * 1e-3, np.r_[u, v], np.r_[v, u],
                                 np.r_[t, t] * 1.0, np.r_[t, t] * 10.0,
                                 keep_largest_scc=False)
    graph = TurnAwareGraph(net, 100.0,
                           banned=((net.edge_index(0, 1), net.edge_index(1, 2)),))
    compact = compact_turn_graph(graph)
    assert list(compact.arrivals(np.array([6])).node) == [6]
    assert len(compact.arrivals(np.array([4])).node) == 3
    for backend in ("ch", "scipy"):
        got = turn_node_matrices(graph, np.arange(7), backend=backend)
        ref = _line(graph)
        assert np.array_equal(got[0], ref[0]) and np.array_equal(got[1], ref[1])
        assert got[0][0, 2] == pytest.approx(150.0)


def test_unknown_expansion_named() -> None:
    graph = TurnAwareGraph(_path_with_spur(), 0.0, banned=((0, 1),))
    with pytest.raises(InputError, match="expansion"):
        turn_node_matrices(graph, [0], expansion="edges")


@pytest.mark.shared
@pytest.mark.parametrize("name", ["bavaria-10.068_48.135.osm", "west-oakland.osm.bz2"])
def test_real_extract_compact_against_line_graph(shared: Path, name: str) -> None:
    from circularopt.network import load_network
    from tests.matrices.test_ch_turns import _bans

    net = load_network(shared / "osm" / name, simplify=False)  # every junction kept
    bans = _bans(net, 0.3, 1)  # synthetic: these extracts hold no restriction
    nodes = np.arange(net.n_nodes)
    for u_turn_s in (0.0, 60.0):
        graph = TurnAwareGraph(net, u_turn_s, banned=bans)
        line = turn_node_matrices(graph, nodes, expansion="line", backend="scipy")
        compact = turn_node_matrices(graph, nodes, expansion="compact", workers=1)
        assert np.array_equal(compact[0], line[0]) and np.array_equal(compact[1], line[1])
        fast = turn_node_matrices(graph, nodes, expansion="restricted", workers=1)
        assert (fast[0] <= line[0] + 1e-6).all()
    plain = turn_node_matrices(TurnAwareGraph(net, 0.0), nodes)
    assert (compact[0] >= plain[0] - 1e-6).all() and (compact[0] > plain[0] + 1.0).any()
