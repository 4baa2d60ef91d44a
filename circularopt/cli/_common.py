"""Helpers shared by the subcommands: the console and path checks."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from circularopt.exceptions import InputError

__all__ = ["console", "existing_file"]

console = Console(stderr=False, highlight=False)
"""Where subcommands print tables and progress."""


def existing_file(value: str, *, option: str) -> Path:
    """Return ``value`` as a path, or raise :class:`InputError` naming ``option``."""
    path = Path(value)
    if not path.is_file():
        raise InputError(option, value, "an existing file")
    return path
