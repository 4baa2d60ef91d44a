"""Routing a depot set, and repairing plans that overload a depot (for the solver)."""

from __future__ import annotations

import itertools
import math
import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from circularopt.exceptions import CircularOptError
from circularopt.lrp.model import LRPInstance, LRPRoute, LRPSolution, describe_rounding


def routing_problem(inst: LRPInstance, depots: Sequence[int], *, fleet: str,
                     customers: Sequence[int] | None = None,
                     penalty: dict[int, float] | None = None) -> Any:
    """The multi-depot VRP over ``depots`` and ``customers`` (default all).

    ``fleet``: ``"relaxed"`` (``ceil(W / Q)`` vehicles of ``Q`` per depot), ``"exact"``
    (``floor(W / Q)`` of ``Q`` plus one of the remainder) or ``"free"`` (one vehicle per
    customer; the caller guarantees the depot capacity). ``penalty[j]``, a Lagrangian
    price of depot ``j``'s capacity, is charged per unit of demand its routes carry (as a
    cost per duration unit, each stop's service duration being its demand; the matrices'
    durations are zero). Returns the problem and the depot of each vehicle type.
    """
    penalty = penalty or {}
    from circularopt.routing import RoutingModel

    m = inst.m
    custs = list(range(inst.n)) if customers is None else list(customers)
    nodes = list(depots) + [m + i for i in custs]
    cost = inst.cost[np.ix_(nodes, nodes)]
    integral = bool(np.all(cost == np.round(cost)))
    ids = [f"d{j}" for j in depots] + [f"c{i}" for i in custs]
    model = RoutingModel(ids, cost, np.zeros_like(cost), scale=1 if integral else 1000,
                         load_scale=1 if np.all(inst.demand == np.round(inst.demand))
                         else 1000, name=inst.name,
                         convention=f"LRP arcs {describe_rounding(inst.rounding)}")
    q = inst.vehicle_capacity
    owner: list[int] = []
    for j in depots:
        model.add_depot(f"d{j}")
        w = float(inst.depot_capacity[j])
        vehicles: list[tuple[int, float]]
        if fleet == "exact":
            full = math.floor(w / q + 1e-9)
            rest = w - full * q
            vehicles = ([(full, q)] if full else []) + ([(1, rest)] if rest > 1e-9 else [])
        elif fleet == "relaxed":
            vehicles = [(max(1, math.ceil(w / q - 1e-9)), q)]
        else:
            vehicles = [(max(1, len(custs)), q)]
        for k, (count, capacity) in enumerate(vehicles):
            model.add_vehicle_type(f"v{j}.{k}", depot=f"d{j}", count=count,
                                   capacity=[capacity], fixed_cost=inst.route_cost,
                                   cost_per_duration=float(round(penalty.get(j, 0.0))))
            owner.append(j)
    for i in custs:
        model.add_stop(f"c{i}", demand=[float(inst.demand[i])],
                       service=float(inst.demand[i]) if penalty else 0.0)
    return model.data(), owner


def route_depots(inst: LRPInstance, depots: Sequence[int], *, engine: str, seconds: float,
           seed: int, fleet: str, customers: Sequence[int] | None = None,
           penalty: dict[int, float] | None = None) -> LRPSolution | None:
    """Route over ``depots``: a plan serving every customer once within vehicle capacity
    (depot capacity is not checked here), or ``None``."""
    from circularopt.routing import solve

    try:
        problem, owner = routing_problem(inst, depots, fleet=fleet, customers=customers,
                                          penalty=penalty)
        with warnings.catch_warnings():
            # PyVRP warns when its penalties saturate on a tight depot set; the plan is
            # checked below either way.
            warnings.filterwarnings("ignore", message=".*penalty parameter has reached")
            result = solve(problem, engine=engine, time_limit=max(0.05, seconds), seed=seed,
                           allow_infeasible=True)
    except CircularOptError:
        return None
    if result.status != "feasible" or result.unassigned:
        return None
    routes = tuple(LRPRoute(owner[r.vehicle_type], tuple(int(s[1:]) for s in r.stops))
                   for r in result.routes if r.stops)
    return LRPSolution(tuple(sorted({r.depot for r in routes})), routes)


