"""Collection streets from a real road network, and the arc-routing problem over it.

:func:`streets_from_network` turns the residential, unclassified and living-street edges
of a :class:`~circularopt.network.RoadNetwork` that lie inside the private-house zones
into :class:`~circularopt.scenario.CollectionStreet` s, with their OSM node ids and OSM
``name`` (read with :func:`osm_edge_tags`). :func:`network_problem` builds the
arc-routing problem over the whole network (trucks deadhead along every drivable road),
with its turn restrictions and a U-turn penalty.

Demand is modelled, not measured: households per kilometre of street x persons per
household x kg per person and day (the city's ``[private_houses]`` figures, mostly
assumed; see :class:`StreetDemand`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from circularopt._validate import ident, integer, number, position
from circularopt.exceptions import InputError
from circularopt.geo import great_circle
from circularopt.network.graph import RoadNetwork
from circularopt.network.turns import TurnAwareGraph
from circularopt.routing.arcs.problem import ArcModel, ArcProblem, ArcVehicleType
from circularopt.routing.arcs.streets import DEFAULT_U_TURN_M, RULE_OF
from circularopt.scenario import CollectionStreet

__all__ = ["DEFAULT_U_TURN_M", "STREET_CLASSES", "EdgeTags", "StreetDemand", "StreetProblem",
           "StreetZone", "network_problem", "osm_edge_tags", "streets_from_network"]

STREET_CLASSES: tuple[str, ...] = ("residential", "unclassified", "living_street")
"""OSM ``highway`` values whose edges are collection streets."""


@dataclass(frozen=True)
class StreetZone:
    """A private-house zone: a circle (``lat``, ``lon``, ``radius_m``) or a polygon.

    ``polygon`` is a shapely (Multi)Polygon in WGS84 (x = longitude); when given, the
    circle is not used. An edge belongs to the zone when its midpoint lies inside.
    """

    id: str
    lat: float = 0.0
    lon: float = 0.0
    radius_m: float = 0.0
    polygon: Any = None

    def __post_init__(self) -> None:
        ident("zone id", self.id)
        if self.polygon is None:
            position(f"zone {self.id!r}", self.lat, self.lon)
            number(f"zone {self.id!r}.radius_m", self.radius_m, lo=0, lo_open=True)
        elif not hasattr(self.polygon, "geom_type"):
            raise InputError(f"zone {self.id!r}.polygon", type(self.polygon).__name__,
                             "a shapely Polygon or MultiPolygon in WGS84 degrees")

    def contains(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Mask of the points inside the zone."""
        if self.polygon is not None:
            import shapely
            return np.asarray(shapely.contains_xy(self.polygon, lon, lat))
        return np.asarray(great_circle(self.lat, self.lon, lat, lon) <= self.radius_m)


@dataclass(frozen=True)
class StreetDemand:
    """How much a street hands over: households per km x persons x kg per person-day.

    Parameters
    ----------
    households_per_km
        Households per kilometre of street (both sides).
    persons_per_household
        Residents per household.
    kg_per_person_day
        Waste per resident and day, kg.
    service_min_per_household
        Minutes to take one household's bags.
    stream
        Name of the waste stream the tonnes are booked to.
    source
        Where the figures come from (assumed ones say so).
    """

    households_per_km: float
    persons_per_household: float
    kg_per_person_day: float
    service_min_per_household: float = 0.25
    stream: str = "residual"
    source: str = "assumed"

    def __post_init__(self) -> None:
        number("households_per_km", self.households_per_km, lo=0)
        number("persons_per_household", self.persons_per_household, lo=0, lo_open=True)
        number("kg_per_person_day", self.kg_per_person_day, lo=0)
        number("service_min_per_household", self.service_min_per_household, lo=0)
        ident("stream", self.stream)

    @classmethod
    def of_city(cls, spec: Any, *, stream: str = "residual") -> StreetDemand:
        """The figures of a city spec's ``[private_houses]`` table (kg per person and
        day: the table's, else the population-weighted mean of the districts')."""
        ph = spec.private_houses
        if ph is None:
            raise InputError(f"{spec.path}: private_houses", None,
                             "a [private_houses] table with the street figures")
        kg = ph.kg_per_person_day
        if kg is None:
            pop = sum(d.population for d in spec.districts) or 1.0
            kg = sum(d.population * d.kg_per_person_day for d in spec.districts) / pop
        return cls(ph.households_per_km, ph.persons_per_household, kg,
                   ph.service_min_per_household, stream, ph.source)


@dataclass(frozen=True)
class EdgeTags:
    """OSM tags of a network edge that matter for collection: ``name`` (empty when
    unnamed) and ``lanes`` (``None`` when untagged)."""

    name: str = ""
    lanes: int | None = None


