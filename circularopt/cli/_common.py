"""Helpers shared by the subcommands: the console and path checks."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from circularopt.exceptions import InputError

__all__ = ["atomic_write", "console", "existing_file"]

console = Console(stderr=False, highlight=False)
"""Where subcommands print tables and progress."""


def existing_file(value: str, *, option: str) -> Path:
    """Return ``value`` as a path, or raise :class:`InputError` naming ``option``."""
    path = Path(value)
    if not path.is_file():
        raise InputError(option, value, "an existing file")
    return path


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Write ``path`` through ``write(tmp)`` on a temporary file moved into place.

    The folder is created when missing. A failure leaves no half-written file: either
    the old file or the complete new one is there.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
