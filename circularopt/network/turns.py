"""Turn-aware shortest paths: OSM turn restrictions and a U-turn penalty.

A node-based road graph lets a truck turn anywhere it can: left across traffic where a
sign forbids it, or round on the spot. :class:`TurnAwareGraph` searches the *line graph*
instead: each directed road edge is a node, and a transition ``e -> f`` (``e`` ends where
``f`` starts) is an allowed turn, weighted with ``f``'s entry cost: the time of ``e`` plus
a turn cost (the U-turn penalty when ``f`` leads straight back). OSM restriction relations
(``type=restriction``, ``restriction=no_* | only_*``, from way / via node / to way) remove
transitions: ``no_*`` that one, ``only_*`` every other from the same edge. Restrictions
via a way, and conditional ones, are not read.

Searches are scipy's compiled Dijkstra on the line graph's CSR arrays, weighted like
:attr:`RoadNetwork.encoded` so that time is minimised first and length second. A hand-
written line graph on scipy rather than a library: no well-kept Python package offers
edge-based (turn-cost) many-to-many routing on an in-memory graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from circularopt._validate import number
from circularopt.exceptions import InputError, NetworkError
from circularopt.network.graph import RoadNetwork

__all__ = ["DEFAULT_U_TURN_S", "TurnAwareGraph", "TurnRestriction", "read_turn_restrictions",
           "turn_graph_for"]

DEFAULT_U_TURN_S = 60.0
"""Default U-turn penalty, seconds: a collection truck turning round (assumed)."""

_CHUNK = 64
"""Sources searched together in one call (bounds the memory of a chunk's rows)."""

_KINDS = ("no_left_turn", "no_right_turn", "no_straight_on", "no_u_turn", "no_entry",
          "no_exit", "only_left_turn", "only_right_turn", "only_straight_on", "only_u_turn")


@dataclass(frozen=True)
class TurnRestriction:
    """An OSM turn restriction via a node.

    Parameters
    ----------
    kind
        The ``restriction`` value, e.g. ``"no_left_turn"`` or ``"only_straight_on"``.
    via
        OSM id of the via node.
    from_lat, from_lon
        Position of the from way's node next to ``via`` (identifies the edge in).
    to_lat, to_lon
        Position of the to way's node next to ``via`` (identifies the edge out).
    """

    kind: str
    via: int
    from_lat: float
    from_lon: float
    to_lat: float
    to_lon: float

    @property
    def only(self) -> bool:
        """True for ``only_*`` restrictions (every other turn from the edge is banned)."""
        return self.kind.startswith("only_")


def read_turn_restrictions(path: str | Path) -> list[TurnRestriction]:
    """Turn restrictions via a node in an OSM file (``.osm``, ``.osm.bz2``, ``.osm.pbf``).

    Read with pyosmium in two passes (relations, then the ways and nodes they name).
    Relations with a via way, a missing member or an unknown ``restriction`` value are
    skipped.
    """
    import osmium

    wanted: list[tuple[str, int, int, int]] = []
    for rel in osmium.FileProcessor(str(path), osmium.osm.RELATION):
        if not isinstance(rel, osmium.osm.Relation):
            continue
        tags = dict(rel.tags)
        kind = tags.get("restriction")
        if tags.get("type") != "restriction" or kind not in _KINDS:
            continue
        roles = {(m.role, m.type): m.ref for m in rel.members}
        if {("from", "w"), ("via", "n"), ("to", "w")} <= set(roles):
            wanted.append((kind, roles[("from", "w")], roles[("via", "n")], roles[("to", "w")]))
    if not wanted:
        return []
    ways = {w for _, a, _, b in wanted for w in (a, b)}
    refs: dict[int, list[tuple[int, float, float]]] = {}
    processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
    for obj in processor.with_locations():
        if isinstance(obj, osmium.osm.Way) and obj.id in ways:
            refs[obj.id] = [(n.ref, n.lat, n.lon) for n in obj.nodes if n.location.valid()]
    out = []
    for kind, a, via, b in wanted:
        came, goes = _next_to(refs.get(a, []), via), _next_to(refs.get(b, []), via)
        if came is not None and goes is not None:
            out.append(TurnRestriction(kind, via, *came, *goes))
    return out


def _next_to(nodes: list[tuple[int, float, float]], via: int) -> tuple[float, float] | None:
    """Position of the way's node next to ``via`` (the way should end there)."""
    ids = [n[0] for n in nodes]
    if via not in ids or len(ids) < 2:
        return None
    k = ids.index(via)
    other = nodes[k - 1] if k == len(ids) - 1 or (k > 0 and ids[0] != via) else nodes[k + 1]
    return other[1], other[2]


@dataclass(frozen=True, eq=False)
class TurnAwareGraph:
    """A road network searched edge by edge, honouring turn restrictions and U-turns.

    Build with :meth:`build`. Costs are encoded like :attr:`RoadNetwork.encoded` (time
    first, then length); the U-turn penalty adds time, not length. Caveat: the quanta of
    the encoding are chosen for the plain network; penalties on very long paths of a
    continental network could exceed them (city and regional networks keep a wide margin).

    Parameters
    ----------
    network
        The road network.
    u_turn_s
        Seconds added to a transition that leads straight back (``u -> v -> u``).
    banned
        ``(edge in, edge out)`` transitions forbidden by ``no_*`` restrictions.
    only
        ``(edge in, edge out)``: from ``edge in`` only this transition (``only_*``).
    unmatched
        Restrictions whose via node or edges are not in the network (e.g. dropped
        outside its largest strongly connected part or merged by simplification).
    """

    network: RoadNetwork
    u_turn_s: float = DEFAULT_U_TURN_S
    banned: tuple[tuple[int, int], ...] = ()
    only: tuple[tuple[int, int], ...] = ()
    unmatched: int = 0

    @classmethod
    def build(cls, network: RoadNetwork, restrictions: Sequence[TurnRestriction] = (), *,
              u_turn_s: float = DEFAULT_U_TURN_S) -> TurnAwareGraph:
        """Map OSM restrictions onto the network's edges and build the graph."""
        u_turn_s = number("u_turn_s", u_turn_s, lo=0.0)
        banned: list[tuple[int, int]] = []
        only: list[tuple[int, int]] = []
        unmatched = 0
        for r in restrictions:
            pair = _edge_pair(network, r)
            if pair is None:
                unmatched += 1
            else:
                (only if r.only else banned).append(pair)
        return cls(network, u_turn_s, tuple(banned), tuple(only), unmatched)

    @cached_property
    def line_graph(self) -> sparse.csr_matrix:
        """CSR over directed edges: ``[e, f]`` = encoded cost of entering ``f`` from ``e``
        (``e``'s own time and length, plus the U-turn penalty)."""
        net, enc = self.network, self.network.encoded
        m = net.n_edges
        heads, tails = net.indices.astype(np.int64), net.edge_tails.astype(np.int64)
        counts = np.diff(net.indptr)[heads]
        rows = np.repeat(np.arange(m), counts)
        first = np.repeat(np.cumsum(counts) - counts, counts)
        cols = net.indptr[heads][rows] + (np.arange(len(rows)) - first)
        keep = self.allowed(rows, cols)
        rows, cols = rows[keep], cols[keep]
        u_turn = heads[cols] == tails[rows]
        weight = self.edge_weights[rows] + u_turn * (
            np.round(self.u_turn_s / enc.time_quantum_s) * enc.radix)
        return sparse.csr_matrix((weight, (rows, cols)), shape=(m, m))

    def allowed(self, into: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Which turns ``into[k] -> out[k]`` (edge in, edge out at the same junction) the
        restrictions allow."""
        m = self.network.n_edges
        key = into * m + out
        keep = np.ones(len(into), dtype=bool)
        if self.banned:
            keep &= ~np.isin(key, [a * m + b for a, b in self.banned])
        if self.only:
            keep &= ~np.isin(into, [a for a, _ in self.only]) | np.isin(
                key, [a * m + b for a, b in self.only])
        return keep

    @cached_property
    def edge_weights(self) -> np.ndarray:
        """Encoded weight of each directed edge (the line graph's cost of leaving it)."""
        enc, net = self.network.encoded, self.network
        return np.asarray(np.round(net.travel_time_s / enc.time_quantum_s) * enc.radix
                          + np.maximum(np.round(net.length_m / enc.length_quantum_m), 1.0))

    def node_matrices(self, sources: Sequence[int] | np.ndarray,
                      targets: Sequence[int] | np.ndarray | None = None, *,
                      line_graph: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Fastest turn-aware time (s) and its length (m) between network nodes.

        A path leaves ``s`` by any of its out-edges and reaches ``t`` by any in-edge; the
        diagonal (``s == t``) is 0.

        Parameters
        ----------
        sources, targets
            Node indices (``targets`` default: ``sources``).
        line_graph
            ``None`` (default): search the line graph only when there are restrictions.
            Without any, the plain node search is exact: a fastest node path never
            revisits a node, so it never turns back, and penalties only add time.
            ``True`` forces the line-graph search (one per distinct source).
        """
        net = self.network
        src = _node_indices("sources", sources, net.n_nodes)
        tgt = src if targets is None else _node_indices("targets", targets, net.n_nodes)
        if not (line_graph or self.banned or self.only):
            enc = net.encoded
            return enc.decode(np.atleast_2d(dijkstra(enc.graph, indices=src))[:, tgt])
        uniq, inverse = np.unique(src, return_inverse=True)
        rows = np.full((len(uniq), len(tgt)), np.inf)
        in_e, groups, has_in = self._in_edges(tgt)
        for lo in range(0, len(uniq), _CHUNK):
            chunk = uniq[lo:lo + _CHUNK]
            dist = dijkstra(self._with_sources(chunk), indices=net.n_edges
                            + np.arange(len(chunk)))
            if len(in_e):
                arrive = dist[:, in_e] + (self.edge_weights[in_e] - 1.0)
                rows[lo:lo + len(chunk), has_in] = np.minimum.reduceat(
                    arrive, groups[has_in], axis=1)
            rows[lo:lo + len(chunk)][chunk[:, None] == tgt[None, :]] = 0.0
        return net.encoded.decode(rows[inverse])

    def _in_edges(self, tgt: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """In-edges of the targets, concatenated; each target's first position; and
        which targets have any."""
        heads = self.network.indices
        order = np.argsort(heads, kind="stable")
        indeg = np.bincount(heads, minlength=self.network.n_nodes)
        first = np.concatenate([[0], np.cumsum(indeg)])
        count = indeg[tgt]
        groups = np.cumsum(count) - count
        idx = np.repeat(first[tgt], count) + (np.arange(count.sum()) - np.repeat(groups, count))
        return order[idx], groups, count > 0

    def _with_sources(self, chunk: np.ndarray) -> sparse.csr_matrix:
        """The line graph plus one virtual node per source node, joined to the source's
        out-edges at weight 1 (one length unit, taken off again)."""
        net, m, c = self.network, self.network.n_edges, len(chunk)
        count = np.diff(net.indptr)[chunk]
        cols = np.concatenate([np.arange(net.indptr[s], net.indptr[s + 1]) for s in chunk])
        rows = np.repeat(np.arange(c), count)
        virtual = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(c, m + c))
        top = sparse.hstack([self.line_graph, sparse.csr_matrix((m, c))])
        return sparse.vstack([top, virtual]).tocsr()

    def edge_to_edge(self, sources: Sequence[int] | np.ndarray,
                     targets: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fastest turn-aware time (s) and length (m) from the END of each directed edge
        in ``sources`` to the START of each edge in ``targets`` (for arc routing).

        Edges are indices into the network's CSR arrays (``network.edge_index(u, v)``).
        Neither edge's own time or length is included; an edge to itself is 0, an edge
        to its successor is the turn cost alone (0 unless a U-turn); ``inf`` where the
        restrictions leave no path.
        """
        m = self.network.n_edges
        src = _node_indices("sources", sources, m)
        tgt = _node_indices("targets", targets, m)
        d = np.atleast_2d(dijkstra(self.line_graph, indices=src))[:, tgt]
        d = d - self.edge_weights[src][:, None]
        d[src[:, None] == tgt[None, :]] = 0.0
        return self.network.encoded.decode(np.maximum(d, 0.0))


def _node_indices(name: str, values: Sequence[int] | np.ndarray, n: int) -> np.ndarray:
    arr = np.asarray(values, dtype=np.int64).reshape(-1)
    if len(arr) and (arr.min() < 0 or arr.max() >= n):
        raise InputError(name, "index out of range", f"indices 0..{n - 1}")
    return arr


def _edge_pair(net: RoadNetwork, r: TurnRestriction) -> tuple[int, int] | None:
    """``(edge into via, edge out of via)`` matching a restriction, or ``None``."""
    hits = np.flatnonzero(net.node_ids == r.via)
    if not len(hits):
        return None
    via = int(hits[0])
    into = np.flatnonzero(net.indices == via)
    before = [_point_next_to(net, int(e), at_head=True) for e in into]
    out = np.arange(net.indptr[via], net.indptr[via + 1])
    after = [_point_next_to(net, int(e), at_head=False) for e in out]
    e_in = _closest(into, before, (r.from_lat, r.from_lon))
    e_out = _closest(out, after, (r.to_lat, r.to_lon))
    return None if e_in is None or e_out is None else (e_in, e_out)


def _point_next_to(net: RoadNetwork, e: int, *, at_head: bool) -> tuple[float, float]:
    """The point of edge ``e`` next to its head (``at_head``) or next to its tail."""
    if net.geometry_indptr is not None and net.geometry_lat is not None \
            and net.geometry_lon is not None:
        lo, hi = int(net.geometry_indptr[e]), int(net.geometry_indptr[e + 1])
        if hi > lo:
            k = hi - 1 if at_head else lo
            return float(net.geometry_lat[k]), float(net.geometry_lon[k])
    node = int(net.edge_tails[e]) if at_head else int(net.indices[e])
    return float(net.lat[node]), float(net.lon[node])


def _closest(edges: np.ndarray, points: list[tuple[float, float]],
             target: tuple[float, float], tol_deg: float = 1e-6) -> int | None:
    for e, p in zip(edges, points, strict=True):
        if abs(p[0] - target[0]) <= tol_deg and abs(p[1] - target[1]) <= tol_deg:
            return int(e)
    return None


def turn_graph_for(network: RoadNetwork, path: str | Path | None = None, *,
                   u_turn_s: float = DEFAULT_U_TURN_S) -> TurnAwareGraph:
    """The turn-aware graph of a network, with the restrictions of its OSM file ``path``
    (none for GraphML or GIS layers, which carry no restriction relations)."""
    restrictions: list[TurnRestriction] = []
    if path is not None and Path(path).name.lower().endswith((".osm", ".osm.bz2", ".pbf",
                                                              ".xml", ".xml.bz2")):
        try:
            restrictions = read_turn_restrictions(path)
        except RuntimeError as exc:
            raise NetworkError(f"cannot read turn restrictions of {path}: {exc}") from exc
    return TurnAwareGraph.build(network, restrictions, u_turn_s=u_turn_s)
