"""Yang's multi-trip VRPTW with release times (``mtvrptwr``): reader, solutions, runner.

Yang et al. (2023), multi-trip VRPTW with release times (``mtvrptwr``)
    VRPLIB files (``TYPE: MTVRPTWR``) read with the ``vrplib`` package: one depot that is
    also the reload depot, a limited fleet (``VEHICLES``), capacity per trip, time
    windows, service times and release times (a trip may not leave the depot before the
    release time of any of its clients). DIMACS convention as in PyVRP's instance set:
    Euclidean distance truncated to one decimal (``scale=10``), travel time = distance.
    Best-known costs (``BKS.csv``, ``.sol``) are in tenths (``trunc(10 * d)`` summed), so
    the runner reports ``10 * distance``. Solutions are VRPLIB ``.sol`` files whose
    ``Route #k:`` lines list client numbers with ``0`` for each reload at the depot.
    Release times exist only in the PyVRP engine.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import vrplib

from circularopt.bench._core import (
    BenchOptions,
    BenchRow,
    bks_column,
    instance_files,
    solution_path,
)
from circularopt.bench._routing import CLOCK, distance_row, solve_routing
from circularopt.bench.vrplib import euclidean
from circularopt.exceptions import DataNotFoundError, InputError
from circularopt.routing.engines.pyvrp_engine import SearchSettings
from circularopt.routing.problem import RoutingModel, RoutingProblem
from circularopt.routing.result import RoutingResult, Step, schedule_route
from circularopt.stop import Budget

__all__ = [
    "RELOAD",
    "YANG_SEARCH",
    "peer_pyvrp_yang",
    "read_yang",
    "read_yang_solution",
    "run_mtvrptwr",
    "write_yang_solution",
]

YANG_SEARCH = SearchSettings(max_perturbations=5)
"""PyVRP search settings of the ``pyvrp`` runner on Yang's instances (see
:class:`~circularopt.routing.engines.pyvrp_engine.SearchSettings`): at most 5 random
perturbations per iteration instead of PyVRP's 25 (measurements: ``docs/benchmarks.md``,
section "Routing")."""

RELOAD = "reload"
"""Id of the unload site at the depot in Yang instances (written as ``0`` in ``.sol``)."""


def read_yang(path: Path) -> RoutingProblem:
    """Read a Yang et al. multi-trip VRPTW instance with release times (VRPLIB).

    Location ids are VRPLIB's 0-based node numbers (the depot is ``"0"``); the reload
    site ``"reload"`` sits at the depot. See the module docstring for the convention.
    """
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"VRPLIB instance not found: {path}")
    try:
        inst = dict(vrplib.read_instance(str(path), compute_edge_weights=False))
    except Exception as exc:  # vrplib raises bare ValueError/IndexError on bad files
        raise InputError(str(path), f"{type(exc).__name__}: {exc}",
                         "a readable VRPLIB instance") from exc
    for key in ("node_coord", "demand", "time_window", "capacity"):
        if key not in inst:
            raise InputError(str(path), f"no {key.upper()} section",
                             "a VRPLIB MTVRPTWR instance")
    depots = [int(d) for d in np.atleast_1d(inst.get("depot", [0]))]
    if depots != [0]:
        raise InputError(f"{path} DEPOT_SECTION", depots, "a single depot, node 1")
    reload = np.atleast_1d(inst.get("vehicles_reload_depot", [1]))
    if not all(int(x) == 1 for x in reload.ravel()):
        raise InputError(f"{path} VEHICLES_RELOAD_DEPOT_SECTION", reload.tolist(),
                         "reloads at the depot (node 1) only")
    dist = euclidean(inst["node_coord"], "dimacs")
    n = dist.shape[0]
    ids = [str(k) for k in range(n)]
    model = RoutingModel(ids, dist, dist, scale=10, name=path.stem,
                         convention="Euclidean distance and time truncated to one decimal "
                                    "(DIMACS); costs reported x10 as in the set")
    model.add_depot("0")
    model.add_unload_site(RELOAD, location="0")
    tw = np.asarray(inst["time_window"], dtype=float)
    service = np.broadcast_to(np.asarray(inst.get("service_time", 0.0), dtype=float),
                              (n,)).copy()
    release = np.broadcast_to(np.asarray(inst.get("release_time", 0.0), dtype=float),
                              (n,))
    demand = np.asarray(inst["demand"], dtype=float)
    model.add_vehicle_type("vehicle", depot="0", count=int(inst.get("vehicles", n - 1)),
                           capacity=[float(inst["capacity"])], shift_start=float(tw[0, 0]),
                           shift_end=float(tw[0, 1]), unload_sites=[RELOAD])
    for k in range(1, n):
        model.add_stop(ids[k], demand=[float(demand[k])], service=float(service[k]),
                       tw_start=float(tw[k, 0]), tw_end=float(tw[k, 1]),
                       release_time=float(release[k]))
    return model.data()


def read_yang_solution(path: Path, problem: RoutingProblem) -> RoutingResult:
    """Read a Yang ``.sol`` (``0`` = reload at the depot) as a plan for ``problem``."""
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"solution file not found: {path}")
    sol = vrplib.read_solution(str(path))
    routes = []
    for k, visits in enumerate(sol["routes"]):
        steps: list[Step] = [("unload", 0) if int(x) == 0
                             else ("stop", problem.stop_index(str(int(x)))) for x in visits]
        routes.append(schedule_route(problem, 0, k, steps))
    return RoutingResult(problem.name, f"file {path.name}", "feasible", 0.0, tuple(routes))


def write_yang_solution(path: Path, result: RoutingResult, *, cost: float) -> None:
    """VRPLIB ``.sol`` as in the set: client numbers, ``0`` for a reload, ``Cost``."""
    lines = []
    for k, r in enumerate(result.routes, start=1):
        ids = ["0" if v.kind == "unload" else v.id for v in r.visits
               if v.kind in ("stop", "unload")]
        lines.append(f"Route #{k}: {' '.join(ids)}")
    Path(path).write_text("\n".join(lines) + f"\nCost: {round(cost)}\n", encoding="utf-8")


# --------------------------------------------------------------------------- runner


def run_mtvrptwr(options: BenchOptions) -> Iterator[BenchRow]:
    """Yang et al. multi-trip VRPTW with release times (``*.vrp``, ``BKS.csv``).

    ``bks`` is ``sol_file_cost`` (tenths, DIMACS); ``cost`` is ``10 x`` the validated
    distance. Default engine ``pyvrp`` (the only one with release times); default budget
    ``n / 10`` seconds. With ``peers``, PyVRP used directly on the file
    (:func:`peer_pyvrp_yang`) runs in the same budget, checked by the same validator
    (OR-Tools has no peer here: it cannot model release times).
    """
    engine = options.engine or "pyvrp"
    bks = {Path(k).stem: v for k, v in
           bks_column(Path(options.data) / "BKS.csv", "file", "sol_file_cost").items()}
    for path in instance_files(options, "*.vrp"):
        problem = read_yang(path)
        budget = options.seconds_for(problem.num_stops, problem.num_stops / 10.0)
        t0 = time.perf_counter()
        result, error = solve_routing(problem, engine, options, budget,
                               **({"search": YANG_SEARCH} if engine == "pyvrp" else {}))
        row, cost = distance_row(problem, result, bks=bks.get(path.stem), factor=10.0,
                         seconds=time.perf_counter() - t0, engine=engine, error=error)
        out = solution_path(options, f"{path.stem}.{engine}.sol")
        if out is not None and result is not None and cost is not None:
            write_yang_solution(out, result, cost=cost)
        yield row
        if options.peers:
            t0 = time.perf_counter()
            peer = peer_pyvrp_yang(path, problem, budget, options.seed)
            yield distance_row(problem, peer, bks=bks.get(path.stem), factor=10.0,
                       seconds=time.perf_counter() - t0, engine="peer-pyvrp", error="")[0]


def peer_pyvrp_yang(path: Path, problem: RoutingProblem, seconds: float,
                    seed: int) -> RoutingResult:
    """PyVRP used directly on a Yang file (``pyvrp.read`` with DIMACS rounding and
    ``pyvrp.solve`` with its defaults), mapped onto ``problem`` (client ``k`` is stop
    ``k``; a depot visit inside a route is a reload)."""
    import pyvrp

    t0 = time.perf_counter()
    data = pyvrp.read(str(path), round_func="dimacs")
    res = pyvrp.solve(data, Budget(seconds, CLOCK), seed=seed, collect_stats=False,
                      display=False)
    routes = []
    for vehicle, r in enumerate(res.best.routes()):
        visits = list(r.schedule())[1:-1]
        steps: list[Step] = [("stop", a.idx) if a.is_client()
                             else ("unload", 0) for a in visits]
        routes.append(schedule_route(problem, 0, vehicle, steps))
    return RoutingResult(problem.name, "peer-pyvrp",
                         "feasible" if res.best.is_feasible() else "infeasible",
                         time.perf_counter() - t0, tuple(routes))


