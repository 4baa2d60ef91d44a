"""The pipeline: from a city (or a scenario) to a validated plan in one call.

:func:`solve` runs the stages in one direction::

    scenario -> travel matrices -> diagnosis -> siting -> feedstock -> routing
    -> validation -> Plan

The diagnosis (:func:`circularopt.diagnose.require_feasible`) refuses a scenario that
cannot be planned, with the reasons and the figures, before the solvers spend the budget;
its warnings go to ``progress`` and ``plan.info["warnings"]``. ``plan.info`` also records
the seed, the solver settings, the versions (:func:`versions`) and the scenario's
SHA-256 (:func:`scenario_hash`).

One wall-clock budget (``time_limit``) is shared by the stages: siting gets a share of
what is left when it starts, routing gets the rest (less a small reserve for validation
and KPIs). Each stage reports its start and end through ``progress``. A Ctrl-C
(``KeyboardInterrupt``) stops the run at the current stage and returns the plan as far
as it got, marked ``complete=False``; the CLI saves it.

Caveat: without a road network the travel figures are the explicit offline
approximation (:func:`circularopt.matrices.approximate_matrices`); the plan and every
output say so.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from circularopt._validate import integer
from circularopt.diagnose import require_feasible
from circularopt.exceptions import CircularOptError, InputError
from circularopt.feedstock import FeedstockResult, assign_feedstock
from circularopt.i18n import lazy, num, tr
from circularopt.matrices import TravelMatrices
from circularopt.plan import Plan, compute_kpis
from circularopt.plan.kpis import kind_split, week_kpis
from circularopt.routing.curbside import (
    StreetRun,
    curbside_info,
    plan_matrices,
    scenario_runs,
    siting_scenario,
)
from circularopt.routing.decompose import CityPlan, RoutingOptions, route_city
from circularopt.routing.engines.options import as_json
from circularopt.routing.periodic.city import (
    CityWeek,
    WeekReport,
    day_figures,
    route_week,
    schedule,
    validate_week,
)
from circularopt.routing.result import RoutingResult
from circularopt.scenario import Scenario
from circularopt.siting.model import site
from circularopt.siting.result import SitingResult
from circularopt.siting.validate import validate_siting
from circularopt.stop import Budget

__all__ = ["DEFAULT_TIME_LIMIT", "compute_kpis", "load_scenario", "peak_share",
           "scenario_hash", "solve", "versions", "week_visits"]

DEFAULT_TIME_LIMIT = 180.0
"""Default wall-clock budget of :func:`solve`, seconds."""

SITING_SHARE = 0.3
"""Share of the remaining budget given to siting (routing gets the rest)."""

WEEK_DASK_VISITS = 10_000
"""Visits a week from which the days are routed on a local Dask cluster."""

JOINT_SHARE = 0.5
"""Share of the budget left after siting that ``joint=True`` spends judging sitings."""

Progress = Callable[[str], None]


def load_scenario(source: Scenario | str | Path, *, size: int | None = None, seed: int = 0,
                  season: str | None = None, streets: bool = False) -> Scenario:
    """Return a scenario from a Scenario, a scenario JSON file or a city name.

    Parameters
    ----------
    source
        A :class:`Scenario`, a path to a scenario JSON file, or the name of a city spec
        (``bishkek``, ``osh``, ``issyk-kul``; see :func:`circularopt.cities.list_cities`).
    size, seed, season, streets
        Passed to :func:`circularopt.cities.generate` for a city name; ``season`` defaults
        to ``summer`` for cities with seasons; ``streets`` applies only to cities with
        ``[private_houses]``. Refused for a Scenario or a file (``streets`` is ignored:
        a file holds its own streets).
    """
    from circularopt import cities

    if isinstance(source, Scenario):
        _no_generation_options(size, season, "a Scenario object")
        return source
    path = Path(source)
    if path.suffix.lower() == ".json" or path.is_file():
        _no_generation_options(size, season, f"the scenario file {path}")
        return Scenario.from_json(path)
    name = str(source)
    known = cities.list_cities()
    if name not in known:
        raise InputError("city or scenario", name,
                         f"a scenario JSON file or one of the cities {list(known)}")
    spec = cities.load_spec(name)
    if season is None and spec.seasons:
        season = "summer" if "summer" in spec.seasons else sorted(spec.seasons)[0]
    kwargs: dict[str, Any] = {"seed": seed, "season": season,
                              "streets": streets and spec.private_houses is not None}
    if size is not None:
        kwargs["size"] = size
    return cities.generate(spec, **kwargs)


def _no_generation_options(size: int | None, season: str | None, what: str) -> None:
    if size is not None:
        raise InputError("size", size, f"no size for {what} (size applies to city names)")
    if season is not None:
        raise InputError("season", season,
                         f"no season for {what} (season applies to city names)")


def solve(source: Scenario | str | Path, *, network: Any = None,
          season: str | None = None, size: int | None = None,
          complexes: int | None = None, time_limit: float = DEFAULT_TIME_LIMIT,
          seed: int = 0, backend: str | None = None, max_snap_m: float | None = None,
          routing: RoutingOptions | None = None, progress: Progress | None = None,
          joint: bool = False, week: bool | None = None,
          scheduler: str | None = None, streets: bool | None = None,
          checkpoint: Callable[[Plan], None] | None = None,
          siting_workers: int = 1) -> Plan:
    """Plan a municipal cluster: siting, feedstock and routes, validated.

    Parameters
    ----------
    source
        City name, scenario JSON path or :class:`Scenario` (see :func:`load_scenario`).
    network
        Road network: a file path (OSM XML, PBF, GraphML) or a
        :class:`~circularopt.network.RoadNetwork`; ``None`` uses the offline approximation.
    season, size
        Generation options for a city name.
    complexes
        Exact number of sorting complexes to open; ``None`` lets the model choose.
    time_limit
        Wall-clock budget in seconds for the whole run.
    seed
        Seed for the generator and the solvers; equal seeds give equal plans (given
        the same time budget and machine load for the time-limited searches).
    backend
        Siting MIP backend (default: the siting module's measured best).
    max_snap_m
        Snapping limit for road networks (metres).
    routing
        Routing engine, its options, parallel processes, ... (see
        :class:`~circularopt.routing.decompose.RoutingOptions`); e.g.
        ``RoutingOptions(engine_options={"max_iterations": 2000})`` makes PyVRP stop on
        iterations, which gives the same plan on any machine.
    progress
        Called with one line of text per stage event.
    joint
        Judge siting by routed cost (locate-route-improve): besides the siting model's
        choice, site with one complex fewer and one more (or, with ``complexes`` fixed,
        with each open complex closed in turn), route each with a short budget, keep the
        siting with the lowest annual cost with routed collection, then route it with the
        rest of the budget. ``plan.info["joint"]`` lists what was tried. Curbside streets
        are routed and costed in each judgement (by zone, as in the final routing).
    week
        Plan the week (:func:`~circularopt.routing.periodic.city.route_week`): each
        point's collection days and every working day's routes, validated, in
        ``plan.info["week"]`` (days, KPIs per day and week, the saving against routing
        the peak day on every working day, the residents' schedule, the routes). The
        plan's own routes stay the peak day (every point and street due, routed with
        :func:`peak_share` of the routing budget), the week's reference: its violations
        (a peak day may need more trucks than the fleet) are recorded in
        ``plan.info["peak_day_violations"]`` and do not make the plan invalid; its KPIs
        (``plan.kpis``) are the week's per working day
        (:func:`~circularopt.plan.kpis.week_kpis`). ``None`` (default): when any
        point or curbside street is collected less than daily; ``False``: the peak day
        only.
    scheduler
        Address of a Dask scheduler to route the week's days on; ``None``: the days run
        one after another, or on a local cluster of two processes when the week has at
        least :data:`WEEK_DASK_VISITS` visits.
    streets
        For a city with ``[private_houses]``: add its private-house sector as curbside
        collection streets (a SYNTHETIC grid, :func:`circularopt.cities.generate`);
        ``None`` (default): yes for such a city, since without them its plan misses
        those residents' waste (measured within the default budget: docs/benchmarks.md). The
        streets of the scenario (from a city or a file) are sited by zone and routed with
        the container sites as street runs (:mod:`circularopt.routing.curbside`) on their
        collection days (the peak day: every run); ``plan.info["curbside"]`` records
        them.
    checkpoint
        Called with the plan so far (``complete=False``; ``info["checkpoint"]`` names the
        stage) after siting and feedstock, and after the peak day's routes when a week
        follows, e.g. to save it where a killed process cannot lose it. Its time counts
        against ``time_limit``.
    siting_workers
        Processes for the siting model, each with another backend (see
        :class:`~circularopt.siting.model.SitingOptions` ``workers``; default 1).

    Returns
    -------
    Plan
        With ``complete=False`` if interrupted (Ctrl-C) before the last stage.
    """
    if not (time_limit > 0 and math.isfinite(time_limit)):
        raise InputError("time_limit", time_limit, "a finite number of seconds > 0")
    options = routing or RoutingOptions()
    run = _Run(Budget(float(time_limit)), progress or (lambda _msg: None), seed, options)
    run.checkpoint = checkpoint
    run.info.update({"seed": seed, "engine": options.engine, "time_limit": time_limit,
                     "complexes": complexes, "backend": backend, "workers": options.workers,
                     "siting_workers": integer("siting_workers", siting_workers, lo=1),
                     "max_snap_m": max_snap_m,
                     "engine_options": as_json(options.engine_settings()),
                     "versions": versions(), "stage_seconds": run.stage_seconds})
    try:
        run.load(source, size=size, season=season, streets=streets is not False)
        run.travel(network, max_snap_m)
        run.diagnose()
        run.site(complexes, backend, siting_workers)
        if joint:
            run.judge(complexes, backend)
        run.save("feedstock")
        plan_week = _wants_week(run.scenario, week)
        share = peak_share(run.scenario, run.runs) if plan_week and run.scenario else 1.0
        run.info["peak_day_share"] = round(share, 4)
        run.route(share=share, reference=plan_week)
        if plan_week:
            run.save("routing")
            run.week(scheduler)
    except KeyboardInterrupt:
        run.say(tr("interrupted during {stage}: keeping the plan as far as it got",
                   stage=tr(_STAGES.get(run.stage, run.stage))))
        run.info["interrupted_at"] = run.stage
        if run.scenario is None:
            raise
    return run.plan()


_STAGES = {"scenario": lazy("scenario"), "matrices": lazy("matrices"),
           "diagnose": lazy("diagnose"), "siting": lazy("siting"),
           "feedstock": lazy("feedstock"), "joint": lazy("joint"), "routing": lazy("routing"),
           "week": lazy("week")}
"""Names of the stages as the progress lines show them."""


class _Run:
    """One pipeline run: the shared budget, the stages' results, and the record.

    Each stage method announces its start and end through ``say`` with the budget's
    figures and keeps its result on the run, so an interrupted run keeps what it got.
    """

    def __init__(self, budget: Budget, say: Progress, seed: int,
                 routing: RoutingOptions) -> None:
        self.budget, self.say, self.seed, self.routing = budget, say, seed, routing
        self.stage = "scenario"
        self.stage_seconds: dict[str, float] = {}
        self.info: dict[str, Any] = {}
        self.scenario: Scenario | None = None
        self.runs: tuple[StreetRun, ...] = ()
        self.matrices: TravelMatrices | None = None
        self.matrix_facts: tuple[bool, str] = (True, "")  # approximate?, source
        self.siting: SitingResult | None = None
        self.feedstock: FeedstockResult | None = None
        self.city: CityPlan | None = None
        self.week_plan: CityWeek | None = None
        self.violations: list[str] = []
        self.checkpoint: Callable[[Plan], None] | None = None

    def save(self, stage: str) -> None:
        """Hand the plan so far, marked incomplete, to the checkpoint callback (if any)."""
        if self.checkpoint is None:
            return
        plan = self.plan()
        self.checkpoint(replace(plan, complete=False, valid=False,
                                info={**plan.info, "checkpoint": stage}))

    def _left(self) -> float:
        return max(0.0, self.budget.left())

    def _begin(self, name: str) -> float:
        self.stage = name
        self.say(tr("[{elapsed}s, {left}s left] {stage} ...", elapsed=self._clock(),
                    left=self._clock(self._left()), stage=tr(_STAGES[name])))
        return time.perf_counter()

    def _end(self, name: str, t0: float, note: str = "") -> None:
        self.stage_seconds[name] = round(time.perf_counter() - t0, 3)
        self.say(tr("[{elapsed}s, {left}s left] {stage} done in {seconds}s", elapsed=self._clock(),
                    left=self._clock(self._left()), stage=tr(_STAGES[name]),
                    seconds=num(self.stage_seconds[name], 1)) + (f": {note}" if note else ""))

    def _clock(self, seconds: float | None = None) -> str:
        return f"{num(self.budget.elapsed() if seconds is None else seconds, 1):>6}"

    def load(self, source: Scenario | str | Path, *, size: int | None,
             season: str | None, streets: bool) -> None:
        t0 = self._begin("scenario")
        scenario = self.scenario = load_scenario(source, size=size, seed=self.seed,
                                                 season=season, streets=streets)
        self.info["scenario_sha256"] = scenario_hash(scenario)
        self.runs = scenario_runs(scenario)
        if self.runs:
            self.info["curbside"] = curbside_info(scenario, self.runs)
        self._end("scenario", t0, tr("{n} points, {t} t/day", n=len(scenario.collection_points),
                                     t=num(scenario.total_tonnes_per_day, 1))
                  + (tr("; {n} curbside streets in {runs} runs, {t} t/day{synthetic}",
                        n=len(scenario.streets), runs=len(self.runs),
                        t=num(sum(r.tonnes for r in self.runs), 1),
                        synthetic=tr(", SYNTHETIC") if any(r.synthetic for r in self.runs)
                        else "") if self.runs else ""))

    def travel(self, network: Any, max_snap_m: float | None) -> None:
        assert self.scenario is not None
        t0 = self._begin("matrices")
        matrices = self.matrices = plan_matrices(self.scenario, self.runs, network,
                                                 max_snap_m=max_snap_m)
        self.matrix_facts = (matrices.approximate, matrices.source)
        self._end("matrices", t0, (tr("APPROXIMATE: ") if matrices.approximate else "")
                  + matrices.source)

    def diagnose(self) -> None:
        assert self.scenario is not None and self.matrices is not None
        t0 = self._begin("diagnose")
        warnings = self.info["warnings"] = list(
            require_feasible(self.scenario, self.matrices).warnings)
        for warning in warnings:
            self.say(tr("warning: {text}", text=tr(warning)))
        self._end("diagnose", t0, tr("{n} warning(s)", n=len(warnings)))

    def site(self, complexes: int | None, backend: str | None, workers: int = 1) -> None:
        assert self.scenario is not None and self.matrices is not None
        scenario, matrices = siting_scenario(self.scenario, self.runs), self.matrices
        t0 = self._begin("siting")
        kw: dict[str, Any] = {"time_limit": max(1.0, SITING_SHARE * self._left()),
                              "complexes": complexes, "seed": self.seed, "workers": workers}
        if backend is not None:
            kw["backend"] = backend
        siting = self.siting = site(scenario, matrices, **kw)
        report = validate_siting(scenario, matrices, siting)
        self.violations += [f"siting: {v}" for v in report.violations]
        self._end("siting", t0, tr("{n} complexes, status {status}, gap {gap}%",
                                   n=len(siting.open_complexes), status=siting.status,
                                   gap=num(100 * siting.gap, 2)))
        t0 = self._begin("feedstock")
        feedstock = self.feedstock = assign_feedstock(
            scenario, matrices,
            {c.id: c.inflow_t_per_day for c in siting.open_complexes},
            open_recyclers=siting.opened_recyclers)
        self._end("feedstock", t0, tr("{t} t/day to recyclers",
                                      t=num(feedstock.delivered_t_per_day, 1)))

    def judge(self, complexes: int | None, backend: str | None) -> None:
        assert self.scenario is not None and self.matrices is not None
        scenario, matrices = siting_scenario(self.scenario, self.runs), self.matrices
        assert self.siting is not None and self.feedstock is not None
        t0 = self._begin("joint")
        self.siting, self.feedstock, trials = _judge_by_routes(
            scenario, matrices, self.siting, self.feedstock, complexes=complexes,
            backend=backend, seconds=JOINT_SHARE * self._left(), seed=self.seed,
            routing=self.routing, say=self.say, streets=(self.scenario, self.runs))
        self.info["joint"] = trials
        self.violations = [f"siting: {v}" for v in
                           validate_siting(scenario, matrices, self.siting).violations]
        self._end("joint", t0, f"{len(trials)} siting(s) routed; kept "
                  f"{len(self.siting.open_complexes)} complexes {list(self.siting.open_ids)}")

    def route(self, share: float = 1.0, reference: bool = False) -> None:
        """Route the peak day; with ``reference`` (a week plan) its violations are the
        reference's (``info["peak_day_violations"]``), not the plan's: every site and
        street due on one day may need more trucks than the fleet has."""
        assert self.scenario is not None and self.matrices is not None
        assert self.siting is not None
        t0 = self._begin("routing")
        city = self.city = route_city(
            self.scenario, self.matrices, assignment=self.siting.assignment,
            options=self.routing, time_limit=max(1.0, share * (self.budget.left() - 2.0)),
            seed=self.seed, progress=self.say, runs=self.runs)
        found = [f"routing: {v}" for v in city.report.violations]
        if reference and found:
            self.info["peak_day_violations"] = {"count": len(found), "first": found[:20]}
            self.say(tr(PEAK_REFERENCE, n=len(found)))
        else:
            self.violations += found
        self.info["vehicle_types"] = [vt.name for vt in city.problem.vehicle_types]
        self._end("routing", t0, tr("{n} routes, valid", n=city.result.num_vehicles)
                  if city.report.ok else tr("{n} routes, INVALID", n=city.result.num_vehicles))

    def week(self, scheduler: str | None) -> None:
        assert self.scenario is not None and self.matrices is not None
        assert self.siting is not None and self.city is not None
        t0 = self._begin("week")
        visits = week_visits(self.scenario, self.runs)
        local = 2 if scheduler is None and visits >= WEEK_DASK_VISITS else None
        plan = route_week(self.scenario, self.matrices, assignment=self.siting.assignment,
                          options=self.routing, seed=self.seed, progress=self.say,
                          time_limit=max(1.0, self.budget.left() - 2.0),
                          scheduler=scheduler, workers=local, runs=self.runs)
        self.week_plan = plan
        # every stage that reads the matrices is done: free them (1.5 GB for Bishkek's
        # 9,600 locations) before the week is validated and the plan assembled
        self.matrices = None
        report = validate_week(self.scenario, plan)
        self.violations += [f"week: {v}" for v in report.violations]
        self.info["week"] = week_info(self.scenario, plan, report, self.city.result)
        days = self.info["week"]["days"]
        self._end("week", t0, f"trucks per day {[d['trucks'] for d in days]}, "
                  f"{'valid' if report.ok else 'INVALID'}")

    def plan(self) -> Plan:
        """The plan as far as the run got."""
        scenario, city = self.scenario, self.city
        assert scenario is not None
        complete = city is not None
        kpis = None
        if self.siting is not None and self.feedstock is not None and city is not None:
            kpis = (compute_kpis(scenario, self.siting, self.feedstock, city.problem,
                                 city.result, runs=self.runs) if self.week_plan is None else
                    week_kpis(scenario, self.siting, self.feedstock, city.problem,
                              city.result, [None if d is None else (d.problem, d.result)
                                            for d in self.week_plan.plans], runs=self.runs))
        self.info["seconds"] = round(self.budget.elapsed(), 3)
        return Plan(
            scenario=scenario, siting=self.siting, feedstock=self.feedstock,
            routing=None if city is None else city.result, kpis=kpis,
            approximate=self.matrix_facts[0], matrices_source=self.matrix_facts[1],
            valid=complete and not self.violations, violations=tuple(self.violations),
            complete=complete, info=self.info)


PEAK_REFERENCE = lazy(
    "note: the peak day (every site and street due on one day, the week's reference) has "
    "{n} violations; the plan is judged by its week")
"""Progress line when a week plan's reference peak day is invalid."""


def week_visits(scenario: Scenario, runs: Sequence[StreetRun]) -> int:
    """Visits in a week: each site's and street run's collections, at most one a
    working day."""
    days = len(scenario.week.working_days)
    return sum(min(f, days) for f in [p.collections_per_week for p in scenario.collection_points]
               + [r.collections_per_week for r in runs])


def peak_share(scenario: Scenario, runs: Sequence[StreetRun]) -> float:
    """Share of the routing budget for the reference peak day of a week plan: its visits
    (every site and street run once) over the peak day's and the week's visits, so that
    both get the same seconds per visit on the same workers (a third before).

    The peak day is only the reference of the week's saving: routed with less time it
    costs more, which makes the saving look larger; equal time per visit keeps the two
    searched alike."""
    peak = len(scenario.collection_points) + len(runs)
    total = peak + week_visits(scenario, runs)
    return peak / total if total else 1.0


def _wants_week(scenario: Scenario | None, week: bool | None) -> bool:
    """``week`` when given; by default a week when some site or curbside street is
    collected less than daily."""
    if scenario is None or week is False:
        return False
    freqs = [p.collections_per_week for p in scenario.collection_points]
    return week is True or min(freqs + [t.collections_per_week for t in scenario.streets],
                               default=7) < 7


def week_info(scenario: Scenario, plan: CityWeek, report: WeekReport,
              peak: RoutingResult) -> dict[str, Any]:
    """``plan.info["week"]``: the week, its figures per day and in total (with the
    curbside streets' share of each day when there are street runs), the saving against
    routing the peak day (every site and street due) on every working day, the schedule
    and the routes."""
    days = day_figures(plan)
    run_ids = {r.id for r in plan.runs}
    if plan.runs:
        for row, city in zip(days, plan.plans, strict=True):
            curb = (kind_split(city.problem, city.result, plan.runs)["curbside"]
                    if city is not None else dict.fromkeys(("trucks", "km", "tonnes"), 0.0))
            row.update({"runs": 0 if city is None else sum(
                            s[:-1] in run_ids for r in city.result.routes for s in r.stops),
                        "curbside_trucks": int(curb["trucks"]),
                        "curbside_km": round(curb["km"], 3),
                        "curbside_tonnes": round(curb["tonnes"], 3)})
    keys = ("km", "hours", "tonnes", "cost") + (("curbside_km", "curbside_tonnes")
                                                if plan.runs else ())
    total = {k: round(sum(d[k] for d in days), 3) for k in keys}
    n = len(plan.week.working_days)
    peak_week = {"km": round(n * peak.distance / 1000.0, 3), "cost": round(n * peak.cost, 2),
                 "trucks_per_day": peak.num_vehicles}
    return {
        "working_days": list(plan.week.working_days), "source": plan.week.source,
        "valid": report.ok, "violations": list(report.violations[:20]),
        "errors": dict(plan.info.get("errors", {})),
        "days": days, "total": total, "peak_day_every_day": peak_week,
        "saving": {"km": round(peak_week["km"] - total["km"], 3),
                   "cost": round(peak_week["cost"] - total["cost"], 2),
                   "cost_share": round(1 - total["cost"] / peak_week["cost"], 4)
                   if peak_week["cost"] else 0.0},
        "schedule": schedule(scenario, plan),
        "routes": {name: None if city is None else _day_routes(city)
                   for name, city in zip(plan.week.working_days, plan.plans, strict=True)},
    }


def _day_routes(city: CityPlan) -> dict[str, Any]:
    """A day's routes and the scenario names of their vehicle types."""
    return {"vehicle_types": [vt.name for vt in city.problem.vehicle_types],
            "result": city.result.to_dict()}


def _judge_by_routes(scenario: Scenario, matrices: TravelMatrices, first: SitingResult,
                     first_feedstock: FeedstockResult, *, complexes: int | None,
                     backend: str | None, seconds: float, seed: int,
                     routing: RoutingOptions, say: Progress,
                     streets: tuple[Scenario, Sequence[StreetRun]] | None = None
                     ) -> tuple[SitingResult, FeedstockResult, list[dict[str, Any]]]:
    """Route the siting model's choice and its neighbours briefly; keep the cheapest.

    ``streets``: the scenario to route and its curbside street runs, when ``scenario``
    is their siting scenario (:func:`~circularopt.routing.curbside.siting_scenario`):
    the streets are then routed and costed with the container sites."""
    routed, runs = streets if streets is not None else (scenario, ())
    t_end = time.perf_counter() + seconds
    candidates = _siting_variants(scenario, matrices, first, first_feedstock,
                                  complexes=complexes, backend=backend, seconds=seconds,
                                  seed=seed, t_end=t_end, say=say)
    trials = []
    best: tuple[float, SitingResult, FeedstockResult] | None = None
    for sit, fs, note in candidates:
        left = t_end - time.perf_counter()
        budget = max(1.0, min(left, seconds / len(candidates)))
        city = route_city(routed, matrices, assignment=sit.assignment, options=routing,
                          time_limit=budget, seed=seed, runs=runs)
        cost = (compute_kpis(routed, sit, fs, city.problem, city.result, runs=runs)
                .annual_cost["total"] if city.report.ok else math.inf)
        trials.append({**note, "open": list(sit.open_ids), "routed_annual_cost": cost,
                       "valid": city.report.ok, "seconds": round(budget, 1)})
        say(f"joint: {note['variant']}: {list(sit.open_ids)} -> annual cost {cost:,.0f}")
        if best is None or cost < best[0]:
            best = (cost, sit, fs)
    assert best is not None
    return best[1], best[2], trials


def _siting_variants(scenario: Scenario, matrices: TravelMatrices, first: SitingResult,
                     first_feedstock: FeedstockResult, *, complexes: int | None,
                     backend: str | None, seconds: float, seed: int, t_end: float,
                     say: Progress
                     ) -> list[tuple[SitingResult, FeedstockResult, dict[str, Any]]]:
    """The siting model's choice and its neighbours, each with its feedstock."""
    n = len(first.open_complexes)
    if complexes is None:
        variants: list[dict[str, Any]] = [
            {"complexes": k} for k in (n - 1, n + 1)
            if 1 <= k <= len(scenario.complex_candidates)]
    else:
        variants = [{"complexes": complexes, "locked_closed": [c]} for c in first.open_ids]
    each = seconds / (len(variants) + 1)
    candidates: list[tuple[SitingResult, FeedstockResult, dict[str, Any]]] = [
        (first, first_feedstock, {"variant": "model's choice"})]
    for variant in variants:
        left = t_end - time.perf_counter()
        if left < 2.0:
            break
        kw: dict[str, Any] = {**variant, "time_limit": max(1.0, 0.3 * each), "seed": seed}
        if backend is not None:
            kw["backend"] = backend
        try:
            alt = site(scenario, matrices, **kw)
            fs = assign_feedstock(scenario, matrices,
                                  {c.id: c.inflow_t_per_day for c in alt.open_complexes},
                                  open_recyclers=alt.opened_recyclers)
        except CircularOptError as exc:
            say(f"joint: {variant} skipped: {exc}")
            continue
        candidates.append((alt, fs, {"variant": str(variant)}))
    return candidates


def versions() -> dict[str, str]:
    """Versions of Python, circularopt and the solvers (recorded in ``plan.info``)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for package in ("circularopt", "ortools", "pyvrp", "numpy"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "not installed"
    return out


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(scenario.to_dict(), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
