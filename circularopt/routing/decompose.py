"""City-scale collection routing: decompose, solve the parts in parallel, stitch one plan.

A city has thousands of collection points; one routing problem over all of them is too
large to search well in minutes. :func:`route_city` therefore

1. groups the points by the unload site they are assigned to (the siting plan's sorting
   complex or landfill; see :func:`circularopt.routing.scenario.nearest_sites` when
   there is no plan),
2. splits a group larger than ``max_part_stops`` into sectors around its site: the
   points are sorted by bearing from the site, the sweep starts at the widest angular
   gap, and the circle is cut into ``ceil(n / max_part_stops)`` sectors of equal size,
3. shares every truck type's fleet among the parts in proportion to their tonnes per
   visit (largest remainders; every part gets at least one truck),
4. builds each part's problem with :func:`circularopt.routing.scenario.routing_problem`
   and solves the parts in separate processes (``concurrent.futures`` with the *spawn*
   start method, so it is safe on every platform and with threads, and without
   re-running the caller's script: see :class:`_ScriptSafeSpawn`) under one global
   time limit: the parts are packed onto the workers largest first and each part gets
   the share of its worker's time that its size represents,
5. stitches the parts' routes into one :class:`~circularopt.routing.result.RoutingResult`
   on one merged problem (the union of the parts, one vehicle type per depot and truck
   type: see :func:`merge_problems`) with each truck numbered once in the whole plan, and
   checks it with the independent validator.

Reproducibility: part ``k`` is solved with seed ``seed + k``. Both engines stop on wall
time, so a run repeats exactly only when the machine is equally loaded, unless PyVRP
stops on iterations first (engine option ``max_iterations``); the decomposition itself
(parts, fleet shares) depends only on the inputs. Options: :class:`RoutingOptions`.
"""

from __future__ import annotations

import datetime
import logging
import math
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from multiprocessing.context import SpawnContext, SpawnProcess
from typing import Any, cast

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.math_opt.python import mathopt

from circularopt import _validate
from circularopt._worker_logs import forwarded_logs
from circularopt.exceptions import CircularOptError, InfeasibleError, InputError, SolverError
from circularopt.geo import great_circle
from circularopt.matrices import TravelMatrices, default_workers
from circularopt.routing.blocks import BlockIndex, BlockMatrix
from circularopt.routing.curbside import StreetRun, run_sites
from circularopt.routing.engines.options import EngineOptions, engine_options
from circularopt.routing.problem import (
    INF_TIME,
    Break,
    RoutingProblem,
    Stop,
    StopGroup,
    UnloadSite,
    VehicleType,
)
from circularopt.routing.result import RoutingResult, Step, route_steps, schedule_route
from circularopt.routing.scenario import point_load, routing_problem
from circularopt.routing.validate import RoutesReport, validate_routes
from circularopt.scenario import Scenario

__all__ = ["CityPlan", "Part", "RoutingOptions", "merge_problems", "part_hours", "route_city",
           "split_parts"]

Progress = Callable[[str], None]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class RoutingOptions:
    """How :func:`route_city` routes a city (besides its time limit and seed).

    Parameters
    ----------
    engine
        ``"pyvrp"`` or ``"ortools"``.
    engine_options
        The engine's options for every part: typed
        (:class:`~circularopt.routing.engines.options.PyVRPOptions`,
        :class:`~circularopt.routing.engines.options.ORToolsOptions`) or a JSON object of
        them; ``None``: the defaults.
    max_part_stops
        Largest part; bigger site groups are split into sectors.
    workers
        Parallel processes (default: every CPU this process may use).
    day
        Weekday to plan, or ``None`` for every point (see
        :mod:`circularopt.routing.scenario`).
    lunch
        Break every truck takes, or ``None``.
    """

    engine: str = "pyvrp"
    engine_options: EngineOptions | Mapping[str, Any] | None = None
    max_part_stops: int = 300
    workers: int | None = None
    day: int | None = None
    lunch: Break | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "engine_options",
                           engine_options(self.engine, self.engine_options))
        _validate.integer("routing.max_part_stops", self.max_part_stops, lo=1)
        if self.workers is not None:
            _validate.integer("workers", self.workers, lo=1)
        if self.day is not None:
            _validate.integer("routing.day", self.day, lo=0)

    def engine_settings(self) -> EngineOptions:
        """The engine's typed options."""
        return engine_options(self.engine, self.engine_options)


@dataclass(frozen=True)
class Part:
    """One part of the city: points unloading at one site, and its share of the fleet.

    Parameters
    ----------
    name
        ``"<site>"`` or ``"<site>#<k>"`` for the ``k``-th sector of a split group.
    site
        Unload site id.
    points
        Collection point ids.
    tonnes
        Tonnes per visit summed over the points.
    fleet
        Trucks per type name ``"<depot>/<type>"``.
    runs
        Curbside street run ids (:mod:`circularopt.routing.curbside`).
    """

    name: str
    site: str
    points: tuple[str, ...]
    tonnes: float
    fleet: Mapping[str, int]
    runs: tuple[str, ...] = ()


