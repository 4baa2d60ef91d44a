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

Unload sites (intermediate facilities) are PyVRP reload depots after the visits, every
day's vehicle type listing its type's sites (``max_unloads`` as ``max_reloads``). A
``return_empty`` type ends at a private end depot reached from every location through
its best unload site and home, as the ``pyvrp`` engine does (see
:mod:`~circularopt.routing.engines.pyvrp_engine`); the final unload is written into
the routes when decoding. Sites with opening hours are not supported (not eligible).
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
from circularopt.stop import Budget, FirstOf, NoImprovement

__all__ = ["FORBIDDEN", "day_type", "eligible", "flexible", "free", "load_factor", "solve_horizon"]

FORBIDDEN = 10**9
"""Integer cost of an arc between different days' visits (never worth taking)."""


def day_type(problem: PeriodicProblem, day: int) -> int:
    """The vehicle type of ``day``: the first with vehicles that day (0 when none)."""
    return next((t for t, c in enumerate(problem.fleet(day)) if c > 0), 0)


def eligible(problem: PeriodicProblem) -> bool:
    """Whether the horizon model applies: one depot and one vehicle type a day (days may
    differ: a file's per-day limits); no accumulation, time windows (also at unload
    sites), breaks or stop limits."""
    base = problem.base
    return (len(base.depots) == 1
            and all(u.tw_start == 0 and u.tw_end >= 1e11 for u in base.unload_sites)
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


@dataclass(frozen=True)
class _Layout:
    """The horizon's rows: the depot, the visits, the unload sites, then one private end
    per base vehicle type that returns empty through a site (``ends``); ``end_site[e]``
    gives, for each row before the ends, the site that end ``e`` unloads at."""

    visits: list[_Visit]
    n_sites: int
    ends: tuple[int, ...]
    end_site: tuple[np.ndarray, ...]

    def site_row(self, u: int) -> int:
        """Row (and PyVRP location) of unload site ``u``."""
        return 1 + len(self.visits) + u

    def end_depot(self, t: int) -> int | None:
        """PyVRP depot index of the end of base vehicle type ``t``, or ``None``."""
        return None if t not in self.ends else 1 + self.n_sites + self.ends.index(t)


def _ending_types(problem: PeriodicProblem) -> tuple[int, ...]:
    vts = problem.base.vehicle_types
    return tuple(sorted({t for t in (day_type(problem, d) for d in range(problem.days))
                         if vts[t].return_empty and vts[t].unload_sites}))


def _matrices(problem: PeriodicProblem, visits: list[_Visit]
              ) -> tuple[np.ndarray, np.ndarray, _Layout]:
    """Scaled integer distance and duration over the layout's rows (ends last: reached
    from every other row through the type's best site, by distance; left only at
    :data:`FORBIDDEN`)."""
    base = problem.base
    rows = np.array([base.depots[0].location] + [base.stops[v.stop].location
                                                 for v in visits]
                    + [u.location for u in base.unload_sites])
    dist = np.rint(base.distance[np.ix_(rows, rows)] * base.scale).astype(np.int64)
    dur = np.rint(base.duration[np.ix_(rows, rows)] * base.scale).astype(np.int64)
    m, ends = len(rows), _ending_types(problem)
    first = 1 + len(visits)
    serv = np.array([round(u.unload_duration * base.scale) for u in base.unload_sites],
                    dtype=np.int64)
    full_d = np.full((m + len(ends), m + len(ends)), FORBIDDEN, dtype=np.int64)
    full_t = full_d.copy()
    full_d[:m, :m], full_t[:m, :m] = dist, dur
    end_site = []
    for e, t in enumerate(ends):
        sites = np.array(base.vehicle_types[t].unload_sites)
        via_d = dist[:, first + sites] + dist[first + sites, 0][None, :]
        via_t = dur[:, first + sites] + serv[sites][None, :] + dur[first + sites, 0][None, :]
        best = np.argmin(via_d, axis=1)
        full_d[:m, m + e] = via_d[np.arange(m), best]
        full_t[:m, m + e] = via_t[np.arange(m), best]
        end_site.append(sites[best])
    np.fill_diagonal(full_d, 0)
    np.fill_diagonal(full_t, 0)
    return full_d, full_t, _Layout(visits, len(base.unload_sites), ends, tuple(end_site))


def _profiles(problem: PeriodicProblem, visits: list[_Visit], dist: np.ndarray,
              dur: np.ndarray) -> tuple[list[Any], list[Any]]:
    extra = len(dist) - 1 - len(visits)  # unload sites and ends: reachable on every day
    day = np.array([-1] + [v.day for v in visits] + [-1] * extra)
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


def _data(problem: PeriodicProblem, visits: list[_Visit]) -> tuple[pyvrp.ProblemData,
                                                                   _Layout]:
    base = problem.base
    factor = base.load_scale * load_factor(problem)
    dist, dur, layout = _matrices(problem, visits)
    locs = [pyvrp.Location(0.0, 0.0) for _ in range(len(dist))]
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
    vtypes = [_vehicle_type(base, problem, d, factor, layout) for d in range(problem.days)]
    dists, durs = _profiles(problem, visits, dist, dur)
    return pyvrp.ProblemData(locs, clients, _depots(base, layout), vtypes, dists, durs,
                             [pyvrp.ClientGroup(m) for m in groups.values()]), layout


def _depots(base: RoutingProblem, layout: _Layout) -> list[pyvrp.Depot]:
    """The depot, the unload sites (reload depots) and the private ends."""
    sites = [pyvrp.Depot(layout.site_row(u),
                         service_duration=round(site.unload_duration * base.scale))
             for u, site in enumerate(base.unload_sites)]
    first_end = 1 + len(layout.visits) + layout.n_sites
    return [pyvrp.Depot(0), *sites, *(pyvrp.Depot(first_end + e)
                                      for e in range(len(layout.ends)))]


def _vehicle_type(base: RoutingProblem, problem: PeriodicProblem, day: int, factor: int,
                  layout: _Layout) -> pyvrp.VehicleType:
    t = day_type(problem, day)
    vt = base.vehicle_types[t]
    shift = (round(vt.max_duration * base.scale) if vt.max_duration is not None
             else 2**62)
    end = layout.end_depot(t)
    reloads = (np.iinfo(np.uint64).max if vt.max_unloads is None
               else max(0, vt.max_unloads - (end is not None)))
    return pyvrp.VehicleType(num_available=sum(problem.fleet(day)),
                             capacity=[round(c * factor) for c in vt.capacity],
                             shift_duration=shift, profile=day + 1,
                             end_depot=0 if end is None else end,
                             reload_depots=[1 + u for u in vt.unload_sites],
                             max_reloads=reloads,
                             fixed_cost=round(vt.fixed_cost),
                             unit_distance_cost=1, name=f"day-{day}")


def solve_horizon(problem: PeriodicProblem, choice: Sequence[int], *, seconds: float,
                  seed: int, clock: str = "wall",
                  start: Sequence[Sequence[Sequence[int]]] | None = None,
                  patience: int = 0
                  ) -> tuple[tuple[int, ...], list[RoutingResult]] | None:
    """Route the horizon in one PyVRP search; the choice it makes and each day's routes,
    or ``None`` when PyVRP found no feasible plan.

    Only for :func:`eligible` problems (each day's PyVRP type is made from the day's
    vehicle type); costs are distances. ``start``, each day's routes as
    lists of stop indices (and unloads, ``-1 - u`` for site ``u``) that serve
    ``choice``, warm-starts the search (more unloads are put in where the next stop
    would still overfill the truck). ``patience`` > 0 also ends the search after that
    many PyVRP iterations without improvement.
    """
    visits = _visits(problem, choice)
    data, layout = _data(problem, visits)
    initial = None if start is None else _solution(data, layout, start)
    stop = Budget(max(0.05, seconds), clock)
    result = pyvrp.solve(data, FirstOf(stop, NoImprovement(patience)) if patience else stop,
                         seed=seed,
                         collect_stats=False, display=False, initial_solution=initial)
    if not result.best.is_feasible():
        return None
    return _decode(problem, choice, layout, result.best)


def _solution(data: pyvrp.ProblemData, layout: _Layout,
              routes: Sequence[Sequence[Sequence[int]]]) -> pyvrp.Solution:
    """Each day's routes (stop indices) as a solution of the horizon's data."""
    client = {(v.stop, v.day): i for i, v in enumerate(layout.visits)}
    out = []
    for day, day_routes in enumerate(routes):
        for items in day_routes:
            idx = [client.get((k, day), client.get((k, -1), -1)) if k >= 0 else k
                   for k in items]
            out.append(pyvrp.Route(data, _with_reloads(data, day, idx), day))
    return pyvrp.Solution(data, out)


def _with_reloads(data: pyvrp.ProblemData, vtype: int, items: list[int]
                  ) -> list[pyvrp.Activity]:
    """Activities serving the clients of ``items`` in order, with their unloads (``-1 -
    u``: at site ``u``; a last one is left to a private end depot) and a reload (at the
    depot of least detour) before each client that would still overfill the vehicle."""
    vt = data.vehicle_type(vtype)
    reloads = list(vt.reload_depots)
    cap = np.asarray(vt.capacity)
    dist = np.asarray(data.distance_matrix(vt.profile))
    kind = pyvrp.ActivityType
    acts: list[pyvrp.Activity] = []
    load, here = np.zeros_like(cap), data.depot(vt.start_depot).location
    if items and items[-1] < 0 and vt.end_depot != vt.start_depot:
        items = items[:-1]
    for i in items:
        if i < 0:
            if load.any() and -i in reloads:
                acts.append(pyvrp.Activity(kind.DEPOT, -i))
                load, here = np.zeros_like(cap), data.depot(-i).location
            continue
        c = data.client(i)
        q = np.asarray(c.delivery)
        if reloads and load.any() and np.any(load + q > cap):
            r = min(reloads, key=lambda r: dist[here, data.depot(r).location]
                    + dist[data.depot(r).location, c.location])
            acts.append(pyvrp.Activity(kind.DEPOT, r))
            load = np.zeros_like(cap)
        acts.append(pyvrp.Activity(kind.CLIENT, i))
        load, here = load + q, c.location
    return acts


def _decode(problem: PeriodicProblem, choice: Sequence[int], layout: _Layout,
            solution: pyvrp.Solution) -> tuple[tuple[int, ...], list[RoutingResult]]:
    new = list(choice)
    orders: list[list[list[Step]]] = [[] for _ in range(problem.days)]
    for r in solution.routes():
        day = r.vehicle_type()
        steps: list[Step] = []
        row = 0
        for act in list(r.schedule())[1:-1]:
            if act.is_client():
                v, row = layout.visits[act.idx], act.idx + 1
                steps.append(("stop", v.stop))
                if flexible(problem, v.stop):
                    new[v.stop] = problem.patterns[v.stop].index((day,))
            else:
                steps.append(("unload", act.idx - 1))
                row = layout.site_row(act.idx - 1)
        orders[day].append(steps + _final_unload(layout, day_type(problem, day), steps, row))
    return tuple(new), [_day_result(problem, new, d, orders[d]) for d in range(problem.days)]


def _final_unload(layout: _Layout, vtype: int, steps: list[Step], row: int
                  ) -> list[Step]:
    """The unload before going home, from the last step's ``row``, of a base vehicle type
    that returns empty (none when the route already ends with an unload at that site)."""
    t = vtype
    if t not in layout.ends or not steps:
        return []
    site = int(layout.end_site[layout.ends.index(t)][row])
    return [] if steps[-1] == ("unload", site) else [("unload", site)]


def _day_result(problem: PeriodicProblem, choice: Sequence[int], day: int,
                orders: list[list[Step]]) -> RoutingResult:
    sub = day_problem(problem, choice, day)
    ids = [problem.base.stops[k].id for k in range(problem.base.num_stops)]
    routes = []
    for vehicle, order in enumerate(orders):
        steps: list[Step] = [(kind, sub.stop_index(ids[k]) if kind == "stop" else k)
                             for kind, k in order]
        routes.append(schedule_route(sub, day_type(problem, day), vehicle, steps))
    return RoutingResult(sub.name, "pyvrp-horizon", "feasible", 0.0, tuple(routes))
