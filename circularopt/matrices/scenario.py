"""Travel matrices over a scenario's locations: road network or offline approximation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from circularopt.matrices.approximate import approximate_matrices
from circularopt.matrices.corridors import CorridorGraph, corridor_matrices
from circularopt.matrices.road import road_matrices
from circularopt.matrices.travel import TravelMatrices
from circularopt.matrices.turns import turn_matrices

if TYPE_CHECKING:
    from circularopt.network import RoadNetwork, TurnAwareGraph
    from circularopt.scenario import Scenario

__all__ = ["scenario_matrices", "spec_corridors"]


def scenario_matrices(scenario: Scenario,
                      network: RoadNetwork | TurnAwareGraph | str | Path | None = None, *,
                      max_snap_m: float | None = None,
                      corridors: bool = True) -> TravelMatrices:
    """Travel matrices over a scenario's locations.

    Parameters
    ----------
    scenario
        The scenario.
    network
        A road network file path, :class:`~circularopt.network.RoadNetwork` or
        :class:`~circularopt.network.TurnAwareGraph` (turn-aware matrices); ``None``
        gives the offline approximation (marked ``approximate``): the corridor
        approximation (:func:`~circularopt.matrices.corridor_matrices`) when the scenario
        was generated from a city spec with ``[[corridors]]``, else great circle x
        circuity.
    max_snap_m
        Largest distance from a location to the road it is snapped to (see
        :func:`circularopt.matrices.road_matrices`).
    corridors
        False: ignore the spec's corridors (great circle x circuity everywhere).

    Returns
    -------
    TravelMatrices
        Seconds and metres between every pair of the scenario's locations.
    """
    if network is None:
        graph = spec_corridors(scenario) if corridors else None
        if graph is not None:
            return corridor_matrices(scenario.locations(), graph)
        return approximate_matrices(scenario.locations())
    from circularopt.network import RoadNetwork, TurnAwareGraph, load_network

    if isinstance(network, TurnAwareGraph):
        return turn_matrices(network, scenario.locations(), max_snap_m=max_snap_m)
    net = network if isinstance(network, RoadNetwork) else load_network(network)
    return road_matrices(net, scenario.locations(), max_snap_m=max_snap_m)


def spec_corridors(scenario: Scenario) -> CorridorGraph | None:
    """The corridor graph of the city spec a scenario was generated from, if any.

    The spec is found by the ``city`` entry of the scenario's metadata (set by
    :func:`circularopt.cities.generate`); ``None`` when there is none, the spec cannot be
    read or it lists no corridors.
    """
    from circularopt.cities import load_spec
    from circularopt.exceptions import CircularOptError

    city = scenario.metadata.get("city")
    if not isinstance(city, str):
        return None
    try:
        spec = load_spec(city)
    except CircularOptError:
        return None
    return CorridorGraph.from_spec(spec)