@dataclass(frozen=True)
class CityPlan:
    """A stitched city plan.

    Parameters
    ----------
    problem
        The merged problem (the union of the parts' problems; its matrices are
        :class:`~circularopt.routing.blocks.BlockMatrix` objects: ``m[i, j]`` only, see
        :func:`merge_problems`).
    result
        The stitched plan on ``problem``.
    report
        The independent validator's report on ``result``.
    parts
        The decomposition.
    part_results
        Each part's result (``None`` where the part failed).
    errors
        Error message per failed part name.
    """

    problem: RoutingProblem
    result: RoutingResult
    report: RoutesReport
    parts: tuple[Part, ...]
    part_results: tuple[RoutingResult | None, ...]
    errors: Mapping[str, str]

    def summary(self) -> str:
        """The plan's summary, the validator's verdict and one line per part."""
        lines = [self.result.summary().splitlines()[0], self.report.summary(limit=5)]
        for part, res in zip(self.parts, self.part_results, strict=True):
            state = (self.errors.get(part.name, "failed") if res is None else
                     f"{res.num_vehicles} routes, cost {res.cost:,.2f}, {res.seconds:.1f} s")
            runs = f"{len(part.runs)} street runs, " if part.runs else ""
            lines.append(f"  part {part.name}: {len(part.points)} points, {runs}"
                         f"{part.tonnes:,.1f} t, {sum(part.fleet.values())} trucks: {state}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- splitting


def _bearing(lat0: float, lon0: float, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    x = (lon - lon0) * math.cos(math.radians(lat0))
    y = lat - lat0
    return np.arctan2(y, x)


def _apportion(weights: Sequence[float], total: int) -> list[int]:
    """Largest-remainder split of ``total`` in proportion to ``weights``."""
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return [0] * len(w)
    exact = w / w.sum() * total
    base = np.floor(exact).astype(int)
    order = np.argsort(-(exact - base), kind="stable")
    for k in order[: total - int(base.sum())]:
        base[k] += 1
    return [int(x) for x in base]


def split_parts(scenario: Scenario, assignment: Mapping[str, str], *,
                max_part_stops: int = 300, points: Sequence[str] | None = None,
                fleet: Mapping[str, int] | None = None,
                matrices: TravelMatrices | None = None,
                runs: Sequence[StreetRun] = ()) -> list[Part]:
    """Decompose the points by assigned site and, when large, by sector around the site.

    Parameters
    ----------
    scenario
        The scenario.
    assignment
        Point id -> unload site id (complex candidate or landfill).
    max_part_stops
        Largest number of points in one part.
    points
        Points to route (default: all collection points).
    fleet
        Trucks per type ``"<depot>/<type>"`` to share (default: the scenario's fleets).
    matrices
        Travel matrices; when given, trucks are shared in proportion to each part's
        estimated truck-hours (:func:`part_hours`) instead of its tonnes, so a part of
        many small, scattered or distant points gets the trucks its time needs.
    runs
        Curbside street runs; each goes with its zone's site
        (:func:`~circularopt.routing.curbside.run_sites`) and counts as one point when
        parts are cut into sectors.

    Returns
    -------
    list of Part
        In order of site id, then sector.

    Raises
    ------
    InfeasibleError
        Fewer trucks than parts.
    """
    if not (isinstance(max_part_stops, int) and max_part_stops >= 1):
        raise InputError("max_part_stops", max_part_stops, "an integer >= 1")
    by_id = {p.id: p for p in scenario.collection_points}
    sites: dict[str, Any] = {c.id: c for c in scenario.complex_candidates}
    sites.update({lf.id: lf for lf in scenario.landfills})
    groups = _site_groups(assignment, list(by_id) if points is None else list(points),
                          by_id, sites)
    run_by_id = {r.id: r for r in runs}
    for run_id, site in run_sites(runs, assignment).items():
        groups.setdefault(site, []).append(run_id)
    raw: list[tuple[str, str, list[str]]] = []
    for site in sorted(groups):
        raw += _sectors(site, sites[site], groups[site], {**by_id, **run_by_id},
                        max_part_stops)
    tonnes = [sum(point_load(scenario, by_id[p])[0] if p in by_id else run_by_id[p].tonnes
                  for p in pts) for _, _, pts in raw]
    if fleet is None:
        fleet = {f"{d.id}/{v.id}": v.count for d in scenario.depots for v in d.vehicle_types}
    if matrices is None:
        weights = [max(t, 1e-9) for t in tonnes]
    else:
        weights = [max(part_hours(scenario, matrices, site,
                                  [p for p in pts if p in by_id],
                                  runs=[run_by_id[p] for p in pts if p in run_by_id]), 1e-9)
                   for _, site, pts in raw]
    part_sites = [sites[site] for _, site, _ in raw]
    drawn = None
    if matrices is not None:
        # the largest uniform cover margin the fleet allows spreads spare trucks too
        for margin in (4.0, 3.0, 2.5, 2.0, 1.6, 1.3):
            drawn = _draw_by_hours(scenario, matrices, fleet,
                                   [site for _, site, _ in raw], weights, margin=margin)
            if drawn is not None:
                break
    shares = _share_fleet(scenario, fleet, part_sites, weights, drawn=drawn)
    total = sum(fleet.values())
    if total < len(raw):
        raise InfeasibleError(f"{len(raw)} parts (sites {sorted(groups)}, at most "
                              f"{max_part_stops} points each) but only {total} trucks; add "
                              "trucks or raise max_part_stops")
    _one_truck_each(shares, weights)
    _give_capable_trucks(scenario, [[p for p in pts if p in by_id] for _, _, pts in raw],
                         shares)
    return [Part(name, site, tuple(p for p in pts if p in by_id), t,
                 {k: n for k, n in share.items() if n > 0},
                 tuple(p for p in pts if p in run_by_id))
            for (name, site, pts), t, share in zip(raw, tonnes, shares, strict=True)]


def _site_groups(assignment: Mapping[str, str], ids: list[str], by_id: Mapping[str, Any],
                 sites: Mapping[str, Any]) -> dict[str, list[str]]:
    """Point ids by assigned site, in the order given."""
    groups: dict[str, list[str]] = {}
    for pid in ids:
        if pid not in by_id:
            raise InputError("points", pid, "ids of the scenario's collection points")
        site = assignment.get(pid)
        if site is None or site not in sites:
            raise InputError(f"assignment[{pid!r}]", site,
                             f"a complex candidate or landfill id {sorted(sites)}")
        groups.setdefault(site, []).append(pid)
    return groups


def _sectors(site_id: str, site: Any, members: list[str], by_id: Mapping[str, Any],
             max_part_stops: int) -> list[tuple[str, str, list[str]]]:
    """A site's group as (name, site, points): whole, or cut into equal sectors by
    bearing from the site, starting at the widest angular gap."""
    k = math.ceil(len(members) / max_part_stops)
    if k == 1:
        return [(site_id, site_id, members)]
    ang = _bearing(site.lat, site.lon, np.array([by_id[p].lat for p in members]),
                   np.array([by_id[p].lon for p in members]))
    order = np.argsort(ang, kind="stable")
    sorted_ang = ang[order]
    gaps = np.diff(np.concatenate([sorted_ang, sorted_ang[:1] + 2 * math.pi]))
    start = (int(np.argmax(gaps)) + 1) % len(order)
    order = np.roll(order, -start)
    return [(f"{site_id}#{j + 1}", site_id, [members[int(i)] for i in chunk])
            for j, chunk in enumerate(np.array_split(order, k))]


def _one_truck_each(shares: list[dict[str, int]], weights: Sequence[float]) -> None:
    """Give a part without trucks one from the part with the most trucks per weight."""
    for share in shares:
        if sum(share.values()) == 0:
            donor = max((i for i in range(len(shares)) if sum(shares[i].values()) >= 2),
                        key=lambda i: sum(shares[i].values()) / weights[i])
            key = max(shares[donor], key=lambda k: shares[donor][k])
            shares[donor][key] -= 1
            share[key] += 1


def _give_capable_trucks(scenario: Scenario, parts: Sequence[Sequence[str]],
                         shares: list[dict[str, int]]) -> None:
    """Make sure each part has a truck that carries its heaviest point.

    A part without one swaps one of its trucks for a capable one from the part holding
    the most of that type (in place). Parts whose heaviest point no truck carries are
    left for the routing bridge to explain.
    """
    cap = {f"{d.id}/{v.id}": (v.capacity_tonnes, v.capacity_m3) for d in scenario.depots
           for v in d.vehicle_types}
    by_id = {p.id: p for p in scenario.collection_points}
    for k, pts in enumerate(parts):
        loads = [point_load(scenario, by_id[p]) for p in pts]
        need_t = max((ld[0] for ld in loads), default=0.0)
        need_m3 = max((ld[1] for ld in loads), default=0.0)

        def carries(key: str, t: float = need_t, m3: float = need_m3) -> bool:
            return cap[key][0] >= t - 1e-9 and cap[key][1] >= m3 - 1e-9

        if any(n > 0 and carries(key) for key, n in shares[k].items()):
            continue
        donors = [(shares[i][key], i, key) for i in range(len(shares)) if i != k
                  for key in shares[i] if carries(key) and shares[i][key] >= 2]
        if not donors:
            continue
        _, i, key = max(donors)
        mine = max(shares[k], key=lambda x: shares[k][x])
        shares[i][key] -= 1
        shares[k][key] += 1
        if shares[k][mine] > 0 and mine != key:
            shares[k][mine] -= 1
            shares[i][mine] += 1


def part_hours(scenario: Scenario, matrices: TravelMatrices, site: str,
               points: Sequence[str], *, runs: Sequence[StreetRun] = ()) -> float:
    """Estimated truck-hours to collect ``points`` and unload at ``site``.

    Service time, plus one trip per average truck load (tonnes or m3, whichever binds)
    costing the unloading time and a drive from the site to the points' mean distance
    and back, plus the drive between neighbouring points (each point's nearest other
    point of the part). Street runs add their service time and the trips for their
    tonnes. A rough, cheap estimate used only to share trucks among parts.
    """
    fleet = [v for d in scenario.depots for v in d.vehicle_types if v.count > 0]
    if not fleet:
        return 0.0
    hours = _run_hours(matrices, site, runs, fleet) if runs else 0.0
    if not points:
        return hours
    count = sum(v.count for v in fleet)
    cap_t = sum(v.capacity_tonnes * v.count for v in fleet) / count
    cap_m3 = sum(v.capacity_m3 * v.count for v in fleet) / count
    unload_h = sum(v.unload_minutes * v.count for v in fleet) / count / 60.0
    by_id = {p.id: p for p in scenario.collection_points}
    loads = np.array([point_load(scenario, by_id[p]) for p in points])
    trips = max(loads[:, 0].sum() / cap_t, loads[:, 1].sum() / cap_m3)
    service_h = sum(by_id[p].service_minutes for p in points) / 60.0
    idx = matrices.indices(list(points))
    s = matrices.index(site)
    haul_h = float(np.mean(matrices.duration_s[s, idx] + matrices.duration_s[idx, s])) / 3600
    local = matrices.duration_s[np.ix_(idx, idx)].astype(float)
    np.fill_diagonal(local, np.inf)
    hop_h = float(np.min(local, axis=1).sum()) / 3600 if len(idx) > 1 else 0.0
    return hours + service_h + math.ceil(trips) * (unload_h + haul_h) + hop_h


def _run_hours(matrices: TravelMatrices, site: str, runs: Sequence[StreetRun],
               fleet: Sequence[Any]) -> float:
    """Truck-hours of street runs: their service, one trip per average truck load (the
    unloading and the drive from the site to the runs' mean start and back) and the
    drive from each run's end to the nearest other run's start."""
    count = sum(v.count for v in fleet)
    cap_t = sum(v.capacity_tonnes * v.count for v in fleet) / count
    unload_h = sum(v.unload_minutes * v.count for v in fleet) / count / 60.0
    starts = matrices.indices([r.end_ids()[0] for r in runs])
    ends = matrices.indices([r.end_ids()[1] for r in runs])
    s = matrices.index(site)
    haul_h = float(np.mean(matrices.duration_s[s, starts] + matrices.duration_s[ends, s]))
    local = matrices.duration_s[np.ix_(ends, starts)].astype(float)
    np.fill_diagonal(local, np.inf)
    hop_h = float(np.min(local, axis=1).sum()) / 3600 if len(runs) > 1 else 0.0
    trips = math.ceil(sum(r.tonnes for r in runs) / cap_t)
    return (sum(r.service_minutes for r in runs) / 60.0 + trips * (unload_h + haul_h / 3600)
            + hop_h)


def _draw_by_hours(scenario: Scenario, matrices: TravelMatrices, fleet: Mapping[str, int],
                   part_sites: Sequence[str], hours: Sequence[float], *,
                   margin: float = 1.3) -> list[dict[str, int]] | None:
    """Trucks each part draws from each depot, covering its estimated hours.

    A small integer programme (OR-Tools MathOpt, SCIP): every truck is given to a part;
    a truck from depot ``d`` gives part ``k`` its shift less the drive depot -> site ->
    depot; each part gets at least ``margin`` times its estimated hours; the total
    depot -> site driving is minimised. ``None`` when the fleet cannot cover that (the
    caller then shares by proportion alone).
    """
    by_depot: dict[str, int] = {}
    shift: dict[str, list[float]] = {}
    for d in scenario.depots:
        for v in d.vehicle_types:
            n = fleet.get(f"{d.id}/{v.id}", 0)
            if n > 0:
                by_depot[d.id] = by_depot.get(d.id, 0) + n
                shift.setdefault(d.id, []).extend([v.shift_minutes / 60.0] * n)
    model = mathopt.Model(name="fleet-shares")
    x: dict[tuple[str, int], mathopt.Variable] = {}
    cost = []
    cover: list[list[Any]] = [[] for _ in part_sites]
    for depot, supply in by_depot.items():
        di = matrices.index(depot)
        shift_h = float(np.mean(shift[depot]))
        for k, site in enumerate(part_sites):
            si = matrices.index(site)
            drive_h = float(matrices.duration_s[di, si] + matrices.duration_s[si, di]) / 3600
            useful = shift_h - drive_h
            if useful <= 0 or not math.isfinite(useful):
                continue
            var = model.add_integer_variable(lb=0, ub=supply, name=f"x[{depot},{k}]")
            x[depot, k] = var
            cost.append(drive_h * var)
            cover[k].append(useful * var)
        model.add_linear_constraint(
            mathopt.fast_sum(var for (dd, _), var in x.items() if dd == depot) == supply)
    for k, terms in enumerate(cover):
        if not terms:
            return None
        model.add_linear_constraint(mathopt.fast_sum(terms) >= margin * hours[k])
    model.minimize(mathopt.fast_sum(cost))
    result = mathopt.solve(model, mathopt.SolverType.GSCIP,
                           params=mathopt.SolveParameters(time_limit=datetime.timedelta(
                               seconds=10)))
    if not result.has_primal_feasible_solution():
        return None
    values = result.variable_values()
    drawn = [dict.fromkeys(by_depot, 0) for _ in part_sites]
    for (depot, k), var in x.items():
        drawn[k][depot] = round(values[var])
    return drawn


def _share_fleet(scenario: Scenario, fleet: Mapping[str, int], part_sites: Sequence[Any],
                 weights: Sequence[float], *,
                 drawn: list[dict[str, int]] | None = None) -> list[dict[str, int]]:
    """Share the trucks among parts in proportion to tonnes, nearest depots first.

    Each part's quota (largest-remainder share of all trucks by tonnes) is filled from
    the depots by a transportation problem (OR-Tools min-cost flow) minimising the sum of
    squared great-circle depot-to-site distances, so that no part is served from a far
    depot while a near one could serve it. Each depot's vehicle types are then shared
    among the parts drawing on it in proportion to what they draw, so every part keeps
    the depot's mix of small and large trucks.
    """
    by_depot: dict[str, list[str]] = {}
    for key in fleet:
        by_depot.setdefault(key.split("/", 1)[0], []).append(key)
    if drawn is not None:
        return _split_types(fleet, by_depot, drawn, _capacity(scenario), weights)
    depots = {d.id: d for d in scenario.depots}
    names = list(by_depot)
    quotas = _apportion(list(weights), sum(fleet.values()))
    # Transportation problem: trucks from depots to parts, each part getting its quota,
    # at least total (depot -> site distance)^2, so that near depots serve near parts.
    flow = min_cost_flow.SimpleMinCostFlow()
    n_dep = len(names)
    for i, depot in enumerate(names):
        d = depots[depot]
        flow.set_node_supply(i, sum(fleet[k] for k in by_depot[depot]))
        for k, site in enumerate(part_sites):
            km = float(great_circle(np.array(d.lat), np.array(d.lon), np.array(site.lat),
                                    np.array(site.lon))) / 1000.0
            flow.add_arc_with_capacity_and_unit_cost(i, n_dep + k, quotas[k],
                                                     round(km * km))
    for k, quota in enumerate(quotas):
        flow.set_node_supply(n_dep + k, -quota)
    if flow.solve() != flow.OPTIMAL:
        raise SolverError("could not share the trucks among the city's parts")
    drawn = [dict.fromkeys(names, 0) for _ in part_sites]
    for a in range(flow.num_arcs()):
        drawn[flow.head(a) - n_dep][names[flow.tail(a)]] += flow.flow(a)
    return _split_types(fleet, by_depot, drawn, _capacity(scenario), weights)


def _capacity(scenario: Scenario) -> dict[str, float]:
    """Tonnes capacity per truck type ``"<depot>/<type>"``."""
    return {f"{d.id}/{v.id}": v.capacity_tonnes for d in scenario.depots
            for v in d.vehicle_types}


def _split_types(fleet: Mapping[str, int], by_depot: Mapping[str, list[str]],
                 drawn: list[dict[str, int]], capacity: Mapping[str, float],
                 weights: Sequence[float]) -> list[dict[str, int]]:
    """Deal each depot's trucks, largest first, to the parts drawing on it.

    Each part receives exactly the number it draws; the next truck always goes to the
    part with the largest share of its draw still missing (ties: the heavier part), so
    every part gets a mix of the depot's large and small trucks.
    """
    shares = [dict.fromkeys(fleet, 0) for _ in drawn]
    for depot, keys in by_depot.items():
        want = [d.get(depot, 0) for d in drawn]
        got = [0] * len(drawn)
        trucks = [key for key in sorted(keys, key=lambda x: -capacity.get(x, 0.0))
                  for _ in range(fleet[key])]
        for key in trucks:
            open_parts = [k for k in range(len(drawn)) if got[k] < want[k]]
            if not open_parts:
                break
            k = max(open_parts, key=lambda i: ((want[i] - got[i]) / want[i], weights[i]))
            shares[k][key] += 1
            got[k] += 1
    return shares


# --------------------------------------------------------------------------- merging


def merge_problems(problems: Sequence[RoutingProblem], *, name: str) -> RoutingProblem:
    """The union of problems with disjoint stops (shared depots, sites and truck types).

    Locations, depots and unload sites are merged by id; arcs between locations that
    share no problem are forbidden (``INF_TIME``). The matrices are
    :class:`~circularopt.routing.blocks.BlockMatrix` objects over the parts' own
    matrices (shared, not copied), not dense arrays: they answer ``m[i, j]`` (what
    :func:`~circularopt.routing.validate.validate_routes`, the route schedule and the
    KPIs read), so the union is for checking and costing routes, not for an engine.
    Vehicle types of the same name (one depot's truck type, shared among a city's parts)
    become one type: their counts add up and their unload sites are united, so every
    truck of the union is one ``(vehicle_type, vehicle)`` of the whole plan (see
    :func:`route_city`).

    Caveat: the union no longer restricts a part's trucks to its part's unload site;
    :func:`circularopt.plan.validate_plan` checks each trip's site against the siting
    assignment.

    Raises
    ------
    InputError
        No problem; different dimensions or scales; vehicle types of one name that differ
        in anything but their count and unload sites.
    """
    if not problems:
        raise InputError("problems", [], "at least one problem")
    p0 = problems[0]
    for p in problems[1:]:
        if (p.dimensions, p.scale, p.load_scale) != (p0.dimensions, p0.scale, p0.load_scale):
            raise InputError("problems", p.name, "problems with the same dimensions and "
                                                 "scales")
    loc_ids: dict[str, int] = {}
    for p in problems:
        for x in p.locations:
            loc_ids.setdefault(x, len(loc_ids))
    index = BlockIndex(len(loc_ids), [np.array([loc_ids[x] for x in p.locations],
                                               dtype=np.int64) for p in problems])
    # the parts' own matrices, shared: a dense union would cost 8 n^2 bytes a matrix
    dist = BlockMatrix(index, [p.distance for p in problems], float(INF_TIME))
    dur = BlockMatrix(index, [p.duration for p in problems], float(INF_TIME))
    depots: dict[str, Any] = {}
    sites: dict[str, UnloadSite] = {}
    stops: list[Stop] = []
    groups: list[StopGroup] = []
    for p in problems:
        for d in p.depots:
            depots.setdefault(d.id, type(d)(d.id, loc_ids[p.locations[d.location]]))
        for u in p.unload_sites:
            sites.setdefault(u.id, UnloadSite(u.id, loc_ids[p.locations[u.location]],
                                              u.unload_duration, u.tw_start, u.tw_end))
        base = len(stops)
        stops += [replace(s, location=loc_ids[p.locations[s.location]],
                          group=None if s.group is None else s.group + len(groups))
                  for s in p.stops]
        groups += [StopGroup(g.id, tuple(base + m for m in g.members)) for g in p.groups]
    vtypes = _merge_types(problems, {k: i for i, k in enumerate(depots)},
                          {k: i for i, k in enumerate(sites)})
    # a BlockMatrix answers m[i, j] as the validators, schedules and KPIs read it
    return RoutingProblem(name, tuple(loc_ids), cast(np.ndarray, dist),
                          cast(np.ndarray, dur), tuple(depots.values()),
                          tuple(vtypes), tuple(stops), tuple(sites.values()), p0.dimensions,
                          p0.scale, p0.load_scale, p0.convention, tuple(groups))


_SAME_TYPE = tuple(f.name for f in fields(VehicleType)
                   if f.name not in ("name", "count", "unload_sites"))
"""Attributes that vehicle types of one name must share to be merged."""


def _merge_types(problems: Sequence[RoutingProblem], dep_index: Mapping[str, int],
                 site_index: Mapping[str, int]) -> list[VehicleType]:
    """One vehicle type per name: counts added, unload sites united (in order met)."""
    merged: dict[str, VehicleType] = {}
    for p in problems:
        for v in p.vehicle_types:
            mine = VehicleType(
                v.name, dep_index[p.depots[v.depot].id], dep_index[p.depots[v.end_depot].id],
                v.count, v.capacity, v.fixed_cost, v.cost_per_distance, v.cost_per_duration,
                v.shift_start, v.shift_end, v.max_duration, v.max_stops,
                tuple(site_index[p.unload_sites[u].id] for u in v.unload_sites),
                v.max_unloads, v.return_empty, v.breaks)
            old = merged.get(v.name)
            if old is None:
                merged[v.name] = mine
                continue
            if any(getattr(old, a) != getattr(mine, a) for a in _SAME_TYPE):
                raise InputError("problems", p.name, f"vehicle types named {v.name!r} that "
                                 "differ only in count and unload sites")
            merged[v.name] = replace(old, count=old.count + v.count, unload_sites=tuple(
                dict.fromkeys(old.unload_sites + mine.unload_sites)))
    return list(merged.values())


def _stitch(merged: RoutingProblem, problems: Sequence[RoutingProblem],
            results: Sequence[RoutingResult | None], engine: str,
            seconds: float) -> RoutingResult:
    """The parts' routes on the merged problem, each truck numbered once in the plan.

    A part numbers its trucks from 0; here the trucks of one merged type are numbered
    0, 1, ... over the whole plan in the order their first route appears, so two parts'
    trucks never share a number and a truck's routes keep sharing one.
    """
    routes = []
    unassigned: list[str] = []
    type_index = {v.name: k for k, v in enumerate(merged.vehicle_types)}
    numbers: dict[tuple[int, int, int], int] = {}  # (part, merged type, part's vehicle)
    used = [0] * len(merged.vehicle_types)
    stop_index = {s.id: k for k, s in enumerate(merged.stops)}
    site_index = {u.id: k for k, u in enumerate(merged.unload_sites)}
    for part, (p, res) in enumerate(zip(problems, results, strict=True)):
        if res is None:
            unassigned += list(p.unserved(()))
            continue
        unassigned += list(res.unassigned)
        for r in res.routes:
            part_steps, brk = route_steps(r)
            steps: list[Step] = [
                ("stop", stop_index[p.stops[idx].id]) if kind == "stop"
                else ("unload", site_index[p.unload_sites[idx].id])
                for kind, idx in part_steps]
            t = type_index[p.vehicle_types[r.vehicle_type].name]
            if (part, t, r.vehicle) not in numbers:
                numbers[(part, t, r.vehicle)] = used[t]
                used[t] += 1
            routes.append(schedule_route(merged, t, numbers[(part, t, r.vehicle)], steps,
                                         break_after=brk))
    status = "feasible" if all(r is not None and r.status == "feasible"
                               for r in results) else "infeasible"
    return RoutingResult(merged.name, engine, status, seconds, tuple(routes),
                         tuple(unassigned), None, {"parts": len(problems)})


# --------------------------------------------------------------------------- solving


@contextmanager
def _main_hidden() -> Iterator[None]:
    """Hide the ``__main__`` module's file and spec while a process is being started.

    A *spawn* child re-runs the parent's main script (or ``-m`` module) before it
    unpickles its task, because :func:`multiprocessing.spawn.get_preparation_data` sends
    ``__main__.__file__`` (``init_main_from_path``) or ``__main__.__spec__.name``
    (``init_main_from_name``) and the child's ``prepare`` imports it. A script without an
    ``if __name__ == "__main__":`` guard then solves again in every child, which tries to
    start processes while bootstrapping and breaks the pool. Without ``__file__`` and
    ``__spec__`` the parent sends neither, as for ``python -c`` or an interactive session.

    Caveat: objects whose class or function is defined in ``__main__`` cannot reach such a
    child; the routing workers only receive module-level functions and dataclasses of
    :mod:`circularopt`. The attributes are restored on exit; another thread reading them
    meanwhile would see them missing.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        for key in ("__file__", "__spec__"):
            if key in saved:
                main.__dict__[key] = saved[key]
            else:
                main.__dict__.pop(key, None)


class _ScriptSafeProcess(SpawnProcess):
    """A spawned process that does not re-run the parent's main script."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:  # noqa: N802 - multiprocessing's name
        with _main_hidden():
            return SpawnProcess._Popen(process_obj)


class _ScriptSafeSpawn(SpawnContext):
    """The *spawn* start method, minus the re-run of ``__main__`` (see :func:`_main_hidden`).

    Why spawn and not the alternatives: *fork* copies a process whose OR-Tools or PyVRP
    threads may hold locks (CPython warns about forking a threaded process); *forkserver*
    preloads and re-runs ``__main__`` too; threads would not solve parts in parallel
    while the engines hold the GIL (PyVRP's iterated local search loop runs in Python;
    see ``docs/benchmarks.md`` for the measurement).
    Every start goes through :meth:`_ScriptSafeProcess._Popen`, also when the pool
    replaces a dead worker, so the whole pool is safe in an unguarded script.
    """

    Process = _ScriptSafeProcess



def _solve_part(problem: RoutingProblem, engine: str, options: EngineOptions,
                time_limit: float, seed: int,
                deadline: float) -> tuple[RoutingResult | None, str]:
    """Worker: solve one part (top-level so that spawned processes can import it).

    ``deadline`` is a ``time.time()`` instant shared across processes: a part that starts
    late (slow process start-up on a busy machine, a queue behind other parts) gets only
    the time left before it, so the city's budget holds.
    """
    from circularopt.routing.engines import solve

    time_limit = max(0.1, min(time_limit, deadline - time.time()))
    try:
        return solve(problem, engine=engine, options=options, time_limit=time_limit,
                     seed=seed, allow_infeasible=True), ""
    except CircularOptError as exc:
        return None, f"{type(exc).__name__}: {exc}"


def _budgets(sizes: Sequence[int], workers: int, seconds: float) -> list[float]:
    """Per-part seconds: parts packed largest first on ``workers`` queues, each queue's
    time shared in proportion to size."""
    queues: list[list[int]] = [[] for _ in range(max(1, workers))]
    load = [0] * len(queues)
    for k in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        q = int(np.argmin(load))
        queues[q].append(k)
        load[q] += max(1, sizes[k])
    out = [0.0] * len(sizes)
    for q, members in enumerate(queues):
        for k in members:
            out[k] = seconds * max(1, sizes[k]) / max(1, load[q])
    return out


def _part_problems(scenario: Scenario, matrices: TravelMatrices, assignment: Mapping[str, str],
                   options: RoutingOptions, runs: Sequence[StreetRun]
                   ) -> tuple[list[Part], list[RoutingProblem]]:
    """The city's parts and their routing problems."""
    pts = [p.id for p in scenario.collection_points]
    if not pts and not runs:
        raise InputError("scenario.collection_points", [], "at least one collection point")
    parts = split_parts(scenario, assignment, max_part_stops=options.max_part_stops,
                        points=pts, matrices=matrices, runs=runs)
    by_id = {r.id: r for r in runs}
    problems = [routing_problem(scenario, matrices, assignment=assignment,
                                unload_sites=[part.site], points=part.points,
                                fleet=part.fleet, day=options.day, lunch=options.lunch,
                                name=f"{scenario.name}/{part.name}",
                                runs=[by_id[r] for r in part.runs])
                for part in parts]
    return parts, problems


class _Tally:
    """The parts' results as they arrive, each reported through ``say``."""

    def __init__(self, parts: Sequence[Part], problems: Sequence[RoutingProblem],
                 say: Progress) -> None:
        self.parts, self.problems, self.say = parts, problems, say
        self.results: list[RoutingResult | None] = [None] * len(parts)
        self.errors: dict[str, str] = {}

    def done(self, k: int, res: RoutingResult | None, err: str) -> None:
        self.results[k] = res
        name = self.parts[k].name
        if res is None:
            self.errors[name] = err
            logger.warning("part %s failed: %s", name, err)
            self.say(f"part {name} failed: {err}")
        else:
            self.say(f"part {name}: {self.problems[k].num_stops} stops, "
                     f"{res.num_vehicles} routes, cost {res.cost:,.2f}, {res.status}, "
                     f"{res.seconds:.1f} s "
                     f"({sum(r is not None for r in self.results)}/{len(self.parts)})")


def _solve_parts(tally: _Tally, options: RoutingOptions, n_workers: int,
                 budgets: Sequence[float], seed: int, deadline: float) -> None:
    """Solve every part, largest first, in this process or in a pool of processes."""
    problems = tally.problems
    engine, settings = options.engine, options.engine_settings()
    order = sorted(range(len(problems)), key=lambda i: -problems[i].num_stops)
    if n_workers == 1 or len(problems) == 1:
        for k in order:
            tally.done(k, *_solve_part(problems[k], engine, settings, budgets[k], seed + k,
                                       deadline))
        return
    context = _ScriptSafeSpawn()
    with forwarded_logs(context) as (init, initargs), ProcessPoolExecutor(
            max_workers=min(n_workers, len(problems)), mp_context=context,
            initializer=init, initargs=initargs) as pool:
        futures: dict[Future[tuple[RoutingResult | None, str]], int] = {
            pool.submit(_solve_part, problems[k], engine, settings, budgets[k], seed + k,
                        deadline): k
            for k in order}
        for fut in as_completed(futures):
            tally.done(futures[fut], *fut.result())


def route_city(scenario: Scenario, matrices: TravelMatrices, *,
               assignment: Mapping[str, str], options: RoutingOptions | None = None,
               time_limit: float = 60.0, seed: int = 0,
               progress: Progress | None = None,
               runs: Sequence[StreetRun] = ()) -> CityPlan:
    """Route a whole city by parts solved in parallel (see the module docstring).

    Parameters
    ----------
    scenario, matrices
        The scenario and travel matrices (seconds, metres) covering its depots, points
        and the assigned sites.
    assignment
        Point id -> unload site id (every routed point needs one).
    options
        Engine, engine options, part size, workers, day and lunch break (see
        :class:`RoutingOptions`); ``None``: the defaults.
    time_limit
        Global wall-clock budget in seconds, decomposition and stitching included.
    seed
        Base random seed (part ``k`` uses ``seed + k``).
    progress
        Called with one line of text as parts are built and solved.
    runs
        Curbside street runs to serve with the points (see :func:`split_parts`);
        ``matrices`` must cover their ends and ``assignment`` their zones.

    Returns
    -------
    CityPlan
        The stitched plan and the validator's report. Parts that fail leave their points
        unassigned and their error in ``errors``; check ``report.ok``.
    """
    t0 = time.perf_counter()
    opts = options or RoutingOptions()
    say = progress or (lambda _msg: None)
    n_workers = default_workers() if opts.workers is None else opts.workers
    _validate.number("time_limit", time_limit, lo=0, lo_open=True)
    parts, problems = _part_problems(scenario, matrices, assignment, opts, runs)
    say(f"{len(parts)} parts built in {time.perf_counter() - t0:.1f} s "
        f"({sum(len(p.points) for p in parts)} points, "
        + (f"{len(runs)} street runs, " if runs else "") + f"{n_workers} workers)")
    # Keep ~5% (at least 1 s) for stitching and validation, plus process start-up.
    startup = 3.0 if n_workers > 1 and len(parts) > 1 else 0.0
    left = time_limit - (time.perf_counter() - t0) - max(1.0, 0.05 * time_limit) - startup
    budgets = _budgets([p.num_stops for p in problems], min(n_workers, len(problems)),
                       max(0.5, left))
    tally = _Tally(parts, problems, say)
    _solve_parts(tally, opts, n_workers, budgets, seed, time.time() + max(0.5, left) + startup)
    merged = merge_problems(problems, name=scenario.name)
    result = _stitch(merged, problems, tally.results, opts.engine, time.perf_counter() - t0)
    report = validate_routes(merged, result)
    say(f"stitched {result.num_vehicles} routes in {result.seconds:.1f} s: "
        + report.summary(limit=3).replace("\n", "; "))
    if not result.routes and tally.errors:
        raise SolverError("no part of the city could be routed: "
                          + "; ".join(f"{k}: {v}" for k, v in tally.errors.items()))
    return CityPlan(merged, result, report, tuple(parts), tuple(tally.results), tally.errors)
