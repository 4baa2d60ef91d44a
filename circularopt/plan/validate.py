"""Independent validator of a whole plan against a scenario, however the plan was made.

:func:`validate_plan` recomputes every figure of a :class:`~circularopt.plan.Plan` from
the scenario and the travel matrices alone and lists every violated rule:

* the plan is for this scenario (same ids, positions and tonnes);
* siting: :func:`circularopt.siting.validate.validate_siting` (assignments, capacities,
  flows, cost components);
* feedstock: flows only of recovered material, within recycler capacities and accepted
  streams, and every complex's inflow either sold or landfilled;
* routing: the routes are re-read onto the **whole-city** routing problem (all depots,
  the scenario's real fleet counts, every site the assignment uses) by ids, so a plan made
  by any decomposition or any other solver is judged by the same rules; each route keeps
  its truck (type name and number), which must exist in the fleet and drive no two routes
  at once; loads, times, shifts, distances and costs are recomputed by
  :func:`~circularopt.routing.validate.validate_routes`; each trip must unload at the
  site its points are assigned to;
* curbside streets (a scenario with ``streets``): the routing problem holds their runs
  (:func:`circularopt.routing.curbside.scenario_runs`), siting their zones' demand
  points, and every original street must be served exactly once under its rule (once in
  either direction, or once in each), read back from the served runs' directions;
* a week plan (``plan.info["week"]``): each working day's routes are re-read onto that
  day's problem (the points and street runs the schedule puts on it, loaded with the
  tonnes of their gaps, and the day's trucks) and validated the same way; the plan's own
  routes are then the week's reference peak day, whose route violations are warnings
  (every site and street due on one day may need more trucks than the fleet has);
* KPIs: recomputed (for a week plan from the week's routes,
  :func:`~circularopt.plan.kpis.week_kpis`) and compared.

The cost of :class:`PlanReport` is the recomputed annual total.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from circularopt.exceptions import InfeasibleError
from circularopt.matrices import TravelMatrices
from circularopt.plan.kpis import compute_kpis, week_kpis
from circularopt.plan.model import KPIs, Plan
from circularopt.routing.curbside import (
    StreetRun,
    scenario_runs,
    siting_scenario,
    zone_point_id,
)
from circularopt.routing.decompose import merge_problems
from circularopt.routing.periodic.city import day_runs, day_scenario
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.result import Route, RoutingResult, Visit
from circularopt.routing.scenario import routing_problem
from circularopt.routing.validate import validate_routes
from circularopt.scenario import Scenario
from circularopt.siting.validate import validate_siting
from circularopt.validation import ValidationReport

__all__ = ["PlanReport", "validate_plan"]

@dataclass(frozen=True)
class PlanReport(ValidationReport):
    """Verdict of :func:`validate_plan`; ``cost`` is the recomputed annual total.

    Parameters
    ----------
    routing_cost_per_day
        Recomputed daily routing cost, or ``None``.
    kpis
        Recomputed key figures, or ``None``.
    """

    routing_cost_per_day: float | None = None
    kpis: KPIs | None = None

    subject: ClassVar[str] = "plan"

    @property
    def annual_cost(self) -> float | None:
        """Deprecated name of :attr:`cost` (the recomputed annual total)."""
        return self.cost

    def figures(self) -> str:
        """The recomputed annual cost and daily routing cost."""
        cost = "n/a" if self.cost is None else f"{self.cost:,.2f}"
        return (f"recomputed annual cost {cost}"
                + ("" if self.routing_cost_per_day is None else
                   f", routing {self.routing_cost_per_day:,.2f} per day"))


def validate_plan(scenario: Scenario, matrices: TravelMatrices, plan: Plan) -> PlanReport:
    """Check ``plan`` against ``scenario`` and ``matrices`` (see the module docstring).

    Parameters
    ----------
    scenario
        The instance the plan claims to solve.
    matrices
        Travel matrices (seconds, metres) over the scenario's located objects (with
        streets: :func:`~circularopt.routing.curbside.curbside_matrices`).
    plan
        The plan to check.

    Returns
    -------
    PlanReport
        Violations and the recomputed figures.
    """
    bad: list[str] = []
    if plan.scenario.to_dict() != scenario.to_dict():
        bad.append("the plan was made for a different scenario (its scenario differs from "
                   "the instance's)")
    if plan.siting is None or plan.routing is None or plan.feedstock is None:
        missing = [n for n, x in (("siting", plan.siting), ("feedstock", plan.feedstock),
                                  ("routing", plan.routing)) if x is None]
        bad.append(f"the plan is incomplete: no {', '.join(missing)}")
        return PlanReport(violations=tuple(bad))
    siting, feedstock = plan.siting, plan.feedstock
    runs = scenario_runs(scenario)
    missing = [e for r in runs for e in r.end_ids() if e not in matrices.ids][:3]
    if missing:
        bad.append(f"the travel matrices do not cover the street runs (e.g. {missing}); "
                   "build them with circularopt.routing.curbside.curbside_matrices")
        return PlanReport(violations=tuple(bad))
    bad += [f"siting: {v}" for v in validate_siting(siting_scenario(scenario, runs), matrices,
                                                     siting).violations]
    bad += _check_feedstock(scenario, plan)

    sites = sorted(set(siting.assignment.values()))
    want = dict(siting.assignment)
    for r in runs:
        for d in r.directions():
            want[f"{r.id}{d}"] = siting.assignment.get(zone_point_id(r.zone), "")
    whole = _whole_problem(scenario, matrices, siting.assignment, sites, runs)
    routing, problems = _remap(whole, plan.routing, plan.info.get("vehicle_types"))
    bad += [f"routing: {p}" for p in problems]
    if routing is None:
        return PlanReport(violations=tuple(bad))
    report = validate_routes(whole, routing)
    week_plan = isinstance(plan.info.get("week"), Mapping)
    # a week plan's own routes are its reference peak day (every site and street due),
    # which may need more trucks than the fleet has: warnings, the week decides
    reference = [f"peak day (the week's reference): {v}" for v in report.violations]
    bad += [] if week_plan else [f"routing: {v}" for v in report.violations]
    bad += _check_trips(whole, routing, want)
    bad += _check_streets(scenario, runs, routing)

    if week_plan:
        days, problems = _week_days(scenario, matrices, plan.info["week"], sites, want,
                                    runs)
        bad += problems
        kpis = week_kpis(scenario, siting, feedstock, whole, routing, days, runs=runs)
    else:
        kpis = compute_kpis(scenario, siting, feedstock, whole, routing, runs=runs)
    if plan.kpis is not None:
        bad += _compare_kpis(kpis, plan.kpis)
    return PlanReport(violations=tuple(bad), cost=kpis.annual_cost["total"],
                      routing_cost_per_day=report.cost, kpis=kpis,
                      warnings=tuple(reference) if week_plan else ())


def _whole_problem(scenario: Scenario, matrices: TravelMatrices,
                   assignment: Mapping[str, str], sites: Sequence[str],
                   runs: Sequence[StreetRun], *, name: str | None = None) -> RoutingProblem:
    """The whole-city routing problem (every point and run, all depots with the
    scenario's fleet, every site of ``sites``), held as one block per site the points
    and runs are assigned to (:func:`~circularopt.routing.decompose.merge_problems`):
    a dense problem over a city's 14,000 locations takes 3 GB. Every arc a valid plan
    drives lies in a block; an arc between two sites' points is forbidden here, and a
    trip that drives it is a violation anyway (:func:`_check_trips`)."""
    groups: dict[str, tuple[list[str], list[StreetRun]]] = {}
    for p in scenario.collection_points:
        groups.setdefault(assignment.get(p.id, ""), ([], []))[0].append(p.id)
    for r in runs:
        groups.setdefault(assignment.get(zone_point_id(r.zone), ""), ([], []))[1].append(r)
    name = name or scenario.name
    if not groups:  # nothing to collect (a day off for every point)
        groups[""] = ([], [])
    blocks = [routing_problem(scenario, matrices, unload_sites=sites, name=name,
                              points=pts, runs=rs) for pts, rs in groups.values()]
    if len(blocks) == 1:
        return blocks[0]
    merged = merge_problems(blocks, name=name)
    fleet = {v.name: v.count for v in blocks[0].vehicle_types}  # each block: every truck
    return replace(merged, vehicle_types=tuple(replace(v, count=fleet[v.name])
                                               for v in merged.vehicle_types))


def _week_days(scenario: Scenario, matrices: TravelMatrices, week: Mapping[str, Any],
               sites: Sequence[str], assignment: Mapping[str, str],
               runs: Sequence[StreetRun] = ()
               ) -> tuple[list[tuple[RoutingProblem, RoutingResult] | None], list[str]]:
    """Each working day's routes of a week plan, re-read onto that day's problem (the
    points and street runs due on it by the plan's schedule, a street's row naming its
    ``run``, with the tonnes of their gaps, and the day's trucks), validated and checked
    to unload where ``assignment`` says; ``None`` for a day with no routes."""
    names = list(scenario.week.working_days)
    index = {name: k for k, name in enumerate(names)}
    try:
        days = {row.get("run") or row["id"]: tuple(index[d] for d in row["days"].split())
                for row in week["schedule"]}
        stored = {name: week["routes"][name] for name in names}
    except (KeyError, TypeError, AttributeError) as exc:
        return [], [f"week: the plan's schedule or routes cannot be read ({exc!r})"]
    ids = [p.id for p in scenario.collection_points] + [r.id for r in runs]
    missing = [i for i in ids if i not in days]
    if missing:
        return [], [f"week: points without collection days, e.g. {missing[:3]}"]
    out: list[tuple[RoutingProblem, RoutingResult] | None] = []
    bad: list[str] = []
    for k, name in enumerate(names):
        try:
            whole = _whole_problem(day_scenario(scenario, days, k), matrices, assignment,
                                   sites, day_runs(scenario.week, runs, days, k), name=name)
        except InfeasibleError as exc:  # e.g. a visit heavier than every truck
            bad.append(f"week {name}: {exc}")
            out.append(None)
            continue
        if stored[name] is None:
            if whole.stops:
                bad.append(f"week {name}: no routes for the {len(whole.stops)} points due")
            out.append(None)
            continue
        routing, problems = _remap(whole, RoutingResult.from_dict(stored[name]["result"]),
                                   stored[name].get("vehicle_types"))
        bad += [f"week {name}: {p}" for p in problems]
        if routing is not None:
            bad += [f"week {name}: {v}" for v in validate_routes(whole, routing).violations]
            bad += [f"week {name}: {v}" for v in _check_trips(whole, routing, assignment)]
        out.append(None if routing is None else (whole, routing))
    return out, bad


def _compare_kpis(mine: KPIs, theirs: KPIs) -> list[str]:
    """The plan's key figures that differ from the recomputed ones."""
    bad: list[str] = []
    for name in ("km_per_day", "hours_per_day", "tonne_km_per_day", "co2_kg_per_day",
                 "collected_t_per_day", "diversion_rate", "landfill_t_per_day"):
        a, b = getattr(mine, name), getattr(theirs, name)
        if not math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6):
            bad.append(f"kpis: {name} is {b}, recomputed {a}")
    for name, value in mine.annual_cost.items():
        stated = theirs.annual_cost.get(name)
        if stated is None or not math.isclose(value, stated, rel_tol=1e-6, abs_tol=1e-3):
            bad.append(f"kpis: annual cost {name} is {stated}, recomputed {value}")
    return bad


def _check_streets(scenario: Scenario, runs: Sequence[StreetRun],
                   routing: RoutingResult) -> list[str]:
    """Every street served once under its rule: read back through the runs served."""
    by_stop = {f"{r.id}{d}": (r, d == ">") for r in runs for d in r.directions()}
    passes: Counter[tuple[str, bool]] = Counter()
    for route in routing.routes:
        for v in route.visits:
            if v.kind == "stop" and v.id in by_stop:
                run, forward = by_stop[v.id]
                for street, along in zip(run.streets, run.along, strict=True):
                    passes[(street, along == forward)] += 1
    bad: list[str] = []
    for s in scenario.streets:
        fwd, bwd = passes[(s.id, True)], passes[(s.id, False)]
        if s.oneway and bwd:
            bad.append(f"streets: one-way street {s.id!r} is served against its direction")
        if s.rule == "each_direction" and not s.oneway:
            if (fwd, bwd) != (1, 1):
                bad.append(f"streets: street {s.id!r} must be served once in each "
                           f"direction, is served {fwd} time(s) forward, {bwd} backward")
        elif fwd + bwd != 1:
            bad.append(f"streets: street {s.id!r} is served {fwd + bwd} time(s), "
                       "must be once")
    return bad


def _check_feedstock(scenario: Scenario, plan: Plan) -> list[str]:
    assert plan.siting is not None and plan.feedstock is not None
    bad: list[str] = []
    recyclers = {r.id: r for r in scenario.recyclers}
    complexes = {c.id: c for c in scenario.complex_candidates}
    inflow = {c.id: c.inflow_t_per_day for c in plan.siting.open_complexes}
    sold: dict[tuple[str, str], float] = defaultdict(float)
    received: dict[str, float] = defaultdict(float)
    out: dict[str, float] = defaultdict(float)
    for f in plan.feedstock.flows:
        if f.complex not in inflow:
            bad.append(f"feedstock: flow from {f.complex!r}, which is not an open complex")
            continue
        rec = recyclers.get(f.recycler)
        if rec is None or f.stream not in rec.price_per_tonne:
            bad.append(f"feedstock: {f.recycler!r} does not accept {f.stream!r}")
        sold[(f.complex, f.stream)] += f.tonnes_per_day
        received[f.recycler] += f.tonnes_per_day
        out[f.complex] += f.tonnes_per_day
    for (cid, stream), t in sold.items():
        recovered = complexes[cid].recovery_rate.get(stream, 0.0) * inflow[cid].get(stream, 0)
        if t > recovered + 1e-6 * max(1.0, recovered):
            bad.append(f"feedstock: {cid!r} sells {t:.4f} t/day of {stream}, more than it "
                       f"recovers ({recovered:.4f})")
    for rid, t in received.items():
        cap = recyclers[rid].capacity_t_per_day if rid in recyclers else 0.0
        if t > cap + 1e-6 * max(1.0, cap):
            bad.append(f"feedstock: recycler {rid!r} receives {t:.4f} t/day, over its "
                       f"capacity {cap:.4f}")
    for r in plan.feedstock.residues:
        out[r.complex] += r.tonnes_per_day
    for cid, streams in inflow.items():
        total = sum(streams.values())
        if not math.isclose(out[cid], total, rel_tol=1e-6, abs_tol=1e-6):
            bad.append(f"feedstock: {cid!r} receives {total:.4f} t/day but sends out "
                       f"{out[cid]:.4f}")
    return bad


def _site_id(unload_id: str) -> str:
    """Scenario id of an unload site (copies per unloading time are ``<id>@<m>min``)."""
    return unload_id.split("@", 1)[0]


def _remap(whole: RoutingProblem, result: RoutingResult, type_names: object
           ) -> tuple[RoutingResult | None, list[str]]:
    """Re-read ``result`` onto ``whole`` by ids; return it and what could not be read.

    A route keeps its truck: its type by name and its vehicle number, so routes of one
    truck stay one truck's (the validator rejects them if they overlap in time) and the
    numbers must fit the scenario's fleet.
    """
    names = [vt.name for vt in whole.vehicle_types]
    if not isinstance(type_names, list):
        return None, ["the plan does not record its vehicle type names (info.vehicle_types)"]
    depots = {d.id: k for k, d in enumerate(whole.depots)}
    stops = {s.id: k for k, s in enumerate(whole.stops)}
    bad: list[str] = []
    routes = []
    for r_no, route in enumerate(result.routes):
        if not 0 <= route.vehicle_type < len(type_names) or \
                type_names[route.vehicle_type] not in names:
            bad.append(f"route {r_no}: unknown vehicle type {route.vehicle_type}")
            continue
        vt = names.index(type_names[route.vehicle_type])
        visits: list[Visit] = []
        for v in route.visits:
            if v.kind in ("start", "end"):
                index = depots.get(v.id, -1)
                loc = whole.depots[index].location if index >= 0 else -1
            elif v.kind == "stop":
                index = stops.get(v.id, -1)
                loc = whole.stops[index].location if index >= 0 else -1
            elif v.kind == "unload":
                index = _unload_index(whole, v)
                loc = whole.unload_sites[index].location if index >= 0 else -1
            else:
                index, loc = -1, visits[-1].location if visits else -1
            if loc < 0:
                bad.append(f"route {r_no}: {v.kind} {v.id!r} is not part of the instance")
                break
            visits.append(replace(v, index=index, location=loc))
        else:
            routes.append(Route(vt, route.vehicle, tuple(visits), route.distance,
                                route.duration, route.cost))
    if bad:
        return None, bad
    return replace(result, routes=tuple(routes)), []


def _unload_index(whole: RoutingProblem, visit: Visit) -> int:
    """Index in ``whole`` of the unload site visited: same site, same unloading time."""
    same = [k for k, u in enumerate(whole.unload_sites) if _site_id(u.id) == _site_id(visit.id)]
    if len(same) > 1:
        same = [k for k in same
                if math.isclose(whole.unload_sites[k].unload_duration, visit.end - visit.start)]
    return same[0] if len(same) == 1 else -1


def _check_trips(whole: RoutingProblem, routing: RoutingResult,
                 assignment: Mapping[str, str]) -> list[str]:
    """Each trip must unload at the site its points are assigned to."""
    bad: list[str] = []
    for r_no, route in enumerate(routing.routes):
        pending: list[Visit] = []
        for v in route.visits:
            if v.kind == "stop":
                pending.append(v)
            elif v.kind == "unload":
                site = _site_id(v.id)
                for s in pending:
                    want = assignment.get(s.id)
                    if want != site:
                        bad.append(f"routing: route {r_no} unloads point {s.id!r} at "
                                   f"{site!r}, but the plan assigns it to {want!r}")
                pending = []
            elif v.kind == "end" and pending:
                bad.append(f"routing: route {r_no} returns to the depot loaded with "
                           f"{len(pending)} points' waste")
    return bad
