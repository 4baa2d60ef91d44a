"""``circularopt bench``: solve a benchmark set and compare with best-known solutions."""

from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import sys
from pathlib import Path
from typing import Any

from rich.table import Table

from circularopt._validate import integer
from circularopt.bench import (
    BENCH_SETS,
    ROUTING_SETS,
    BenchOptions,
    BenchRow,
    markdown_table,
    run,
    seed_summary,
    write_csv,
)
from circularopt.cli._common import atomic_write, console
from circularopt.exceptions import InputError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``bench`` subcommand."""
    p = sub.add_parser("bench", help="solve a benchmark set, report gaps to best-known")
    p.add_argument("set", choices=sorted(BENCH_SETS), help="instance set")
    p.add_argument("--data", required=True, type=Path, help="folder of the set's files")
    p.add_argument("--instances", help="glob selecting instance names, or several "
                   "separated by commas, e.g. 'cap1*' or 'p01,p1[45]'")
    p.add_argument("--time-limit", type=float, help="seconds per instance")
    p.add_argument("--time-per-100", type=float, help="seconds per 100 customers")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--seeds", type=int, default=1,
                   help="repeat with K seeds (seed, seed+1, ...); report mean and best")
    p.add_argument("--engine", help="solver engine (set-specific)")
    p.add_argument("--workers", type=int, help="processes of the siting portfolio "
                   "(sets cflp and sscflp with --engine portfolio; default 2)")
    p.add_argument("--solutions", type=Path, help="folder to write each solution into")
    p.add_argument("--engine-options", metavar="JSON",
                   help="routing engine options for the routing sets, a JSON object, "
                   "e.g. '{\"max_iterations\": 3000}'")
    p.add_argument("--peers", action="store_true",
                   help="also run the peer solvers in the same budget")
    p.add_argument("--out", type=Path, help="CSV file for the results, rewritten after "
                   "every instance (and a .md beside at the end)")
    p.set_defaults(func=_bench)


def _engine_options(text: str | None, bench_set: str) -> dict[str, Any]:
    """``--engine-options``: a JSON object of option names to values (routing sets only)."""
    if text is None:
        return {}
    if bench_set not in ROUTING_SETS:
        raise InputError("--engine-options", text,
                         f"no engine options for set {bench_set!r} (only for the routing "
                         f"sets {', '.join(ROUTING_SETS)})")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("--engine-options", text, f"a JSON object ({exc.msg})") from None
    if not isinstance(value, dict):
        raise InputError("--engine-options", text,
                         "a JSON object, e.g. '{\"max_iterations\": 3000}'")
    return value


def _bench(args: argparse.Namespace) -> int:
    if args.seeds < 1:
        raise InputError("--seeds", args.seeds, "an integer >= 1")
    engine_options = _engine_options(args.engine_options, args.set)
    if args.workers is not None:
        integer("--workers", args.workers, lo=1)
    console.print("command: circularopt " + shlex.join(sys.argv[1:]), markup=False)
    table = Table("instance", "n", "bks", "cost", "gap %", "feasible", "s", "engine")
    rows: list[BenchRow] = []
    for seed in range(args.seed, args.seed + args.seeds):
        options = BenchOptions(data=args.data, instances=args.instances,
                               time_limit=args.time_limit, time_per_100=args.time_per_100,
                               seed=seed, engine=args.engine,
                               solutions=_solutions(args, seed), peers=args.peers,
                               engine_options=engine_options, workers=args.workers)
        for row in run(args.set, options):
            if args.seeds > 1:
                row = dataclasses.replace(row, extra={"seed": seed, **row.extra})
            rows.append(row)
            _show(row, table, f" seed={seed}" if args.seeds > 1 else "")
            if args.out is not None:  # an interrupted run keeps the rows done
                atomic_write(args.out, lambda tmp: write_csv(rows, tmp))
    console.print(table)
    summary = seed_summary(rows) if args.seeds > 1 else []
    if summary:
        console.print(f"over {args.seeds} seeds (cost = mean of feasible plans):")
        console.print(markdown_table(summary))
    if args.out is not None:
        _write(args.out, rows, summary, args.seeds)
    if not rows:
        console.print("[yellow]no instance matched[/]")
        return 1
    return 0 if all(r.feasible for r in rows) else 1


def _solutions(args: argparse.Namespace, seed: int) -> Path | None:
    """The folder for this seed's solutions (``seed<k>`` below ``--solutions`` with several
    seeds), created; ``None`` without ``--solutions``."""
    solutions: Path | None = args.solutions
    if solutions is not None and args.seeds > 1:
        solutions = solutions / f"seed{seed}"
    if solutions is not None:
        solutions.mkdir(parents=True, exist_ok=True)
    return solutions


def _show(row: BenchRow, table: Table, seed: str) -> None:
    """Print a finished row and add it to the summary table."""
    gap = row.gap_pct
    console.print(f"{row.instance:<24} n={row.n:<6} cost={row.cost} bks={row.bks} "
                  f"gap={'' if gap is None else f'{gap:.3f}%'} "
                  f"feasible={row.feasible} {row.seconds:.1f}s {row.engine}" + seed)
    table.add_row(row.instance, str(row.n), str(row.bks), str(row.cost),
                  "" if gap is None else f"{gap:.3f}", str(row.feasible),
                  f"{row.seconds:.1f}", row.engine)


def _write(out: Path, rows: list[BenchRow], summary: list[BenchRow], seeds: int) -> None:
    """The CSV, the markdown beside it and, over several seeds, the seed summary CSV."""
    atomic_write(out, lambda tmp: write_csv(rows, tmp))
    text = markdown_table(rows) + "\n"
    if summary:
        seeds_csv = out.with_name(out.stem + ".seeds.csv")
        atomic_write(seeds_csv, lambda tmp: write_csv(summary, tmp))
        text += f"\n## Over {seeds} seeds (cost = mean, best in best_cost)\n\n"
        text += markdown_table(summary) + "\n"
        console.print(f"wrote {seeds_csv}")
    atomic_write(out.with_suffix(".md"), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    console.print(f"wrote {out} and {out.with_suffix('.md')}")
