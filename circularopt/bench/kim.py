"""Kim's waste-collection VRPTW (``wcvrptw``): reader, trip packing, solution writer, runner.

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

from circularopt.bench._core import BenchOptions, BenchRow, instance_files, solution_path
from circularopt.bench._routing import distance_row, solve_routing, text_lines
from circularopt.exceptions import InputError
from circularopt.routing.engines.pyvrp_engine import check_supported
from circularopt.routing.problem import Break, RoutingModel, RoutingProblem
from circularopt.routing.result import Route, RoutingResult, Step, schedule_route

__all__ = [
    "FEET_PER_MILE",
    "KIM_FLEET_SHARE",
    "KIM_ORTOOLS_FIRST_SOLUTION",
    "KimHeader",
    "pack_trips",
    "read_kim",
    "read_kim_header",
    "route_yards",
    "run_wcvrptw",
    "split_route_capacity",
    "with_lunch_breaks",
    "write_kim_solution",
]

FEET_PER_MILE = 5280.0

KIM_ORTOOLS_FIRST_SOLUTION = "PARALLEL_CHEAPEST_INSERTION"
"""OR-Tools' first solution strategy for Kim's instances (the one that found a first
solution; measurements: ``docs/benchmarks.md``, section "Routing")."""

KIM_FLEET_SHARE = 0.4
"""Share of the budget the ``pyvrp`` runner spends minimising the number of vehicles on
Kim's instances (the PyVRP engine's ``minimise_fleet``); the phase ends early when it
reaches the route-capacity bound (measurements: ``docs/benchmarks.md``, "Routing")."""


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


def read_kim_header(path: Path) -> KimHeader:
    """Read the header of a Kim et al. instance file."""
    lines = text_lines(path)
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
    rows = _kim_rows(path)
    model = _kim_model(path, head, rows)
    depot, disposal, demand = _add_kim_sites(model, path, rows, open_disposal)
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


KimRow = tuple[int, list[str]]
"""A site line of a Kim file: line number and fields (id x y early late service load
type)."""


def _kim_rows(path: Path) -> list[KimRow]:
    rows = []
    for k, line in enumerate(text_lines(path)[6:], start=7):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 8:
            raise InputError(f"{path}, line {k}", line.strip(),
                             "8 fields: id x y early late service load type")
        rows.append((k, parts))
    return rows


def _kim_model(path: Path, head: KimHeader, rows: list[KimRow]) -> RoutingModel:
    """The model over the file's sites: Manhattan feet, travel time at the file's speed."""
    ids = [p[0] for _, p in rows]
    xy = np.array([[float(p[1]), float(p[2])] for _, p in rows])
    feet = np.abs(xy[:, None, :] - xy[None, :, :]).sum(axis=2)
    seconds = feet / FEET_PER_MILE / head.speed_mph * 3600.0
    return RoutingModel(ids, feet, seconds, dimensions=("yd3",), scale=100, load_scale=100,
                        name=path.stem,
                        convention=f"Manhattan distance in feet, travel time at "
                                   f"{head.speed_mph:g} mph (Kim et al. 2006), 0.01 units")


def _add_kim_sites(model: RoutingModel, path: Path, rows: list[KimRow],
                   open_disposal: bool) -> tuple[tuple[str, float, float], list[str], float]:
    """Add the depot, disposal sites and stops; the depot (id and hours), the disposal
    ids and the total demand."""
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
    return depot, disposal, demand


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


# --------------------------------------------------------------------------- runner


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
    for path in instance_files(options, "*_stop.txt", inst_dir):
        head = read_kim_header(path)
        full = read_kim(path)
        pub = kim.get(path.stem, {})
        published = sorted((float(pub[f"kim_alg{a}_TD_mile"]), int(pub[f"kim_alg{a}_Vn"]))
                           for a in (1, 2) if pub.get(f"kim_alg{a}_TD_mile"))
        budget = options.seconds_for(full.num_stops, full.num_stops / 10.0)
        t0 = time.perf_counter()
        if engine == "pyvrp":
            relaxed = _kim_for_pyvrp(path, head)
            result, error = solve_routing(relaxed, engine, options, budget,
                                   minimise_fleet=KIM_FLEET_SHARE)
        else:
            result, error = solve_routing(read_kim(path, trips_for_route_capacity=True), engine,
                                   options, budget, first_solution=KIM_ORTOOLS_FIRST_SOLUTION)
        if result is not None:
            result = pack_trips(full, result, route_capacity=head.route_capacity)
        seconds = time.perf_counter() - t0
        yards = route_yards(full, result) if result is not None else []
        extra = {"kim_vehicles": published[0][1] if published else "",
                 "trips_moved": "" if result is None else result.info["trip_groups_moved"],
                 "route_cap_excess": round(sum(max(0.0, y - head.route_capacity)
                                                 for y in yards), 3)}
        row, cost = distance_row(full, result, bks=published[0][0] if published else None,
                         factor=1.0 / FEET_PER_MILE, seconds=seconds, engine=engine,
                         error=error, extra=extra)
        if extra["route_cap_excess"]:
            row = dataclasses.replace(row, feasible=False, extra={
                **row.extra, "error": f"routes exceed the route capacity "
                                      f"{head.route_capacity:g} yd3; " + row.extra["error"]})
        out = solution_path(options, f"{path.stem}.{engine}.sol")
        if out is not None and result is not None and cost is not None:
            write_kim_solution(out, result, miles=cost)
        yield row


