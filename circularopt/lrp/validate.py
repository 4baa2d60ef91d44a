"""Independent validator of location-routing plans (:func:`validate_lrp`)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from circularopt._deprecated import renamed
from circularopt.lrp.model import LRPInstance, LRPSolution, arc_cost
from circularopt.validation import ValidationReport

__all__ = ["LRPCheck", "LRPReport", "check_lrp", "validate_lrp"]


@dataclass(frozen=True)
class LRPReport(ValidationReport):
    """What :func:`validate_lrp` found: violations and the cost recomputed from coordinates.

    Parameters
    ----------
    cost
        ``opening + fixed + distance``.
    opening, fixed, distance
        Opening costs of the open depots, route fixed costs, arc costs.
    depot_loads
        Demand routed from each open depot.
    """

    cost: float = 0.0
    opening: float = 0.0
    fixed: float = 0.0
    distance: float = 0.0
    depot_loads: Mapping[int, float] = field(default_factory=dict)

    subject: ClassVar[str] = "LRP plan"

    def figures(self) -> str:
        """The cost and its parts."""
        return (f"cost {self.cost:,.2f} (opening {self.opening:,.2f}, routes "
                f"{self.fixed:,.2f}, arcs {self.distance:,.2f})")


def _depot_violations(instance: LRPInstance, solution: LRPSolution) -> tuple[list[str], set[int]]:
    """Violations of the open-depot list, and the set of valid open depots."""
    bad, opened = [], set()
    for j in solution.open_depots:
        if not 0 <= j < instance.m:
            bad.append(f"open depot {j} does not exist (depots are 0..{instance.m - 1})")
        elif j in opened:
            bad.append(f"depot {j} is listed as open twice")
        opened.add(j)
    return bad, opened


def _route_distance(instance: LRPInstance, depot: int, customers: tuple[int, ...]) -> float:
    """Arc costs of one route from the coordinates (unknown customers skipped)."""
    pts = ([instance.depot_xy[depot]]
           + [instance.customer_xy[i] for i in customers if 0 <= i < instance.n]
           + [instance.depot_xy[depot]])
    return sum(arc_cost(a, b, instance.rounding) for a, b in itertools.pairwise(pts))


def _route_violations(instance: LRPInstance, solution: LRPSolution, opened: set[int],
                      loads: dict[int, float]) -> tuple[list[str], dict[int, int], float]:
    """Violations of the routes; who serves each customer; the routes' arc costs.

    Adds each route's load to its depot in ``loads``.
    """
    inst, bad = instance, []
    seen: dict[int, int] = {}
    distance = 0.0
    for k, r in enumerate(solution.routes):
        if r.depot not in opened:
            bad.append(f"route {k} starts at depot {r.depot}, which is not open")
        if not r.customers:
            bad.append(f"route {k} serves no customer")
        load = 0.0
        for i in r.customers:
            if not 0 <= i < inst.n:
                bad.append(f"route {k} visits customer {i}, which does not exist "
                           f"(customers are 0..{inst.n - 1})")
                continue
            if i in seen:
                bad.append(f"customer {i} is served twice (routes {seen[i]} and {k})")
            seen[i] = k
            load += float(inst.demand[i])
        if load > inst.vehicle_capacity + 1e-9:
            bad.append(f"route {k} carries {load:g} > vehicle capacity "
                       f"{inst.vehicle_capacity:g}")
        if r.depot in loads:
            loads[r.depot] += load
        if 0 <= r.depot < inst.m:
            distance += _route_distance(inst, r.depot, r.customers)
    return bad, seen, distance


def validate_lrp(instance: LRPInstance, solution: LRPSolution) -> LRPReport:
    """Check a plan and recompute its cost from the coordinates.

    Independent of the solver and of :attr:`LRPInstance.cost`: arc costs come from
    :func:`~circularopt.lrp.model.arc_cost`. Rules: depot indices valid and open depots
    listed once; every route non-empty and from an open depot; every customer served
    exactly once; each route's load at most the vehicle capacity; each depot's load (sum
    of its routes) at most its capacity. An open depot without routes is allowed (and
    paid for).

    Parameters
    ----------
    instance
        The instance.
    solution
        The plan.

    Returns
    -------
    LRPReport
        ``ok`` and the recomputed cost.
    """
    inst = instance
    bad, opened = _depot_violations(inst, solution)
    opening = float(sum(inst.opening_cost[j] for j in opened if 0 <= j < inst.m))
    loads: dict[int, float] = {j: 0.0 for j in opened if 0 <= j < inst.m}
    route_bad, seen, distance = _route_violations(inst, solution, opened, loads)
    bad += route_bad
    missing = [i for i in range(inst.n) if i not in seen]
    if missing:
        bad.append(f"{len(missing)} customer(s) not served, e.g. {missing[:8]}")
    for j, load in sorted(loads.items()):
        if load > inst.depot_capacity[j] + 1e-9:
            bad.append(f"depot {j} ships {load:g} > its capacity {inst.depot_capacity[j]:g}")
    fixed = inst.route_cost * len(solution.routes)
    return LRPReport(violations=tuple(bad), cost=opening + fixed + distance, opening=opening,
                     fixed=fixed, distance=distance, depot_loads=loads)


check_lrp = renamed(validate_lrp, "circularopt.lrp.check_lrp")
LRPCheck = LRPReport
