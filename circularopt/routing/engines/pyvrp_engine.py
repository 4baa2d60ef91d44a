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
* Groups become required mutually exclusive ``ClientGroup`` objects (their members
  optional clients).
* Stops become clients with ``delivery = demand`` (for capacity per trip, collecting and
  delivering are the same constraint), service duration, time window and release time.
* Vehicle types map one to one: shift -> ``tw_early``/``tw_late``, ``max_duration`` ->
  ``shift_duration``, fixed / distance / duration costs scaled to integers.
* ``return_empty``: PyVRP routes end at a depot, so such a type ends at a private depot
  on an extra location whose distance (duration) from every location is that of going
  through the best allowed unload site (by the type's costs) and home, unloading time
  included. The engine then writes the final unload into the route explicitly (and
  counts it against ``max_unloads``: ``max_reloads = max_unloads - 1``). Opening hours
  are not enforced on that final unload, so it only goes to sites whose hours cannot
  bind there (open from the earliest time any route of the type can reach the site
  after a stop until the latest time from which it still gets home by the shift end);
  the engine refuses ``return_empty`` when no allowed site is such. Intermediate
  unloads keep every site's opening hours (PyVRP depot time windows).

Not supported (refused with :class:`~circularopt.exceptions.InputError`): breaks and
maximum stops per route.

Fleet minimisation (``minimise_fleet``): a fixed cost per vehicle only weighs vehicles
against distance, and PyVRP's local search seldom empties a route even when the fixed
cost is large. With ``minimise_fleet > 0`` a first phase (that share of the time limit)
removes one vehicle at a time and searches for the first feasible solution with the
smaller fleet, as PyVRP's own ``minimise_fleet`` does (jumping straight to the number of
routes a solution uses), stopping at a load lower bound; the main search then runs with
the smallest fleet found, warm-started from its feasible solution. The vehicle count
becomes (heuristically) the first objective and distance the second.

