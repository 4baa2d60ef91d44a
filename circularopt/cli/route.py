"""``circularopt route``: plan the daily collection routes of a scenario.

Points unload where the siting result assigns them (``--siting``); without one, every
point unloads at the complex candidate or landfill nearest to it by travel time (there and
back). Travel times and distances come from the road network given with ``--network``,
else from the offline approximation
(:func:`circularopt.matrices.approximate_matrices`), announced as approximate in the
output. The scenario is diagnosed first (:func:`circularopt.diagnose.require_feasible`:
an impossible scenario, e.g. street runs no truck can reach, is refused with the reasons).
The city is decomposed by unload site (and sector when large), the parts are solved in
parallel and the stitched plan is checked by the independent validator.

A scenario's curbside streets are routed too, as ``circularopt solve`` routes them: as
street runs (:mod:`circularopt.routing.curbside`) unloading where their zone's
``curbside-<zone>`` demand point is assigned (the siting result of ``circularopt site``
holds them; without one, the site nearest to the zone's point).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.markup import escape

from circularopt.cli._common import (
    add_network_option,
    atomic_write,
    console,
    existing_file,
    matrices_for,
)
from circularopt.diagnose import require_feasible
from circularopt.exceptions import InputError
from circularopt.i18n import num, tr
from circularopt.routing.curbside import (
    StreetRun,
    curbside_info,
    scenario_runs,
    siting_scenario,
    zone_point_id,
)
from circularopt.routing.decompose import RoutingOptions, route_city
from circularopt.routing.engines import ENGINES
from circularopt.routing.scenario import nearest_sites
from circularopt.scenario import Scenario


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``route`` subcommand."""
    p = sub.add_parser("route", help="plan collection routes with unloading trips")
    p.add_argument("scenario", help="scenario JSON file")
    add_network_option(p)
    p.add_argument("--engine", choices=ENGINES, default="pyvrp", help="routing engine")
    p.add_argument("--time-limit", type=float, default=60.0,
                   help="global wall-clock seconds (default 60)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--siting", help="siting result JSON (circularopt site --out); default: "
                                    "each point unloads at the nearest complex candidate "
                                    "or landfill")
    p.add_argument("--max-part-stops", type=int, default=300,
                   help="largest part of the decomposition (default 300)")
    p.add_argument("--workers", type=int, help="parallel processes (default: all CPUs)")
    p.add_argument("--day", type=int, choices=range(7), metavar="0-6",
                   help="plan one weekday (only points due that day); default every point")
    p.add_argument("--out", type=Path, help="write the plan as JSON")
    p.set_defaults(func=_route)


def _zones_sited(runs: Sequence[StreetRun], assignment: Mapping[str, str],
                 path: str) -> None:
    """Refuse a siting result that does not assign the streets' zones."""
    missing = sorted({zone_point_id(r.zone) for r in runs} - set(assignment))
    if missing:
        raise InputError("--siting", path, tr(
            "a siting result that assigns the curbside zones {zones} (made by circularopt "
            "site on this scenario with its streets)", zones=missing[:5]))


def _route(args: argparse.Namespace) -> int:
    scenario = Scenario.from_json(existing_file(args.scenario, option="scenario"))
    matrices = matrices_for(scenario, args.network, args.road_fields, args.turns)
    runs = scenario_runs(scenario)
    if runs:
        console.print(tr("curbside streets: {n} in {runs} runs, {t} t/day{synthetic}",
                         n=num(len(scenario.streets)), runs=len(runs),
                         t=num(sum(r.tonnes for r in runs), 1),
                         synthetic=tr(" (SYNTHETIC)") if any(r.synthetic for r in runs)
                         else ""))
    for warning in require_feasible(scenario, matrices).warnings:
        console.print(f"[yellow]{tr('warning')}:[/] {escape(warning)}", highlight=False)
    if args.siting:
        from circularopt.siting.result import SitingResult

        siting = SitingResult.from_json(existing_file(args.siting, option="--siting"))
        assignment = dict(siting.assignment)
        _zones_sited(runs, assignment, args.siting)
        source = f"siting result {args.siting}"
    else:
        assignment = nearest_sites(siting_scenario(scenario, runs), matrices)
        source = "nearest complex candidate or landfill by travel time"
    console.print(f"unloading: {source}")
    options = RoutingOptions(engine=args.engine, max_part_stops=args.max_part_stops,
                             workers=args.workers, day=args.day)
    plan = route_city(scenario, matrices, assignment=assignment, options=options,
                      time_limit=args.time_limit, seed=args.seed,
                      progress=lambda msg: console.print(f"  {msg}", markup=False),
                      runs=runs)
    console.print(plan.summary(), markup=False)
    if args.out is not None:
        data = {"scenario": scenario.name, "engine": args.engine, "seed": args.seed,
                "time_limit": args.time_limit, "day": args.day,
                "approximate_matrices": matrices.approximate,
                "matrices_source": matrices.source, "unloading": source,
                "valid": plan.report.ok, "violations": list(plan.report.violations),
                "curbside": curbside_info(scenario, runs) if runs else None,
                "parts": [{"name": p.name, "site": p.site, "points": list(p.points),
                           "runs": list(p.runs),
                           "tonnes": p.tonnes, "fleet": dict(p.fleet),
                           "error": plan.errors.get(p.name, "")} for p in plan.parts],
                "vehicle_types": [v.name for v in plan.problem.vehicle_types],
                "result": plan.result.to_dict()}
        atomic_write(args.out, lambda tmp: tmp.write_text(json.dumps(data, indent=1),
                                                          encoding="utf-8"))
        console.print(f"wrote {args.out}")
    return 0 if plan.report.ok and not plan.result.unassigned else 1
