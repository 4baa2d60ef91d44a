"""Turn-aware paths: a hand-made grid, a tiny OSM file with a restriction, real extracts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from circularopt.matrices import node_matrices
from circularopt.network import (
    RoadNetwork,
    TurnAwareGraph,
    TurnRestriction,
    load_network,
    read_turn_restrictions,
    turn_graph_for,
)

# 0 - 1 - 2        two-way edges, 10 s each, except 0 - 3: 15 s
# |   |   |        fastest 0 -> 4 is 0 -> 1 -> 4 (20 s); 0 -> 3 -> 4 takes 25 s
# 3 - 4 - 5
LAT = [0.0, 0.0, 0.0, 0.001, 0.001, 0.001]
LON = [0.0, 0.001, 0.002, 0.0, 0.001, 0.002]
PAIRS = [(0, 1, 10), (1, 2, 10), (3, 4, 10), (4, 5, 10), (0, 3, 15), (1, 4, 10), (2, 5, 10)]


@pytest.fixture
def grid() -> RoadNetwork:
    u, v, t = [], [], []
    for a, b, s in PAIRS:
        u += [a, b]
        v += [b, a]
        t += [s, s]
    return RoadNetwork.from_edges(LAT, LON, u, v, t, [100.0] * len(u),
                                  node_ids=[100 + k for k in range(6)])


def _ban(kind: str, came: int, via: int, goes: int) -> TurnRestriction:
    return TurnRestriction(kind, 100 + via, LAT[came], LON[came], LAT[goes], LON[goes])


def test_without_restrictions_and_penalty_equals_plain(grid: RoadNetwork) -> None:
    turn = TurnAwareGraph.build(grid, u_turn_s=0.0)
    plain = node_matrices(grid, np.arange(6), workers=1)
    for a, b in zip(turn.node_matrices(np.arange(6), line_graph=True), plain, strict=True):
        np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("kind, goes", [("no_left_turn", 4), ("only_straight_on", 2)])
def test_restriction_changes_the_path(grid: RoadNetwork, kind: str, goes: int) -> None:
    turn = TurnAwareGraph.build(grid, [_ban(kind, 0, 1, goes)])
    assert turn.unmatched == 0
    duration, distance = turn.node_matrices([0], [4])
    assert duration[0, 0] == pytest.approx(25.0)  # round by node 3
    assert node_matrices(grid, [0], [4], workers=1)[0][0, 0] == pytest.approx(20.0)
    assert distance[0, 0] == pytest.approx(200.0)


@pytest.mark.parametrize("u_turn_s, expected", [(0.0, 0.0), (30.0, 30.0), (60.0, 40.0)])
def test_u_turn_penalty_against_going_round_the_block(
        grid: RoadNetwork, u_turn_s: float, expected: float) -> None:
    turn = TurnAwareGraph.build(grid, u_turn_s=u_turn_s)
    there, back = grid.edge_index(0, 1), grid.edge_index(1, 0)
    duration, _ = turn.edge_to_edge([there], [back])
    assert duration[0, 0] == pytest.approx(expected)  # round: 1-2-5-4-1, 40 s


def test_edge_to_edge_excludes_both_edges(grid: RoadNetwork) -> None:
    turn = TurnAwareGraph.build(grid)
    a, b = grid.edge_index(0, 1), grid.edge_index(4, 5)
    duration, distance = turn.edge_to_edge([a, b], [b, a])
    assert duration[0, 0] == pytest.approx(10.0)  # end of 0->1 to start of 4->5: 1->4
    assert distance[0, 0] == pytest.approx(100.0)
    assert duration[0, 1] == 0.0  # an edge to itself
    # end of 4->5 (node 5) to start of 0->1 (node 0), arriving at 0 from 3, not a U-turn
    # at 0 or 5: 5-2-1-4-3-0 = 10 + 10 + 10 + 10 + 15 s
    assert duration[1, 1] == pytest.approx(55.0)


def test_unknown_via_node_counted_unmatched(grid: RoadNetwork) -> None:
    turn = TurnAwareGraph.build(grid, [TurnRestriction("no_left_turn", 999, 0, 0, 0, 0)])
    assert turn.unmatched == 1 and not turn.banned


OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6">
{nodes}
{ways}
 <relation id="900" version="1"><member type="way" ref="{came}" role="from"/>
  <member type="node" ref="2" role="via"/><member type="way" ref="{goes}" role="to"/>
  <tag k="type" v="restriction"/><tag k="restriction" v="no_right_turn"/></relation>
</osm>
"""


def _osm(tmp_path: Path) -> Path:
    pos = {1: (42.0, 74.0), 2: (42.0, 74.001), 3: (42.0, 74.002),
           4: (42.001, 74.0), 5: (42.001, 74.001), 6: (42.001, 74.002)}
    ways = {11: ([1, 2], "tertiary"), 12: ([2, 3], "residential"), 13: ([4, 5], "residential"),
            14: ([5, 6], "residential"), 15: ([1, 4], "residential"),
            16: ([2, 5], "tertiary"), 17: ([3, 6], "residential")}
    nodes = "\n".join(f' <node id="{k}" version="1" lat="{a}" lon="{b}"/>'
                      for k, (a, b) in pos.items())
    text = "\n".join(
        f' <way id="{w}" version="1">' + "".join(f'<nd ref="{n}"/>' for n in refs)
        + f'<tag k="highway" v="{hw}"/></way>' for w, (refs, hw) in ways.items())
    path = tmp_path / "grid.osm"
    path.write_text(OSM.format(nodes=nodes, ways=text, came=11, goes=16), encoding="utf-8")
    return path


