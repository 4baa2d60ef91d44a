"""A city's week: each point's collection days, then every working day routed by parts.

Periodic points are the container sites and the curbside street runs
(:func:`~circularopt.routing.curbside.scenario_runs`; a run follows its streets'
``collections_per_week`` and ``fixed_days``).

1. **Days.** Each point's allowed patterns come from its ``collections_per_week``,
   ``visit_patterns`` and ``fixed_days`` over the scenario's :class:`Week`
   (:func:`~circularopt.routing.periodic.week.scenario_patterns`); one is chosen per
   point by :func:`~circularopt.routing.periodic.solve.initial_choice` (near the points
   already on the same days, days balanced against each day's fleet capacity) on the
   whole city with accumulating loads, sites and runs together (a run as one stop at its
   start).
2. **Routes.** Each working day is routed by
   :func:`~circularopt.routing.decompose.route_city` with the sites and runs due that
   day, each carrying its daily tonnes times the calendar days since its previous visit
   (waste accumulates on days off too), and the day's trucks (``week.trucks_per_day``).
3. **Check.** :func:`validate_week` recomputes, independently of the routing: every site
   and run served on exactly the days of one allowed pattern (a run in one of its
   directions), every street in a run, each visit's tonnes from the gaps, trucks per
   day, and every day's routes (capacities, unloading, shifts, costs).

Caveats: patterns are chosen once (no pattern moves judged by routed cost at city scale);
days are routed one after another, each with its parts in parallel processes. A run's
service time does not grow with the days of waste it collects.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from circularopt.exceptions import CircularOptError
from circularopt.i18n import tr
from circularopt.matrices import TravelMatrices
from circularopt.routing.curbside import StreetRun, scenario_runs, zone_point_id
from circularopt.routing.decompose import CityPlan, Progress, RoutingOptions, route_city
from circularopt.routing.periodic.model import Pattern
from circularopt.routing.periodic.solve import initial_choice
from circularopt.routing.periodic.week import (
    fleet_cap,
    periodic_problem,
    point_patterns,
    scenario_patterns,
)
from circularopt.routing.problem import INF_TIME, RoutingProblem
from circularopt.routing.scenario import routing_problem
from circularopt.routing.validate import validate_routes
from circularopt.scenario import CollectionPoint, Depot, Scenario, Week
from circularopt.validation import ValidationReport

__all__ = ["CityWeek", "WeekReport", "choose_days", "day_figures", "day_runs", "day_scenario",
           "gaps", "route_week", "run_patterns", "schedule", "validate_week"]


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
        Point id (and street run id) -> its collection days (indices into
        ``week.working_days``).
    plans
        Each working day's city plan (``None`` when no point is due).
    info
        Seconds per day and the pattern choice's figures.
    runs
        The curbside street runs planned with the points.
    """

    week: Week
    days: Mapping[str, Pattern]
    plans: tuple[CityPlan | None, ...]
    info: dict[str, Any] = field(default_factory=dict)
    runs: tuple[StreetRun, ...] = ()

    def day_names(self, point_id: str) -> tuple[str, ...]:
        """The names of a point's collection days."""
        return tuple(self.week.working_days[d] for d in self.days[point_id])


def gaps(week: Week, pattern: Pattern) -> dict[int, int]:
    """Calendar days since the previous visit of ``pattern``, for each of its days."""
    cal = [week.calendar[d] for d in pattern]
    return {d: (cal[k] - cal[k - 1]) % 7 or 7 for k, d in enumerate(pattern)}


def run_patterns(week: Week, runs: Sequence[StreetRun]) -> tuple[tuple[Pattern, ...], ...]:
    """The allowed patterns of each street run (its streets' frequency and fixed days);
    an InputError names the run and its zone."""
    return tuple(point_patterns(week, r.collections_per_week, fixed_days=r.fixed_days,
                                where=f"street run {r.id!r} (zone {r.zone!r})")
                 for r in runs)


