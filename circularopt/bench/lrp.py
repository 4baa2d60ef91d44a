"""Prodhon's location-routing instances (``lrp``): the runner.

Instances are read with :func:`circularopt.lrp.read_prodhon` and solved with
:func:`circularopt.lrp.solve_lrp`; ``feasible`` and ``cost`` come from
:func:`circularopt.lrp.validate_lrp`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from circularopt.bench._core import BenchOptions, BenchRow, bks_column, write_json
from circularopt.exceptions import CircularOptError, DataNotFoundError
from circularopt.lrp import LRPInstance, LRPResult, read_prodhon, solve_lrp, validate_lrp

__all__ = ["BENCH_ROUNDING", "run_lrp"]

BENCH_ROUNDING = "ceil"
"""Arc cost convention of the benchmark (the one the published best-known values use)."""


def _files(options: BenchOptions) -> list[Path]:
    folder = Path(options.data)
    inst_dir = folder / "prodhon" / "instances"
    if not inst_dir.is_dir():
        inst_dir = folder
    files = [f for f in sorted(inst_dir.glob("*.dat")) if options.selects(f.stem, f.name)]
    if not files:
        raise DataNotFoundError(f"no LRP instances (*.dat) matching "
                                f"{options.instances or '*'} in {inst_dir}")
    return files


def _read(path: Path) -> LRPInstance:
    """The instance under the benchmark's convention: :data:`BENCH_ROUNDING` for integer
    costs (flag 0), the file's real costs otherwise (flag 1)."""
    inst = read_prodhon(path)
    return inst.with_rounding(BENCH_ROUNDING) if inst.rounding == "trunc" else inst


def _solve(inst: LRPInstance, options: BenchOptions, engine: str
           ) -> tuple[LRPResult | None, str, float]:
    """The solver's result (``None`` on failure), the error and the wall seconds."""
    t0 = time.perf_counter()
    try:
        res = solve_lrp(inst, time_limit=options.seconds_for(inst.n, 60.0),
                        seed=options.seed, engine=engine)
        return res, "", time.perf_counter() - t0
    except CircularOptError as exc:
        return None, str(exc), time.perf_counter() - t0


def run_lrp(options: BenchOptions) -> Iterator[BenchRow]:
    """Prodhon's LRP instances: ``DATA/prodhon/instances/*.dat`` (or ``DATA/*.dat``).

    ``bks`` is ``best_of_listed`` from ``DATA/BKS.csv``. Files with integer costs (flag 0)
    are solved and costed with ``ceil(100 x Euclidean)`` arcs (the convention the
    best-known values follow, see :mod:`circularopt.lrp`), and ``cost_trunc`` is the same
    plan with truncated arcs; files with real costs (flag 1) with the Euclidean distance
    (``cost_trunc`` empty). ``feasible`` comes from
    :func:`~circularopt.lrp.validate_lrp`. Default engine ``pyvrp``, default budget 60 s.
    With ``--solutions DIR`` each plan is written to ``DIR/<instance>.<engine>.json``.
    """
    files = _files(options)
    bks = bks_column(Path(options.data) / "BKS.csv", "instance", "best_of_listed")
    engine = options.engine or "pyvrp"
    for path in files:
        inst = _read(path)
        res, error, seconds = _solve(inst, options, engine)
        if res is None:
            yield BenchRow(inst.name, inst.n, bks.get(inst.name), None, False, seconds,
                           engine, {"depots": "", "routes": "", "cost_trunc": "",
                                    "error": error})
            continue
        report = validate_lrp(inst, res.solution)
        trunc: float | str = ""
        if inst.rounding == BENCH_ROUNDING:
            trunc = round(validate_lrp(inst.with_rounding("trunc"), res.solution).cost, 6)
        yield BenchRow(inst.name, inst.n, bks.get(inst.name), round(report.cost, 6),
                       report.ok, seconds, engine,
                       {"depots": " ".join(map(str, res.solution.open_depots)),
                        "routes": len(res.solution.routes), "cost_trunc": trunc,
                        "error": "; ".join(report.violations[:3])})
        write_json(options, f"{inst.name}.{engine}.json",
                   {"instance": inst.name, "rounding": inst.rounding, "cost": report.cost,
                    "cost_trunc": trunc, "indices": "0-based, in the instance file's order",
                    **res.solution.to_dict()})
