"""The ``circularopt`` command line.

Each subcommand lives in a module of this package that defines
``register(subparsers)``; the module adds its parser and sets ``func`` to a function
``(args) -> int``. Errors derived from :class:`~circularopt.CircularOptError` are printed
as one clear line and end the program with exit code 2.

Messages are in the language of ``--lang`` (``en``, ``ru``, ``ky``), else as
:func:`circularopt.i18n.get_language` chooses (``CIRCULAROPT_LANG``, then the locale).
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
from circularopt.i18n import LANGUAGES, setting_problem, tr, using

__all__ = ["main"]

COMMANDS = ("solve", "scenario", "site", "route", "network", "compare", "check", "sweep",
            "bench", "serve", "streets")
"""Modules of this package that register a subcommand, in help order."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="circularopt",
        description="Plan circular-economy waste clusters: road networks, sorting-complex "
                    "siting, feedstock to recyclers and collection routing.")
    parser.add_argument("--version", action="version", version=f"circularopt {__version__}")
    _add_lang(parser, default=None)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"circularopt.cli.{name}").register(sub)
    _lang_on_subcommands(parser)
    return parser


def _add_lang(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default=default,
                        help="language of messages, tables and the report (default: the "
                             "setting CIRCULAROPT_LANG, else the locale, else en)")


def _lang_on_subcommands(parser: argparse.ArgumentParser) -> None:
    """Accept ``--lang`` after the subcommand too (``circularopt solve x --lang ru``)."""
    for action in parser._actions:  # argparse lists subcommands only here
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                _add_lang(child, default=argparse.SUPPRESS)  # keeps a --lang given before
                _lang_on_subcommands(child)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    with using(args.lang):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    problem = setting_problem()
    if problem is not None:
        console.print("[yellow]" + escape(tr("warning: ignored {field}={value}: expected "
                                             "{expected}", field=problem[0],
                                             value=problem[1], expected=problem[2])) + "[/]")
    try:
        code: int = args.func(args)
    except CircularOptError as exc:
        label = escape(tr("error:"))
        console.print(f"[bold red]{label}[/] {type(exc).__name__}: {escape(str(exc))}",
                      highlight=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        console.print("[yellow]" + escape(tr("interrupted")) + "[/]")
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
