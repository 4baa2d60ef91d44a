"""``circularopt sweep``: many pipeline solves as Dask tasks, rows streamed as they finish."""

from __future__ import annotations

import argparse
import csv
import shlex
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from circularopt.cli._common import add_engine_options, console, engine_options
from circularopt.sweep import SweepRow, expand, parse_vary, run_sweep, solve_one


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sweep`` subcommand."""
    p = sub.add_parser(
        "sweep", help="solve a scenario over varied options as Dask tasks",
        description="Solve every combination of the --vary options with the pipeline, "
                    "as Dask tasks on a local cluster or an existing one.")
    p.add_argument("source", help="city name or scenario JSON")
    p.add_argument("--vary", action="append", default=[], metavar="KEY=VALUES",
                   help="an option and its values: complexes=1..4, season=summer,winter, "
                        "seed=0..3, size=200,400, engine=pyvrp,ortools (repeatable)")
    p.add_argument("--time-limit", type=float, default=60.0,
                   help="seconds per solve (default 60)")
    p.add_argument("--seed", type=int, default=0, help="seed unless varied (default 0)")
    p.add_argument("--size", type=int, help="container sites for a city unless varied")
    add_engine_options(p)
    p.add_argument("--scheduler", help="address of an existing Dask scheduler")
    p.add_argument("--workers", type=int, default=2,
                   help="worker processes of the local cluster (default 2)")
    p.add_argument("--serial", action="store_true",
                   help="no Dask: solve one task after another in this process")
    p.add_argument("--out", type=Path, help="CSV file, one row per task")
    p.add_argument("--plans", type=Path, help="folder to save each task's plan.json")
    p.set_defaults(func=_sweep)


def _sweep(args: argparse.Namespace) -> int:
    tasks = expand([parse_vary(v) for v in args.vary])
    base: dict[str, object] = {"time_limit": args.time_limit, "seed": args.seed}
    if args.size is not None:
        base["size"] = args.size
    if args.engine_options is not None:
        base["engine_options"] = engine_options(args.engine_options)
    console.print("command: circularopt " + shlex.join(sys.argv[1:]), markup=False)
    console.print(f"{len(tasks)} tasks" + (" (serial)" if args.serial else
                  f" on {args.scheduler or f'a local cluster of {args.workers} workers'}"))
    t0 = time.perf_counter()
    plans = None if args.plans is None else str(args.plans)
    if args.serial:
        if plans is not None:
            args.plans.mkdir(parents=True, exist_ok=True)
        rows: Iterator[SweepRow] = (solve_one(args.source, t, base, plans) for t in tasks)
    else:
        rows = run_sweep(args.source, tasks, base=base, scheduler=args.scheduler,
                         workers=args.workers, plans_dir=plans)
    done: list[SweepRow] = []
    writer = None
    fh = None if args.out is None else args.out.open("w", newline="", encoding="utf-8")
    try:
        for row in rows:
            done.append(row)
            state = f"[red]FAILED[/] {row.error}" if row.error else ", ".join(
                f"{k}={v}" for k, v in row.figures.items())
            console.print(f"[{time.perf_counter() - t0:7.1f}s] {row.name}: {state} "
                          f"({row.seconds:.1f}s)")
            if fh is not None:
                data = row.as_dict()
                if writer is None:
                    columns = ["task", *tasks[0].keys(), "valid", "complete", "approximate",
                               "complexes_open", "annual_cost", "km_per_day", "vehicles",
                               "co2_t_per_day", "diversion_pct", "error", "seconds", "plan"]
                    writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
                    writer.writeheader()
                writer.writerow(data)
                fh.flush()
    finally:
        if fh is not None:
            fh.close()
    failed = sum(bool(r.error) for r in done)
    console.print(f"{len(done)} tasks in {time.perf_counter() - t0:.1f} s, {failed} failed"
                  + (f"; wrote {args.out}" if args.out else ""))
    return 1 if failed else 0
