"""Helpers shared by the subcommands: the console and path checks."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from circularopt.exceptions import InputError
from circularopt.i18n import lazy, tr
from circularopt.matrices import TravelMatrices
from circularopt.scenario import Scenario

__all__ = ["add_engine_options", "add_network_option", "atomic_write", "console",
           "engine_options", "existing_file", "matrices_for"]

console = Console(stderr=False, highlight=False)
"""Where subcommands print tables and progress."""


def existing_file(value: str, *, option: str) -> Path:
    """Return ``value`` as a path, or raise :class:`InputError` naming ``option``."""
    path = Path(value)
    if not path.is_file():
        raise InputError(option, value, lazy("an existing file"))
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


def add_network_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--network FILE`` (road network; default the offline approximation)."""
    parser.add_argument("--network", type=Path,
                        help="road network file (.osm, .osm.bz2, .osm.pbf, .graphml); "
                             "without it distances are an offline approximation")


def matrices_for(scenario: Scenario, network: Path | None) -> TravelMatrices:
    """Travel matrices for a command: from ``--network`` or announced as approximate."""
    from circularopt.matrices import scenario_matrices

    if network is None:
        matrices = scenario_matrices(scenario)
        console.print(tr("[yellow]travel figures are APPROXIMATE:[/] {source} (no road "
                         "network given)", source=escape(matrices.source)))
        return matrices
    from circularopt.network import load_network

    console.print(tr("loading road network {path} ...", path=escape(str(network))))
    net = load_network(network)
    console.print(net.summary())
    return scenario_matrices(scenario, net)


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--engine-options JSON`` (options passed to the routing engine)."""
    parser.add_argument("--engine-options", metavar="JSON",
                        help='routing engine options as a JSON object, e.g. '
                             '\'{"max_iterations": 5000}\' (PyVRP, reproducible across '
                             'machines) or \'{"part_size": 60}\' (OR-Tools)')


def engine_options(text: str | None) -> dict[str, Any]:
    """The parsed ``--engine-options`` (empty without the option)."""
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("--engine-options", text, lazy("a JSON object ({reason})",
                                                         reason=exc.msg)) from None
    if not isinstance(value, dict):
        raise InputError("--engine-options", text,
                         lazy("a JSON object such as {example}", example='{"seed": 1}'))
    return value
