"""A periodic solver: choose each stop's pattern and route every day, improving both.

1. **Patterns.** Stops are taken most-constrained first (fewest patterns, most visits,
   farthest from the depot) and given the pattern whose days are closest to the stops
   already placed on them, with a quadratic penalty on each day's share of its fleet
   capacity, which balances the days.
2. **Days.** Every day is routed by a routing engine (PyVRP or OR-Tools).
3. **Pattern moves.** For each stop, the cost of moving it to another pattern is
   estimated on the current routes (the removal saving on the days it leaves, the
   cheapest feasible insertion on the days it joins); improving moves are applied, the
   changed days routed again, and the new plan kept when it costs less.
4. **Polish.** The time left re-routes every day of the best plan with a longer budget.

It follows the decomposition of Cordeau, Gendreau & Laporte (1997) with a modern engine
for the days; it is not the unified genetic search of Vidal et al. (2012).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from circularopt import _validate
from circularopt.routing.engines import solve as route
from circularopt.routing.periodic import horizon
from circularopt.routing.periodic.model import Pattern, PeriodicProblem, day_problem, visit_gaps
from circularopt.routing.periodic.patterns import DayRoutes, improve_patterns, perturb
from circularopt.routing.periodic.result import PeriodicResult
from circularopt.routing.result import RoutingResult
from circularopt.stop import Budget

__all__ = ["PeriodicOptions", "initial_choice", "solve_periodic"]


@dataclass(frozen=True, kw_only=True)
class PeriodicOptions:
    """Options of :func:`solve_periodic`.

    Parameters
    ----------
    engine
        Routing engine for the days, ``"pyvrp"`` or ``"ortools"``.
    engine_options
        Options of that engine (a mapping, as ``--engine-options``).
    clock
        ``"wall"`` or ``"cpu"`` for the time limit.
    first_share
        Share of the budget for routing every day once.
    polish_share
        Share kept for re-routing the best plan's days at the end.
    round_share
        Share of the budget for routing the horizon after each round of pattern moves
        (horizon model only).
    """

    engine: str = "pyvrp"
    engine_options: Mapping[str, Any] | None = None
    clock: str = "wall"
    first_share: float = 0.3
    polish_share: float = 0.3
    round_share: float = 0.05

    def __post_init__(self) -> None:
        _validate.choice("periodic_options.engine", self.engine, ("pyvrp", "ortools"))
        _validate.choice("periodic_options.clock", self.clock, ("wall", "cpu"))
        for name in ("first_share", "polish_share", "round_share"):
            _validate.number(f"periodic_options.{name}", getattr(self, name), lo=0.0,
                             hi=1.0)
        if self.first_share + self.polish_share > 1.0:
            _validate.number("periodic_options.first_share + polish_share",
                             self.first_share + self.polish_share, hi=1.0)


# --------------------------------------------------------------------------- first choice


def _loads(problem: PeriodicProblem, stop: int, pattern: Pattern) -> dict[int, np.ndarray]:
    demand = np.asarray(problem.base.stops[stop].demand, dtype=float)
    if not problem.accumulate:
        return {d: demand for d in pattern}
    return {d: demand * gap for d, gap in visit_gaps(problem, pattern).items()}


def _day_capacity(problem: PeriodicProblem, day: int) -> np.ndarray:
    caps = [np.asarray(v.capacity, dtype=float) * c
            for v, c in zip(problem.base.vehicle_types, problem.fleet(day), strict=True)]
    total = np.sum(caps, axis=0) if caps else np.zeros(problem.base.num_dims)
    return np.maximum(total, 1e-9)


def _order(problem: PeriodicProblem, depot_dist: np.ndarray) -> list[int]:
    def key(k: int) -> tuple[int, int, float]:
        allowed = problem.patterns[k]
        return (len(allowed), -len(allowed[0]), -float(depot_dist[k]))
    return sorted(range(problem.base.num_stops), key=key)


def initial_choice(problem: PeriodicProblem) -> tuple[int, ...]:
    """The first pattern of each stop: near the day's other stops, days balanced."""
    base = problem.base
    locs = np.array([s.location for s in base.stops], dtype=int)
    depot = base.depots[0].location
    dist = base.distance
    depot_dist = dist[depot, locs] if len(locs) else np.zeros(0)
    scale = float(depot_dist.mean()) if len(locs) else 1.0
    placed: list[list[int]] = [[] for _ in range(problem.days)]
    load = [np.zeros(base.num_dims) for _ in range(problem.days)]
    caps = [_day_capacity(problem, d) for d in range(problem.days)]
    choice = [0] * base.num_stops
    for k in _order(problem, depot_dist):
        def score(pattern: Pattern, k: int = k) -> float:
            total = 0.0
            for d, q in _loads(problem, k, pattern).items():
                near = (dist[locs[k], locs[placed[d]]].min() if placed[d]
                        else depot_dist[k])
                total += float(near) + scale * float(np.max((load[d] + q) / caps[d])) ** 2
            return total
        scores = [score(p) for p in problem.patterns[k]]
        choice[k] = scores.index(min(scores))
        for d, q in _loads(problem, k, problem.patterns[k][choice[k]]).items():
            placed[d].append(k)
            load[d] += q
    return tuple(choice)