def _lanes(value: str | None) -> int | None:
    try:
        return int(float(str(value).split(";")[0]))
    except ValueError:
        return None


def osm_edge_tags(network: RoadNetwork, path: str | Path) -> tuple[EdgeTags, ...]:
    """The ``name`` and ``lanes`` of each network edge, read from its OSM file.

    An edge (possibly a simplified chain of OSM segments) takes the tags of the way of
    its first segment, found by the OSM id of its tail and the position of the next
    point. Read with pyosmium; edges not found get empty tags.
    """
    import osmium

    by_segment: dict[tuple[int, float, float], EdgeTags] = {}
    processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
    for way in processor.with_locations().with_filter(osmium.filter.KeyFilter("highway")):
        if not isinstance(way, osmium.osm.Way):
            continue
        tags = EdgeTags(way.tags.get("name") or "", _lanes(way.tags.get("lanes")))
        pts = [(n.ref, round(n.lat, 6), round(n.lon, 6)) for n in way.nodes
               if n.location.valid()]
        for (a, alat, alon), (b, blat, blon) in itertools.pairwise(pts):
            by_segment[(a, blat, blon)] = tags
            by_segment[(b, alat, alon)] = tags
    out = []
    for e in range(network.n_edges):
        lat, lon = _next_point(network, e)
        tail = int(network.node_ids[network.edge_tails[e]])
        out.append(by_segment.get((tail, round(lat, 6), round(lon, 6)), EdgeTags()))
    return tuple(out)


def _next_point(net: RoadNetwork, e: int) -> tuple[float, float]:
    """The first point after the tail of edge ``e`` (its shape, else its head)."""
    if net.geometry_indptr is not None and net.geometry_lat is not None \
            and net.geometry_lon is not None:
        lo, hi = int(net.geometry_indptr[e]), int(net.geometry_indptr[e + 1])
        if hi > lo:
            return float(net.geometry_lat[lo]), float(net.geometry_lon[lo])
    head = int(net.indices[e])
    return float(net.lat[head]), float(net.lon[head])


def _zone_of(network: RoadNetwork, zones: Sequence[StreetZone]) -> np.ndarray:
    """Index of the first zone holding each edge's midpoint (-1: none)."""
    tails, heads = network.edge_tails, network.indices
    mid_lat = (network.lat[tails] + network.lat[heads]) / 2
    mid_lon = (network.lon[tails] + network.lon[heads]) / 2
    out = np.full(network.n_edges, -1)
    for k in reversed(range(len(zones))):
        out[zones[k].contains(mid_lat, mid_lon)] = k
    return out


def streets_from_network(network: RoadNetwork, zones: Sequence[StreetZone],
                         demand: StreetDemand, *,
                         tags: Sequence[EdgeTags] | None = None,
                         classes: Sequence[str] = STREET_CLASSES,
                         wide_lanes: int = 2) -> tuple[CollectionStreet, ...]:
    """The collection streets of ``network`` inside ``zones``.

    Each street is one road edge of a class in ``classes``: a two-way road once (both
    directions), a one-way road in its direction. Rule: ``each_direction`` for a
    one-way street or one with at least ``wide_lanes`` lanes (OSM ``lanes``), else
    ``both_sides_one_pass``. Households = length x ``households_per_km`` (rounded);
    tonnes = households x persons x kg / 1000. Ids are ``<zone>-<osm from>-<osm to>``.

    Parameters
    ----------
    network
        The road network (OSM node ids as its ``node_ids``).
    zones
        The private-house zones; an edge in several goes to the first.
    demand
        Households, persons and kg per person and day.
    tags
        Per network edge, from :func:`osm_edge_tags` (default: unnamed, no lanes).

    Raises
    ------
    InputError
        No zone, duplicate zone ids, ``tags`` of the wrong length, or a zone holding no
        street (named).
    """
    if not zones:
        raise InputError("zones", [], "at least one private-house zone")
    ids = [z.id for z in zones]
    if len(set(ids)) != len(ids):
        raise InputError("zones", ids, "zones with distinct ids")
    if tags is not None and len(tags) != network.n_edges:
        raise InputError("tags", len(tags), f"one entry per network edge ({network.n_edges})")
    integer("wide_lanes", wide_lanes, lo=1)
    wanted = np.isin(np.asarray(network.class_names)[network.road_class], list(classes))
    zone = _zone_of(network, zones)
    tails, heads = network.edge_tails, network.indices
    pair = {(int(a), int(b)) for a, b in zip(tails, heads, strict=True)}
    out: list[CollectionStreet] = []
    for e in np.flatnonzero(wanted & (zone >= 0)):
        a, b = int(tails[e]), int(heads[e])
        oneway = (b, a) not in pair
        if not oneway and a > b:
            continue  # a two-way street once, from its lower-index end
        tag = tags[int(e)] if tags is not None else EdgeTags()
        km = float(network.length_m[e]) / 1000
        households = round(km * demand.households_per_km)
        tonnes = households * demand.persons_per_household * demand.kg_per_person_day / 1000
        wide = oneway or (tag.lanes is not None and tag.lanes >= wide_lanes)
        osm_a, osm_b = int(network.node_ids[a]), int(network.node_ids[b])
        z = zones[zone[e]]
        out.append(CollectionStreet(
            f"{z.id}-{osm_a}-{osm_b}", float(network.lat[a]), float(network.lon[a]),
            float(network.lat[b]), float(network.lon[b]), {demand.stream: tonnes},
            households=households,
            service_min_per_household=demand.service_min_per_household,
            rule="each_direction" if wide else "both_sides_one_pass", oneway=oneway,
            length_km=km, osm_from=osm_a, osm_to=osm_b, name=tag.name, zone=z.id))
    _check_zones(zones, out)
    return tuple(out)


