"""The PyVRP engine of arc routing: tasks as clients, either-direction pairs as
mutually exclusive required client groups, unload sites as reload depots."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyvrp
from pyvrp.search import NeighbourhoodParams

from circularopt.routing.arcs.problem import ArcProblem
from circularopt.routing.arcs.tasks import ArcTask
from circularopt.stop import Budget

__all__ = ["solve_pyvrp_arcs"]


def _vehicle_types(problem: ArcProblem, points: tuple[int, ...], matrix: np.ndarray
                   ) -> list[pyvrp.VehicleType]:
    """One type; with ``return_empty`` one per unload site, ending there and paying the
    drive home as a fixed cost (exact: it is the same for every route of the type)."""
    cap = [round(problem.capacity * problem.load_scale)]
    reloads = list(range(1, len(points)))
    if not problem.return_empty:
        return [pyvrp.VehicleType(problem.num_vehicles, cap, 0, 0, reload_depots=reloads)]
    return [pyvrp.VehicleType(problem.num_vehicles, cap, 0, j,
                              fixed_cost=int(matrix[j, 0]), reload_depots=reloads)
            for j in reloads]


def _data(problem: ArcProblem, tasks: tuple[ArcTask, ...], groups: int,
          matrix: np.ndarray, points: tuple[int, ...]) -> pyvrp.ProblemData:
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
    matrices: list[Any] = [matrix, np.zeros_like(matrix)]
    return pyvrp.ProblemData(locs, clients, depots, _vehicle_types(problem, points, matrix),
                             matrices[:1], matrices[1:], client_groups)


_WIDE_UP_TO = 100
"""Most direction pairs for which the neighbourhood is doubled (see :func:`_params`)."""


def _params(groups: int) -> pyvrp.SolveParams:
    """PyVRP's defaults, with twice the granular neighbourhood when streets come as
    ``groups`` direction pairs, up to :data:`_WIDE_UP_TO` of them: the default of 50
    neighbours then covers about 25 streets, half of what it covers in the node
    problems it was tuned on. Measured on CARP (``docs/benchmarks.md``): better on the
    instances up to 98 streets, worse on those of 147 and more."""
    if not 0 < groups <= _WIDE_UP_TO:
        return pyvrp.SolveParams()
    default = NeighbourhoodParams()
    return pyvrp.SolveParams(neighbourhood=NeighbourhoodParams(
        default.weight_wait_time, 2 * default.num_neighbours, default.symmetric_proximity))


def solve_pyvrp_arcs(problem: ArcProblem, tasks: tuple[ArcTask, ...], groups: int,
                     matrix: np.ndarray, points: tuple[int, ...], budget: Budget,
                     seed: int) -> list[list[int]]:
    """Solve; each route as its sequence of task indices and ``-1 - j`` for an unload at
    ``points[j]`` (the final unload of ``return_empty`` included)."""
    data = _data(problem, tasks, groups, matrix, points)
    result = pyvrp.solve(data, budget, seed=seed, collect_stats=False, display=False,
                         params=_params(groups))
    routes = []
    for r in result.best.routes():
        seq = [act.idx if act.is_client() else -1 - act.idx for act in list(r.schedule())[1:-1]]
        if problem.return_empty:
            seq.append(-1 - r.end_depot())
        routes.append(seq)
    return routes