def choose_days(scenario: Scenario, matrices: TravelMatrices,
                assignment: Mapping[str, str], *,
                runs: Sequence[StreetRun] = ()) -> dict[str, Pattern]:
    """Each point's and street run's collection days (step 1 of the module docstring)."""
    points = scenario.collection_points
    at_start = {r.end_ids()[0]: r for r in runs}
    allowed = dict(zip([p.id for p in points], scenario_patterns(scenario.week, points),
                       strict=True))
    allowed.update({i: a for i, a in zip(at_start, run_patterns(scenario.week, runs),
                                         strict=True)})
    # a run is a point at its start, collected daily (rate 1 below): its day matters here,
    # not its direction, and a point needs no extra task location in the matrices (for
    # Bishkek's 2,298 runs the tasks took the choice's matrices from 7,300 to 11,900
    # locations: over 8 GB while they were built)
    base = _choice_problem(_choice_scenario(scenario, at_start), matrices,
                           sorted(set(assignment.values())))
    rate = {p.id: p.collections_per_week / 7.0 for p in points}
    stops = tuple(dataclasses.replace(s, demand=tuple(x * rate.get(s.id, 1.0)
                                                      for x in s.demand))
                  for s in base.stops)
    patterns = [allowed[s.id] for s in stops]
    problem = periodic_problem(dataclasses.replace(base, stops=stops), scenario.week,
                               patterns)
    choice = initial_choice(problem)
    return {(at_start[s.id].id if s.id in at_start else s.id): patterns[k][choice[k]]
            for k, s in enumerate(stops)}


CHOICE_CHUNK = 500
"""Points per routing problem built for the day choice (see :func:`_choice_problem`)."""


def _choice_problem(scenario: Scenario, matrices: TravelMatrices, sites: Sequence[str]
                    ) -> RoutingProblem:
    """What :func:`~circularopt.routing.periodic.solve.initial_choice` reads of the routing
    problem over every point of ``scenario``: its stops, depots and fleet as
    :func:`~circularopt.routing.scenario.routing_problem` builds them (in chunks of
    :data:`CHOICE_CHUNK` points: the same stops and checks), and its distances among the
    depots, sites and points in float32 (whole metres, exact below 16,777 km; an
    unreachable pair holds ``INF_TIME`` rounded to float32).

    Not a problem to route: its durations are zero (the choice reads distances only).
    Built so, the choice holds one float32 matrix over its locations instead of the
    routing problem's float64 distances and durations and their transient copies.
    """
    ids = [p.id for p in scenario.collection_points]
    parts = [routing_problem(scenario, matrices, unload_sites=sites,
                             points=ids[k:k + CHOICE_CHUNK])
             for k in range(0, len(ids) or 1, CHOICE_CHUNK)]
    first = parts[0]
    fixed = [first.locations[d.location] for d in first.depots] \
        + [first.locations[u.location] for u in first.unload_sites]
    locs = tuple(dict.fromkeys(fixed + ids))
    pos = {x: k for k, x in enumerate(locs)}
    stops = tuple(dataclasses.replace(s, location=pos[p.locations[s.location]])
                  for p in parts for s in p.stops)
    # an unload site's copy per unloading time ("<site>@<m>min") sits at its site
    dist = _rounded_distances(matrices, [next((s for s in sites if x.startswith(f"{s}@")), x)
                                         for x in locs])
    return dataclasses.replace(
        first, locations=locs, distance=dist,
        duration=np.broadcast_to(np.float32(0.0), dist.shape), stops=stops,
        depots=tuple(dataclasses.replace(d, location=pos[first.locations[d.location]])
                     for d in first.depots),
        unload_sites=tuple(dataclasses.replace(u, location=pos[first.locations[u.location]])
                           for u in first.unload_sites))


def _rounded_distances(matrices: TravelMatrices, ids: Sequence[str], rows: int = 512
                       ) -> np.ndarray:
    """``matrices.distance_m`` among ``ids`` rounded to whole metres as a
    :class:`~circularopt.routing.problem.RoutingModel` rounds them (``inf`` ->
    ``INF_TIME``), in float32, built a block of ``rows`` rows at a time."""
    idx = matrices.indices(ids)
    out = np.empty((len(idx), len(idx)), dtype=np.float32)
    for k in range(0, len(idx), rows):
        block = matrices.distance_m[idx[k:k + rows]][:, idx]
        out[k:k + rows] = np.where(np.isinf(block), float(INF_TIME), np.round(block))
    out.setflags(write=False)
    return out