def _check_zones(zones: Sequence[StreetZone], streets: Sequence[CollectionStreet]) -> None:
    have = {s.zone for s in streets}
    for z in zones:
        if z.id not in have:
            raise InputError(f"zone {z.id!r}", "no street",
                             "a zone holding at least one residential, unclassified or "
                             "living-street road of the network")



@dataclass(frozen=True, eq=False)
class StreetProblem:
    """An arc-routing problem over a real road network, with what outputs need.

    Parameters
    ----------
    problem
        The arc-routing problem (costs in metres, tonnes on a 1 kg grid).
    streets
        The collection street behind each required edge, by edge id.
    positions
        ``(lat, lon)`` of each problem node.
    shapes
        ``(lat, lon)`` points of each directed step ``(a, b)`` between problem nodes,
        ends included (drawn along the road's shape).
    """

    problem: ArcProblem
    streets: Mapping[str, CollectionStreet]
    positions: tuple[tuple[float, float], ...]
    shapes: Mapping[tuple[int, int], tuple[tuple[float, float], ...]]


def _shape(net: RoadNetwork, e: int) -> tuple[tuple[float, float], ...]:
    a, b = int(net.edge_tails[e]), int(net.indices[e])
    mid: list[tuple[float, float]] = []
    if net.geometry_indptr is not None and net.geometry_lat is not None \
            and net.geometry_lon is not None:
        lo, hi = int(net.geometry_indptr[e]), int(net.geometry_indptr[e + 1])
        mid = [(float(net.geometry_lat[k]), float(net.geometry_lon[k])) for k in range(lo, hi)]
    return ((float(net.lat[a]), float(net.lon[a])), *mid,
            (float(net.lat[b]), float(net.lon[b])))


def _add_network(model: ArcModel, net: RoadNetwork, tags: Sequence[EdgeTags] | None
                 ) -> dict[tuple[int, int], str]:
    """Every network edge as an arc edge (a two-way road once); edge id per node pair."""
    tails, heads = net.edge_tails, net.indices
    index = {(int(a), int(b)): e for e, (a, b) in enumerate(zip(tails, heads, strict=True))}
    ids: dict[tuple[int, int], str] = {}
    for (a, b), e in index.items():
        back = index.get((b, a))
        two_way = back is not None and abs(net.length_m[back] - net.length_m[e]) < 0.5
        if two_way and a > b:
            continue
        eid = f"{net.node_ids[a]}-{net.node_ids[b]}"
        model.add_edge(eid, f"osm:{net.node_ids[a]}", f"osm:{net.node_ids[b]}",
                       cost=float(net.length_m[e]), oneway=not two_way,
                       name=tags[e].name if tags is not None else "")
        ids[(a, b)] = eid
        if two_way:
            ids[(b, a)] = eid
    return ids


