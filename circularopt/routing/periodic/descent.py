"""Pattern descent judged by routed cost: one or two stops to other patterns, or a
day's smallest route emptied.

The insertion-priced moves of :mod:`~circularopt.routing.periodic.patterns` move one
stop at a time on fixed routes; a plan can be a local optimum of those moves while
moving two neighbouring stops at once (one to the other's days and back) and routing
the days again saves. :func:`descend` therefore

1. lists candidate moves: each stop with a choice to each of its other patterns, and
   each pair of a stop and one of its ``neighbours`` nearest stops with a choice, both
   moving to other patterns such that each new pattern takes a day of the other
   stop's current pattern (a swap of days); and, for each day with two or more
   routes, the move that empties its route of fewest stops (:func:`eliminations`): a
   day served by one truck fewer saves a trip out and home that no one-stop move
   shows, as a shift's length often decides the trucks a day needs;
2. screens them on the plan's routes (:class:`~circularopt.routing.periodic.patterns.
   DayRoutes`): the stops are removed and reinserted at their cheapest places, a route
   over its duration paying ``overtime`` per unit instead of being refused (a swap
   often needs a route to be re-ordered to fit), and sorts them by that price;
3. judges them in that order by routing only the days they change, each day on its own
   (:func:`~circularopt.routing.periodic.horizon.solve_horizon` of that day, its stops
   fixed to it) warm-started from the screened routes, the days sharing
   ``judge_seconds`` by their visits (small problems converge faster than their
   horizon as one; an emptying move gets ``judge_seconds`` for each day it changes
   and is judged before the others, as its changed days need a longer search);
   the first move whose routed days cost less than the plan's days is taken, and the
   list is made again from the new plan.

It stops when a whole list gives no improvement or the budget runs out. Only for
problems the horizon model takes (:func:`~circularopt.routing.periodic.horizon.
eligible`): their days are independent once every stop's days are fixed. A routed cost
is a short search's, so a move rejected here may still pay with longer routing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from circularopt import _validate
from circularopt.routing.periodic import horizon
from circularopt.routing.periodic.model import PeriodicProblem, day_problem
from circularopt.routing.periodic.patterns import DayRoutes
from circularopt.routing.result import RoutingResult, Step, schedule_route
from circularopt.stop import Budget

__all__ = ["Move", "descend", "eliminations", "moves", "screen"]

Move = tuple[tuple[int, int], ...]
"""(stop, new pattern index) for each stop moved."""


def moves(problem: PeriodicProblem, choice: Sequence[int], neighbours: int) -> list[Move]:
    """Single moves of every stop with a choice and swaps of days with its
    ``neighbours`` nearest such stops (see the module docstring)."""
    movable = [k for k, p in enumerate(problem.patterns) if len(p) > 1]
    out: list[Move] = [((k, j),) for k in movable for j in range(len(problem.patterns[k]))
                       if j != choice[k]]
    if neighbours <= 0 or len(movable) < 2:
        return out
    locs = np.array([problem.base.stops[k].location for k in movable], dtype=int)
    near = np.argsort(problem.base.distance[np.ix_(locs, locs)], axis=1, kind="stable")
    seen: set[tuple[int, int]] = set()
    for i, a in enumerate(movable):
        for b in (movable[int(x)] for x in near[i, 1:neighbours + 1]):
            if (min(a, b), max(a, b)) not in seen:
                seen.add((min(a, b), max(a, b)))
                out += _swaps(problem, choice, a, b)
    return out


def eliminations(routes: DayRoutes, priced: Sequence[tuple[float, Move]]) -> list[Move]:
    """For each day with two or more routes, the move that empties its route of fewest
    stops: each of them with a pattern without that day moved to the cheapest such
    pattern by its single-move price in ``priced`` (the others stay on the day)."""
    price = {m[0]: p for p, m in priced if len(m) == 1}
    out: list[Move] = []
    for d, day in enumerate(routes.routes):
        stops = [[k for k in r if k >= 0] for r in day]
        if sum(bool(r) for r in stops) < 2:
            continue
        smallest = min((r for r in stops if r), key=len)
        move = []
        for k in smallest:
            options = [(price[(k, j)], j) for j, days in enumerate(routes.problem.patterns[k])
                       if d not in days and (k, j) in price]
            if options:
                move.append((k, min(options)[1]))
        if len(move) >= 2:
            out.append(tuple(move))
    return out


def _swaps(problem: PeriodicProblem, choice: Sequence[int], a: int, b: int) -> list[Move]:
    old_a = set(problem.patterns[a][choice[a]])
    old_b = set(problem.patterns[b][choice[b]])
    return [((a, ja), (b, jb))
            for ja, pa in enumerate(problem.patterns[a]) if ja != choice[a]
            and old_b & set(pa)
            for jb, pb in enumerate(problem.patterns[b]) if jb != choice[b]
            and old_a & set(pb)]


def _days_of(problem: PeriodicProblem, choice: Sequence[int], move: Move) -> list[int]:
    return sorted({d for k, j in move for d in problem.patterns[k][choice[k]]
                   + problem.patterns[k][j]})


def _apply(routes: DayRoutes, move: Move) -> float:
    """Make ``move`` on ``routes`` by cheapest insertion; its price: the change of the
    changed days' cost plus their overtime charge (``inf``: a stop found no place, the
    routes are then half-moved, for the caller to restore)."""
    days = _days_of(routes.problem, routes.choice, move)
    before = routes.cost(days)
    for k, _ in move:
        for d in routes.pattern(k):
            routes.remove(k, d)
    for k, j in move:
        routes.choice[k] = j
        pattern = routes.pattern(k)
        for d in pattern:
            where = routes.cheapest(k, d, routes.visit_load(k, pattern, d))
            if not np.isfinite(where[0]):
                return float("inf")
            routes.insert(k, d, where)
    return routes.cost(days) - before + _overtime(routes, days)


def _overtime(routes: DayRoutes, days: Sequence[int]) -> float:
    """The screen's charge for route durations above their limits on ``days``."""
    vts = routes.problem.base.vehicle_types
    late = sum(max(0.0, routes.dur[d][r] - (vts[routes.types[d][r]].max_duration
                                            or float("inf")))
               for d in days for r in range(len(routes.routes[d])))
    return (routes.overtime or 0.0) * late


