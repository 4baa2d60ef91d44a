"""Literature routing sets: Kim's waste collection, Yang's multi-trip VRPTW, Cordeau's MDVRP.

Readers turn each set's files into a :class:`~circularopt.routing.problem.RoutingProblem`
under the set's own distance convention; the bench runners (``circularopt bench
wcvrptw|mtvrptwr|mdvrp``) solve them, check every plan with the independent validator and
optionally write the solutions in the set's standard form.

Kim, Kim & Sahoo (2006), waste-collection VRPTW (``wcvrptw``)
    One depot, stops (container lifts) with time windows and service times, disposal
    facilities (landfills, transfer stations) with opening hours and a disposal time.
    Following the authors' benchmark page: distances are **Manhattan** in feet from the
    file's coordinates, travel time = miles / 40 mph (the file's speed line), no rounding
    (the problem is quantised to 0.01 ft and 0.01 s). Times are seconds after midnight
    (``HHMM`` fields; ``1675`` is read as 16 h + 75 min). Vehicles start and end at the
    depot inside its window, unload when full (vehicle capacity, cubic yards), must
    visit a disposal facility before returning (``return_empty``), take a one-hour lunch
    break starting between 11:00 and 12:00, and serve at most the file's stop limit per
    route. The cost is the total distance in miles; each used vehicle also carries a fixed
    cost (``vehicle_cost_miles``) so that fewer vehicles are preferred. Kim et al. minimise
    vehicles first, so with ``engine="pyvrp"`` the runner also spends
    :data:`KIM_FLEET_SHARE` of the budget on fleet minimisation (``minimise_fleet`` of the
    PyVRP engine: remove a vehicle, search for a feasible plan, repeat) before minimising
    distance with the smallest fleet found; the fixed cost alone leaves routes the local
    search cannot empty (804_stop: 7 vehicles instead of 5).

    Not modelled by the engines: the *route capacity* (total yards a vehicle may collect
    per day, across all its trips; the problem model resets every load dimension at an
    unload). The runner solves a *restriction* that guarantees it (at most ``k`` trips
    of at most ``c`` yards with ``k c <= R``: ``floor(R / C)`` trips of ``C`` or
    ``ceil(R / C)`` trips of ``R / ceil(R / C)``, whichever needs fewer vehicles for the
    total demand, ``read_kim(..., trips_for_route_capacity=True)``) and reports a plan
    as feasible only when the validator accepts it on the unrestricted problem *and* no
    route exceeds the route capacity (``route_cap_excess`` column). The route capacity
    also bounds the fleet from below, ``ceil(total demand / R)``: 6 vehicles on 335_stop
    (2,011 yd3, 400 a day) and 3 on 102_stop (897 yd3, 400 a day), so Kim et al.'s
    algorithm-1 plans with 5 and 2 vehicles there exceed it (their algorithm 2 uses 6
    and 3). The lunch break and the stop limit exist only in OR-Tools: with
    ``engine="pyvrp"`` the runner solves the problem without them, with the shift
    shortened by the lunch hour (disposal opening hours are kept; only when no site may
    take a route's final unload under them, 1932_stop, are they dropped and left to
    :func:`pack_trips` and the validator). Every plan then goes through
    :func:`pack_trips`, which inserts the lunch break at the best position of each route
    and, where a route does not fit (break, windows, shift, stop limit, route capacity),
    moves whole trips to extra vehicles; the plan is validated against the *full*
    problem, so nothing is relaxed in what is reported.

Yang et al. (2023), multi-trip VRPTW with release times (``mtvrptwr``)
    VRPLIB files (``TYPE: MTVRPTWR``) read with the ``vrplib`` package: one depot that is
    also the reload depot, a limited fleet (``VEHICLES``), capacity per trip, time
    windows, service times and release times (a trip may not leave the depot before the
    release time of any of its clients). DIMACS convention as in PyVRP's instance set:
    Euclidean distance truncated to one decimal (``scale=10``), travel time = distance.
    Best-known costs (``BKS.csv``, ``.sol``) are in tenths (``trunc(10 * d)`` summed), so
    the runner reports ``10 * distance``. Solutions are VRPLIB ``.sol`` files whose
    ``Route #k:`` lines list client numbers with ``0`` for each reload at the depot.
    Release times exist only in the PyVRP engine.

Cordeau et al. (1997) multi-depot VRP (``mdvrp``)
    Cordeau's text format: ``type m n t``; ``t`` lines ``D Q`` (maximum route duration,
    0 = none, and capacity per depot); ``n`` customer lines ``i x y d q ...`` (service
    duration ``d``, demand ``q``); ``t`` depot lines. ``m`` vehicles per depot. Real
    Euclidean distances as in the literature (quantised to 0.001, ``scale=1000``),
    travel time = distance, route duration = travel + service. Solutions are written in
    Cordeau's ``.res`` form: the cost, then one line per route ``depot vehicle duration
    load 0 c1 c2 ... 0``.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import vrplib

from circularopt.bench import BenchOptions, BenchRow
from circularopt.exceptions import CircularOptError, DataNotFoundError, InputError
from circularopt.routing.bench import CLOCK
from circularopt.routing.engines import solve
from circularopt.routing.engines._common import Budget
from circularopt.routing.engines.pyvrp_engine import SearchSettings, check_supported
from circularopt.routing.problem import Break, RoutingModel, RoutingProblem
from circularopt.routing.readers import euclidean
from circularopt.routing.result import Route, RoutingResult, Step, schedule_route
from circularopt.routing.validate import validate_routes

__all__ = [
    "YANG_SEARCH",
    "KimHeader",
    "pack_trips",
    "peer_pyvrp_yang",
    "read_cordeau",
    "read_kim",
    "read_kim_header",
    "read_yang",
    "read_yang_solution",
    "route_yards",
    "run_mdvrp",
    "run_mtvrptwr",
    "run_wcvrptw",
    "split_route_capacity",
    "with_lunch_breaks",
    "write_cordeau_solution",
    "write_kim_solution",
    "write_yang_solution",
]

FEET_PER_MILE = 5280.0

KIM_ORTOOLS_FIRST_SOLUTION = "PARALLEL_CHEAPEST_INSERTION"
"""OR-Tools' first solution strategy for Kim's instances: on ``102_stop`` with 10 s,
``SAVINGS`` and ``PATH_CHEAPEST_ARC`` found no first solution at all, parallel cheapest
insertion found one."""

KIM_FLEET_SHARE = 0.4
"""Share of the budget the ``pyvrp`` runner spends minimising the number of vehicles on
Kim's instances (the PyVRP engine's ``minimise_fleet``). The phase ends early when it
reaches the route-capacity bound (444_stop: 10 vehicles after about 1 s of 44 s); on
804_stop it went from 15 to 5 vehicles in about 13 s of its 31 s (4 not found)."""

YANG_SEARCH = SearchSettings(max_perturbations=5)
"""PyVRP search settings of the ``pyvrp`` runner on Yang's instances (see
:class:`~circularopt.routing.engines.pyvrp_engine.SearchSettings`): at most 5 random
perturbations per iteration instead of PyVRP's 25. Measured (n / 10 CPU s, one core,
other work running; six of the worst instances R2_2_01R0.5, RC2_2_01R0.25, R201R0.5,
RC201R0.25, C2_2_01R0.5, R211R0.5; average gap): PyVRP's settings 4.61 % (seed 0);
``max_perturbations`` 10: 2.95 / 3.17 % (seeds 0 / 1); 5: 2.83 / 2.63 %. On R201R0.5,
RC201R0.25 and R211R0.5 (seed 0): 50 perturbations 5.8 / 4.7 % on the first two;
3: 4.62 % on R201R0.5; late-acceptance history 20 / 100 instead of 300: 3.03 / 3.48 %
(PyVRP's settings: 3.95 %), 1,000: 5.91 %, 3,000: 6.57 %; history 20 or 50 with 5 or
10 perturbations: 3.09-3.51 % (5 perturbations alone: 2.66 %). With 5 the search
makes 7x more iterations (R201R0.5: 48,000 instead of 6,500 in 10 s), presumably
because a perturbed client shifts the start of the vehicle's later trips and the local
search then spends the iteration repairing that time warp; a budget of a few thousand
iterations is too short for PyVRP's diversification. More time alone does not help
PyVRP's settings (R201R0.5 at 30 s: 4.49 %). All 86 (``circularopt bench mtvrptwr
--data ../shared/benchmarks/mtvrptwr/yang --engine pyvrp --seed 0``, one core, loaded):
1.978 % (86/86 feasible; C2 100 0.89, C2 200 2.28, R2 100 2.25, R2 200 2.59, RC2 100
1.65, RC2 200 1.88) against 2.657 % with PyVRP's settings. The greedier search varies
more between seeds (C2_2_04R0.25: 7.17 % with seed 0, 2.51 % with seed 1; PyVRP's
settings 4.03 %), so the average is about 2 %, not safely below it."""

# --------------------------------------------------------------------------- Kim


@dataclass(frozen=True)
class KimHeader:
    """The five header lines of a Kim et al. instance.

    Parameters
    ----------
    vehicle_capacity
        Cubic yards a vehicle holds (per trip).
    route_capacity
        Cubic yards a vehicle may collect per day, over all its trips.
    max_stops
        Regular stops a vehicle may serve per day.
    lunch_s
        Lunch break duration, seconds (start between 11:00 and 12:00).
    speed_mph
        Speed that converts Manhattan distance into travel time.
    """

    vehicle_capacity: float
    route_capacity: float
    max_stops: int
    lunch_s: float
    speed_mph: float


def _open(path: Path) -> list[str]:
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"instance file not found: {path}")
    return path.read_text(encoding="latin-1").splitlines()


def read_kim_header(path: Path) -> KimHeader:
    """Read the header of a Kim et al. instance file."""
    lines = _open(path)
    try:
        vals = [float(lines[k].split()[0]) for k in range(5)]
    except (IndexError, ValueError):
        raise InputError(f"{path}, lines 1-5", lines[:5],
                         "vehicle capacity, route capacity, stop limit, lunch seconds, "
                         "speed (one number at the start of each line)") from None
    return KimHeader(vals[0], vals[1], int(vals[2]), vals[3], vals[4])


def _hhmm(where: str, text: str) -> float:
    try:
        v = int(float(text))
    except ValueError:
        raise InputError(where, text, "a time as HHMM") from None
    return (v // 100) * 3600.0 + (v % 100) * 60.0


def read_kim(path: Path, *, lunch: bool = True, max_stops: bool = True,
             shift_reserve: float = 0.0, open_disposal: bool = False,
             trips_for_route_capacity: bool = False, vehicles: int | None = None,
             vehicle_cost_miles: float = 200.0) -> RoutingProblem:
    """Read a Kim, Kim & Sahoo (2006) waste-collection instance.

    Parameters
    ----------
    path
        The ``NNN_stop.txt`` file.
    lunch
        Model the one-hour lunch break (start between 11:00 and 12:00).
    max_stops
        Model the per-route stop limit of the header.
    shift_reserve
        Seconds taken off the end of the depot window (used to keep room for a lunch
        break inserted after solving without one).
    open_disposal
        Ignore the disposal facilities' opening hours (a relaxation, for engines that
        cannot honour them on the final unload; validate against the full problem).
        Opening hours that cover the depot's window never bind and are always dropped.
    trips_for_route_capacity
        Guarantee the route capacity ``R`` (which the model cannot state) by a
        *restriction*: at most ``k`` trips (unloads) per route of at most ``c`` yards
        each, ``k c <= R``: ``floor(R / C)`` trips of ``C`` (the vehicle capacity) or
        ``ceil(R / C)`` trips of ``R / ceil(R / C)``, whichever needs fewer vehicles for
        the total demand (on a tie, the larger trips). Without it the problem ignores
        the route capacity (see :func:`split_route_capacity`).
    vehicles
        Fleet size; default ``ceil(total demand / min(vehicle, route capacity)) + 5``
        (the set does not limit the fleet; a fixed cost per vehicle keeps it small).
    vehicle_cost_miles
        Fixed cost of a used vehicle, in miles of travel.

    Returns
    -------
    RoutingProblem
        Distances in feet, times in seconds, one load dimension ``yd3``; location, stop,
        depot and disposal ids are the file's ``Stop_ID`` values.
    """
    path = Path(path)
    head = read_kim_header(path)
    rows = []
    for k, line in enumerate(_open(path)[6:], start=7):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 8:
            raise InputError(f"{path}, line {k}", line.strip(),
                             "8 fields: id x y early late service load type")
        rows.append((k, parts))
    ids = [p[0] for _, p in rows]
    xy = np.array([[float(p[1]), float(p[2])] for _, p in rows])
    feet = np.abs(xy[:, None, :] - xy[None, :, :]).sum(axis=2)
    seconds = feet / FEET_PER_MILE / head.speed_mph * 3600.0
    model = RoutingModel(ids, feet, seconds, dimensions=("yd3",), scale=100, load_scale=100,
                         name=path.stem,
                         convention=f"Manhattan distance in feet, travel time at "
                                    f"{head.speed_mph:g} mph (Kim et al. 2006), 0.01 units")
    depot_row = [p for _, p in rows if p[7] == "0"]
    hours = ((_hhmm("depot early", depot_row[0][3]), _hhmm("depot late", depot_row[0][4]))
             if depot_row else (0.0, 0.0))
    depot = None
    disposal: list[str] = []
    demand = 0.0
    for k, p in rows:
        where = f"{path.name}, line {k}"
        kind = p[7]
        tw0, tw1 = _hhmm(f"{where} early", p[3]), _hhmm(f"{where} late", p[4])
        service = float(p[5])
        if kind == "0":
            if depot is not None:
                raise InputError(where, "a second depot", "one depot (stop type 0)")
            depot = (p[0], tw0, tw1)
            model.add_depot(p[0])
        elif kind == "2":
            if open_disposal or (tw0 <= hours[0] and tw1 >= hours[1]):
                tw0, tw1 = 0.0, math.inf
            model.add_unload_site(p[0], unload_duration=service, tw_start=tw0, tw_end=tw1)
            disposal.append(p[0])
        elif kind == "1":
            model.add_stop(p[0], demand=[float(p[6])], service=service, tw_start=tw0,
                           tw_end=tw1)
            demand += float(p[6])
        else:
            raise InputError(f"{where} stop type", kind, "0 (depot), 1 (stop) or 2 (disposal)")
    if depot is None or not disposal:
        raise InputError(str(path), "no depot or no disposal facility",
                         "one stop of type 0 and at least one of type 2")
    count = vehicles or math.ceil(demand / min(head.vehicle_capacity,
                                               head.route_capacity)) + 5
    brk = Break(11 * 3600.0, 12 * 3600.0, head.lunch_s) if lunch else None
    trips = None
    capacity = head.vehicle_capacity
    if trips_for_route_capacity:
        trips, capacity = _trip_restriction(head, demand)
    model.add_vehicle_type("truck", depot=depot[0], count=count, capacity=[capacity],
                           max_unloads=trips,
                           fixed_cost=vehicle_cost_miles * FEET_PER_MILE,
                           shift_start=depot[1], shift_end=depot[2] - shift_reserve,
                           max_stops=head.max_stops if max_stops else None,
                           unload_sites=disposal, return_empty=True, breaks=brk)
    return model.data()


def _trip_restriction(head: KimHeader, demand: float) -> tuple[int, float]:
    """Trips per route and yards per trip that guarantee the route capacity ``R``.

    Two restrictions: ``floor(R / C)`` full trips of ``C`` (day total below ``R``), or
    ``ceil(R / C)`` trips of ``R / ceil(R / C)`` (day total ``R``, smaller trips). The one
    needing fewer vehicles to carry ``demand`` wins, on a tie the one with larger trips
    (fewer disposal trips); both coincide when ``R`` is a multiple of ``C``.
    """
    cap, day = head.vehicle_capacity, head.route_capacity
    options = []
    full = math.floor(day / cap + 1e-9)
    if full >= 1:
        options.append((full, cap))
    split = math.ceil(day / cap - 1e-9)
    options.append((split, min(cap, math.floor(day / split * 100) / 100)))
    return min(options, key=lambda o: (math.ceil(demand / (o[0] * o[1]) - 1e-9), -o[1]))


def route_yards(problem: RoutingProblem, result: RoutingResult) -> list[float]:
    """Total demand (first dimension) collected by each route, over all its trips."""
    return [sum(problem.stops[v.index].demand[0] for v in r.visits if v.kind == "stop")
            for r in result.routes]


def split_route_capacity(problem: RoutingProblem, result: RoutingResult,
                         route_capacity: float) -> RoutingResult:
    """Move whole trips to extra vehicles until no route collects more than
    ``route_capacity`` (first dimension) over the day.

    A *trip* is the part of a route that ends with an unload. Each route's trips are
    packed in order into as few vehicles as fit the route capacity; the first keeps the
    vehicle, the others become new routes of the same type (depot, trip, unload, depot),
    on vehicles the plan does not use yet. Breaks are dropped (re-insert them with
    :func:`with_lunch_breaks`). A trip larger than ``route_capacity`` stays as it is
    (the route-capacity check then reports it).
    """
    used: dict[int, set[int]] = {}
    for r in result.routes:
        used.setdefault(r.vehicle_type, set()).add(r.vehicle)
    routes = []
    for r in result.routes:
        trips: list[list[Step]] = [[]]
        for v in r.visits:
            if v.kind == "stop":
                trips[-1].append(("stop", v.index))
            elif v.kind == "unload":
                trips[-1].append(("unload", v.index))
                trips.append([])
        if not trips[-1]:
            trips.pop()
        groups: list[list[Step]] = [[]]
        load = 0.0
        for trip in trips:
            q = sum(problem.stops[i].demand[0] for kind, i in trip if kind == "stop")
            if groups[-1] and load + q > route_capacity + 1e-9:
                groups.append([])
                load = 0.0
            groups[-1] += trip
            load += q
        for k, steps in enumerate(groups):
            vehicle = r.vehicle
            if k:
                free = [x for x in range(problem.vehicle_types[r.vehicle_type].count)
                        if x not in used[r.vehicle_type]]
                vehicle = free[0] if free else max(used[r.vehicle_type]) + 1
                used[r.vehicle_type].add(vehicle)
            routes.append(schedule_route(problem, r.vehicle_type, vehicle, steps))
    return RoutingResult(problem.name, result.engine, result.status, result.seconds,
                         tuple(routes), result.unassigned, result.objective,
                         {**result.info, "route_capacity": f"trips split at {route_capacity:g}"})


def _route_fits(problem: RoutingProblem, route: Route) -> bool:
    """Whether a scheduled route keeps every window, the shift and the break rule."""
    vt = problem.vehicle_types[route.vehicle_type]
    for v in route.visits:
        if v.kind == "stop":
            latest = problem.stops[v.index].tw_end
        elif v.kind == "unload":
            latest = problem.unload_sites[v.index].tw_end
        elif v.kind == "break":
            latest = vt.breaks.latest_start if vt.breaks else 0.0
        else:
            continue
        if v.start > latest + 1e-9:
            return False
    if route.end_time > vt.shift_end + 1e-9 or route.start_time < vt.shift_start - 1e-9:
        return False
    if vt.breaks is not None and not any(v.kind == "break" for v in route.visits):
        return not (route.start_time <= vt.breaks.latest_start < route.end_time)
    return vt.max_duration is None or route.duration <= vt.max_duration + 1e-9


def with_lunch_breaks(problem: RoutingProblem, result: RoutingResult) -> RoutingResult:
    """Reschedule a plan on ``problem`` (same objects), inserting each type's break.

    For every route the break goes to the position giving the shortest feasible route
    (or the first position when none is feasible; the validator then reports it). Use
    it to carry a plan solved without breaks over to the problem with breaks.
    """
    routes = []
    for r in result.routes:
        steps: list[Step] = [("stop", v.index) if v.kind == "stop" else ("unload", v.index)
                             for v in r.visits if v.kind in ("stop", "unload")]
        vt = problem.vehicle_types[r.vehicle_type]
        if vt.breaks is None:
            routes.append(schedule_route(problem, r.vehicle_type, r.vehicle, steps))
            continue
        options = [schedule_route(problem, r.vehicle_type, r.vehicle, steps, break_after=k)
                   for k in range(len(steps) + 1)]
        fitting = [o for o in options if _route_fits(problem, o)]
        routes.append(min(fitting, key=lambda o: o.duration) if fitting else options[0])
    return RoutingResult(problem.name, result.engine, result.status, result.seconds,
                         tuple(routes), result.unassigned, result.objective,
                         {**result.info, "breaks": "inserted after solving"})


def _best_schedule(problem: RoutingProblem, vehicle_type: int, vehicle: int,
                   steps: list[Step]) -> tuple[Route, bool]:
    """The shortest fitting schedule of ``steps`` over the break positions, and whether
    one fits (otherwise the schedule with the break first)."""
    vt = problem.vehicle_types[vehicle_type]
    if vt.breaks is None:
        route = schedule_route(problem, vehicle_type, vehicle, steps)
        return route, _route_fits(problem, route)
    options = [schedule_route(problem, vehicle_type, vehicle, steps, break_after=k)
               for k in range(len(steps) + 1)]
    fitting = [o for o in options if _route_fits(problem, o)]
    if vt.max_stops is not None and len(options[0].stops) > vt.max_stops:
        fitting = []
    return (min(fitting, key=lambda o: o.duration), True) if fitting else (options[0], False)


def pack_trips(problem: RoutingProblem, result: RoutingResult, *,
               route_capacity: float | None = None) -> RoutingResult:
    """Reschedule a plan on ``problem``, moving whole trips to extra vehicles where needed.

    Each route's trips (the parts ending with an unload) are packed in order into as few
    vehicles as possible such that every vehicle's route keeps its time windows, shift
    and break (inserted at the best position, as :func:`with_lunch_breaks` does), its
    stop limit and, when given, ``route_capacity`` (total of the first load dimension
    over the day). The first group keeps the vehicle; the others use vehicles the plan
    does not use yet. A single trip that fits nowhere is kept as it is, for the
    validator to report. This turns a plan solved without breaks (or without the route
    capacity) into a feasible plan of the full problem at the price of extra vehicles.
    """
    used: dict[int, set[int]] = {}
    for r in result.routes:
        used.setdefault(r.vehicle_type, set()).add(r.vehicle)
    routes: list[Route] = []
    moved = 0
    for r in result.routes:
        trips: list[list[Step]] = [[]]
        for v in r.visits:
            if v.kind in ("stop", "unload"):
                trips[-1].append(("stop" if v.kind == "stop" else "unload", v.index))
                if v.kind == "unload":
                    trips.append([])
        if not trips[-1]:
            trips.pop()
        vehicle = r.vehicle
        group: list[Step] = []
        current: Route | None = None
        for trip in trips:
            candidate = group + trip
            yards = sum(problem.stops[i].demand[0] for kind, i in candidate if kind == "stop")
            route, ok = _best_schedule(problem, r.vehicle_type, vehicle, candidate)
            if (ok and (route_capacity is None or yards <= route_capacity + 1e-9)) or not group:
                group, current = candidate, route
                continue
            assert current is not None
            routes.append(current)
            free = [x for x in range(problem.vehicle_types[r.vehicle_type].count)
                    if x not in used[r.vehicle_type]]
            vehicle = free[0] if free else max(used[r.vehicle_type]) + 1
            used[r.vehicle_type].add(vehicle)
            moved += 1
            group = trip
            current = _best_schedule(problem, r.vehicle_type, vehicle, group)[0]
        if current is not None:
            routes.append(current)
    return RoutingResult(problem.name, result.engine, result.status, result.seconds,
                         tuple(routes), result.unassigned, result.objective,
                         {**result.info, "trip_groups_moved": moved,
                          "breaks": "inserted after solving"})


def write_kim_solution(path: Path, result: RoutingResult, *, miles: float) -> None:
    """VRPLIB-style ``.sol``: ``Route #k:`` with the file's stop and disposal ids in order
    (the lunch break as ``L``), then ``Cost`` in miles."""
    lines = []
    for k, r in enumerate(result.routes, start=1):
        ids = [("L" if v.kind == "break" else v.id) for v in r.visits
               if v.kind in ("stop", "unload", "break")]
        lines.append(f"Route #{k}: {' '.join(ids)}")
    Path(path).write_text("\n".join(lines) + f"\nCost {miles:.4f}\n", encoding="utf-8")


# --------------------------------------------------------------------------- Yang

RELOAD = "reload"
"""Id of the unload site at the depot in Yang instances (written as ``0`` in ``.sol``)."""


def read_yang(path: Path) -> RoutingProblem:
    """Read a Yang et al. multi-trip VRPTW instance with release times (VRPLIB).

    Location ids are VRPLIB's 0-based node numbers (the depot is ``"0"``); the reload
    site ``"reload"`` sits at the depot. See the module docstring for the convention.
    """
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"VRPLIB instance not found: {path}")
    try:
        inst = dict(vrplib.read_instance(str(path), compute_edge_weights=False))
    except Exception as exc:  # vrplib raises bare ValueError/IndexError on bad files
        raise InputError(str(path), f"{type(exc).__name__}: {exc}",
                         "a readable VRPLIB instance") from exc
    for key in ("node_coord", "demand", "time_window", "capacity"):
        if key not in inst:
            raise InputError(str(path), f"no {key.upper()} section",
                             "a VRPLIB MTVRPTWR instance")
    depots = [int(d) for d in np.atleast_1d(inst.get("depot", [0]))]
    if depots != [0]:
        raise InputError(f"{path} DEPOT_SECTION", depots, "a single depot, node 1")
    reload = np.atleast_1d(inst.get("vehicles_reload_depot", [1]))
    if not all(int(x) == 1 for x in reload.ravel()):
        raise InputError(f"{path} VEHICLES_RELOAD_DEPOT_SECTION", reload.tolist(),
                         "reloads at the depot (node 1) only")
    dist = euclidean(inst["node_coord"], "dimacs")
    n = dist.shape[0]
    ids = [str(k) for k in range(n)]
    model = RoutingModel(ids, dist, dist, scale=10, name=path.stem,
                         convention="Euclidean distance and time truncated to one decimal "
                                    "(DIMACS); costs reported x10 as in the set")
    model.add_depot("0")
    model.add_unload_site(RELOAD, location="0")
    tw = np.asarray(inst["time_window"], dtype=float)
    service = np.broadcast_to(np.asarray(inst.get("service_time", 0.0), dtype=float),
                              (n,)).copy()
    release = np.broadcast_to(np.asarray(inst.get("release_time", 0.0), dtype=float),
                              (n,))
    demand = np.asarray(inst["demand"], dtype=float)
    model.add_vehicle_type("vehicle", depot="0", count=int(inst.get("vehicles", n - 1)),
                           capacity=[float(inst["capacity"])], shift_start=float(tw[0, 0]),
                           shift_end=float(tw[0, 1]), unload_sites=[RELOAD])
    for k in range(1, n):
        model.add_stop(ids[k], demand=[float(demand[k])], service=float(service[k]),
                       tw_start=float(tw[k, 0]), tw_end=float(tw[k, 1]),
                       release_time=float(release[k]))
    return model.data()


def read_yang_solution(path: Path, problem: RoutingProblem) -> RoutingResult:
    """Read a Yang ``.sol`` (``0`` = reload at the depot) as a plan for ``problem``."""
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"solution file not found: {path}")
    sol = vrplib.read_solution(str(path))
    routes = []
    for k, visits in enumerate(sol["routes"]):
        steps: list[Step] = [("unload", 0) if int(x) == 0
                             else ("stop", problem.stop_index(str(int(x)))) for x in visits]
        routes.append(schedule_route(problem, 0, k, steps))
    return RoutingResult(problem.name, f"file {path.name}", "feasible", 0.0, tuple(routes))


def write_yang_solution(path: Path, result: RoutingResult, *, cost: float) -> None:
    """VRPLIB ``.sol`` as in the set: client numbers, ``0`` for a reload, ``Cost``."""
    lines = []
    for k, r in enumerate(result.routes, start=1):
        ids = ["0" if v.kind == "unload" else v.id for v in r.visits
               if v.kind in ("stop", "unload")]
        lines.append(f"Route #{k}: {' '.join(ids)}")
    Path(path).write_text("\n".join(lines) + f"\nCost: {round(cost)}\n", encoding="utf-8")


# --------------------------------------------------------------------------- Cordeau


def read_cordeau(path: Path) -> RoutingProblem:
    """Read a Cordeau MDVRP instance (type 2); see the module docstring.

    Location ids are the file's numbers (customers ``1..n``, depots ``n+1..n+t``);
    depot ``j`` has vehicle type ``depot-j`` with ``m`` vehicles.
    """
    path = Path(path)
    lines = [ln.split() for ln in _open(path) if ln.strip()]
    try:
        kind, m, n, t = (int(x) for x in lines[0][:4])
    except (IndexError, ValueError):
        raise InputError(f"{path}, line 1", lines[0] if lines else "",
                         "'type m n t' (four integers)") from None
    if kind != 2:
        raise InputError(f"{path}, line 1 type", kind, "2 (MDVRP)")
    if len(lines) < 1 + t + n + t:
        raise InputError(str(path), f"{len(lines)} lines", f"{1 + t + n + t} lines")
    limits = [(float(lines[1 + j][0]), float(lines[1 + j][1])) for j in range(t)]
    cust = lines[1 + t:1 + t + n]
    deps = lines[1 + t + n:1 + t + n + t]
    ids = [c[0] for c in cust] + [d[0] for d in deps]
    xy = np.array([[float(r[1]), float(r[2])] for r in cust + deps])
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    model = RoutingModel(ids, dist, dist, scale=1000, name=path.stem,
                         convention="real Euclidean distance (to 0.001), time = distance")
    for j, d in enumerate(deps):
        model.add_depot(d[0])
        dur, cap = limits[j]
        model.add_vehicle_type(f"depot-{d[0]}", depot=d[0], count=m, capacity=[cap],
                               max_duration=dur if dur > 0 else None)
    for c in cust:
        model.add_stop(c[0], demand=[float(c[4])], service=float(c[3]))
    return model.data()


def write_cordeau_solution(path: Path, problem: RoutingProblem, result: RoutingResult,
                           *, cost: float) -> None:
    """Cordeau ``.res``: the cost, then ``depot vehicle duration load 0 c1 ... 0``."""
    lines = [f"{cost:.2f}"]
    for r in sorted(result.routes, key=lambda r: (r.vehicle_type, r.vehicle)):
        depot = problem.depots[problem.vehicle_types[r.vehicle_type].depot].id
        load = sum(problem.stops[v.index].demand[0] for v in r.visits if v.kind == "stop")
        lines.append(f"{depot} {r.vehicle + 1} {r.duration:.2f} {load:g} 0 "
                     + " ".join(r.stops) + " 0")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- runners


def _bks(path: Path, key: str, column: str) -> dict[str, float]:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {row[key]: float(row[column]) for row in csv.DictReader(fh)
                if row.get(column)}


def _files(options: BenchOptions, pattern: str) -> list[Path]:
    folder = Path(options.data)
    files = sorted(folder.glob(pattern))
    if not files:
        raise DataNotFoundError(f"no instances matching {pattern!r} in {folder}")
    files = [f for f in files if options.selects(f.stem, f.name)]
    return files




def _out(options: BenchOptions, name: str) -> Path:
    assert options.solutions is not None
    folder = Path(options.solutions)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def _solve(problem: RoutingProblem, engine: str, options: BenchOptions,
           seconds: float, **engine_options: Any) -> tuple[RoutingResult | None, str]:
    """Solve on the benchmarks' CPU clock (see :data:`circularopt.routing.bench.CLOCK`)."""
    try:
        return solve(problem, engine=engine, time_limit=seconds, seed=options.seed,
                     allow_infeasible=True, clock=CLOCK, **engine_options), ""
    except CircularOptError as exc:
        return None, str(exc)


