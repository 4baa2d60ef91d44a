"""The ``ortools`` engine: the OR-Tools routing library (constraint-programming local search).

Model
-----
* Nodes: one per depot, one per stop, and for every unload site a number of optional
  copies (one per possible unload visit, as in OR-Tools' ``cvrp_reload`` sample), each
  in its own disjunction with penalty 0 and allowed only on vehicles whose type lists the
  site.
* Load, one dimension per load dimension: stops add their demand, an unload copy
  subtracts the largest capacity, and the copy's slack (0 everywhere else) takes back
  what was not on board, so the load after an unload can drop to zero; loads start at
  zero and never exceed the vehicle's capacity. ``return_empty`` fixes the load at the
  route end to zero, so the last trip must end with an unload.
* Time (only when the problem has time constraints or a duration cost): transit = service
  (or unload) time + travel time, waiting as slack, stop windows and site opening hours
  on the cumuls, the shift on the start and end cumuls, ``max_duration`` as span upper
  bound, the duration cost as span cost coefficient, and breaks as
  ``SetBreakIntervalsOfVehicle`` intervals that may not overlap a service.
* Counts: ``max_stops`` and ``max_unloads`` as unary dimensions.
* Costs: arc cost per vehicle type (cost per distance unit), fixed cost per vehicle.

Search
------
* First plan: problems that only capacity constrains (one vehicle type and depot; see
  :func:`~circularopt.routing.engines._construct.savings_eligible`) start from our
  parallel Clarke-Wright savings plan
  (:func:`~circularopt.routing.engines._construct.savings`), problems with unload sites
  from the greedy :func:`~circularopt.routing.engines._construct.nearest_neighbour`
  plan, others from an OR-Tools first solution strategy:
  :data:`MULTI_DEPOT_FIRST_SOLUTION` with several depots, :data:`UNLOAD_FIRST_SOLUTION`
  with unload sites, else ``SAVINGS`` (:data:`SEARCH_DEFAULTS`). Giving
  ``first_solution`` uses that strategy instead of any of these plans.
* Droppable stops: the strategy gets :data:`FIRST_TRY_SHARE` of the first phase to place
  every stop; when it finds nothing (or the greedy plan misses stops), the model makes
  every stop optional at a penalty far above what serving it can cost
  (:data:`DROP_FACTOR`), the strategies of :data:`FALLBACK_FIRST_SOLUTIONS` are tried in
  turn and the plan leaving out the fewest stops is kept. Stops still left out at the
  end are named in ``unassigned`` with status ``infeasible``, never hidden.
  ``drops="always"`` uses that model from the start.
* Search: guided local search (:data:`SEARCH_DEFAULTS`) with the two "close nodes"
  large-neighbourhood operators (:data:`SEARCH_EXTRA`) on the whole problem for
  ``first_share`` of the time, then improvement by parts (``part_size`` stops; see
  :mod:`~circularopt.routing.engines._parts`): parts of nearby routes are re-solved
  from the current plan and kept when they cost less; the seed picks the parts.
* Soft capacities (``soft_capacity``, off by default; problems that only capacity
  constrains): rounds of search on a model where vehicles may carry :data:`SOFT_EXCESS`
  more at an adaptive cost per unit of excess (:func:`_soft_search`); only plans within
  capacity are kept. Parts are then used only above :data:`SOFT_WHOLE_UP_TO` stops.
* A depot where no offered vehicle starts or ends is switched off in the model.

The measurements behind these choices are in ``docs/benchmarks.md`` (Routing).

Fleet trimming: OR-Tools' search slows down with many idle vehicles (CVRPLIB gives one
vehicle per client), so with ``trim_fleet`` a single vehicle type without unload sites
or time constraints is offered only ``ceil(1.15 * LB) + 2`` vehicles (LB = total demand /
capacity), falling back to the full fleet if that finds nothing. This restricts, never
relaxes, the problem.

Not supported (refused): release times.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from circularopt.exceptions import InputError, SolverError
from circularopt.routing.engines._common import (
    BIG,
    cost_factor,
    int_loads,
    int_matrix,
    int_time,
    refuse,
)
from circularopt.routing.engines._construct import nearest_neighbour, savings, savings_eligible
from circularopt.routing.engines._parts import (
    PartStart,
    near_routes,
    part_problem,
    to_whole,
)
from circularopt.routing.engines.options import ORToolsOptions
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.result import Route, RoutingResult, Step, schedule_route
from circularopt.stop import Budget, MaxRuntime, StoppingCriterion

__all__ = [
    "ENGINE",
    "MULTI_DEPOT_FIRST_SOLUTION",
    "SEARCH_DEFAULTS",
    "SEARCH_EXTRA",
    "UNLOAD_FIRST_SOLUTION",
    "ORToolsOptions",
    "check_supported",
    "search",
    "solve_ortools",
]

ENGINE = "ortools"

logger = logging.getLogger(__name__)

MATRIX_NODES = 3000
"""Up to this many nodes, transits are registered as matrices (fast C++ lookups);
beyond, as Python callbacks (less memory, slower)."""

SEARCH_DEFAULTS: dict[str, str] = {
    "first_solution": "SAVINGS",
    "metaheuristic": "GUIDED_LOCAL_SEARCH",
}
"""First solution strategy and metaheuristic used unless given (names of OR-Tools'
``FirstSolutionStrategy`` and ``LocalSearchMetaheuristic`` enums)."""

MULTI_DEPOT_FIRST_SOLUTION = "LOCAL_CHEAPEST_INSERTION"
"""First solution strategy for problems with several depots (and no unload sites),
unless given (measured on Cordeau's MDVRP: ``docs/benchmarks.md``)."""

UNLOAD_FIRST_SOLUTION = "PARALLEL_CHEAPEST_INSERTION"
"""First solution strategy for problems with unload sites, unless given. On the 24-stop
reload test problem (``tests/routing/test_parts.py``) ``PARALLEL_CHEAPEST_INSERTION`` and
``SEQUENTIAL_CHEAPEST_INSERTION`` build a first solution in 4 ms, while ``SAVINGS``,
``PATH_CHEAPEST_ARC``, ``LOCAL_CHEAPEST_INSERTION`` and ``CHRISTOFIDES`` find none and
spend the whole time limit trying: they do not open the optional unload copies."""

FALLBACK_FIRST_SOLUTIONS = ("LOCAL_CHEAPEST_INSERTION", "PARALLEL_CHEAPEST_INSERTION",
                            "PATH_CHEAPEST_ARC")
"""Tried in turn, on the model with droppable stops, when the first solution strategy
leaves stops out there (the plan leaving out the fewest is kept)."""

DROP_FACTOR = 100
"""With ``drops``, leaving a stop out costs this many times the most that serving it
can add to the objective (see :meth:`_Model._drop_penalty`), so the search leaves a
stop out only when no plan it finds can serve it."""

PART_SIZE = 80
"""Default stops per part in the improvement phase of :func:`solve_ortools` (each part
searched for ``part_size / 40`` seconds)."""

SAVINGS_PART_SIZE = 40
"""Default stops per part on problems that start from the savings plan (each part
searched for ``part_size / 80`` seconds, after :data:`SAVINGS_FIRST_SHARE` of the time on
the whole problem; measured on CVRPLIB X: ``docs/benchmarks.md``)."""

SAVINGS_FIRST_SHARE = 0.15
"""Default share of the time on the whole problem when it starts from the savings plan."""

FIRST_TRY_SHARE = 0.1
"""Share of the first phase's time within which the first strategy (on the model where
every stop must be served) has to find a first solution before the search switches to
the model with droppable stops."""

FIRST_SHARE = 0.3
"""Default share of the time limit for the search on the whole problem."""

SOFT_EXCESS = 0.3
"""With soft capacities, a vehicle may carry up to this share more than its capacity
during the search (at a cost); plans are only kept within the true capacity."""

SOFT_TARGET = 0.25
"""Share of solutions within capacity that the adaptive soft-capacity penalty aims at."""

SOFT_ROUNDS = 8
"""Rounds of the soft-capacity search on the whole problem (the penalty adapts between
rounds); a part gets :data:`SOFT_PART_ROUNDS`."""

SOFT_PART_ROUNDS = 2
"""Rounds of the soft-capacity search on each part."""

SOFT_WHOLE_UP_TO = 500
"""With soft capacities, problems of up to this many stops are searched whole (no
improvement by parts; see the module docstring)."""

SOFT_WEIGHT = 1.0
"""Initial soft-capacity penalty per unit of excess load, in units of (largest arc cost
/ largest demand)."""

SOFT_SEARCH_EXTRA: dict[str, Any] = {}
"""Search parameters with soft capacities unless ``search_params`` is given."""

SEARCH_EXTRA: dict[str, Any] = {
    "local_search_operators.use_global_cheapest_insertion_close_nodes_lns": 3,
    "local_search_operators.use_local_cheapest_insertion_close_nodes_lns": 3,
}
"""Further search parameters used unless ``search_params`` is given: the two "close
nodes" large-neighbourhood operators (remove a node and its nearest neighbours, reinsert
them by cheapest insertion; ``3`` is ``BOOL_TRUE``), which the default operator set
leaves off (measured: ``docs/benchmarks.md``)."""


def check_supported(problem: RoutingProblem) -> None:
    """Raise :class:`InputError` if the problem uses a feature OR-Tools cannot honour here."""
    for s in problem.stops:
        if s.release_time > 0:
            raise refuse(ENGINE, "release times", f"stop {s.id!r}.release_time",
                         "use engine='pyvrp'")


def _needs_time(problem: RoutingProblem) -> bool:
    return problem.has_time_windows() or any(v.cost_per_duration > 0
                                             for v in problem.vehicle_types)


def _trimmed_counts(problem: RoutingProblem) -> list[int]:
    counts = [v.count for v in problem.vehicle_types]
    if len(counts) != 1 or problem.unload_sites or _needs_time(problem):
        return counts
    v = problem.vehicle_types[0]
    lb = max((sum(s.demand[d] for s in problem.stops) / v.capacity[d]
              for d in range(problem.num_dims) if v.capacity[d] > 0), default=1.0)
    return [min(v.count, math.ceil(1.15 * lb) + 2)]


class _Model:
    """The OR-Tools model of a problem for given vehicle counts, and the way back."""

    def __init__(self, problem: RoutingProblem, counts: list[int], *,
                 drops: bool = False, soft: float | None = None) -> None:
        p = self.problem = problem
        self.factor = cost_factor(p)
        dist, dur = int_matrix(p, "distance"), int_matrix(p, "duration")
        # Vehicles: (type index, index within type).
        self.vehicles = [(k, j) for k, c in enumerate(counts) for j in range(c)]
        self.n_dep, self.n_stop = len(p.depots), p.num_stops
        self.copies = self._unload_copies(counts)
        # Node -> location, service.
        self.loc = [d.location for d in p.depots] + [s.location for s in p.stops] + \
            [p.unload_sites[u].location for u in self.copies]
        self.service = [0] * self.n_dep + [int_time(p, s.service) for s in p.stops] + \
            [int_time(p, p.unload_sites[u].unload_duration) for u in self.copies]
        self._routing_model()
        ix = np.ix_(self.loc, self.loc)
        self._arc_costs(dist[ix])
        self.drop_penalty = self._drop_penalty(dist[ix], dur[ix], max(self.service)) \
            if drops else None
        self._optional_nodes()
        self._site_access()
        self.soft_loads: list[tuple[Any, list[int]]] = []
        for d in range(p.num_dims):
            self._load_dimension(d, soft, dist)
        self._count_dimensions()
        self.time_dim: Any = None
        self.breaks: dict[int, Any] = {}
        if _needs_time(p):
            self._time_dimension(dur)

    def _unload_copies(self, counts: list[int]) -> list[int]:
        """The unload-site index of each copy node: enough copies for every trip."""
        p = self.problem
        total = [sum(s.demand[d] for s in p.stops) for d in range(p.num_dims)]
        copies: list[int] = []
        for u in range(len(p.unload_sites)):
            users = [k for k, v in enumerate(p.vehicle_types) if u in v.unload_sites]
            if not users:
                continue
            cap = min(min(c for c in p.vehicle_types[k].capacity if c > 0) for k in users)
            trips = math.ceil(max(total) / cap) if cap > 0 else self.n_stop
            n_users = sum(counts[k] for k in users)
            copies += [u] * min(self.n_stop + n_users, trips + 2 * n_users + 2)
        return copies

    def _routing_model(self) -> None:
        """The index manager and routing model; depots no vehicle uses switched off."""
        p = self.problem
        starts = [p.vehicle_types[k].depot for k, _ in self.vehicles]
        ends = [p.vehicle_types[k].end_depot for k, _ in self.vehicles]
        mgr = self.manager = pywrapcp.RoutingIndexManager(len(self.loc), len(self.vehicles),
                                                          starts, ends)
        rt = self.routing = pywrapcp.RoutingModel(mgr)
        self.node_of = [mgr.IndexToNode(i) for i in range(rt.Size() + len(self.vehicles))]
        # A depot no vehicle starts or ends at would be a node every plan must visit (a
        # part of a plan whose routes use none of that depot's vehicles): switch it off.
        for j in sorted(set(range(self.n_dep)) - set(starts) - set(ends)):
            rt.AddDisjunction([mgr.NodeToIndex(j)], 0)
            rt.ActiveVar(mgr.NodeToIndex(j)).SetValue(0)

    def _arc_costs(self, dist: np.ndarray) -> None:
        """Arc costs, one evaluator per distinct per-distance cost; fixed costs."""
        rt = self.routing
        evaluators: dict[int, int] = {}
        for v, (k, _) in enumerate(self.vehicles):
            vt = self.problem.vehicle_types[k]
            coef = self._units(vt.cost_per_distance)
            if coef not in evaluators:
                evaluators[coef] = self._transit(dist * coef)
            rt.SetArcCostEvaluatorOfVehicle(evaluators[coef], v)
            rt.SetFixedCostOfVehicle(round(vt.fixed_cost * self.factor), v)

    def _optional_nodes(self) -> None:
        """Stops optional at :attr:`drop_penalty` (when set); unload copies at no cost."""
        rt, mgr = self.routing, self.manager
        p = self.problem
        for k, s in enumerate(p.stops):
            if s.group is None and self.drop_penalty is not None:
                rt.AddDisjunction([mgr.NodeToIndex(self.n_dep + k)], self.drop_penalty)
        for g in p.groups:  # exactly one member (at most one when stops may be dropped)
            nodes = [mgr.NodeToIndex(self.n_dep + k) for k in g.members]
            if self.drop_penalty is None:
                rt.AddDisjunction(nodes)
            else:
                rt.AddDisjunction(nodes, self.drop_penalty, 1)
        for c in range(len(self.copies)):
            rt.AddDisjunction([mgr.NodeToIndex(self.n_dep + self.n_stop + c)], 0)

    def _site_access(self) -> None:
        """Unload copies restricted to the vehicles that may use the site, by a
        dimension of capacity 0 that a barred copy would raise to 1. (Restricting
        VehicleVar() instead leaves the first solution heuristics blind: on a city part
        with two sites for different truck types no strategy found a first solution.)"""
        p, rt, copies = self.problem, self.routing, self.copies
        access: dict[tuple[int, ...], int] = {}
        for k, _ in self.vehicles:
            sites = p.vehicle_types[k].unload_sites
            if sites not in access:
                barred = [0] * (self.n_dep + self.n_stop) + [int(u not in sites)
                                                             for u in copies]
                access[sites] = rt.RegisterUnaryTransitVector(barred)
        if len(access) > 1 or any(u not in s for s in access for u in copies):
            rt.AddDimensionWithVehicleTransits([access[p.vehicle_types[k].unload_sites]
                                                for k, _ in self.vehicles], 0, 0, True,
                                               "site_access")

    def _load_dimension(self, d: int, soft: float | None, dist: np.ndarray) -> None:
        """Load dimension ``d`` with unload slack; with ``soft``, capacities are soft."""
        p, rt, copies = self.problem, self.routing, self.copies
        n_dep, n_stop = self.n_dep, self.n_stop
        cmax = max(int_loads(p, v.capacity)[d] for v in p.vehicle_types)
        demand = [0] * n_dep + [int_loads(p, s.demand)[d] for s in p.stops] + \
            [-cmax] * len(copies)
        cb = rt.RegisterUnaryTransitVector(demand)
        caps = [int_loads(p, p.vehicle_types[k].capacity)[d] for k, _ in self.vehicles]
        hard = caps if soft is None else [c + max(1, math.floor(c * SOFT_EXCESS))
                                          for c in caps]
        rt.AddDimensionWithVehicleCapacity(cb, cmax if copies else 0, hard, True, f"load{d}")
        dim = rt.GetDimensionOrDie(f"load{d}")
        if soft is not None:
            unit = soft * self.max_arc_cost(dist) / max(1, max(demand))
            for v in range(len(self.vehicles)):
                dim.SetCumulVarSoftUpperBound(rt.End(v), caps[v], max(1, round(unit)))
            self.soft_loads.append((dim, caps))
        if copies:
            for i in range(rt.Size()):
                if self.node_of[i] < n_dep + n_stop:
                    dim.SlackVar(i).SetValue(0)
        for v, (k, _) in enumerate(self.vehicles):
            if p.vehicle_types[k].return_empty:
                dim.CumulVar(rt.End(v)).SetMax(0)

    def _count_dimensions(self) -> None:
        """``max_stops`` and ``max_unloads`` as unary dimensions."""
        p, rt = self.problem, self.routing
        n_dep, n_stop, n_nodes = self.n_dep, self.n_stop, len(self.loc)
        for label, limit_of, first, last in (
                ("stops", lambda vt: vt.max_stops, n_dep, n_dep + n_stop),
                ("unloads", lambda vt: vt.max_unloads, n_dep + n_stop, n_nodes)):
            limits = [limit_of(p.vehicle_types[k]) for k, _ in self.vehicles]
            if all(x is None for x in limits):
                continue
            ones = [1 if first <= node < last else 0 for node in range(n_nodes)]
            cb = rt.RegisterUnaryTransitVector(ones)
            rt.AddDimensionWithVehicleCapacity(
                cb, 0, [n_nodes if x is None else x for x in limits], True, label)

    def _horizon(self, dur: np.ndarray) -> int:
        """An upper bound on every time in a plan."""
        p = self.problem
        return max([int_time(p, v.shift_end) for v in p.vehicle_types
                    if int_time(p, v.shift_end) < BIG]
                   + [int_time(p, s.tw_end) + int_time(p, s.service) + int(dur.max())
                      for s in p.stops if int_time(p, s.tw_end) < BIG]
                   + [int_time(p, v.breaks.latest_start + v.breaks.duration)
                      for v in p.vehicle_types if v.breaks is not None]
                   + [int(dur.sum(axis=1).max()) + sum(self.service) + 1])

    def _time_dimension(self, dur: np.ndarray) -> None:
        """Time: windows and opening hours on the cumuls, then the vehicles' shifts."""
        p, rt, mgr = self.problem, self.routing, self.manager
        n_dep, n_stop = self.n_dep, self.n_stop
        tcb = self._transit(dur[np.ix_(self.loc, self.loc)]
                            + np.array(self.service)[:, None])
        horizon = self._horizon(dur)
        rt.AddDimension(tcb, horizon, horizon, False, "time")
        td = self.time_dim = rt.GetDimensionOrDie("time")
        for k, s in enumerate(p.stops):
            td.CumulVar(mgr.NodeToIndex(n_dep + k)).SetRange(
                int_time(p, s.tw_start), min(horizon, int_time(p, s.tw_end)))
        for c, u in enumerate(self.copies):
            site = p.unload_sites[u]
            td.CumulVar(mgr.NodeToIndex(n_dep + n_stop + c)).SetRange(
                int_time(p, site.tw_start), min(horizon, int_time(p, site.tw_end)))
        for v in range(len(self.vehicles)):
            self._shift(v, td, horizon)
        for v in range(len(self.vehicles)):
            rt.AddVariableMinimizedByFinalizer(td.CumulVar(rt.End(v)))
            rt.AddVariableMaximizedByFinalizer(td.CumulVar(rt.Start(v)))

    def _shift(self, v: int, td: Any, horizon: int) -> None:
        """Vehicle ``v``'s shift, maximum duration, duration cost and break."""
        p, rt = self.problem, self.routing
        vt = p.vehicle_types[self.vehicles[v][0]]
        lo, hi = int_time(p, vt.shift_start), min(horizon, int_time(p, vt.shift_end))
        td.CumulVar(rt.Start(v)).SetRange(lo, hi)
        td.CumulVar(rt.End(v)).SetRange(lo, hi)
        if vt.max_duration is not None:
            td.SetSpanUpperBoundForVehicle(int_time(p, vt.max_duration), v)
        coef = self._units(vt.cost_per_duration)
        if coef:
            td.SetSpanCostCoefficientForVehicle(coef, v)
        if vt.breaks is not None:
            b = vt.breaks
            interval = rt.solver().FixedDurationIntervalVar(
                int_time(p, b.earliest_start), int_time(p, b.latest_start),
                int_time(p, b.duration), False, f"break {v}")
            serv_of = [self.service[self.node_of[i]] for i in range(len(self.node_of))]
            td.SetBreakIntervalsOfVehicle([interval], v, serv_of)
            self.breaks[v] = interval

    def _drop_penalty(self, dist: np.ndarray, dur: np.ndarray, service: int) -> int:
        """Penalty for leaving a stop out: :data:`DROP_FACTOR` times the most that serving
        one stop can add to the objective (a new vehicle's fixed cost, a detour of twice
        the longest arc, twice the longest travel time plus a service on the clock)."""
        p = self.problem
        longest = [int(m[m < BIG].max(initial=0)) for m in (dist, dur)]
        most = max(round(vt.fixed_cost * self.factor)
                   + self._units(vt.cost_per_distance) * 2 * longest[0]
                   + self._units(vt.cost_per_duration) * (2 * longest[1] + service)
                   for vt in p.vehicle_types)
        return min(DROP_FACTOR * (most + 1), 2**62 // (4 * (p.num_stops + 1)))

    def max_arc_cost(self, dist: np.ndarray) -> int:
        """The largest arc cost of any vehicle (objective units)."""
        return int(dist.max()) * max(self._units(vt.cost_per_distance)
                                     for vt in self.problem.vehicle_types)

    def _units(self, cost_per_unit: float) -> int:
        """A cost per distance or duration unit as an integer objective coefficient."""
        return round(cost_per_unit / self.problem.scale * self.factor)

    def over_capacity(self) -> bool:
        """Whether the solution in the search's variables (during a solution callback)
        loads a vehicle beyond its true capacity (only with ``soft``)."""
        end = self.routing.End
        return any(dim.CumulVar(end(v)).Value() > caps[v]
                   for dim, caps in self.soft_loads for v in range(len(self.vehicles)))

    def _path(self, value: Callable[[Any], int], v: int) -> list[int]:
        """Vehicle ``v``'s visits (solver indices, depots excluded) in a solution read
        by ``value`` (``assignment.Value``, or ``lambda var: var.Value()`` in a
        callback)."""
        rt = self.routing
        path = []
        index = value(rt.NextVar(rt.Start(v)))
        while not rt.IsEnd(index):
            path.append(index)
            index = value(rt.NextVar(index))
        return path

    def _step(self, index: int) -> Step:
        node = self.manager.IndexToNode(index)
        if node < self.n_dep + self.n_stop:
            return ("stop", node - self.n_dep)
        return ("unload", self.copies[node - self.n_dep - self.n_stop])

    def steps(self, value: Callable[[Any], int]) -> PartStart:
        """The routes of a solution as (vehicle type, steps); ``value`` as in
        :meth:`_path`."""
        out: PartStart = []
        for v, (k, _) in enumerate(self.vehicles):
            path = self._path(value, v)
            if path:
                out.append((k, [self._step(i) for i in path]))
        return out

    def unperformed(self, sol: Any) -> list[str]:
        """Ids of the stops (and groups) an assignment leaves out (only with ``drops``)."""
        rt, mgr = self.routing, self.manager
        return list(self.problem.unserved(
            k for k in range(self.n_stop)
            if sol.Value(rt.NextVar(mgr.NodeToIndex(self.n_dep + k)))
            != mgr.NodeToIndex(self.n_dep + k)))

    def _transit(self, matrix: np.ndarray) -> int:
        """Register a node-by-node transit matrix (C++-side lookups when it is small)."""
        rt, mgr = self.routing, self.manager
        if matrix.shape[0] <= MATRIX_NODES:
            return int(rt.RegisterTransitMatrix(matrix.astype(np.int64).tolist()))
        m = matrix.astype(np.int64)
        return int(rt.RegisterTransitCallback(
            lambda i, j: int(m[mgr.IndexToNode(i), mgr.IndexToNode(j)])))

    def assignment(self, start: PartStart, params: Any) -> Any:
        """Close the model and return ``start`` as an assignment, or ``None``.

        ``None`` when a route cannot be expressed (too few vehicles or unload copies) or
        OR-Tools finds it infeasible for the model.
        """
        rt, mgr = self.routing, self.manager
        free: dict[int, list[int]] = {}
        for v, (k, _) in enumerate(self.vehicles):
            free.setdefault(k, []).append(v)
        spare: dict[int, list[int]] = {}
        for c, u in enumerate(self.copies):
            spare.setdefault(u, []).append(self.n_dep + self.n_stop + c)
        lists: list[list[int]] = [[] for _ in self.vehicles]
        for k, steps in start:
            if not free.get(k):
                return None
            nodes = []
            for kind, idx in steps:
                if kind == "stop":
                    nodes.append(self.n_dep + idx)
                elif spare.get(idx):
                    nodes.append(spare[idx].pop())
                else:
                    return None
            lists[free[k].pop(0)] = [int(mgr.NodeToIndex(n)) for n in nodes]
        rt.CloseModelWithParameters(params)
        return rt.ReadAssignmentFromRoutes(lists, True)

    def routes(self, sol: Any) -> tuple[Route, ...]:
        """The problem's routes for an OR-Tools assignment."""
        p = self.problem
        out = []
        for v, (k, j) in enumerate(self.vehicles):
            path = self._path(sol.Value, v)
            if not path:
                continue
            steps = [self._step(i) for i in path]
            td = self.time_dim
            times = [] if td is None else [sol.Value(td.CumulVar(i)) for i in path]
            after = self._break_after(sol, v, times)
            steps, after = _drop_idle_unloads(p, k, steps, after)
            out.append(schedule_route(p, k, j, steps, break_after=after))
        return tuple(out)

    def _break_after(self, sol: Any, v: int, times: list[int]) -> int | None:
        """Position of the break among the steps, from the solver's break start.

        A break the solver places after the route's end is not part of the route; one
        before its start is taken at the depot.
        """
        if v not in self.breaks or self.time_dim is None:
            return None
        rt = self.routing
        end = sol.Value(self.time_dim.CumulVar(rt.End(v)))
        intervals = sol.IntervalVarContainer()
        name = self.breaks[v].Name()
        b = next(intervals.Element(i).StartValue() for i in range(intervals.Size())
                 if intervals.Element(i).Var().Name() == name)
        if b >= end:
            return None
        return sum(1 for t in times if t <= b)


def _drop_idle_unloads(problem: RoutingProblem, vehicle_type: int, steps: list[Step],
                       break_after: int | None) -> tuple[list[Step], int | None]:
    """Remove unloads of an empty vehicle that do not shorten the route.

    Optional unload copies cost nothing when visited back to back at one site, so the
    search may leave several in a row; they change neither feasibility nor cost.
    """
    vt = problem.vehicle_types[vehicle_type]
    dist = problem.distance

    def where(step: Step) -> int:
        kind, idx = step
        return (problem.stops[idx] if kind == "stop" else problem.unload_sites[idx]).location

    out: list[Step] = []
    prev = problem.depots[vt.depot].location
    loaded = False
    for k, step in enumerate(steps):
        loc = where(step)
        if step[0] == "unload" and not loaded:
            nxt = where(steps[k + 1]) if k + 1 < len(steps) else \
                problem.depots[vt.end_depot].location
            if dist[prev, nxt] <= dist[prev, loc] + dist[loc, nxt] and \
                    (break_after is None or break_after != len(out) + 1):
                if break_after is not None and break_after > len(out):
                    break_after -= 1
                continue
        loaded = step[0] == "stop" or (loaded and step[0] != "unload")
        out.append(step)
        prev = loc
    return out, break_after


def search(routing: Any, budget: Budget, make_params: Callable[[float], Any], *,
           initial: Any = None) -> Any:
    """Run the routing search within ``budget``; return the best assignment or ``None``.

    ``initial`` (an assignment of the closed model) is where the search starts instead of
    the first solution strategy.

    OR-Tools limits are wall-clock. For a CPU budget the search runs in up to four
    slices: each slice's wall limit is the CPU time left divided by the CPU share the
    process got in the previous slice, and each slice continues from the best solution
    so far (a polled CPU limit would cost a Python call per search node, several times
    slower).
    """
    if budget.clock == "wall":
        params = make_params(max(0.05, budget.left()))
        return (routing.SolveWithParameters(params) if initial is None
                else routing.SolveFromAssignmentWithParameters(initial, params))
    best, share = initial, 1.0
    for _ in range(4):
        left = budget.left()
        if left <= 0.02 * budget.seconds:
            break
        w0, c0 = time.perf_counter(), time.process_time()
        params = make_params(max(0.05, left / share))
        sol = (routing.SolveWithParameters(params) if best is None
               else routing.SolveFromAssignmentWithParameters(best, params))
        if sol is not None:
            best = routing.solver().Assignment(sol)
        share = min(1.0, max(0.02, (time.process_time() - c0)
                             / max(1e-3, time.perf_counter() - w0)))
    return best


def _soft_eligible(problem: RoutingProblem) -> bool:
    """Whether the search uses soft capacities (see the module docstring): only capacity
    constrains routes (no unload sites, where the load at a route's end is not its whole
    load; no time windows, shifts, durations or breaks, where it was not measured to
    help)."""
    return not problem.unload_sites and not _needs_time(problem)


def _soft_search(problem: RoutingProblem, counts: list[int], budget: Budget,
                 start: PartStart | None, make_params: Callable[[float], Any], *, weight: float,
                 slices: int) -> tuple[PartStart | None, float, dict[str, int]]:
    """Guided local search with soft capacities; the best plan within the capacities.

    The search runs in ``slices`` rounds, each on a model whose vehicles may carry up to
    :data:`SOFT_EXCESS` more than their capacity at a cost per unit of excess of
    ``weight`` x (largest arc cost / largest demand). The first round starts from
    ``start``, or without one from the first solution strategy on that model (measured
    better than starting from a plan within capacity: X-n139 1.4-4.5 % in three runs
    against 11.3 %), each later round from where the previous one ended; a solution
    callback keeps the cheapest plan within the true capacities. After a round the
    weight doubles when fewer than :data:`SOFT_TARGET` of the solutions found were within
    the capacities, and halves when more than twice that were (the adaptive penalty of
    Cordeau, Laporte & Mercier 2001 and Vidal et al. 2012).

    Returns
    -------
    tuple
        The best plan within the capacities (``None`` if none was seen), the weight
        after the last round, and counts of solutions seen and within capacity.
    """
    best: PartStart | None = None
    best_cost = math.inf
    stats = {"soft_solutions": 0, "soft_feasible": 0}
    for r in range(slices):
        left = budget.left()
        if left <= 0.02 * budget.seconds:
            break
        model = _Model(problem, counts, soft=weight)
        rt = model.routing
        seen = {"all": 0, "ok": 0, "cost": math.inf}
        kept: list[PartStart] = []

        def on_solution(model: _Model = model, seen: dict[str, float] = seen,
                        kept: list[PartStart] = kept) -> None:
            seen["all"] += 1
            if model.over_capacity():
                return
            seen["ok"] += 1
            cost = model.routing.CostVar().Value()
            if cost < seen["cost"]:
                seen["cost"] = cost
                kept[:] = [model.steps(lambda var: var.Value())]

        rt.AddAtSolutionCallback(on_solution)
        local = Budget(left / (slices - r), budget.clock)
        initial = None if start is None else model.assignment(start,
                                                              make_params(local.seconds))
        if start is not None and initial is None:
            break
        sol = search(rt, local, make_params, initial=initial)
        if sol is not None:
            start = model.steps(sol.Value)
        stats["soft_solutions"] += int(seen["all"])
        stats["soft_feasible"] += int(seen["ok"])
        if kept and seen["cost"] / model.factor < best_cost:
            best, best_cost = kept[0], seen["cost"] / model.factor
        share = seen["ok"] / max(1, seen["all"])
        if share < SOFT_TARGET:
            weight *= 2
        elif share > 2 * SOFT_TARGET:
            weight /= 2
    return best, weight, stats


def _routes_of(problem: RoutingProblem, plan: PartStart) -> list[Route]:
    """Routes scheduled from (vehicle type, steps), numbered within each type."""
    count = [0] * len(problem.vehicle_types)
    out = []
    for k, steps in plan:
        out.append(schedule_route(problem, k, count[k], steps))
        count[k] += 1
    return out


def _params(time_limit: float, first_solution: str, metaheuristic: str,
            extra: dict[str, Any], log: bool) -> Any:
    params = pywrapcp.DefaultRoutingSearchParameters()
    for label, enum, value in (
            ("first_solution", routing_enums_pb2.FirstSolutionStrategy, first_solution),
            ("metaheuristic", routing_enums_pb2.LocalSearchMetaheuristic, metaheuristic)):
        if not hasattr(enum, value):
            raise InputError(label, value, f"a member name of OR-Tools' {enum.DESCRIPTOR.name}")
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, first_solution)
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, metaheuristic)
    for key, value in extra.items():
        target, _, name = key.rpartition(".")
        obj = params
        for part in filter(None, target.split(".")):
            obj = getattr(obj, part)
        if not hasattr(obj, name):
            raise InputError("search_params", key, "a field of RoutingSearchParameters")
        setattr(obj, name, value)
    params.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    params.log_search = log
    error = pywrapcp.FindErrorInRoutingSearchParameters(params)
    if error:
        raise InputError("search_params", extra, f"valid RoutingSearchParameters ({error})")
    return params


