"""Shared matrix test helpers: random small digraphs and a street grid."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from circularopt.geo import great_circle
from circularopt.network import RoadNetwork

BIG = 10**12  # larger than any path length in cm below: lexicographic (time, length)


@st.composite
def random_digraphs(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, int, int]]]:
    """A small directed multigraph; edge = (u, v, time in ms, length in cm)."""
    n = draw(st.integers(2, 9))
    edge = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                     st.integers(1, 10**7), st.integers(1, 10**6))
    return n, draw(st.lists(edge, min_size=1, max_size=30))


def small_network(n: int, edges: list[tuple[int, int, int, int]]) -> RoadNetwork:
    u, v, t, ln = (np.array(x) for x in zip(*edges, strict=True))
    return RoadNetwork.from_edges(np.zeros(n), np.arange(n) * 1e-3, u, v, t / 1e3, ln / 1e2,
                                  keep_largest_scc=False)


def grid(side: int = 8, *, seed: int = 0) -> RoadNetwork:
    """A two-way street grid (~100 m blocks) with random speeds and a few one-ways."""
    rng = np.random.default_rng(seed)
    r, c = np.divmod(np.arange(side * side), side)
    lat, lon = 42.87 + r * 9e-4, 74.59 + c * 1.2e-3
    us, vs = [], []
    for a in range(side * side):
        for b in (a + 1 if c[a] < side - 1 else -1, a + side if r[a] < side - 1 else -1):
            if b < 0:
                continue
            us.append(a)
            vs.append(b)
            if r[a] % 3 or c[a] % 3 == 1 or rng.random() < 0.5:
                us.append(b)
                vs.append(a)
    u, v = np.array(us), np.array(vs)
    length = great_circle(lat[u], lon[u], lat[v], lon[v])
    time = length / rng.uniform(5, 17, len(u))
    return RoadNetwork.from_edges(lat, lon, u, v, time, length, source="test grid")