def _row(problem: RoutingProblem, result: RoutingResult | None, *, bks: float | None,
         factor: float, seconds: float, engine: str, error: str,
         extra: dict[str, Any] | None = None) -> tuple[BenchRow, float | None]:
    """Row with ``cost = factor * validated distance``; also returns that cost."""
    if result is None:
        return BenchRow(problem.name, problem.num_stops, bks, None, False, seconds, engine,
                        {"vehicles": "", **(extra or {}), "error": error}), None
    report = validate_routes(problem, result)
    cost = round(report.distance * factor, 6)
    row = BenchRow(problem.name, problem.num_stops, bks, cost, report.ok, seconds, engine,
                   {"vehicles": result.num_vehicles, **(extra or {}),
                    "error": "; ".join(report.violations[:3]) or error})
    return row, cost


def _kim_for_pyvrp(path: Path, head: KimHeader) -> RoutingProblem:
    """Kim's instance as the PyVRP engine can take it: no lunch break (shift shortened by
    the lunch hour), no stop limit, route capacity by the trip restriction; disposal
    opening hours kept unless no site can take a route's final unload (then dropped)."""
    options: dict[str, Any] = {"lunch": False, "max_stops": False,
                               "shift_reserve": head.lunch_s,
                               "trips_for_route_capacity": True}
    problem = read_kim(path, **options)
    try:
        check_supported(problem)
    except InputError:
        problem = read_kim(path, open_disposal=True, **options)
    return problem


