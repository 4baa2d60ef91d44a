"""Siting portfolio benchmark: a tight Bishkek scenario, one backend against the race.

The scenario is :func:`circularopt.cities.generate` Bishkek (1,200 points, 8 complex
candidates, 10 recyclers; synthetic, approximate matrices) with every candidate's
capacity options scaled so that the largest options sum to ``--slack`` (1.1) times the
daily waste: tight capacities. Each row solves it with ``SitingOptions(workers=...)``
and checks the solution with :func:`~circularopt.siting.validate.validate_siting`;
``seconds`` is the wall clock of ``site`` (model building included), ``cpu_s`` the CPU
seconds of this process and the race's::

    python benchmarks/bench_portfolio.py --time-limit 30 --workers 1 2 --out portfolio.csv
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import resource
import sys
import time
from collections.abc import Sequence
from typing import Any

from circularopt.cities import generate
from circularopt.exceptions import CircularOptError
from circularopt.matrices import TravelMatrices, approximate_matrices
from circularopt.scenario import CapacityOption, Scenario
from circularopt.siting.model import SitingOptions, site
from circularopt.siting.validate import validate_siting


def tight_scenario(points: int = 1200, slack: float = 1.1, seed: int = 1
                   ) -> tuple[Scenario, TravelMatrices]:
    """Synthetic Bishkek with capacity options summing (largest ones) to ``slack`` x waste."""
    sc = generate("bishkek", size=points, seed=seed)
    waste = sc.total_tonnes_per_day
    largest = sum(max(o.capacity_t_per_day for o in c.capacity_options)
                  for c in sc.complex_candidates)
    factor = slack * waste / largest
    cands = tuple(dataclasses.replace(c, capacity_options=tuple(
        CapacityOption(o.capacity_t_per_day * factor, o.annual_fixed_cost)
        for o in c.capacity_options)) for c in sc.complex_candidates)
    tight = dataclasses.replace(sc, complex_candidates=cands,
                                name=f"{sc.name} (tight x{slack:g}, synthetic)")
    return tight, approximate_matrices(tight.locations())


def _cpu_seconds() -> float:
    """CPU seconds of this process and its ended children (the race's processes)."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def run(sc: Scenario, matrices: TravelMatrices, workers: int, time_limit: float
        ) -> dict[str, Any]:
    """Solve once; one CSV row."""
    row: dict[str, Any] = {"scenario": sc.name, "points": len(sc.collection_points),
                           "candidates": len(sc.complex_candidates),
                           "recyclers": len(sc.recyclers), "workers": workers}
    start, cpu = time.perf_counter(), _cpu_seconds()
    try:
        res = site(sc, matrices, time_limit=time_limit,
                   options=SitingOptions(workers=workers))
    except CircularOptError as exc:
        return {**row, "status": f"error: {exc}"[:200],
                "seconds": round(time.perf_counter() - start, 1)}
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    report = validate_siting(sc, matrices, res)
    return {**row, "backend": res.backend, "status": res.status,
            "objective": round(res.objective, 2), "bound": round(res.bound, 2),
            "gap_pct": round(100 * res.gap, 4), "seconds": round(seconds, 1),
            "cpu_s": round(cpu, 1),
            "valid": report.ok, "runs": res.options.get("portfolio", "")}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1200)
    ap.add_argument("--slack", type=float, default=1.1)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", default="")
    args = ap.parse_args(argv)
    sc, matrices = tight_scenario(args.points, args.slack)
    rows = [run(sc, matrices, w, args.time_limit) for w in args.workers]
    fields = sorted({k for r in rows for k in r})
    writer = csv.DictWriter(open(args.out, "w", newline="", encoding="utf-8")  # noqa: SIM115
                            if args.out else sys.stdout, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