def _first_plan(model: _Model, strategies: list[str], make: Callable[..., Any],
                seconds: float) -> tuple[Any, str]:
    """The first solution of the first strategy that finds one within ``seconds`` (wall
    clock, each), and that strategy's name; ``(None, "")`` when none does.

    With ``drops`` every strategy finds one at once (it may leave stops out): the one
    with the lowest objective (fewest stops left out first) is taken.
    """
    rt = model.routing
    best, name = None, ""
    for strategy in strategies:
        params = make(max(0.05, seconds), first_solution=strategy)
        params.solution_limit = 1
        sol = rt.SolveWithParameters(params)
        if sol is not None and (best is None or sol.ObjectiveValue() < best.ObjectiveValue()):
            best, name = rt.solver().Assignment(sol), strategy
        if best is not None and (model.drop_penalty is None or not model.unperformed(best)):
            break
    return best, name


def _improve_by_parts(problem: RoutingProblem, routes: list[Route], budget: Budget, *,
                      seed: int, part_size: int, part_seconds: float,
                      make_params: Callable[[float], Any],
                      soft_weight: float | None = None) -> tuple[list[Route], dict[str, int]]:
    """Re-solve parts of nearby routes (see :mod:`~circularopt.routing.engines._parts`).

    Until ``budget`` is spent: pick a route at random, take the routes nearest to it up
    to ``part_size`` stops, let OR-Tools' search run from those routes for
    ``part_seconds``, and keep the result when it costs less.
    """
    rng = random.Random(seed)
    stats = {"parts": 0, "improved": 0}
    n_types = len(problem.vehicle_types)
    while budget.left() > min(0.5, 0.1 * part_seconds) and routes:
        used = [sum(r.vehicle_type == k for r in routes) for k in range(n_types)]
        idle = [min(1, vt.count - used[k]) for k, vt in enumerate(problem.vehicle_types)]
        chosen = near_routes(problem, routes, rng.randrange(len(routes)), part_size)
        part, start = part_problem(problem, [routes[i] for i in chosen], idle=idle)
        counts = [vt.count for vt in part.vehicle_types]
        local = Budget(min(part_seconds, budget.left()), budget.clock)
        stats["parts"] += 1
        if soft_weight is not None:
            plan, soft_weight, _ = _soft_search(part, counts, local, start, make_params,
                                                weight=soft_weight, slices=SOFT_PART_ROUNDS)
            if plan is None:
                continue
            found = _routes_of(part, plan)
        else:
            model = _Model(part, counts)
            initial = model.assignment(start, make_params(local.left()))
            if initial is None:
                continue
            sol = search(model.routing, local, make_params, initial=initial)
            if sol is None:  # the part's time ran out before OR-Tools returned the start
                continue
            found = list(model.routes(sol))
        new = to_whole(problem, part, found)
        if sum(r.cost for r in new) < sum(routes[i].cost for i in chosen) - 1e-9:
            stats["improved"] += 1
            keep = set(range(len(routes))) - set(chosen)
            routes = [routes[i] for i in sorted(keep)] + new
    count = [0] * n_types
    numbered = []
    for r in routes:
        numbered.append(dataclasses.replace(r, vehicle=count[r.vehicle_type]))
        count[r.vehicle_type] += 1
    return numbered, stats