def depot_overload(inst: LRPInstance, sol: LRPSolution) -> dict[int, float]:
    loads: dict[int, float] = {}
    for r in sol.routes:
        loads[r.depot] = loads.get(r.depot, 0.0) + float(inst.demand[list(r.customers)].sum())
    return {j: x - float(inst.depot_capacity[j]) for j, x in loads.items()
            if x > inst.depot_capacity[j] + 1e-9}


Routes = list[tuple[int, list[int]]]
"""A plan being edited: ``(depot, customers)`` per route."""

Shift = tuple[float, int, int, int, int]
"""A move: cost delta, route, position in it, target route (``-1 - k``: a new route of
depot ``k``), position in the target."""


def _shifts_of(inst: LRPInstance, routes: Routes, load: dict[int, float],
               rloads: list[float], ri: int, p: int, best: Shift | None) -> Shift | None:
    """The cheaper of ``best`` and the moves of customer ``p`` of route ``ri`` to another
    depot with room (into a route within the vehicle capacity, or a new route)."""
    c, m, q, dem = inst.cost, inst.m, inst.vehicle_capacity, inst.demand
    j, cs = routes[ri]
    seq = [j] + [m + i for i in cs] + [j]
    a, x, b = seq[p], seq[p + 1], seq[p + 2]
    i = cs[p]
    saving = c[a, x] + c[x, b] - c[a, b] + (inst.route_cost if len(cs) == 1 else 0)
    for rk, (k, ks) in enumerate(routes):
        if k == j or load[k] + dem[i] > inst.depot_capacity[k] + 1e-9 \
                or rloads[rk] + dem[i] > q + 1e-9:
            continue
        nodes = np.array([k] + [m + t for t in ks] + [k])
        ins = c[nodes[:-1], m + i] + c[m + i, nodes[1:]] - c[nodes[:-1], nodes[1:]]
        at = int(np.argmin(ins))
        delta = float(ins[at]) - saving
        if best is None or delta < best[0]:
            best = (delta, ri, p, rk, at)
    for k in load:
        if k != j and load[k] + dem[i] <= inst.depot_capacity[k] + 1e-9:
            delta = inst.route_cost + 2 * c[k, m + i] - saving
            if best is None or delta < best[0]:
                best = (delta, ri, p, -1 - k, 0)
    return best


def _apply_shift(inst: LRPInstance, routes: Routes, load: dict[int, float],
                 shift: Shift) -> Routes:
    """Make the move (depot loads updated); the routes without emptied ones."""
    _, ri, p, rk, at = shift
    j = routes[ri][0]
    i = routes[ri][1].pop(p)
    if rk >= 0:
        routes[rk][1].insert(at, i)
        k = routes[rk][0]
    else:
        k = -1 - rk
        routes.append((k, [i]))
    load[j] -= float(inst.demand[i])
    load[k] += float(inst.demand[i])
    return [r for r in routes if r[1]]


def repair_overload(inst: LRPInstance, sol: LRPSolution) -> LRPSolution | None:
    """Move customers out of over-capacity depots by cheapest insertion elsewhere.

    Each step moves the one customer of an overloaded depot, to a route (or a new route)
    of another open depot with room for it, that raises the cost least. Returns ``None``
    when some overload cannot be removed this way.
    """
    dem = inst.demand
    routes: Routes = [(r.depot, list(r.customers)) for r in sol.routes]
    load = {j: 0.0 for j in sol.open_depots}
    for j, cs in routes:
        load[j] += float(dem[cs].sum())
    over = {j for j in load if load[j] > inst.depot_capacity[j] + 1e-9}
    while over:
        best: Shift | None = None
        rloads = [float(dem[cs].sum()) for _, cs in routes]
        for ri, (j, cs) in enumerate(routes):
            if j in over:
                for p in range(len(cs)):
                    best = _shifts_of(inst, routes, load, rloads, ri, p, best)
        if best is None:
            return None
        routes = _apply_shift(inst, routes, load, best)
        over = {d for d in load if load[d] > inst.depot_capacity[d] + 1e-9}
    out = tuple(LRPRoute(j, tuple(cs)) for j, cs in routes)
    return LRPSolution(tuple(sorted({r.depot for r in out})), out)


