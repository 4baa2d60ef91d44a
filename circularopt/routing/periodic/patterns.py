"""Pattern improvement on fixed routes, after Vidal et al. (2012).

:class:`DayRoutes` holds every day's routes as lists of stop indices. Its move
(:meth:`DayRoutes.repattern`) removes a stop from all the days of its pattern and
reinserts it with the allowed pattern whose cheapest feasible insertions, summed over
the pattern's days, cost least; the costs are exact for the current routes (arc costs,
capacity and route duration checked). :func:`improve_patterns` repeats the move over all
stops until none improves; :func:`perturb` moves a few random stops to another pattern
(the "kick" of an iterated local search). Routes are not re-optimised here: the caller
routes the days again with an engine.

Vehicles with unload sites keep their unload steps in the routes (encoded ``-1 - u``
for site ``u``) and are capacitated per trip (the stops between two unloads): an
insertion that overfills a trip also pays the cheapest unload detour on that trip (the
unload is then put where it splits the trip within capacity at least detour), and a
removal drops an unload that no longer separates two trips needing it (an empty trip,
or two that now fit in one). The detour is an estimate: the split it prices may not
exist, and the unload actually put in may cost (and last) more than priced; the route
duration is not checked again after it. Time windows are not checked; the caller's routing and
:func:`~circularopt.routing.periodic.validate.validate_periodic` decide.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from circularopt.routing.periodic.model import Pattern, PeriodicProblem, visit_gaps
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.result import Route, RoutingResult

__all__ = ["DayRoutes", "improve_patterns", "kick", "perturb"]

_EPS = 1e-9
_Insert = tuple[float, int, int]  # (added cost, route (-1: a new route of type), position)


@dataclass(frozen=True)
class _Trips:
    """A route's figures for pricing unloads, per insertion position (``trip_of``: its trip;
    ``cost``/``time``: the least unload detour on an edge of that trip between two
    stops; ``after``/``before``: a stop precedes/follows it) and per position and unload
    site (``sites``: their locations; ``cost_au``/``time_au``: from the item before to the
    site; ``cost_ub``/``time_ub``: from the site to the item after); ``loads``: each
    trip's load."""

    trip_of: np.ndarray
    loads: np.ndarray
    cost: np.ndarray
    time: np.ndarray
    after: np.ndarray
    before: np.ndarray
    sites: np.ndarray
    cost_au: np.ndarray
    cost_ub: np.ndarray
    time_au: np.ndarray
    time_ub: np.ndarray


