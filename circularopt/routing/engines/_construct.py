"""Starting plans for a search: nearest neighbour with unloading trips, and savings.

OR-Tools' first solution strategies insert one node at a time; with unload sites as
optional node copies they open far too many routes (a route that is full must be given
an unload copy and a stop in one move, which none of them does), and with trucks that
must return empty they often find nothing at all. Waste-collection routes are easy to
start greedily instead: each truck in turn leaves its depot at the start of its shift,
drives to the nearest stop it can still serve, unloads at its nearest allowed site when
the next stop would overfill it, and goes home (unloading first if it must return empty)
when no stop fits in its shift any more.
"""

from __future__ import annotations

import numpy as np

from circularopt.routing.engines._parts import PartStart
from circularopt.routing.problem import RoutingProblem, VehicleType
from circularopt.routing.result import Step

__all__ = ["SAVINGS_LAMBDAS", "SAVINGS_NEIGHBOURS", "nearest_neighbour", "savings",
           "savings_eligible"]

CANDIDATES = 40
"""Nearest unserved stops tried at each step."""

SAVINGS_LAMBDAS = (0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0)
"""Route shape parameters tried by :func:`savings` (the cheapest plan is kept)."""

SAVINGS_NEIGHBOURS = 60
"""Savings are computed for each stop and this many of its nearest stops."""


def _site(problem: RoutingProblem, sites: tuple[int, ...], here: int, home: int) -> int:
    """The allowed site with the shortest detour from ``here`` towards ``home``."""
    d = problem.distance
    return min(sites, key=lambda u: d[here, problem.unload_sites[u].location]
               + d[problem.unload_sites[u].location, home])


def _unload(problem: RoutingProblem, allowed: tuple[int, ...], home: int, at: int,
            when: float) -> tuple[int, float] | None:
    """Unload at the best allowed site leaving ``at`` at ``when``: (site, time done)."""
    u = _site(problem, allowed, at, home)
    site = problem.unload_sites[u]
    begin = max(when + problem.duration[at, site.location], site.tw_start)
    if begin > site.tw_end:
        return None
    return u, begin + site.unload_duration


def nearest_neighbour(problem: RoutingProblem, counts: list[int], *,
                      partial: bool = False) -> PartStart | None:
    """Routes for ``counts`` vehicles per type serving every stop, or ``None``.

    The routes respect capacities, stop windows, site hours, shifts, ``max_duration``
    (from the shift start), ``max_stops``, ``max_unloads`` and ``return_empty``; breaks
    are left to the search. ``None`` when the fleet runs out first, unless ``partial``:
    then the routes built so far (a start for a search that may leave stops out).
    """
    loc_of = np.array([s.location for s in problem.stops], dtype=np.int64)
    free = np.ones(len(problem.stops), dtype=bool)
    order = sorted(range(len(counts)), key=lambda k: -max(problem.vehicle_types[k].capacity))
    start: PartStart = []
    for k in order:
        for _ in range(counts[k]):
            if not free.any():
                return start
            steps = _greedy_route(problem, k, free, loc_of)
            if not steps:  # the next vehicle of this type would fare no better
                break
            start.append((k, steps))
    return start if partial or not free.any() else None


def _greedy_route(problem: RoutingProblem, k: int, free: np.ndarray,
                  loc_of: np.ndarray) -> list[Step]:
    """One route of a type-``k`` vehicle: the nearest free stop it can serve next, until
    none; marks the stops taken in ``free``."""
    vt = problem.vehicle_types[k]
    home = problem.depots[vt.end_depot].location
    limit = vt.shift_end if vt.max_duration is None else \
        min(vt.shift_end, vt.shift_start + vt.max_duration)
    here, t = problem.depots[vt.depot].location, vt.shift_start
    load = np.zeros(problem.num_dims)
    steps: list[Step] = []
    n_stops = n_unloads = 0
    while free.any() and (vt.max_stops is None or n_stops < vt.max_stops):
        cand = np.flatnonzero(free)
        cand = cand[np.argsort(problem.distance[here, loc_of[cand]], kind="stable")]
        chosen = None
        for j in cand[:CANDIDATES]:
            reached = _reach(problem, vt, int(j), here, t, load, n_unloads, home, limit)
            if reached is not None:
                chosen = (int(j), *reached)
                break
        if chosen is None:
            break
        j, via, t = chosen
        if via is not None:
            steps.append(("unload", via))
            n_unloads += 1
            load[:] = 0.0
        steps.append(("stop", j))
        load += problem.stops[j].demand
        n_stops += 1
        here = problem.stops[j].location
        free[j] = False
    if steps and vt.return_empty and steps[-1][0] == "stop":
        steps.append(("unload", _site(problem, vt.unload_sites, here, home)))
    return steps


def _reach(problem: RoutingProblem, vt: VehicleType, j: int, here: int, t: float,
           load: np.ndarray, n_unloads: int, home: int,
           limit: float) -> tuple[int | None, float] | None:
    """Whether the vehicle at ``here`` at time ``t`` can serve stop ``j`` next (after
    an unload when full) and still finish in time: the unload site visited first (or
    ``None``) and the service end; ``None`` when it cannot."""
    dur, sites, s = problem.duration, problem.unload_sites, problem.stops[j]
    pos, when, via = here, t, None
    if np.any(load + s.demand > np.array(vt.capacity) + 1e-9):
        if not vt.unload_sites or (vt.max_unloads is not None
                                   and n_unloads >= vt.max_unloads):
            return None
        got = _unload(problem, vt.unload_sites, home, here, t)
        if got is None:
            return None
        via, when = got
        pos = sites[via].location
    if np.any(np.array(s.demand) > np.array(vt.capacity) + 1e-9):
        return None
    begin = max(when + dur[pos, s.location], s.tw_start)
    if begin > s.tw_end:
        return None
    end = begin + s.service
    if vt.return_empty:
        used = n_unloads + (via is not None) + 1
        if vt.max_unloads is not None and used > vt.max_unloads:
            return None
        got = _unload(problem, vt.unload_sites, home, s.location, end)
        if got is None or got[1] + dur[sites[got[0]].location, home] > limit:
            return None
    elif end + dur[s.location, home] > limit:
        return None
    return via, end