Search settings (``search``, a :class:`SearchSettings`): PyVRP 0.14's ``solve`` is an
iterated local search whose candidates are accepted by late-acceptance hill climbing
over the last ``history_length`` (300) solutions, after 1 to ``max_perturbations`` (25)
random perturbations per iteration; excess load and time warp are charged at penalty
weights that start at 50,000 per unit. These defaults are tuned for long runs; on
multi-trip instances with release times an iteration is about three times slower than
without reloads and a run of n / 10 s makes only a few thousand iterations, too few for
that much diversification. ``search`` overrides them for the main search; ``None``
(default) keeps ``pyvrp.solve`` exactly. The Yang runner passes
:data:`~circularopt.bench.yang.YANG_SEARCH` (measurements in ``docs/benchmarks.md``).
"""

from __future__ import annotations

import logging
import time
import warnings
from typing import Any

import numpy as np
import pyvrp
import pyvrp.exceptions
import pyvrp.search
import pyvrp.stop
from pyvrp.IteratedLocalSearch import IteratedLocalSearch, IteratedLocalSearchParams
from pyvrp.PenaltyManager import PenaltyManager, PenaltyParams

from circularopt.exceptions import InputError, SolverError
from circularopt.routing.engines._common import (
    BIG,
    cost_factor,
    int_loads,
    int_matrix,
    int_time,
    refuse,
)
from circularopt.routing.engines.options import PyVRPOptions, SearchSettings
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.result import Route, RoutingResult, Step, schedule_route
from circularopt.stop import Budget, FirstOf, MaxIterations, StoppingCriterion

__all__ = ["ENGINE", "PyVRPOptions", "SearchSettings", "check_supported",
           "iterated_local_search", "solve_pyvrp", "to_pyvrp"]

ENGINE = "pyvrp"

logger = logging.getLogger(__name__)


def check_supported(problem: RoutingProblem) -> None:
    """Raise :class:`InputError` if the problem uses a feature PyVRP cannot honour."""
    for k, v in enumerate(problem.vehicle_types):
        w = f"vehicle type {v.name!r}"
        if v.breaks is not None:
            raise refuse(ENGINE, "breaks", f"{w}.breaks", "use engine='ortools'")
        if v.max_stops is not None:
            raise refuse(ENGINE, "max_stops", f"{w}.max_stops", "use engine='ortools'")
        if v.return_empty and v.unload_sites and not _final_sites(problem, k):
            raise refuse(ENGINE, "return_empty where every unload site's opening hours may "
                         "bind on the final unload", f"{w}.return_empty",
                         "use engine='ortools' or open a site for the whole shift")


def _final_sites(problem: RoutingProblem, vehicle_type: int) -> list[int]:
    """Unload sites of a ``return_empty`` type whose opening hours cannot bind on the
    final unload (see the module docstring)."""
    p, v = problem, problem.vehicle_types[vehicle_type]
    start, home = p.depots[v.depot].location, p.depots[v.end_depot].location
    locs = np.array([p.unload_sites[u].location for u in v.unload_sites])
    if p.stops:
        stops = np.array([s.location for s in p.stops])
        first = p.duration[start, stops] + np.array([s.service for s in p.stops])
        earliest = v.shift_start + (first[:, None] + p.duration[np.ix_(stops, locs)]).min(0)
    else:
        earliest = np.full(len(locs), v.shift_start)
    out = []
    for k, u in enumerate(v.unload_sites):
        site = p.unload_sites[u]
        latest = v.shift_end - site.unload_duration - p.duration[site.location, home]
        if site.tw_start <= earliest[k] and site.tw_end >= latest:
            out.append(u)
    return out


class _Mapping:
    """PyVRP data for a problem, and the way back."""

    def __init__(self, problem: RoutingProblem) -> None:
        check_supported(problem)
        self.problem = p = problem
        self.factor = cost_factor(p)
        self.n_dep = len(p.depots)
        self.dist, self.dur = int_matrix(p, "distance"), int_matrix(p, "duration")
        self.depots = [pyvrp.Depot(d.location, name=d.id) for d in p.depots]
        self.depots += [pyvrp.Depot(u.location, tw_early=int_time(p, u.tw_start),
                                    tw_late=int_time(p, u.tw_end),
                                    service_duration=int_time(p, u.unload_duration),
                                    name=u.id)
                        for u in p.unload_sites]
        # Private end depots for return_empty types: key -> (depot index, site per location)
        self._ends: dict[tuple[object, ...], tuple[int, np.ndarray]] = {}
        self._extra: list[tuple[np.ndarray, np.ndarray]] = []  # their distance, duration
        self.end_site: dict[int, np.ndarray] = {}
        vtypes = [self._vehicle_type(k) for k in range(len(p.vehicle_types))]
        dist, dur = self._matrices()
        locs = [pyvrp.Location(0.0, 0.0, name=name) for name in p.locations]
        locs += [pyvrp.Location(0.0, 0.0, name=f"end-{j}") for j in range(len(self._extra))]
        clients = [pyvrp.Client(s.location, delivery=int_loads(p, s.demand),
                                service_duration=int_time(p, s.service),
                                tw_early=int_time(p, s.tw_start), tw_late=int_time(p, s.tw_end),
                                release_time=int_time(p, s.release_time), name=s.id,
                                required=s.group is None, group=s.group)
                   for s in p.stops]
        matrices: list[Any] = [dist, dur]
        groups = [pyvrp.ClientGroup(list(g.members), required=True) for g in p.groups]
        self.data = pyvrp.ProblemData(locs, clients, self.depots, vtypes, matrices[:1],
                                      matrices[1:], groups)

    def _end_depot(self, k: int) -> int:
        """The private end depot of ``return_empty`` type ``k``, reached from every
        location through the best final unload site (by the type's costs)."""
        p, v = self.problem, self.problem.vehicle_types[k]
        sites = _final_sites(p, k)
        key = (v.end_depot, tuple(sites), v.cost_per_distance, v.cost_per_duration)
        if key not in self._ends:
            dist, dur = self.dist, self.dur
            home = p.depots[v.end_depot].location
            ulocs = [p.unload_sites[u].location for u in sites]
            serv = np.array([int_time(p, p.unload_sites[u].unload_duration) for u in sites])
            d_via = dist[:, ulocs] + dist[ulocs, home][None, :]
            t_via = dur[:, ulocs] + serv[None, :] + dur[ulocs, home][None, :]
            best = np.argmin(v.cost_per_distance * d_via + v.cost_per_duration * t_via
                             + 1e-9 * d_via, axis=1)
            rows = np.arange(len(p.locations))
            self._extra.append((d_via[rows, best], t_via[rows, best]))
            self.depots.append(pyvrp.Depot(len(p.locations) + len(self._extra) - 1,
                                           name=f"end via unload ({v.name})"))
            self._ends[key] = (len(self.depots) - 1, np.array(sites)[best])
        end_depot, self.end_site[k] = self._ends[key]
        return end_depot

    def _vehicle_type(self, k: int) -> pyvrp.VehicleType:
        p, v = self.problem, self.problem.vehicle_types[k]
        return pyvrp.VehicleType(
            num_available=v.count, capacity=int_loads(p, v.capacity),
            start_depot=v.depot, end_depot=self._end_depot(k) if v.return_empty else v.end_depot,
            fixed_cost=round(v.fixed_cost * self.factor),
            tw_early=int_time(p, v.shift_start), tw_late=int_time(p, v.shift_end),
            shift_duration=BIG if v.max_duration is None else int_time(p, v.max_duration),
            unit_distance_cost=round(v.cost_per_distance / p.scale * self.factor),
            unit_duration_cost=round(v.cost_per_duration / p.scale * self.factor),
            reload_depots=[self.n_dep + u for u in v.unload_sites],
            max_reloads=(np.iinfo(np.uint64).max if v.max_unloads is None
                         else max(0, v.max_unloads - v.return_empty)),
            name=v.name)

    def _matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """Distance and duration, extended by the private end depots' locations (reached
        only from the problem's locations)."""
        if not self._extra:
            return self.dist, self.dur
        n_loc = len(self.problem.locations)
        m = n_loc + len(self._extra)
        D = np.full((m, m), BIG, dtype=np.int64)
        T = np.full((m, m), BIG, dtype=np.int64)
        D[:n_loc, :n_loc], T[:n_loc, :n_loc] = self.dist, self.dur
        for j, (col_d, col_t) in enumerate(self._extra):
            D[:n_loc, n_loc + j], T[:n_loc, n_loc + j] = col_d, col_t
        np.fill_diagonal(D, 0)
        np.fill_diagonal(T, 0)
        return D, T

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


def _fleet_bound(data: pyvrp.ProblemData) -> int:
    """Vehicles needed to carry the total demand of each load dimension (all its trips)."""
    vt = data.vehicle_type(0)
    trips = vt.max_reloads + 1 if vt.max_reloads < 2**32 else None
    bound = 1
    clients = data.clients()
    for dim, cap in enumerate(vt.capacity):
        demand = sum(c.delivery[dim] for c in clients if c.required)
        demand += sum(min(clients[k].delivery[dim] for k in g.clients)
                      for g in data.groups())  # one member of each group is served
        if trips is not None and cap > 0:
            bound = max(bound, -(-demand // (cap * trips)))
    return bound


def _fewer_vehicles(data: pyvrp.ProblemData, budget: Budget, seed: int
                    ) -> tuple[pyvrp.ProblemData, pyvrp.Solution | None, dict[str, Any]]:
    """Remove vehicles while a feasible solution is found within ``budget``.

    Returns the data with the smallest fleet found, a feasible solution on it (``None``
    when no smaller fleet was found) and a record for the result's ``info``.
    """
    vt = data.vehicle_type(0)
    fleet, lower = vt.num_available, _fleet_bound(data)
    best: pyvrp.Solution | None = None
    steps: list[tuple[int, float]] = []
    while fleet > lower and not budget():
        trial = data.replace(vehicle_types=[vt.replace(num_available=fleet - 1)])
        with warnings.catch_warnings():  # a fleet too small is expected to max penalties
            warnings.simplefilter("ignore", pyvrp.exceptions.PenaltyBoundWarning)
            found = pyvrp.solve(trial, FirstOf(pyvrp.stop.FirstFeasible(), budget),
                                seed=seed, collect_stats=False).best
        if not found.is_feasible():
            break
        fleet, best = min(fleet - 1, found.num_routes()), found
        steps.append((fleet, round(budget.elapsed(), 2)))
    info = {"fleet_steps": steps, "fleet_lower_bound": lower,
            "fleet_seconds": round(budget.elapsed(), 3)}
    if best is None:
        return data, None, info
    data = data.replace(vehicle_types=[vt.replace(num_available=fleet)])
    routes = [pyvrp.Route(data, [pyvrp.Activity(a.type, a.idx) for a in r.schedule()[1:-1]],
                          r.vehicle_type()) for r in best.routes()]
    return data, pyvrp.Solution(data, routes), info


def _solve_ils(data: pyvrp.ProblemData, stop: StoppingCriterion, seed: int, display: bool,
               initial: pyvrp.Solution | None, search: SearchSettings | None
               ) -> pyvrp.Result:
    """``pyvrp.solve``, or with ``search`` the same steps as PyVRP 0.14's ``solve``
    (its operators and neighbourhood) with these settings. PyVRP's penalty-bound
    warnings go to this module's logger."""
    with warnings.catch_warnings(record=True) as caught:  # the caller's filters hold
        result = _run_ils(data, stop, seed, display, initial, search)
    penalties = [" ".join(str(w.message).split()) for w in caught
                 if issubclass(w.category, pyvrp.exceptions.PenaltyBoundWarning)]
    for message in dict.fromkeys(penalties):
        logger.warning("PyVRP warned %d time(s): %s", penalties.count(message), message)
    for w in caught:
        if not issubclass(w.category, pyvrp.exceptions.PenaltyBoundWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result


def _run_ils(data: pyvrp.ProblemData, stop: StoppingCriterion, seed: int, display: bool,
             initial: pyvrp.Solution | None, search: SearchSettings | None) -> pyvrp.Result:
    if search is None:
        return pyvrp.solve(data, stop, seed=seed, collect_stats=False, display=display,
                           initial_solution=initial)
    params = pyvrp.SolveParams(
        ils=IteratedLocalSearchParams(history_length=search.history_length),
        perturbation=pyvrp.search.PerturbationParams(
            1, search.max_perturbations))
    return iterated_local_search(data, stop, seed, params, search.initial_penalty,
                                 initial=initial, display=display)


def iterated_local_search(data: pyvrp.ProblemData, stop: StoppingCriterion, seed: int,
                          params: pyvrp.SolveParams, initial_penalty: float | None = None,
                          *, initial: pyvrp.Solution | None = None, display: bool = False
                          ) -> pyvrp.Result:
    """The steps of PyVRP 0.14's ``solve`` (a random start improved at the maximum
    penalty, then iterated local search) with ``params`` and, when given,
    ``initial_penalty`` (clipped to ``params.penalty``'s range) as the starting weight of
    excess load, time warp and excess distance instead of PyVRP's midpoint."""
    rng = pyvrp.RandomNumberGenerator(seed=seed)
    local = pyvrp.search.LocalSearch(
        data, rng, pyvrp.search.compute_neighbours(data, params.neighbourhood),
        pyvrp.search.PerturbationManager(params.perturbation))
    for op in params.operators:
        if op.supports(data):
            local.add_operator(op(data))
    penalty: PenaltyParams = params.penalty
    weights = penalty.midpoint_penalties(data)
    if initial_penalty is not None:
        w = min(max(initial_penalty, penalty.min_penalty), penalty.max_penalty)
        weights = ([w] * data.num_load_dimensions, w, w)
    manager = PenaltyManager(weights, penalty)
    if initial is None:
        initial = local(pyvrp.Solution.make_random(data, rng), manager.max_cost_evaluator(),
                        exhaustive=True)
    ils = IteratedLocalSearch(data, manager, local, initial, params.ils)
    return ils.run(stop, collect_stats=False, display=display)


def to_pyvrp(problem: RoutingProblem) -> pyvrp.ProblemData:
    """The PyVRP ``ProblemData`` the engine solves (for inspection and peers)."""
    return _Mapping(problem).data


def solve_pyvrp(problem: RoutingProblem, *, time_limit: float, seed: int = 0,
                options: PyVRPOptions | None = None,
                stop: StoppingCriterion | None = None) -> RoutingResult:
    """Solve with PyVRP's iterated local search.

    Parameters
    ----------
    problem
        The problem.
    time_limit
        Seconds for the search, on the clock of ``options``.
    seed
        Random seed (same seed and budget, same machine load: same plan; with
        ``options.max_iterations``, same plan on any machine).
    options
        The engine's options (:class:`~circularopt.routing.engines.options.PyVRPOptions`);
        ``None``: the defaults.
    stop
        A further stopping criterion of the main search (see :mod:`circularopt.stop`).

    Returns
    -------
    RoutingResult
        ``status`` is ``"infeasible"`` when PyVRP's best solution violates a constraint.
    """
    opts = options or PyVRPOptions()
    t0 = time.perf_counter()
    budget = Budget(time_limit, opts.clock)
    mapping = _Mapping(problem)
    if problem.num_stops == 0:
        return RoutingResult(problem.name, ENGINE, "feasible", time.perf_counter() - t0, ())
    data = mapping.data
    initial: pyvrp.Solution | None = None
    fleet_info: dict[str, Any] = {}
    if opts.minimise_fleet > 0:
        if len(problem.vehicle_types) != 1:
            raise InputError("engine_options.minimise_fleet", opts.minimise_fleet,
                             "0 for problems with several vehicle types (one type only)")
        data, initial, fleet_info = _fewer_vehicles(
            data, Budget(opts.minimise_fleet * time_limit, opts.clock), seed)
    criteria: list[StoppingCriterion] = [budget]
    if stop is not None:
        criteria.append(stop)
    if opts.max_iterations is not None:
        criteria.append(MaxIterations(opts.max_iterations))
    res = _solve_ils(data, FirstOf(*criteria) if len(criteria) > 1 else budget, seed,
                     opts.display, initial, opts.search)
    best = res.best
    if not best.routes():
        raise SolverError(f"PyVRP found no solution for {problem.name!r} in {time_limit} s")
    routes = mapping.routes(best)
    unassigned = problem.unserved(v.index for r in routes for v in r.visits
                                  if v.kind == "stop")
    return RoutingResult(problem.name, ENGINE,
                         "feasible" if best.is_feasible() else "infeasible",
                         time.perf_counter() - t0, routes, unassigned,
                         res.cost() / mapping.factor if best.is_feasible() else None,
                         {"iterations": res.num_iterations,
                          "max_iterations": opts.max_iterations,
                          "cost_factor": mapping.factor, "clock": opts.clock,
                          "budget_used": budget.elapsed(), **fleet_info})