def _time_limit(time_limit: float, clock: str, stop: StoppingCriterion | None
                ) -> tuple[float, str]:
    """The time limit and clock of a run: ``time_limit``, capped by a ``MaxRuntime``."""
    if stop is None:
        return time_limit, clock
    if not isinstance(stop, MaxRuntime):
        raise InputError("stop", stop, f"None or a MaxRuntime: engine {ENGINE!r} stops on "
                         "time only")
    return min(time_limit, max(0.01, stop.left())), stop.clock


def solve_ortools(problem: RoutingProblem, *, time_limit: float, seed: int = 0,
                  options: ORToolsOptions | None = None,
                  stop: StoppingCriterion | None = None) -> RoutingResult:
    """Solve with OR-Tools routing.

    Parameters
    ----------
    problem
        The problem.
    time_limit
        Seconds for model building and search, on the clock of ``options``.
    seed
        Seeds the choice of parts in the improvement phase; OR-Tools' own search is
        deterministic for a given model and time budget (up to timing).
    options
        The engine's options (:class:`~circularopt.routing.engines.options.ORToolsOptions`;
        ``None``: the defaults). Problem-dependent defaults: first solution
        :data:`SEARCH_DEFAULTS` (:data:`UNLOAD_FIRST_SOLUTION` with unload sites,
        :data:`MULTI_DEPOT_FIRST_SOLUTION` with several depots); without
        ``first_solution``, problems that only capacity constrains start from the
        Clarke-Wright plan of :func:`~circularopt.routing.engines._construct.savings`;
        ``part_size="auto"`` is :data:`SAVINGS_PART_SIZE` from the savings plan, else
        :data:`PART_SIZE`; ``part_seconds`` is ``part_size / 80`` from the savings plan,
        else ``part_size / 40``; ``first_share`` is :data:`SAVINGS_FIRST_SHARE` from the
        savings plan, else :data:`FIRST_SHARE`; ``greedy_start`` when the problem has
        unload sites and ``first_solution`` is not given; ``search_params``
        :data:`SEARCH_EXTRA`. Problems with at most ``part_size`` stops (with soft
        capacities: :data:`SOFT_WHOLE_UP_TO`) are searched whole.
    stop
        ``None`` or a :class:`~circularopt.stop.MaxRuntime`: its time left (on its
        clock) caps ``time_limit``. OR-Tools' search takes no other criterion.

    Returns
    -------
    RoutingResult
        A plan; ``SolverError`` if OR-Tools finds none in time.
    """
    opts = options or ORToolsOptions()
    time_limit, clock = _time_limit(time_limit, opts.clock, stop)
    check_supported(problem)
    t0 = time.perf_counter()
    if problem.num_stops == 0:
        return RoutingResult(problem.name, ENGINE, "feasible", 0.0, ())
    setup = _setup(problem, opts)
    budget = Budget(time_limit, clock)
    first = Budget(time_limit * (setup.share if setup.parts else 1.0), clock)
    make = functools.partial(_params, metaheuristic=setup.mh, extra=setup.extra, log=opts.log)
    for n_try, counts in enumerate(setup.attempts):
        if budget.left() <= 0:
            break
        model, initial, strategy = _start(problem, counts, setup, opts.drops, make, first,
                                          budget)
        if initial is None:
            logger.info("%s: no first plan with %d vehicles", problem.name, sum(counts))
            continue
        info: dict[str, Any] = {"first_solution": strategy, "metaheuristic": setup.mh,
                                "vehicles_offered": sum(counts), "clock": clock,
                                "unload_copies": len(model.copies),
                                "drop_penalty": model.drop_penalty is not None,
                                "soft_capacity": setup.soft and model.drop_penalty is None}
        phase = first if first.left() > 0 else budget
        found = _search_whole(problem, counts, model, initial, setup, make, phase, info)
        if found is None:
            continue
        routes, dropped, objective, weight = found
        if dropped and n_try + 1 < len(setup.attempts) and budget.left() > 0:
            logger.info("%s: %d stop(s) left out with %d vehicles; offering more",
                        problem.name, len(dropped), sum(counts))
            continue
        if setup.parts and not dropped:
            assert setup.size is not None
            routes, stats = _improve_by_parts(
                problem, routes, budget, seed=seed, part_size=setup.size,
                part_seconds=setup.part_seconds,
                make_params=functools.partial(make, first_solution=setup.fs, log=False),
                soft_weight=weight)
            info.update(stats, part_size=setup.size)
            objective = None
        return RoutingResult(problem.name, ENGINE, "infeasible" if dropped else "feasible",
                             time.perf_counter() - t0, tuple(routes),
                             tuple(dropped),
                             None if dropped else objective, info)
    raise SolverError(f"OR-Tools found no solution for {problem.name!r} within "
                      f"{time_limit:g} s (first solution {setup.fs}); give more time, more "
                      "vehicles, or wider time windows")