def run_wcvrptw(options: BenchOptions) -> Iterator[BenchRow]:
    """Kim et al. instances (``instances/*_stop.txt``, ``BKS.csv`` with Kim's results).

    ``bks`` is the better of Kim's two published total distances (miles) and
    ``kim_vehicles`` the vehicles of that solution; ``cost`` is the plan's total distance
    in miles; ``route_cap_excess`` the yards over the route capacity (0 when feasible);
    ``trips_moved`` the trip groups :func:`pack_trips` moved to extra vehicles.
    Default engine ``pyvrp`` (fleet minimised first, lunch inserted after solving, see
    the module docstring); default budget ``n / 10`` seconds.
    """
    folder = Path(options.data)
    inst_dir = folder / "instances" if (folder / "instances").is_dir() else folder
    kim: dict[str, dict[str, str]] = {}
    if (folder / "BKS.csv").is_file():
        with (folder / "BKS.csv").open(encoding="utf-8") as fh:
            kim = {Path(r["file"]).stem: r for r in csv.DictReader(fh)}
    engine = options.engine or "pyvrp"
    for path in _files(BenchOptions(inst_dir, options.instances), "*_stop.txt"):
        head = read_kim_header(path)
        full = read_kim(path)
        pub = kim.get(path.stem, {})
        published = sorted((float(pub[f"kim_alg{a}_TD_mile"]), int(pub[f"kim_alg{a}_Vn"]))
                           for a in (1, 2) if pub.get(f"kim_alg{a}_TD_mile"))
        budget = options.seconds_for(full.num_stops, full.num_stops / 10.0)
        t0 = time.perf_counter()
        if engine == "pyvrp":
            relaxed = _kim_for_pyvrp(path, head)
            result, error = _solve(relaxed, engine, options, budget,
                                   minimise_fleet=KIM_FLEET_SHARE)
        else:
            result, error = _solve(read_kim(path, trips_for_route_capacity=True), engine,
                                   options, budget, first_solution=KIM_ORTOOLS_FIRST_SOLUTION)
        if result is not None:
            result = pack_trips(full, result, route_capacity=head.route_capacity)
        seconds = time.perf_counter() - t0
        yards = route_yards(full, result) if result is not None else []
        extra = {"kim_vehicles": published[0][1] if published else "",
                 "trips_moved": "" if result is None else result.info["trip_groups_moved"],
                 "route_cap_excess": round(sum(max(0.0, y - head.route_capacity)
                                                 for y in yards), 3)}
        row, cost = _row(full, result, bks=published[0][0] if published else None,
                         factor=1.0 / FEET_PER_MILE, seconds=seconds, engine=engine,
                         error=error, extra=extra)
        if extra["route_cap_excess"]:
            row = dataclasses.replace(row, feasible=False, extra={
                **row.extra, "error": f"routes exceed the route capacity "
                                      f"{head.route_capacity:g} yd3; " + row.extra["error"]})
        if options.solutions is not None and result is not None and cost is not None:
            write_kim_solution(_out(options, f"{path.stem}.{engine}.sol"), result,
                               miles=cost)
        yield row


