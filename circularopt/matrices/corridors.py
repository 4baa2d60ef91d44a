"""The corridor approximation: offline distances that follow the roads between settlements.

A city spec's ``[[corridors]]`` list the settlements (district centres) along real roads,
such as the ring road around Issyk-Kul. Between two points attached to different
settlements the distance runs point -> its settlement centre (great circle x circuity) ->
the corridor graph's shortest path -> the other centre -> point, so a trip from the north
shore to the south shore goes round the lake instead of across it. Every location attaches
to its nearest settlement of the graph. Each leg of the graph is the great-circle length
between consecutive centres times the corridor's circuity (an assumption the spec states).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import shortest_path

from circularopt._validate import number
from circularopt.exceptions import InputError
from circularopt.geo import great_circle
from circularopt.i18n import tr
from circularopt.matrices.approximate import approximate_durations
from circularopt.matrices.travel import TravelMatrices

if TYPE_CHECKING:
    from circularopt.cities import CitySpec

__all__ = ["CorridorGraph", "corridor_matrices"]


@dataclass(frozen=True, eq=False)
class CorridorGraph:
    """Settlements joined by road legs (undirected).

    Parameters
    ----------
    ids
        Settlement ids (graph nodes).
    lat, lon
        Settlement centres, WGS84 degrees.
    legs
        ``(i, j, metres)``: a road leg between nodes ``i`` and ``j``.
    name
        What the graph describes (shown in the matrices' source).
    leg_corridors
        The corridor id of each leg (empty: not recorded).
    """

    ids: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    legs: tuple[tuple[int, int, float], ...]
    name: str
    leg_corridors: tuple[str, ...] = ()

    @classmethod
    def from_spec(cls, spec: CitySpec) -> CorridorGraph | None:
        """The graph of a spec's corridors, ``None`` when it has none."""
        if not spec.corridors:
            return None
        where = {d.id: (d.lat, d.lon) for d in spec.districts}
        ids = tuple(dict.fromkeys(s for c in spec.corridors for s in c.settlements))
        index = {s: k for k, s in enumerate(ids)}
        lat = np.array([where[s][0] for s in ids])
        lon = np.array([where[s][1] for s in ids])
        legs, owners = [], []
        for c in spec.corridors:
            for a, b in zip(c.settlements, c.settlements[1:], strict=False):
                i, j = index[a], index[b]
                legs.append((i, j, c.circuity * float(great_circle(lat[i], lon[i],
                                                                   lat[j], lon[j]))))
                owners.append(c.id)
        return cls(ids, lat, lon, tuple(legs),
                   f"{len(spec.corridors)} corridors of the {spec.name} spec", tuple(owners))

    def shortest_m(self, *, via: str = "") -> np.ndarray:
        """Shortest road length between every pair of settlements, metres (inf: none).

        ``via`` keeps the legs of that corridor only (empty: all corridors).
        """
        n = len(self.ids)
        legs = self.legs
        if via:
            if via not in self.leg_corridors:
                raise InputError("via", via, f"a corridor id, one of "
                                             f"{sorted(set(self.leg_corridors))}")
            legs = tuple(leg for leg, c in zip(self.legs, self.leg_corridors, strict=True)
                         if c == via)
        if not legs:
            out = np.full((n, n), np.inf)
            np.fill_diagonal(out, 0.0)
            return out
        i, j, m = (np.array(x) for x in zip(*legs, strict=True))
        adj = coo_matrix((m, (i.astype(int), j.astype(int))), shape=(n, n)).tocsr()
        return np.asarray(shortest_path(adj, method="D", directed=False))

    def distance_km(self, a: str, b: str, *, via: str = "") -> float:
        """Road length between settlements ``a`` and ``b`` along the corridors, km.

        ``via`` restricts the path to one corridor (as a published distance states it).
        """
        index = {s: k for k, s in enumerate(self.ids)}
        for key, value in (("a", a), ("b", b)):
            if value not in index:
                raise InputError(key, value, f"a settlement of the corridors, one of "
                                             f"{sorted(index)}")
        return float(self.shortest_m(via=via)[index[a], index[b]]) / 1000.0


def corridor_matrices(locations: Sequence[tuple[str, float, float]], graph: CorridorGraph,
                      *, circuity: float = 1.35, local_km: float = 5.0,
                      speed_kmh: float = 30.0, urban_km: float = 10.0,
                      rural_speed_kmh: float = 70.0) -> TravelMatrices:
    """Offline approximation along a corridor graph.

    Parameters
    ----------
    locations
        ``(id, lat, lon)`` triples.
    graph
        The settlements and road legs (:meth:`CorridorGraph.from_spec`).
    circuity
        Road / great-circle ratio inside a settlement and from a point to its settlement's
        centre (as :func:`~circularopt.matrices.approximate_matrices`).
    local_km
        Points closer than this (great circle) may also use the direct estimate, the
        shorter of the two: neighbours across a settlement boundary stay close.
    speed_kmh, urban_km, rural_speed_kmh
        Speeds as :func:`~circularopt.matrices.approximate_matrices`.

    Returns
    -------
    TravelMatrices
        Marked ``approximate=True``; its source says "corridor approximation". Caveat:
        legs are estimates and the graph knows no one-way streets, passes or closures.
    """
    circuity = number("circuity", circuity, lo=1.0)
    local_km = number("local_km", local_km, lo=0.0)
    ids = tuple(loc[0] for loc in locations)
    lat = np.array([loc[1] for loc in locations], dtype=float)
    lon = np.array([loc[2] for loc in locations], dtype=float)
    direct = circuity * great_circle(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    to_node = circuity * great_circle(lat[:, None], lon[:, None],
                                      graph.lat[None, :], graph.lon[None, :])
    node = np.argmin(to_node, axis=1) if len(graph.ids) else np.zeros(len(ids), int)
    access = to_node[np.arange(len(ids)), node]
    between = graph.shortest_m()[np.ix_(node, node)]
    dist = access[:, None] + between + access[None, :]
    same = node[:, None] == node[None, :]
    local = direct <= circuity * local_km * 1000.0
    dist = np.where(same, direct, np.where(local, np.minimum(dist, direct), dist))
    dist = np.where(np.isinf(dist), direct, dist)  # settlements no corridor joins
    np.fill_diagonal(dist, 0.0)
    dur = approximate_durations(dist, speed_kmh=speed_kmh, urban_km=urban_km,
                                rural_speed_kmh=rural_speed_kmh)
    return TravelMatrices(ids, dur, dist, True, tr(
        "corridor approximation: roads between {n} settlements ({name}), legs great-circle "
        "x corridor circuity (assumed); great-circle x {circuity:g} to and within "
        "settlements; {speed:g} km/h for the first {urban:g} km, {rural:g} km/h beyond",
        n=len(graph.ids), name=graph.name, circuity=circuity, speed=speed_kmh,
        urban=urban_km, rural=rural_speed_kmh))