def _choice_scenario(scenario: Scenario, at_start: Mapping[str, StreetRun]) -> Scenario:
    """The scenario's points plus one daily point per run at its start (its id the run
    start's location id), without streets."""
    extra = tuple(CollectionPoint(i, r.start[0], r.start[1], r.tonnes_per_day,
                                  name=r.name) for i, r in at_start.items())
    return dataclasses.replace(scenario, streets=(),
                               collection_points=(*scenario.collection_points, *extra))


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


def day_runs(week: Week, runs: Sequence[StreetRun], days: Mapping[str, Pattern], day: int
             ) -> tuple[StreetRun, ...]:
    """The street runs due on working day ``day``, each with the tonnes of its visit
    (daily tonnes x days since its previous visit) as its ``tonnes_per_day``."""
    return tuple(dataclasses.replace(r, tonnes_per_day={
        s: t * gaps(week, days[r.id])[day] for s, t in r.tonnes_per_day.items()})
        for r in runs if day in days[r.id])


def day_scenario(scenario: Scenario, days: Mapping[str, Pattern], day: int) -> Scenario:
    """The scenario of working day ``day``: the points due, each with the tonnes of its
    visit (daily tonnes x days since its previous visit), and the day's trucks; without
    streets (the day's runs come from :func:`day_runs`)."""
    week = scenario.week
    points = tuple(_visit(p, gaps(week, days[p.id])[day]) for p in scenario.collection_points
                   if day in days[p.id])
    trucks = week.trucks_per_day.get(week.working_days[day])
    return dataclasses.replace(scenario, name=f"{scenario.name}-{week.working_days[day]}",
                               collection_points=points, streets=(),
                               depots=_depots(scenario.depots, trucks))


def route_week(scenario: Scenario, matrices: TravelMatrices, *,
               assignment: Mapping[str, str], options: RoutingOptions | None = None,
               time_limit: float = 60.0, seed: int = 0, progress: Progress | None = None,
               scheduler: str | None = None, workers: int | None = None,
               runs: Sequence[StreetRun] | None = None) -> CityWeek:
    """Plan a city's week (see the module docstring).

    ``runs``: the curbside street runs to plan with the points (``None``: those of the
    scenario's streets, :func:`~circularopt.routing.curbside.scenario_runs`); the
    matrices must cover their ends and ``assignment`` their zones' demand points.

    Days run one after another, or as Dask tasks on the scheduler at ``scheduler`` or,
    with ``workers``, on a local cluster of that many processes (each day's parts then
    run in its task, one process). ``time_limit`` (wall-clock seconds) is shared by the
    days in proportion to their points (one after another: what is left when a day
    starts, less :data:`DAY_OVERHEAD`); day ``d`` routes with seed ``seed + 100 d``. A day
    that fails leaves its points unserved (the validator says so) and its error in
    ``info["errors"]``.
    """
    t0 = time.perf_counter()
    say = progress or (lambda _msg: None)
    runs = tuple(scenario_runs(scenario) if runs is None else runs)
    days = choose_days(scenario, matrices, assignment, runs=runs)
    names = scenario.week.working_days
    due = [sum(d in p for p in days.values()) for d in range(len(names))]
    say(tr("week: collection days chosen; points due per day {due}",
           due=", ".join(f"{n} {k}" for n, k in zip(names, due, strict=True))))
    tasks = [_DayTask(d, day_scenario(scenario, days, d), assignment, options, seed + 100 * d,
                      day_runs(scenario.week, runs, days, d))
             for d in range(len(names)) if due[d]]
    left = time_limit - (time.perf_counter() - t0)
    if scheduler is not None or workers is not None:
        found = _dask_days(tasks, matrices, left, scheduler, workers or 2, say)
    else:
        found = _serial_days(tasks, matrices, t0 + time_limit, say)
    errors = {names[d]: v for d, v in found.items() if isinstance(v, str)}
    plans = tuple(_plan_or_none(found.get(d)) for d in range(len(names)))
    info = {"due": dict(zip(names, due, strict=True)), "errors": errors}
    return CityWeek(scenario.week, days, plans, info, runs)