@dataclasses.dataclass(frozen=True)
class _Setup:
    """How :func:`solve_ortools` goes about a problem: its options with the
    problem-dependent defaults filled in."""

    fs: str
    mh: str
    attempts: list[list[int]]
    soft: bool
    extra: dict[str, Any]
    chain: list[str]
    greedy: bool
    use_savings: bool
    size: int | None
    parts: bool
    share: float
    part_seconds: float


def _setup(problem: RoutingProblem, opts: ORToolsOptions) -> _Setup:
    unloads = any(vt.unload_sites for vt in problem.vehicle_types)
    fs = opts.first_solution or (UNLOAD_FIRST_SOLUTION if unloads
                                 else MULTI_DEPOT_FIRST_SOLUTION if len(problem.depots) > 1
                                 else SEARCH_DEFAULTS["first_solution"])
    full = [v.count for v in problem.vehicle_types]
    attempts = [_trimmed_counts(problem)] if opts.trim_fleet else []
    if not attempts or attempts[0] != full:
        attempts.append(full)
    grouped = bool(problem.groups)  # the constructive starts would serve every member
    soft = opts.soft_capacity and _soft_eligible(problem) and not grouped
    extra = dict((SOFT_SEARCH_EXTRA if soft else SEARCH_EXTRA) if opts.search_params is None
                 else opts.search_params)
    greedy = not grouped and ((unloads and opts.first_solution is None)
                              if opts.greedy_start is None else opts.greedy_start)
    use_savings = opts.first_solution is None and not soft and not greedy \
        and not grouped and savings_eligible(problem)
    size = (SAVINGS_PART_SIZE if use_savings else PART_SIZE) if opts.part_size == "auto" \
        else opts.part_size
    assert size is None or isinstance(size, int)
    parts = size is not None and problem.num_stops > (
        max(size, SOFT_WHOLE_UP_TO) if soft else size)
    return _Setup(
        fs=fs, mh=opts.metaheuristic or SEARCH_DEFAULTS["metaheuristic"], attempts=attempts,
        soft=soft, extra=extra, chain=[fs] + [f for f in FALLBACK_FIRST_SOLUTIONS if f != fs],
        greedy=greedy, use_savings=use_savings, size=size, parts=parts,
        share=opts.first_share or (SAVINGS_FIRST_SHARE if use_savings else FIRST_SHARE),
        part_seconds=opts.part_seconds or (size or 0) / (80 if use_savings else 40))


