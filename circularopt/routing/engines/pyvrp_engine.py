"""The ``pyvrp`` engine: PyVRP 0.14's iterated local search.

Mapping
-------
* Every problem location becomes a PyVRP ``Location``; the matrices are passed whole
  (one routing profile).
* Depots become PyVRP depots (index = problem index). Each unload site becomes one more
  PyVRP depot with the unload duration as ``service_duration`` and its opening hours as
  time window; a vehicle type lists the sites it may use as ``reload_depots`` and
  ``max_unloads`` as ``max_reloads``. PyVRP resets the load at a reload depot, which is
  exactly an unload.
* Stops become clients with ``delivery = demand`` (for capacity per trip, collecting and
  delivering are the same constraint), service duration, time window and release time.
* Vehicle types map one to one: shift -> ``tw_early``/``tw_late``, ``max_duration`` ->
  ``shift_duration``, fixed / distance / duration costs scaled to integers.
* ``return_empty``: PyVRP routes end at a depot, so such a type ends at a private depot
  on an extra location whose distance (duration) from every location is that of going
  through the best allowed unload site (by the type's costs) and home, unloading time
  included. The engine then writes the final unload into the route explicitly (and
  counts it against ``max_unloads``: ``max_reloads = max_unloads - 1``). The
  site's opening hours are not enforced on that final unload, so the engine refuses
  ``return_empty`` with unload sites that have opening hours.

Not supported (refused with :class:`~circularopt.exceptions.InputError`): breaks and
maximum stops per route.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pyvrp
import pyvrp.stop

from circularopt.exceptions import InputError, SolverError
from circularopt.routing.engines._common import (
    BIG,
    Budget,
    cost_factor,
    int_loads,
    int_matrix,
    int_time,
    refuse,
)
from circularopt.routing.problem import INF_TIME, RoutingProblem
from circularopt.routing.result import Route, RoutingResult, Step, schedule_route

__all__ = ["ENGINE", "check_supported", "solve_pyvrp", "to_pyvrp"]

ENGINE = "pyvrp"


def check_supported(problem: RoutingProblem) -> None:
    """Raise :class:`InputError` if the problem uses a feature PyVRP cannot honour."""
    for v in problem.vehicle_types:
        w = f"vehicle type {v.name!r}"
        if v.breaks is not None:
            raise refuse(ENGINE, "breaks", f"{w}.breaks", "use engine='ortools'")
        if v.max_stops is not None:
            raise refuse(ENGINE, "max_stops", f"{w}.max_stops", "use engine='ortools'")
        if v.return_empty and any(problem.unload_sites[u].tw_start > 0
                                  or problem.unload_sites[u].tw_end < INF_TIME
                                  for u in v.unload_sites):
            raise refuse(ENGINE, "return_empty with unload-site opening hours",
                         f"{w}.return_empty", "use engine='ortools' or open the sites")


class _Mapping:
    """PyVRP data for a problem, and the way back."""

    def __init__(self, problem: RoutingProblem) -> None:
        check_supported(problem)
        self.problem = problem
        p = problem
        self.factor = cost_factor(p)
        dist, dur = int_matrix(p, "distance"), int_matrix(p, "duration")
        n_loc, n_dep = len(p.locations), len(p.depots)
        depots = [pyvrp.Depot(d.location, name=d.id) for d in p.depots]
        depots += [pyvrp.Depot(u.location, tw_early=int_time(p, u.tw_start),
                               tw_late=int_time(p, u.tw_end),
                               service_duration=int_time(p, u.unload_duration), name=u.id)
                   for u in p.unload_sites]
        # Private end depots for return_empty types: key -> (depot index, site per location)
        ends: dict[tuple[object, ...], tuple[int, np.ndarray]] = {}
        extra_d: list[np.ndarray] = []
        extra_t: list[np.ndarray] = []
        self.end_site: dict[int, np.ndarray] = {}
        vtypes = []
        for k, v in enumerate(p.vehicle_types):
            end_depot = v.end_depot
            if v.return_empty:
                key = (v.end_depot, v.unload_sites, v.cost_per_distance, v.cost_per_duration)
                if key not in ends:
                    home = p.depots[v.end_depot].location
                    sites = list(v.unload_sites)
                    ulocs = [p.unload_sites[u].location for u in sites]
                    serv = np.array([int_time(p, p.unload_sites[u].unload_duration)
                                     for u in sites])
                    d_via = dist[:, ulocs] + dist[ulocs, home][None, :]
                    t_via = dur[:, ulocs] + serv[None, :] + dur[ulocs, home][None, :]
                    best = np.argmin(v.cost_per_distance * d_via + v.cost_per_duration * t_via
                                     + 1e-9 * d_via, axis=1)
                    rows = np.arange(n_loc)
                    extra_d.append(d_via[rows, best])
                    extra_t.append(t_via[rows, best])
                    depots.append(pyvrp.Depot(n_loc + len(extra_d) - 1,
                                              name=f"end via unload ({v.name})"))
                    ends[key] = (len(depots) - 1, np.array(sites)[best])
                end_depot, self.end_site[k] = ends[key]
            vtypes.append(pyvrp.VehicleType(
                num_available=v.count, capacity=int_loads(p, v.capacity),
                start_depot=v.depot, end_depot=end_depot,
                fixed_cost=round(v.fixed_cost * self.factor),
                tw_early=int_time(p, v.shift_start), tw_late=int_time(p, v.shift_end),
                shift_duration=BIG if v.max_duration is None else int_time(p, v.max_duration),
                unit_distance_cost=round(v.cost_per_distance / p.scale * self.factor),
                unit_duration_cost=round(v.cost_per_duration / p.scale * self.factor),
                reload_depots=[n_dep + u for u in v.unload_sites],
                max_reloads=(np.iinfo(np.uint64).max if v.max_unloads is None
                             else max(0, v.max_unloads - v.return_empty)),
                name=v.name))
        if extra_d:
            m = n_loc + len(extra_d)
            D = np.full((m, m), BIG, dtype=np.int64)
            T = np.full((m, m), BIG, dtype=np.int64)
            D[:n_loc, :n_loc], T[:n_loc, :n_loc] = dist, dur
            for j, (col_d, col_t) in enumerate(zip(extra_d, extra_t, strict=True)):
                D[:n_loc, n_loc + j], T[:n_loc, n_loc + j] = col_d, col_t
            np.fill_diagonal(D, 0)
            np.fill_diagonal(T, 0)
            dist, dur = D, T
        locs = [pyvrp.Location(0.0, 0.0, name=name) for name in p.locations]
        locs += [pyvrp.Location(0.0, 0.0, name=f"end-{j}") for j in range(len(extra_d))]
        clients = [pyvrp.Client(s.location, delivery=int_loads(p, s.demand),
                                service_duration=int_time(p, s.service),
                                tw_early=int_time(p, s.tw_start), tw_late=int_time(p, s.tw_end),
                                release_time=int_time(p, s.release_time), name=s.id)
                   for s in p.stops]
        self.n_dep = n_dep
        matrices: list[Any] = [dist, dur]
        self.data = pyvrp.ProblemData(locs, clients, depots, vtypes, matrices[:1],
                                      matrices[1:])

    def _location(self, vehicle_type: int, steps: list[Step]) -> int:
        p = self.problem
        if not steps:
            return p.depots[p.vehicle_types[vehicle_type].depot].location
        kind, idx = steps[-1]
        return p.stops[idx].location if kind == "stop" else p.unload_sites[idx].location

    def routes(self, solution: pyvrp.Solution) -> tuple[Route, ...]:
        """The problem's routes for a PyVRP solution."""
        p = self.problem
        per_type: dict[int, int] = {}
        out = []
        for r in solution.routes():
            k = r.vehicle_type()
            steps: list[Step] = []
            for act in list(r.schedule())[1:-1]:
                if act.is_client():
                    steps.append(("stop", act.idx))
                else:
                    steps.append(("unload", act.idx - self.n_dep))
            if k in self.end_site:
                steps.append(("unload", int(self.end_site[k][self._location(k, steps)])))
            vehicle = per_type.get(k, 0)
            per_type[k] = vehicle + 1
            out.append(schedule_route(p, k, vehicle, steps))
        return tuple(out)


