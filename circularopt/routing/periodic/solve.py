"""A periodic solver: choose each stop's pattern and route every day, improving both.

1. **Patterns.** Stops are taken most-constrained first (fewest patterns, most visits,
   farthest from the depot) and given the pattern whose days are closest to the stops
   already placed on them, with a quadratic penalty on each day's share of its fleet
   capacity, which balances the days.
2. **Days.** Without time windows or accumulation, the whole horizon is one PyVRP
   search (:mod:`~circularopt.routing.periodic.horizon`; unload sites as reload depots);
   otherwise every day is routed by a routing engine (PyVRP or OR-Tools).
3. **Pattern improvement** (:mod:`~circularopt.routing.periodic.patterns`, after Vidal
   et al. 2012). Each stop in turn is removed from all its days and reinserted with the
   allowed pattern of cheapest insertion on the current routes, until no stop moves;
   when none moves, a few random stops are kicked to another pattern first (on the
   horizon model only stops visited more than once: PyVRP chooses the others' day) and
   keep it during that round. The horizon is then routed again, PyVRP warm-started from
   the moved routes, until ``patience`` iterations bring no improvement or the round's
   share is spent (day by day: the changed days are routed again). On the horizon
   the next round starts from this plan when it costs less than the current one plus a
   share falling to 0 with the budget (threshold accepting, ``accept_worse``); day by
   day only a cheaper plan is kept. Rounds repeat while the budget lasts.
   On the horizon, every round's plan is offered to a population of pattern choices
   (:mod:`~circularopt.routing.periodic.population`, ``population`` members kept by
   cost and diversity); after ``crossover_after`` rounds that do not improve the
   current plan, the next round starts from a child instead: ``screen`` children (1 by
   default; crossovers of two members, every third a kicked copy of an elite member) are
   repaired by the insertion-priced moves and only the cheapest by the exact cost of its
   repaired routes is routed (a child's repair costs a fraction of a PyVRP round).
   A round whose kick moves no stop (every other pattern is full) starts from a child
   too, or, while the population holds one plan, from a perturbed first choice (a
   restart); ``restarts`` routes several first choices at the start.
4. **Descent** (:mod:`~circularopt.routing.periodic.descent`, horizon model): moves of
   one or two stops judged by routing the days they change, in the last ``descent``
   share. With ``patience`` (rounds ending once they stall) the time a converged
   descent leaves goes to another cycle of rounds and descent from the best plan.
5. **Polish.** The time left re-routes the best plan (warm-started on the horizon,
   ending on ``patience`` too).

Every search runs under the one budget; with a time budget, runs are reproducible under
a seed only as far as the engine's iteration counts repeat (same machine, same load).
It is not the genetic search of Vidal et al.: a child is one round among the kicks (a
few dozen rounds per run), routed by PyVRP, not split from a giant tour.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from circularopt import _validate
from circularopt.exceptions import InputError
from circularopt.i18n import lazy
from circularopt.routing.engines import solve as route
from circularopt.routing.periodic import horizon
from circularopt.routing.periodic.descent import descend
from circularopt.routing.periodic.model import Pattern, PeriodicProblem, day_problem, visit_gaps
from circularopt.routing.periodic.patterns import DayRoutes, improve_patterns, kick
from circularopt.routing.periodic.population import Population, adopt, area_crossover
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
        Share kept for re-routing the best plan's days at the end (day by day only: on
        the horizon every round ends in a warm-started search, rounds run to the end).
    round_share
        Share of the budget for routing the horizon after each round of pattern moves
        (horizon model only).
    overload
        Pattern moves may overload a route, at this many mean depot distances per mean
        visit load above capacity, for the engine to repair; 0: they may not.
    accept_worse
        Horizon model: a round's plan becomes the one the next round moves from when it
        costs less than the current one plus this share of its cost, the share falling
        linearly to 0 as the budget runs out (threshold accepting); 0: only better plans.
    population
        Horizon model: most pattern choices kept for crossover
        (:mod:`~circularopt.routing.periodic.population`); 0: no population (else at
        least 2).
    crossover_after
        Horizon model: rounds in a row that do not improve the current plan before the
        next round starts from a child of the population instead.
    screen
        Horizon model: children built per crossover event (crossovers of two members,
        every third a kicked copy of an elite member), of which only the cheapest by
        its repaired routes' exact cost is routed; 1: one crossover child (the default:
        6 did not pay at one seed, see docs/benchmarks.md).
    crossover_full
        Horizon model: ``crossover_after`` once the population is full; 0: no change.
    restarts
        Horizon model with a population: first choices routed at the start (the first
        of :func:`initial_choice`, the others perturbed), sharing ``first_share``; all
        join the population and the cheapest is the current plan.
    descent
        Horizon model: share of the budget kept for a descent from the best plan by
        moves of one or two stops, or of the stops of a day's smallest route, judged by
        re-routing the days they change (:mod:`~circularopt.routing.periodic.descent`);
        0: none.
    judge_share
        Share of the budget for each such re-routing.
    patience
        Horizon model: PyVRP iterations without improvement that end a round's search
        before its share of the budget is spent; 0: rounds always spend it.
    """

    engine: str = "pyvrp"
    engine_options: Mapping[str, Any] | None = None
    clock: str = "wall"
    first_share: float = 0.3
    polish_share: float = 0.3
    round_share: float = 0.02
    overload: float = 0.0
    accept_worse: float = 0.02
    population: int = 8
    crossover_after: int = 3
    screen: int = 1
    crossover_full: int = 0
    restarts: int = 1
    descent: float = 0.3
    judge_share: float = 0.005
    patience: int = 100

    def __post_init__(self) -> None:
        _validate.choice("periodic_options.engine", self.engine, ("pyvrp", "ortools"))
        _validate.choice("periodic_options.clock", self.clock, ("wall", "cpu"))
        for name in ("first_share", "polish_share", "round_share", "descent", "judge_share"):
            _validate.number(f"periodic_options.{name}", getattr(self, name), lo=0.0,
                             hi=1.0)
        _validate.number("periodic_options.overload", self.overload, lo=0.0)
        _validate.number("periodic_options.accept_worse", self.accept_worse, lo=0.0, hi=1.0)
        _validate.integer("periodic_options.population", self.population, lo=0)
        if self.population == 1:
            raise InputError("periodic_options.population", self.population,
                             lazy("0 (no population) or an integer >= 2"))
        _validate.integer("periodic_options.screen", self.screen, lo=1)
        _validate.integer("periodic_options.crossover_full", self.crossover_full, lo=0)
        _validate.integer("periodic_options.restarts", self.restarts, lo=1)
        _validate.integer("periodic_options.crossover_after", self.crossover_after, lo=1)
        _validate.integer("periodic_options.patience", self.patience, lo=0)
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