# --------------------------------------------------------------------------- days


@dataclass
class _Plan:
    choice: tuple[int, ...]
    days: list[RoutingResult]

    @property
    def cost(self) -> float:
        return sum(d.cost if d.status == "feasible" and not d.unassigned else float("inf")
                   for d in self.days)


class _Router:
    """Routes days with the engine on the solver's clock."""

    def __init__(self, problem: PeriodicProblem, options: PeriodicOptions, seed: int
                 ) -> None:
        self.problem, self.options, self.seed = problem, options, seed
        self.engine_options = {**(options.engine_options or {}), "clock": options.clock}
        self.calls = 0

    def day(self, choice: Sequence[int], d: int, seconds: float) -> RoutingResult:
        self.calls += 1
        return route(day_problem(self.problem, choice, d), engine=self.options.engine,
                     options=self.engine_options, time_limit=max(0.05, seconds),
                     seed=self.seed + self.calls, allow_infeasible=True)

    def days(self, choice: Sequence[int], which: Sequence[int], seconds: float,
             into: list[RoutingResult] | None = None) -> list[RoutingResult]:
        sizes = [max(1, sum(d in self.problem.patterns[k][c] for k, c in enumerate(choice)))
                 for d in which]
        found = {d: self.day(choice, d, seconds * size / sum(sizes))
                 for d, size in zip(which, sizes, strict=True)}
        old = into or []
        return [found[d] if d in found else old[d] for d in range(self.problem.days)]


# --------------------------------------------------------------------------- moves


class _Days:
    """Each day's routes as lists of base stop indices, for estimating pattern moves."""

    def __init__(self, problem: PeriodicProblem, plan: _Plan) -> None:
        self.problem = problem
        base = problem.base
        self.dist = base.distance
        self.loc = [s.location for s in base.stops]
        self.routes: list[list[list[int]]] = []
        self.types: list[list[int]] = []
        for day in plan.days:
            self.routes.append([[base.stop_index(i) for i in r.stops] for r in day.routes])
            self.types.append([r.vehicle_type for r in day.routes])
        self.choice = list(plan.choice)

    def _ends(self, vtype: int) -> tuple[int, int]:
        base = self.problem.base
        vt = base.vehicle_types[vtype]
        return base.depots[vt.depot].location, base.depots[vt.end_depot].location

    def _path(self, d: int, r: int) -> list[int]:
        start, end = self._ends(self.types[d][r])
        return [start, *(self.loc[k] for k in self.routes[d][r]), end]

    def removal(self, k: int, d: int) -> tuple[float, int, int]:
        """Saving of removing stop ``k`` from day ``d``: (saving, route, position)."""
        for r, stops in enumerate(self.routes[d]):
            if k in stops:
                i = stops.index(k)
                p = self._path(d, r)
                a, s, b = p[i], p[i + 1], p[i + 2]
                return float(self.dist[a, s] + self.dist[s, b] - self.dist[a, b]), r, i
        return 0.0, -1, -1

    def _fits(self, d: int, r: int, q: np.ndarray, extra: float, k: int) -> bool:
        vt = self.problem.base.vehicle_types[self.types[d][r]]
        if vt.unload_sites:
            return True
        loads = self._route_load(d, r)
        if np.any(loads + q > np.asarray(vt.capacity) + 1e-9):
            return False
        if vt.max_duration is None:
            return True
        return self._route_duration(d, r) + extra + self._service(k) <= vt.max_duration + 1e-9

    def _service(self, k: int) -> float:
        return self.problem.base.stops[k].service

    def _route_load(self, d: int, r: int) -> np.ndarray:
        total = np.zeros(self.problem.base.num_dims)
        for k in self.routes[d][r]:
            total += _loads(self.problem, k, self._pattern(k))[d]
        return total

    def _route_duration(self, d: int, r: int) -> float:
        p = self._path(d, r)
        travel = sum(float(self.problem.base.duration[a, b]) for a, b in pairwise(p))
        return travel + sum(self._service(k) for k in self.routes[d][r])

    def _pattern(self, k: int) -> Pattern:
        return self.problem.patterns[k][self.choice[k]]

    def insertion(self, k: int, d: int, q: np.ndarray) -> tuple[float, int, int]:
        """Cheapest feasible insertion of ``k`` on day ``d``: (cost, route, position);
        route -1 is a new route (when a vehicle is free)."""
        best = (float("inf"), -2, -1)
        s = self.loc[k]
        for r in range(len(self.routes[d])):
            p = self._path(d, r)
            for i in range(len(p) - 1):
                added = float(self.dist[p[i], s] + self.dist[s, p[i + 1]]
                              - self.dist[p[i], p[i + 1]])
                if added < best[0] and self._fits(d, r, q, added, k):
                    best = (added, r, i)
        if len(self.routes[d]) < sum(self.problem.fleet(d)):
            vt = self._free_type(d)
            if vt is not None:
                start, end = self._ends(vt)
                fixed = self.problem.base.vehicle_types[vt].fixed_cost
                new = float(self.dist[start, s] + self.dist[s, end]) + fixed
                if new < best[0]:
                    best = (new, -1, vt)
        return best

    def _free_type(self, d: int) -> int | None:
        for t, count in enumerate(self.problem.fleet(d)):
            if self.types[d].count(t) < count:
                return t
        return None

    def move(self, k: int, new: int) -> float | None:
        """Estimated change of moving stop ``k`` to pattern ``new``; applied when it
        improves (the routes and choice updated), else ``None``."""
        old_days, new_days = set(self._pattern(k)), set(self.problem.patterns[k][new])
        old_loads = _loads(self.problem, k, self._pattern(k))
        new_loads = _loads(self.problem, k, self.problem.patterns[k][new])
        delta, inserts = 0.0, []
        for d in sorted(old_days - new_days):
            delta -= self.removal(k, d)[0]
        for d in sorted(new_days - old_days):
            cost, r, i = self.insertion(k, d, new_loads[d])
            delta += cost
            inserts.append((d, r, i))
        changed_load = any(not np.allclose(old_loads[d], new_loads[d])
                           for d in old_days & new_days)
        if delta >= -1e-9 or changed_load or any(r == -2 for _, r, _ in inserts):
            return None
        self._apply(k, new, old_days - new_days, inserts)
        return delta

    def _apply(self, k: int, new: int, leave: set[int],
               inserts: list[tuple[int, int, int]]) -> None:
        for d in leave:
            _, r, i = self.removal(k, d)
            del self.routes[d][r][i]
        for d, r, i in inserts:
            if r == -1:
                self.routes[d].append([k])
                self.types[d].append(i)
            else:
                self.routes[d][r].insert(i, k)
        self.choice[k] = new


