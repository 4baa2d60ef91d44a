"""A city's week: each point's collection days, then every working day routed by parts.

1. **Days.** Each point's allowed patterns come from its ``collections_per_week``,
   ``visit_patterns`` and ``fixed_days`` over the scenario's :class:`Week`
   (:func:`~circularopt.routing.periodic.week.scenario_patterns`); one is chosen per
   point by :func:`~circularopt.routing.periodic.solve.initial_choice` (near the points
   already on the same days, days balanced against each day's fleet capacity) on the
   whole city with accumulating loads.
2. **Routes.** Each working day is routed by
   :func:`~circularopt.routing.decompose.route_city` with the points due that day, each
   carrying its daily tonnes times the calendar days since its previous visit (waste
   accumulates on days off too), and the day's trucks (``week.trucks_per_day``).
3. **Check.** :func:`validate_week` recomputes, independently of the routing: every point
   served on exactly the days of one allowed pattern, each visit's tonnes from the gaps,
   trucks per day, and every day's routes (capacities, unloading, shifts, costs).

Caveats: patterns are chosen once (no pattern moves judged by routed cost at city scale);
days are routed one after another, each with its parts in parallel processes.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from circularopt.i18n import tr
from circularopt.matrices import TravelMatrices
from circularopt.routing.decompose import CityPlan, Progress, RoutingOptions, route_city
from circularopt.routing.periodic.model import Pattern
from circularopt.routing.periodic.solve import initial_choice
from circularopt.routing.periodic.week import fleet_cap, periodic_problem, scenario_patterns
from circularopt.routing.scenario import routing_problem
from circularopt.routing.validate import validate_routes
from circularopt.scenario import CollectionPoint, Depot, Scenario, Week
from circularopt.validation import ValidationReport

__all__ = ["CityWeek", "WeekReport", "choose_days", "day_figures", "day_scenario", "gaps",
           "route_week", "schedule", "validate_week"]


DAY_OVERHEAD = 1.0
"""Seconds kept per day for building, stitching and validating its parts."""


@dataclass(frozen=True)
class WeekReport(ValidationReport):
    """What :func:`validate_week` found; ``cost`` is the week's.

    Parameters
    ----------
    day_costs
        Recomputed routing cost of each working day.
    """

    day_costs: tuple[float, ...] = ()

    subject: ClassVar[str] = "week plan"


@dataclass(frozen=True)
class CityWeek:
    """A city's week plan.

    Parameters
    ----------
    week
        The working week planned.
    days
        Point id -> its collection days (indices into ``week.working_days``).
    plans
        Each working day's city plan (``None`` when no point is due).
    info
        Seconds per day and the pattern choice's figures.
    """

    week: Week
    days: Mapping[str, Pattern]
    plans: tuple[CityPlan | None, ...]
    info: dict[str, Any] = field(default_factory=dict)

    def day_names(self, point_id: str) -> tuple[str, ...]:
        """The names of a point's collection days."""
        return tuple(self.week.working_days[d] for d in self.days[point_id])


def gaps(week: Week, pattern: Pattern) -> dict[int, int]:
    """Calendar days since the previous visit of ``pattern``, for each of its days."""
    cal = [week.calendar[d] for d in pattern]
    return {d: (cal[k] - cal[k - 1]) % 7 or 7 for k, d in enumerate(pattern)}


def choose_days(scenario: Scenario, matrices: TravelMatrices,
                assignment: Mapping[str, str]) -> dict[str, Pattern]:
    """Each point's collection days (see step 1 of the module docstring)."""
    points = scenario.collection_points
    allowed = scenario_patterns(scenario.week, points)
    base = routing_problem(scenario, matrices, unload_sites=sorted(set(assignment.values())))
    rate = {p.id: p.collections_per_week / 7.0 for p in points}
    stops = tuple(dataclasses.replace(s, demand=tuple(x * rate[s.id] for x in s.demand))
                  for s in base.stops)
    order = {s.id: k for k, s in enumerate(stops)}
    patterns = [allowed[k] for k in sorted(range(len(points)),
                                           key=lambda k: order[points[k].id])]
    problem = periodic_problem(dataclasses.replace(base, stops=stops), scenario.week,
                               patterns)
    choice = initial_choice(problem)
    return {s.id: patterns[k][choice[k]] for k, s in enumerate(stops)}