def _start(problem: RoutingProblem, counts: list[int], setup: _Setup, drops: str,
           make: Callable[..., Any], first: Budget, budget: Budget) -> tuple[_Model, Any, str]:
    """The model to search and its first solution (``None`` if none was found), with
    the name of what built it: the greedy or savings plan, else the first solution
    strategy; on the model with droppable stops when the strict one finds none."""
    start, builder = None, ""
    if setup.greedy:
        start, builder = nearest_neighbour(problem, counts, partial=True), "nearest_neighbour"
    elif setup.use_savings:
        start, builder = savings(problem, counts[0]), "savings"
    complete = start is not None and problem.num_stops == sum(
        kind == "stop" for _, steps in start for kind, _ in steps)
    cap = FIRST_TRY_SHARE * first.seconds
    if drops != "always" and (start is None or complete):
        model = _Model(problem, counts)
        if start is not None:
            initial = model.assignment(start, make(first.seconds, first_solution=setup.fs))
            if initial is not None:
                return model, initial, builder
        else:
            initial, strategy = _first_plan(model, [setup.fs], make, cap)
            if initial is not None:
                return model, initial, strategy
        logger.info("%s: no first plan serving every stop; trying with droppable stops",
                    problem.name)
    model = _Model(problem, counts, drops=True)
    if start is not None:
        initial = model.assignment(start, make(first.seconds, first_solution=setup.fs))
        if initial is not None:
            return model, initial, builder
    initial, strategy = _first_plan(model, setup.chain, make, max(cap, budget.left()))
    return model, initial, strategy


def _search_whole(problem: RoutingProblem, counts: list[int], model: _Model, initial: Any,
                  setup: _Setup, make: Callable[..., Any], phase: Budget,
                  info: dict[str, Any]
                  ) -> tuple[list[Route], list[str], float | None, float | None] | None:
    """Search the whole problem within ``phase`` from ``initial``.

    Returns the routes, the stops left out, the objective (``None`` with soft
    capacities) and the soft-capacity weight reached (``None`` without); ``None`` when
    the search returned nothing. Soft-capacity figures go to ``info``.
    """
    params = functools.partial(make, first_solution=setup.fs)
    if info["soft_capacity"]:
        plan, weight, stats = _soft_search(problem, counts, phase, None, params,
                                           weight=SOFT_WEIGHT, slices=SOFT_ROUNDS)
        info.update(stats)
        routes = _routes_of(problem, plan) if plan is not None \
            else list(model.routes(initial))
        return routes, [], None, weight
    sol = search(model.routing, phase, params, initial=initial)
    if sol is None:
        return None
    dropped = model.unperformed(sol) if model.drop_penalty is not None else []
    return list(model.routes(sol)), dropped, sol.ObjectiveValue() / model.factor, None
