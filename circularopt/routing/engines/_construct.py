"""A nearest-neighbour construction with unloading trips, as a search's starting plan.

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
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.result import Step

__all__ = ["nearest_neighbour"]

CANDIDATES = 40
"""Nearest unserved stops tried at each step."""


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
    dist, dur = problem.distance, problem.duration
    stops, sites = problem.stops, problem.unload_sites
    loc_of = np.array([s.location for s in stops], dtype=np.int64)
    free = np.ones(len(stops), dtype=bool)
    order = sorted(range(len(counts)), key=lambda k: -max(problem.vehicle_types[k].capacity))
    start: PartStart = []
    for k in order:
        vt = problem.vehicle_types[k]
        home = problem.depots[vt.end_depot].location
        limit = vt.shift_end if vt.max_duration is None else \
            min(vt.shift_end, vt.shift_start + vt.max_duration)
        for _ in range(counts[k]):
            if not free.any():
                return start
            here, t = problem.depots[vt.depot].location, vt.shift_start
            load = np.zeros(problem.num_dims)
            steps: list[Step] = []
            n_stops = n_unloads = 0

            while free.any():
                cand = np.flatnonzero(free)
                cand = cand[np.argsort(dist[here, loc_of[cand]], kind="stable")][:CANDIDATES]
                chosen = None
                for j in cand:
                    s = stops[j]
                    pos, when, via = here, t, None
                    if np.any(load + s.demand > np.array(vt.capacity) + 1e-9):
                        if not vt.unload_sites or (vt.max_unloads is not None
                                                   and n_unloads >= vt.max_unloads):
                            continue
                        got = _unload(problem, vt.unload_sites, home, here, t)
                        if got is None:
                            continue
                        via, when = got
                        pos = sites[via].location
                    if np.any(np.array(s.demand) > np.array(vt.capacity) + 1e-9):
                        continue
                    begin = max(when + dur[pos, s.location], s.tw_start)
                    if begin > s.tw_end:
                        continue
                    end = begin + s.service
                    if vt.return_empty:
                        used = n_unloads + (via is not None) + 1
                        if vt.max_unloads is not None and used > vt.max_unloads:
                            continue
                        got = _unload(problem, vt.unload_sites, home, s.location, end)
                        if got is None or got[1] + dur[sites[got[0]].location, home] > limit:
                            continue
                    elif end + dur[s.location, home] > limit:
                        continue
                    if vt.max_stops is not None and n_stops >= vt.max_stops:
                        break
                    chosen = (j, via, end)
                    break
                if chosen is None:
                    break
                j, via, t = chosen
                if via is not None:
                    steps.append(("unload", via))
                    n_unloads += 1
                    load[:] = 0.0
                steps.append(("stop", int(j)))
                load += stops[j].demand
                n_stops += 1
                here = stops[j].location
                free[j] = False
            if not steps:  # the next vehicle of this type would fare no better
                break
            if vt.return_empty and steps[-1][0] == "stop":
                steps.append(("unload", _site(problem, vt.unload_sites, here, home)))
            start.append((k, steps))
    return start if partial or not free.any() else None
