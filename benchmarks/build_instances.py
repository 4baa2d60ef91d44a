"""Build (or improve) the Kyrgyz instance library in ``instances/``.

For each entry of :data:`LIBRARY` this script generates the scenario from its city spec
(fixed size and seed), writes the instance folder, solves it with the pipeline, checks
the plan with :func:`circularopt.plan.validate_plan`, and keeps it as ``best.plan.json`` when
it is valid and cheaper than the plan already there. ``instances/BKS.csv`` is rewritten
from the best plans. Run again with a longer budget or other seeds to improve them::

    python benchmarks/build_instances.py --time-per-100 10 --seed 0
    python benchmarks/build_instances.py --only 'bishkek-*' --time-per-100 30 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import fnmatch
import shlex
import sys
import time
from pathlib import Path

from circularopt.cities import generate
from circularopt.config import project_root
from circularopt.exceptions import CircularOptError
from circularopt.instances import load_instance, save_instance
from circularopt.pipeline import solve
from circularopt.plan import Plan, validate_plan
from circularopt.routing.decompose import RoutingOptions

LIBRARY: tuple[tuple[str, str, str | None, int, int], ...] = (
    # name, city, season, collection points, generator seed
    ("bishkek-300", "bishkek", None, 300, 1),
    ("bishkek-1000", "bishkek", None, 1000, 2),
    ("bishkek-2000", "bishkek", None, 2000, 3),
    ("bishkek-5000", "bishkek", None, 5000, 4),
    ("osh-200", "osh", None, 200, 1),
    ("osh-500", "osh", None, 500, 2),
    ("osh-1000", "osh", None, 1000, 3),
    ("issyk-kul-summer-300", "issyk-kul", "summer", 300, 1),
    ("issyk-kul-summer-1000", "issyk-kul", "summer", 1000, 2),
    ("issyk-kul-summer-2000", "issyk-kul", "summer", 2000, 3),
    ("issyk-kul-winter-300", "issyk-kul", "winter", 300, 1),
    ("issyk-kul-winter-1000", "issyk-kul", "winter", 1000, 2),
)
"""The library: instance name, city spec, season, size, generator seed."""

COLUMNS = ["instance", "city", "season", "points", "t_per_day", "annual_cost",
           "routing_cost_per_day", "vehicles", "km_per_day", "complexes", "engine",
           "time_limit", "seed", "found", "command"]


def main(argv: list[str] | None = None) -> int:
    """Build the library; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=project_root() / "instances")
    parser.add_argument("--only", help="glob of instance names")
    parser.add_argument("--time-per-100", type=float, default=10.0,
                        help="pipeline seconds per 100 points (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="solver seed")
    parser.add_argument("--engine", default="pyvrp")
    args = parser.parse_args(argv)
    command = "python benchmarks/build_instances.py " + shlex.join(sys.argv[1:] if argv is None
                                                                   else argv)
    failed: list[str] = []
    for name, city, season, size, gen_seed in LIBRARY:
        if args.only and not fnmatch.fnmatch(name, args.only):
            continue
        folder = args.out / name
        if not (folder / "scenario.json").is_file():
            save_instance(generate(city, size=size, seed=gen_seed, season=season), folder)
        inst = load_instance(folder)
        limit = max(20.0, args.time_per_100 * size / 100.0)
        t0 = time.perf_counter()
        try:
            plan = solve(inst.scenario, time_limit=limit, seed=args.seed,
                         routing=RoutingOptions(engine=args.engine))
        except CircularOptError as exc:
            failed.append(name)
            print(f"{name}: FAILED after {time.perf_counter() - t0:.0f}s: "
                  f"{type(exc).__name__}: {exc}", flush=True)
            continue
        verdict = validate_plan(inst.scenario, inst.matrices, plan)
        cost = verdict.cost
        old = None
        if inst.best_plan_path.is_file():
            old = validate_plan(inst.scenario, inst.matrices, Plan.load(inst.best_plan_path))
        better = verdict.ok and cost is not None and (
            old is None or not old.ok or old.cost is None or cost < old.cost)
        print(f"{name}: {size} points, {time.perf_counter() - t0:.0f}s, "
              f"{'valid' if verdict.ok else 'INVALID'}, annual cost {cost}"
              + (f" (best so far {old.cost})" if old is not None else "")
              + (" -> new best" if better else ""), flush=True)
        if better:
            info = {**plan.info, "command": command,
                    "found": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")}
            dataclasses.replace(plan, info=info).save(inst.best_plan_path)
    write_bks(args.out)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


def write_bks(folder: Path) -> None:
    """Rewrite ``BKS.csv`` from the best plans in ``folder``."""
    rows = []
    for name, city, season, size, _ in LIBRARY:
        path = folder / name / "best.plan.json"
        if not path.is_file():
            continue
        plan = Plan.load(path)
        assert plan.kpis is not None and plan.routing is not None and plan.siting is not None
        rows.append({
            "instance": name, "city": city, "season": season or "", "points": size,
            "t_per_day": round(plan.scenario.total_tonnes_per_day, 3),
            "annual_cost": round(plan.kpis.annual_cost["total"], 2),
            "routing_cost_per_day": round(plan.routing.cost, 2),
            "vehicles": plan.kpis.vehicles_used, "km_per_day": round(plan.kpis.km_per_day, 2),
            "complexes": len(plan.siting.open_complexes),
            "engine": plan.info.get("engine", ""), "time_limit": plan.info.get("time_limit"),
            "seed": plan.info.get("seed"), "found": plan.info.get("found", ""),
            "command": plan.info.get("command", "")})
    with (folder / "BKS.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    sys.exit(main())
