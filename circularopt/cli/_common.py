"""Helpers shared by the subcommands: the console and path checks."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from circularopt.exceptions import InputError
from circularopt.i18n import lazy, tr
from circularopt.matrices import TravelMatrices
from circularopt.scenario import Scenario

if TYPE_CHECKING:
    from circularopt.network import RoadNetwork, TurnAwareGraph

__all__ = ["add_engine_options", "add_network_option", "add_road_fields_option",
           "add_turns_option",
           "atomic_write", "console", "engine_options", "existing_file", "load_network_for",
           "matrices_for", "turn_graph_for_args"]

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
    """Add ``--network FILE`` (road network; default the offline approximation) and
    ``--road-fields`` (attribute fields of a GIS road layer)."""
    parser.add_argument("--network", type=Path,
                        help="road network file (.osm, .osm.bz2, .osm.pbf, .graphml, or a "
                             "GIS line layer .gpkg, .shp, .geojson); without it distances "
                             "are an offline approximation (along the city's road "
                             "corridors where its spec lists them)")
    add_road_fields_option(parser)
    add_turns_option(parser)


def add_turns_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--turns [U_TURN_S]`` (turn-aware matrices on a road network)."""
    parser.add_argument("--turns", nargs="?", type=float, const=60.0, metavar="U_TURN_S",
                        help="with a road network: turn-aware matrices honouring the OSM "
                             "file's turn restrictions and a U-turn penalty in seconds "
                             "(60 when the flag is given without a value)")


def add_road_fields_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--road-fields oneway=..,speed=..,class=..`` (GIS road layers)."""
    parser.add_argument("--road-fields", metavar="KEY=FIELD,...",
                        help="GIS road layer fields, e.g. oneway=ONEWAY,speed=MAXSPEED,"
                             "class=FCLASS (default: guessed; Geofabrik fclass/oneway/"
                             "maxspeed and Global Map rtt are recognised)")


def load_network_for(network: Path, road_fields: str | None = None) -> RoadNetwork:
    """Load ``--network`` (with ``--road-fields`` for a GIS layer), printing a summary."""
    from circularopt.network import load_network

    console.print(tr("loading road network {path} ...", path=escape(str(network))))
    net = load_network(network, road_fields=road_fields)
    console.print(net.summary())
    return net


def turn_graph_for_args(net: RoadNetwork, network: Path, u_turn_s: float) -> TurnAwareGraph:
    """``--turns``: the turn-aware graph of a loaded ``--network``, with a summary."""
    from circularopt.network import turn_graph_for

    graph = turn_graph_for(net, network, u_turn_s=u_turn_s)
    console.print(tr("turn-aware: {n} turn restrictions applied ({unmatched} not matched), "
                     "U-turn {u_turn_s:g} s", n=len(graph.banned) + len(graph.only),
                     unmatched=graph.unmatched, u_turn_s=u_turn_s))
    return graph


def matrices_for(scenario: Scenario, network: Path | None, road_fields: str | None = None,
                 turns: float | None = None) -> TravelMatrices:
    """Travel matrices for a command: from ``--network`` (turn-aware with ``turns``, the
    U-turn penalty in seconds) or announced as approximate. A scenario with curbside
    streets gets its runs' ends and zones' demand points too
    (:func:`~circularopt.routing.curbside.curbside_matrices`)."""
    if network is None:
        matrices = _scenario_matrices(scenario, None)
        console.print(tr("[yellow]travel figures are APPROXIMATE:[/] {source} (no road "
                         "network given)", source=escape(matrices.source)))
        return matrices
    net = load_network_for(network, road_fields)
    if turns is not None:
        return _scenario_matrices(scenario, turn_graph_for_args(net, network, turns))
    return _scenario_matrices(scenario, net)


def _scenario_matrices(scenario: Scenario, network: Any) -> TravelMatrices:
    """The matrices ``circularopt solve`` would use for ``scenario`` on ``network``."""
    from circularopt.routing.curbside import plan_matrices, scenario_runs

    return plan_matrices(scenario, scenario_runs(scenario), network)


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
