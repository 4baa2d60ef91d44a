"""Limits of :func:`circularopt.pipeline.solve`: time-limit overrun and peak memory.

Issue 7 asks that every solve respect its time limit with an overrun of at most 10% plus
2 s. This script solves generated city scenarios for several budgets and sizes and
prints, per run, the wall-clock seconds measured around the call, the overrun against
``1.1 * budget + 2`` and the process's peak resident memory (``ru_maxrss`` of this process
and of its finished worker processes)::

    python benchmarks/bench_limits.py --cities osh bishkek --sizes 100 500 \\
        --budgets 10 30 --workers 2 --out limits.csv

Peak memory of a large run is best measured from outside, e.g.
``/usr/bin/time -v circularopt solve bishkek --size 5000 --time-limit 300``.

With ``--repro`` every run is made twice with the same seed and the row says whether the
two plans are the same (siting, routes and cost): the time-limited searches make equal
plans only when they converge within the budget.

It is a script (no pytest test: timings belong in benchmarks, not in the suite).
"""

from __future__ import annotations

import argparse
import csv
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from circularopt.exceptions import CircularOptError
from circularopt.pipeline import solve
from circularopt.routing.decompose import RoutingOptions

FIELDS = ("city", "size", "budget_s", "engine", "workers", "seconds", "allowed_s",
          "overrun_s", "within", "valid", "routing_s", "cost", "same_plan", "peak_rss_mb",
          "children_rss_mb", "error")


def allowed(budget: float) -> float:
    """The largest acceptable wall-clock time for ``budget`` (10% plus 2 s)."""
    return 1.1 * budget + 2.0


def measure(city: str, size: int, budget: float, *, engine: str = "pyvrp",
            workers: int | None = None, seed: int = 0) -> dict[str, Any]:
    """Solve one generated scenario and return the row of measurements."""
    t0 = time.perf_counter()
    error, valid, routing, cost, signature = "", False, None, None, None
    try:
        plan = solve(city, size=size, time_limit=budget,
                     seed=seed, routing=RoutingOptions(engine=engine, workers=workers))
        valid = plan.valid
        routing = plan.info.get("stage_seconds", {}).get("routing")
        if plan.routing is not None and plan.siting is not None:
            cost = round(plan.routing.cost, 2)
            signature = (sorted(plan.siting.assignment.items()),
                         [[v.id for v in r.visits] for r in plan.routing.routes])
    except CircularOptError as exc:
        error = f"{type(exc).__name__}: {exc}"[:200]
    seconds = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return {"city": city, "size": size, "budget_s": budget, "engine": engine,
            "workers": workers, "seconds": round(seconds, 2),
            "allowed_s": round(allowed(budget), 2),
            "overrun_s": round(seconds - budget, 2), "within": seconds <= allowed(budget),
            "valid": valid, "routing_s": routing, "cost": cost, "same_plan": None,
            "signature": signature, "peak_rss_mb": round(own, 1),
            "children_rss_mb": round(kids, 1), "error": error}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the grid and print (and optionally save) one row per run."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cities", nargs="+", default=["osh"])
    p.add_argument("--sizes", nargs="+", type=int, default=[100])
    p.add_argument("--budgets", nargs="+", type=float, default=[10.0])
    p.add_argument("--engine", default="pyvrp", choices=["pyvrp", "ortools"])
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--repro", action="store_true",
                   help="solve each case twice with the same seed and compare the plans")
    p.add_argument("--out", type=Path, help="CSV file for the rows")
    args = p.parse_args(argv)
    rows = []
    for city in args.cities:
        for size in args.sizes:
            for budget in args.budgets:
                row = measure(city, size, budget, engine=args.engine, workers=args.workers)
                if args.repro:
                    again = measure(city, size, budget, engine=args.engine,
                                    workers=args.workers)
                    row["same_plan"] = again["signature"] == row["signature"]
                    row["cost"] = f"{row['cost']} / {again['cost']}"
                rows.append(row)
                print(", ".join(f"{k}={row[k]}" for k in FIELDS if row[k] not in ("", None)),
                      flush=True)
    if args.out is not None:
        with args.out.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    bad = [r for r in rows if not r["within"]]
    print(f"{len(rows) - len(bad)}/{len(rows)} runs within 1.1 x budget + 2 s")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