def network_problem(network: RoadNetwork, streets: Sequence[CollectionStreet], *,
                    depot: tuple[float, float], unload: tuple[float, float],
                    capacity_t: float | None = None,
                    vehicle_types: Sequence[ArcVehicleType] = (),
                    tags: Sequence[EdgeTags] | None = None,
                    turns: TurnAwareGraph | None = None,
                    u_turn_m: float = DEFAULT_U_TURN_M, count: int | None = None,
                    detour: float = 1.3, name: str = "curbside",
                    shift_s: float | None = None, speed_kmh: float = 15.0,
                    unload_min: float = 20.0, break_min: float = 0.0,
                    break_after_h: float = 0.0) -> StreetProblem:
    """Serving ``streets`` (edges of ``network``, by their OSM node ids) from ``depot``
    with trucks of ``capacity_t`` tonnes (or of ``vehicle_types``: capacities in
    tonnes, fixed costs in metres of driving) that unload at ``unload`` and return
    empty.

    Trucks deadhead along every road of the network, honouring the turn restrictions of
    ``turns`` (e.g. :func:`~circularopt.network.turn_graph_for`) and paying ``u_turn_m``
    metres per U-turn (0: U-turns free). Depot and unload site join the nearest network
    node by a straight line x ``detour`` (edges ``connector-*``). Costs are metres.
    With ``shift_s`` every route must be back within that many seconds: trucks drive
    ``speed_kmh`` (assumed; the network's own travel times are not used), spend each
    street's ``service_minutes`` there and ``unload_min`` per unloading stop; a route
    longer than ``break_after_h`` hours also takes a break of ``break_min`` within it.

    Raises
    ------
    InputError
        No streets, a street without OSM node ids or whose ends are no edge of the
        network (named), a bad position, capacity, penalty or detour.
    """
    if not streets:
        raise InputError(f"{name}: streets", [], "at least one collection street")
    position("depot", *depot)
    position("unload", *unload)
    number("detour", detour, lo=1)
    nodes = [f"osm:{k}" for k in network.node_ids]
    model = ArcModel([*nodes, "depot", "unload"], name=name, load_scale=1000,
                     convention="OSM edge lengths in metres; connectors straight line x "
                                f"{detour:g}; U-turn {u_turn_m:g} m; tonnes on a 1 kg grid")
    ids = _add_network(model, network, tags)
    by_osm = {int(k): i for i, k in enumerate(network.node_ids)}
    chosen: dict[str, CollectionStreet] = {}
    for s in streets:
        pair = (by_osm.get(s.osm_from, -1) if s.osm_from is not None else -1,
                by_osm.get(s.osm_to, -1) if s.osm_to is not None else -1)
        if pair not in ids:
            raise InputError(f"street {s.id!r}", [s.osm_from, s.osm_to],
                             "the OSM node ids of the two ends of a road edge of the network")
        model.require(ids[pair], demand=s.total_tonnes_per_day, rule=RULE_OF[s.rule],
                      service_time=s.service_minutes * 60.0)
        chosen[ids[pair]] = s
    positions = [(float(a), float(b)) for a, b in zip(network.lat, network.lon, strict=True)]
    pos = np.array(positions)
    for label, where in (("depot", depot), ("unload", unload)):
        dist = great_circle(where[0], where[1], pos[:, 0], pos[:, 1])
        k = int(np.argmin(dist))
        model.add_edge(f"connector-{label}", label, nodes[k], cost=float(dist[k]) * detour,
                       name=f"connector to {label} (straight line x {detour:g})")
    _add_turns(model, network, turns, number("u_turn_m", u_turn_m, lo=0))
    model.add_unload_site("unload")
    model.set_fleet(depot="depot", capacity=capacity_t, count=count, return_empty=True)
    for t in vehicle_types:
        model.add_vehicle_type(t.name, capacity=t.capacity, count=t.count,
                               fixed_cost=t.fixed_cost,
                               cost_per_distance=t.cost_per_distance)
    if shift_s is not None:
        model.set_shift(shift_s, speed=number("speed_kmh", speed_kmh, lo=0, lo_open=True) / 3.6,
                        unload_time=number("unload_min", unload_min, lo=0) * 60.0,
                        break_time=number("break_min", break_min, lo=0) * 60.0,
                        break_after=number("break_after_h", break_after_h, lo=0) * 3600.0)
    shapes = {(int(network.edge_tails[e]), int(network.indices[e])): _shape(network, e)
              for e in range(network.n_edges)}
    return StreetProblem(model.data(), MappingProxyType(chosen),
                         (*positions, depot, unload), MappingProxyType(shapes))


def _add_turns(model: ArcModel, net: RoadNetwork, turns: TurnAwareGraph | None,
               u_turn_m: float) -> None:
    model.set_u_turn_penalty(u_turn_m)
    if turns is None:
        return
    if turns.network is not net:
        raise InputError("turns", "another network", "the turn graph of this network")
    tails, heads = net.edge_tails, net.indices
    for pairs, only in ((turns.banned, False), (turns.only, True)):
        for e_in, e_out in pairs:
            model.restrict_turn(f"osm:{net.node_ids[tails[e_in]]}",
                                f"osm:{net.node_ids[heads[e_in]]}",
                                f"osm:{net.node_ids[heads[e_out]]}", only=only)
