"""Travel matrices over a scenario's locations: road network or offline approximation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from circularopt.matrices.approximate import approximate_matrices
from circularopt.matrices.road import road_matrices
from circularopt.matrices.travel import TravelMatrices

if TYPE_CHECKING:
    from circularopt.network import RoadNetwork
    from circularopt.scenario import Scenario

__all__ = ["scenario_matrices"]


def scenario_matrices(scenario: Scenario, network: RoadNetwork | str | Path | None = None, *,
                      max_snap_m: float | None = None) -> TravelMatrices:
    """Travel matrices over a scenario's locations.

    Parameters
    ----------
    scenario
        The scenario.
    network
        A road network file path or :class:`~circularopt.network.RoadNetwork`; ``None``
        gives the offline approximation (marked ``approximate``).
    max_snap_m
        Largest distance from a location to the road it is snapped to (see
        :func:`circularopt.matrices.road_matrices`).

    Returns
    -------
    TravelMatrices
        Seconds and metres between every pair of the scenario's locations.
    """
    if network is None:
        return approximate_matrices(scenario.locations())
    from circularopt.network import RoadNetwork, load_network

    net = network if isinstance(network, RoadNetwork) else load_network(network)
    return road_matrices(net, scenario.locations(), max_snap_m=max_snap_m)
