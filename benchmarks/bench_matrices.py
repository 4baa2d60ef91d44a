"""Benchmark: road travel matrices against networkx single-source Dijkstra.

A road-like graph of at least 50,000 nodes (a perturbed grid around Bishkek with two-way
arterials every tenth street and on the border, random one-way minor streets and a few
missing links; the largest strongly connected component is kept) is generated with a
fixed seed. :func:`circularopt.matrices.road_matrices` computes 1000x1000, 2000x2000 and
5000x5000 time and distance matrices (snapping included, cache off; backend ``ch`` by
default, its preprocessing and numba's first call timed separately); networkx runs
``single_source_dijkstra_path_length`` (time only, so less work than ours) from a
sample of the same sources, and its time is extrapolated to all sources.

Run ``python benchmarks/bench_matrices.py`` for a table, or
``python -m pytest benchmarks/bench_matrices.py`` for pytest-benchmark. The normal test
run does not collect this file (``testpaths = ["tests"]``).
"""

from __future__ import annotations

import argparse
import math
import resource
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import networkx as nx
import numpy as np
import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from scipy.sparse.csgraph import dijkstra

from circularopt.geo import great_circle
from circularopt.matrices import network_hierarchy, road_matrices
from circularopt.matrices.ch import ContractionHierarchy, node_starts
from circularopt.network import RoadNetwork, TurnAwareGraph

T = TypeVar("T")

LAT0, LON0 = 42.87, 74.59
"""Grid origin (Bishkek)."""


