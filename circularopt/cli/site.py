"""``circularopt site``: site sorting complexes for a scenario and write the result.

A scenario's curbside streets count in the siting demand through one demand point per
zone (:func:`circularopt.routing.curbside.siting_scenario`), as ``circularopt solve``
sites them; the result assigns each zone's ``curbside-<zone>`` point to a complex.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from circularopt._validate import integer
from circularopt.cli._common import (
    add_network_option,
    atomic_write,
    console,
    existing_file,
    matrices_for,
)
from circularopt.i18n import num, tr
from circularopt.routing.curbside import scenario_runs, siting_scenario
from circularopt.scenario import Scenario
from circularopt.siting.model import BACKENDS, DEFAULT_BACKEND, SitingOptions, site
from circularopt.siting.validate import validate_siting


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``site`` subcommand."""
    p = sub.add_parser("site", help="site sorting complexes and assign feedstock (MIP)")
    p.add_argument("scenario", help="scenario JSON file")
    add_network_option(p)
    group = p.add_mutually_exclusive_group()
    group.add_argument("--complexes", type=int, help="open exactly N complexes")
    group.add_argument("--max-complexes", type=int, help="open at most N complexes")
    p.add_argument("--min-diversion", type=float,
                   help="minimum share of waste delivered to recyclers (0-1)")
    p.add_argument("--max-travel-minutes", type=float,
                   help="longest travel time from a point to its complex")
    p.add_argument("--lock-open", action="append", default=[], metavar="ID",
                   help="complex candidate that must open (repeatable)")
    p.add_argument("--lock-closed", action="append", default=[], metavar="ID",
                   help="complex candidate that must stay closed (repeatable)")
    p.add_argument("--allow-direct-landfill", action="store_true",
                   help="let points be collected straight to a landfill")
    p.add_argument("--open-candidate-recyclers", action="store_true",
                   help="allow opening candidate recyclers at their opening cost")
    p.add_argument("--backend", choices=sorted(BACKENDS), default=DEFAULT_BACKEND,
                   help=f"MIP solver (default {DEFAULT_BACKEND})")
    p.add_argument("--time-limit", type=float, default=60.0,
                   help="solver time limit, seconds (default 60)")
    p.add_argument("--seed", type=int, default=0, help="solver random seed (default 0)")
    p.add_argument("--workers", type=int, default=1,
                   help="processes solving at once, each with another backend; the best "
                   "solution with the best bound of all is kept (default 1)")
    p.add_argument("--out", type=Path, help="write the result JSON here")
    p.set_defaults(func=_site)


def _site(args: argparse.Namespace) -> int:
    scenario = Scenario.from_json(existing_file(args.scenario, option="scenario"))
    matrices = matrices_for(scenario, args.network, args.road_fields, args.turns)
    runs = scenario_runs(scenario)
    if runs:
        console.print(tr("curbside streets: {n} in {zones} zone(s), {t} t/day, sited as one "
                         "demand point per zone{synthetic}", n=num(len(scenario.streets)),
                         zones=len({r.zone for r in runs}),
                         t=num(sum(r.tonnes for r in runs), 1),
                         synthetic=tr(" (SYNTHETIC)") if any(r.synthetic for r in runs)
                         else ""))
        scenario = siting_scenario(scenario, runs)
    options = SitingOptions(
        backend=args.backend, complexes=args.complexes, max_complexes=args.max_complexes,
        min_diversion=args.min_diversion, max_travel_minutes=args.max_travel_minutes,
        locked_open=tuple(args.lock_open), locked_closed=tuple(args.lock_closed),
        allow_direct_landfill=args.allow_direct_landfill,
        open_candidate_recyclers=args.open_candidate_recyclers,
        workers=integer("--workers", args.workers, lo=1))
    result = site(scenario, matrices, time_limit=args.time_limit, seed=args.seed,
                  options=options)
    console.print(result.summary())
    report = validate_siting(scenario, matrices, result)
    console.print(f"checker: {report.summary()}")
    if args.out is not None:
        atomic_write(args.out, result.to_json)
        console.print(f"wrote {args.out}")
    return 0 if report.ok else 1