def _improve_once(problem: PeriodicProblem, plan: _Plan, rng: np.random.Generator
                  ) -> tuple[tuple[int, ...], set[int]]:
    """One pass of pattern moves; the new choice and the days it changed."""
    days = _Days(problem, plan)
    dirty: set[int] = set()
    for k in rng.permutation(problem.base.num_stops):
        allowed = problem.patterns[k]
        if len(allowed) < 2:
            continue
        before = set(allowed[days.choice[k]])
        others = [j for j in range(len(allowed)) if j != days.choice[k]]
        estimates = [_estimate(days, int(k), j) for j in others]
        best = others[estimates.index(min(estimates))]
        if days.move(int(k), best) is not None:
            dirty |= before ^ set(allowed[best])
    return tuple(days.choice), dirty


def _estimate(days: _Days, k: int, j: int) -> float:
    """Estimated change of moving ``k`` to pattern ``j`` (nothing applied)."""
    problem = days.problem
    old, new = set(days._pattern(k)), set(problem.patterns[k][j])
    loads = _loads(problem, k, problem.patterns[k][j])
    delta = -sum(days.removal(k, d)[0] for d in old - new)
    return delta + sum(days.insertion(k, d, loads[d])[0] for d in new - old)


# --------------------------------------------------------------------------- driver


def solve_periodic(problem: PeriodicProblem, *, time_limit: float = 60.0, seed: int = 0,
                   options: PeriodicOptions | None = None) -> PeriodicResult:
    """Choose a pattern per stop and route every day (see the module docstring).

    Parameters
    ----------
    problem
        The periodic problem.
    time_limit
        Seconds for the whole search, on ``options.clock``.
    seed
        Random seed (move order, engine seeds).
    options
        Engine and budget shares.

    Returns
    -------
    PeriodicResult
        The best plan found; check it with
        :func:`~circularopt.routing.periodic.validate.validate_periodic`.
    """
    opts = options or PeriodicOptions()
    t0 = time.perf_counter()
    search = _Search(problem, opts, seed, Budget(time_limit, opts.clock), time_limit)
    best = search.first()
    best = search.improve(best)
    final = search.polish(best)
    return PeriodicResult(problem.name, opts.engine, time.perf_counter() - t0, final.choice,
                          tuple(final.days), search.info)


