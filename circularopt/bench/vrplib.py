"""VRPLIB sets (``cvrp``, ``vrptw``): readers, solution writer, runners and peers.

Readers turn CVRP and VRPTW instances into a
:class:`~circularopt.routing.problem.RoutingProblem`; the runners solve each instance with
the chosen engine within the budget and check it with the independent validator (the
row's ``cost`` and ``feasible`` come from the validator).

Each set has its own distance convention, and a gap is only meaningful under it:

``cvrplib``
    CVRPLIB (Uchoa et al. 2017, X; Augerat, Christofides): Euclidean distance rounded to
    the nearest integer (TSPLIB ``EUC_2D`` ``nint``); ``scale=1``.
``dimacs``
    Solomon VRPTW as in CVRPLIB / the DIMACS challenge: Euclidean distances and travel
    times truncated to one decimal; ``scale=10``. The cost is the total distance.

Location ids are VRPLIB's 0-based node numbers as strings (the depot is ``"0"``), and a
stop's id is its node number, so a route's stop ids are the client numbers of a VRPLIB
``.sol`` file.

With ``peers`` the same
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

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyvrp
import vrplib
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from circularopt.bench._core import (
    BenchOptions,
    BenchRow,
    bks_column,
    instance_files,
    solution_path,
)
from circularopt.bench._routing import CLOCK, solve_routing
from circularopt.exceptions import DataNotFoundError, InfeasibleError, InputError
from circularopt.routing.engines import int_loads, int_matrix, int_time
from circularopt.routing.engines.ortools_engine import search
from circularopt.routing.problem import RoutingModel, RoutingProblem
from circularopt.routing.result import Route, RoutingResult, Step, schedule_route
from circularopt.routing.validate import validate_routes
from circularopt.stop import Budget

__all__ = [
    "Convention",
    "euclidean",
    "peer_ortools_gls",
    "peer_pyvrp",
    "read_cvrp",
    "read_vrplib",
    "read_vrptw",
    "run_cvrp",
    "run_vrptw",
    "solution_routes",
    "write_vrplib_solution",
]

Convention = Literal["cvrplib", "dimacs"]

_CONVENTIONS: dict[str, tuple[int, str]] = {
    "cvrplib": (1, "Euclidean distance rounded to the nearest integer (CVRPLIB, EUC_2D nint)"),
    "dimacs": (10, "Euclidean distance and time truncated to one decimal (DIMACS/Solomon)"),
}


def euclidean(coords: np.ndarray, convention: Convention) -> np.ndarray:
    """Pairwise Euclidean distances rounded under ``convention``."""
    xy = np.asarray(coords, dtype=float)
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    if convention == "cvrplib":
        return np.floor(d + 0.5)
    return np.floor(d * 10.0 + 1e-9) / 10.0


def _read(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"VRPLIB instance not found: {path}")
    try:
        return dict(vrplib.read_instance(str(path), compute_edge_weights=False))
    except Exception as exc:  # vrplib raises bare ValueError/IndexError on bad files
        raise InputError(str(path), type(exc).__name__ + f": {exc}",
                         "a readable VRPLIB instance") from exc


def _array(path: Path, inst: dict[str, Any], key: str, section: str, *, ndim: int | None,
           rows: int | None = None, infinite: bool = False, signed: bool = False
           ) -> np.ndarray:
    """``inst[key]`` as a float array of numbers (non-negative unless ``signed``, finite
    unless ``infinite``), or an InputError naming the file and the section."""
    if key not in inst:
        raise InputError(str(path), f"no {section}", f"a VRPLIB instance with a {section}")
    expected = (f"{rows} rows, one per node, of " if rows is not None else "") + \
        ("non-negative numbers" if infinite else
         "finite numbers" if signed else "finite non-negative numbers")
    try:
        arr = np.asarray(inst[key], dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path} {section}", "rows of different lengths or text",
                         expected) from exc
    if ((ndim is not None and arr.ndim != ndim) or (rows is not None and arr.shape[0] != rows)
            or np.isnan(arr).any() or (not signed and (arr < 0).any())
            or (not infinite and not np.isfinite(arr).all())):
        bad = arr[~np.isfinite(arr) | ((arr < 0) & (not signed))] if arr.size else arr
        shown = f"{bad.reshape(-1)[0]!r}" if bad.size else f"shape {arr.shape}"
        raise InputError(f"{path} {section}", shown, expected)
    return arr


def read_vrplib(path: Path, *, convention: Convention, name: str | None = None,
                num_vehicles: int | None = None) -> RoutingProblem:
    """Read a VRPLIB CVRP or VRPTW instance.

    Parameters
    ----------
    path
        The ``.vrp`` file.
    convention
        ``"cvrplib"`` or ``"dimacs"`` (see the module docstring).
    name
        Problem name (default: the file's stem).
    num_vehicles
        Fleet size; default the file's ``VEHICLES`` or, when absent, one per client.

    Returns
    -------
    RoutingProblem
        One depot, one vehicle type with cost 1 per distance unit, travel time equal to
        distance, and the instance's demands, service times and time windows.
    """
    if convention not in _CONVENTIONS:
        raise InputError("convention", convention, f"one of {sorted(_CONVENTIONS)}")
    inst = _read(path)
    scale, text = _CONVENTIONS[convention]
    coords = _coordinates(path, inst)
    n = coords.shape[0]
    dist = euclidean(coords, convention)
    ids = [str(k) for k in range(n)]
    model = RoutingModel(ids, dist, dist, scale=scale, name=name or Path(path).stem,
                         convention=text)
    model.add_depot("0")
    tw, service = _windows_and_service(path, inst, n)
    demand = _array(path, inst, "demand", "DEMAND_SECTION", ndim=1, rows=n)
    capacity, count = _capacity_and_fleet(path, inst, n, num_vehicles)
    try:
        model.add_vehicle_type("vehicle", depot="0", count=count, capacity=[capacity],
                               shift_start=float(tw[0, 0]), shift_end=float(tw[0, 1]))
        for k in range(1, n):
            model.add_stop(ids[k], demand=[float(demand[k])], service=float(service[k]),
                           tw_start=float(tw[k, 0]), tw_end=float(tw[k, 1]))
        return model.data()
    except InputError as exc:
        raise InputError(f"{path}: {exc.field}", exc.value, exc.expected) from exc
    except InfeasibleError as exc:
        raise InfeasibleError(f"{path}: {exc}") from exc


def _coordinates(path: Path, inst: dict[str, Any]) -> np.ndarray:
    """The node coordinates, depot first (the only depot)."""
    if "node_coord" not in inst:
        raise InputError(str(path), "no NODE_COORD_SECTION",
                         "an instance with coordinates (EUC_2D)")
    coords = _array(path, inst, "node_coord", "NODE_COORD_SECTION", ndim=2, signed=True)
    if coords.shape[0] < 2 or coords.shape[1] != 2:
        raise InputError(f"{path} NODE_COORD_SECTION", f"shape {coords.shape}",
                         "a depot and at least one client, each with x and y")
    try:
        depots = [int(d) for d in np.atleast_1d(inst.get("depot", [0]))]
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path} DEPOT_SECTION", inst.get("depot"), "node numbers") from exc
    if depots != [0]:
        raise InputError(f"{path} DEPOT_SECTION", depots, "a single depot, node 1")
    return coords


def _windows_and_service(path: Path, inst: dict[str, Any], n: int
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Each node's time window (open without a section) and service time (0 at the
    depot)."""
    tw = (_array(path, inst, "time_window", "TIME_WINDOW_SECTION", ndim=2, rows=n,
                 infinite=True) if "time_window" in inst else np.array([[0, np.inf]] * n))
    service = np.zeros(n)
    if "service_time" in inst:
        raw = _array(path, inst, "service_time", "SERVICE_TIME_SECTION", ndim=None)
        if raw.size not in (1, n):
            raise InputError(f"{path} SERVICE_TIME_SECTION", f"{raw.size} values",
                             f"one value or {n}, one per node")
        service = np.broadcast_to(raw.reshape(-1), (n,)).copy()
    service[0] = 0.0
    return tw, service


def _capacity_and_fleet(path: Path, inst: dict[str, Any], n: int,
                        num_vehicles: int | None) -> tuple[float, int]:
    """Vehicle capacity and fleet size (``num_vehicles``, the file's, or one per client)."""
    capacity = _array(path, inst, "capacity", "CAPACITY", ndim=None)
    if capacity.size != 1 or not capacity.reshape(-1)[0] > 0:
        raise InputError(f"{path} CAPACITY", inst.get("capacity"), "one number > 0")
    try:
        count = num_vehicles or int(inst.get("vehicles", n - 1))
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path} VEHICLES", inst.get("vehicles"), "an integer") from exc
    return float(capacity.reshape(-1)[0]), count


