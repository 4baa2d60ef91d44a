"""The OR-Tools engine of arc routing: tasks as nodes, either-direction pairs as
disjunctions of cardinality one (no penalty: exactly one is performed), unload sites as
optional copy nodes that reset the load (OR-Tools' ``cvrp_reload`` pattern); a shift as
a time dimension over the duration matrix with the route limit (the shift, less the
break where one is due: :attr:`ArcProblem.route_limit`; no break intervals, which would
add nothing: costs do not depend on time) as capacity, then started from
:func:`~circularopt.routing.arcs.shift.first_fit`: OR-Tools' first-solution heuristics
fail when every route must end with an unload and the shift leaves little room."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from circularopt.routing.arcs.problem import ArcProblem
from circularopt.routing.arcs.shift import first_fit, fit_capacity
from circularopt.routing.arcs.tasks import ArcTask
from circularopt.routing.engines.ortools_engine import search
from circularopt.stop import Budget

__all__ = ["solve_ortools_arcs"]


def _fleet(problem: ArcProblem, tasks: tuple[ArcTask, ...], groups: dict[int, list[int]]
           ) -> tuple[list[int], int]:
    """The vehicle type of each vehicle to model, and unload copies per site.

    An unlimited fleet is capped at ``2 * ceil(demand / capacity) + 2`` vehicles (first
    fit never needs more; with several types: that many of each, by the smallest
    capacity), and unload copies at that many trips plus one per vehicle.
    With a shift, at least ``2 * ceil(task time / free time) + 2`` vehicles are kept
    (task time: driving and servicing the streets, a lower bound of the work; free
    time: the shift less the final unload of ``return_empty``).
    """
    firsts = [k for k, t in enumerate(tasks) if t.group is None]
    firsts += [m[0] for m in groups.values()]
    smallest = min(t.capacity for t in problem.vehicle_types)
    trips = math.ceil(sum(tasks[k].demand for k in firsts) / smallest)
    vehicles = min(problem.num_vehicles, 2 * trips + 2)
    if problem.unload_nodes:
        vehicles = min(vehicles, trips + 1)
    if problem.route_limit is not None:
        work = sum(problem.task_seconds(tasks[k].required) for k in firsts)
        free = problem.route_limit - (problem.unload_time if problem.return_empty else 0.0)
        vehicles = max(vehicles, min(problem.num_vehicles,
                                     2 * math.ceil(work / max(free, 1.0)) + 2))
    vehicles = max(1, vehicles)
    types = [k for k, t in enumerate(problem.vehicle_types) for _ in range(min(t.count, vehicles))]
    copies = trips + len(types) + 1 if problem.unload_nodes else 0
    return types, copies


def _model(problem: ArcProblem, tasks: tuple[ArcTask, ...], matrix: np.ndarray,
           points: tuple[int, ...], durations: np.ndarray | None = None
           ) -> tuple[Any, Any, list[int], list[int]]:
    """Index manager, routing model, the matrix row of each OR-Tools node and the
    vehicle type of each vehicle."""
    groups: dict[int, list[int]] = {}
    for k, t in enumerate(tasks):
        if t.group is not None:
            groups.setdefault(t.group, []).append(k)
    types, copies = _fleet(problem, tasks, groups)
    vehicles = len(types)
    m, n_task = len(points), len(tasks)
    rows = [0] + [m + k for k in range(n_task)] + [j for j in range(1, m) for _ in range(copies)]
    mgr = pywrapcp.RoutingIndexManager(len(rows), vehicles, 0)
    rt = pywrapcp.RoutingModel(mgr)
    _costs(problem, rt, matrix[np.ix_(rows, rows)], types)
    for members in groups.values():
        rt.AddDisjunction([mgr.NodeToIndex(1 + k) for k in members])
    for c in range(1 + n_task, len(rows)):
        rt.AddDisjunction([mgr.NodeToIndex(c)], 0)
    _load(problem, tasks, rt, mgr, len(rows), types)
    if durations is not None and problem.route_limit is not None:
        seconds = rt.RegisterTransitMatrix(durations[np.ix_(rows, rows)].tolist())
        rt.AddDimension(seconds, 0, int(problem.route_limit), True, "time")
    return mgr, rt, rows, types


def _costs(problem: ArcProblem, rt: Any, matrix: np.ndarray, types: list[int]) -> None:
    """Arc costs (times each type's ``cost_per_distance`` in :attr:`~ArcProblem.cost_unit`)
    and fixed costs per vehicle."""
    unit = problem.cost_unit
    callbacks: dict[int, int] = {}
    for v, k in enumerate(types):
        t = problem.vehicle_types[k]
        weight = round(t.cost_per_distance * unit)
        if weight not in callbacks:
            callbacks[weight] = rt.RegisterTransitMatrix((matrix * weight).tolist())
        rt.SetArcCostEvaluatorOfVehicle(callbacks[weight], v)
        rt.SetFixedCostOfVehicle(round(t.fixed_cost * problem.scale) * unit, v)


def _load(problem: ArcProblem, tasks: tuple[ArcTask, ...], rt: Any, mgr: Any,
          n_nodes: int, types: list[int]) -> None:
    """Load dimension up to each vehicle's capacity: demand at tasks, ``-capacity``
    (the largest) plus slack at unload copies."""
    cap = round(problem.capacity * problem.load_scale)
    caps = [round(problem.vehicle_types[k].capacity * problem.load_scale) for k in types]
    n_task = len(tasks)
    demand = [0] + [round(t.demand * problem.load_scale) for t in tasks]
    demand += [-cap] * (n_nodes - 1 - n_task)
    cb = rt.RegisterUnaryTransitVector(demand)
    has_copies = n_nodes > 1 + n_task
    rt.AddDimensionWithVehicleCapacity(cb, cap if has_copies else 0, caps, True, "load")
    dim = rt.GetDimensionOrDie("load")
    if has_copies:
        for i in range(rt.Size()):
            if mgr.IndexToNode(i) <= n_task:
                dim.SlackVar(i).SetValue(0)
    if problem.return_empty:
        for v in range(rt.vehicles()):
            dim.CumulVar(rt.End(v)).SetMax(0)


def solve_ortools_arcs(problem: ArcProblem, tasks: tuple[ArcTask, ...], matrix: np.ndarray,
                       points: tuple[int, ...], budget: Budget,
                       durations: np.ndarray | None = None
                       ) -> tuple[list[list[int]], list[int]]:
    """Solve with guided local search; routes and their vehicle types as in
    :func:`~circularopt.routing.arcs._pyvrp.solve_pyvrp_arcs` (empty when no solution
    was found in time). With ``durations`` each route is limited to the shift."""
    mgr, rt, rows, types = _model(problem, tasks, matrix, points, durations)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)

    def make_params(wall: float) -> Any:
        params.time_limit.FromMilliseconds(max(1, int(1000 * wall)))
        return params

    initial = None
    if durations is not None and problem.shift is not None:
        rt.CloseModelWithParameters(make_params(budget.seconds))
        initial = _initial(problem, tasks, rows, rt, types,
                           first_fit(problem, tasks, durations, points))
    sol = search(rt, budget, make_params, initial=initial)
    if sol is None:
        return [], []
    n_task = len(tasks)
    routes = []
    for v in range(rt.vehicles()):
        idx, seq = sol.Value(rt.NextVar(rt.Start(v))), []
        while not rt.IsEnd(idx):
            node = mgr.IndexToNode(idx)
            seq.append(node - 1 if node <= n_task else -1 - rows[node])
            idx = sol.Value(rt.NextVar(idx))
        routes.append(_drop_idle_unloads(seq))
    return routes, types


def _initial(problem: ArcProblem, tasks: tuple[ArcTask, ...], rows: list[int], rt: Any,
             types: list[int], sequences: list[list[int]]) -> Any:
    """The engine sequences (loaded up to :func:`~.shift.fit_capacity`) as an
    assignment of the closed model, on the vehicles that carry that much (``None`` if
    they need more vehicles or unload copies than modelled)."""
    n_task = len(tasks)
    free: dict[int, list[int]] = {}
    for node in range(len(rows) - 1, n_task, -1):
        free.setdefault(rows[node], []).append(node)
    fits = [v for v, k in enumerate(types)
            if problem.vehicle_types[k].capacity >= fit_capacity(problem)]
    if len(sequences) > len(fits):
        return None
    routes: list[list[int]] = [[] for _ in range(rt.vehicles())]
    for v, seq in zip(fits, sequences, strict=False):
        nodes = []
        for k in seq:
            if k >= 0:
                nodes.append(1 + k)
            elif free.get(-1 - k):
                nodes.append(free[-1 - k].pop())
            else:
                return None
        routes[v] = nodes
    return rt.ReadAssignmentFromRoutes(routes, True)


def _drop_idle_unloads(seq: list[int]) -> list[int]:
    """Remove unloads with nothing collected since the last one (free in the model when
    back to back at one site)."""
    out: list[int] = []
    loaded = False
    for k in seq:
        if k >= 0:
            loaded = True
            out.append(k)
        elif loaded:
            out.append(k)
            loaded = False
    return out
