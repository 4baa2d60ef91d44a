"""Benchmark runners for CVRPLIB CVRP and Solomon VRPTW (``circularopt bench cvrp|vrptw``).

Each instance is read under its set's convention (:mod:`circularopt.routing.readers`),
solved by the chosen engine within the budget, and checked by the independent validator;
the row's ``cost`` and ``feasible`` come from the validator. With ``peers`` the same
instance is also solved, in the same budget, by

``peer-pyvrp``
    PyVRP used directly: ``pyvrp.read`` of the file with the set's rounding and
    ``pyvrp.solve`` with its default parameters;
``peer-ortools-gls``
    a textbook OR-Tools routing model (capacity dimension, time dimension for VRPTW)
    with the default first solution strategy and guided local search,

whose plans go through the same validator.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyvrp
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from circularopt.bench import BenchOptions, BenchRow
from circularopt.exceptions import CircularOptError, DataNotFoundError
from circularopt.routing.engines import solve
from circularopt.routing.engines._common import Budget, int_loads, int_matrix, int_time
from circularopt.routing.engines.ortools_engine import search
from circularopt.routing.problem import RoutingProblem
from circularopt.routing.readers import read_cvrp, read_vrptw, write_vrplib_solution
from circularopt.routing.result import Route, RoutingResult, Step, schedule_route
from circularopt.routing.validate import validate_routes

__all__ = ["CLOCK", "peer_ortools_gls", "peer_pyvrp", "run_cvrp", "run_vrptw"]

CLOCK = "cpu"
"""Budgets are CPU seconds of the solving process: "n/10 s on one core" stays that on a
shared, busy machine (wall seconds are reported in the ``seconds`` column)."""

Reader = Callable[[Path], RoutingProblem]


def _bks(folder: Path, column: str) -> dict[str, float]:
    path = folder / "BKS.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {row["instance"]: float(row[column]) for row in csv.DictReader(fh)
                if row.get(column)}


def _instances(options: BenchOptions) -> list[Path]:
    files = sorted(Path(options.data).glob("*.vrp"))
    if not files:
        raise DataNotFoundError(f"no .vrp instances in {options.data}")
    return [f for f in files if options.selects(f.stem)]


def _row(problem: RoutingProblem, result: RoutingResult | None, bks: float | None,
         seconds: float, engine: str, options: BenchOptions, error: str = "") -> BenchRow:
    if result is None:
        return BenchRow(problem.name, problem.num_stops, bks, None, False, seconds, engine,
                        {"vehicles": "", "error": error})
    report = validate_routes(problem, result)
    if options.solutions is not None:
        write_vrplib_solution(Path(options.solutions) / f"{problem.name}.{engine}.sol",
                              result, cost=report.cost)
    extra = {"vehicles": result.num_vehicles,
             "error": "; ".join(report.violations[:3])}
    return BenchRow(problem.name, problem.num_stops, bks, round(report.cost, 6), report.ok,
                    seconds, engine, extra)


def _run(options: BenchOptions, reader: Reader, bks_column: str,
         round_func: str) -> Iterator[BenchRow]:
    bks = _bks(Path(options.data), bks_column)
    engine = options.engine or "pyvrp"
    for path in _instances(options):
        problem = reader(path)
        budget = options.seconds_for(problem.num_stops, 10.0)
        known = bks.get(path.stem)
        t0 = time.perf_counter()
        try:
            result: RoutingResult | None = solve(problem, engine=engine, time_limit=budget,
                                                 seed=options.seed, allow_infeasible=True,
                                                 clock=CLOCK)
            error = ""
        except CircularOptError as exc:
            result, error = None, str(exc)
        yield _row(problem, result, known, time.perf_counter() - t0, engine, options, error)
        if options.peers:
            t0 = time.perf_counter()
            peer = peer_pyvrp(path, problem, budget, options.seed, round_func)
            yield _row(problem, peer, known, time.perf_counter() - t0, "peer-pyvrp", options)
            t0 = time.perf_counter()
            gls = peer_ortools_gls(problem, budget)
            yield _row(problem, gls, known, time.perf_counter() - t0, "peer-ortools-gls",
                       options, "" if gls else "no solution")


def run_cvrp(options: BenchOptions) -> Iterator[BenchRow]:
    """CVRPLIB instances (``*.vrp`` + ``BKS.csv`` column ``bks_cost``), rounded Euclidean."""
    yield from _run(options, read_cvrp, "bks_cost", "round")


def run_vrptw(options: BenchOptions) -> Iterator[BenchRow]:
    """Solomon VRPTW (``BKS.csv`` column ``bks_distance_dimacs``), DIMACS truncation."""
    yield from _run(options, read_vrptw, "bks_distance_dimacs", "dimacs")


# --------------------------------------------------------------------------- peers


def peer_pyvrp(path: Path, problem: RoutingProblem, seconds: float, seed: int,
               round_func: str) -> RoutingResult:
    """PyVRP used directly on the file (``pyvrp.read`` + ``pyvrp.solve``, defaults).

    Stops are the file's clients in order, so client ``k`` of PyVRP is stop ``k``.
    """
    t0 = time.perf_counter()
    budget = Budget(seconds, CLOCK)
    data = pyvrp.read(str(path), round_func=round_func)
    res = pyvrp.solve(data, budget, seed=seed, collect_stats=False, display=False)
    routes = []
    for vehicle, r in enumerate(res.best.routes()):
        steps: list[Step] = [("stop", a.idx) for a in r.schedule() if a.is_client()]
        routes.append(schedule_route(problem, 0, vehicle, steps))
    return RoutingResult(problem.name, "peer-pyvrp",
                         "feasible" if res.best.is_feasible() else "infeasible",
                         time.perf_counter() - t0, tuple(routes))


def peer_ortools_gls(problem: RoutingProblem, seconds: float) -> RoutingResult | None:
    """Textbook OR-Tools routing: default first solution, guided local search.

    One depot and one vehicle type (the benchmark sets); ``None`` when no solution is
    found in time.
    """
    t0 = time.perf_counter()
    vt = problem.vehicle_types[0]
    n = problem.num_stops
    nodes = [problem.depots[vt.depot].location] + [s.location for s in problem.stops]
    dist = int_matrix(problem, "distance")[nodes][:, nodes]
    dur = int_matrix(problem, "duration")[nodes][:, nodes]
    service = [0] + [int_time(problem, s.service) for s in problem.stops]
    manager = pywrapcp.RoutingIndexManager(n + 1, vt.count, 0)
    routing = pywrapcp.RoutingModel(manager)
    dist_list = dist.tolist()
    cb = routing.RegisterTransitCallback(
        lambda i, j: dist_list[manager.IndexToNode(i)][manager.IndexToNode(j)])
    routing.SetArcCostEvaluatorOfAllVehicles(cb)
    demand = [0] + [int_loads(problem, s.demand)[0] for s in problem.stops]
    dcb = routing.RegisterUnaryTransitCallback(lambda i: demand[manager.IndexToNode(i)])
    routing.AddDimensionWithVehicleCapacity(dcb, 0, [int_loads(problem, vt.capacity)[0]]
                                            * vt.count, True, "load")
    if problem.has_time_windows():
        dur_list = dur.tolist()
        tcb = routing.RegisterTransitCallback(
            lambda i, j: dur_list[manager.IndexToNode(i)][manager.IndexToNode(j)]
            + service[manager.IndexToNode(i)])
        horizon = int_time(problem, vt.shift_end)
        routing.AddDimension(tcb, horizon, horizon, False, "time")
        time_dim = routing.GetDimensionOrDie("time")
        for k, s in enumerate(problem.stops, start=1):
            time_dim.CumulVar(manager.NodeToIndex(k)).SetRange(
                int_time(problem, s.tw_start), int_time(problem, s.tw_end))
        for v in range(vt.count):
            time_dim.CumulVar(routing.Start(v)).SetRange(int_time(problem, vt.shift_start),
                                                         horizon)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    budget = Budget(seconds, CLOCK)

    def make_params(wall: float) -> object:
        params.time_limit.FromMilliseconds(max(1, int(1000 * wall)))
        return params

    sol = search(routing, budget, make_params)
    if sol is None:
        return None
    routes: list[Route] = []
    for v in range(vt.count):
        idx = sol.Value(routing.NextVar(routing.Start(v)))
        steps: list[Step] = []
        while not routing.IsEnd(idx):
            steps.append(("stop", manager.IndexToNode(idx) - 1))
            idx = sol.Value(routing.NextVar(idx))
        if steps:
            routes.append(schedule_route(problem, 0, len(routes), steps))
    return RoutingResult(problem.name, "peer-ortools-gls", "feasible",
                         time.perf_counter() - t0, tuple(routes))
