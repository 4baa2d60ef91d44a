"""Independent validator of routing results.

:func:`validate_routes` re-derives everything a :class:`~circularopt.routing.result.RoutingResult`
claims from the raw :class:`~circularopt.routing.problem.RoutingProblem`, without using the
engines or :func:`~circularopt.routing.result.schedule_route`: that every stop is served
exactly once (a group of stops, e.g. the two directions of a street, by one member),
the load after each visit (reset to zero at unload sites) and the capacities, the
timing (travel between consecutive visits, waiting, time windows, release times,
unload-site opening hours, shift, maximum duration, the break), the maximum number of
stops and unloads, which unload sites the vehicle may use, returning empty, that no
truck (``(vehicle_type, vehicle)``) drives two routes at once, and the distance, duration
and cost of every route and of the plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from circularopt._deprecated import renamed
from circularopt.i18n import tr
from circularopt.routing.problem import Break, RoutingProblem
from circularopt.routing.result import Route, RoutingResult, Visit
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
    cost = distance = duration = 0.0
    for r_no, route in enumerate(result.routes):
        where = f"route {r_no} (type {route.vehicle_type}, vehicle {route.vehicle})"
        if not 0 <= route.vehicle_type < len(problem.vehicle_types):
            bad.append(f"{where}: unknown vehicle type {route.vehicle_type}")
            continue
        vt = problem.vehicle_types[route.vehicle_type]
        if not 0 <= route.vehicle < vt.count:
            bad.append(f"{where}: vehicle {route.vehicle} outside 0..{vt.count - 1}")
        d, t, c = _check_route(problem, route, where, served, bad, tol)
        distance += d
        duration += t
        cost += c
    bad += _overlaps(problem, result)
    bad += _served_once(problem, result, served)
    if not _close(cost, result.cost, tol):
        bad.append(f"total cost {result.cost} differs from recomputed {cost}")
    return RoutesReport(violations=tuple(bad), cost=cost, distance=distance,
                        duration=duration)



validate = renamed(validate_routes, "circularopt.routing.validate.validate")


def _served_once(problem: RoutingProblem, result: RoutingResult,
                 served: Counter[int]) -> list[str]:
    """Every stop outside groups served once, every group by exactly one member visit,
    and ``unassigned`` naming exactly the stops and groups left out."""
    bad: list[str] = []
    items: list[tuple[str, str, tuple[int, ...]]] = [
        (s.id, "stop", (k,)) for k, s in enumerate(problem.stops) if s.group is None]
    items += [(g.id, "group", g.members) for g in problem.groups]
    for id_, what, members in items:
        k = sum(served[m] for m in members)
        if k == 0:
            bad.append(f"{what} {id_!r} is not served"
                       + (" (listed as unassigned)" if id_ in result.unassigned else ""))
        elif k > 1:
            bad.append(f"{what} {id_!r} is served {k} times"
                       + (" (by several members)" if what == "group" else ""))
        elif id_ in result.unassigned:
            bad.append(f"{what} {id_!r} is served but listed as unassigned")
    return bad


def _overlaps(problem: RoutingProblem, result: RoutingResult) -> list[str]:
    """Routes of one truck, ``(vehicle_type, vehicle)``, that overlap in time.

    A truck may drive several routes in a day only one after another: each route from
    its departure (first visit's start) to its return (last visit's arrival); a route
    may leave at the instant the previous one returns.
    """
    by_truck: dict[tuple[int, int], list[tuple[float, float, int]]] = {}
    for r_no, route in enumerate(result.routes):
        if 0 <= route.vehicle_type < len(problem.vehicle_types) and len(route.visits) >= 2:
            by_truck.setdefault((route.vehicle_type, route.vehicle), []).append(
                (route.start_time, route.end_time, r_no))
    bad: list[str] = []
    for (t, v), spans in by_truck.items():
        spans.sort()
        for k, (a0, a1, i) in enumerate(spans):
            for b0, b1, j in spans[k + 1:]:
                if b0 >= a1 - 1e-9 * max(1.0, abs(a1)):
                    break
                bad.append(tr("truck {name!r} #{number} (type {t}, vehicle {v}) drives "
                              "route {i} ({a0:g} to {a1:g}) and route {j} ({b0:g} to {b1:g}) "
                              "at the same time", name=problem.vehicle_types[t].name,
                              number=v + 1, t=t, v=v, i=i, a0=a0, a1=a1, j=j, b0=b0, b1=b1))
    return bad


def _check_route(problem: RoutingProblem, route: Route, where: str, served: Counter[int],
                 bad: list[str], tol: float) -> tuple[float, float, float]:
    """Check one route; return its recomputed distance, duration and cost."""
    vt = problem.vehicle_types[route.vehicle_type]
    visits = route.visits
    eps = tol * max(1.0, abs(vt.shift_end) if vt.shift_end < 1e11 else 1.0)
    if len(visits) < 2 or visits[0].kind != "start" or visits[-1].kind != "end":
        bad.append(f"{where}: must begin with a 'start' visit and finish with an 'end' visit")
        return 0.0, 0.0, 0.0
    _check_ends(problem, route, where, bad, eps)
    walk = _Walk(problem, route, where, served, bad, tol, eps)
    for pos, v in enumerate(visits[1:], start=1):
        walk.visit(pos, v)
    return walk.finish()


def _check_ends(problem: RoutingProblem, route: Route, where: str, bad: list[str],
                eps: float) -> None:
    """Start and end depots, the shift and the maximum duration."""
    vt = problem.vehicle_types[route.vehicle_type]
    first, last = route.visits[0], route.visits[-1]
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


class _Walk:
    """Drives along one route visit by visit, recomputing loads, times and distance."""

    def __init__(self, problem: RoutingProblem, route: Route, where: str,
                 served: Counter[int], bad: list[str], tol: float, eps: float) -> None:
        self.problem, self.route, self.where = problem, route, where
        self.served, self.bad, self.tol, self.eps = served, bad, tol, eps
        self.vt = problem.vehicle_types[route.vehicle_type]
        first = route.visits[0]
        self.loc = first.location
        self.prev_end = first.end
        self.load = [0.0] * problem.num_dims
        self.dist = 0.0
        self.n_stops = self.n_unloads = 0
        self.trip_departure = first.end
        self.trip_stops: list[int] = []
        self.breaks: list[tuple[float, float]] = []
        self.allowed = set(self.vt.unload_sites)
        self.last_real = "start"

    def visit(self, pos: int, v: Visit) -> None:
        """Check visit number ``pos``."""
        w = f"{self.where}, visit {pos} ({v.kind} {v.id!r})"
        if v.kind == "break":
            self._break(w, v)
            return
        target = self._target(w, pos, v)
        if target is None:
            return
        obj_loc, earliest, latest, service = target
        self._timing(w, v, obj_loc, earliest, latest, service)
        self._cargo(w, v)
        self.prev_end = v.end

    def _break(self, w: str, v: Visit) -> None:
        if v.start < self.prev_end - self.eps or v.start < v.arrival - self.eps:
            self.bad.append(f"{w}: break starts at {v.start}, before the previous visit ends "
                            f"({self.prev_end})")
        self.breaks.append((v.start, v.end))
        if v.location != self.loc:
            self.bad.append(f"{w}: a break sits at the previous visit's location")
        self.prev_end = v.end

    def _target(self, w: str, pos: int, v: Visit
                ) -> tuple[int, float, float, float] | None:
        """Location, window and service time of the visited object (``None``: unknown)."""
        problem, bad = self.problem, self.bad
        if v.kind == "stop":
            if not 0 <= v.index < problem.num_stops:
                bad.append(f"{w}: unknown stop index {v.index}")
                return None
            stop = problem.stops[v.index]
            if stop.id != v.id:
                bad.append(f"{w}: id does not match stop {v.index} ({stop.id!r})")
            return stop.location, stop.tw_start, stop.tw_end, stop.service
        if v.kind == "unload":
            if not 0 <= v.index < len(problem.unload_sites):
                bad.append(f"{w}: unknown unload site index {v.index}")
                return None
            site = problem.unload_sites[v.index]
            if v.index not in self.allowed:
                bad.append(f"{w}: vehicle type {self.vt.name!r} may not unload at {site.id!r}")
            return site.location, site.tw_start, site.tw_end, site.unload_duration
        if v.kind == "end":
            if pos != len(self.route.visits) - 1:
                bad.append(f"{w}: 'end' before the last visit")
            return self.route.visits[-1].location, 0.0, self.vt.shift_end, 0.0
        bad.append(f"{w}: unexpected visit kind {v.kind!r}")
        return None

    def _timing(self, w: str, v: Visit, obj_loc: int, earliest: float, latest: float,
                service: float) -> None:
        """Location, travel from the previous visit, the window and the service time."""
        bad, eps = self.bad, self.eps
        if v.location != obj_loc:
            bad.append(f"{w}: location {v.location} is not the object's location {obj_loc}")
        travel = float(self.problem.duration[self.loc, obj_loc])
        self.dist += float(self.problem.distance[self.loc, obj_loc])
        self.loc = obj_loc
        prev_end = self.prev_end
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

    def _cargo(self, w: str, v: Visit) -> None:
        """Load after the visit (emptied at unload sites), capacity and release times."""
        problem, tol = self.problem, self.tol
        if v.kind == "stop":
            self.served[v.index] += 1
            self.n_stops += 1
            self.trip_stops.append(v.index)
            self.load = [a + b for a, b in zip(self.load, problem.stops[v.index].demand,
                                               strict=True)]
            for k, (q, cap) in enumerate(zip(self.load, self.vt.capacity, strict=True)):
                if q > cap + tol * max(1.0, cap):
                    self.bad.append(f"{w}: load {q} {problem.dimensions[k]} exceeds "
                                    f"capacity {cap}")
        elif v.kind == "unload":
            self.n_unloads += 1
            self._close_trip()
            self.trip_stops = []
            self.trip_departure = v.end
            self.load = [0.0] * problem.num_dims
        else:
            self._close_trip()
        if v.kind != "end":
            self.last_real = v.kind
        if not all(_close(a, b, tol) for a, b in zip(self.load, v.load, strict=False)) \
                or len(v.load) != problem.num_dims:
            self.bad.append(f"{w}: states load {list(v.load)}, recomputed {self.load}")

    def _close_trip(self) -> None:
        """The trip just ended must not have left before its stops' release times."""
        for s in self.trip_stops:
            rel = self.problem.stops[s].release_time
            if self.trip_departure < rel - self.eps:
                self.bad.append(f"{self.where}: the trip serving stop "
                                f"{self.problem.stops[s].id!r} leaves at "
                                f"{self.trip_departure}, before its release time {rel}")

    def finish(self) -> tuple[float, float, float]:
        """Route-wide limits and the stated totals; return distance, duration and cost."""
        vt, where, bad, route = self.vt, self.where, self.bad, self.route
        if vt.max_stops is not None and self.n_stops > vt.max_stops:
            bad.append(f"{where}: serves {self.n_stops} stops, more than max_stops "
                       f"{vt.max_stops}")
        if vt.max_unloads is not None and self.n_unloads > vt.max_unloads:
            bad.append(f"{where}: unloads {self.n_unloads} times, more than max_unloads "
                       f"{vt.max_unloads}")
        if vt.return_empty and self.n_stops and self.last_real != "unload":
            bad.append(f"{where}: must return empty but its last visit before the depot is a "
                       f"{self.last_real}, not an unload")
        first, last = route.visits[0], route.visits[-1]
        _check_break(vt.breaks, self.breaks, first.start, last.arrival, where, bad, self.eps)
        dist, dur = self.dist, last.arrival - first.start
        cost = vt.fixed_cost + vt.cost_per_distance * dist + vt.cost_per_duration * dur
        for label, claimed, real in (("distance", route.distance, dist),
                                     ("duration", route.duration, dur),
                                     ("cost", route.cost, cost)):
            if not _close(claimed, real, self.tol):
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