def _visit(point: CollectionPoint, gap: int) -> CollectionPoint:
    # One visit a week of ``gap / 7`` of the daily tonnes: the routing problem then
    # loads tonnes_per_day * 7 / 1 * gap / 7 = tonnes_per_day * gap.
    return dataclasses.replace(
        point, tonnes_per_day={s: t * gap / 7.0 for s, t in point.tonnes_per_day.items()},
        collections_per_week=1, visit_patterns=(), fixed_days=())


def _depots(depots: Sequence[Depot], trucks: int | None) -> tuple[Depot, ...]:
    if trucks is None:
        return tuple(depots)
    types = [v for d in depots for v in d.vehicle_types]
    counts = iter(fleet_cap([v.count for v in types], trucks))
    return tuple(dataclasses.replace(d, vehicle_types=tuple(
        dataclasses.replace(v, count=next(counts)) for v in d.vehicle_types)) for d in depots)


def day_scenario(scenario: Scenario, days: Mapping[str, Pattern], day: int) -> Scenario:
    """The scenario of working day ``day``: the points due, each with the tonnes of its
    visit (daily tonnes x days since its previous visit), and the day's trucks."""
    week = scenario.week
    points = tuple(_visit(p, gaps(week, days[p.id])[day]) for p in scenario.collection_points
                   if day in days[p.id])
    trucks = week.trucks_per_day.get(week.working_days[day])
    return dataclasses.replace(scenario, name=f"{scenario.name}-{week.working_days[day]}",
                               collection_points=points,
                               depots=_depots(scenario.depots, trucks))


def route_week(scenario: Scenario, matrices: TravelMatrices, *,
               assignment: Mapping[str, str], options: RoutingOptions | None = None,
               time_limit: float = 60.0, seed: int = 0,
               progress: Progress | None = None) -> CityWeek:
    """Plan a city's week (see the module docstring).

    ``time_limit`` (wall-clock seconds) is shared by the days in proportion to their
    points (what is left when a day starts, less :data:`DAY_OVERHEAD`); day ``d`` routes
    with seed ``seed + 100 d``.
    """
    t0 = time.perf_counter()
    say = progress or (lambda _msg: None)
    days = choose_days(scenario, matrices, assignment)
    names = scenario.week.working_days
    due = [sum(d in p for p in days.values()) for d in range(len(names))]
    say(tr("week: collection days chosen; points due per day {due}",
           due=", ".join(f"{n} {k}" for n, k in zip(names, due, strict=True))))
    plans: list[CityPlan | None] = []
    info: dict[str, Any] = {"due": dict(zip(names, due, strict=True))}
    for d, name in enumerate(names):
        if not due[d]:
            plans.append(None)
            continue
        sub = day_scenario(scenario, days, d)
        left = time_limit - (time.perf_counter() - t0)
        seconds = max(1.0, left * due[d] / sum(due[d:]) - DAY_OVERHEAD)
        say(tr("week: routing {day} ({points} points, {seconds:.0f} s)", day=name,
               points=due[d], seconds=seconds))
        plans.append(route_city(sub, matrices, assignment={p.id: assignment[p.id] for p in
                                                           sub.collection_points},
                                options=options, time_limit=seconds, seed=seed + 100 * d,
                                progress=_prefixed(say, name)))
    return CityWeek(scenario.week, days, tuple(plans), info)


def _prefixed(say: Progress, prefix: str) -> Progress:
    def inner(msg: str) -> None:
        say(f"  {prefix}: {msg}")
    return inner


def _served(plan: CityWeek) -> dict[str, list[int]]:
    served: dict[str, list[int]] = {}
    for d, city in enumerate(plan.plans):
        if city is not None:
            for r in city.result.routes:
                for stop in r.stops:
                    served.setdefault(stop, []).append(d)
    return served