def _plan_or_none(found: CityPlan | str | None) -> CityPlan | None:
    return None if isinstance(found, str) else found


@dataclass(frozen=True)
class _DayTask:
    day: int
    scenario: Scenario
    assignment: Mapping[str, str]
    options: RoutingOptions | None
    seed: int
    runs: tuple[StreetRun, ...] = ()

    @property
    def size(self) -> int:
        return len(self.scenario.collection_points) + len(self.runs)

    def location_ids(self) -> list[str]:
        """The ids the day's matrices must cover."""
        return ([o.id for o in self.scenario.located()]
                + [e for r in self.runs for e in r.end_ids()])

    def run(self, matrices: TravelMatrices, seconds: float, say: Progress) -> CityPlan:
        ids = [p.id for p in self.scenario.collection_points]
        ids += list(dict.fromkeys(zone_point_id(r.zone) for r in self.runs))
        return route_city(self.scenario, matrices,
                          assignment={i: self.assignment[i] for i in ids},
                          options=self.options, time_limit=seconds, seed=self.seed,
                          progress=say, runs=self.runs)


def _serial_days(tasks: Sequence[_DayTask], matrices: TravelMatrices, deadline: float,
                 say: Progress) -> dict[int, CityPlan | str]:
    found: dict[int, CityPlan | str] = {}
    for k, task in enumerate(tasks):
        name = task.scenario.week.working_days[task.day]
        left = deadline - time.perf_counter()
        seconds = max(1.0, left * task.size / sum(t.size for t in tasks[k:]) - DAY_OVERHEAD)
        say(tr("week: routing {day} ({points} points, {seconds:.0f} s)", day=name,
               points=task.size, seconds=seconds))
        try:
            found[task.day] = task.run(matrices, seconds, _prefixed(say, name))
        except CircularOptError as exc:
            found[task.day] = f"{type(exc).__name__}: {exc}"
            say(tr("week: {day} failed: {error}", day=name, error=found[task.day]))
    return found


def _route_task(task: _DayTask, matrices: TravelMatrices, seconds: float) -> CityPlan:
    """One day in a Dask worker, its parts in the worker's process."""
    opts = dataclasses.replace(task.options or RoutingOptions(), workers=1)
    return dataclasses.replace(task, options=opts).run(matrices, seconds, _quiet)


def _quiet(_msg: str) -> None:
    """Progress of a day in a Dask worker (not shown)."""