def read_cvrp(path: Path, **kwargs: Any) -> RoutingProblem:
    """A CVRPLIB instance (rounded Euclidean integers); see :func:`read_vrplib`."""
    return read_vrplib(path, convention="cvrplib", **kwargs)


def read_vrptw(path: Path, **kwargs: Any) -> RoutingProblem:
    """A Solomon VRPTW instance (DIMACS: truncated to one decimal); see :func:`read_vrplib`."""
    return read_vrplib(path, convention="dimacs", **kwargs)


def solution_routes(result: RoutingResult) -> list[list[str]]:
    """Each route's stop and unload ids in order (the VRPLIB ``Route #k`` lines)."""
    return [[v.id for v in r.visits if v.kind in ("stop", "unload")] for r in result.routes]


def write_vrplib_solution(path: Path, result: RoutingResult, *,
                          cost: float | None = None) -> None:
    """Write ``result`` as a VRPLIB ``.sol`` file.

    Parameters
    ----------
    path
        Output file.
    result
        The plan; each route gives one ``Route #k:`` line of its visit ids (stop numbers,
        and unload-site ids where the plan unloads).
    cost
        The ``Cost`` line (default: the result's cost; integers are written without a
        decimal point).
    """
    value = result.cost if cost is None else cost
    text = "\n".join(f"Route #{k}: {' '.join(route)}"
                     for k, route in enumerate(solution_routes(result), start=1))
    shown = str(round(value)) if abs(value - round(value)) < 1e-6 else f"{value:.4f}"
    Path(path).write_text(f"{text}\nCost {shown}\n", encoding="utf-8")


