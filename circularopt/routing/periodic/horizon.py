"""The whole horizon as one PyVRP problem, for periodic problems without time constraints.

A stop visited once on any day of the horizon is one client, reachable by every day's
vehicles. Each visit of any other stop becomes its own client at its own copy of the
stop's location, and each day has a vehicle type with a routing profile of its own in
which only the depot and that day's visits are reachable (every other arc costs
:data:`FORBIDDEN`). Profile 0, which no vehicle uses, forbids only the arcs between two
days' visits: PyVRP computes its granular neighbourhoods from the first profile, and
this keeps a visit's neighbours on its own day. A stop whose allowed
patterns are all single days ("once in the horizon, on any of these days") gets one
client per allowed day, joined in a required :class:`pyvrp.ClientGroup`, so PyVRP
chooses its day while it routes. Stops visited more than once keep the pattern given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyvrp

from circularopt.routing.periodic.model import PeriodicProblem, day_problem
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.result import RoutingResult, Step, schedule_route
from circularopt.stop import Budget

__all__ = ["FORBIDDEN", "day_type", "eligible", "flexible", "free", "load_factor", "solve_horizon"]

FORBIDDEN = 10**9
"""Integer cost of an arc between different days' visits (never worth taking)."""


def day_type(problem: PeriodicProblem, day: int) -> int:
    """The vehicle type of ``day``: the first with vehicles that day (0 when none)."""
    return next((t for t, c in enumerate(problem.fleet(day)) if c > 0), 0)


def eligible(problem: PeriodicProblem) -> bool:
    """Whether the horizon model applies: one depot and one vehicle type a day (days may
    differ: a file's per-day limits); no unload sites, accumulation, time windows,
    breaks or stop limits."""
    base = problem.base
    return (len(base.depots) == 1 and not base.unload_sites
            and all(sum(c > 0 for c in problem.fleet(d)) <= 1 for d in range(problem.days))
            and not problem.accumulate
            and all(v.breaks is None and v.max_stops is None for v in base.vehicle_types)
            and all(s.tw_start == 0 and s.tw_end >= 1e11 and s.release_time == 0
                    for s in base.stops))


def flexible(problem: PeriodicProblem, k: int) -> bool:
    """Whether stop ``k`` is visited once, on any of several days."""
    allowed = problem.patterns[k]
    return len(allowed) > 1 and all(len(p) == 1 for p in allowed)


def free(problem: PeriodicProblem, k: int) -> bool:
    """Whether stop ``k`` is visited once, on any day of the horizon."""
    return flexible(problem, k) and len(problem.patterns[k]) == problem.days


@dataclass(frozen=True)
class _Visit:
    stop: int
    day: int  # -1: any day (a free stop)


def _visits(problem: PeriodicProblem, choice: Sequence[int]) -> list[_Visit]:
    out = []
    for k in range(problem.base.num_stops):
        if free(problem, k):
            days: Sequence[int] = (-1,)
        elif flexible(problem, k):
            days = [p[0] for p in problem.patterns[k]]
        else:
            days = problem.patterns[k][choice[k]]
        out += [_Visit(k, d) for d in days]
    return out


def _profiles(problem: PeriodicProblem, visits: list[_Visit]) -> tuple[list[Any], list[Any]]:
    base = problem.base
    rows = np.array([base.depots[0].location] + [base.stops[v.stop].location
                                                 for v in visits])
    day = np.array([-1] + [v.day for v in visits])  # -1: reachable on every day
    dist = np.rint(base.distance[np.ix_(rows, rows)] * base.scale).astype(np.int64)
    dur = np.rint(base.duration[np.ix_(rows, rows)] * base.scale).astype(np.int64)
    # Profile 0 (no vehicle uses it) gives PyVRP's granular neighbours: every arc some
    # day may take, so that a visit's neighbours are visits of its own day.
    cross = (day[:, None] != day[None, :]) & (day[:, None] != -1) & (day[None, :] != -1)
    dists, durs = [np.where(cross, FORBIDDEN, dist)], [np.where(cross, FORBIDDEN, dur)]
    for d in range(problem.days):
        off = (day != d) & (day != -1)
        block = off[:, None] | off[None, :]
        np.fill_diagonal(block, False)
        dists.append(np.where(block, FORBIDDEN, dist))
        durs.append(np.where(block, FORBIDDEN, dur))
    return dists, durs


def load_factor(problem: PeriodicProblem, target: float = 500.0) -> int:
    """Integer factor on every load of the horizon's PyVRP data.

    PyVRP charges excess load at most ``PenaltyParams.max_penalty`` (100,000) per unit.
    When a unit of load is small against the scaled arc costs (Cordeau's p31: a demand
    of 2 against arcs of 160,000), an overload is cheaper than a detour at any penalty
    and the search ends infeasible or poor. Loads are multiplied so that the mean of
    the five shortest arcs from each stop is about ``target`` per unit of mean demand.
    """
    base = problem.base
    locs = [s.location for s in base.stops]
    demand = float(np.mean([sum(s.demand) for s in base.stops])) if locs else 0.0
    if len(locs) < 2 or demand <= 0:
        return 1
    near = np.sort(base.distance[np.ix_(locs, locs)], axis=1)[:, 1:6].mean() * base.scale
    return max(1, int(near / (demand * base.load_scale * target)))


