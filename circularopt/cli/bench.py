"""``circularopt bench``: solve a benchmark set and compare with best-known solutions."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from rich.table import Table

from circularopt.bench import BENCH_SETS, BenchOptions, BenchRow, markdown_table, run, write_csv
from circularopt.cli._common import console


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``bench`` subcommand."""
    p = sub.add_parser("bench", help="solve a benchmark set, report gaps to best-known")
    p.add_argument("set", choices=sorted(BENCH_SETS), help="instance set")
    p.add_argument("--data", required=True, type=Path, help="folder of the set's files")
    p.add_argument("--instances", help="glob selecting instance names, e.g. 'cap1*'")
    p.add_argument("--time-limit", type=float, help="seconds per instance")
    p.add_argument("--time-per-100", type=float, help="seconds per 100 customers")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--engine", help="solver engine (set-specific)")
    p.add_argument("--solutions", type=Path, help="folder to write each solution into")
    p.add_argument("--peers", action="store_true",
                   help="also run the peer solvers in the same budget")
    p.add_argument("--out", type=Path, help="CSV file for the results (and a .md beside)")
    p.set_defaults(func=_bench)


def _bench(args: argparse.Namespace) -> int:
    options = BenchOptions(data=args.data, instances=args.instances,
                           time_limit=args.time_limit, time_per_100=args.time_per_100,
                           seed=args.seed, engine=args.engine, solutions=args.solutions,
                           peers=args.peers)
    if options.solutions is not None:
        options.solutions.mkdir(parents=True, exist_ok=True)
    console.print("command: circularopt " + shlex.join(sys.argv[1:]))
    table = Table("instance", "n", "bks", "cost", "gap %", "feasible", "s", "engine")
    rows: list[BenchRow] = []
    for row in run(args.set, options):
        rows.append(row)
        gap = row.gap_pct
        console.print(f"{row.instance:<24} n={row.n:<6} cost={row.cost} bks={row.bks} "
                      f"gap={'' if gap is None else f'{gap:.3f}%'} "
                      f"feasible={row.feasible} {row.seconds:.1f}s {row.engine}")
        table.add_row(row.instance, str(row.n), str(row.bks), str(row.cost),
                      "" if gap is None else f"{gap:.3f}", str(row.feasible),
                      f"{row.seconds:.1f}", row.engine)
    console.print(table)
    if args.out is not None:
        write_csv(rows, args.out)
        args.out.with_suffix(".md").write_text(markdown_table(rows) + "\n", encoding="utf-8")
        console.print(f"wrote {args.out} and {args.out.with_suffix('.md')}")
    if not rows:
        console.print("[yellow]no instance matched[/]")
        return 1
    return 0 if all(r.feasible for r in rows) else 1
