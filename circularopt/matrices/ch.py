"""Contraction hierarchy and bucket many-to-many queries (Geisberger et al. 2008; Knopp
et al. 2007), compiled with numba.

Nodes are ordered by edge difference plus deleted neighbours (lazy updates) and
contracted with witness searches limited by settled nodes (a missed witness only adds a
shortcut, never an error). A matrix query runs an upward search from each target into
buckets, then an upward search from each source scanning them, both with
stall-on-demand and in parallel over the searches (``numba.prange``).

The metric is the network's encoded weight (:attr:`RoadNetwork.encoded`): travel time
and length in one exact integer, so every shortcut stores both and the query returns the
time of the fastest path and the length summed along that same path (the shortest of
equally fast ones), exactly as scipy's Dijkstra does. Hand-written because no maintained
Python library gives both along the fastest path for many-to-many: routingkit-cch keeps
32-bit weights (too narrow for the encoding, so time only), and pandana's CH has one
impedance per hierarchy and point-to-point queries only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from circularopt.exceptions import InputError

__all__ = ["ContractionHierarchy", "Starts", "node_starts"]

_MAX_SETTLED = 64
"""Witness searches stop after this many settled nodes (more shortcuts, never wrong)."""

_COEF = np.array([8.0, 1.0, 1.0, 8.0])
"""Node priority = the first three times (edge difference, deleted neighbours, level);
after a contraction, neighbours with a live degree up to the fourth get their priority
recomputed at once, the others when they reach the top of the queue (lazy)."""


@dataclass(frozen=True)
class Starts:
    """Where each search starts: query ``i`` starts at ``node[ptr[i]:ptr[i+1]]`` with
    initial distances ``dist[...]`` (encoded units)."""

    ptr: np.ndarray
    node: np.ndarray
    dist: np.ndarray


def node_starts(nodes: np.ndarray) -> Starts:
    """One start per query: the node itself at distance 0."""
    nodes = np.asarray(nodes, dtype=np.int64)
    return Starts(np.arange(len(nodes) + 1, dtype=np.int64), nodes, np.zeros(len(nodes)))


@dataclass(frozen=True, eq=False)
class ContractionHierarchy:
    """A contracted graph, nodes numbered by contraction rank.

    ``up_*``: CSR of arcs to higher nodes (forward searches); ``down_*``: CSR of arcs
    *from* higher nodes, stored at the lower end (backward searches). ``rank[v]`` is the
    position of original node ``v``. ``build_seconds`` is the preprocessing wall time.
    """

    rank: np.ndarray
    up_ptr: np.ndarray
    up_to: np.ndarray
    up_w: np.ndarray
    down_ptr: np.ndarray
    down_to: np.ndarray
    down_w: np.ndarray
    build_seconds: float

    @property
    def n_nodes(self) -> int:
        """Nodes of the graph."""
        return len(self.rank)

    @property
    def n_arcs(self) -> int:
        """Arcs in both search graphs (original edges and shortcuts)."""
        return len(self.up_to) + len(self.down_to)

    @classmethod
    def build(cls, indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray
              ) -> ContractionHierarchy:
        """Contract a CSR graph with positive weights (float64 holding integers)."""
        from circularopt.matrices import _ch_kernels as k

        start = time.perf_counter()
        indptr = np.asarray(indptr, dtype=np.int64)
        indices = np.asarray(indices, dtype=np.int64)
        weights = np.asarray(weights, dtype=np.float64)
        n, m = len(indptr) - 1, len(indices)
        if m and weights.min() <= 0:
            raise InputError("weights", float(weights.min()), "positive edge weights")
        pool, room = 4 * m + 8 * n + 16, 3 * m + n + 16
        while True:
            rank, arcs, n_arcs, ok = k.contract_all(indptr, indices, weights, pool, room,
                                                    _MAX_SETTLED, _COEF)
            if ok:
                break
            pool, room = 2 * pool, 2 * room
        up = _csr(rank, arcs[0], int(n_arcs[0]))
        down = _csr(rank, arcs[1], int(n_arcs[1]))
        return cls(rank, *up, *down, time.perf_counter() - start)

    def query(self, sources: Starts, targets: Starts, *, radix: float, time_quantum_s: float,
              length_quantum_m: float, threads: int) -> tuple[np.ndarray, np.ndarray]:
        """Decoded (seconds, metres) matrix ``len(sources) x len(targets)``.

        Each search starts at its :class:`Starts` (original node numbers); entry
        ``(i, j)`` is the least sum of the two searches' distances at a common node.
        """
        from circularopt.matrices import _ch_kernels as k

        src = Starts(sources.ptr, self.rank[sources.node], sources.dist)
        tgt = Starts(targets.ptr, self.rank[targets.node], targets.dist)
        n_t = len(tgt.ptr) - 1
        chunks = max(1, threads)
        down = (self.down_ptr, self.down_to, self.down_w)
        up = (self.up_ptr, self.up_to, self.up_w)
        empty_i, empty_f = np.empty(0, np.int64), np.empty(0)
        sizes = k.search_spaces(tgt.ptr, tgt.node, tgt.dist, *down, *up, chunks,
                                np.zeros(n_t, np.int64), empty_i, empty_f, False)
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        fill_node, fill_dist = np.empty(offsets[-1], np.int64), np.empty(offsets[-1])
        k.search_spaces(tgt.ptr, tgt.node, tgt.dist, *down, *up, chunks, offsets,
                        fill_node, fill_dist, True)
        bptr, btgt, bdist = k.buckets(self.n_nodes, sizes, fill_node, fill_dist)
        n_s = len(src.ptr) - 1
        dur, dist = np.empty((n_s, n_t)), np.empty((n_s, n_t))
        k.many_to_many(src.ptr, src.node, src.dist, *up, *down, bptr, btgt, bdist, n_t,
                       float(radix), float(time_quantum_s), float(length_quantum_m), chunks,
                       dur, dist)
        return dur, dist

    def save(self, path: Path) -> None:
        """Write the arrays to an ``.npz`` file (through a temporary file and a rename)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.stem + ".tmp.npz")
        np.savez(tmp, **{f.name: getattr(self, f.name) for f in fields(self)})
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> ContractionHierarchy:
        """Read a hierarchy written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            arrays = {f.name: data[f.name] for f in fields(cls)}
        arrays["build_seconds"] = float(arrays["build_seconds"])
        return cls(**arrays)


def _csr(rank: np.ndarray, arcs: np.ndarray, count: int
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR in rank numbering of arcs ``(from, to, weight)`` grouped by ``from``."""
    frm = rank[arcs[0, :count].astype(np.int64)]
    to = rank[arcs[1, :count].astype(np.int64)]
    order = np.argsort(frm, kind="stable")
    ptr = np.zeros(len(rank) + 1, dtype=np.int64)
    np.cumsum(np.bincount(frm, minlength=len(rank)), out=ptr[1:])
    return ptr, to[order], np.ascontiguousarray(arcs[2, :count][order])