def screen(routes: DayRoutes, candidates: Sequence[Move]) -> list[tuple[float, Move]]:
    """Each candidate's price by cheapest insertion on ``routes`` (left unchanged), the
    cheapest first; candidates that find no place are left out."""
    priced = []
    for move in candidates:
        choice = list(routes.choice)
        undo = routes.snapshot(_days_of(routes.problem, choice, move))
        price = _apply(routes, move)
        routes.restore(undo)
        routes.choice = choice
        if np.isfinite(price):
            priced.append((price, move))
    return sorted(priced, key=lambda x: x[0])


@dataclass
class _Judge:
    """Routes the days a move changes, each on its own on ``clock``, a call's seconds
    shared by the days in proportion to their visits."""

    problem: PeriodicProblem
    seed: int
    clock: str
    calls: int = 0
    searches: int = 0

    def __call__(self, routes: DayRoutes, days: Sequence[int], seconds: float
                 ) -> dict[int, RoutingResult] | None:
        """The routed days (over the full problem's day problems) in ``seconds``, or
        ``None``."""
        self.calls += 1
        sizes = [sum(x >= 0 for r in routes.routes[d] for x in r) + 1 for d in days]
        total = sum(sizes)
        out = {}
        for d, size in zip(days, sizes, strict=True):
            found = self._day(routes, d, seconds * size / total)
            if found is None:
                return None
            out[d] = found
        return out

    def _day(self, routes: DayRoutes, d: int, seconds: float) -> RoutingResult | None:
        sub, keep = _sub_problem(self.problem, routes.choice, [d])
        index = {k: i for i, k in enumerate(keep)}
        start = [[[index[x] if x >= 0 else x for x in r] for r in routes.routes[d]]]
        self.searches += 1
        found = horizon.solve_horizon(sub, (0,) * len(keep), start=start, clock=self.clock,
                                      seconds=seconds, seed=self.seed + self.calls)
        return None if found is None else _lift(self.problem, routes.choice, d, found[1][0])


