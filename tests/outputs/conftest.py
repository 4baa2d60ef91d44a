"""Shared output fixtures: a tiny town, its solved plan, the files written, a street grid.

The plan comes from a tiny hand-made town (12 points on a grid, three complex candidates
of which the plan must open two, two truck types with different unloading times so the
routing uses ``"<site>@<m>min"`` unload copies, three recyclers, one landfill), solved by
the real pipeline in about a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from circularopt.network import RoadNetwork
from circularopt.outputs import (
    CSV_TABLES,
    write_outputs,
)
from circularopt.pipeline import solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
from circularopt.scenario import (
    CapacityOption,
    CollectionPoint,
    ComplexCandidate,
    Depot,
    Landfill,
    Parameters,
    Recycler,
    Scenario,
    VehicleType,
)

ALL_FILES = {"plan.json", "plan.gpkg", *(f"{t}.csv" for t in CSV_TABLES), "report.html",
             "map.png", "route-sheets.html", "route-sheets.pdf"}


COMPOSITION = {"plastic": 0.2, "paper": 0.2, "glass": 0.1, "metal": 0.05, "organics": 0.3,
               "residual": 0.15}


def tiny_scenario() -> Scenario:
    """The tiny town of the module docstring (names with non-ASCII characters)."""
    pts = tuple(CollectionPoint.from_total(
        f"p{i:02d}", 40.50 + 0.01 * (i % 4), 72.76 + 0.012 * (i // 4), 1.0 + 0.25 * (i % 3),
        COMPOSITION, name=f"Площадка «{i}»") for i in range(12))
    rr = {"plastic": 0.6, "paper": 0.5, "glass": 0.7, "metal": 0.8, "organics": 0.3}
    cands = (ComplexCandidate("cx-west", 40.515, 72.755, (CapacityOption(10, 20_000),
                                                          CapacityOption(25, 30_000)),
                              8.0, rr, name="West"),
             ComplexCandidate("cx-east", 40.515, 72.80, (CapacityOption(10, 20_000),), 8.0, rr,
                              name="East"),
             ComplexCandidate("cx-far", 40.60, 72.90, (CapacityOption(10, 90_000),), 8.0, rr))
    depot = Depot("dp", 40.49, 72.78, (
        VehicleType("small", 3.0, 10.0, 3, 50, 0.5, 5, shift_minutes=150, unload_minutes=15),
        VehicleType("big", 6.0, 20.0, 1, 80, 0.7, 6, shift_minutes=150, unload_minutes=20)),
        name="Depot")
    recs = (Recycler("rc-plastic", 40.53, 72.79, {"plastic": 120.0}, 2.0, name="Plastic SME"),
            Recycler("rc-paper", 40.50, 72.81, {"paper": 40.0, "glass": 10.0}, 5.0),
            Recycler("rc-metal", 40.54, 72.75, {"metal": 150.0}, 1.0))
    meta = {"title": "Tiny test town", "seed": 0,
            "sources": {"parameters": "assumed for the test", "population": "made up"}}
    return Scenario("tiny", collection_points=pts, complex_candidates=cands, depots=(depot,),
                    recyclers=recs, landfills=(Landfill("lf", 40.545, 72.77, 5.0,
                                                        name="Landfill"),),
                    parameters=Parameters(300.0), metadata=meta)


def tiny_plan() -> Plan:
    """The tiny town solved with two complexes (about a second)."""
    return solve(tiny_scenario(), complexes=2, time_limit=5, routing=RoutingOptions(workers=1))


def grid_network(n: int = 14) -> RoadNetwork:
    """A two-way street grid of ``n`` x ``n`` nodes over the tiny town, 30 km/h."""
    lat = np.repeat(np.linspace(40.48, 40.61, n), n)
    lon = np.tile(np.linspace(72.74, 72.91, n), n)
    u, v = [], []
    for i in range(n):
        for j in range(n):
            k = i * n + j
            if j + 1 < n:
                u += [k, k + 1]
                v += [k + 1, k]
            if i + 1 < n:
                u += [k, k + n]
                v += [k + n, k]
    ua, va = np.array(u), np.array(v)
    km = np.hypot((lat[ua] - lat[va]) * 111.2,
                  (lon[ua] - lon[va]) * 111.2 * np.cos(np.radians(40.5)))
    return RoadNetwork.from_edges(lat, lon, ua, va, km * 120.0, km * 1000.0,
                                  source="test grid")


@pytest.fixture(scope="session")
def plan() -> Plan:
    p = tiny_plan()
    assert p.complete and p.valid, p.violations
    assert p.routing is not None and p.siting is not None and p.feedstock is not None
    assert len(p.siting.open_complexes) == 2
    return p


@pytest.fixture(scope="session")
def out(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("plan") / "out"
    written = write_outputs(plan, folder)
    assert set(written) == ALL_FILES
    assert all(p.parent == folder and p.is_file() for p in written.values())
    yield folder


def _csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no UTF-8 byte-order mark"
    return pd.read_csv(path, encoding="utf-8-sig", sep=",", keep_default_na=False,
                       na_values=[""])


def _known(plan: Plan) -> set[str]:
    return {o.id for o in plan.scenario.located()}
