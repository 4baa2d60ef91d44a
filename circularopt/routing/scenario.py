"""From a scenario to a collection-routing problem.

:func:`routing_problem` builds the daily collection task of a
:class:`~circularopt.scenario.Scenario` on its :class:`~circularopt.matrices.TravelMatrices`
(seconds, metres): trucks leave their depot, empty collection points until full, unload at
the sorting complex (or landfill) the points are assigned to, and come back empty within
their shift.

Mapping
-------
* **Depots and vehicle types** come from the scenario's depots (type name
  ``"<depot>/<type>"``). Capacity has two dimensions, tonnes ``t`` and cubic metres ``m3``;
  ``cost_per_km`` becomes a cost per metre, ``cost_per_hour`` a cost per second,
  ``fixed_cost_per_day`` the fixed cost of a used truck. The shift runs from
  ``shift_start_minutes`` for ``shift_minutes`` (departure and return inside it). Trucks
  must return empty (``return_empty``).
* **Unload sites** are complex candidates or landfills with the truck type's
  ``unload_minutes`` (a site gets one copy per distinct unloading time, ``"<site>@<m>min"``,
  when the fleet's types differ).
* **Stops** are collection points. Demand is what one visit collects: tonnes
  ``tonnes_per_visit = tonnes_per_day * 7 / collections_per_week`` (the point's average
  per visit) and the volume of those tonnes from each stream's compacted density. Service
  time is ``service_minutes``, the time window the point's ``time_window``.

Which points a day's plan visits
--------------------------------
With ``day=None`` (default) every point is visited, each with its per-visit load. This is
exact when every point is emptied daily (``collections_per_week == 7``) and a
conservative *peak day* otherwise (as if all points were due the same day). With
``day=d`` (0-6) a point emptied ``f`` times a week is due on ``f`` evenly spread days,
``(offset + floor(k * 7 / f)) % 7`` for ``k < f``, with an ``offset`` fixed by its id (a
stable hash), so the week's visits are spread evenly; only due points are stops.

Unloading where the siting plan says
------------------------------------
``assignment`` maps each point to the complex or landfill it is delivered to. A problem
may only hold points assigned to one site (otherwise a truck could unload a point's waste
at another complex than the plan says); route a whole city with
:func:`circularopt.routing.decompose.route_city`, which builds one problem per site.
Without an assignment, every truck may unload at any of ``unload_sites`` (default: the
scenario's landfills).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from circularopt.exceptions import InfeasibleError, InputError
from circularopt.matrices import TravelMatrices
from circularopt.routing.curbside import StreetRun
from circularopt.routing.problem import Break, RoutingModel, RoutingProblem
from circularopt.scenario import CollectionPoint, Scenario

__all__ = ["due_on", "nearest_sites", "point_load", "routing_problem"]

LOAD_SCALE = 1000
"""Loads are quantised to 1 kg and 1 litre."""


def due_on(point: CollectionPoint, day: int) -> bool:
    """Whether ``point`` is emptied on weekday ``day`` (0-6); see the module docstring."""
    if not (isinstance(day, int) and 0 <= day <= 6):
        raise InputError("day", day, "an integer from 0 to 6, or None for every point")
    f = point.collections_per_week
    offset = zlib.crc32(point.id.encode()) % 7
    return day in {(offset + (k * 7) // f) % 7 for k in range(f)}


def point_load(scenario: Scenario, point: CollectionPoint) -> tuple[float, float]:
    """Tonnes and cubic metres one visit of ``point`` collects (average per visit)."""
    per_visit = 7.0 / point.collections_per_week
    tonnes = point.total_tonnes_per_day * per_visit
    m3 = sum(t * per_visit / scenario.stream(s).density_t_per_m3
             for s, t in point.tonnes_per_day.items())
    return tonnes, m3


def _sites(scenario: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {c.id: c for c in scenario.complex_candidates}
    out.update({lf.id: lf for lf in scenario.landfills})
    return out


def nearest_sites(scenario: Scenario, matrices: TravelMatrices, *,
                  sites: Iterable[str] | None = None) -> dict[str, str]:
    """Assign every collection point to the unload site nearest by travel time.

    Parameters
    ----------
    scenario, matrices
        The scenario and travel matrices covering its points and the sites.
    sites
        Candidate site ids (complex candidates or landfills); default all of them.

    Returns
    -------
    dict
        Point id -> site id (ties go to the first site in order).
    """
    known = _sites(scenario)
    ids = list(known) if sites is None else [str(s) for s in sites]
    for s in ids:
        if s not in known:
            raise InputError("sites", s, f"ids of complex candidates or landfills "
                                         f"{sorted(known)}")
    if not ids:
        raise InputError("sites", [], "at least one complex candidate or landfill")
    pts = [p.id for p in scenario.collection_points]
    rows, cols = matrices.indices(pts), matrices.indices(ids)
    # There and back: a truck drives to the site and (eventually) on from it.
    dur = matrices.duration_s[np.ix_(rows, cols)] + matrices.duration_s[np.ix_(cols, rows)].T
    best = np.argmin(dur, axis=1)
    return {p: ids[int(k)] for p, k in zip(pts, best, strict=True)}


def routing_problem(scenario: Scenario, matrices: TravelMatrices, *,
                    assignment: Mapping[str, str] | None = None,
                    unload_sites: Iterable[str] | None = None,
                    depot_id: str | Iterable[str] | None = None,
                    points: Iterable[str] | None = None,
                    fleet: Mapping[str, int] | None = None, day: int | None = None,
                    lunch: Break | None = None, max_stops: int | None = None,
                    name: str | None = None,
                    runs: Sequence[StreetRun] = ()) -> RoutingProblem:
    """Build the collection-routing problem of a scenario (see the module docstring).

    Parameters
    ----------
    scenario
        The scenario.
    matrices
        Travel durations (s) and distances (m) covering the depots, points and sites used.
    assignment
        Point id -> complex or landfill id where its waste is unloaded.
    unload_sites
        Sites the trucks may unload at. Default: the one site the included points are
        assigned to, or the scenario's landfills without an assignment.
    depot_id
        Depot id(s) whose fleets are used; default all depots.
    points
        Collection point ids to include; default all (with an assignment and
        ``unload_sites``: the points assigned to those sites).
    fleet
        Trucks available per type name ``"<depot>/<type>"`` (overrides the scenario's
        counts; 0 leaves the type out). Used by the city decomposition.
    day
        Weekday 0-6 to plan (only due points), or ``None`` for every point.
    lunch
        A break every truck takes (e.g. ``Break(12*3600, 13*3600, 3600)``), or ``None``.
    max_stops
        Maximum points per route, or ``None``.
    name
        Problem name; default the scenario's.
    runs
        Curbside street runs to serve too (:func:`circularopt.routing.curbside.street_runs`,
        every day, unloading at ``unload_sites``); ``matrices`` must cover their ends
        (:func:`~circularopt.routing.curbside.curbside_matrices`). A run becomes one stop
        per allowed direction, ``"<run id>>"`` (forward) and ``"<run id><"``, both in the
        group ``<run id>`` when its streets may be served in either direction.

    Returns
    -------
    RoutingProblem
        Metres and seconds (``scale=1``), loads to 1 kg / 1 litre, dimensions
        ``("t", "m3")``.

    Raises
    ------
    InputError
        Unknown ids, points assigned to several sites, no vehicle, no unload site.
    InfeasibleError
        A point's load exceeds every truck's capacity, or no truck can reach it, serve
        it, unload and return within its shift (the message names the point and times).
    """
    chosen = _chosen_points(scenario, assignment, unload_sites, points, day)
    sites = _unload_sites(scenario, chosen, assignment, unload_sites)
    types = _vehicle_types(scenario, depot_id, fleet)
    unload_min = sorted({v.unload_minutes for _, v, _, _ in types})
    copies = {(s, m): (s if len(unload_min) == 1 else f"{s}@{m:g}min")
              for s in sites for m in unload_min}
    ids = list(dict.fromkeys([d.id for d, _, _, _ in types] + sites + [p.id for p in chosen]
                             + [e for r in runs for e in r.end_ids()]))
    base = {c: s for (s, _), c in copies.items() if c != s}
    loc_ids = ids + list(base)
    # one copy of each matrix over the problem's locations (a site's copies on its rows),
    # taken straight from the scenario's matrices
    sub = np.ix_(*[matrices.indices([base.get(c, c) for c in loc_ids])] * 2)
    model = RoutingModel(loc_ids, matrices.distance_m[sub], matrices.duration_s[sub],
                         dimensions=("t", "m3"),
                         load_scale=LOAD_SCALE, name=name or scenario.name,
                         convention=f"metres and seconds; {matrices.source}"
                                    + (" (APPROXIMATE)" if matrices.approximate else ""))
    for dep_id in dict.fromkeys(d.id for d, _, _, _ in types):
        model.add_depot(dep_id)
    for (_, m), cid in copies.items():
        model.add_unload_site(cid, unload_duration=m * 60.0)
    for d, v, key, count in types:
        start = v.shift_start_minutes * 60.0
        model.add_vehicle_type(
            key, depot=d.id, count=count, capacity=[v.capacity_tonnes, v.capacity_m3],
            fixed_cost=v.fixed_cost_per_day, cost_per_distance=v.cost_per_km / 1000.0,
            cost_per_duration=v.cost_per_hour / 3600.0, shift_start=start,
            shift_end=start + v.shift_minutes * 60.0, max_stops=max_stops,
            unload_sites=[copies[(s, v.unload_minutes)] for s in sites], return_empty=True,
            breaks=lunch)
    loads = {p.id: point_load(scenario, p) for p in chosen}
    _check_points(chosen, loads, types, sites, matrices)
    for p in chosen:
        tw = p.time_window
        model.add_stop(p.id, demand=list(loads[p.id]), service=p.service_minutes * 60.0,
                       tw_start=0.0 if tw is None else tw[0] * 60.0,
                       tw_end=math.inf if tw is None else tw[1] * 60.0)
    for r in runs:
        _add_run(scenario, model, r)
    return model.data()


def _add_run(scenario: Scenario, model: RoutingModel, run: StreetRun) -> None:
    """The stops of a street run, one per allowed direction (see :func:`routing_problem`)."""
    m3 = sum(t / scenario.stream(s).density_t_per_m3 for s, t in run.tonnes_per_day.items())
    start, end = run.end_ids()
    dirs = run.directions()
    group = run.id if run.rule == "both_sides_one_pass" and len(dirs) == 2 else None
    for d in dirs:
        a, b = (start, end) if d == ">" else (end, start)
        model.add_stop(f"{run.id}{d}", location=a, end=b, service_distance=run.km * 1000.0,
                       service=run.service_minutes * 60.0, demand=[run.tonnes, m3],
                       group=group)


def _chosen_points(scenario: Scenario, assignment: Mapping[str, str] | None,
                   unload_sites: Iterable[str] | None, points: Iterable[str] | None,
                   day: int | None) -> list[CollectionPoint]:
    """The collection points to route (see :func:`routing_problem`'s ``points``)."""
    by_id = {p.id: p for p in scenario.collection_points}
    if points is not None:
        chosen = []
        for pid in points:
            if pid not in by_id:
                raise InputError("points", pid, "ids of the scenario's collection points")
            chosen.append(by_id[pid])
    elif assignment is not None and unload_sites is not None:
        wanted = {str(s) for s in unload_sites}
        chosen = [p for p in scenario.collection_points if assignment.get(p.id) in wanted]
    else:
        chosen = list(scenario.collection_points)
    if day is not None:
        chosen = [p for p in chosen if due_on(p, day)]
    return chosen


def _unload_sites(scenario: Scenario, chosen: list[CollectionPoint],
                  assignment: Mapping[str, str] | None,
                  unload_sites: Iterable[str] | None) -> list[str]:
    """The sites the trucks may unload at (see :func:`routing_problem`)."""
    known_sites = _sites(scenario)
    if assignment is not None:
        targets = set()
        for p in chosen:
            if p.id not in assignment:
                raise InputError("assignment", p.id, "a site for every collection point "
                                                     "routed (this point has none)")
            targets.add(str(assignment[p.id]))
        if len(targets) > 1:
            raise InputError(
                "assignment", sorted(targets),
                "the routed points assigned to a single unload site; build one problem per "
                "site (unload_sites=[site]) or use circularopt.routing.decompose.route_city")
        sites = [str(s) for s in unload_sites] if unload_sites is not None else sorted(targets)
        if targets and not targets <= set(sites):
            raise InputError("unload_sites", sites,
                             f"a list containing the assigned site {sorted(targets)}")
    elif unload_sites is not None:
        sites = [str(s) for s in unload_sites]
    else:
        sites = [lf.id for lf in scenario.landfills]
    if not sites:
        raise InputError("unload_sites", [], "at least one complex candidate or landfill "
                                             "(the scenario has no landfill)")
    for s in sites:
        if s not in known_sites:
            raise InputError("unload_sites", s, f"ids of complex candidates or landfills "
                                                f"{sorted(known_sites)}")
    return sites


def _vehicle_types(scenario: Scenario, depot_id: str | Iterable[str] | None,
                   fleet: Mapping[str, int] | None) -> list[Any]:
    """(depot, vehicle type, ``"<depot>/<type>"``, count) of every truck type used."""
    if depot_id is None:
        depots = list(scenario.depots)
    else:
        want = [depot_id] if isinstance(depot_id, str) else list(depot_id)
        dmap = {d.id: d for d in scenario.depots}
        for wanted_id in want:
            if wanted_id not in dmap:
                raise InputError("depot_id", wanted_id, f"one of the depots {sorted(dmap)}")
        depots = [dmap[w] for w in want]
    types = []
    for d in depots:
        for v in d.vehicle_types:
            key = f"{d.id}/{v.id}"
            count = v.count if fleet is None else int(fleet.get(key, 0))
            if count > 0:
                types.append((d, v, key, count))
    if not types:
        raise InputError("depots", [d.id for d in depots],
                         "depots with at least one truck (vehicle type count > 0)")
    return types


def _check_points(chosen: list[CollectionPoint], loads: Mapping[str, tuple[float, float]],
                  types: list[Any], sites: list[str], matrices: TravelMatrices) -> None:
    """Raise InfeasibleError for a point no truck can carry or reach within its shift."""
    caps = [(v.capacity_tonnes, v.capacity_m3) for _, v, _, _ in types]
    for p in chosen:
        t, m3 = loads[p.id]
        if not any(t <= ct + 1e-9 and m3 <= cm + 1e-9 for ct, cm in caps):
            raise InfeasibleError(
                f"collection point {p.id!r} yields {t:.3f} t and {m3:.3f} m3 per visit "
                f"(collected {p.collections_per_week}x a week), more than any truck carries "
                f"(capacities t/m3: {sorted(set(caps))}); collect it more often, split it, "
                f"or add a larger truck")
    ix = matrices.index
    dur = matrices.duration_s
    s_idx = [ix(s) for s in sites]
    for p in chosen:
        i = ix(p.id)
        best: tuple[float, str] | None = None
        for d, v, key, _ in types:
            dep = ix(d.id)
            start, end = v.shift_start_minutes * 60.0, (v.shift_start_minutes
                                                          + v.shift_minutes) * 60.0
            arrive = start + float(dur[dep, i])
            tw = p.time_window
            begin = max(arrive, 0.0 if tw is None else tw[0] * 60.0)
            late = tw is not None and begin > tw[1] * 60.0
            back = min(float(dur[i, s]) + v.unload_minutes * 60.0 + float(dur[s, dep])
                       for s in s_idx)
            finish = begin + p.service_minutes * 60.0 + back
            if not late and finish <= end + 1e-6:
                best = None
                break
            if best is None or finish - end < best[0]:
                why = (f"earliest service at {_hm(begin)} is after its window closes "
                       f"({_hm(tw[1] * 60.0)})" if late and tw is not None else
                       f"leaving depot {d.id!r} at {_hm(start)}, serving it and unloading, "
                       f"truck {key!r} is back at {_hm(finish)}, after its shift ends "
                       f"({_hm(end)})")
                best = (finish - end, why)
        if best is not None:
            raise InfeasibleError(f"collection point {p.id!r} cannot be served within any "
                                  f"shift: {best[1]}; check its position and time window, "
                                  "the shift times or the travel matrices")


def _hm(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "never (unreachable)"
    m = round(seconds / 60.0)
    return f"{m // 60:02d}:{m % 60:02d}"
