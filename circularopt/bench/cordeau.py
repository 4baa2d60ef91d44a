"""Cordeau's multi-depot VRP (``mdvrp``): reader, solution writer, runner.

Cordeau et al. (1997) multi-depot VRP (``mdvrp``)
    Cordeau's text format: ``type m n t``; ``t`` lines ``D Q`` (maximum route duration,
    0 = none, and capacity per depot); ``n`` customer lines ``i x y d q ...`` (service
    duration ``d``, demand ``q``); ``t`` depot lines. ``m`` vehicles per depot. Real
    Euclidean distances as in the literature (quantised to 0.001, ``scale=1000``),
    travel time = distance, route duration = travel + service. Solutions are written in
    Cordeau's ``.res`` form: the cost, then one line per route ``depot vehicle duration
    load 0 c1 c2 ... 0``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from circularopt.bench._core import (
    BenchOptions,
    BenchRow,
    bks_column,
    instance_files,
    solution_path,
)
from circularopt.bench._routing import distance_row, solve_routing, text_lines
from circularopt.exceptions import InputError
from circularopt.routing.problem import RoutingModel, RoutingProblem
from circularopt.routing.result import RoutingResult

__all__ = ["read_cordeau", "read_header", "run_mdvrp", "write_cordeau_solution"]


def read_header(path: Path, rows: list[list[str]], *, kind: int, name: str,
                nodes: Callable[[int, int], int]) -> tuple[int, int, int]:
    """``m n t`` from the first line ``type m n t`` of a file in Cordeau's format, checking
    the type and that the ``t`` limit lines and ``nodes(n, t)`` node lines are there."""
    try:
        found, m, n, t = (int(x) for x in rows[0][:4])
    except (IndexError, ValueError):
        raise InputError(f"{path}, line 1", rows[0] if rows else "",
                         "'type m n t' (four integers)") from None
    if found != kind:
        raise InputError(f"{path}, line 1 type", found, f"{kind} ({name})")
    if len(rows) < 1 + t + nodes(n, t):
        raise InputError(str(path), f"{len(rows)} lines", f"{1 + t + nodes(n, t)} lines")
    return m, n, t


def read_cordeau(path: Path) -> RoutingProblem:
    """Read a Cordeau MDVRP instance (type 2); see the module docstring.

    Location ids are the file's numbers (customers ``1..n``, depots ``n+1..n+t``);
    depot ``j`` has vehicle type ``depot-j`` with ``m`` vehicles.
    """
    path = Path(path)
    lines = [ln.split() for ln in text_lines(path) if ln.strip()]
    m, n, t = read_header(path, lines, kind=2, name="MDVRP", nodes=lambda n, t: n + t)
    limits = [(float(lines[1 + j][0]), float(lines[1 + j][1])) for j in range(t)]
    cust = lines[1 + t:1 + t + n]
    deps = lines[1 + t + n:1 + t + n + t]
    ids = [c[0] for c in cust] + [d[0] for d in deps]
    xy = np.array([[float(r[1]), float(r[2])] for r in cust + deps])
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    model = RoutingModel(ids, dist, dist, scale=1000, name=path.stem,
                         convention="real Euclidean distance (to 0.001), time = distance")
    for j, d in enumerate(deps):
        model.add_depot(d[0])
        dur, cap = limits[j]
        model.add_vehicle_type(f"depot-{d[0]}", depot=d[0], count=m, capacity=[cap],
                               max_duration=dur if dur > 0 else None)
    for c in cust:
        model.add_stop(c[0], demand=[float(c[4])], service=float(c[3]))
    return model.data()


def write_cordeau_solution(path: Path, problem: RoutingProblem, result: RoutingResult,
                           *, cost: float) -> None:
    """Cordeau ``.res``: the cost, then ``depot vehicle duration load 0 c1 ... 0``."""
    lines = [f"{cost:.2f}"]
    for r in sorted(result.routes, key=lambda r: (r.vehicle_type, r.vehicle)):
        depot = problem.depots[problem.vehicle_types[r.vehicle_type].depot].id
        load = sum(problem.stops[v.index].demand[0] for v in r.visits if v.kind == "stop")
        lines.append(f"{depot} {r.vehicle + 1} {r.duration:.2f} {load:g} 0 "
                     + " ".join(r.stops) + " 0")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_mdvrp(options: BenchOptions) -> Iterator[BenchRow]:
    """Cordeau MDVRP instances (``p*.txt``, ``pr*.txt``; ``BKS.csv``, real distances).

    Default engine ``pyvrp``; default budget ``n / 10`` seconds.
    """
    engine = options.engine or "pyvrp"
    column = "bks(vroom BKS.json, real distances)"
    bks = bks_column(Path(options.data) / "BKS.csv", "instance", column)
    for path in instance_files(options, "p*.txt"):
        problem = read_cordeau(path)
        budget = options.seconds_for(problem.num_stops, problem.num_stops / 10.0)
        t0 = time.perf_counter()
        result, error = solve_routing(problem, engine, options, budget)
        row, cost = distance_row(problem, result, bks=bks.get(path.stem), factor=1.0,
                         seconds=time.perf_counter() - t0, engine=engine, error=error)
        out = solution_path(options, f"{path.stem}.{engine}.res")
        if out is not None and result is not None and cost is not None:
            write_cordeau_solution(out, problem, result, cost=cost)
        yield row
