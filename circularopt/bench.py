"""Benchmark runner shared by every instance set.

Each set (``cflp``, ``cvrp``, ...) registers a *runner*: a function that yields one
:class:`BenchRow` per instance it solved, computing the cost under the set's own
convention and checking the solution with an independent validator. This module finds
the runner, times nothing itself, and writes the rows as CSV and as a markdown table.
"""

from __future__ import annotations

import csv
import fnmatch
import importlib
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from circularopt.exceptions import InputError

__all__ = ["BENCH_SETS", "SIZE_CLASSES", "BenchOptions", "BenchRow", "gap_pct", "markdown_table",
           "run", "seed_summary", "write_csv"]

BENCH_SETS: dict[str, str] = {
    "cflp": "circularopt.siting.bench:run_cflp",
    "sscflp": "circularopt.siting.bench:run_sscflp",
    "tscflp": "circularopt.siting.bench:run_tscflp",
    "cvrp": "circularopt.routing.bench:run_cvrp",
    "vrptw": "circularopt.routing.bench:run_vrptw",
    "wcvrptw": "circularopt.routing.literature:run_wcvrptw",
    "mtvrptwr": "circularopt.routing.literature:run_mtvrptwr",
    "mdvrp": "circularopt.routing.literature:run_mdvrp",
    "lrp": "circularopt.lrp:run_lrp",
    "kg": "circularopt.instances:run_kg",
}
"""Set name -> ``module:function`` of its runner."""


@dataclass(frozen=True)
class BenchOptions:
    """Options passed to every runner (a runner ignores those that do not apply).

    Parameters
    ----------
    data
        Folder of the set's instance files.
    instances
        Glob pattern selecting instance names, or several separated by commas
        (``None``: all); see :meth:`selects`.
    time_limit
        Seconds per instance, or ``None`` for the set's default.
    time_per_100
        Seconds per 100 customers (overrides ``time_limit`` when given).
    seed
        Random seed for heuristics.
    engine
        Solver engine name, or ``None`` for the set's default.
    solutions
        Folder to write each solution into, or ``None``.
    peers
        Also run the peer solvers in the same budget.
    """

    data: Path
    instances: str | None = None
    time_limit: float | None = None
    time_per_100: float | None = None
    seed: int = 0
    engine: str | None = None
    solutions: Path | None = None
    peers: bool = False

    def selects(self, *names: str) -> bool:
        """Whether an instance known by any of ``names`` (e.g. file stem and file name)
        matches :attr:`instances`."""
        if not self.instances:
            return True
        globs = [g.strip() for g in self.instances.split(",") if g.strip()]
        return any(fnmatch.fnmatch(name, g) for name in names for g in globs)

    def seconds_for(self, n: int, default: float) -> float:
        """Time budget for an instance with ``n`` customers."""
        if self.time_per_100 is not None:
            return self.time_per_100 * n / 100.0
        return self.time_limit if self.time_limit is not None else default


@dataclass(frozen=True)
class BenchRow:
    """One solved instance.

    ``feasible`` comes from the independent validator, never from the solver.
    """

    instance: str
    n: int
    bks: float | None
    cost: float | None
    feasible: bool
    seconds: float
    engine: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def gap_pct(self) -> float | None:
        """Gap to the best-known solution in percent, or ``None`` if unknown."""
        return gap_pct(self.cost, self.bks)

    def as_dict(self) -> dict[str, Any]:
        """The CSV row."""
        gap = self.gap_pct
        return {"instance": self.instance, "n": self.n,
                "bks": "" if self.bks is None else self.bks,
                "cost": "" if self.cost is None else self.cost,
                "gap_pct": "" if gap is None else round(gap, 4),
                "feasible": self.feasible, "seconds": round(self.seconds, 3),
                "engine": self.engine, **self.extra}


def gap_pct(cost: float | None, bks: float | None) -> float | None:
    """``100 * (cost - bks) / bks``, or ``None`` when either is missing."""
    if cost is None or bks is None or not math.isfinite(cost) or bks == 0:
        return None
    return 100.0 * (cost - bks) / abs(bks)


Runner = Callable[[BenchOptions], Iterator[BenchRow]]


