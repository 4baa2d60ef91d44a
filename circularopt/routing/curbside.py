"""Curbside collection streets in the city pipeline: street runs, their matrices and demand.

A city's private-house sector has thousands of short streets (a generated grid of
Bishkek has about 19,500 blocks of 150 m). Routing every block as its own task would
need a travel matrix over ~39,000 task locations, so :func:`street_runs` joins
consecutive streets along one straight line (same zone, serve rule and, for real
streets, name) into *runs*, cut where a run would exceed ``max_minutes`` of service or
``max_tonnes``. A run is served in one pass: in one direction it serves each of its
streets in the direction it is driven, so every original street is served exactly once
under its rule (a run of ``either`` streets may be driven either way; a run of ``each``
streets is driven both ways, one task each). One-way streets stay runs of their own.
Residents hand bags to trucks driving along a street, so runs are realistic too.

Siting counts the streets' tonnes through one demand point per zone (district) at the
mean of its runs' midpoints, ``curbside-<zone>`` (:func:`siting_scenario`): a zone's
streets are then brought to one complex, as the city's quadrants are served today.

Times: serving a run takes its households' bag-handing minutes plus its length driven at
:data:`STREET_SPEED_KMH` (assumed); the distance driven while serving is its length.
Frequency: a run's streets share their ``collections_per_week`` and ``fixed_days`` (a
run never joins streets of different frequencies). On the peak day every run is due with
one day's tonnes; in the week plan (:mod:`circularopt.routing.periodic.city`) a run is a
periodic point: it gets a pattern of days and each visit collects the tonnes of the
calendar days since the previous one, so :func:`scenario_runs` cuts the runs of streets
collected ``f < 7`` times a week at ``f / 7`` of the tonnes of daily ones.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from circularopt._validate import number
from circularopt.exceptions import InputError
from circularopt.matrices import (
    TravelMatrices,
    approximate_matrices,
    corridor_matrices,
    road_matrices,
    scenario_matrices,
    spec_corridors,
    turn_matrices,
)
from circularopt.scenario import CollectionPoint, CollectionStreet, Scenario

__all__ = [
    "RUN_MINUTES",
    "RUN_SHARE",
    "STREET_SPEED_KMH",
    "StreetRun",
    "curbside_info",
    "curbside_locations",
    "curbside_matrices",
    "plan_matrices",
    "run_sites",
    "scenario_runs",
    "siting_scenario",
    "street_runs",
    "zone_point_id",
]

STREET_SPEED_KMH = 20.0
"""Speed of a collection truck along a street it serves, km/h (assumed; the time
residents take to hand their bags is counted separately, per household)."""

RUN_MINUTES = 60.0
"""Longest service of a run built by :func:`scenario_runs`, minutes (a choice: about an
hour of a 12-hour shift keeps routes flexible and the matrices small)."""

RUN_SHARE = 0.5
"""Largest share of the smallest truck's tonnes one run built by :func:`scenario_runs`
may fill (as a generated container visit, :data:`circularopt.cities.VISIT_SHARE`)."""

_STRAIGHT = -0.9
"""Two streets meeting at a node continue each other when the cosine of the angle
between their directions away from the node is below this (within about 25 degrees of
a straight line)."""


@dataclass(frozen=True)
class StreetRun:
    """Consecutive streets served in one pass.

    Parameters
    ----------
    id
        ``run-<first street id>``.
    streets
        Ids of its streets in driving order (forward direction).
    along
        Per street: its ``from -> to`` is the run's forward direction.
    start, end
        ``(lat, lon)`` where the forward pass starts and ends.
    km, households, tonnes_per_day
        Sums over its streets (tonnes by stream).
    service_minutes
        Bag handing (and per-km service) of its streets plus the length at
        :data:`STREET_SPEED_KMH`.
    rule, oneway, zone, synthetic, name
        Shared by its streets (``name``: of its first street).
    collections_per_week, fixed_days
        Shared by its streets: collection days a week (7: every working day) and fixed
        day names, if any.
    """

    id: str
    streets: tuple[str, ...]
    along: tuple[bool, ...]
    start: tuple[float, float]
    end: tuple[float, float]
    km: float
    households: int
    tonnes_per_day: Mapping[str, float]
    service_minutes: float
    rule: str
    oneway: bool
    zone: str
    synthetic: bool
    name: str
    collections_per_week: int = 7
    fixed_days: tuple[str, ...] = ()

    @property
    def tonnes(self) -> float:
        """Total tonnes per day, all streams."""
        return float(sum(self.tonnes_per_day.values()))

    @property
    def lat(self) -> float:
        """Latitude of the midpoint of its ends."""
        return (self.start[0] + self.end[0]) / 2

    @property
    def lon(self) -> float:
        """Longitude of the midpoint of its ends."""
        return (self.start[1] + self.end[1]) / 2

    def directions(self) -> tuple[str, ...]:
        """Allowed pass directions: ``">"`` (forward) and, unless one-way, ``"<"``."""
        return (">",) if self.oneway else (">", "<")

    def end_ids(self) -> tuple[str, str]:
        """Location ids of its start and end in the travel matrices."""
        return f"{self.id}:start", f"{self.id}:end"


def _node(lat: float, lon: float) -> tuple[float, float]:
    return round(lat, 6), round(lon, 6)


def _key(s: CollectionStreet) -> tuple[Any, ...]:
    return (s.zone, s.rule, s.synthetic, "" if s.synthetic else s.name,
            s.collections_per_week, s.fixed_days)


def _unit(a: tuple[float, float], b: tuple[float, float]) -> np.ndarray:
    v = np.array([(b[1] - a[1]) * math.cos(math.radians(a[0])), b[0] - a[0]])
    n = float(np.hypot(*v))
    return v / n if n > 0 else v


def _partners(streets: Sequence[CollectionStreet]) -> dict[int, list[int]]:
    """For each street, the streets that continue it straight on at either end."""
    at: dict[tuple[float, float], list[tuple[int, np.ndarray]]] = {}
    for k, s in enumerate(streets):
        if s.oneway:
            continue
        a, b = _node(s.from_lat, s.from_lon), _node(s.to_lat, s.to_lon)
        at.setdefault(a, []).append((k, _unit(a, b)))
        at.setdefault(b, []).append((k, _unit(b, a)))
    links: dict[int, list[int]] = {}
    for ends in at.values():
        taken: set[int] = set()
        pairs = sorted((float(u @ v), i, j) for n_i, (i, u) in enumerate(ends)
                       for j, v in ends[n_i + 1:]
                       if i != j and _key(streets[i]) == _key(streets[j]))
        for cos, i, j in pairs:
            if cos < _STRAIGHT and i not in taken and j not in taken:
                taken |= {i, j}
                links.setdefault(i, []).append(j)
                links.setdefault(j, []).append(i)
    return links


def _chains(streets: Sequence[CollectionStreet]) -> list[list[int]]:
    """Streets grouped into straight chains, each in order along the chain."""
    links = _partners(streets)
    seen: set[int] = set()
    chains = []
    ends = [k for k in range(len(streets)) if len(links.get(k, [])) < 2]
    for k in ends + list(range(len(streets))):  # then closed rings, cut anywhere
        if k in seen:
            continue
        chain, prev, cur = [], -1, k
        while cur >= 0 and cur not in seen:
            seen.add(cur)
            chain.append(cur)
            nxt = [j for j in links.get(cur, []) if j != prev and j not in seen]
            prev, cur = cur, (nxt[0] if nxt else -1)
        chains.append(chain)
    return chains


def street_runs(streets: Sequence[CollectionStreet], *, max_minutes: float = 60.0,
                max_tonnes: float = 2.0) -> tuple[StreetRun, ...]:
    """Join consecutive streets along straight lines into runs (module docstring).

    Parameters
    ----------
    streets
        The scenario's collection streets.
    max_minutes, max_tonnes
        A run is cut before a street that would take its service time or its tonnes
        per day over these (a single street over them stays a run of its own); the
        tonnes of streets collected ``f < 7`` times a week are held to ``f / 7`` of
        ``max_tonnes`` (a visit collects about ``7 / f`` days).

    Returns
    -------
    tuple of StreetRun
        Every street in exactly one run.
    """
    number("max_minutes", max_minutes, lo=0, lo_open=True)
    number("max_tonnes", max_tonnes, lo=0, lo_open=True)
    runs: list[StreetRun] = []
    for chain in _chains(streets):
        piece: list[int] = []
        minutes = tonnes = 0.0
        for k in chain:
            s = streets[k]
            m = s.service_minutes + s.km / STREET_SPEED_KMH * 60.0
            cap = max_tonnes * _visit_share(s.collections_per_week)
            if piece and (minutes + m > max_minutes or tonnes + s.total_tonnes_per_day
                          > cap):
                runs.append(_run(streets, piece))
                piece, minutes, tonnes = [], 0.0, 0.0
            piece.append(k)
            minutes += m
            tonnes += s.total_tonnes_per_day
        runs.append(_run(streets, piece))
    return tuple(runs)


def _visit_share(collections_per_week: int) -> float:
    """Share of a daily run's tonnes per day a run of this frequency may hold."""
    return 1.0 if collections_per_week >= 7 else collections_per_week / 7.0


