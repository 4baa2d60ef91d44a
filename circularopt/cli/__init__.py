"""The ``circularopt`` command line.

Each subcommand lives in a module of this package that defines
``register(subparsers)``; the module adds its parser and sets ``func`` to a function
``(args) -> int``. Errors derived from :class:`~circularopt.CircularOptError` are printed
as one clear line and end the program with exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from rich.markup import escape

from circularopt import __version__
from circularopt.cli._common import console
from circularopt.exceptions import CircularOptError

__all__ = ["main"]

COMMANDS = ("solve", "scenario", "site", "route", "network", "compare", "check", "sweep",
            "bench", "serve")
"""Modules of this package that register a subcommand, in help order."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="circularopt",
        description="Plan circular-economy waste clusters: road networks, sorting-complex "
                    "siting, feedstock to recyclers and collection routing.")
    parser.add_argument("--version", action="version", version=f"circularopt {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"circularopt.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except CircularOptError as exc:
        console.print(f"[bold red]error:[/] {type(exc).__name__}: {escape(str(exc))}",
                      highlight=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
