"""The routing result: the same typed plan from every engine.

A :class:`RoutingResult` holds one :class:`Route` per used vehicle (the engines' plans;
a vehicle may also drive several routes one after another). A route is the ordered
list of its :class:`Visit` s, from the start depot to the end depot, including unload
stops and the break, each with its arrival, start and end time and the load on board
after it. Engines give only the order of visits (and where the break falls); the times,
loads, distance, duration and cost are computed here from the problem by
:func:`schedule_route`, so the two engines report alike. The independent validator
(:func:`circularopt.routing.validate.validate_routes`) re-checks all of it from the raw problem.

Timing convention
-----------------
Every visit starts as early as possible (waiting for a time window, a release time or the
break window when early), and the departure from the depot is then delayed as much as
possible without delaying the return, so the route's duration is the shortest for that
visit order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from circularopt._serial import Spec, from_data, to_data
from circularopt.routing.problem import INF_TIME, RoutingProblem

__all__ = [
    "STATUSES",
    "Route",
    "RoutingResult",
    "Visit",
    "VisitKind",
    "route_steps",
    "schedule_route",
]

VisitKind = Literal["start", "stop", "unload", "break", "end"]
"""Kinds of visit: depot departure, stop, unload site, break, depot return."""

STATUSES = ("feasible", "infeasible")
"""``feasible``: the engine reports a plan it believes feasible (the validator decides);
``infeasible``: the engine's best plan violates a constraint (returned only on request)."""


@dataclass(frozen=True)
class Visit:
    """One step of a route.

    Parameters
    ----------
    kind
        ``start``, ``stop``, ``unload``, ``break`` or ``end``.
    id
        Id of the depot, stop or unload site (``"break"`` for the break).
    index
        Index of the object in the problem's ``depots``, ``stops`` or ``unload_sites``
        (-1 for the break).
    location
        Row in the matrices (a break sits at the previous visit's location).
    arrival, start, end
        Arrival time, start and end of service (unloading, break). For ``start`` all three
        are the departure time; for ``end`` all three are the return time.
    load
        Load on board after the visit, per dimension.
    """

    kind: VisitKind
    id: str
    index: int
    location: int
    arrival: float
    start: float
    end: float
    load: tuple[float, ...]


@dataclass(frozen=True)
class Route:
    """The route of one vehicle.

    Parameters
    ----------
    vehicle_type
        Index of the vehicle type.
    vehicle
        Index of the vehicle within its type (0-based). A vehicle may drive several routes
        one after another; the validator rejects routes of one vehicle that overlap in
        time.
    visits
        From the ``start`` visit to the ``end`` visit.
    distance, duration, cost
        Totals of the route; ``duration`` is return time minus departure time and
        ``cost = fixed + per-distance * distance + per-duration * duration``.
    """

    vehicle_type: int
    vehicle: int
    visits: tuple[Visit, ...]
    distance: float
    duration: float
    cost: float

    @property
    def stops(self) -> list[str]:
        """Ids of the stops served, in order."""
        return [v.id for v in self.visits if v.kind == "stop"]

    @property
    def num_unloads(self) -> int:
        """Number of unload visits."""
        return sum(v.kind == "unload" for v in self.visits)

    @property
    def start_time(self) -> float:
        """Departure time from the depot."""
        return self.visits[0].start

    @property
    def end_time(self) -> float:
        """Return time to the depot."""
        return self.visits[-1].arrival