def _runner(name: str) -> Runner:
    if name not in BENCH_SETS:
        raise InputError("bench set", name, f"one of {sorted(BENCH_SETS)}")
    module, func = BENCH_SETS[name].split(":")
    runner: Runner = getattr(importlib.import_module(module), func)
    return runner


def run(name: str, options: BenchOptions) -> Iterator[BenchRow]:
    """Solve the instances of set ``name``, yielding one row per instance as it finishes."""
    if not options.data.is_dir():
        raise InputError("--data", str(options.data), "an existing folder of instances")
    yield from _runner(name)(options)


def write_csv(rows: list[BenchRow], path: Path) -> None:
    """Write rows as CSV (columns of the first row, plus any extras)."""
    dicts = [r.as_dict() for r in rows]
    columns: list[str] = []
    for d in dicts:
        columns += [c for c in d if c not in columns]
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(dicts)


SIZE_CLASSES: tuple[tuple[int, int], ...] = ((0, 50), (51, 100), (101, 200), (201, 500),
                                            (501, 1000), (1001, 10**9))
"""Size classes (inclusive ranges of ``n``) for the averages of :func:`markdown_table`."""


def _avg_line(label: str, rows: list[BenchRow]) -> str:
    gaps = [g for r in rows if r.feasible and (g := r.gap_pct) is not None]
    avg = f"{sum(gaps) / len(gaps):.3f}" if gaps else ""
    return (f"| **{label} ({len(rows)})** | | | | {avg} | "
            f"{sum(r.feasible for r in rows)}/{len(rows)} | "
            f"{sum(r.seconds for r in rows):.1f} total | |")


def markdown_table(rows: list[BenchRow]) -> str:
    """Rows as a markdown table, then averages by size class and over all rows.

    Average gaps are over the feasible rows only: an infeasible plan (e.g. one that
    leaves stops out) can cost less than any feasible one.
    """
    head = "| instance | n | bks | cost | gap % | feasible | seconds | engine |"
    lines = [head, "|---|---:|---:|---:|---:|:-:|---:|---|"]
    for r in rows:
        gap = r.gap_pct
        seed = f" (seed {r.extra['seed']})" if "seed" in r.extra else ""
        lines.append(
            f"| {r.instance}{seed} | {r.n} | {'' if r.bks is None else f'{r.bks:.2f}'} | "
            f"{'' if r.cost is None else f'{r.cost:.2f}'} | "
            f"{'' if gap is None else f'{gap:.3f}'} | {'yes' if r.feasible else 'NO'} | "
            f"{r.seconds:.1f} | {r.engine} |")
    if rows:
        classes = [(lo, hi, [r for r in rows if lo <= r.n <= hi]) for lo, hi in SIZE_CLASSES]
        used = [c for c in classes if c[2]]
        if len(used) > 1:
            for lo, hi, members in used:
                label = f"n {lo}-{hi}" if hi < 10**9 else f"n > {lo - 1}"
                lines.append(_avg_line(label, members))
        lines.append(_avg_line("average", rows))
    return "\n".join(lines)


def seed_summary(rows: list[BenchRow]) -> list[BenchRow]:
    """Per instance and engine over seeds: the mean cost (``cost``) and the best.

    Each returned row carries ``extra`` columns ``seeds``, ``best_cost`` and
    ``best_gap_pct``; ``feasible`` is true when every seed's plan was; ``seconds`` is the
    mean.
    """
    groups: dict[tuple[str, str], list[BenchRow]] = {}
    for r in rows:
        groups.setdefault((r.instance, r.engine), []).append(r)
    out = []
    for (instance, engine), members in groups.items():
        costs = [r.cost for r in members if r.cost is not None and r.feasible]
        mean = sum(costs) / len(costs) if costs else None
        best = min(costs) if costs else None
        first = members[0]
        out.append(BenchRow(instance, first.n, first.bks, mean,
                            all(r.feasible for r in members),
                            sum(r.seconds for r in members) / len(members), engine,
                            {"seeds": len(members), "best_cost": best,
                             "best_gap_pct": gap_pct(best, first.bks)}))
    return out
