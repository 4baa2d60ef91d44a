"""Prodhon's location-routing instances (``lrp``): the runner.

Instances are read with :func:`circularopt.lrp.read_prodhon` and solved with
:func:`circularopt.lrp.solve_lrp`; ``feasible`` and ``cost`` come from
:func:`circularopt.lrp.validate_lrp`.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path

from circularopt.bench._core import BenchOptions, BenchRow
from circularopt.exceptions import CircularOptError, DataNotFoundError
from circularopt.lrp import LRPResult, read_prodhon, solve_lrp, validate_lrp

__all__ = ["BENCH_ROUNDING", "run_lrp"]

BENCH_ROUNDING = "ceil"
"""Arc cost convention of the benchmark (the one the published best-known values use)."""


def _bks(folder: Path) -> dict[str, float]:
    path = folder / "BKS.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {r["instance"]: float(r["best_of_listed"]) for r in csv.DictReader(fh)
                if r.get("best_of_listed")}


def run_lrp(options: BenchOptions) -> Iterator[BenchRow]:
    """Prodhon's LRP instances: ``DATA/prodhon/instances/*.dat`` (or ``DATA/*.dat``).

    ``bks`` is ``best_of_listed`` from ``DATA/BKS.csv``. Plans are solved and costed with
    ``ceil(100 x Euclidean)`` arcs (the convention the best-known values follow, see the
    module notes); ``cost_trunc`` is the same plan with truncated arcs. ``feasible`` comes
    from :func:`validate_lrp`. Default engine ``pyvrp``, default budget 60 s. With
    ``--solutions DIR`` each plan is written to ``DIR/<instance>.<engine>.json``.
    """
    folder = Path(options.data)
    inst_dir = folder / "prodhon" / "instances"
    if not inst_dir.is_dir():
        inst_dir = folder
    files = sorted(inst_dir.glob("*.dat"))
    files = [f for f in files if options.selects(f.stem, f.name)]
    if not files:
        raise DataNotFoundError(f"no LRP instances (*.dat) matching "
                                f"{options.instances or '*'} in {inst_dir}")
    bks = _bks(folder)
    engine = options.engine or "pyvrp"
    for path in files:
        inst = read_prodhon(path, rounding=BENCH_ROUNDING)
        budget = options.seconds_for(inst.n, 60.0)
        t0 = time.perf_counter()
        try:
            res: LRPResult | None = solve_lrp(inst, time_limit=budget, seed=options.seed,
                                              engine=engine)
            error = ""
        except CircularOptError as exc:
            res, error = None, str(exc)
        seconds = time.perf_counter() - t0
        if res is None:
            yield BenchRow(inst.name, inst.n, bks.get(inst.name), None, False, seconds,
                           engine, {"depots": "", "routes": "", "cost_trunc": "",
                                    "error": error})
            continue
        report = validate_lrp(inst, res.solution)
        trunc = validate_lrp(inst.with_rounding("trunc"), res.solution).cost
        yield BenchRow(inst.name, inst.n, bks.get(inst.name), round(report.cost, 6),
                       report.ok, seconds, engine,
                       {"depots": " ".join(map(str, res.solution.open_depots)),
                        "routes": len(res.solution.routes), "cost_trunc": round(trunc, 6),
                        "error": "; ".join(report.violations[:3])})
        if options.solutions is not None:
            out = Path(options.solutions)
            out.mkdir(parents=True, exist_ok=True)
            data = {"instance": inst.name, "rounding": inst.rounding, "cost": report.cost,
                    "cost_trunc": trunc, "indices": "0-based, in the instance file's order",
                    **res.solution.to_dict()}
            (out / f"{inst.name}.{engine}.json").write_text(json.dumps(data, indent=1),
                                                            encoding="utf-8")
