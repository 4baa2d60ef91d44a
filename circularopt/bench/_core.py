"""What every benchmark runner shares: options, rows, gaps, tables and output files.

A *runner* yields one :class:`BenchRow` per instance it solved, computing the cost under
the set's own convention and checking the solution with an independent validator.
"""

from __future__ import annotations

import csv
import fnmatch
import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from circularopt._validate import ident, integer, number
from circularopt.exceptions import DataNotFoundError, InputError

__all__ = ["SIZE_CLASSES", "BenchOptions", "BenchRow", "Runner", "bks_column", "gap_pct",
           "instance_files", "markdown_table", "routing_engine_options", "seed_summary",
           "solution_path", "write_csv", "write_json"]



@dataclass(frozen=True, kw_only=True)
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
    engine_options
        Options of the routing engine for the routing sets (names as in
        :func:`circularopt.routing.engines.solve`); see :func:`routing_engine_options`.
    workers
        Processes of the facility location portfolio (``engine="portfolio"`` of the
        ``cflp`` and ``sscflp`` sets), or ``None`` for its default.

    Raises
    ------
    InputError
        A field out of range, named ``bench_options.<field>``.
    """

    data: Path
    instances: str | None = None
    time_limit: float | None = None
    time_per_100: float | None = None
    seed: int = 0
    engine: str | None = None
    solutions: Path | None = None
    peers: bool = False
    engine_options: Mapping[str, Any] = field(default_factory=dict)
    workers: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", Path(self.data))
        for name in ("time_limit", "time_per_100"):
            if getattr(self, name) is not None:
                number(f"bench_options.{name}", getattr(self, name), lo=0, lo_open=True)
        integer("bench_options.seed", self.seed)
        if self.workers is not None:
            integer("bench_options.workers", self.workers, lo=1)
        if self.engine is not None:
            ident("bench_options.engine", self.engine)
        if self.solutions is not None:
            object.__setattr__(self, "solutions", Path(self.solutions))
        if not isinstance(self.engine_options, Mapping):
            raise InputError("bench_options.engine_options", self.engine_options,
                             "a mapping of option name to value")
        for key in self.engine_options:
            ident("bench_options.engine_options key", key)
        object.__setattr__(self, "engine_options",
                           MappingProxyType(dict(self.engine_options)))

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
"""A set's runner: one :class:`BenchRow` per solved instance."""


_RUNNER_SET = ("engine", "time_limit", "seed", "allow_infeasible", "clock")
"""Arguments of the engine call that the runner sets itself."""


def routing_engine_options(options: BenchOptions) -> dict[str, Any]:
    """``--engine-options`` as the routing engine takes them.

    The one place where the bench options become engine options: today the keyword
    arguments of :func:`circularopt.routing.engines.solve`, which refuses unknown names.

    Raises
    ------
    InputError
        An option the runner sets itself (engine, time limit, seed, clock).
    """
    for name in options.engine_options:
        if name in _RUNNER_SET:
            raise InputError("engine_options", name,
                             "an option of the engine; engine, time limit and seed have "
                             "their own flags, and bench budgets are CPU seconds")
    return dict(options.engine_options)


def instance_files(options: BenchOptions, pattern: str, folder: Path | None = None
                   ) -> list[Path]:
    """Files of ``folder`` (default ``options.data``) matching ``pattern`` whose stem or
    name :meth:`BenchOptions.selects` (the folder must hold at least one match)."""
    folder = Path(options.data if folder is None else folder)
    files = sorted(folder.glob(pattern))
    if not files:
        raise DataNotFoundError(f"no instances matching {pattern!r} in {folder}")
    return [f for f in files if options.selects(f.stem, f.name)]


def bks_column(path: Path, key: str, column: str) -> dict[str, float]:
    """``{row[key]: float(row[column])}`` of a CSV file (empty when it does not exist)."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {row[key]: float(row[column]) for row in csv.DictReader(fh)
                if row.get(column)}


def solution_path(options: BenchOptions, name: str) -> Path | None:
    """``options.solutions / name`` (folder created), or ``None`` without a folder."""
    if options.solutions is None:
        return None
    folder = Path(options.solutions)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name.replace("/", "_")


def write_json(options: BenchOptions, name: str, data: dict[str, Any]) -> None:
    """Write ``data`` as ``options.solutions / name`` (nothing without a folder)."""
    path = solution_path(options, name)
    if path is not None:
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")


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