def _removal_savings(inst: LRPInstance, routes: Routes) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's depot, and what taking it out of its route saves."""
    c, m = inst.cost, inst.m
    home = np.zeros(inst.n, dtype=int)
    saving = np.zeros(inst.n)
    for j, cs in routes:
        seq = [j] + [m + i for i in cs] + [j]
        for p, i in enumerate(cs):
            home[i] = j
            saving[i] = (c[seq[p], seq[p + 1]] + c[seq[p + 1], seq[p + 2]]
                         - c[seq[p], seq[p + 2]] + (inst.route_cost if len(cs) == 1 else 0))
    return home, saving


def _move_costs(inst: LRPInstance, routes: Routes, ks: list[int], home: np.ndarray,
                saving: np.ndarray) -> np.ndarray:
    """``[row, i]``: cost of moving customer ``i`` to depot ``ks[row]`` (0 at home):
    cheapest insertion into a route of that depot (or a new route) minus the saving."""
    c, m = inst.cost, inst.m
    cust = m + np.arange(inst.n)
    delta = np.zeros((len(ks), inst.n))
    for row, k in enumerate(ks):
        arcs = [(a, b) for j, cs in routes if j == k
                for a, b in itertools.pairwise([k] + [m + i for i in cs] + [k])]
        best = inst.route_cost + 2.0 * c[k, cust]
        if arcs:
            a_, b_ = np.array(arcs).T
            ins = c[a_][:, cust] + c[np.ix_(cust, b_)].T - c[a_, b_][:, None]
            best = np.minimum(best, ins.min(axis=0))
        delta[row] = np.where(home == k, 0.0, best - saving)
    return delta


def _capacity_prices(inst: LRPInstance, moved: list[int], home: np.ndarray,
                     target: Sequence[int], raw: np.ndarray) -> dict[int, float]:
    """Per depot that shed demand: the mean cost of its moves per unit of demand moved."""
    price: dict[int, list[float]] = {}
    for i in moved:
        acc = price.setdefault(int(home[i]), [0.0, 0.0])
        acc[0] += max(0.0, float(raw[target[i], i]))
        acc[1] += float(inst.demand[i])
    return {j: v[0] / v[1] for j, v in price.items() if v[1] > 0}


def _insert_cheapest(inst: LRPInstance, routes: Routes, i: int, k: int) -> None:
    """Insert customer ``i`` into the route of depot ``k`` where cheapest within the
    vehicle capacity, or into a new route when that is cheaper or nothing fits."""
    c, m, q, dem = inst.cost, inst.m, inst.vehicle_capacity, inst.demand
    best_move: tuple[float, int, int] | None = None
    for ri, (j, cs) in enumerate(routes):
        if j != k or dem[cs].sum() + dem[i] > q + 1e-9:
            continue
        nodes = np.array([k] + [m + t for t in cs] + [k])
        ins = c[nodes[:-1], m + i] + c[m + i, nodes[1:]] - c[nodes[:-1], nodes[1:]]
        at = int(np.argmin(ins))
        if best_move is None or ins[at] < best_move[0]:
            best_move = (float(ins[at]), ri, at)
    if best_move is None or best_move[0] > inst.route_cost + 2 * c[k, m + i]:
        routes.append((k, [i]))
    else:
        routes[best_move[1]][1].insert(best_move[2], i)