@dataclass(frozen=True)
class RoutingResult:
    """A routing plan from one engine.

    Parameters
    ----------
    problem_name
        Name of the solved problem.
    engine
        Engine name (``pyvrp``, ``ortools``, a peer name).
    status
        One of :data:`STATUSES`.
    seconds
        Wall time of the solve.
    routes
        The routes; the engines give one per used vehicle.
    unassigned
        Ids of stops no route serves (empty for a complete plan).
    objective
        The engine's own objective value in problem units, when it reports one.
    info
        Engine details (search parameters, iterations, ...).
    """

    problem_name: str
    engine: str
    status: str
    seconds: float
    routes: tuple[Route, ...]
    unassigned: tuple[str, ...] = ()
    objective: float | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def cost(self) -> float:
        """Total cost over routes."""
        return sum(r.cost for r in self.routes)

    @property
    def distance(self) -> float:
        """Total distance over routes."""
        return sum(r.distance for r in self.routes)

    @property
    def duration(self) -> float:
        """Total route duration over routes."""
        return sum(r.duration for r in self.routes)

    @property
    def num_vehicles(self) -> int:
        """Number of used vehicles."""
        return len(self.routes)

    def summary(self) -> str:
        """A few human-readable lines: totals, then one line per route."""
        lines = [f"{self.problem_name} [{self.engine}, {self.status}, {self.seconds:.1f} s]: "
                 f"cost {self.cost:,.2f}, distance {self.distance:,.2f}, "
                 f"duration {self.duration:,.2f}, {self.num_vehicles} vehicles, "
                 f"{sum(r.num_unloads for r in self.routes)} unloads"
                 + (f", {len(self.unassigned)} UNASSIGNED" if self.unassigned else "")]
        for r in self.routes:
            lines.append(f"  type {r.vehicle_type} #{r.vehicle}: {len(r.stops)} stops, "
                         f"{r.num_unloads} unloads, distance {r.distance:,.2f}, "
                         f"{r.start_time:,.0f}-{r.end_time:,.0f}, cost {r.cost:,.2f}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (totals included)."""
        return to_data(self, specs=_JSON)

    def to_json(self, *, indent: int | None = 1) -> str:
        """The result as JSON text."""
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RoutingResult:
        """Rebuild a result written by :meth:`to_dict`."""
        return from_data(cls, d, specs=_JSON)


_JSON = {
    RoutingResult: Spec(
        computed={"cost": lambda r: r.cost, "distance": lambda r: r.distance,
                  "duration": lambda r: r.duration, "num_vehicles": lambda r: r.num_vehicles},
        order=("problem_name", "engine", "status", "seconds", "objective", "cost",
               "distance", "duration", "num_vehicles", "unassigned", "info")),
    Route: Spec(order=("vehicle_type", "vehicle", "distance", "duration", "cost")),
}
"""How a result is written: its totals beside the routes, which come last."""


# --------------------------------------------------------------------------- scheduling

Step = tuple[Literal["stop", "unload"], int]
"""One visit of an engine's route: ``("stop", stop index)`` or ``("unload", site index)``."""


def route_steps(route: Route) -> tuple[list[Step], int | None]:
    """The steps of a route and the position of its break, as :func:`schedule_route` takes
    them (``steps`` and ``break_after``): rescheduling them gives the route back."""
    steps: list[Step] = []
    after = None
    for v in route.visits[1:-1]:
        if v.kind == "break":
            after = len(steps)
        elif v.kind == "stop":
            steps.append(("stop", v.index))
        else:
            steps.append(("unload", v.index))
    return steps, after


def schedule_route(problem: RoutingProblem, vehicle_type: int, vehicle: int,
                   steps: Sequence[Step], *, break_after: int | None = None) -> Route:
    """Times, loads, distance and cost of a visit order.

    Parameters
    ----------
    problem
        The problem.
    vehicle_type, vehicle
        Vehicle type index and the vehicle's index within the type.
    steps
        Ordered visits between the depots.
    break_after
        Take the break right after ``steps[break_after - 1]`` (0: at the depot before
        leaving; ``len(steps)``: after the last step), or ``None`` for no break.

    Returns
    -------
    Route
        Scheduled as described in the module docstring (possibly violating time windows
        when the order admits no feasible schedule; the validator reports that).
    """
    vt = problem.vehicle_types[vehicle_type]
    events, distance = _events(problem, vehicle_type, steps, break_after)
    starts, arrivals = _forward(events, events[0][5])
    delay = _departure_delay(events, starts, arrivals)
    if delay > 0:
        starts, arrivals = _forward(events, starts[0] + delay)
    visits = _visits(problem, events, starts, arrivals)
    duration = visits[-1].arrival - visits[0].start
    cost = vt.fixed_cost + vt.cost_per_distance * distance + vt.cost_per_duration * duration
    return Route(vehicle_type, vehicle, tuple(visits), distance, duration, cost)


_Event = tuple[VisitKind, str, int, int, float, float, float, float]
"""(kind, id, index, location, travel before, earliest, latest, service); index -1 is
the break, -2 the wait for the next trip's release time."""


def _events(problem: RoutingProblem, vehicle_type: int, steps: Sequence[Step],
            break_after: int | None) -> tuple[list[_Event], float]:
    """The route's events from depot to depot, and its distance."""
    vt = problem.vehicle_types[vehicle_type]
    depot, end_depot = problem.depots[vt.depot], problem.depots[vt.end_depot]
    dist, dur = problem.distance, problem.duration
    events: list[_Event] = []
    release = _trip_releases(problem, steps)
    events.append(("start", depot.id, vt.depot, depot.location, 0.0,
                   max(vt.shift_start, release[0]), vt.shift_end, 0.0))
    loc = depot.location
    distance = 0.0
    for k, (kind, idx) in enumerate(steps):
        if break_after == k and vt.breaks is not None:
            b = vt.breaks
            events.append(("break", "break", -1, loc, 0.0, b.earliest_start, b.latest_start,
                           b.duration))
        obj = problem.stops[idx] if kind == "stop" else problem.unload_sites[idx]
        travel = float(dur[loc, obj.location])
        distance += float(dist[loc, obj.location])
        loc = obj.location
        if kind == "stop":
            s = problem.stops[idx]
            events.append(("stop", s.id, idx, loc, travel, s.tw_start, s.tw_end, s.service))
        else:
            u = problem.unload_sites[idx]
            events.append(("unload", u.id, idx, loc, travel, u.tw_start, u.tw_end,
                           u.unload_duration))
            trip = sum(1 for kd, _ in steps[:k + 1] if kd == "unload")
            if release[trip] > 0:  # the next trip may not leave before its release time
                events.append(("start", "", -2, loc, 0.0, release[trip], INF_TIME, 0.0))
    if break_after == len(steps) and vt.breaks is not None:
        b = vt.breaks
        events.append(("break", "break", -1, loc, 0.0, b.earliest_start, b.latest_start,
                       b.duration))
    events.append(("end", end_depot.id, vt.end_depot, end_depot.location,
                   float(dur[loc, end_depot.location]), 0.0, vt.shift_end, 0.0))
    distance += float(dist[loc, end_depot.location])
    return events, distance


def _departure_delay(events: list[_Event], starts: list[float],
                     arrivals: list[float]) -> float:
    """How far the departure can be delayed: as far as the waits absorb it and no
    window closes."""
    waited, delay = 0.0, float("inf")
    for k in range(1, len(events)):
        waited += starts[k] - arrivals[k]
        delay = min(delay, waited + events[k][6] - starts[k])
    return min(delay, waited, events[0][6] - starts[0])


def _visits(problem: RoutingProblem, events: list[_Event], starts: list[float],
            arrivals: list[float]) -> list[Visit]:
    """The visits of scheduled events, with the load on board after each."""
    visits: list[Visit] = []
    load = [0.0] * problem.num_dims
    for k, (vkind, id_, idx, loc_k, _, _, _, service) in enumerate(events):
        if vkind == "stop":
            load = [a + b for a, b in zip(load, problem.stops[idx].demand, strict=True)]
        elif vkind == "unload":
            load = [0.0] * problem.num_dims
        if idx == -2:  # release wait: folded into the unload's end, not a visit
            continue
        end = starts[k] + service
        if vkind == "unload" and k + 1 < len(events) and events[k + 1][2] == -2:
            end = starts[k + 1]
        visits.append(Visit(vkind, id_, idx, loc_k, arrivals[k], starts[k], end,
                            tuple(load)))
    return visits


def _trip_releases(problem: RoutingProblem, steps: Sequence[Step]) -> list[float]:
    """Release time of each trip (the part before the first unload, between unloads, ...)."""
    out = [0.0]
    for kind, idx in steps:
        if kind == "unload":
            out.append(0.0)
        else:
            out[-1] = max(out[-1], problem.stops[idx].release_time)
    return out


def _forward(events: Sequence[tuple[Any, ...]], depart: float) -> tuple[list[float],
                                                                       list[float]]:
    starts, arrivals = [depart], [depart]
    t = depart + events[0][7]
    for ev in events[1:]:
        arrival = t + ev[4]
        start = max(arrival, ev[5])
        arrivals.append(arrival)
        starts.append(start)
        t = start + ev[7]
    return starts, arrivals
