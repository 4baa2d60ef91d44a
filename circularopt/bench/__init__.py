"""Benchmark sets: readers of the literature's instance files and runners that solve them.

Each set (``cflp``, ``cvrp``, ...) has a *runner* that yields one :class:`BenchRow` per
instance it solved, with the cost under the set's own convention and ``feasible`` from an
independent validator. :func:`run` finds the runner of a set; the rows are written as CSV
(:func:`write_csv`) and as a markdown table (:func:`markdown_table`).

Modules, one per format family: :mod:`~circularopt.bench.facility` (``cflp``, ``sscflp``,
``tscflp``), :mod:`~circularopt.bench.vrplib` (``cvrp``, ``vrptw`` and their peers),
:mod:`~circularopt.bench.kim` (``wcvrptw``), :mod:`~circularopt.bench.yang`
(``mtvrptwr``), :mod:`~circularopt.bench.cordeau` (``mdvrp``),
:mod:`~circularopt.bench.lrp` (``lrp``), :mod:`~circularopt.bench.carp` (``carp``, arc
routing) and :mod:`~circularopt.bench.kg` (``kg``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from circularopt.bench._core import (
    SIZE_CLASSES,
    BenchOptions,
    BenchRow,
    Runner,
    gap_pct,
    markdown_table,
    seed_summary,
    write_csv,
)
from circularopt.exceptions import InputError

__all__ = ["BENCH_SETS", "ROUTING_SETS", "SIZE_CLASSES", "BenchOptions", "BenchRow", "Runner",
           "gap_pct", "markdown_table", "run", "runner", "seed_summary", "write_csv"]


def _cflp() -> Runner:
    from circularopt.bench.facility import run_cflp
    return run_cflp


def _sscflp() -> Runner:
    from circularopt.bench.facility import run_sscflp
    return run_sscflp


def _tscflp() -> Runner:
    from circularopt.bench.facility import run_tscflp
    return run_tscflp


def _pvrp() -> Runner:
    from circularopt.bench.pvrp import run_pvrp
    return run_pvrp


def _pvrpif() -> Runner:
    from circularopt.bench.pvrpif import run_pvrpif
    return run_pvrpif


def _cvrp() -> Runner:
    from circularopt.bench.vrplib import run_cvrp
    return run_cvrp


def _vrptw() -> Runner:
    from circularopt.bench.vrplib import run_vrptw
    return run_vrptw


def _wcvrptw() -> Runner:
    from circularopt.bench.kim import run_wcvrptw
    return run_wcvrptw


def _mtvrptwr() -> Runner:
    from circularopt.bench.yang import run_mtvrptwr
    return run_mtvrptwr


def _mdvrp() -> Runner:
    from circularopt.bench.cordeau import run_mdvrp
    return run_mdvrp


def _lrp() -> Runner:
    from circularopt.bench.lrp import run_lrp
    return run_lrp


def _carp() -> Runner:
    from circularopt.bench.carp import run_carp
    return run_carp


def _kg() -> Runner:
    from circularopt.bench.kg import run_kg
    return run_kg


BENCH_SETS: dict[str, Callable[[], Runner]] = {
    "cflp": _cflp, "sscflp": _sscflp, "tscflp": _tscflp,
    "cvrp": _cvrp, "vrptw": _vrptw,
    "wcvrptw": _wcvrptw, "mtvrptwr": _mtvrptwr, "mdvrp": _mdvrp,
    "pvrp": _pvrp, "pvrpif": _pvrpif, "lrp": _lrp, "kg": _kg, "carp": _carp,
}
"""Set name -> function returning its runner (imported on first use: the runners pull in
the solvers)."""

ROUTING_SETS = ("cvrp", "vrptw", "wcvrptw", "mtvrptwr", "mdvrp", "pvrp", "pvrpif")
"""Sets solved by a routing engine (the ones that take ``engine_options``)."""


def runner(name: str) -> Runner:
    """The runner of set ``name``.

    Raises
    ------
    InputError
        Unknown set.
    """
    if name not in BENCH_SETS:
        raise InputError("bench set", name, f"one of {sorted(BENCH_SETS)}")
    return BENCH_SETS[name]()


def run(name: str, options: BenchOptions) -> Iterator[BenchRow]:
    """Solve the instances of set ``name``, yielding one row per instance as it finishes.

    Raises
    ------
    InputError
        Unknown set, or ``options.data`` is not a folder.
    """
    if not options.data.is_dir():
        raise InputError("--data", str(options.data), "an existing folder of instances")
    yield from runner(name)(options)