def _data(problem: PeriodicProblem, visits: list[_Visit]) -> pyvrp.ProblemData:
    base = problem.base
    factor = base.load_scale * load_factor(problem)
    locs = [pyvrp.Location(0.0, 0.0) for _ in range(len(visits) + 1)]
    groups: dict[int, list[int]] = {}
    for i, v in enumerate(visits):
        if flexible(problem, v.stop) and not free(problem, v.stop):
            groups.setdefault(v.stop, []).append(i)
    group_of = {i: g for g, members in enumerate(groups.values()) for i in members}
    clients = [pyvrp.Client(i + 1, delivery=[round(x * factor) for x in
                                             base.stops[v.stop].demand],
                            service_duration=round(base.stops[v.stop].service * base.scale),
                            required=i not in group_of, group=group_of.get(i))
               for i, v in enumerate(visits)]
    vtypes = [_vehicle_type(base, problem, d, factor) for d in range(problem.days)]
    dists, durs = _profiles(problem, visits)
    return pyvrp.ProblemData(locs, clients, [pyvrp.Depot(0)], vtypes, dists, durs,
                             [pyvrp.ClientGroup(m) for m in groups.values()])


def _vehicle_type(base: RoutingProblem, problem: PeriodicProblem, day: int, factor: int
                  ) -> pyvrp.VehicleType:
    vt = base.vehicle_types[day_type(problem, day)]
    shift = (round(vt.max_duration * base.scale) if vt.max_duration is not None
             else 2**62)
    return pyvrp.VehicleType(num_available=sum(problem.fleet(day)),
                             capacity=[round(c * factor) for c in vt.capacity],
                             shift_duration=shift, profile=day + 1,
                             fixed_cost=round(vt.fixed_cost),
                             unit_distance_cost=1, name=f"day-{day}")


def solve_horizon(problem: PeriodicProblem, choice: Sequence[int], *, seconds: float,
                  seed: int, clock: str = "wall",
                  start: Sequence[Sequence[Sequence[int]]] | None = None
                  ) -> tuple[tuple[int, ...], list[RoutingResult]] | None:
    """Route the horizon in one PyVRP search; the choice it makes and each day's routes,
    or ``None`` when PyVRP found no feasible plan.

    Only for :func:`eligible` problems (each day's PyVRP type is made from the day's
    vehicle type); costs are distances. ``start``, each day's routes as
    lists of stop indices that serve ``choice``, warm-starts the search.
    """
    visits = _visits(problem, choice)
    data = _data(problem, visits)
    initial = None if start is None else _solution(data, visits, start)
    result = pyvrp.solve(data, Budget(max(0.05, seconds), clock), seed=seed,
                         collect_stats=False, display=False, initial_solution=initial)
    if not result.best.is_feasible():
        return None
    return _decode(problem, choice, visits, result.best)


def _solution(data: pyvrp.ProblemData, visits: list[_Visit],
              routes: Sequence[Sequence[Sequence[int]]]) -> pyvrp.Solution:
    """Each day's routes (stop indices) as a solution of the horizon's data."""
    client = {(v.stop, v.day): i for i, v in enumerate(visits)}
    kind = pyvrp.ActivityType.CLIENT
    out = []
    for day, day_routes in enumerate(routes):
        for stops in day_routes:
            acts = [pyvrp.Activity(kind, client.get((k, day), client.get((k, -1), -1)))
                    for k in stops]
            out.append(pyvrp.Route(data, acts, day))
    return pyvrp.Solution(data, out)


def _decode(problem: PeriodicProblem, choice: Sequence[int], visits: list[_Visit],
            solution: pyvrp.Solution) -> tuple[tuple[int, ...], list[RoutingResult]]:
    new = list(choice)
    orders: list[list[list[int]]] = [[] for _ in range(problem.days)]
    for r in solution.routes():
        day = r.vehicle_type()
        served = [visits[act.idx] for act in list(r.schedule())[1:-1] if act.is_client()]
        for v in served:
            if flexible(problem, v.stop):
                new[v.stop] = problem.patterns[v.stop].index((day,))
        orders[day].append([v.stop for v in served])
    return tuple(new), [_day_result(problem, new, d, orders[d]) for d in range(problem.days)]


def _day_result(problem: PeriodicProblem, choice: Sequence[int], day: int,
                orders: list[list[int]]) -> RoutingResult:
    sub = day_problem(problem, choice, day)
    ids = [problem.base.stops[k].id for k in range(problem.base.num_stops)]
    routes = []
    for vehicle, order in enumerate(orders):
        steps: list[Step] = [("stop", sub.stop_index(ids[k])) for k in order]
        routes.append(schedule_route(sub, day_type(problem, day), vehicle, steps))
    return RoutingResult(sub.name, "pyvrp-horizon", "feasible", 0.0, tuple(routes))
