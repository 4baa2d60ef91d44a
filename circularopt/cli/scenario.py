"""``circularopt scenario``: create scenarios from city specs and inspect scenario files."""

from __future__ import annotations

import argparse
from pathlib import Path

from circularopt.cities import DEFAULT_SIZE, generate, list_cities
from circularopt.cli._common import console, existing_file
from circularopt.exceptions import InputError
from circularopt.scenario import Scenario


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``scenario`` subcommand."""
    parser = sub.add_parser("scenario", help="create, import and inspect scenarios")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="validate a scenario JSON file and summarise it")
    show.add_argument("file", help="scenario JSON file")
    show.set_defaults(func=_show)

    new = actions.add_parser(
        "new", help="write an editable scenario JSON generated from a city spec",
        description="Generate a scenario from a city spec (cities/*.toml): container sites "
                    "spread over districts in proportion to population, waste from "
                    "per-capita generation and composition, complex candidates, recyclers, "
                    "landfills, depots and fleet. Positions are approximate.")
    new.add_argument("city", help="city name (e.g. bishkek, osh, issyk-kul) or a spec .toml")
    new.add_argument("--size", type=int, default=DEFAULT_SIZE,
                     help=f"number of container sites (default {DEFAULT_SIZE})")
    new.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    new.add_argument("--season", default=None,
                     help="season for cities with seasons (issyk-kul: summer or winter)")
    new.add_argument("--out", required=True, help="scenario JSON file to write")
    new.set_defaults(func=_new)


def _show(args: argparse.Namespace) -> int:
    scenario = Scenario.from_json(existing_file(args.file, option="file"))
    console.print(scenario.summary())
    return 0


def _new(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.is_dir() or not out.parent.is_dir():
        raise InputError("--out", args.out, "a file path in an existing folder")
    scenario = generate(args.city, size=args.size, seed=args.seed, season=args.season)
    scenario.to_json(out)
    console.print(scenario.summary())
    meta = scenario.metadata
    season = f", season {meta['season']}" if meta.get("season") else ""
    console.print(f"  spec              : {meta['spec_file']} (seed {meta['seed']}{season}; "
                  "positions approximate)")
    console.print(f"wrote {out}  (cities: {', '.join(list_cities())})")
    return 0