def run_mtvrptwr(options: BenchOptions) -> Iterator[BenchRow]:
    """Yang et al. multi-trip VRPTW with release times (``*.vrp``, ``BKS.csv``).

    ``bks`` is ``sol_file_cost`` (tenths, DIMACS); ``cost`` is ``10 x`` the validated
    distance. Default engine ``pyvrp`` (the only one with release times); default budget
    ``n / 10`` seconds. With ``peers``, PyVRP used directly on the file
    (:func:`peer_pyvrp_yang`) runs in the same budget, checked by the same validator
    (OR-Tools has no peer here: it cannot model release times).
    """
    engine = options.engine or "pyvrp"
    bks = {Path(k).stem: v for k, v in
           _bks(Path(options.data) / "BKS.csv", "file", "sol_file_cost").items()}
    for path in _files(options, "*.vrp"):
        problem = read_yang(path)
        budget = options.seconds_for(problem.num_stops, problem.num_stops / 10.0)
        t0 = time.perf_counter()
        result, error = _solve(problem, engine, options, budget,
                               **({"search": YANG_SEARCH} if engine == "pyvrp" else {}))
        row, cost = _row(problem, result, bks=bks.get(path.stem), factor=10.0,
                         seconds=time.perf_counter() - t0, engine=engine, error=error)
        if options.solutions is not None and result is not None and cost is not None:
            write_yang_solution(_out(options, f"{path.stem}.{engine}.sol"),
                                result, cost=cost)
        yield row
        if options.peers:
            t0 = time.perf_counter()
            peer = peer_pyvrp_yang(path, problem, budget, options.seed)
            yield _row(problem, peer, bks=bks.get(path.stem), factor=10.0,
                       seconds=time.perf_counter() - t0, engine="peer-pyvrp", error="")[0]