def to_pyvrp(problem: RoutingProblem) -> pyvrp.ProblemData:
    """The PyVRP ``ProblemData`` the engine solves (for inspection and peers)."""
    return _Mapping(problem).data


def solve_pyvrp(problem: RoutingProblem, *, time_limit: float, seed: int = 0,
                clock: str = "wall", display: bool = False,
                max_iterations: int | None = None) -> RoutingResult:
    """Solve with PyVRP's iterated local search.

    Parameters
    ----------
    problem
        The problem.
    time_limit
        Wall-clock seconds for the search.
    seed
        Random seed (same seed and budget, same machine load: same plan).
    clock
        ``"wall"`` or ``"cpu"`` (see :class:`~circularopt.routing.engines._common.Budget`).
    display
        Print PyVRP's progress.
    max_iterations
        Also stop after this many iterations. A run that stops on iterations before the
        time limit is reproducible: same problem, seed and ``max_iterations``, same plan
        on any machine and load (a time-limited search depends on the machine's speed).

    Returns
    -------
    RoutingResult
        ``status`` is ``"infeasible"`` when PyVRP's best solution violates a constraint.
    """
    t0 = time.perf_counter()
    budget = Budget(time_limit, clock)
    mapping = _Mapping(problem)
    if problem.num_stops == 0:
        return RoutingResult(problem.name, ENGINE, "feasible", time.perf_counter() - t0, ())
    if max_iterations is not None and not (isinstance(max_iterations, int)
                                           and max_iterations >= 1):
        raise InputError("max_iterations", max_iterations, "None or an integer >= 1")
    stop: Any = budget if max_iterations is None else pyvrp.stop.MultipleCriteria(
        [budget, pyvrp.stop.MaxIterations(max_iterations)])
    res = pyvrp.solve(mapping.data, stop, seed=seed, collect_stats=False, display=display)
    best = res.best
    if not best.routes():
        raise SolverError(f"PyVRP found no solution for {problem.name!r} in {time_limit} s")
    routes = mapping.routes(best)
    served = {s for r in routes for s in r.stops}
    unassigned = tuple(s.id for s in problem.stops if s.id not in served)
    return RoutingResult(problem.name, ENGINE,
                         "feasible" if best.is_feasible() else "infeasible",
                         time.perf_counter() - t0, routes, unassigned,
                         res.cost() / mapping.factor if best.is_feasible() else None,
                         {"iterations": res.num_iterations, "max_iterations": max_iterations,
                          "cost_factor": mapping.factor,
                          "clock": clock, "budget_used": budget.elapsed()})
