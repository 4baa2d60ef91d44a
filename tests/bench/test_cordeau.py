"""Cordeau's MDVRP instances: reader and runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.bench import BenchOptions
from circularopt.bench.cordeau import read_cordeau, run_mdvrp


@pytest.fixture
def cordeau(shared: Path) -> Path:
    return shared / "benchmarks" / "mdvrp" / "cordeau"


def test_cordeau_reader(cordeau: Path) -> None:
    p = read_cordeau(cordeau / "p01.txt")
    assert (p.num_stops, len(p.depots), p.num_vehicles) == (50, 4, 16)
    assert {v.capacity for v in p.vehicle_types} == {(80.0,)}
    assert all(v.max_duration is None for v in p.vehicle_types)
    assert p.distance[0, 1] == pytest.approx(((37 - 49) ** 2 + (52 - 49) ** 2) ** 0.5,
                                             abs=1e-3)
    p12 = read_cordeau(cordeau / "pr01.txt")
    assert p12.vehicle_types[0].max_duration == 500.0 and p12.stops[0].service > 0


def test_mdvrp_runner(cordeau: Path, tmp_path: Path) -> None:
    rows = list(run_mdvrp(BenchOptions(data=cordeau, instances="p01", time_limit=1.0, seed=1,
                                       solutions=tmp_path)))
    assert rows[0].feasible and rows[0].bks == 576.87
    assert rows[0].cost is not None and rows[0].cost >= 576.87 - 0.01
    lines = (tmp_path / "p01.pyvrp.res").read_text().splitlines()
    assert float(lines[0]) == pytest.approx(rows[0].cost, abs=0.01)
    assert all(ln.split()[4] == "0" and ln.split()[-1] == "0" for ln in lines[1:])
