"""``circularopt compare PLAN...``: plans side by side, optionally written as CSV."""

from __future__ import annotations

import argparse
from pathlib import Path

from circularopt.cli._common import atomic_write, console
from circularopt.exceptions import InputError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``compare`` subcommand."""
    parser = sub.add_parser(
        "compare", help="put plans side by side (cost, km, trucks, CO2, diversion...)",
        description="Compare plans written by 'circularopt solve': one column per plan "
                    "(e.g. one, two or three complexes; summer against winter).")
    parser.add_argument("plans", nargs="+", metavar="PLAN",
                        help="plan.json files or the output folders holding plan.json")
    parser.add_argument("--labels", default=None, metavar="A,B,...",
                        help="column labels, one per plan (default: folder or file names)")
    parser.add_argument("--out", default=None, metavar="CSV",
                        help="also write the table as CSV (UTF-8 with BOM, opens in Excel)")
    parser.set_defaults(func=_compare)


def _compare(args: argparse.Namespace) -> int:
    from circularopt.compare import compare, load_plans, print_comparison

    out = None if args.out is None else Path(args.out)
    if out is not None and (out.is_dir() or not out.parent.is_dir()):
        raise InputError("--out", args.out, "a file path in an existing folder")
    plans, labels = load_plans(args.plans)
    if args.labels is not None:
        labels = [s.strip() for s in args.labels.split(",")]
    table = compare(plans, labels=labels)
    print_comparison(table, console=console)
    if out is not None:
        units = table.attrs["units"]
        table.insert(0, "unit", [units[str(f)] for f in table.index])
        atomic_write(out, lambda tmp: table.to_csv(tmp, encoding="utf-8-sig"))
        console.print(f"wrote {out}")
    if not all(p.valid for p in plans):
        console.print("[yellow]note:[/] at least one plan did not pass validation "
                      "(row 'valid')")
    return 0