def reassign(inst: LRPInstance, sol: LRPSolution, depots: Sequence[int], *,
             seconds: float, seed: int) -> tuple[LRPSolution | None, dict[int, float]]:
    """Fix over-capacity depots by a single-source assignment MIP over ``depots``.

    The cost of moving customer ``i`` to depot ``k`` is its cheapest insertion into a
    route of ``k`` (or a new route) minus what leaving its route saves; staying costs 0.
    The siting MIP (:func:`~circularopt.siting.solve_mip`, single source, the depots'
    capacities) picks the cheapest moves that fit every depot; moved customers are then
    inserted where cheapest within the vehicle capacity. Returns the plan (``None`` if
    nothing fits) and, for each depot that had to shed demand, the mean cost of the moves
    per unit of demand moved (a price for its capacity).
    """
    from circularopt.siting import FacilityProblem, solve_mip

    routes: Routes = [(r.depot, list(r.customers)) for r in sol.routes]
    home, saving = _removal_savings(inst, routes)
    ks = list(depots)
    raw = _move_costs(inst, routes, ks, home, saving)
    delta = raw - raw.min(axis=0)[None, :]
    problem = FacilityProblem(np.zeros(len(ks)), inst.depot_capacity[ks], inst.demand, delta,
                              single_source=True, name=f"{inst.name} (depot repair)")
    try:
        res = solve_mip(problem, time_limit=max(0.1, seconds), seed=seed,
                        relative_gap=1e-4)
    except CircularOptError:
        return None, {}
    target = res.single_source_assignment()
    if target is None:
        return None, {}
    moved = [i for i in range(inst.n) if ks[target[i]] != home[i]]
    prices = _capacity_prices(inst, moved, home, target, raw)
    gone = set(moved)
    routes = [(j, [i for i in cs if i not in gone]) for j, cs in routes]
    routes = [r for r in routes if r[1]]
    for i in sorted(moved, key=lambda i: -inst.demand[i]):
        _insert_cheapest(inst, routes, i, ks[target[i]])
    out = tuple(LRPRoute(j, tuple(cs)) for j, cs in routes)
    return LRPSolution(tuple(sorted({r.depot for r in out})), out), prices


def polish_depots(inst: LRPInstance, sol: LRPSolution, depots: Sequence[int], *, engine: str,
            seconds: float, seed: int) -> LRPSolution:
    """Re-route each of ``depots`` alone with its own customers; keep what is cheaper."""
    per: dict[int, list[LRPRoute]] = {}
    for r in sol.routes:
        per.setdefault(r.depot, []).append(r)
    todo = [j for j in depots if j in per]
    size = {j: sum(len(r.customers) for r in per[j]) for j in todo}
    total = max(1, sum(size.values()))
    t0 = time.perf_counter()
    for j in todo:
        custs = sorted(i for r in per[j] for i in r.customers)
        left = seconds - (time.perf_counter() - t0)
        if left < 0.05:
            break
        new = route_depots(inst, [j], engine=engine, seed=seed, fleet="free", customers=custs,
                     seconds=min(left, seconds * size[j] / total))
        if new is None:
            continue
        old_cost = sum(route_cost(inst, r) for r in per[j])
        if sum(route_cost(inst, r) for r in new.routes) < old_cost - 1e-9:
            per[j] = list(new.routes)
    routes = tuple(r for j in sorted(per) for r in per[j])
    return LRPSolution(tuple(sorted(per)), routes)


def route_cost(inst: LRPInstance, route: LRPRoute) -> float:
    nodes = [route.depot] + [inst.m + i for i in route.customers] + [route.depot]
    return inst.route_cost + float(inst.cost[nodes[:-1], nodes[1:]].sum())


def changed_depots(before: LRPSolution, after: LRPSolution) -> list[int]:
    """Depots whose set of customers differs between two plans."""
    def sets(sol: LRPSolution) -> dict[int, set[int]]:
        out: dict[int, set[int]] = {}
        for r in sol.routes:
            out.setdefault(r.depot, set()).update(r.customers)
        return out
    a, b = sets(before), sets(after)
    return sorted(j for j in set(a) | set(b) if a.get(j) != b.get(j))