def peer_pyvrp_yang(path: Path, problem: RoutingProblem, seconds: float,
                    seed: int) -> RoutingResult:
    """PyVRP used directly on a Yang file (``pyvrp.read`` with DIMACS rounding and
    ``pyvrp.solve`` with its defaults), mapped onto ``problem`` (client ``k`` is stop
    ``k``; a depot visit inside a route is a reload)."""
    import pyvrp

    t0 = time.perf_counter()
    data = pyvrp.read(str(path), round_func="dimacs")
    res = pyvrp.solve(data, Budget(seconds, CLOCK), seed=seed, collect_stats=False,
                      display=False)
    routes = []
    for vehicle, r in enumerate(res.best.routes()):
        visits = list(r.schedule())[1:-1]
        steps: list[Step] = [("stop", a.idx) if a.is_client()
                             else ("unload", 0) for a in visits]
        routes.append(schedule_route(problem, 0, vehicle, steps))
    return RoutingResult(problem.name, "peer-pyvrp",
                         "feasible" if res.best.is_feasible() else "infeasible",
                         time.perf_counter() - t0, tuple(routes))


def run_mdvrp(options: BenchOptions) -> Iterator[BenchRow]:
    """Cordeau MDVRP instances (``p*.txt``, ``pr*.txt``; ``BKS.csv``, real distances).

    Default engine ``pyvrp``; default budget ``n / 10`` seconds.
    """
    engine = options.engine or "pyvrp"
    column = "bks(vroom BKS.json, real distances)"
    bks = _bks(Path(options.data) / "BKS.csv", "instance", column)
    for path in _files(options, "p*.txt"):
        problem = read_cordeau(path)
        budget = options.seconds_for(problem.num_stops, problem.num_stops / 10.0)
        t0 = time.perf_counter()
        result, error = _solve(problem, engine, options, budget)
        row, cost = _row(problem, result, bks=bks.get(path.stem), factor=1.0,
                         seconds=time.perf_counter() - t0, engine=engine, error=error)
        if options.solutions is not None and result is not None and cost is not None:
            write_cordeau_solution(_out(options, f"{path.stem}.{engine}.res"),
                                   problem, result, cost=cost)
        yield row
