"""Shared fixtures: the shared data folder (skipped with a reason when absent) and the
solved plans that several test modules read, solved once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.config import shared_data_dir
from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
from tests.helpers import town


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared data folder (``CIRCULAROPT_DATA`` or ``../shared``); skips if absent."""
    path = shared_data_dir(required=False)
    if path is None:
        pytest.skip("shared data folder not found: set CIRCULAROPT_DATA to run this test")
    return path


@pytest.fixture(scope="session")
def town_plan() -> Plan:
    """The tiny town's plan (:func:`tests.helpers.town`), solved once for the session."""
    return solve(town(), time_limit=3, routing=RoutingOptions(workers=1))


@pytest.fixture(scope="session")
def osh_plan() -> Plan:
    """A small Osh plan (100 sites, two complexes, seed 1), solved once for the session."""
    return solve("osh", size=100, complexes=2, time_limit=12, seed=1)


@pytest.fixture
def tiny_osm_file(tmp_path: Path) -> Path:
    """The arc-routing tests' tiny inline OSM street network, written to a file."""
    from tests.routing.arcs.test_streets_network import TINY_OSM

    path = tmp_path / "tiny.osm"
    path.write_text(TINY_OSM)
    return path
