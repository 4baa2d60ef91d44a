"""``circularopt solve``: from a city or scenario to a validated plan and its outputs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from circularopt.cli._common import (
    add_engine_options,
    add_network_option,
    console,
    engine_options,
)
from circularopt.i18n import tr
from circularopt.pipeline import DEFAULT_TIME_LIMIT, solve
from circularopt.routing.decompose import RoutingOptions


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``solve`` subcommand."""
    p = sub.add_parser(
        "solve", help="plan a cluster: siting, feedstock, routes, outputs",
        description="Run network/matrices -> siting -> feedstock -> routing -> validation "
                    "and write the plan. Ctrl-C stops early and saves the plan so far.")
    p.add_argument("source", help="city name (bishkek, osh, issyk-kul) or scenario JSON")
    add_network_option(p)
    p.add_argument("--season", help="season for cities that have them (summer, winter)")
    p.add_argument("--size", type=int, help="number of container sites to generate")
    p.add_argument("--complexes", type=int, help="exact number of sorting complexes")
    p.add_argument("--engine", default="pyvrp", choices=["pyvrp", "ortools"],
                   help="routing engine (default pyvrp)")
    p.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT,
                   help=f"wall-clock budget in seconds (default {DEFAULT_TIME_LIMIT:g})")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    add_engine_options(p)
    p.add_argument("--joint", action="store_true",
                   help="judge siting by routed cost: route the model's choice and its "
                        "neighbours (one complex fewer/more) briefly, keep the cheapest")
    p.add_argument("--peak-day", action="store_true",
                   help="route only the peak day (every point due) instead of planning "
                        "the week when some points are collected less than daily")
    p.add_argument("--scheduler",
                   help="address of a Dask scheduler to route the week's days on (default: "
                        "one after another, or a local cluster for large weeks)")
    p.add_argument("--out", type=Path, help="output folder (default out/<scenario name>)")
    p.set_defaults(func=_solve)


def _solve(args: argparse.Namespace) -> int:
    from circularopt.outputs import write_outputs

    network = None
    if args.network is not None:
        from circularopt.network import load_network

        console.print(f"loading road network {args.network} ...")
        network = load_network(args.network)
        console.print(network.summary())
    plan = solve(args.source, network=network, season=args.season, size=args.size,
                 complexes=args.complexes, time_limit=args.time_limit,
                 seed=args.seed, joint=args.joint, week=False if args.peak_day else None,
                 scheduler=args.scheduler,
                 routing=RoutingOptions(engine=args.engine,
                                        engine_options=engine_options(args.engine_options)),
                 progress=lambda msg: console.print(msg, highlight=False))
    out = args.out if args.out is not None else Path("out") / plan.scenario.name
    written = write_outputs(plan, out, network=network)
    console.print(plan.summary())
    if "week" in plan.info:
        console.print(_week_summary(plan.info["week"]))
    console.print(f"wrote {len(written)} files to {out}: "
                  + ", ".join(sorted(p.name for p in written.values())))
    if not plan.complete:
        console.print("[yellow]the run stopped early: the plan is incomplete[/]")
        return 130
    return 0 if plan.valid else 1


def _week_summary(week: dict[str, Any]) -> str:
    """Lines on the week plan: trucks per day, the week's figures and the saving."""
    trucks = ", ".join(f"{d['day']} {d['trucks']}" for d in week["days"])
    total, saving = week["total"], week["saving"]
    return "\n".join([
        tr("  week ({days}): trucks per day {trucks}", days=" ".join(week["working_days"]),
           trucks=trucks),
        tr("  week: {km:,.0f} km, routing cost {cost:,.0f}; {saving:.1%} less than the peak "
           "day on every working day ({peak:,.0f})", km=total["km"], cost=total["cost"],
           saving=saving["cost_share"], peak=week["peak_day_every_day"]["cost"]),
        tr("  week validation: {verdict}",
           verdict="passed" if week["valid"] else "FAILED: " + "; ".join(week["violations"][:3])),
    ])