def savings_eligible(problem: RoutingProblem) -> bool:
    """Whether :func:`savings` applies: one vehicle type starting and ending at the same
    depot, no unload sites, and nothing but capacity (and ``max_stops``) limiting a
    route (no windows, shifts, durations, duration costs or breaks)."""
    if len(problem.vehicle_types) != 1 or problem.unload_sites:
        return False
    vt = problem.vehicle_types[0]
    return (vt.depot == vt.end_depot and not vt.cost_per_duration
            and not problem.has_time_windows())


def savings(problem: RoutingProblem, count: int, *,
            lambdas: tuple[float, ...] = SAVINGS_LAMBDAS) -> PartStart | None:
    """The cheapest parallel Clarke-Wright savings plan over ``lambdas``, or ``None``.

    Every stop starts on its own route; pairs of stops are taken in decreasing order of
    the saving ``d(i, 0) + d(0, j) - lambda * d(i, j)`` (plus the fixed cost of a vehicle,
    in distance units) and the routes ending at ``i`` and starting at ``j`` are joined
    when the joint load fits (Clarke & Wright 1964, with the route shape parameter of
    Yellow 1970). With a symmetric distance matrix a route may be reversed to join at
    either end. Savings are computed only between each stop and its
    :data:`SAVINGS_NEIGHBOURS` nearest stops, which keeps the construction fast on a
    thousand stops. Only for problems :func:`savings_eligible` accepts.

    Parameters
    ----------
    problem
        The problem.
    count
        Vehicles available (the most routes a plan may have).
    lambdas
        Route shape parameters to try.

    Returns
    -------
    PartStart or None
        The cheapest plan (distance plus fixed costs) with at most ``count`` routes
        (vehicle type 0); ``None`` when every value of ``lambdas`` needs more routes.
    """
    vt = problem.vehicle_types[0]
    n = problem.num_stops
    loc = np.array([s.location for s in problem.stops], dtype=np.int64)
    depot = problem.depots[vt.depot].location
    dist = problem.distance
    d = dist[np.ix_(loc, loc)]
    out_of, into = dist[depot, loc], dist[loc, depot]
    demand = np.array([s.demand for s in problem.stops], dtype=float)
    cap = np.array(vt.capacity, dtype=float) + 1e-9
    symmetric = bool(np.allclose(d, d.T))
    k = min(n - 1, SAVINGS_NEIGHBOURS)
    if k < 1:
        return [(0, [("stop", 0)])] if count >= 1 else None
    near = np.argsort(d + np.diag(np.full(n, np.inf)), axis=1, kind="stable")[:, :k]
    i_idx = np.repeat(np.arange(n), k)
    j_idx = near.ravel()
    fixed = vt.fixed_cost / vt.cost_per_distance if vt.cost_per_distance > 0 else 0.0
    best: PartStart | None = None
    best_cost = np.inf
    for lam in lambdas:
        gain = out_of[j_idx] + into[i_idx] - lam * d[i_idx, j_idx] + fixed
        order = np.argsort(-gain, kind="stable")
        order = order[gain[order] > 0]
        routes = _join(i_idx[order], j_idx[order], n, demand, cap, vt.max_stops, symmetric)
        if len(routes) > count:
            continue
        cost = fixed * len(routes) + sum(out_of[r[0]] + into[r[-1]] + d[r[:-1], r[1:]].sum()
                                         for r in (np.array(r) for r in routes))
        if cost < best_cost:
            best_cost = cost
            best = [(0, [("stop", int(j)) for j in r]) for r in routes]
    return best


def _join(first: np.ndarray, second: np.ndarray, n: int, demand: np.ndarray,
          cap: np.ndarray, max_stops: int | None, symmetric: bool) -> list[list[int]]:
    """Join routes along the pairs (``first[t]`` then ``second[t]``), in the given order."""
    route_of = list(range(n))
    routes: dict[int, list[int]] = {i: [i] for i in range(n)}
    load = {i: demand[i].copy() for i in range(n)}
    limit = max_stops if max_stops is not None else n
    for i, j in zip(first.tolist(), second.tolist(), strict=True):
        a, b = route_of[i], route_of[j]
        if a == b or len(routes[a]) + len(routes[b]) > limit:
            continue
        ra, rb = routes[a], routes[b]
        if not (ra[-1] == i or (symmetric and ra[0] == i)) \
                or not (rb[0] == j or (symmetric and rb[-1] == j)):
            continue
        joint = load[a] + load[b]
        if np.any(joint > cap):
            continue
        if ra[-1] != i:
            ra.reverse()
        if rb[0] != j:
            rb.reverse()
        ra.extend(rb)
        load[a] = joint
        for m in rb:
            route_of[m] = a
        del routes[b], load[b]
    return list(routes.values())
