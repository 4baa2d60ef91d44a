"""The Kyrgyz instance library (``kg``): the pipeline on each instance, checked.

Instances are read with :func:`circularopt.instances.load_instance`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from circularopt.bench._core import BenchOptions, BenchRow
from circularopt.instances import load_instance, read_bks

__all__ = ["run_kg"]


def run_kg(options: BenchOptions) -> Iterator[BenchRow]:
    """Bench runner of the Kyrgyz library: the pipeline on each instance, checked.

    ``cost`` is the plan's annual cost recomputed by :func:`circularopt.check.validate_plan`;
    ``bks`` the best-known annual cost from ``BKS.csv``; ``n`` the collection points.
    The default budget is ``n / 10`` seconds (``--time-per-100 10``).
    """
    from circularopt.pipeline import solve
    from circularopt.plan import validate_plan
    from circularopt.routing.decompose import RoutingOptions

    bks = read_bks(options.data)
    folders = sorted(p for p in Path(options.data).iterdir() if (p / "scenario.json").is_file())
    for folder in folders:
        if not options.selects(folder.name):
            continue
        inst = load_instance(folder)
        n = len(inst.scenario.collection_points)
        seconds = options.seconds_for(n, default=max(10.0, n / 10.0))
        engine = options.engine or "pyvrp"
        t0 = time.perf_counter()
        plan = solve(inst.scenario, routing=RoutingOptions(engine=engine), time_limit=seconds,
                     seed=options.seed)
        elapsed = time.perf_counter() - t0
        verdict = validate_plan(inst.scenario, inst.matrices, plan)
        if options.solutions is not None:
            plan.save(options.solutions / f"{folder.name}.plan.json")
        yield BenchRow(folder.name, n, bks.get(folder.name), verdict.annual_cost,
                       verdict.ok, elapsed, engine,
                       {"routing_cost_per_day": verdict.routing_cost_per_day,
                        "violations": len(verdict.violations)})