class DayRoutes:
    """Each day's routes (stop indices), their vehicle types, loads and durations.

    Parameters
    ----------
    problem
        The periodic problem.
    choice
        The pattern index of each stop.
    days
        Each day's routing result over :func:`~circularopt.routing.periodic.model.day_problem`
        (unload steps kept in ``routes`` as ``-1 - u`` for site ``u``).
    overload
        Cost per unit of load above a vehicle's capacity, or ``None``: overloads are
        refused. With a penalty, moves may overload a route for the engine to repair.
    overtime
        Cost per unit of duration above a route's ``max_duration``, or ``None``: such
        insertions are refused (a screen may price them for an engine to repair).
    """

    def __init__(self, problem: PeriodicProblem, choice: Sequence[int],
                 days: Sequence[RoutingResult], *, overload: float | None = None,
                 overtime: float | None = None) -> None:
        self.problem = problem
        self.overload = overload
        self.overtime = overtime
        base = problem.base
        self.loc = np.array([s.location for s in base.stops], dtype=int)
        self.service = np.array([s.service for s in base.stops], dtype=float)
        self.site_loc = [u.location for u in base.unload_sites]
        self.site_time = [u.unload_duration for u in base.unload_sites]
        self.choice = list(choice)
        self.routes = [[_items(base, r) for r in day.routes] for day in days]
        self.types = [[r.vehicle_type for r in day.routes] for day in days]
        self.load: list[list[np.ndarray]] = [[] for _ in range(problem.days)]
        self.dur: list[list[float]] = [[] for _ in range(problem.days)]
        self._paths: list[list[np.ndarray]] = [[] for _ in range(problem.days)]
        self._arcs: list[list[float]] = [[] for _ in range(problem.days)]
        self._unloads: list[list[_Trips | None]] = [[] for _ in range(problem.days)]
        self._edges: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(
            problem.days)]  # each route's arc costs and durations
        self._cap = [np.asarray(vt.capacity) for vt in base.vehicle_types]
        for d in range(problem.days):
            self._measure(d)

    # ------------------------------------------------------------------ route figures

    def pattern(self, k: int) -> Pattern:
        """The current pattern of stop ``k``."""
        return self.problem.patterns[k][self.choice[k]]

    def visit_load(self, k: int, pattern: Pattern, d: int) -> np.ndarray:
        """What stop ``k`` hands over on day ``d`` of ``pattern``."""
        q = np.asarray(self.problem.base.stops[k].demand, dtype=float)
        return q * visit_gaps(self.problem, pattern)[d] if self.problem.accumulate else q

    def _ends(self, vtype: int) -> tuple[int, int]:
        base = self.problem.base
        vt = base.vehicle_types[vtype]
        return base.depots[vt.depot].location, base.depots[vt.end_depot].location

    def _where(self, item: int) -> int:
        """Location of a route item (a stop, or ``-1 - u`` for unload site ``u``)."""
        return int(self.loc[item]) if item >= 0 else self.site_loc[-1 - item]

    def path(self, d: int, r: int) -> np.ndarray:
        """Locations of route ``r`` of day ``d``, depots (and unload sites) included."""
        return self._paths[d][r]

    def _path_now(self, d: int, r: int) -> np.ndarray:
        """:meth:`path` of the route's items as they are now (the cache may be stale)."""
        start, end = self._ends(self.types[d][r])
        return np.array([start, *(self._where(x) for x in self.routes[d][r]), end],
                        dtype=int)

    def route_cost(self, d: int, r: int) -> float:
        """Arc cost of route ``r`` of day ``d`` (without its fixed cost)."""
        return self._arcs[d][r]

    def cost(self, days: Iterable[int] | None = None) -> float:
        """Cost of the routes on ``days`` (every day by default) as they stand: every
        route's arc cost and its vehicle type's fixed cost, plus the overload cost when
        overloads are allowed."""
        types = self.problem.base.vehicle_types
        total = 0.0
        for d in range(len(self.routes)) if days is None else days:
            for r in range(len(self.routes[d])):
                vt = types[self.types[d][r]]
                total += self.route_cost(d, r) + vt.fixed_cost
                if self.overload and not vt.unload_sites:
                    excess = np.maximum(self.load[d][r] - np.asarray(vt.capacity), 0.0)
                    total += self.overload * float(excess.sum())
        return total

    def _cost(self, vtype: int, a: np.ndarray | int, b: np.ndarray | int) -> np.ndarray:
        vt = self.problem.base.vehicle_types[vtype]
        cost = vt.cost_per_distance * self.problem.base.distance[a, b]
        if vt.cost_per_duration:
            cost = cost + vt.cost_per_duration * self.problem.base.duration[a, b]
        return np.asarray(cost, dtype=float)

    def _excess(self, vtype: int, load: np.ndarray) -> float:
        vt = self.problem.base.vehicle_types[vtype]
        if vt.unload_sites:
            return 0.0
        cap = self._cap[vtype]
        if len(cap) == 1:  # the same figure without numpy's overhead on one element
            return max(float(load[0]) - float(cap[0]), 0.0)
        return float(np.maximum(load - cap, 0.0).sum())

    def _penalty(self, vtype: int, before: np.ndarray, after: np.ndarray) -> float:
        """Added overload cost (``inf`` when overloads are refused)."""
        more = self._excess(vtype, after) - self._excess(vtype, before)
        if more <= _EPS:
            return (self.overload or 0.0) * min(more, 0.0)
        return float("inf") if self.overload is None else self.overload * more

    def _load(self, d: int, r: int) -> np.ndarray:
        total = np.zeros(self.problem.base.num_dims)
        for k in self.routes[d][r]:
            if k >= 0:
                total += self.visit_load(k, self.pattern(k), d)
        return total

    def trips(self, d: int, r: int) -> list[np.ndarray]:
        """Load of each trip of route ``r`` of day ``d`` (split at its unloads)."""
        out = [np.zeros(self.problem.base.num_dims)]
        for k in self.routes[d][r]:
            if k < 0:
                out.append(np.zeros_like(out[0]))
            else:
                out[-1] = out[-1] + self.visit_load(k, self.pattern(k), d)
        return out

    def _duration(self, d: int, r: int) -> float:
        travel = float(self._edges[d][r][1].sum())
        items = self.routes[d][r]
        return travel + float(sum(self.service[k] if k >= 0 else self.site_time[-1 - k]
                                  for k in items))

    def _refresh(self, d: int, r: int) -> None:
        """Recompute route ``r`` of day ``d``'s figures after its items changed (drop it
        when no stop is left)."""
        if not any(k >= 0 for k in self.routes[d][r]):
            for table in self._tables():
                del table[d][r]
            return
        self._figures(d, r)

    def _figures(self, d: int, r: int) -> None:
        """Compute route ``r`` of day ``d``'s path, arc cost, load and duration."""
        p = self._paths[d][r] = self._path_now(d, r)
        self._edges[d][r] = (self._cost(self.types[d][r], p[:-1], p[1:]),
                             self.problem.base.duration[p[:-1], p[1:]])
        self._arcs[d][r] = float(self._edges[d][r][0].sum())
        self.load[d][r] = self._load(d, r)
        self.dur[d][r] = self._duration(d, r)
        self._unloads[d][r] = None  # made again when an insertion is priced

    def _measure(self, d: int) -> None:
        """Compute every figure of day ``d``'s routes (routes without stops kept, as
        given)."""
        n = len(self.routes[d])
        self.load[d], self.dur[d] = [np.zeros(0)] * n, [0.0] * n
        self._paths[d], self._arcs[d] = [np.zeros(0, dtype=int)] * n, [0.0] * n
        self._unloads[d] = [None] * n
        self._edges[d] = [(np.zeros(0), np.zeros(0))] * n
        for r in range(n):
            self._figures(d, r)

    # ------------------------------------------------------------------ remove, insert

    def remove(self, k: int, d: int) -> tuple[float, int, int]:
        """Take stop ``k`` off day ``d``: (cost saved, route, position); a route left
        without stops is dropped, reported as route -1 and its vehicle type as the
        position. Unloads no longer needed go too (see the module docstring)."""
        for r, items in enumerate(self.routes[d]):
            if k in items:
                i = items.index(k)
                vt = self.types[d][r]
                before, load = self.route_cost(d, r), self.load[d][r]
                del items[i]
                if not any(x >= 0 for x in items):
                    self._refresh(d, r)
                    return (before + self.problem.base.vehicle_types[vt].fixed_cost
                            - self._penalty(vt, load, np.zeros_like(load)), -1, vt)
                self._drop_unloads(d, r)
                self._refresh(d, r)
                saved = before - self.route_cost(d, r)
                return saved - self._penalty(vt, load, self.load[d][r]), r, i
        return 0.0, -1, -1

    def _drop_unloads(self, d: int, r: int) -> None:
        """Drop the unloads of route ``r`` that end a trip without stops, or that join two
        trips fitting in one at a saving; the last unload stays."""
        items = self.routes[d][r]
        cap = np.asarray(self.problem.base.vehicle_types[self.types[d][r]].capacity)
        dropped = True
        while dropped:
            dropped = False
            trips, stops = self.trips(d, r), _trip_stops(items)
            p = self._path_now(d, r)
            t = 0
            for i, x in enumerate(items):
                if x >= 0:
                    continue
                if i < len(items) - 1 or not stops[t]:
                    detour = float(self._cost(self.types[d][r], p[i], p[i + 1])
                                   + self._cost(self.types[d][r], p[i + 1], p[i + 2])
                                   - self._cost(self.types[d][r], p[i], p[i + 2]))
                    if not stops[t] or (t + 1 < len(trips) and detour >= 0
                                        and np.all(trips[t] + trips[t + 1] <= cap + _EPS)):
                        del items[i]
                        dropped = True
                        break
                t += 1

    def cheapest(self, k: int, d: int, q: np.ndarray) -> _Insert:
        """Cheapest feasible insertion of stop ``k`` with load ``q`` on day ``d``."""
        best: _Insert = (float("inf"), -2, -1)
        s = int(self.loc[k])
        dur = self.problem.base.duration
        for r in range(len(self.routes[d])):
            vt = self.problem.base.vehicle_types[self.types[d][r]]
            p, t = self.path(d, r), self.types[d][r]
            over = self._penalty(t, self.load[d][r], self.load[d][r] + q)
            if over == float("inf"):
                continue
            arc_cost, arc_time = self._edges[d][r]
            added = (self._cost(t, p[:-1], s) + self._cost(t, s, p[1:]) - arc_cost) + over
            longer = dur[p[:-1], s] + dur[s, p[1:]] - arc_time + self.service[k]
            if vt.unload_sites:
                extra, extra_time = self._unload_extra(d, r, s, q)
                added, longer = added + extra, longer + extra_time
            if vt.max_duration is not None:
                late = self.dur[d][r] + longer - vt.max_duration
                added = np.where(late <= _EPS, added, np.inf if self.overtime is None
                                 else added + self.overtime * late)
            i = int(np.argmin(added))
            if added[i] < best[0]:
                best = (float(added[i]), r, i)
        return min(best, self._new_route(k, d, q), key=lambda x: x[0])

    def _trip_figures(self, d: int, r: int) -> _Trips:
        """What :meth:`_unload_extra` needs of route ``r`` of day ``d`` whatever the stop
        inserted (made once per change of the route, when first needed)."""
        items, t = self.routes[d][r], self.types[d][r]
        vt = self.problem.base.vehicle_types[t]
        trip_of = np.concatenate([[0], np.cumsum(np.array(items) < 0)]).astype(int)
        p = self.path(d, r)
        u = np.array([self.site_loc[x] for x in vt.unload_sites])[None, :]
        a, b = p[:-1, None], p[1:, None]
        dur = self.problem.base.duration
        stop = np.array([False, *(x >= 0 for x in items), False])
        inner = stop[:-1] & stop[1:]  # edge j joins two stops
        arc_cost, arc_time = self._edges[d][r]
        cost_au, cost_ub = self._cost(t, a, u), self._cost(t, u, b)
        edge_cost = (cost_au + cost_ub - arc_cost[:, None]).min(axis=1)
        edge_time = (dur[a, u] + dur[u, b] - arc_time[:, None]).min(axis=1)
        n = int(trip_of[-1]) + 1
        trip_cost, trip_time = np.full(n, np.inf), np.full(n, np.inf)
        for trip in range(n):
            mine = inner & (trip_of == trip)
            if mine.any():
                trip_cost[trip] = edge_cost[mine].min()
                trip_time[trip] = edge_time[mine].min()
        return _Trips(trip_of, np.array(self.trips(d, r)), trip_cost[trip_of],
                      trip_time[trip_of], stop[:-1], stop[1:], u[0], cost_au, cost_ub,
                      dur[a, u], dur[u, b])

    def _unload_extra(self, d: int, r: int, s: int, q: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Per insertion position of stop location ``s`` into route ``r``: the unload
        detour (cost, time) its trip needs when ``q`` overfills it, the least over the
        trip's edges between two stops and the new stop's edges to a neighbouring stop;
        ``inf`` after the final unload of a type that returns empty."""
        items, t = self.routes[d][r], self.types[d][r]
        vt = self.problem.base.vehicle_types[t]
        f = self._unloads[d][r]
        if f is None:
            f = self._unloads[d][r] = self._trip_figures(d, r)
        over = np.any(f.loads + q > np.asarray(vt.capacity) + _EPS, axis=1)[f.trip_of]
        extra, extra_time = np.zeros(len(f.trip_of)), np.zeros(len(f.trip_of))
        if over.any():
            p = self.path(d, r)
            u = f.sites
            dur = self.problem.base.duration
            cost, time = f.cost, f.time
            a, b = p[:-1], p[1:]
            for valid, c, tm in (  # the unload between the stop before and the new stop,
                    (f.after, (f.cost_au + self._cost(t, u, s)[None, :]).min(axis=1)
                     - self._cost(t, a, s), (f.time_au + dur[u, s][None, :]).min(axis=1)
                     - dur[a, s]),
                    (f.before, (self._cost(t, s, u)[None, :] + f.cost_ub).min(axis=1)
                     - self._cost(t, s, b), (dur[s, u][None, :] + f.time_ub).min(axis=1)
                     - dur[s, b])):  # or between the new stop and the one after
                cost = np.where(valid, np.minimum(cost, c), cost)
                time = np.where(valid, np.minimum(time, tm), time)
            extra, extra_time = np.where(over, cost, 0.0), np.where(over, time, 0.0)
        if vt.return_empty and items and items[-1] < 0:
            extra[-1] = np.inf
        return extra, extra_time

    def _new_route(self, k: int, d: int, q: np.ndarray) -> _Insert:
        fleet = self.problem.fleet(d)
        base = self.problem.base
        for t, count in enumerate(fleet):
            vt = base.vehicle_types[t]
            over = self._penalty(t, np.zeros_like(q), q)
            if self.types[d].count(t) >= count or over == float("inf"):
                continue
            start, end = self._ends(t)
            s = int(self.loc[k])
            _, cost, time = self._home(t, s, end)
            if vt.max_duration is not None and (base.duration[start, s] + time
                                                + self.service[k] > vt.max_duration + _EPS):
                continue
            return float(self._cost(t, start, s)) + cost + vt.fixed_cost + over, -1, t
        return float("inf"), -2, -1

    def _home(self, t: int, s: int, end: int) -> tuple[int | None, float, float]:
        """From location ``s`` to ``end`` for type ``t``: the unload site passed (``None``
        unless the type returns empty through one), its cost and time."""
        vt = self.problem.base.vehicle_types[t]
        dur = self.problem.base.duration
        if not (vt.return_empty and vt.unload_sites):
            return None, float(self._cost(t, s, end)), float(dur[s, end])
        u = min(vt.unload_sites, key=lambda u: float(self._cost(t, s, self.site_loc[u])
                                                      + self._cost(t, self.site_loc[u], end)))
        at = self.site_loc[u]
        return (u, float(self._cost(t, s, at) + self._cost(t, at, end)),
                float(dur[s, at] + self.site_time[u] + dur[at, end]))

    def insert(self, k: int, d: int, where: _Insert) -> None:
        """Put stop ``k`` on day ``d`` at ``where`` (from :meth:`cheapest`), with an
        unload where its trip would overfill."""
        _, r, i = where
        if r == -1:
            via = self._home(i, int(self.loc[k]), self._ends(i)[1])[0]
            self.routes[d].append([k] if via is None else [k, -1 - via])
            self.types[d].append(i)
            self.load[d].append(np.zeros(self.problem.base.num_dims))
            self.dur[d].append(0.0)
            self._paths[d].append(np.zeros(0, dtype=int))
            self._arcs[d].append(0.0)
            self._unloads[d].append(None)
            self._edges[d].append((np.zeros(0), np.zeros(0)))
            r = len(self.routes[d]) - 1
        else:
            self.routes[d][r].insert(i, k)
            if self.problem.base.vehicle_types[self.types[d][r]].unload_sites:
                self._split(d, r, i)
        self._refresh(d, r)

    def _split(self, d: int, r: int, i: int) -> None:
        """Put an unload into the trip of position ``i`` of route ``r`` when it is
        overfull: where both parts fit (else anywhere between two of its stops), at the
        site and place of least detour."""
        items, t = self.routes[d][r], self.types[d][r]
        vt = self.problem.base.vehicle_types[t]
        cap = np.asarray(vt.capacity)
        lo = max((j + 1 for j in range(i) if items[j] < 0), default=0)
        hi = next((j for j in range(i, len(items)) if items[j] < 0), len(items))
        loads = [self.visit_load(x, self.pattern(x), d) for x in items[lo:hi]]
        if np.all(np.sum(loads, axis=0) <= cap + _EPS) or hi - lo < 2:
            return
        p = self._path_now(d, r)
        best: tuple[bool, float, int, int] = (False, float("inf"), -1, -1)
        for j in range(lo + 1, hi):  # the unload goes before items[j]
            fits = bool(np.all(np.sum(loads[:j - lo], axis=0) <= cap + _EPS)
                        and np.all(np.sum(loads[j - lo:], axis=0) <= cap + _EPS))
            for u in vt.unload_sites:
                at = self.site_loc[u]
                detour = float(self._cost(t, p[j], at) + self._cost(t, at, p[j + 1])
                               - self._cost(t, p[j], p[j + 1]))
                if (not fits, detour) < (not best[0], best[1]):
                    best = (fits, detour, j, u)
        items.insert(best[2], -1 - best[3])

    # ------------------------------------------------------------------ the move

    def best_pattern(self, k: int, exclude: int | None = None
                     ) -> tuple[float, int, list[tuple[int, _Insert]]]:
        """With ``k`` off every day: the allowed pattern of cheapest insertion (its cost,
        index and the insertions), skipping ``exclude``; cost ``inf`` when none fits."""
        best: tuple[float, int, list[tuple[int, _Insert]]] = (float("inf"), -1, [])
        for j, pattern in enumerate(self.problem.patterns[k]):
            if j == exclude:
                continue
            total, plan = 0.0, []
            for d in pattern:
                where = self.cheapest(k, d, self.visit_load(k, pattern, d))
                total += where[0]
                plan.append((d, where))
                if total >= best[0]:
                    break
            if total < best[0]:
                best = (total, j, plan)
        return best

    def repattern(self, k: int) -> float:
        """Remove ``k`` from all its days and reinsert it with its best pattern when that
        saves cost (else put it back where it was); the saving (>= 0)."""
        undo = self.snapshot(self.pattern(k))
        saved = sum(self.remove(k, d)[0] for d in self.pattern(k))
        cost, j, plan = self.best_pattern(k)
        if cost < saved - 1e-6:
            self.choice[k] = j
            for d, where in plan:
                self.insert(k, d, where)
            return saved - cost
        self.restore(undo)
        return 0.0

    def snapshot(self, days: Iterable[int]) -> list[tuple[int, tuple[list[Any], ...]]]:
        """The routes of ``days`` and their figures, for :meth:`restore`."""
        return [(d, tuple(list(table[d]) if table is not self.routes
                          else [list(r) for r in table[d]] for table in self._tables()))
                for d in days]

    def restore(self, snapshot: list[tuple[int, tuple[list[Any], ...]]]) -> None:
        """Put back the routes of a :meth:`snapshot` (the choice is the caller's)."""
        for d, saved in snapshot:
            for table, rows in zip(self._tables(), saved, strict=True):
                table[d] = list(rows) if table is not self.routes else [list(r) for r in rows]

    def _tables(self) -> tuple[list[list[Any]], ...]:
        return (self.routes, self.types, self.load, self.dur, self._paths, self._arcs,
                self._unloads, self._edges)


def _movable(problem: PeriodicProblem) -> list[int]:
    return [k for k in range(problem.base.num_stops) if len(problem.patterns[k]) > 1]


def improve_patterns(routes: DayRoutes, rng: np.random.Generator, *,
                     max_passes: int = 20, fixed: Collection[int] = ()) -> float:
    """Apply :meth:`DayRoutes.repattern` to every stop with a choice, in random order,
    until a pass saves nothing (at most ``max_passes``); the total saving. Stops in
    ``fixed`` keep their pattern (a kick's stops, so that it is not undone at once)."""
    movable = [k for k in _movable(routes.problem) if k not in fixed]
    total = 0.0
    for _ in range(max_passes):
        gained = sum(routes.repattern(int(k)) for k in rng.permutation(movable))
        total += gained
        if gained <= 1e-6:
            break
    return total


def perturb(routes: DayRoutes, rng: np.random.Generator, count: int) -> int:
    """Move ``count`` random stops to another allowed pattern (the cheapest other one
    that fits); the number moved."""
    return len(kick(routes, (int(k) for k in rng.permutation(_movable(routes.problem))[:count])))


def kick(routes: DayRoutes, stops: Iterable[int]) -> list[int]:
    """Move each of ``stops`` to its cheapest other allowed pattern that fits; the stops
    moved."""
    moved = []
    for k in stops:
        undo = routes.snapshot(routes.pattern(k))
        for d in routes.pattern(k):
            routes.remove(k, d)
        cost, j, plan = routes.best_pattern(k, exclude=routes.choice[k])
        if j < 0 or not np.isfinite(cost):
            routes.restore(undo)
            continue
        routes.choice[k] = j
        for d, where in plan:
            routes.insert(k, d, where)
        moved.append(k)
    return moved


def _items(problem: RoutingProblem, route: Route) -> list[int]:
    """A route's stops (indices) and unloads (``-1 - u``), in order."""
    return [problem.stop_index(v.id) if v.kind == "stop" else -1 - v.index
            for v in route.visits if v.kind in ("stop", "unload")]


def _trip_stops(items: Sequence[int]) -> list[int]:
    """Number of stops in each trip of a route's items."""
    out = [0]
    for x in items:
        if x < 0:
            out.append(0)
        else:
            out[-1] += 1
    return out
