"""Siting benchmark: solve time and gap by backend and method on generated city scenarios.

Scenarios come from :func:`circularopt.cities.generate` (Bishkek, Osh, Issyk-Kul in
summer) with offline approximate matrices. Every solution is checked by
:func:`circularopt.siting.validate.validate_siting`.

Run the grid (one row per city x size x backend x method)::

    python benchmarks/bench_siting.py --sizes 300 1000 --time-limit 60 --out siting.csv

compare the collection-cost estimate with routed costs on the siting plan's assignment::

    python benchmarks/bench_siting.py --calibrate --cities bishkek --sizes 300

or through pytest-benchmark (small case only)::

    python -m pytest benchmarks/bench_siting.py --benchmark-only
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from circularopt.cities import generate
from circularopt.exceptions import CircularOptError
from circularopt.matrices import TravelMatrices, approximate_matrices
from circularopt.scenario import Scenario
from circularopt.siting.model import BACKENDS, METHODS, site
from circularopt.siting.validate import validate_siting

CITIES = ("bishkek", "osh", "issyk-kul")
SEASON = {"issyk-kul": "summer"}


def scenario(city: str, size: int, seed: int = 1) -> tuple[Scenario, TravelMatrices]:
    """A generated scenario and its approximate matrices."""
    sc = generate(city, size=size, seed=seed, season=SEASON.get(city))
    return sc, approximate_matrices(sc.locations())


def run_one(sc: Scenario, matrices: TravelMatrices, *, backend: str, method: str,
            time_limit: float) -> dict[str, Any]:
    """Solve once and return a result row."""
    row: dict[str, Any] = {"scenario": sc.name, "points": len(sc.collection_points),
                           "candidates": len(sc.complex_candidates),
                           "recyclers": len(sc.recyclers), "backend": backend,
                           "method": method}
    start = time.perf_counter()
    try:
        r = site(sc, matrices, backend=backend, method=method, time_limit=time_limit)
    except CircularOptError as exc:
        row.update(status=f"error: {type(exc).__name__}", seconds=time.perf_counter() - start,
                   message=str(exc)[:120])
        return row
    report = validate_siting(sc, matrices, r)
    row.update(status=r.status, objective=round(r.objective, 2), bound=round(r.bound, 2),
               gap_pct=round(100 * r.gap, 4), seconds=round(time.perf_counter() - start, 2),
               solver_seconds=round(r.solve_seconds, 2), feasible=report.ok,
               open=" ".join(f"{c.id}:{c.option}" for c in r.open_complexes),
               diversion_pct=round(100 * r.diversion_rate, 2))
    return row


def grid(cities: Sequence[str], sizes: Sequence[int], backends: Sequence[str],
         methods: Sequence[str], time_limit: float) -> Iterator[dict[str, Any]]:
    """Rows of the whole grid, as they finish."""
    for city in cities:
        for size in sizes:
            sc, matrices = scenario(city, size)
            for method in methods:
                for backend in backends:
                    yield run_one(sc, matrices, backend=backend, method=method,
                                  time_limit=time_limit)


def calibrate(city: str, size: int, *, engine: str = "pyvrp", time_limit: float = 60.0,
              workers: int = 1) -> dict[str, Any]:
    """Estimated vs routed daily collection cost for the siting plan's assignment.

    Sites the scenario (default backend and method), routes every point to the complex it
    is assigned to with :func:`circularopt.routing.decompose.route_city` (all points are
    visited: exact when they are emptied daily), and returns both daily costs, split per
    site, and their ratio routed / estimated.
    """
    from circularopt.routing.decompose import RoutingOptions, route_city
    from circularopt.siting.model import CollectionCostParams, collection_cost_estimate

    sc, matrices = scenario(city, size)
    plan = site(sc, matrices, time_limit=120)
    targets = sorted(set(plan.assignment.values()))
    table = collection_cost_estimate(sc, matrices, targets,
                                     params=CollectionCostParams.from_scenario(sc))
    col = {t: k for k, t in enumerate(targets)}
    estimate = sum(float(table[i, col[plan.assignment[p.id]]])
                   for i, p in enumerate(sc.collection_points))
    start = time.perf_counter()
    routed = route_city(sc, matrices, assignment=plan.assignment,
                        options=RoutingOptions(engine=engine, workers=workers),
                        time_limit=time_limit)
    result = routed.result
    return {"scenario": sc.name, "points": len(sc.collection_points),
            "daily_every_point": all(p.collections_per_week == 7
                                     for p in sc.collection_points),
            "estimate_per_day": round(estimate, 2),
            "routed_per_day": round(result.cost, 2),
            "ratio_routed_over_estimate": round(result.cost / estimate, 4),
            "routes": result.num_vehicles, "routed_km": round(result.distance / 1000, 1),
            "unassigned": len(result.unassigned), "routing_ok": routed.report.ok,
            "engine": engine,
            "routing_seconds": round(time.perf_counter() - start, 1)}


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_bench_site_bishkek_small(benchmark: Any, backend: str) -> None:
    """pytest-benchmark: Bishkek, 60 points, default method."""
    sc, matrices = scenario("bishkek", 60)
    result = benchmark.pedantic(site, args=(sc, matrices),
                                kwargs={"backend": backend, "time_limit": 30}, rounds=1)
    assert validate_siting(sc, matrices, result).ok


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line runner; prints one line per row and writes CSV."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cities", nargs="+", default=list(CITIES))
    p.add_argument("--sizes", nargs="+", type=int, default=[300, 1000])
    p.add_argument("--backends", nargs="+", default=sorted(BACKENDS), choices=sorted(BACKENDS))
    p.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--out", type=Path)
    p.add_argument("--calibrate", action="store_true",
                   help="compare estimated and routed collection cost instead")
    p.add_argument("--engine", default="pyvrp", help="routing engine for --calibrate")
    args = p.parse_args(argv)
    if args.calibrate:
        for city in args.cities:
            for size in args.sizes:
                row = calibrate(city, size, engine=args.engine, time_limit=args.time_limit)
                print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
        return 0
    rows = []
    for row in grid(args.cities, args.sizes, args.backends, args.methods, args.time_limit):
        rows.append(row)
        print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    if args.out is not None and rows:
        columns = list(dict.fromkeys(k for r in rows for k in r))
        with args.out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
