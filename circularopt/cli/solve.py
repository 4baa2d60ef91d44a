"""``circularopt solve``: from a city or scenario to a validated plan and its outputs."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
from pathlib import Path
from typing import Any

from circularopt._validate import integer
from circularopt.cli._common import (
    add_engine_options,
    add_network_option,
    console,
    engine_options,
    load_network_for,
    turn_graph_for_args,
)
from circularopt.i18n import tr
from circularopt.outputs.tables import CSV_DIALECT_SETTING, CSV_DIALECTS
from circularopt.pipeline import DEFAULT_TIME_LIMIT, solve
from circularopt.routing.decompose import RoutingOptions

LOG_FILE = "circularopt.log"
"""The run's log (solver warnings and notes) in the output folder."""


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
    p.add_argument("--workers", type=int, default=1,
                   help="processes for the siting model, each with another backend "
                        "(default 1)")
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
    p.add_argument("--streets", action=argparse.BooleanOptionalAction, default=None,
                   help="route the private-house sector as curbside streets (a SYNTHETIC "
                        "grid) with the container sites; default: on for cities whose spec "
                        "describes it (bishkek)")
    p.add_argument("--out", type=Path, help="output folder (default out/<scenario name>)")
    p.add_argument("--csv-dialect", choices=list(CSV_DIALECTS), default=None,
                   help="CSV tables: 'excel' (',' and decimal point) or 'excel-ru' (';' and "
                        "decimal comma, opens in columns in a Russian-locale Excel); default "
                        f"the setting {CSV_DIALECT_SETTING}, else excel")
    p.set_defaults(func=_solve)


def _solve(args: argparse.Namespace) -> int:
    from circularopt.outputs import write_outputs

    log = _RunLog()
    try:
        network = graph = None
        if args.network is not None:
            network = load_network_for(args.network, args.road_fields)
            if args.turns is not None:
                graph = turn_graph_for_args(network, args.network, args.turns)
        plan = solve(args.source, network=graph or network, season=args.season,
                     size=args.size, complexes=args.complexes, time_limit=args.time_limit,
                     seed=args.seed, joint=args.joint, week=False if args.peak_day else None,
                     scheduler=args.scheduler, streets=args.streets,
                     siting_workers=integer("--workers", args.workers, lo=1),
                     routing=RoutingOptions(engine=args.engine,
                                            engine_options=engine_options(args.engine_options)),
                     progress=lambda msg: console.print(msg, highlight=False))
        out = args.out if args.out is not None else Path("out") / plan.scenario.name
        written = write_outputs(plan, out, network=network, csv_dialect=args.csv_dialect)
        log_file = log.write_to(out / LOG_FILE)
    finally:
        log.close()
    if log.messages and not (plan.valid and plan.complete):
        for message in log.messages:
            console.print(f"[yellow]{tr('warning')}:[/] {message}", highlight=False)
    console.print(plan.summary(log_file=log_file, logged_warnings=len(log.messages)))
    if "week" in plan.info:
        console.print(_week_summary(plan.info["week"]))
    console.print(tr("wrote {n} files to {folder}: ", n=len(written), folder=out)
                  + ", ".join(sorted(p.name for p in written.values())))
    if not plan.complete:
        console.print("[yellow]" + tr("the run stopped early: the plan is incomplete") + "[/]")
        return 130
    return 0 if plan.valid else 1


class _RunLog:
    """The package's log records of one run, held in memory until the output folder is
    known, then written to a file there (and to that file as the run goes on)."""

    def __init__(self) -> None:
        self.logger = logging.getLogger("circularopt")
        self.old_level = self.logger.level
        self.buffer = logging.handlers.MemoryHandler(capacity=1_000_000,
                                                     flushLevel=logging.CRITICAL + 1)
        self.file: logging.Handler | None = None
        self.messages: list[str] = []
        self.logger.addHandler(self.buffer)
        self.logger.setLevel(logging.INFO)

    def write_to(self, path: Path) -> Path:
        """Write the records so far to ``path`` (UTF-8) when :meth:`close` is called,
        with those logged until then; keep the warnings among them in ``messages``."""
        self.messages = [r.getMessage() for r in self.buffer.buffer
                         if r.levelno >= logging.WARNING]
        self.file = logging.FileHandler(path, mode="w", encoding="utf-8")
        self.file.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.buffer.setTarget(self.file)
        return path

    def close(self) -> None:
        """Flush the records to the file (if any) and detach from the package logger."""
        self.logger.removeHandler(self.buffer)
        self.logger.setLevel(self.old_level)
        self.buffer.close()
        if self.file is not None:
            self.file.close()


def _saving_line(total: dict[str, Any], share: float, peak: float) -> str:
    if share >= 0:
        return tr("  week: {km:,.0f} km, routing cost {cost:,.0f}; {saving:.1%} less than the "
                  "peak day on every working day ({peak:,.0f})", km=total["km"],
                  cost=total["cost"], saving=share, peak=peak)
    return tr("  week: {km:,.0f} km, routing cost {cost:,.0f}; {more:.1%} MORE than the peak "
              "day on every working day ({peak:,.0f}): give the week more time "
              "(--time-limit)", km=total["km"], cost=total["cost"], more=-share, peak=peak)


def _week_summary(week: dict[str, Any]) -> str:
    """Lines on the week plan: trucks per day, the week's figures and the saving."""
    trucks = ", ".join(f"{d['day']} {d['trucks']}" for d in week["days"])
    total, saving = week["total"], week["saving"]
    return "\n".join([
        tr("  week ({days}): trucks per day {trucks}", days=" ".join(week["working_days"]),
           trucks=trucks),
        _saving_line(total, saving["cost_share"], week["peak_day_every_day"]["cost"]),
        tr("  week validation: {verdict}",
           verdict="passed" if week["valid"] else "FAILED: " + "; ".join(week["violations"][:3])),
    ])
