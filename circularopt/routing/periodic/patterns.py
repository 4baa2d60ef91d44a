"""Pattern improvement on fixed routes, after Vidal et al. (2012).

:class:`DayRoutes` holds every day's routes as lists of stop indices. Its move
(:meth:`DayRoutes.repattern`) removes a stop from all the days of its pattern and
reinserts it with the allowed pattern whose cheapest feasible insertions, summed over
the pattern's days, cost least; the costs are exact for the current routes (arc costs,
capacity and route duration checked). :func:`improve_patterns` repeats the move over all
stops until none improves; :func:`perturb` moves a few random stops to another pattern
(the "kick" of an iterated local search). Routes are not re-optimised here: the caller
routes the days again with an engine.

Caveat: vehicles with unload sites are treated as uncapacitated (the cost of an extra
unload trip is not estimated), and time windows are not checked; the caller's routing
and :func:`~circularopt.routing.periodic.validate.validate_periodic` decide.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np

from circularopt.routing.periodic.model import Pattern, PeriodicProblem, visit_gaps
from circularopt.routing.result import RoutingResult

__all__ = ["DayRoutes", "improve_patterns", "kick", "perturb"]

_EPS = 1e-9
_Insert = tuple[float, int, int]  # (added cost, route (-1: a new route of type), position)


class DayRoutes:
    """Each day's routes (stop indices), their vehicle types, loads and durations.

    Parameters
    ----------
    problem
        The periodic problem.
    choice
        The pattern index of each stop.
    days
        Each day's routing result over :func:`~circularopt.routing.periodic.model.day_problem`.
    overload
        Cost per unit of load above a vehicle's capacity, or ``None``: overloads are
        refused. With a penalty, moves may overload a route for the engine to repair.
    """

    def __init__(self, problem: PeriodicProblem, choice: Sequence[int],
                 days: Sequence[RoutingResult], *, overload: float | None = None) -> None:
        self.problem = problem
        self.overload = overload
        base = problem.base
        self.loc = np.array([s.location for s in base.stops], dtype=int)
        self.service = np.array([s.service for s in base.stops], dtype=float)
        self.choice = list(choice)
        self.routes = [[[base.stop_index(i) for i in r.stops] for r in day.routes]
                       for day in days]
        self.types = [[r.vehicle_type for r in day.routes] for day in days]
        self.load = [[self._load(d, r) for r in range(len(self.routes[d]))]
                     for d in range(problem.days)]
        self.dur = [[self._duration(d, r) for r in range(len(self.routes[d]))]
                    for d in range(problem.days)]

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

    def path(self, d: int, r: int) -> np.ndarray:
        """Locations of route ``r`` of day ``d``, depots included."""
        start, end = self._ends(self.types[d][r])
        return np.array([start, *self.loc[self.routes[d][r]], end], dtype=int)

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
        return float(np.maximum(load - np.asarray(vt.capacity), 0.0).sum())

    def _penalty(self, vtype: int, before: np.ndarray, after: np.ndarray) -> float:
        """Added overload cost (``inf`` when overloads are refused)."""
        more = self._excess(vtype, after) - self._excess(vtype, before)
        if more <= _EPS:
            return (self.overload or 0.0) * min(more, 0.0)
        return float("inf") if self.overload is None else self.overload * more

    def _load(self, d: int, r: int) -> np.ndarray:
        total = np.zeros(self.problem.base.num_dims)
        for k in self.routes[d][r]:
            total += self.visit_load(k, self.pattern(k), d)
        return total

    def _duration(self, d: int, r: int) -> float:
        p = self.path(d, r)
        travel = float(self.problem.base.duration[p[:-1], p[1:]].sum())
        return travel + float(self.service[self.routes[d][r]].sum())

    def _refresh(self, d: int, r: int) -> None:
        if not self.routes[d][r]:
            for table in (self.routes, self.types, self.load, self.dur):
                del table[d][r]
            return
        self.load[d][r] = self._load(d, r)
        self.dur[d][r] = self._duration(d, r)

    # ------------------------------------------------------------------ remove, insert

    def remove(self, k: int, d: int) -> tuple[float, int, int]:
        """Take stop ``k`` off day ``d``: (cost saved, route, position); a route left
        empty is dropped, reported as route -1 and its vehicle type as the position."""
        for r, stops in enumerate(self.routes[d]):
            if k in stops:
                i = stops.index(k)
                p = self.path(d, r)
                vt = self.types[d][r]
                saved = float(self._cost(vt, p[i], p[i + 1]) + self._cost(vt, p[i + 1], p[i + 2])
                              - self._cost(vt, p[i], p[i + 2]))
                load = self.load[d][r]
                del stops[i]
                self._refresh(d, r)
                after = self.load[d][r] if stops else np.zeros_like(load)
                saved -= self._penalty(vt, load, after)
                if not stops:
                    return saved + self.problem.base.vehicle_types[vt].fixed_cost, -1, vt
                return saved, r, i
        return 0.0, -1, -1

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
            added = (self._cost(t, p[:-1], s) + self._cost(t, s, p[1:])
                     - self._cost(t, p[:-1], p[1:])) + over
            if vt.max_duration is not None:
                longer = dur[p[:-1], s] + dur[s, p[1:]] - dur[p[:-1], p[1:]] + self.service[k]
                added = np.where(self.dur[d][r] + longer <= vt.max_duration + _EPS, added,
                                 np.inf)
            i = int(np.argmin(added))
            if added[i] < best[0]:
                best = (float(added[i]), r, i)
        return min(best, self._new_route(k, d, q), key=lambda x: x[0])

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
            if vt.max_duration is not None and (
                    base.duration[start, s] + base.duration[s, end] + self.service[k]
                    > vt.max_duration + _EPS):
                continue
            cost = float(self._cost(t, start, s) + self._cost(t, s, end)) + vt.fixed_cost + over
            return cost, -1, t
        return float("inf"), -2, -1

    def insert(self, k: int, d: int, where: _Insert) -> None:
        """Put stop ``k`` on day ``d`` at ``where`` (from :meth:`cheapest`)."""
        _, r, i = where
        if r == -1:
            self.routes[d].append([k])
            self.types[d].append(i)
            self.load[d].append(np.zeros(self.problem.base.num_dims))
            self.dur[d].append(0.0)
            r = len(self.routes[d]) - 1
        else:
            self.routes[d][r].insert(i, k)
        self._refresh(d, r)

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
        removed = [(d, *self.remove(k, d)) for d in self.pattern(k)]
        saved = sum(x[1] for x in removed)
        cost, j, plan = self.best_pattern(k)
        if cost < saved - 1e-6:
            self.choice[k] = j
            for d, where in plan:
                self.insert(k, d, where)
            return saved - cost
        for d, _, r, i in reversed(removed):
            self.restore(k, d, r, i)
        return 0.0

    def restore(self, k: int, d: int, r: int, i: int) -> None:
        """Undo :meth:`remove` (``r``, ``i`` as it returned them)."""
        self.insert(k, d, (0.0, r, i))


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
        removed = [(d, *routes.remove(k, d)) for d in routes.pattern(k)]
        cost, j, plan = routes.best_pattern(k, exclude=routes.choice[k])
        if j < 0 or not np.isfinite(cost):
            for d, _, r, i in reversed(removed):
                routes.restore(k, d, r, i)
            continue
        routes.choice[k] = j
        for d, where in plan:
            routes.insert(k, d, where)
        moved.append(k)
    return moved
