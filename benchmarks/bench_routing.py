"""Routing performance suite (pytest-benchmark) on fixed instances.

Timed: building the city routing problem and validating a plan (deterministic work), and
the two engines on a fixed CVRPLIB instance under a fixed budget (time is the budget;
the cost reached is saved in ``extra_info`` so runs can be compared on quality)::

    python -m pytest benchmarks/bench_routing.py --benchmark-autosave
    python -m pytest benchmarks/bench_routing.py --benchmark-compare
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from circularopt.bench.vrplib import read_cvrp
from circularopt.config import shared_data_dir
from circularopt.matrices import TravelMatrices, approximate_matrices
from circularopt.pipeline import load_scenario
from circularopt.routing import solve, validate_routes
from circularopt.routing.scenario import nearest_sites, routing_problem
from circularopt.scenario import Scenario


@pytest.fixture(scope="module")
def bishkek_1000() -> tuple[Scenario, TravelMatrices, dict[str, str]]:
    """Bishkek, 1,000 points (seed 2), approximate matrices, nearest-site assignment."""
    scenario = load_scenario("bishkek", size=1000, seed=2)
    matrices = approximate_matrices(scenario.locations())
    return scenario, matrices, dict(nearest_sites(scenario, matrices))


def test_build_city_problem(benchmark: BenchmarkFixture,
                            bishkek_1000: tuple[Scenario, TravelMatrices, dict[str, str]]
                            ) -> None:
    scenario, matrices, assignment = bishkek_1000
    site = next(iter(sorted(set(assignment.values()))))
    problem = benchmark(routing_problem, scenario, matrices, assignment=assignment,
                        unload_sites=[site])
    benchmark.extra_info["stops"] = problem.num_stops


def _x_instance() -> Path:
    data = shared_data_dir(required=False)
    path = None if data is None else data / "benchmarks/cvrp/X/X-n101-k25.vrp"
    if path is None or not path.is_file():
        pytest.skip("shared data (X-n101-k25) not found: set CIRCULAROPT_DATA")
    return path


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_engine_x101(benchmark: BenchmarkFixture, engine: str) -> None:
    problem = read_cvrp(_x_instance())
    result = benchmark.pedantic(solve, args=(problem,),
                                kwargs={"engine": engine, "time_limit": 5.0, "seed": 1},
                                rounds=1, iterations=1)
    benchmark.extra_info["cost"] = result.cost
    with (_x_instance().parent / "BKS.csv").open(encoding="utf-8") as fh:
        bks = {row["instance"]: float(row["bks_cost"]) for row in csv.DictReader(fh)}
    benchmark.extra_info["bks"] = bks.get("X-n101-k25")


def test_validate_x101(benchmark: BenchmarkFixture) -> None:
    problem = read_cvrp(_x_instance())
    result = solve(problem, engine="pyvrp", time_limit=2.0, seed=1)
    report = benchmark(validate_routes, problem, result)
    assert report.ok