def _dask_days(tasks: Sequence[_DayTask], matrices: TravelMatrices, seconds: float,
               scheduler: str | None, workers: int, say: Progress
               ) -> dict[int, CityPlan | str]:
    """The days as Dask tasks; each gets the budget of its wave of ``workers`` days."""
    from dask.distributed import Client, LocalCluster, as_completed

    t0 = time.perf_counter()
    # silence_logs: a worker's shutdown chatter (heartbeat tracebacks when the machine is
    # busy) is not the user's business; a failing day is reported through its future.
    cluster = None if scheduler is not None else LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.CRITICAL)
    client = Client(cluster if cluster is not None else scheduler)
    found: dict[int, CityPlan | str] = {}
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        waves = -(-len(tasks) // n)
        each = max(1.0, (seconds - (time.perf_counter() - t0)) / waves - DAY_OVERHEAD)
        say(tr("week: {days} days as Dask tasks on {workers} workers, {seconds:.0f} s each",
               days=len(tasks), workers=n, seconds=each))
        queue = list(tasks)
        futures: dict[Any, tuple[_DayTask, Any]] = {}

        def submit() -> Any:
            # Each day travels with the matrices of its own points (a day holds about
            # half a city's sites: a quarter of the full matrices' memory per worker),
            # and only ``n`` days are in flight, so few copies exist at once.
            task = queue.pop(0)
            data = client.scatter(matrices.subset(task.location_ids()), hash=False)
            fut = client.submit(_route_task, task, data, each, pure=False,
                                key=f"week-{task.scenario.name}")
            futures[fut] = (task, data)
            return fut

        running = as_completed([submit() for _ in range(min(n, len(queue)))])
        for fut in running:
            task, data = futures.pop(fut)
            data.release()
            name = task.scenario.week.working_days[task.day]
            if fut.status == "error":
                exc = fut.exception()
                found[task.day] = f"{type(exc).__name__}: {exc}"
                say(tr("week: {day} failed: {error}", day=name, error=found[task.day]))
            else:
                found[task.day] = fut.result()
                say(tr("week: {day} routed", day=name))
            fut.release()
            if queue:
                running.add(submit())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return found


def _prefixed(say: Progress, prefix: str) -> Progress:
    def inner(msg: str) -> None:
        say(f"  {prefix}: {msg}")
    return inner


def _served(plan: CityWeek, run_ids: set[str]) -> dict[str, list[int]]:
    """Point or run id -> the days it is collected (a run in either direction)."""
    served: dict[str, list[int]] = {}
    for d, city in enumerate(plan.plans):
        if city is not None:
            for r in city.result.routes:
                for stop in r.stops:
                    base = stop[:-1] if stop[-1:] in "<>" and stop[:-1] in run_ids else stop
                    served.setdefault(base, []).append(d)
    return served


def _street_violations(scenario: Scenario, runs: Sequence[StreetRun]) -> list[str]:
    """Every street in exactly one run, with the run's frequency and fixed days."""
    bad = []
    by_id = {t.id: t for t in scenario.streets}
    seen: dict[str, str] = {}
    for r in runs:
        for sid in r.streets:
            street = by_id.get(sid)
            if street is None:
                bad.append(f"run {r.id!r} serves {sid!r}, which is no street of the scenario")
                continue
            if sid in seen:
                bad.append(f"street {sid!r} is in runs {seen[sid]!r} and {r.id!r}")
            seen[sid] = r.id
            if (street.collections_per_week, street.fixed_days) != (
                    r.collections_per_week, r.fixed_days):
                bad.append(f"street {sid!r} is collected {street.collections_per_week} times "
                           f"a week, its run {r.id!r} {r.collections_per_week}")
    bad += [f"street {sid!r} is in no run" for sid in by_id if sid not in seen]
    return bad


def _point_violations(scenario: Scenario, plan: CityWeek, runs: Sequence[StreetRun]
                      ) -> list[str]:
    week, names = scenario.week, scenario.week.working_days
    allowed = [(f"point {p.id!r}", p.id, a) for p, a in
               zip(scenario.collection_points, scenario_patterns(week,
                                                                 scenario.collection_points),
                   strict=True)]
    allowed += [(f"street run {r.id!r}", r.id, a)
                for r, a in zip(runs, run_patterns(week, runs), strict=True)]
    served = _served(plan, {r.id for r in runs})
    bad = []
    for what, pid, options in allowed:
        chosen = tuple(plan.days.get(pid, ()))
        if chosen not in options:
            bad.append(f"{what}: days {[names[d] for d in chosen]} are not one of "
                       f"its allowed patterns")
        got = sorted(served.pop(pid, []))
        if got != list(chosen):
            bad.append(f"{what} is collected on {[names[d] for d in got]}, its "
                       f"days are {[names[d] for d in chosen]}")
    bad += [f"{i!r} is collected but is no collection point or street run" for i in served]
    return bad


def _visit_tonnes(scenario: Scenario, runs: Sequence[StreetRun]) -> dict[str, float]:
    """Stop id -> daily tonnes of the point or run it collects."""
    out = {p.id: p.total_tonnes_per_day for p in scenario.collection_points}
    out.update({f"{r.id}{d}": r.tonnes for r in runs for d in ("<", ">")})
    return out


def _day_violations(scenario: Scenario, plan: CityWeek, d: int, city: CityPlan,
                    daily: Mapping[str, float]) -> tuple[list[str], float]:
    week = scenario.week
    name = week.working_days[d]
    report = validate_routes(city.problem, city.result)
    bad = [f"{name}: {v}" for v in report.violations]
    trucks = week.trucks_per_day.get(name)
    if trucks is not None and city.result.num_vehicles > trucks:
        bad.append(f"{name}: {city.result.num_vehicles} trucks drive, {trucks} are available")
    for s in city.problem.stops:
        key = s.id if s.id in plan.days else s.id[:-1]
        if s.id not in daily or key not in plan.days:
            continue
        gap = gaps(week, plan.days[key]).get(d, 0)
        want = daily[s.id] * gap
        if abs(s.demand[0] - want) > 1e-3 + 1e-6 * want:
            bad.append(f"{name}: {s.id!r} loads {s.demand[0]:.3f} t, {gap} days of "
                       f"waste are {want:.3f} t")
    return bad, report.cost or 0.0


def validate_week(scenario: Scenario, plan: CityWeek) -> WeekReport:
    """Check a week plan (see step 3 of the module docstring); ``cost`` is the week's
    routing cost recomputed day by day. The street runs are rebuilt from the scenario
    (:func:`~circularopt.routing.curbside.scenario_runs`)."""
    runs = scenario_runs(scenario)
    bad = _street_violations(scenario, runs) + _point_violations(scenario, plan, runs)
    daily = _visit_tonnes(scenario, runs)
    costs = []
    for d, city in enumerate(plan.plans):
        found, cost = (([], 0.0) if city is None
                       else _day_violations(scenario, plan, d, city, daily))
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
    """The residents' schedule: each container site, then each curbside street (``kind``),
    its collection days and expected time on each (``hh:mm``: a site's arrival, a
    street's run's start), and a window around them (the earliest rounded down to the
    half hour, the latest, plus a street's run's service, rounded up plus half an hour).
    """
    starts: dict[str, dict[str, float]] = {}
    ends: dict[str, float] = {}
    for name, city in zip(plan.week.working_days, plan.plans, strict=True):
        for r in () if city is None else city.result.routes:
            for v in r.visits:
                if v.kind == "stop":
                    key = v.id if v.id in plan.days else v.id[:-1]
                    starts.setdefault(key, {})[name] = v.arrival
                    ends[key] = max(ends.get(key, 0.0), v.end)
    rows = [_row(plan, p.id, p.name, p.collections_per_week, starts.get(p.id, {}), None)
            | {"kind": "container", "zone": ""}
            for p in scenario.collection_points]
    by_id = {t.id: t for t in scenario.streets}
    for run in plan.runs:
        for sid in run.streets:
            t = by_id[sid]
            rows.append(_row(plan, run.id, t.name, t.collections_per_week,
                             starts.get(run.id, {}), ends.get(run.id))
                        | {"id": sid, "kind": "curbside", "zone": t.zone, "run": run.id})
    return rows


def _row(plan: CityWeek, key: str, name: str, frequency: int, times: Mapping[str, float],
         end: float | None) -> dict[str, Any]:
    """A schedule row; ``end``: the latest end of a run's service (``None``: a site)."""
    row: dict[str, Any] = {"id": key, "name": name, "collections_per_week": frequency,
                           "days": " ".join(plan.day_names(key)) if key in plan.days else ""}
    row.update({d: _hhmm(times[d]) if d in times else "" for d in plan.week.working_days})
    lo = min(times.values(), default=None)
    hi = max(times.values(), default=None)
    if hi is not None and end is not None:  # a run: until its service ends
        hi = max(hi, end)
    row["window"] = ("" if lo is None or hi is None else
                     f"{_hhmm(lo // 1800 * 1800)}-{_hhmm((hi // 1800 + 2) * 1800)}")
    return row


def _hhmm(seconds: float) -> str:
    minutes = round(seconds / 60.0)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
