"""The PyVRP engine of arc routing: tasks as clients, either-direction pairs as
mutually exclusive required client groups, unload sites as reload depots.

The search is PyVRP 0.14's ``solve`` (iterated local search, its operators) with two
changes for short runs such as ``n / 10`` CPU seconds: the penalty per unit of excess
load starts at the typical cost of one move between tasks per unit of typical demand
(:func:`_initial_penalty`) instead of PyVRP's 50,000, and it is updated every
:data:`_PENALTY` ``.solutions_between_updates`` candidates instead of 500. From 50,000,
falling by 10 % per update, the penalty can stay prohibitive for a whole short run, and
the search then never crosses infeasible solutions, which tight capacities need.
Measured in ``docs/benchmarks.md`` (Arc routing).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyvrp
from pyvrp import PenaltyParams
from pyvrp.search import NeighbourhoodParams

from circularopt.routing.arcs.problem import ArcProblem
from circularopt.routing.arcs.tasks import ArcTask
from circularopt.routing.engines.pyvrp_engine import iterated_local_search
from circularopt.stop import Budget

__all__ = ["solve_pyvrp_arcs"]


_NO_LIMIT = pyvrp.VehicleType().shift_duration


def _vehicle_types(problem: ArcProblem, points: tuple[int, ...], matrix: np.ndarray,
                   durations: np.ndarray | None) -> tuple[list[pyvrp.VehicleType], list[int]]:
    """PyVRP's vehicle types and, for each, the index of its arc vehicle type: one per
    arc type; with ``return_empty`` one per arc type and unload site, ending there and
    paying the drive home as a fixed cost (exact: it is the same for every route of the
    type) on top of the type's own. With a shift, a type's shift duration is the route
    limit (:attr:`ArcProblem.route_limit`: PyVRP has no breaks; this limit is exact for
    one break) less its drive home."""
    reloads = list(range(1, len(points)))
    ends = reloads if problem.return_empty else [0]

    def limit(end: int) -> int:
        if durations is None or problem.route_limit is None:
            return _NO_LIMIT
        return max(0, int(problem.route_limit) - int(durations[end, 0]))

    out, owner = [], []
    for k, t in enumerate(problem.vehicle_types):
        unit = problem.cost_unit
        weight = round(t.cost_per_distance * unit)
        fixed = round(t.fixed_cost * problem.scale) * unit
        for j in ends:
            out.append(pyvrp.VehicleType(
                t.count, [round(t.capacity * problem.load_scale)], 0, j,
                fixed_cost=fixed + (int(matrix[j, 0]) * weight if j else 0),
                shift_duration=limit(j), reload_depots=reloads, name=t.name,
                unit_distance_cost=weight))
            owner.append(k)
    return out, owner


def _data(problem: ArcProblem, tasks: tuple[ArcTask, ...], groups: int,
          matrix: np.ndarray, points: tuple[int, ...], durations: np.ndarray | None = None
          ) -> pyvrp.ProblemData:
    """PyVRP's data: the cost matrix as distances; ``durations`` (seconds, see
    :mod:`~circularopt.routing.arcs.shift`) as durations, or zeros without a shift."""
    locs = [pyvrp.Location(0, 0) for _ in range(len(points) + len(tasks))]
    depots = [pyvrp.Depot(j) for j in range(len(points))]
    clients = [pyvrp.Client(len(points) + k, pickup=[round(t.demand * problem.load_scale)],
                            required=t.group is None, group=t.group)
               for k, t in enumerate(tasks)]
    members: list[list[int]] = [[] for _ in range(groups)]
    for k, t in enumerate(tasks):
        if t.group is not None:
            members[t.group].append(k)
    client_groups = [pyvrp.ClientGroup(m, required=True) for m in members]
    matrices: list[Any] = [matrix, np.zeros_like(matrix) if durations is None else durations]
    return pyvrp.ProblemData(locs, clients, depots,
                             _vehicle_types(problem, points, matrix, durations)[0],
                             matrices[:1], matrices[1:], client_groups)


_WIDE_UP_TO = 100
"""Most direction pairs for which the neighbourhood is doubled (see :func:`_params`)."""


def _params(groups: int) -> pyvrp.SolveParams:
    """PyVRP's defaults with :data:`_PENALTY`, and twice the granular neighbourhood when
    streets come as ``groups`` direction pairs, up to :data:`_WIDE_UP_TO` of them: the default of 50
    neighbours then covers about 25 streets, half of what it covers in the node
    problems it was tuned on. Measured on CARP (``docs/benchmarks.md``): better on the
    instances up to 98 streets, worse on those of 147 and more."""
    if not 0 < groups <= _WIDE_UP_TO:
        return pyvrp.SolveParams(penalty=_PENALTY)
    default = NeighbourhoodParams()
    return pyvrp.SolveParams(penalty=_PENALTY, neighbourhood=NeighbourhoodParams(
        default.weight_wait_time, 2 * default.num_neighbours, default.symmetric_proximity))


_PENALTY = PenaltyParams(solutions_between_updates=100)
"""PyVRP's penalty parameters, updated five times as often (see the module docstring)."""


def _initial_penalty(tasks: tuple[ArcTask, ...], matrix: np.ndarray, load_scale: float
                     ) -> float:
    """Starting penalty per unit of excess load: the median task-matrix entry (a move
    between tasks; the median ignores the huge entries of unreachable pairs) over the
    mean demand of a task, within PyVRP's penalty range."""
    demand = float(np.mean([t.demand for t in tasks])) * load_scale if tasks else 1.0
    value = float(np.median(matrix)) / max(demand, 1.0)
    return min(max(value, _PENALTY.min_penalty), _PENALTY.max_penalty)


def solve_pyvrp_arcs(problem: ArcProblem, tasks: tuple[ArcTask, ...], groups: int,
                     matrix: np.ndarray, points: tuple[int, ...], budget: Budget,
                     seed: int, durations: np.ndarray | None = None
                     ) -> tuple[list[list[int]], list[int]]:
    """Solve; each route as its sequence of task indices and ``-1 - j`` for an unload at
    ``points[j]`` (the final unload of ``return_empty`` included), and the index of
    each route's vehicle type. With ``durations`` each route's duration is limited to
    the problem's shift. With ``return_empty`` and several unload sites a type's count
    applies per site (PyVRP has no limit across vehicle types); the validator reports
    a plan using more."""
    data = _data(problem, tasks, groups, matrix, points, durations)
    result = iterated_local_search(
        data, budget, seed, _params(groups),
        _initial_penalty(tasks, matrix, problem.load_scale) * problem.cost_unit)
    owner = _vehicle_types(problem, points, matrix, durations)[1]
    routes, types = [], []
    for r in result.best.routes():
        types.append(owner[r.vehicle_type()])
        seq = [act.idx if act.is_client() else -1 - act.idx for act in list(r.schedule())[1:-1]]
        if problem.return_empty:
            seq.append(-1 - r.end_depot())
        routes.append(seq)
    return routes, types