def test_osm_restriction_read_and_honoured(tmp_path: Path) -> None:
    path = _osm(tmp_path)
    (r,) = read_turn_restrictions(path)
    assert (r.kind, r.via, r.from_lon, r.to_lat) == ("no_right_turn", 2, 74.0, 42.001)
    net = load_network(path, simplify=False)
    turn = turn_graph_for(net, path)
    assert len(turn.banned) == 1 and turn.unmatched == 0
    i = {int(k): n for n, k in enumerate(net.node_ids)}
    plain, _ = node_matrices(net, [i[1]], [i[5]], workers=1)
    turned, _ = turn.node_matrices([i[1]], [i[5]])
    assert turned[0, 0] > plain[0, 0] + 1.0  # 1 -> 4 -> 5 instead of 1 -> 2 -> 5


@pytest.mark.shared
@pytest.mark.parametrize("name", ["bavaria-10.068_48.135.osm", "west-oakland.osm.bz2"])
def test_real_extract_turns(shared: Path, name: str) -> None:
    path = shared / "osm" / name
    assert read_turn_restrictions(path) == []  # these extracts hold no restriction
    net = load_network(path)
    nodes = np.arange(0, net.n_nodes, max(1, net.n_nodes // 15))
    free = TurnAwareGraph.build(net, u_turn_s=0.0)
    plain = node_matrices(net, nodes, workers=1)
    np.testing.assert_allclose(free.node_matrices(nodes, line_graph=True)[0], plain[0],
                               atol=1e-6)
    penalised = TurnAwareGraph.build(net, u_turn_s=60.0)  # no restriction: as plain
    np.testing.assert_allclose(penalised.node_matrices(nodes, line_graph=True)[0], plain[0],
                               atol=1e-6)
    edges = np.arange(min(net.n_edges, 60))
    back = [_reverse(net, e) for e in edges]
    pairs = [(e, b) for e, b in zip(edges, back, strict=True) if b is not None]
    a = free.edge_to_edge([e for e, _ in pairs], [b for _, b in pairs])[0].diagonal()
    b = penalised.edge_to_edge([e for e, _ in pairs], [b for _, b in pairs])[0].diagonal()
    assert (b >= a - 1e-9).all() and (b > a + 1.0).any()  # turning back costs more


def _reverse(net: RoadNetwork, e: int) -> int | None:
    head, tail = int(net.indices[e]), int(net.edge_tails[e])
    try:
        return net.edge_index(head, tail)
    except Exception:
        return None


def test_cli_network_turns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from circularopt.cli import main
    from circularopt.matrices import load_matrices

    path = _osm(tmp_path)
    points = tmp_path / "points.csv"
    points.write_text("id,lat,lon\na,42.0,74.0\nb,42.001,74.001\n", encoding="utf-8")
    out = tmp_path / "m.npz"
    base = ["network", str(path), "--points", str(points), "--no-cache", "--workers", "1"]
    assert main([*base, "--out", str(out)]) == 0
    plain = load_matrices(out).duration_s[0, 1]
    assert main([*base, "--turns", "30", "--out", str(out)]) == 0
    # simplified, the grid keeps junctions 2 and 5 only and one edge per node pair, so
    # the restricted edge (5 -> 4 -> 1 -> 2, parallel to 5 -> 2) is gone: not matched
    assert "0 turn restrictions applied (1 not matched)" in capsys.readouterr().out
    turned = load_matrices(out)
    assert "turn-aware" in turned.source and turned.duration_s[0, 1] == pytest.approx(plain)


def test_cli_network_backend_and_expansion(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from circularopt.cli import main
    from circularopt.matrices import load_matrices

    points = tmp_path / "points.csv"
    points.write_text("id,lat,lon\na,42.0,74.0\nb,42.001,74.002\nc,42.0,74.002\n",
                      encoding="utf-8")
    base = ["network", str(_osm(tmp_path)), "--points", str(points), "--no-cache",
            "--workers", "1"]
    found = []
    for extra in (["--backend", "ch"], ["--backend", "scipy"],
                  ["--turns", "--backend", "scipy", "--turn-expansion", "line"],
                  ["--turns", "--backend", "ch", "--turn-expansion", "compact"],
                  ["--turns", "--turn-expansion", "restricted"]):
        out = tmp_path / "m.npz"
        assert main([*base, *extra, "--out", str(out)]) == 0
        found.append(load_matrices(out).duration_s)
    assert all(np.array_equal(found[0], m) for m in found[1:])
    with pytest.raises(SystemExit) as exc:
        main([*base, "--backend", "networkx"])
    assert exc.value.code == 2 and "--backend" in capsys.readouterr().err
