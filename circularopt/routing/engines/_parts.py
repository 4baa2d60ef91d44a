"""Route-based parts of a plan, for improving a large plan one neighbourhood at a time.

A *part* is a group of routes that lie close together. Its stops, with the vehicles
that drove those routes (plus idle ones), form a smaller problem of the same kind: same
matrices, depots, vehicle types and unload sites, only fewer stops and vehicles. Every
plan of the part, put back beside the untouched routes, is a plan of the whole problem,
because routes share nothing but the fleet and the part only uses vehicles the plan
leaves free. This is the decomposition idea of POPMUSIC (Taillard & Voss 2002) and of
Santini, Schneider, Vidal & Vigo (2023, "Decomposition strategies for vehicle routing
heuristics"): a search that stalls on a thousand stops converges on a hundred.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from circularopt.routing.problem import RoutingProblem, Stop
from circularopt.routing.result import Route, Step, route_steps, schedule_route

__all__ = ["PartStart", "near_routes", "part_problem", "to_whole"]

PartStart = list[tuple[int, list[Step]]]
"""Initial routes of a part: (vehicle type index, steps with part stop indices)."""


def near_routes(problem: RoutingProblem, routes: Sequence[Route], seed: int,
                size: int) -> list[int]:
    """Indices of ``routes[seed]`` and the routes nearest to it, about ``size`` stops.

    A route's distance to the seed route is the mean, over its stops, of the distance
    from the closest stop of the seed route (both directions averaged, so asymmetric
    matrices work). Routes are added nearest first until the part holds ``size`` stops.
    """
    locs = [np.array([v.location for v in r.visits if v.kind == "stop"], dtype=np.int64)
            for r in routes]
    base = locs[seed]
    if base.size == 0:
        return [seed]
    dist = problem.distance
    score = []
    for k, loc in enumerate(locs):
        if k == seed or loc.size == 0:
            continue
        d = 0.5 * (dist[np.ix_(base, loc)].min(axis=0) + dist[np.ix_(loc, base)].min(axis=1))
        score.append((float(d.mean()), k))
    score.sort()
    chosen, total = [seed], base.size
    for _, k in score:
        if total >= size:
            break
        chosen.append(k)
        total += locs[k].size
    return chosen


def part_problem(problem: RoutingProblem, routes: Sequence[Route], *,
                 idle: Sequence[int]) -> tuple[RoutingProblem, PartStart]:
    """The problem of the stops on ``routes``, and those routes as its starting plan.

    Parameters
    ----------
    problem
        The whole problem.
    routes
        The routes of the part (routes of ``problem``).
    idle
        Vehicles per type the whole plan leaves unused; the part may use them too.

    Returns
    -------
    tuple
        The part's problem (stops renumbered in route order; vehicle type counts = the
        part's routes plus ``idle``; a group's served member becomes a plain stop, so a
        part keeps the served direction of a street) and the routes in the part's
        numbering.
    """
    stops: list[Stop] = []
    start: PartStart = []
    local: dict[int, int] = {}
    used = [0] * len(problem.vehicle_types)
    for r in routes:
        steps, _ = route_steps(r)
        out: list[Step] = []
        for kind, idx in steps:
            if kind == "stop":
                local[idx] = len(stops)
                stops.append(dataclasses.replace(problem.stops[idx], group=None))
                out.append(("stop", local[idx]))
            else:
                out.append((kind, idx))
        start.append((r.vehicle_type, out))
        used[r.vehicle_type] += 1
    types = tuple(dataclasses.replace(vt, count=used[k] + idle[k])
                  for k, vt in enumerate(problem.vehicle_types))
    part = dataclasses.replace(problem, name=f"{problem.name} (part)", stops=tuple(stops),
                               vehicle_types=types, groups=())
    return part, start


def to_whole(problem: RoutingProblem, part: RoutingProblem,
             routes: Sequence[Route]) -> list[Route]:
    """The part's routes rescheduled in the whole problem (vehicle numbers unchanged)."""
    out = []
    for r in routes:
        steps, after = route_steps(r)
        whole = [(kind, problem.stop_index(part.stops[idx].id) if kind == "stop" else idx)
                 for kind, idx in steps]
        out.append(schedule_route(problem, r.vehicle_type, r.vehicle, whole,
                                  break_after=after))
    return out
