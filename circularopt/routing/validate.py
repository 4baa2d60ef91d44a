"""Independent validator of routing results.

:func:`validate_routes` re-derives everything a :class:`~circularopt.routing.result.RoutingResult`
claims from the raw :class:`~circularopt.routing.problem.RoutingProblem`, without using the
engines or :func:`~circularopt.routing.result.schedule_route`: that every stop is served
exactly once, the load after each visit (reset to zero at unload sites) and the
capacities, the timing (travel between consecutive visits, waiting, time windows, release
times, unload-site opening hours, shift, maximum duration, the break), the maximum number
of stops and unloads, which unload sites the vehicle may use, returning empty, and the
distance, duration and cost of every route and of the plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from circularopt._deprecated import renamed
from circularopt.routing.problem import Break, RoutingProblem
from circularopt.routing.result import Route, RoutingResult
from circularopt.validation import ValidationReport as _Report

__all__ = ["RoutesReport", "ValidationReport", "validate", "validate_routes"]


@dataclass(frozen=True)
class RoutesReport(_Report):
    """Outcome of :func:`validate_routes`.

    Parameters
    ----------
    cost, distance, duration
        Totals recomputed from the problem.
    """

    cost: float = 0.0
    distance: float = 0.0
    duration: float = 0.0

    subject: ClassVar[str] = "routes"

    def figures(self) -> str:
        """The recomputed cost, distance and duration."""
        return (f"cost {self.cost:,.2f}, distance {self.distance:,.2f}, "
                f"duration {self.duration:,.2f}")


ValidationReport = RoutesReport
"""Deprecated alias of :class:`RoutesReport` (one release)."""


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def validate_routes(problem: RoutingProblem, result: RoutingResult, *,
                    tol: float = 1e-6) -> RoutesReport:
    """Check ``result`` against ``problem`` and recompute its totals.

    Parameters
    ----------
    problem
        The problem the result claims to solve.
    result
        The plan to check.
    tol
        Relative tolerance for comparing times, loads and costs.

    Returns
    -------
    RoutesReport
        Empty ``violations`` when the plan is feasible and its figures are right.
    """
    bad: list[str] = []
    served: Counter[int] = Counter()
    used: Counter[tuple[int, int]] = Counter()
    cost = distance = duration = 0.0
    for r_no, route in enumerate(result.routes):
        where = f"route {r_no} (type {route.vehicle_type}, vehicle {route.vehicle})"
        if not 0 <= route.vehicle_type < len(problem.vehicle_types):
            bad.append(f"{where}: unknown vehicle type {route.vehicle_type}")
            continue
        vt = problem.vehicle_types[route.vehicle_type]
        if not 0 <= route.vehicle < vt.count:
            bad.append(f"{where}: vehicle {route.vehicle} outside 0..{vt.count - 1}")
        used[(route.vehicle_type, route.vehicle)] += 1
        d, t, c = _check_route(problem, route, where, served, bad, tol)
        distance += d
        duration += t
        cost += c
    for key, k in used.items():
        if k > 1:
            bad.append(f"vehicle {key[1]} of type {key[0]} drives {k} routes")
    for idx, stop in enumerate(problem.stops):
        k = served[idx]
        if k == 0:
            bad.append(f"stop {stop.id!r} is not served"
                       + (" (listed as unassigned)" if stop.id in result.unassigned else ""))
        elif k > 1:
            bad.append(f"stop {stop.id!r} is served {k} times")
        elif stop.id in result.unassigned:
            bad.append(f"stop {stop.id!r} is served but listed as unassigned")
    if not _close(cost, result.cost, tol):
        bad.append(f"total cost {result.cost} differs from recomputed {cost}")
    return RoutesReport(violations=tuple(bad), cost=cost, distance=distance,
                        duration=duration)



validate = renamed(validate_routes, "circularopt.routing.validate.validate")

def _check_route(problem: RoutingProblem, route: Route, where: str, served: Counter[int],
                 bad: list[str], tol: float) -> tuple[float, float, float]:
    """Check one route; return its recomputed distance, duration and cost."""
    vt = problem.vehicle_types[route.vehicle_type]
    visits = route.visits
    eps = tol * max(1.0, abs(vt.shift_end) if vt.shift_end < 1e11 else 1.0)
    if len(visits) < 2 or visits[0].kind != "start" or visits[-1].kind != "end":
        bad.append(f"{where}: must begin with a 'start' visit and finish with an 'end' visit")
        return 0.0, 0.0, 0.0
    first, last = visits[0], visits[-1]
    if first.index != vt.depot or first.location != problem.depots[vt.depot].location:
        bad.append(f"{where}: starts at depot {first.id!r}, not at its type's depot "
                   f"{problem.depots[vt.depot].id!r}")
    if last.index != vt.end_depot or last.location != problem.depots[vt.end_depot].location:
        bad.append(f"{where}: ends at depot {last.id!r}, not at "
                   f"{problem.depots[vt.end_depot].id!r}")
    if first.start < vt.shift_start - eps:
        bad.append(f"{where}: leaves at {first.start}, before shift start {vt.shift_start}")
    if last.arrival > vt.shift_end + eps:
        bad.append(f"{where}: returns at {last.arrival}, after shift end {vt.shift_end}")
    dur = last.arrival - first.start
    if vt.max_duration is not None and dur > vt.max_duration + eps:
        bad.append(f"{where}: lasts {dur}, more than max_duration {vt.max_duration}")

    loc = first.location
    prev_end = first.end
    load = [0.0] * problem.num_dims
    dist = 0.0
    n_stops = n_unloads = 0
    trip_departure = first.end
    trip_stops: list[int] = []
    breaks: list[tuple[float, float]] = []
    allowed = set(vt.unload_sites)
    last_real = "start"

    def close_trip() -> None:
        for s in trip_stops:
            rel = problem.stops[s].release_time
            if trip_departure < rel - eps:
                bad.append(f"{where}: the trip serving stop {problem.stops[s].id!r} leaves at "
                           f"{trip_departure}, before its release time {rel}")

    for pos, v in enumerate(visits[1:], start=1):
        w = f"{where}, visit {pos} ({v.kind} {v.id!r})"
        if v.kind == "break":
            if v.start < prev_end - eps or v.start < v.arrival - eps:
                bad.append(f"{w}: break starts at {v.start}, before the previous visit ends "
                           f"({prev_end})")
            breaks.append((v.start, v.end))
            if v.location != loc:
                bad.append(f"{w}: a break sits at the previous visit's location")
            prev_end = v.end
            continue
        if v.kind == "stop":
            if not 0 <= v.index < problem.num_stops:
                bad.append(f"{w}: unknown stop index {v.index}")
                continue
            obj_loc = problem.stops[v.index].location
            earliest, latest = problem.stops[v.index].tw_start, problem.stops[v.index].tw_end
            service = problem.stops[v.index].service
            if problem.stops[v.index].id != v.id:
                bad.append(f"{w}: id does not match stop {v.index} "
                           f"({problem.stops[v.index].id!r})")
        elif v.kind == "unload":
            if not 0 <= v.index < len(problem.unload_sites):
                bad.append(f"{w}: unknown unload site index {v.index}")
                continue
            site = problem.unload_sites[v.index]
            obj_loc, earliest, latest = site.location, site.tw_start, site.tw_end
            service = site.unload_duration
            if v.index not in allowed:
                bad.append(f"{w}: vehicle type {vt.name!r} may not unload at {site.id!r}")
        elif v.kind == "end":
            obj_loc, earliest, latest, service = last.location, 0.0, vt.shift_end, 0.0
            if pos != len(visits) - 1:
                bad.append(f"{w}: 'end' before the last visit")
        else:
            bad.append(f"{w}: unexpected visit kind {v.kind!r}")
            continue
        if v.location != obj_loc:
            bad.append(f"{w}: location {v.location} is not the object's location {obj_loc}")
        travel = float(problem.duration[loc, obj_loc])
        dist += float(problem.distance[loc, obj_loc])
        loc = obj_loc
        if v.arrival < prev_end + travel - eps:
            bad.append(f"{w}: arrives at {v.arrival}, but leaving at {prev_end} and driving "
                       f"{travel} arrives at {prev_end + travel} at the earliest")
        if v.start < v.arrival - eps or v.start < earliest - eps:
            bad.append(f"{w}: starts at {v.start}, before arrival {v.arrival} or its window "
                       f"opens ({earliest})")
        if v.start > latest + eps:
            bad.append(f"{w}: starts at {v.start}, after its window closes ({latest})")
        if v.end < v.start + service - eps:
            bad.append(f"{w}: ends at {v.end}, before start + service ({v.start + service})")
        if v.kind == "stop":
            served[v.index] += 1
            n_stops += 1
            trip_stops.append(v.index)
            load = [a + b for a, b in zip(load, problem.stops[v.index].demand, strict=True)]
            for k, (q, cap) in enumerate(zip(load, vt.capacity, strict=True)):
                if q > cap + tol * max(1.0, cap):
                    bad.append(f"{w}: load {q} {problem.dimensions[k]} exceeds capacity {cap}")
        elif v.kind == "unload":
            n_unloads += 1
            close_trip()
            trip_stops = []
            trip_departure = v.end
            load = [0.0] * problem.num_dims
        else:
            close_trip()
        if v.kind != "end":
            last_real = v.kind
        if not all(_close(a, b, tol) for a, b in zip(load, v.load, strict=False)) \
                or len(v.load) != problem.num_dims:
            bad.append(f"{w}: states load {list(v.load)}, recomputed {load}")
        prev_end = v.end

    if vt.max_stops is not None and n_stops > vt.max_stops:
        bad.append(f"{where}: serves {n_stops} stops, more than max_stops {vt.max_stops}")
    if vt.max_unloads is not None and n_unloads > vt.max_unloads:
        bad.append(f"{where}: unloads {n_unloads} times, more than max_unloads "
                   f"{vt.max_unloads}")
    if vt.return_empty and n_stops and last_real != "unload":
        bad.append(f"{where}: must return empty but its last visit before the depot is a "
                   f"{last_real}, not an unload")
    _check_break(vt.breaks, breaks, first.start, last.arrival, where, bad, eps)
    cost = vt.fixed_cost + vt.cost_per_distance * dist + vt.cost_per_duration * dur
    for label, claimed, real in (("distance", route.distance, dist),
                                 ("duration", route.duration, dur), ("cost", route.cost, cost)):
        if not _close(claimed, real, tol):
            bad.append(f"{where}: states {label} {claimed}, recomputed {real}")
    return dist, dur, cost


def _check_break(rule: Break | None, taken: list[tuple[float, float]], start: float, end: float,
                 where: str, bad: list[str], eps: float) -> None:
    """The break rule: see :class:`~circularopt.routing.problem.Break`."""
    if rule is None:
        if taken:
            bad.append(f"{where}: takes a break its vehicle type does not have")
        return
    if len(taken) > 1:
        bad.append(f"{where}: takes {len(taken)} breaks, at most one allowed")
    for a, b in taken:
        if not rule.earliest_start - eps <= a <= rule.latest_start + eps:
            bad.append(f"{where}: break starts at {a}, outside [{rule.earliest_start}, "
                       f"{rule.latest_start}]")
        if b - a < rule.duration - eps:
            bad.append(f"{where}: break lasts {b - a}, less than {rule.duration}")
    if not taken and start <= rule.latest_start < end:
        bad.append(f"{where}: on duty at {rule.latest_start} (from {start} to {end}) "
                   "but takes no break")