class _Search:
    """The stages of :func:`solve_periodic` on one budget."""

    def __init__(self, problem: PeriodicProblem, opts: PeriodicOptions, seed: int,
                 budget: Budget, time_limit: float) -> None:
        self.problem, self.opts, self.budget = problem, opts, budget
        self.router = _Router(problem, opts, seed)
        self.rng = np.random.default_rng(seed)
        self.seed = seed
        self.first_seconds = time_limit * opts.first_share
        self.reserve = time_limit * opts.polish_share
        self.horizon = opts.engine == "pyvrp" and horizon.eligible(problem)
        self.time_limit = time_limit
        self.info: dict[str, Any] = {"horizon_model": self.horizon, "passes": 0,
                                     "accepted_passes": 0, "kicks": 0}

    def _route_all(self, choice: tuple[int, ...], seconds: float) -> _Plan | None:
        if self.horizon:
            found = horizon.solve_horizon(self.problem, choice, seconds=seconds,
                                          seed=self.seed, clock=self.opts.clock)
            return None if found is None else _Plan(*found)
        return _Plan(choice, self.router.days(choice, range(self.problem.days), seconds))

    def first(self) -> _Plan:
        choice = initial_choice(self.problem)
        plan = self._route_all(choice, self.first_seconds)
        if plan is None:  # the horizon search found nothing feasible: route day by day
            self.horizon = self.info["horizon_model"] = False
            plan = self._route_all(choice, self.first_seconds)
        assert plan is not None
        return plan

    def improve(self, best: _Plan) -> _Plan:
        if self.horizon:
            return self._improve_horizon(best)
        while self.budget.left() > self.reserve:
            self.info["passes"] += 1
            choice, dirty = _improve_once(self.problem, best, self.rng)
            if not dirty:
                break
            seconds = min(self.budget.left() - self.reserve,
                          self.first_seconds * len(dirty) / self.problem.days)
            trial = _Plan(choice, self.router.days(choice, sorted(dirty), seconds,
                                                   into=best.days))
            if trial.cost < best.cost - 1e-9:
                best = trial
                self.info["accepted_passes"] += 1
        return best

    def _improve_horizon(self, best: _Plan) -> _Plan:
        """Rounds of pattern improvement on the best plan's routes, each routed by PyVRP
        warm-started from them; a round that finds no pattern move kicks a few stops to
        another pattern first (an iterated local search)."""
        kick = False
        slice_seconds = max(0.1, self.opts.round_share * self.time_limit)
        while self.budget.left() > self.reserve + 0.5 * slice_seconds:
            routes = DayRoutes(self.problem, best.choice, best.days)
            if not kick and improve_patterns(routes, self.rng) <= 1e-6:
                kick = True
            if kick:
                self.info["kicks"] += perturb(routes, self.rng, self._kick_size()) > 0
                improve_patterns(routes, self.rng)
            self.info["passes"] += 1
            seconds = min(slice_seconds, self.budget.left() - self.reserve)
            trial = self._route_from(routes, seconds)
            kick = trial is None or trial.cost >= best.cost - 1e-6
            if not kick:
                assert trial is not None
                best = trial
                self.info["accepted_passes"] += 1
        return best

    def _kick_size(self) -> int:
        movable = sum(len(p) > 1 for p in self.problem.patterns)
        return int(self.rng.integers(1, max(2, movable // 10) + 1))

    def _route_from(self, routes: DayRoutes, seconds: float) -> _Plan | None:
        found = horizon.solve_horizon(self.problem, tuple(routes.choice), seconds=seconds,
                                      seed=self.seed + self.info["passes"],
                                      clock=self.opts.clock, start=routes.routes)
        return None if found is None else _Plan(*found)

    def polish(self, best: _Plan) -> _Plan:
        if self.horizon:  # warm-started from the best plan's routes, in the time left
            self.info["day_solves"] = self.router.calls
            if self.budget.left() < 0.05:
                return best
            again = self._route_from(DayRoutes(self.problem, best.choice, best.days),
                                     self.budget.left())
            return again if again is not None and again.cost < best.cost else best
        seconds = max(0.05 * self.problem.days, self.budget.left())
        again = self._route_all(best.choice, seconds)
        self.info["day_solves"] = self.router.calls
        if again is None:
            return best
        if self.horizon:
            return again if again.cost < best.cost else best
        return _better_days(best, again)


def _better_days(a: _Plan, b: _Plan) -> _Plan:
    """Per day, the cheaper routing of the same pattern choice."""
    days = [x if x.status == "feasible" and (y.status != "feasible" or x.cost <= y.cost)
            else y for x, y in zip(a.days, b.days, strict=True)]
    return dataclasses.replace(a, days=days)