def road_like_network(side: int = 230, *, spacing_m: float = 90.0, seed: int = 0,
                      oneway_share: float = 0.35, missing_share: float = 0.03) -> RoadNetwork:
    """A perturbed ``side`` x ``side`` street grid with one-way streets.

    Parameters
    ----------
    side
        Streets per direction; nodes = ``side**2`` before keeping the largest strongly
        connected component.
    spacing_m
        Block length, metres (positions are jittered by up to 20 % of it).
    seed
        Random seed.
    oneway_share
        Share of minor streets made one-way (the whole street, random direction).
    missing_share
        Share of minor street segments removed.

    Returns
    -------
    RoadNetwork
        Arterials (every 10th street and the border) are two-way at 60 km/h, minor
        streets 40 km/h; lengths are great-circle lengths times a random 1.0-1.15 bend.
        Nodes are numbered along a Z-order curve, as the OSM loaders do.
    """
    rng = np.random.default_rng(seed)
    dlat = spacing_m / 111_195.0
    dlon = dlat / math.cos(math.radians(LAT0))
    r, c = np.divmod(np.arange(side * side), side)
    lat = LAT0 + (r + rng.uniform(-0.2, 0.2, r.size)) * dlat
    lon = LON0 + (c + rng.uniform(-0.2, 0.2, c.size)) * dlon
    arterial = (np.arange(side) % 10 == 0) | (np.arange(side) == side - 1)
    us, vs, classes = [], [], []
    for horizontal in (True, False):
        for line in range(side):
            k = np.arange(side - 1)
            a = line * side + k if horizontal else k * side + line
            b = a + (1 if horizontal else side)
            if arterial[line]:
                us += [a, b]
                vs += [b, a]
                classes += [np.full(2 * len(a), 1)]
                continue
            keep = rng.random(len(a)) >= missing_share
            a, b = a[keep], b[keep]
            if rng.random() < oneway_share:
                if rng.random() < 0.5:
                    a, b = b, a
                us += [a]
                vs += [b]
                classes += [np.zeros(len(a), dtype=int)]
            else:
                us += [a, b]
                vs += [b, a]
                classes += [np.zeros(2 * len(a), dtype=int)]
    u, v, cls = np.concatenate(us), np.concatenate(vs), np.concatenate(classes)
    bend = rng.uniform(1.0, 1.15, len(u) // 2 + 1)
    pair = np.minimum(u, v) * side * side + np.maximum(u, v)
    length = great_circle(lat[u], lon[u], lat[v], lon[v]) * bend[pair % len(bend)]
    speed = np.where(cls == 1, 60.0, 40.0) / 3.6
    names = np.array(["residential", "primary"])[cls]
    return RoadNetwork.from_edges(lat, lon, u, v, length / speed, length,
                                  road_class=list(names), spatial_order=True,
                                  source=f"generated {side}x{side} grid, seed {seed}")


def sample_points(network: RoadNetwork, n: int, *, seed: int = 1
                  ) -> list[tuple[str, float, float]]:
    """``n`` points near distinct random nodes (jittered by about 15 m)."""
    rng = np.random.default_rng(seed)
    nodes = rng.choice(network.n_nodes, size=n, replace=False)
    jitter = rng.uniform(-1.4e-4, 1.4e-4, (n, 2))
    return [(f"p{k}", float(network.lat[i] + jitter[k, 0]),
             float(network.lon[i] + jitter[k, 1])) for k, i in enumerate(nodes)]


def networkx_graph(network: RoadNetwork) -> nx.DiGraph:
    """The same graph in networkx, weight ``time`` in seconds."""
    G = nx.DiGraph()
    G.add_nodes_from(range(network.n_nodes))
    G.add_weighted_edges_from(zip(network.edge_tails.tolist(), network.indices.tolist(),
                                  network.travel_time_s.tolist(), strict=True),
                              weight="time")
    return G


def networkx_seconds_per_source(G: nx.DiGraph, sources: np.ndarray) -> tuple[float, float]:
    """Mean wall and CPU time of ``single_source_dijkstra_path_length`` over ``sources``."""
    start, cpu = time.perf_counter(), time.process_time()
    for s in sources:
        nx.single_source_dijkstra_path_length(G, int(s), weight="time")
    return ((time.perf_counter() - start) / len(sources),
            (time.process_time() - cpu) / len(sources))


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def gil_stall(network: RoadNetwork, sources: int = 50) -> tuple[float, float]:
    """Does scipy's Dijkstra release the GIL?  Decides threads versus processes.

    Runs one ``dijkstra`` call from ``sources`` origins in a thread while this thread
    counts; returns (seconds of the call, longest stretch this thread could not run).
    A stall as long as the call means the GIL is held and threads cannot run searches
    in parallel.
    """
    done = threading.Event()
    graph = network.encoded.graph
    origins = np.arange(sources) * (network.n_nodes // sources)

    def work() -> None:
        dijkstra(graph, indices=origins)
        done.set()

    worker = threading.Thread(target=work)
    start = last = time.perf_counter()
    longest = 0.0
    worker.start()
    while not done.is_set():
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    worker.join()
    return time.perf_counter() - start, longest


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


@dataclass(frozen=True)
class Row:
    """One benchmark line."""

    size: int
    seconds: float
    cpu_seconds: float
    networkx_seconds: float
    networkx_cpu_seconds: float
    networkx_sampled: int
    peak_rss_mb: float
    peak_child_rss_mb: float

    @property
    def speedup(self) -> float:
        """networkx wall time / our wall time."""
        return self.networkx_seconds / self.seconds

    @property
    def cpu_speedup(self) -> float:
        """networkx CPU time / our CPU time (all processes): load-independent."""
        return self.networkx_cpu_seconds / self.cpu_seconds


def numba_first_call() -> tuple[float, float]:
    """Wall seconds of a tiny hierarchy build and query: first call in this process
    (numba loads its on-disk cache or compiles) and the same again (warm)."""
    ring = np.arange(6)
    indptr, indices = np.arange(7), np.roll(ring, -1)
    times = []
    for _ in range(2):
        start = time.perf_counter()
        ch = ContractionHierarchy.build(indptr, indices, np.ones(6))
        ch.query(node_starts(ring), node_starts(ring), radix=1.0, time_quantum_s=1.0,
                 length_quantum_m=1.0, threads=2)
        times.append(time.perf_counter() - start)
    return times[0], times[1]


def preprocess(network: RoadNetwork, backend: str) -> None:
    """Build the network's weights and (``ch``) hierarchy once, outside the timings."""
    network.encoded  # noqa: B018
    if backend != "ch":
        return
    first, warm = numba_first_call()
    print(f"numba: first call {first:.2f} s wall (compile or load cache), warm {warm:.3f} s")
    start, cpu = time.perf_counter(), cpu_seconds()
    ch = network_hierarchy(network)
    print(f"contraction hierarchy: {time.perf_counter() - start:.1f} s wall, "
          f"{cpu_seconds() - cpu:.1f} s CPU, {ch.n_arcs:,} arcs "
          f"({ch.n_arcs - network.n_edges:,} shortcuts)", flush=True)


def run(side: int = 230, sizes: tuple[int, ...] = (1000, 2000, 5000), *,
        nx_sample: int = 20, workers: int | None = None, backend: str = "ch"
        ) -> Iterator[Row]:
    """Yield one row per matrix size.

    Our matrices run first, so the peak memory reported for them does not include the
    networkx graph, which is built afterwards for the comparison.
    """
    network = road_like_network(side)
    print(f"network: {network.n_nodes:,} nodes, {network.n_edges:,} edges, "
          f"{network.road_km:,.0f} km, {network.nodes_dropped} nodes outside the SCC")
    preprocess(network, backend)
    ours = []
    for size in sizes:
        points = sample_points(network, size)
        start, cpu = time.perf_counter(), cpu_seconds()
        m = road_matrices(network, points, cache=False, workers=workers, backend=backend)
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        assert np.isfinite(m.duration_s).all() and m.duration_s.shape == (size, size)
        ours.append((size, seconds, cpu, *peak_rss_mb()))
        print(f"{size}x{size}: {seconds:.2f} s wall, {cpu:.2f} s CPU, peak RSS "
              f"{peak_rss_mb()[0]:.0f} MB", flush=True)
        del m
    G = networkx_graph(network)
    sample = np.random.default_rng(2).choice(network.n_nodes, size=nx_sample, replace=False)
    nx_wall, nx_cpu = networkx_seconds_per_source(G, sample)
    for size, seconds, cpu, own, child in ours:
        yield Row(size, seconds, cpu, nx_wall * size, nx_cpu * size, nx_sample, own, child)


# ------------------------------------------------------------------ pytest-benchmark


@pytest.fixture(scope="module")
def bench_network() -> RoadNetwork:
    """The generated 50,000+ node network."""
    return road_like_network()


@pytest.mark.parametrize("size", [1000, 2000])
def test_road_matrices(benchmark: BenchmarkFixture, bench_network: RoadNetwork,
                       size: int) -> None:
    """Time ``road_matrices`` (time and distance together)."""
    points = sample_points(bench_network, size)
    bench_network.encoded  # noqa: B018
    m = benchmark.pedantic(road_matrices, args=(bench_network, points),
                           kwargs={"cache": False}, rounds=1, iterations=1)
    assert m.duration_s.shape == (size, size)


def test_networkx_dijkstra_sample(benchmark: BenchmarkFixture,
                                  bench_network: RoadNetwork) -> None:
    """Time networkx single-source Dijkstra from 10 sources (multiply for a matrix)."""
    G = networkx_graph(bench_network)
    sources = np.arange(10) * (bench_network.n_nodes // 10)
    benchmark.pedantic(networkx_seconds_per_source, args=(G, sources),
                       rounds=1, iterations=1)


def random_bans(network: RoadNetwork, share: float, *, seed: int = 2
                ) -> tuple[tuple[int, int], ...]:
    """One banned ``(edge in, edge out)`` turn at ``share`` of the junctions (synthetic)."""
    rng = np.random.default_rng(seed)
    heads = network.indices
    bans = []
    for v in rng.choice(network.n_nodes, int(share * network.n_nodes), replace=False):
        into = np.flatnonzero(heads == v)
        out = np.arange(network.indptr[v], network.indptr[v + 1])
        if len(into) >= 2 and len(out) >= 2:
            bans.append((int(rng.choice(into)), int(rng.choice(out))))
    return tuple(bans)


def _timed(call: Callable[[], T]) -> tuple[T, float, float]:
    """Result, CPU seconds (all threads and children) and wall seconds of ``call()``."""
    t0, w0 = cpu_seconds(), time.perf_counter()
    out = call()
    return out, cpu_seconds() - t0, time.perf_counter() - w0


def turn_ratio(network: RoadNetwork, sizes: tuple[int, ...], *, share: float = 0.02,
               u_turn_s: float = 60.0, workers: int | None = None, line: bool = False,
               backend: str = "ch", expansions: tuple[str, ...] = ("compact", "restricted")
               ) -> None:
    """Print CPU and wall seconds of ``size`` x ``size`` node matrices: plain (node
    hierarchy) and turn-aware on the compact expansions (``"compact"``, exact, and
    ``"restricted"``; their hierarchies, or scipy with ``backend="scipy"``), with
    synthetic bans at ``share`` of the junctions; hierarchies are built apart, once. With
    ``line``, the first size also runs the exact line-graph search (scipy) and counts
    the entries of each that differ from it."""
    from circularopt.matrices.turns import cached_compact, turn_node_matrices

    graph = TurnAwareGraph(network, u_turn_s, banned=random_bans(network, share))
    preprocess(network, "ch")
    print(f"{len(graph.banned)} bans (U-turn {u_turn_s:g} s); network "
          f"{network.n_nodes:,} nodes, {network.n_edges:,} edges")
    for expansion in expansions:
        compact, cpu, _ = _timed(partial(cached_compact, graph,
                                         exact=expansion == "compact"))
        _, h_cpu, h_wall = _timed(partial(turn_node_matrices, graph, [0, 1],
                                          expansion=expansion, backend=backend))
        print(f"{expansion}: {compact.n_nodes:,} nodes, {len(compact.indices):,} arcs "
              f"({cpu:.2f} CPU s); first call ({backend}: hierarchy, numba) "
              f"{h_cpu:.1f} CPU s, {h_wall:.1f} s wall")
    for k, size in enumerate(sizes):
        src = np.random.default_rng(3).choice(network.n_nodes, size, replace=False)
        _turn_table(graph, src, expansions, backend, workers, line and k == 0)


def _turn_table(graph: TurnAwareGraph, src: np.ndarray, expansions: tuple[str, ...],
                backend: str, workers: int | None, line: bool) -> None:
    """One table of :func:`turn_ratio` for the sources ``src``."""
    from circularopt.matrices import node_matrices
    from circularopt.matrices.turns import turn_node_matrices

    network = graph.network
    calls = {"plain (node hierarchy)": lambda: node_matrices(network, src, workers=workers)}
    for expansion in expansions:
        calls[f"turn-aware, {expansion} ({backend})"] = partial(
            turn_node_matrices, graph, src, expansion=expansion, workers=workers,
            backend=backend)
    if line:
        calls["turn-aware, line graph (scipy, exact)"] = lambda: turn_node_matrices(
            graph, src, expansion="line", backend="scipy", workers=workers)
    print(f"| {len(src)}x{len(src)} | CPU s | wall s | ratio CPU | ratio wall |")
    print("|---|---:|---:|---:|---:|")
    rows, base = [], (0.0, 0.0)
    for name, call in calls.items():
        (dur, dist), cpu, wall = _timed(call)
        rows.append((name, dur, dist))
        base = base if base[0] else (cpu, wall)
        print(f"| {name} | {cpu:.2f} | {wall:.2f} | {cpu / base[0]:.1f}x | "
              f"{wall / base[1]:.1f}x |", flush=True)
    if line:
        _, ref, ref_m = rows[-1]
        for name, got, got_m in rows[1:-1]:
            diff = ref - got
            low = diff > 1e-6
            print(f"{name} vs line graph: {int(low.sum()):,} of {diff.size:,} entries "
                  f"lower (by at most {diff.max():.1f} s, mean "
                  f"{diff[low].mean() if low.any() else 0:.1f} s), "
                  f"{int((diff < -1e-6).sum())} higher; times identical: "
                  f"{np.array_equal(ref, got)}, lengths identical: "
                  f"{np.array_equal(ref_m, got_m)}")


def _backend_rows(name: str, network: RoadNetwork, src: np.ndarray) -> np.ndarray:
    """Encoded (time, length) rows ``src`` x ``src`` from one library, one thread."""
    u = network.edge_tails.astype(np.int64).tolist()
    v = network.indices.astype(np.int64).tolist()
    w = network.encoded.graph.data.tolist()
    if name == "igraph":
        import igraph as ig

        g = ig.Graph(n=network.n_nodes, edges=list(zip(u, v, strict=True)), directed=True)
        g.es["w"] = w
        return np.array(g.distances(source=src.tolist(), target=src.tolist(), weights="w"))
    if name == "networkit":
        import networkit as nk

        nk.setNumberOfThreads(1)
        G = nk.Graph(network.n_nodes, weighted=True, directed=True)
        for a, b, c in zip(u, v, w, strict=True):
            G.addEdge(a, b, c)
        sp = nk.distance.SPSP(G, src.tolist(), src.tolist())
        sp.run()
        return np.array(sp.getDistances())
    if name == "rustworkx":
        import rustworkx as rx

        R = rx.PyDiGraph()
        R.add_nodes_from(range(network.n_nodes))
        R.add_edges_from(list(zip(u, v, w, strict=True)))
        rows = [rx.digraph_dijkstra_shortest_path_lengths(R, int(s), edge_cost_fn=float)
                for s in src]
        return np.array([[0.0 if t == s else d[int(t)] for t in src]
                         for s, d in zip(src, rows, strict=True)])
    return np.asarray(dijkstra(network.encoded.graph, indices=src)[:, src])


def pandana_rows(network: RoadNetwork, src: np.ndarray) -> tuple[float, np.ndarray]:
    """Contraction hierarchies (pandana): CPU s to build, and travel-time-only rows
    from one point-to-point query per pair (pandana has no many-to-many search)."""
    import pandana
    import pandas as pd

    enc = network.encoded
    t0 = time.process_time()
    net = pandana.Network(pd.Series(network.lon), pd.Series(network.lat),
                          pd.Series(network.edge_tails), pd.Series(network.indices),
                          pd.DataFrame({"w": np.floor(enc.graph.data / enc.radix)}),
                          twoway=False)
    build = time.process_time() - t0
    orig, dest = np.repeat(src, len(src)), np.tile(src, len(src))
    rows = np.asarray(net.shortest_path_lengths(orig, dest, imp_name="w"))
    return build, rows.reshape(len(src), len(src)) * enc.radix


def cch_rows(network: RoadNetwork, src: np.ndarray) -> tuple[float, np.ndarray]:
    """Customizable contraction hierarchies (routingkit-cch, one-to-many with pinned
    targets): CPU s to order, build and customise, and travel-time-only rows (RoutingKit
    weights are 32-bit, too narrow for the encoded time-and-length weights)."""
    import routingkit_cch as rk

    enc = network.encoded
    tail = network.edge_tails.astype(np.int64).tolist()
    head = network.indices.astype(np.int64).tolist()
    t0 = time.process_time()
    order = rk.compute_order_inertial(network.n_nodes, tail, head, network.lat.tolist(),
                                      network.lon.tolist())
    metric = rk.CCHMetric(rk.CCH(order, tail, head, False),
                          np.floor(enc.graph.data / enc.radix).astype(np.int64).tolist())
    build = time.process_time() - t0
    query = rk.CCHOneToMany(metric, src.tolist())
    rows = np.array([[np.inf if d is None else d for d in query.distances_from(int(s))]
                     for s in src], dtype=float)
    return build, rows * enc.radix


def compare_backends(network: RoadNetwork, n: int) -> None:
    """Print CPU seconds of an ``n`` x ``n`` matrix per library (one thread each) and
    whether it equals scipy's (time and length, exactly)."""
    src = np.random.default_rng(0).choice(network.n_nodes, n, replace=False)
    ref = _backend_rows("scipy", network, src)
    print(f"| library ({n}x{n}, one thread) | CPU s | equal to scipy |")
    print("|---|---:|---|")
    for name in ("scipy", "igraph", "networkit", "rustworkx", "pandana", "routingkit-cch"):
        try:
            t0 = time.process_time()
            if name in ("pandana", "routingkit-cch"):
                build, rows = (pandana_rows if name == "pandana" else cch_rows)(network, src)
                same = np.array_equal(np.floor(ref / network.encoded.radix) *
                                      network.encoded.radix, rows)
                name = f"{name} (build {build:.1f} s not counted; time only)"
                t0 += build
            else:
                rows = _backend_rows(name, network, src)
                same = np.array_equal(rows, ref)
        except ImportError:
            print(f"| {name} | not installed | |")
            continue
        print(f"| {name} | {time.process_time() - t0:.2f} | {same} |", flush=True)


def main() -> None:
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=230, help="grid side (default 230)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000])
    parser.add_argument("--backend", choices=("ch", "scipy"), default="ch",
                        help="shortest-path backend (default ch)")
    parser.add_argument("--nx-sample", type=int, default=20,
                        help="networkx sources timed, then extrapolated (default 20)")
    parser.add_argument("--workers", type=int, help="processes (default: all CPUs)")
    parser.add_argument("--turns", type=int, nargs="+", metavar="SOURCES",
                        help="only compare turn-aware SOURCES x SOURCES matrices (random "
                             "bans at 2%% of nodes) with plain ones (--line: the first)")
    parser.add_argument("--u-turn-s", type=float, default=60.0,
                        help="--turns: U-turn penalty, seconds (default 60)")
    parser.add_argument("--expansions", nargs="+", choices=("compact", "restricted"),
                        default=["compact", "restricted"],
                        help="--turns: compact expansions to time (default both)")
    parser.add_argument("--line", action="store_true",
                        help="--turns: also time the exact line graph and count differences")
    parser.add_argument("--backends", type=int, metavar="N",
                        help="only compare shortest-path libraries on an N x N matrix")
    args = parser.parse_args()
    if args.backends:
        compare_backends(road_like_network(args.side), args.backends)
        return
    if args.turns:
        turn_ratio(road_like_network(args.side), tuple(args.turns), workers=args.workers,
                   u_turn_s=args.u_turn_s, line=args.line, backend=args.backend,
                   expansions=tuple(args.expansions))
        return
    rows = list(run(args.side, tuple(args.sizes), nx_sample=args.nx_sample,
                    workers=args.workers, backend=args.backend))
    call, stall = gil_stall(road_like_network(args.side))
    print(f"GIL check: a {call:.2f} s scipy dijkstra call in a thread stalled the main "
          f"thread for {stall:.2f} s ({'held' if stall > 0.5 * call else 'released'}) "
          f"-> {'processes' if stall > 0.5 * call else 'threads would also'} scale")
    print("| matrix | road_matrices wall s | CPU s (all processes) | networkx wall s | "
          "networkx CPU s | speed-up wall | speed-up CPU | peak RSS MB (main / worker) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r.size}x{r.size} | {r.seconds:.2f} | {r.cpu_seconds:.2f} | "
              f"{r.networkx_seconds:.1f} | {r.networkx_cpu_seconds:.1f} | {r.speedup:.0f}x | "
              f"{r.cpu_speedup:.0f}x | {r.peak_rss_mb:.0f} / {r.peak_child_rss_mb:.0f} |")
    print(f"networkx: single_source_dijkstra_path_length (time only) timed from "
          f"{args.nx_sample} sources and multiplied by the matrix size. CPU time counts "
          f"this process and its worker processes; wall time depends on other load.")


if __name__ == "__main__":
    main()
