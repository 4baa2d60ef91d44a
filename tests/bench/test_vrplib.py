"""VRPLIB readers: each set's rounding convention reproduces its best-known cost."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import vrplib

from circularopt.bench.vrplib import (
    euclidean,
    read_cvrp,
    read_vrptw,
    solution_routes,
    write_vrplib_solution,
)
from circularopt.exceptions import DataNotFoundError
from circularopt.routing import RoutingProblem, RoutingResult, schedule_route, validate_routes


def _from_sol(problem: RoutingProblem, path: Path) -> RoutingResult:
    sol = vrplib.read_solution(str(path))
    routes = tuple(
        schedule_route(problem, 0, k, [("stop", problem.stop_index(str(c))) for c in route])
        for k, route in enumerate(sol["routes"]))
    return RoutingResult(problem.name, "bks", "feasible", 0.0, routes)


def test_conventions() -> None:
    xy = np.array([[0, 0], [1, 1], [3, 4]])
    assert euclidean(xy, "cvrplib")[0].tolist() == [0, 1, 5]
    assert euclidean(xy, "dimacs")[0, 1] == pytest.approx(1.4)  # sqrt 2 truncated


def test_cvrplib_x_bks_reproduced(shared: Path, tmp_path: Path) -> None:
    folder = shared / "benchmarks" / "cvrp" / "X"
    problem = read_cvrp(folder / "X-n101-k25.vrp")
    assert problem.num_stops == 100 and problem.vehicle_types[0].capacity == (206.0,)
    assert problem.scale == 1 and "rounded" in problem.convention
    result = _from_sol(problem, folder / "X-n101-k25.sol")
    report = validate_routes(problem, result)
    assert report.ok, report.summary()
    assert report.cost == 27591  # BKS.csv of the set
    out = tmp_path / "x.sol"
    write_vrplib_solution(out, result)
    again = vrplib.read_solution(str(out))
    assert again["cost"] == 27591
    assert [[str(c) for c in r] for r in again["routes"]] == solution_routes(result)


def test_solomon_bks_reproduced(shared: Path) -> None:
    folder = shared / "benchmarks" / "vrptw" / "solomon"
    problem = read_vrptw(folder / "C101.vrp")
    assert problem.scale == 10 and problem.stops[0].service == 90
    assert problem.vehicle_types[0].count == 25
    result = _from_sol(problem, folder / "C101.sol")
    report = validate_routes(problem, result)
    assert report.ok, report.summary()
    assert report.distance == pytest.approx(827.3)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError):
        read_cvrp(tmp_path / "none.vrp")


def test_bench_cvrp_rows_and_solutions(shared: Path, tmp_path: Path) -> None:
    from circularopt.bench import BenchOptions
    from circularopt.bench.vrplib import run_cvrp

    options = BenchOptions(data=shared / "benchmarks" / "cvrp" / "X", instances="X-n101-k25",
                           time_limit=0.3, engine="pyvrp", solutions=tmp_path, peers=True)
    rows = list(run_cvrp(options))
    assert [r.engine for r in rows] == ["pyvrp", "peer-pyvrp", "peer-ortools-gls"]
    assert all(r.feasible and r.bks == 27591 and r.cost is not None for r in rows)
    assert all(r.cost >= 27591 for r in rows if r.cost is not None)
    sol = vrplib.read_solution(str(tmp_path / "X-n101-k25.pyvrp.sol"))
    assert sol["cost"] == rows[0].cost
    assert sorted(c for route in sol["routes"] for c in route) == list(range(1, 101))