def initial_choice(problem: PeriodicProblem, *, rng: np.random.Generator | None = None,
                   noise: float = 0.2) -> tuple[int, ...]:
    """The first pattern of each stop: near the day's other stops, days balanced. With
    ``rng``, each pattern's score is multiplied by a random factor in ``1 .. 1 + noise``
    (a perturbed start for a restart)."""
    base = problem.base
    locs = np.array([s.location for s in base.stops], dtype=int)
    depot = base.depots[0].location
    dist = base.distance
    # float64 whatever the matrix's type (the city's day choice passes float32)
    depot_dist = np.asarray(dist[depot, locs], dtype=float) if len(locs) else np.zeros(0)
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
        scores = [score(p) * (1.0 if rng is None else 1.0 + noise * float(rng.random()))
                  for p in problem.patterns[k]]
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
    best = search.improve(search.first())
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
        self.slice = max(0.1, opts.round_share * time_limit)
        self.stuck = False
        self.overload = _overload_cost(problem, opts.overload)
        self.info: dict[str, Any] = {"horizon_model": self.horizon, "passes": 0,
                                     "accepted_passes": 0, "kicks": 0,
                                     "infeasible_rounds": 0, "stuck": 0}

    def _route_all(self, choice: tuple[int, ...], seconds: float) -> _Plan | None:
        if self.horizon:
            found = horizon.solve_horizon(self.problem, choice, seconds=seconds,
                                          seed=self.seed, clock=self.opts.clock)
            return None if found is None else _Plan(*found)
        return _Plan(choice, self.router.days(choice, range(self.problem.days), seconds))

    def first(self) -> list[_Plan]:
        """The routed first choices: one, or ``restarts`` on the horizon model with a
        population (the first share split among them); the cheapest first."""
        count = self.opts.restarts if self.horizon and self.opts.population >= 2 else 1
        choice = initial_choice(self.problem)
        plan = self._route_all(choice, self.first_seconds / count)
        if plan is None:  # the horizon search found nothing feasible: route day by day
            self.horizon = self.info["horizon_model"] = False
            plan = self._route_all(choice, self.first_seconds)
        assert plan is not None
        plans = [plan]
        for _ in range(1, count if self.horizon else 1):
            other = self._route_all(initial_choice(self.problem, rng=self.rng),
                                    self.first_seconds / count)
            if other is not None:
                plans.append(other)
        self.info["restarts"] = len(plans)
        return sorted(plans, key=lambda p: p.cost)

    def improve(self, firsts: list[_Plan]) -> _Plan:
        if self.horizon:
            return self._cycles(firsts)
        best = firsts[0]
        kick_first = False
        while self.budget.left() > self.reserve:
            routes, kick_first = self._moved(best, kick_first)
            choice = tuple(routes.choice)
            dirty = sorted({d for k, (a, b) in enumerate(zip(best.choice, choice, strict=True))
                            if a != b for d in self.problem.patterns[k][a]
                            + self.problem.patterns[k][b]})
            if not dirty:
                break
            seconds = min(self.budget.left() - self.reserve,
                          self.first_seconds * len(dirty) / self.problem.days)
            trial = _Plan(choice, self.router.days(choice, dirty, seconds, into=best.days))
            kick_first = trial.cost >= best.cost - 1e-9
            if not kick_first:
                best = trial
                self.info["accepted_passes"] += 1
        return best

    def _moved(self, plan: _Plan, kick_first: bool) -> tuple[DayRoutes, bool]:
        """The plan's routes after pattern improvement, kicked first when ``kick_first``
        or when improvement alone moves nothing; the routes and whether it kicked. The
        kicked stops keep their new pattern during that improvement. ``self.stuck``:
        whether it kicked and no stop moved."""
        self.info["passes"] += 1
        routes = DayRoutes(self.problem, plan.choice, plan.days, overload=self.overload)
        if not kick_first and improve_patterns(routes, self.rng) <= 1e-6:
            kick_first = True
        self.stuck = kick_first and not self._kick(routes)
        self.info["kicks"] += kick_first and not self.stuck
        return routes, kick_first

    def _kick(self, routes: DayRoutes) -> list[int]:
        """Kick a few random stops to another pattern, then improve the routes with the
        kicked stops fixed; the stops kicked."""
        movable = self._kickable()
        size = int(self.rng.integers(1, max(2, len(movable) // 10) + 1))
        chosen = self.rng.permutation(movable)[:size]
        moved = kick(routes, [int(k) for k in chosen])
        improve_patterns(routes, self.rng, fixed=set(moved))
        return moved

    def _cycles(self, firsts: list[_Plan]) -> _Plan:
        """Rounds, then the descent from their best plan; with ``patience`` (rounds that
        end once they stall) again from that plan while two rounds' time is left."""
        best = self._descend(self._improve_horizon(firsts, self.opts.descent * self.time_limit))
        while self.opts.patience and self.budget.left() >= 2 * self.slice:
            self.info["cycles"] = self.info.get("cycles", 1) + 1
            reserve = self.opts.descent * self.budget.left()
            best = self._descend(self._improve_horizon([best], reserve))
        return best

    def _improve_horizon(self, firsts: list[_Plan], reserve: float) -> _Plan:
        """Rounds of pattern improvement on the current plan's routes, each routed by
        PyVRP warm-started from them; a round that finds no pattern move kicks a few
        stops to another pattern first. A round's plan becomes current by threshold
        accepting (``accept_worse``); after ``crossover_after`` rounds that do not
        improve it (or a round in which not even a kick moved a stop), the next round
        starts from a crossover child instead (a restart from a perturbed first choice
        while the population holds one member), which becomes current. A plan of the same
        choice and no lower cost does not become current (the next round kicks). Every
        round's plan is offered to the population; the best is kept. Rounds stop when
        ``reserve`` seconds are left."""
        kick_first, stall = False, 0
        best = current = firsts[0]
        pop = self._population(firsts)
        slice_seconds = self.slice
        start = max(self.budget.left(), 1e-9)
        while self.budget.left() > 0.5 * slice_seconds + reserve:
            routes: DayRoutes | None = None
            crossed = pop is not None and stall >= self._crossover_after(pop)
            if not crossed:
                routes, kick_first = self._moved(current, kick_first)
                crossed = pop is not None and self.stuck  # not even a kick moved a stop
                self.info["stuck"] += crossed
            if crossed:
                assert pop is not None
                routes, stall = (self._child(pop) if len(pop) >= 2 else None), 0
            seconds = min(slice_seconds, self.budget.left())
            trial = (self._route_from(routes, seconds) if routes is not None
                     else self._restart(seconds))
            kick_first = trial is None or trial.cost >= current.cost - 1e-6
            if trial is None:
                stall += 1
                self.info["infeasible_rounds"] += 1
                continue
            if pop is not None:
                pop.add(trial.choice, trial.cost, trial)
            if trial.cost < best.cost - 1e-6:
                best = trial
                self.info["accepted_passes"] += 1
                if crossed:
                    self.info["crossover_bests"] += 1
            stall = 0 if crossed or trial.cost < current.cost - 1e-6 else stall + 1
            threshold = self.opts.accept_worse * self.budget.left() / start
            same = trial.choice == current.choice and trial.cost >= current.cost - 1e-6
            if crossed or (trial.cost < current.cost * (1.0 + threshold) - 1e-6 and not same):
                current, kick_first = trial, False
        return best

    def _descend(self, best: _Plan) -> _Plan:
        if self.opts.descent <= 0:
            return best
        choice, days, info = descend(self.problem, best.choice, best.days, budget=self.budget,
                                     seed=self.seed + self.info["passes"], judge_seconds=max(
                                         0.05, self.opts.judge_share * self.time_limit))
        for key, value in info.items():
            self.info[key] = self.info.get(key, 0) + value
        return _Plan(choice, days)

    def _restart(self, seconds: float) -> _Plan | None:
        """A perturbed first choice, routed from scratch."""
        self.info["restarts"] += 1
        return self._route_all(initial_choice(self.problem, rng=self.rng), seconds)

    def _crossover_after(self, pop: Population[_Plan]) -> int:
        full = self.opts.crossover_full and len(pop) >= pop.size
        return self.opts.crossover_full if full else self.opts.crossover_after

    def _population(self, firsts: list[_Plan]) -> Population[_Plan] | None:
        if self.opts.population < 2:
            return None
        pop: Population[_Plan] = Population(self.problem, size=self.opts.population)
        for plan in firsts:
            pop.add(plan.choice, plan.cost, plan)
        for key in ("crossovers", "crossover_bests", "screened"):
            self.info.setdefault(key, 0)
        return pop

    def _child(self, pop: Population[_Plan]) -> DayRoutes:
        """The cheapest of ``screen`` children by the exact cost of their repaired routes,
        a choice the population holds ranked last; no more children once less than a
        round's time is left (at least one is built)."""
        best: tuple[bool, float, DayRoutes] | None = None
        for i in range(self.opts.screen):
            if best is not None and self.budget.left() < 1.5 * self.slice:
                break
            routes = self._mutant(pop) if i % 3 == 2 else self._crossover(pop)
            rank = (pop.holds(routes.choice), routes.cost())
            if best is None or rank < best[:2]:
                best = (*rank, routes)
            self.info["screened"] += 1
        assert best is not None
        self.info["crossovers"] += 1
        self.info["passes"] += 1
        return best[2]

    def _crossover(self, pop: Population[_Plan]) -> DayRoutes:
        """A crossover child of two members: the first's routes moved to the child's
        patterns by cheapest insertion, then improved with the moved stops fixed."""
        a, b = pop.parents(self.rng)
        choice = area_crossover(self.problem, a.choice, b.choice, self.rng)
        routes = DayRoutes(self.problem, a.choice, a.plan.days, overload=self.overload)
        moved = adopt(routes, choice, self.rng)
        improve_patterns(routes, self.rng, fixed=set(moved))
        return routes

    def _mutant(self, pop: Population[_Plan]) -> DayRoutes:
        """An elite member's routes with a few stops kicked, then improved."""
        m = pop.elite_member(self.rng)
        routes = DayRoutes(self.problem, m.choice, m.plan.days, overload=self.overload)
        self._kick(routes)
        return routes

    def _kickable(self) -> list[int]:
        """Stops a kick may move: those with a choice, on the horizon model only those
        visited more than once (PyVRP chooses the day of the others as it routes)."""
        return [k for k, p in enumerate(self.problem.patterns) if len(p) > 1
                and not (self.horizon and horizon.flexible(self.problem, k))] or \
            [k for k, p in enumerate(self.problem.patterns) if len(p) > 1]

    def _route_from(self, routes: DayRoutes, seconds: float) -> _Plan | None:
        found = horizon.solve_horizon(self.problem, tuple(routes.choice), seconds=seconds,
                                      seed=self.seed + self.info["passes"],
                                      clock=self.opts.clock, start=routes.routes,
                                      patience=self.opts.patience)
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


def _overload_cost(problem: PeriodicProblem, factor: float) -> float | None:
    """Cost per unit of overload: ``factor`` mean depot distances per mean visit load."""
    base = problem.base
    if factor <= 0 or not base.stops:
        return None
    locs = [s.location for s in base.stops]
    reach = float(np.mean(base.distance[base.depots[0].location, locs]))
    load = float(np.mean([sum(s.demand) for s in base.stops])) or 1.0
    return factor * reach / load


def _better_days(a: _Plan, b: _Plan) -> _Plan:
    """Per day, the cheaper routing of the same pattern choice."""
    days = [x if x.status == "feasible" and (y.status != "feasible" or x.cost <= y.cost)
            else y for x, y in zip(a.days, b.days, strict=True)]
    return dataclasses.replace(a, days=days)
