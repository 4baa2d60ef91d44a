"""Key figures of a plan, computed from its parts."""

from __future__ import annotations

from circularopt.feedstock import FeedstockResult
from circularopt.plan.model import KPIs
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.result import RoutingResult
from circularopt.scenario import Scenario
from circularopt.siting.result import SitingResult

__all__ = ["compute_kpis"]


def compute_kpis(scenario: Scenario, siting: SitingResult, feedstock: FeedstockResult,
                 problem: RoutingProblem, routing: RoutingResult) -> KPIs:
    """Key figures of a plan from its parts (see :class:`circularopt.plan.KPIs`).

    Parameters
    ----------
    scenario, siting, feedstock
        The plan's scenario and its siting and feedstock results.
    problem, routing
        The stitched routing problem (metres, seconds, tonnes as dimension 0) and its
        result.
    """
    params = scenario.parameters
    days = params.working_days_per_year
    km = routing.distance / 1000.0
    hours = routing.duration / 3600.0
    tonne_km = 0.0
    collected = 0.0
    trips = 0
    shift_hours = 0.0
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
    cap_t = sum(problem.vehicle_types[r.vehicle_type].capacity[0] * max(1, r.num_unloads)
                for r in routing.routes)
    fuel = km * params.fuel_litres_per_km
    costs = siting.costs.as_dict()
    annual: dict[str, float] = {k: float(v) for k, v in costs.items() if k != "total"}
    annual["collection"] = routing.cost * days
    annual["total"] = (sum(v for k, v in annual.items() if k != "revenue")
                       - annual["revenue"])
    landfill_t = float(sum(r.tonnes_per_day for r in feedstock.residues))
    direct = sum(p.total_tonnes_per_day for p in scenario.collection_points
                 if siting.assignment.get(p.id) in {lf.id for lf in scenario.landfills})
    total_t = scenario.total_tonnes_per_day
    return KPIs(
        annual_cost=annual,
        daily_cost={k: v / days for k, v in annual.items()},
        km_per_day=km, hours_per_day=hours, tonne_km_per_day=tonne_km,
        fuel_litres_per_day=fuel, co2_kg_per_day=fuel * params.kg_co2_per_litre,
        collected_t_per_day=collected,
        diversion_rate=feedstock.delivered_t_per_day / total_t if total_t > 0 else 0.0,
        landfill_t_per_day=landfill_t + direct,
        vehicles_used=routing.num_vehicles,
        vehicles_available=sum(v.count for d in scenario.depots for v in d.vehicle_types),
        load_utilisation=collected / cap_t if cap_t > 0 else 0.0,
        shift_utilisation=hours / shift_hours if shift_hours > 0 else 0.0,
        unload_trips=trips,
        recycler_supply={s.id: {"supplied": s.supplied_t_per_day,
                                "capacity": s.capacity_t_per_day}
                         for s in feedstock.supply},
    )

