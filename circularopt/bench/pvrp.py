"""Cordeau's periodic VRP (``pvrp``): reader, solution writer, runner.

Cordeau, Gendreau & Laporte (1997), type 1 of Cordeau's text format: ``1 m n t``
(``m`` vehicles per day, ``n`` customers, ``t`` days); ``t`` lines ``D Q``, each day's
maximum route duration (0 = none) and capacity (days with other limits than the first
day's get a vehicle type of their own, ``m`` of it on those days and none on the
others); then the depot (node 0) and the customers, each
``i x y d q f a c1 ... ca``: service duration ``d``, demand per visit ``q``, frequency
``f`` and ``a`` allowed day combinations, each the decimal code of a ``t``-bit string
read from the left (day 1 is the highest bit). Real Euclidean distances (quantised to
0.001, ``scale=1000``); travel time = distance; the cost is the total distance over the
horizon. A customer with ``f = 0`` but listed combinations is read with its combinations
(p11's customer 131).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from circularopt.bench._core import (
    BenchOptions,
    BenchRow,
    bks_column,
    instance_files,
    routing_engine_options,
    solution_path,
)
from circularopt.bench._routing import CLOCK, text_lines
from circularopt.bench.cordeau import read_header
from circularopt.exceptions import CircularOptError, InputError
from circularopt.routing.periodic import (
    Pattern,
    PeriodicOptions,
    PeriodicProblem,
    PeriodicReport,
    PeriodicResult,
    solve_periodic,
    validate_periodic,
)
from circularopt.routing.problem import RoutingModel

__all__ = ["decode_days", "periodic_row", "read_pvrp", "run_pvrp", "write_pvrp_solution"]


def decode_days(code: int, days: int) -> Pattern:
    """Days (0-based) of a combination code: the ``days``-bit string read from the left."""
    return tuple(d for d in range(days) if code >> (days - 1 - d) & 1)


def _patterns(path: Path, row: list[str], days: int) -> tuple[Pattern, ...]:
    try:
        count = int(row[6])
        codes = [int(x) for x in row[7:7 + count]]
    except (IndexError, ValueError):
        raise InputError(f"{path}, customer {row[0]}", " ".join(row),
                         "'i x y d q f a' and a combination codes") from None
    patterns = tuple(decode_days(c, days) for c in codes)
    if not patterns or not all(patterns):
        raise InputError(f"{path}, customer {row[0]} combinations", codes,
                         f"codes of non-empty day sets below {2 ** days}")
    return patterns


def read_pvrp(path: str | Path) -> PeriodicProblem:
    """Read a Cordeau PVRP instance (see the module docstring)."""
    path = Path(path)
    rows = [ln.split() for ln in text_lines(path) if ln.strip()]
    m, n, t = read_header(path, rows, kind=1, name="PVRP", nodes=lambda n, t: n + 1)
    limits = [(float(rows[1 + j][0]), float(rows[1 + j][1])) for j in range(t)]
    nodes = rows[1 + t:1 + t + n + 1]
    ids = [r[0] for r in nodes]
    xy = np.array([[float(r[1]), float(r[2])] for r in nodes])
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    model = RoutingModel(ids, dist, dist, scale=1000, name=path.stem,
                         convention="real Euclidean distance (to 0.001), time = distance")
    model.add_depot(ids[0])
    kinds = list(dict.fromkeys(limits))  # distinct (D, Q), in order of first day
    for j, (duration, capacity) in enumerate(kinds):
        model.add_vehicle_type("vehicle" if len(kinds) == 1 else f"vehicle {j + 1}",
                               depot=ids[0], count=m, capacity=[capacity],
                               max_duration=duration if duration > 0 else None)
    per_day = None if len(kinds) == 1 else tuple(
        tuple(m if kind == limit else 0 for kind in kinds) for limit in limits)
    for r in nodes[1:]:
        model.add_stop(r[0], demand=[float(r[4])], service=float(r[3]))
    return PeriodicProblem(model.data(), tuple(_patterns(path, r, t) for r in nodes[1:]),
                           tuple(f"day {d + 1}" for d in range(t)),
                           vehicles_per_day=per_day)


def write_pvrp_solution(path: Path, problem: PeriodicProblem, result: PeriodicResult,
                        *, cost: float) -> None:
    """JSON: the cost, each customer's days, and each day's routes (customer ids); with
    unload sites also ``steps``, each route's customer and unload-site ids in order."""
    data: dict[str, Any] = {
        "instance": problem.name, "cost": round(cost, 6),
        "days": {s.id: [d + 1 for d in problem.patterns[k][result.choice[k]]]
                 for k, s in enumerate(problem.base.stops)},
        "routes": [[r.stops for r in day.routes] for day in result.days]}
    if problem.base.unload_sites:
        data["steps"] = [[[v.id for v in r.visits if v.kind in ("stop", "unload")]
                          for r in day.routes] for day in result.days]
    Path(path).write_text(json.dumps(data, indent=1), encoding="utf-8")


def run_pvrp(options: BenchOptions) -> Iterator[BenchRow]:
    """Cordeau PVRP instances (files without extension, ``BKS.csv`` column ``bks``).

    Budget: ``n x t / 10`` CPU seconds by default (``--time-per-100 10`` counts visits
    ``n x t``); every plan is checked by :func:`validate_periodic`.
    """
    folder = Path(options.data)
    files = [f for f in instance_files(options, "*", folder / "cordeau"
                                       if (folder / "cordeau").is_dir() else folder)
             if f.is_file() and not f.suffix]
    bks = bks_column(folder / "BKS.csv", "instance", "bks")
    engine = options.engine or "pyvrp"
    for path in files:
        problem = read_pvrp(path)
        size = problem.base.num_stops * problem.days
        seconds = options.seconds_for(size, default=size / 10.0)
        yield periodic_row(problem, engine, seconds, options, bks.get(path.stem),
                           cost_of=lambda report: sum(report.day_distances))


def periodic_row(problem: PeriodicProblem, engine: str, seconds: float,
                 options: BenchOptions, bks: float | None, *,
                 cost_of: Callable[[PeriodicReport], float]) -> BenchRow:
    """Solve a periodic instance, check it with :func:`validate_periodic` and make its row
    (``cost_of`` reads the set's cost from the report; the solution is written when
    ``--solutions`` is given)."""
    popts = PeriodicOptions(engine=engine, clock=CLOCK,
                            engine_options=routing_engine_options(options) or None)
    t0 = time.perf_counter()
    try:
        result = solve_periodic(problem, time_limit=seconds, seed=options.seed, options=popts)
    except CircularOptError as exc:
        return BenchRow(problem.name, problem.base.num_stops, bks, None, False,
                        time.perf_counter() - t0, engine, {"days": problem.days,
                                                           "error": str(exc)})
    wall = time.perf_counter() - t0
    report = validate_periodic(problem, result)
    cost = round(cost_of(report), 6) if report.ok else None
    out = solution_path(options, f"{problem.name}.{engine}.json")
    if out is not None and cost is not None:
        write_pvrp_solution(out, problem, result, cost=cost)
    return BenchRow(problem.name, problem.base.num_stops, bks, cost, report.ok, wall, engine,
                    {"days": problem.days,
                     "vehicles_per_day": max(result.vehicles_per_day, default=0),
                     "crossovers": result.info.get("crossovers", 0),
                     "error": "; ".join(report.violations[:3])})
