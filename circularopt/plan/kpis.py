"""Key figures of a plan, computed from its parts."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from circularopt.feedstock import FeedstockResult
from circularopt.plan.model import KPIs
from circularopt.routing.curbside import StreetRun
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.result import RoutingResult
from circularopt.scenario import Scenario
from circularopt.siting.result import SitingResult

__all__ = ["compute_kpis", "kind_split", "route_totals", "week_kpis"]


def compute_kpis(scenario: Scenario, siting: SitingResult, feedstock: FeedstockResult,
                 problem: RoutingProblem, routing: RoutingResult, *,
                 runs: Sequence[StreetRun] = ()) -> KPIs:
    """Key figures of a plan from its parts (see :class:`circularopt.plan.KPIs`).

    Parameters
    ----------
    scenario, siting, feedstock
        The plan's scenario and its siting and feedstock results.
    problem, routing
        The stitched routing problem (metres, seconds, tonnes as dimension 0) and its
        result.
    runs
        The curbside street runs routed (their tonnes count in the diversion rate; the
        figures are split by :func:`kind_split`).
    """
    params = scenario.parameters
    days = params.working_days_per_year
    t = route_totals(problem, routing)
    km, hours, collected = t["km"], t["hours"], t["collected"]
    fuel = km * params.fuel_litres_per_km
    costs = siting.costs.as_dict()
    annual: dict[str, float] = {k: float(v) for k, v in costs.items() if k != "total"}
    annual["collection"] = routing.cost * days
    annual["total"] = (sum(v for k, v in annual.items() if k != "revenue")
                       - annual["revenue"])
    landfill_t = float(sum(r.tonnes_per_day for r in feedstock.residues))
    direct = sum(p.total_tonnes_per_day for p in scenario.collection_points
                 if siting.assignment.get(p.id) in {lf.id for lf in scenario.landfills})
    total_t = scenario.total_tonnes_per_day + sum(r.tonnes for r in runs)
    return KPIs(
        annual_cost=annual,
        daily_cost={k: v / days for k, v in annual.items()},
        km_per_day=km, hours_per_day=hours, tonne_km_per_day=t["tonne_km"],
        fuel_litres_per_day=fuel, co2_kg_per_day=fuel * params.kg_co2_per_litre,
        collected_t_per_day=collected,
        diversion_rate=feedstock.delivered_t_per_day / total_t if total_t > 0 else 0.0,
        landfill_t_per_day=landfill_t + direct,
        vehicles_used=routing.num_vehicles,
        vehicles_available=sum(v.count for d in scenario.depots for v in d.vehicle_types),
        load_utilisation=collected / t["capacity"] if t["capacity"] > 0 else 0.0,
        shift_utilisation=hours / t["shift_hours"] if t["shift_hours"] > 0 else 0.0,
        unload_trips=int(t["trips"]),
        recycler_supply={s.id: {"supplied": s.supplied_t_per_day,
                                "capacity": s.capacity_t_per_day}
                         for s in feedstock.supply},
        by_kind=kind_split(problem, routing, runs) if runs else {},
    )


def route_totals(problem: RoutingProblem, routing: RoutingResult) -> dict[str, float]:
    """Totals of one day's routes: ``km``, ``hours``, ``tonne_km``, ``collected`` (t),
    ``trips`` (unloads), ``shift_hours`` and ``capacity`` (t the trucks could carry on
    their trips) of the trucks used, ``cost`` and ``trucks``."""
    tonne_km = collected = trips = shift_hours = 0.0
    for route in routing.routes:
        vt = problem.vehicle_types[route.vehicle_type]
        for a, b in zip(route.visits, route.visits[1:], strict=False):
            tonne_km += a.load[0] * float(problem.distance[a.location, b.location]) / 1000.0
        for v in route.visits:
            if v.kind == "stop":
                collected += problem.stops[v.index].demand[0]
            elif v.kind == "unload":
                trips += 1
        shift_hours += (vt.max_duration if vt.max_duration is not None
                        else vt.shift_end - vt.shift_start) / 3600.0
    capacity = sum(problem.vehicle_types[r.vehicle_type].capacity[0] * max(1, r.num_unloads)
                   for r in routing.routes)
    return {"km": routing.distance / 1000.0, "hours": routing.duration / 3600.0,
            "tonne_km": tonne_km, "collected": collected, "trips": trips,
            "shift_hours": shift_hours, "capacity": float(capacity), "cost": routing.cost,
            "trucks": float(routing.num_vehicles)}


def week_kpis(scenario: Scenario, siting: SitingResult, feedstock: FeedstockResult,
              problem: RoutingProblem, routing: RoutingResult,
              days: Sequence[tuple[RoutingProblem, RoutingResult] | None], *,
              runs: Sequence[StreetRun] = ()) -> KPIs:
    """Key figures of a week plan: the week's routes per working day.

    ``problem`` and ``routing`` are the peak day (every point and street run due);
    ``days`` each working day's routing problem and routes (``None``: nothing routed
    that day), container sites and the street runs due that day. Km, hours, tonne-km,
    fuel, CO2, collected tonnes and unloading trips (rounded) are the week's totals
    divided by its working days. The annual collection cost is the week's cost x
    ``working_days_per_year / 7``: the parameter counts the days a year on which waste
    arises (365 in the city specs; a site's ``tonnes_per_day`` is per calendar day, and
    Sunday's waste waits for Monday), so the 7-day week repeats that many / 7 times,
    whatever its working days. Trucks: the most used on any working day. Load and
    shift utilisation are the week's totals' ratios. With ``runs``, ``by_kind`` splits
    the week's figures per working day into container and curbside (:func:`kind_split`
    of each day; trucks: the most of the kind on any day).
    """
    peak = compute_kpis(scenario, siting, feedstock, problem, routing, runs=runs)
    n = len(days)
    routed = [d for d in days if d is not None]
    totals = [route_totals(p, r) for p, r in routed]
    week = {k: sum(t[k] for t in totals) for k in ("km", "hours", "tonne_km", "collected",
                                                    "trips", "shift_hours", "capacity",
                                                    "cost")}
    trucks = max((t["trucks"] for t in totals), default=0.0)
    params = scenario.parameters
    fuel = week["km"] / n * params.fuel_litres_per_km
    annual = {**peak.annual_cost, "collection": week["cost"] * params.working_days_per_year / 7}
    annual["total"] = (sum(v for k, v in annual.items() if k not in ("revenue", "total"))
                       - annual["revenue"])
    return dataclasses.replace(
        peak, annual_cost=annual,
        daily_cost={k: v / params.working_days_per_year for k, v in annual.items()},
        km_per_day=week["km"] / n, hours_per_day=week["hours"] / n,
        tonne_km_per_day=week["tonne_km"] / n,
        fuel_litres_per_day=fuel, co2_kg_per_day=fuel * params.kg_co2_per_litre,
        collected_t_per_day=week["collected"] / n, vehicles_used=int(trucks),
        load_utilisation=week["collected"] / week["capacity"] if week["capacity"] else 0.0,
        shift_utilisation=week["hours"] / week["shift_hours"] if week["shift_hours"] else 0.0,
        unload_trips=round(week["trips"] / n),
        by_kind=_week_split(routed, runs, n) if runs else {}, week_days=n)


def _week_split(days: Sequence[tuple[RoutingProblem, RoutingResult]],
                runs: Sequence[StreetRun], n: int) -> dict[str, dict[str, float]]:
    """:func:`kind_split` of each day, per working day over the week (trucks: the most
    on any day)."""
    splits = [kind_split(p, r, runs) for p, r in days]
    return {kind: {k: (max((s[kind][k] for s in splits), default=0.0) if k == "trucks"
                       else sum(s[kind][k] for s in splits) / n)
                   for k in ("trucks", "km", "hours", "cost", "tonnes")}
            for kind in ("container", "curbside")}


def kind_split(problem: RoutingProblem, routing: RoutingResult,
               runs: Sequence[StreetRun]) -> dict[str, dict[str, float]]:
    """Daily figures of container and curbside collection.

    A leg's kilometres and hours (travel, waiting and the service at its end) go to the
    kind of the stop it leads to; legs to an unload site or the depot go to the kind of
    the last stop before them. A route's cost is shared in proportion to its hours.
    Trucks: trucks that serve at least one stop of the kind (a truck serving both counts
    in both). Tonnes: picked up at stops of the kind.
    """
    keys = ("trucks", "km", "hours", "cost", "tonnes")
    return {kind: {k: f[k] for k in keys}
            for kind, f in _split(problem, routing, runs).items()}


def _split(problem: RoutingProblem, routing: RoutingResult,
           runs: Sequence[StreetRun]) -> dict[str, dict[str, float]]:
    """:func:`kind_split`, with each kind's ``tonne_km`` and unloading ``trips`` (an
    unload goes to the kind of the last stop before it)."""
    curb = {f"{r.id}{d}" for r in runs for d in r.directions()}
    out = {k: {"trucks": 0.0, "km": 0.0, "hours": 0.0, "cost": 0.0, "tonnes": 0.0,
               "tonne_km": 0.0, "trips": 0.0}
           for k in ("container", "curbside")}
    trucks: dict[str, set[tuple[int, int]]] = {"container": set(), "curbside": set()}
    for route in routing.routes:
        kind, share = "container", {"container": 0.0, "curbside": 0.0}
        stops = [v for v in route.visits if v.kind == "stop"]
        if stops:
            kind = "curbside" if stops[0].id in curb else "container"
        for a, b in zip(route.visits, route.visits[1:], strict=False):
            if b.kind == "stop":
                kind = "curbside" if b.id in curb else "container"
                out[kind]["tonnes"] += problem.stops[b.index].demand[0]
                trucks[kind].add((route.vehicle_type, route.vehicle))
            elif b.kind == "unload":
                out[kind]["trips"] += 1
            leg = float(problem.distance[a.location, b.location]) / 1000.0
            out[kind]["km"] += leg
            out[kind]["tonne_km"] += a.load[0] * leg
            share[kind] += (b.end - a.end) / 3600.0
        for k, h in share.items():
            out[k]["hours"] += h
            total = sum(share.values())
            out[k]["cost"] += route.cost * h / total if total > 0 else 0.0
    for k in out:
        out[k]["trucks"] = float(len(trucks[k]))
    return out