def scenario_runs(scenario: Scenario) -> tuple[StreetRun, ...]:
    """The runs of a scenario's streets: at most :data:`RUN_MINUTES` of service and
    :data:`RUN_SHARE` of its smallest truck's tonnes (the same runs for the pipeline and
    the plan validator)."""
    if not scenario.streets:
        return ()
    caps = [v.capacity_tonnes for d in scenario.depots for v in d.vehicle_types]
    max_tonnes = RUN_SHARE * min(caps) if caps else 1e9
    last = _LAST_RUNS.get("runs")
    if last is not None and last[0] is scenario.streets and last[1] == max_tonnes:
        return last[2]
    runs = street_runs(scenario.streets, max_minutes=RUN_MINUTES, max_tonnes=max_tonnes)
    _LAST_RUNS["runs"] = (scenario.streets, max_tonnes, runs)
    return runs


_LAST_RUNS: dict[str, tuple[tuple[CollectionStreet, ...], float, tuple[StreetRun, ...]]] = {}
"""The last streets asked for and their runs (the pipeline, the validator and each output
ask for the same plan's runs; about 0.8 s for Bishkek's 19,488 streets). Keyed by the
identity of the streets tuple, which the entry keeps alive."""


def _run(streets: Sequence[CollectionStreet], piece: list[int]) -> StreetRun:
    """The run of ``piece`` (consecutive street indices along a chain)."""
    ss = [streets[k] for k in piece]
    ends = [(_node(s.from_lat, s.from_lon), _node(s.to_lat, s.to_lon)) for s in ss]
    if len(ss) == 1:
        along = [True]
    else:  # the first street points towards the second one
        along = [ends[0][1] in ends[1]]
        for k in range(1, len(ss)):
            joint = ends[k - 1][1] if along[k - 1] else ends[k - 1][0]
            along.append(ends[k][0] == joint)
    start = ends[0][0] if along[0] else ends[0][1]
    end = ends[-1][1] if along[-1] else ends[-1][0]
    tonnes: dict[str, float] = {}
    for s in ss:
        for stream, t in s.tonnes_per_day.items():
            tonnes[stream] = tonnes.get(stream, 0.0) + t
    km = sum(s.km for s in ss)
    first = ss[0]
    return StreetRun(f"run-{first.id}", tuple(s.id for s in ss), tuple(along), start, end,
                     km, sum(s.households for s in ss), tonnes,
                     sum(s.service_minutes for s in ss) + km / STREET_SPEED_KMH * 60.0,
                     first.rule, first.oneway, first.zone, first.synthetic, first.name,
                     first.collections_per_week, first.fixed_days)


