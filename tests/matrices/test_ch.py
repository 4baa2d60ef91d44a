"""Contraction hierarchy: exact against scipy (and networkx, in test_road), multi-start
queries, cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from circularopt.exceptions import InputError
from circularopt.matrices import network_hierarchy, node_matrices, road_matrices
from circularopt.matrices.ch import ContractionHierarchy, Starts, node_starts
from tests.matrices.conftest import grid


def _query(ch: ContractionHierarchy, src: Starts, tgt: Starts) -> np.ndarray:
    """Raw (undecoded) distances: radix 1 puts the whole sum in the 'time' output."""
    dur, _ = ch.query(src, tgt, radix=1.0, time_quantum_s=1.0, length_quantum_m=1.0,
                      threads=2)
    return dur


def random_graph(n: int, m: int, seed: int) -> sparse.csr_matrix:
    """A random digraph with random integer weights up to 1e6 (ties unlikely)."""
    rng = np.random.default_rng(seed)
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = u != v
    w = rng.integers(1, 10**6, m).astype(float)
    g = sparse.csr_matrix((w[keep], (u[keep], v[keep])), shape=(n, n))
    g.sum_duplicates()
    return g


@pytest.mark.parametrize("seed", range(4))
def test_hierarchy_equals_scipy_on_random_graphs(seed: int) -> None:
    g = random_graph(300, 1200, seed)
    ch = ContractionHierarchy.build(g.indptr, g.indices, g.data)
    nodes = np.arange(300)
    got = _query(ch, node_starts(nodes), node_starts(nodes[::7]))
    assert np.array_equal(got, dijkstra(g, indices=nodes)[:, nodes[::7]])


def test_multi_start_query_is_min_over_starts() -> None:
    g = random_graph(120, 500, 9)
    ch = ContractionHierarchy.build(g.indptr, g.indices, g.data)
    full = dijkstra(g)
    src = Starts(np.array([0, 2, 3]), np.array([5, 17, 40]), np.array([0.0, 100.0, 7.0]))
    tgt = Starts(np.array([0, 1, 3]), np.array([8, 60, 61]), np.array([3.0, 0.0, 50.0]))
    got = _query(ch, src, tgt)
    want = np.array([[min(full[5, 8] + 3, full[17, 8] + 103),
                      min(full[a, b] + da + db for a, da in ((5, 0), (17, 100))
                          for b, db in ((60, 0), (61, 50)))],
                     [full[40, 8] + 10, min(full[40, 60] + 7, full[40, 61] + 57)]])
    assert np.array_equal(got, want)


def test_unreachable_is_inf_and_diagonal_zero() -> None:
    g = sparse.csr_matrix((np.array([5.0, 6.0]), (np.array([0, 1]), np.array([1, 2]))),
                          shape=(4, 4))
    ch = ContractionHierarchy.build(g.indptr, g.indices, g.data)
    got = _query(ch, node_starts(np.arange(4)), node_starts(np.arange(4)))
    assert got[0, 2] == 11.0 and got[2, 0] == np.inf and got[3, 0] == np.inf
    assert np.array_equal(np.diag(got), np.zeros(4))


def test_nonpositive_weight_rejected() -> None:
    with pytest.raises(InputError, match="weights"):
        ContractionHierarchy.build(np.array([0, 1, 1]), np.array([1]), np.array([0.0]))


def test_backends_equal_on_a_grid() -> None:
    net = grid(14, seed=3)
    src, tgt = np.arange(0, net.n_nodes, 3), np.arange(net.n_nodes)
    ch = node_matrices(net, src, tgt, backend="ch")
    sp = node_matrices(net, src, tgt, backend="scipy")
    assert np.array_equal(ch[0], sp[0]) and np.array_equal(ch[1], sp[1])


def test_unknown_backend_named() -> None:
    with pytest.raises(InputError, match="backend"):
        node_matrices(grid(3), [0, 1], backend="fast")


def test_hierarchy_cached_on_disk(tmp_path: Path) -> None:
    net = grid(6, seed=5)
    points = [(f"p{i}", float(net.lat[i]) + 1e-5, float(net.lon[i])) for i in range(0, 30, 5)]
    first = road_matrices(net, points, cache_dir=tmp_path)
    files = sorted(tmp_path.glob("hierarchies/ch-*.npz"))
    assert len(files) == 1
    loaded = ContractionHierarchy.load(files[0])
    assert np.array_equal(loaded.up_to, network_hierarchy(net).up_to)
    scipy = road_matrices(net, points, cache=False, backend="scipy")
    assert np.array_equal(first.duration_s, scipy.duration_s)
    assert np.array_equal(first.distance_m, scipy.distance_m)
