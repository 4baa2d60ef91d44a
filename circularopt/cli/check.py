"""``circularopt check``: validate any plan against an instance and print its cost.

A scenario JSON with curbside streets gets the matrices ``circularopt solve`` gave it
offline, over its street runs' ends and zones too
(:func:`circularopt.routing.curbside.curbside_matrices`), so that the plan's street runs
are checked: every street served exactly once under its rule, loads, unloading, costs
(:func:`circularopt.plan.validate_plan`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from circularopt.cli._common import console
from circularopt.exceptions import InputError
from circularopt.i18n import num, tr
from circularopt.instances import load_instance
from circularopt.plan import Plan, validate_plan
from circularopt.routing.curbside import scenario_runs


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` subcommand."""
    p = sub.add_parser(
        "check", help="validate a plan against an instance and print its cost",
        description="Recompute every cost and check every constraint of PLAN against "
                    "INSTANCE (an instance folder or a scenario JSON), however PLAN was made.")
    p.add_argument("instance", type=Path, help="instance folder or scenario JSON")
    p.add_argument("plan", type=Path, help="plan.json (or an output folder holding one)")
    p.add_argument("--limit", type=int, default=20, help="violations to print (default 20)")
    p.set_defaults(func=_check)


def _check(args: argparse.Namespace) -> int:
    path = args.plan / "plan.json" if args.plan.is_dir() else args.plan
    if not path.is_file():
        raise InputError("plan", str(args.plan), "a plan.json file or a folder holding one")
    instance = load_instance(args.instance)
    scenario, matrices = instance.scenario, instance.matrices
    runs = scenario_runs(scenario)
    verdict = validate_plan(scenario, matrices, Plan.load(path))
    streets = tr(", {n} curbside streets in {runs} runs", n=num(len(scenario.streets)),
                 runs=len(runs)) if runs else ""
    console.print(f"instance {instance.name}: {len(scenario.collection_points)} "
                  f"points{streets}; matrices: {matrices.source}")
    console.print(verdict.summary(limit=args.limit))
    return 0 if verdict.ok else 1