def zone_point_id(zone: str) -> str:
    """Id of the demand point standing for ``zone``'s streets in siting."""
    return f"curbside-{zone or 'streets'}"


def _zone_points(runs: Sequence[StreetRun]) -> list[CollectionPoint]:
    by_zone: dict[str, list[StreetRun]] = {}
    for r in runs:
        by_zone.setdefault(r.zone, []).append(r)
    out = []
    for zone, members in sorted(by_zone.items()):
        tonnes: dict[str, float] = {}
        for r in members:
            for stream, t in r.tonnes_per_day.items():
                tonnes[stream] = tonnes.get(stream, 0.0) + t
        out.append(CollectionPoint(
            zone_point_id(zone), round(float(np.mean([r.lat for r in members])), 6),
            round(float(np.mean([r.lon for r in members])), 6), tonnes,
            collections_per_week=7, name=f"curbside streets {zone}".strip()))
    return out


def siting_scenario(scenario: Scenario, runs: Sequence[StreetRun]) -> Scenario:
    """The scenario siting and feedstock see: its container points plus one demand point
    per zone of curbside streets (:func:`zone_point_id`); ``scenario`` itself when it
    has no runs."""
    if not runs:
        return scenario
    return dataclasses.replace(scenario, collection_points=(
        *scenario.collection_points, *_zone_points(runs)))


