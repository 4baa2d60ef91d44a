"""Siting benchmark: solve time and gap by backend and method on generated city scenarios.

Scenarios come from :func:`circularopt.cities.generate` (Bishkek, Osh, Issyk-Kul in
summer) with offline approximate matrices. Every solution is checked by
:func:`circularopt.siting.validate.check_siting`.

Run the grid (one row per city x size x backend x method)::

    python benchmarks/bench_siting.py --sizes 300 1000 --time-limit 60 --out siting.csv

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
from circularopt.siting.validate import check_siting

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
    report = check_siting(sc, matrices, r)
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


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_bench_site_bishkek_small(benchmark: Any, backend: str) -> None:
    """pytest-benchmark: Bishkek, 60 points, default method."""
    sc, matrices = scenario("bishkek", 60)
    result = benchmark.pedantic(site, args=(sc, matrices),
                                kwargs={"backend": backend, "time_limit": 30}, rounds=1)
    assert check_siting(sc, matrices, result).ok


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line runner; prints one line per row and writes CSV."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cities", nargs="+", default=list(CITIES))
    p.add_argument("--sizes", nargs="+", type=int, default=[300, 1000])
    p.add_argument("--backends", nargs="+", default=sorted(BACKENDS), choices=sorted(BACKENDS))
    p.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
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