def _point_violations(scenario: Scenario, plan: CityWeek) -> list[str]:
    week, names = scenario.week, scenario.week.working_days
    allowed = scenario_patterns(week, scenario.collection_points)
    served = _served(plan)
    bad = []
    for p, options in zip(scenario.collection_points, allowed, strict=True):
        chosen = tuple(plan.days.get(p.id, ()))
        if chosen not in options:
            bad.append(f"point {p.id!r}: days {[names[d] for d in chosen]} are not one of "
                       f"its allowed patterns")
        got = sorted(served.pop(p.id, []))
        if got != list(chosen):
            bad.append(f"point {p.id!r} is collected on {[names[d] for d in got]}, its "
                       f"days are {[names[d] for d in chosen]}")
    bad += [f"{i!r} is collected but is no collection point" for i in served]
    return bad


def _day_violations(scenario: Scenario, plan: CityWeek, d: int, city: CityPlan
                    ) -> tuple[list[str], float]:
    week = scenario.week
    name = week.working_days[d]
    report = validate_routes(city.problem, city.result)
    bad = [f"{name}: {v}" for v in report.violations]
    trucks = week.trucks_per_day.get(name)
    if trucks is not None and city.result.num_vehicles > trucks:
        bad.append(f"{name}: {city.result.num_vehicles} trucks drive, {trucks} are available")
    points = {p.id: p for p in scenario.collection_points}
    for s in city.problem.stops:
        if s.id not in points or s.id not in plan.days:
            continue
        gap = gaps(week, plan.days[s.id]).get(d, 0)
        want = points[s.id].total_tonnes_per_day * gap
        if abs(s.demand[0] - want) > 1e-3 + 1e-6 * want:
            bad.append(f"{name}: point {s.id!r} loads {s.demand[0]:.3f} t, {gap} days of "
                       f"waste are {want:.3f} t")
    return bad, report.cost or 0.0


def validate_week(scenario: Scenario, plan: CityWeek) -> WeekReport:
    """Check a week plan (see step 3 of the module docstring); ``cost`` is the week's
    routing cost recomputed day by day."""
    bad = _point_violations(scenario, plan)
    costs = []
    for d, city in enumerate(plan.plans):
        found, cost = ([], 0.0) if city is None else _day_violations(scenario, plan, d, city)
        bad += found
        costs.append(cost)
    return WeekReport(violations=tuple(bad), cost=sum(costs), day_costs=tuple(costs))


def day_figures(plan: CityWeek) -> list[dict[str, Any]]:
    """Per working day: points, routes (trucks), km, hours, tonnes and routing cost."""
    rows = []
    for name, city in zip(plan.week.working_days, plan.plans, strict=True):
        res = None if city is None else city.result
        rows.append({"day": name, "points": 0 if res is None else sum(len(r.stops)
                                                                      for r in res.routes),
                     "trucks": 0 if res is None else res.num_vehicles,
                     "km": 0.0 if res is None else round(res.distance / 1000.0, 3),
                     "hours": 0.0 if res is None else round(res.duration / 3600.0, 3),
                     "tonnes": 0.0 if city is None else round(sum(
                         s.demand[0] for s in city.problem.stops), 3),
                     "cost": 0.0 if res is None else round(res.cost, 2)})
    return rows


def schedule(scenario: Scenario, plan: CityWeek) -> list[dict[str, Any]]:
    """The residents' schedule: each point, its collection days and expected arrival
    (``hh:mm``) on each, and a window around them (earliest arrival rounded down to the
    half hour, latest rounded up plus half an hour)."""
    arrivals: dict[str, dict[str, float]] = {}
    for name, city in zip(plan.week.working_days, plan.plans, strict=True):
        for r in () if city is None else city.result.routes:
            for v in r.visits:
                if v.kind == "stop":
                    arrivals.setdefault(v.id, {})[name] = v.arrival
    rows = []
    for p in scenario.collection_points:
        times = arrivals.get(p.id, {})
        row: dict[str, Any] = {"id": p.id, "name": p.name,
                               "collections_per_week": p.collections_per_week,
                               "days": " ".join(plan.day_names(p.id))}
        row.update({d: _hhmm(times[d]) if d in times else "" for d in plan.week.working_days})
        lo = min(times.values(), default=None)
        hi = max(times.values(), default=None)
        row["window"] = ("" if lo is None or hi is None else
                         f"{_hhmm(lo // 1800 * 1800)}-{_hhmm((hi // 1800 + 2) * 1800)}")
        rows.append(row)
    return rows


def _hhmm(seconds: float) -> str:
    minutes = round(seconds / 60.0)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