def run_sites(runs: Sequence[StreetRun], assignment: Mapping[str, str]) -> dict[str, str]:
    """Run id -> the site its zone's demand point is assigned to."""
    out = {}
    for r in runs:
        site = assignment.get(zone_point_id(r.zone))
        if site is None:
            raise InputError("assignment", zone_point_id(r.zone),
                             "a site for every zone of curbside streets (site the "
                             "scenario of circularopt.routing.curbside.siting_scenario)")
        out[r.id] = site
    return out


def curbside_locations(scenario: Scenario, runs: Sequence[StreetRun]
                       ) -> list[tuple[str, float, float]]:
    """``(id, lat, lon)`` of the scenario's locations, its zones' demand points and the
    runs' ends: the rows of a plan's travel matrices when it has curbside streets."""
    locs = list(siting_scenario(scenario, runs).locations())
    for r in runs:
        a, b = r.end_ids()
        locs += [(a, *r.start), (b, *r.end)]
    return locs


def plan_matrices(scenario: Scenario, runs: Sequence[StreetRun], network: Any = None, *,
                  max_snap_m: float | None = None) -> TravelMatrices:
    """The travel matrices a plan of ``scenario`` uses: :func:`curbside_matrices` with
    street ``runs``, else :func:`circularopt.matrices.scenario_matrices`."""
    if runs:
        return curbside_matrices(scenario, runs, network, max_snap_m=max_snap_m)
    return scenario_matrices(scenario, network, max_snap_m=max_snap_m)


def curbside_matrices(scenario: Scenario, runs: Sequence[StreetRun],
                      network: Any = None, *, max_snap_m: float | None = None
                      ) -> TravelMatrices:
    """Travel matrices over :func:`curbside_locations` (as
    :func:`circularopt.matrices.scenario_matrices` computes them)."""
    locs = curbside_locations(scenario, runs)
    if network is None:
        graph = spec_corridors(scenario)
        return approximate_matrices(locs) if graph is None else corridor_matrices(locs, graph)
    from circularopt.network import RoadNetwork, TurnAwareGraph, load_network

    if isinstance(network, TurnAwareGraph):
        return turn_matrices(network, locs, max_snap_m=max_snap_m)
    net = network if isinstance(network, RoadNetwork) else load_network(network)
    return road_matrices(net, locs, max_snap_m=max_snap_m)


def curbside_info(scenario: Scenario, runs: Sequence[StreetRun]) -> dict[str, Any]:
    """What a plan records about its curbside streets (``plan.info["curbside"]``)."""
    return {"streets": len(scenario.streets), "runs": len(runs),
            "synthetic": any(r.synthetic for r in runs),
            "km": round(sum(r.km for r in runs), 3),
            "households": sum(r.households for r in runs),
            "tonnes_per_day": round(sum(r.tonnes for r in runs), 3),
            "run_minutes": RUN_MINUTES, "run_share": RUN_SHARE,
            "street_speed_kmh": STREET_SPEED_KMH,
            "zones": sorted({r.zone for r in runs})}