def _sub_problem(problem: PeriodicProblem, choice: Sequence[int], days: Sequence[int]
                 ) -> tuple[PeriodicProblem, list[int]]:
    """``days`` alone, every stop due on them fixed to those days; and the stops kept."""
    keep = [k for k in range(problem.base.num_stops)
            if set(problem.patterns[k][choice[k]]) & set(days)]
    at = {d: i for i, d in enumerate(days)}
    patterns = tuple((tuple(at[d] for d in problem.patterns[k][choice[k]] if d in at),)
                     for k in keep)
    base = dataclasses.replace(problem.base, stops=tuple(problem.base.stops[k] for k in keep))
    return PeriodicProblem(base, patterns, tuple(problem.day_names[d] for d in days),
                           vehicles_per_day=tuple(problem.fleet(d) for d in days)), keep


def _lift(problem: PeriodicProblem, choice: Sequence[int], day: int,
          result: RoutingResult) -> RoutingResult:
    """A sub-problem's day routes over the full problem's day problem."""
    full = day_problem(problem, choice, day)
    routes = []
    for r in result.routes:
        steps: list[Step] = [("stop", full.stop_index(v.id)) if v.kind == "stop"
                             else ("unload", v.index)
                             for v in r.visits if v.kind in ("stop", "unload")]
        routes.append(schedule_route(full, r.vehicle_type, r.vehicle, steps))
    return dataclasses.replace(result, problem_name=full.name, routes=tuple(routes))


def descend(problem: PeriodicProblem, choice: Sequence[int], days: Sequence[RoutingResult],
            *, budget: Budget, seed: int = 0, judge_seconds: float = 0.3,
            neighbours: int = 8, overtime: float = 1.0
            ) -> tuple[tuple[int, ...], list[RoutingResult], dict[str, Any]]:
    """Descend from a routed plan by moves judged on routed cost (module docstring).

    Parameters
    ----------
    problem
        A problem :func:`~circularopt.routing.periodic.horizon.eligible` accepts.
    choice, days
        The plan: each stop's pattern index and every day's routes.
    budget
        Stops the descent: a move is judged only while ``judge_seconds`` are left.
    seed
        Seed of the routings.
    judge_seconds
        Budget of each routing of a move's days, on ``budget``'s clock.
    neighbours
        Nearest stops with a choice that each such stop may swap days with; 0: single
        moves only.
    overtime
        Screen price per unit of route duration above its limit.

    Returns
    -------
    tuple
        The choice, the days and ``{"descent_moves", "descent_judged",
        "descent_searches"}`` (moves taken, moves judged, day routings).
    """
    _validate.number("judge_seconds", judge_seconds, lo=0.0, lo_open=True)
    _validate.integer("neighbours", neighbours, lo=0)
    _validate.number("overtime", overtime, lo=0.0)
    plan, routed = list(choice), list(days)
    judge = _Judge(problem, seed, budget.clock)
    taken = emptied = 0
    improved = True
    while improved and budget.left() >= judge_seconds:
        improved = False
        routes = DayRoutes(problem, plan, routed, overtime=overtime)
        priced = screen(routes, moves(problem, plan, neighbours))
        emptying = [(m, True) for _, m in screen(routes, eliminations(routes, priced))]
        for move, empties in emptying + [(m, False) for _, m in priced]:
            changed = _days_of(problem, plan, move)
            seconds = judge_seconds * (len(changed) if empties else 1)
            if budget.left() < seconds:
                break
            trial = DayRoutes(problem, plan, routed, overtime=overtime)
            _apply(trial, move)
            found = judge(trial, changed, seconds)
            if found is not None and (sum(found[d].cost for d in changed)
                                      < sum(routed[d].cost for d in changed) - 1e-6):
                plan = list(trial.choice)
                for d in changed:
                    routed[d] = found[d]
                taken += 1
                emptied += empties
                improved = True
                break
    return tuple(plan), routed, {"descent_moves": taken, "descent_judged": judge.calls,
                                 "descent_searches": judge.searches,
                                 "descent_emptied": emptied}
