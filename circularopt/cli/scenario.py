"""``circularopt scenario``: inspect scenario files."""

from __future__ import annotations

import argparse

from circularopt.cli._common import console, existing_file
from circularopt.scenario import Scenario


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``scenario`` subcommand."""
    parser = sub.add_parser("scenario", help="create, import and inspect scenarios")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="validate a scenario JSON file and summarise it")
    show.add_argument("file", help="scenario JSON file")
    show.set_defaults(func=_show)


def _show(args: argparse.Namespace) -> int:
    scenario = Scenario.from_json(existing_file(args.file, option="file"))
    console.print(scenario.summary())
    return 0