# --------------------------------------------------------------------------- runners


Reader = Callable[[Path], RoutingProblem]


def _row(problem: RoutingProblem, result: RoutingResult | None, bks: float | None,
         seconds: float, engine: str, options: BenchOptions, error: str = "") -> BenchRow:
    if result is None:
        return BenchRow(problem.name, problem.num_stops, bks, None, False, seconds, engine,
                        {"vehicles": "", "error": error})
    report = validate_routes(problem, result)
    out = solution_path(options, f"{problem.name}.{engine}.sol")
    if out is not None:
        write_vrplib_solution(out, result, cost=report.cost)
    extra = {"vehicles": result.num_vehicles,
             "error": "; ".join(report.violations[:3])}
    return BenchRow(problem.name, problem.num_stops, bks, round(report.cost, 6), report.ok,
                    seconds, engine, extra)


def _run(options: BenchOptions, reader: Reader, column: str,
         round_func: str) -> Iterator[BenchRow]:
    bks = bks_column(Path(options.data) / "BKS.csv", "instance", column)
    engine = options.engine or "pyvrp"
    for path in instance_files(options, "*.vrp"):
        problem = reader(path)
        budget = options.seconds_for(problem.num_stops, 10.0)
        known = bks.get(path.stem)
        t0 = time.perf_counter()
        result, error = solve_routing(problem, engine, options, budget)
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
    manager, routing = _textbook_model(problem)
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
    for v in range(problem.vehicle_types[0].count):
        idx = sol.Value(routing.NextVar(routing.Start(v)))
        steps: list[Step] = []
        while not routing.IsEnd(idx):
            steps.append(("stop", manager.IndexToNode(idx) - 1))
            idx = sol.Value(routing.NextVar(idx))
        if steps:
            routes.append(schedule_route(problem, 0, len(routes), steps))
    return RoutingResult(problem.name, "peer-ortools-gls", "feasible",
                         time.perf_counter() - t0, tuple(routes))


def _textbook_model(problem: RoutingProblem) -> tuple[Any, Any]:
    """The OR-Tools index manager and routing model: arc costs, a load dimension and, with
    time windows, a time dimension (node 0 is the depot, node ``k`` stop ``k - 1``)."""
    vt = problem.vehicle_types[0]
    nodes = [problem.depots[vt.depot].location] + [s.location for s in problem.stops]
    dist = int_matrix(problem, "distance")[nodes][:, nodes]
    manager = pywrapcp.RoutingIndexManager(problem.num_stops + 1, vt.count, 0)
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
        _add_time_dimension(problem, manager, routing, nodes)
    return manager, routing


def _add_time_dimension(problem: RoutingProblem, manager: Any, routing: Any,
                        nodes: list[int]) -> None:
    """Travel plus service time, stop windows and the shift start."""
    vt = problem.vehicle_types[0]
    dur_list = int_matrix(problem, "duration")[nodes][:, nodes].tolist()
    service = [0] + [int_time(problem, s.service) for s in problem.stops]
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
