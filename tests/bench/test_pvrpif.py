"""PVRP-IF (periodic VRP with intermediate facilities): reader on a tiny inline file,
patterns, and the runner on the smallest Milano instance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from circularopt.bench import BenchOptions
from circularopt.bench.pvrpif import pvrpif_patterns, read_pvrpif, run_pvrpif
from circularopt.exceptions import InputError
from circularopt.routing.periodic import PeriodicOptions, solve_periodic, validate_periodic
from circularopt.routing.periodic.horizon import eligible


def _feature(i: int, kind: str, frequency: float = 0.0, demand: float = 0.0,
             service: float = 0.0) -> dict[str, object]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [9.0, 45.0]},
            "properties": {"id": i, "type": kind, "frequency": frequency, "demand": demand,
                           "service": service}}


# Depot 0, customers 1 (twice in 4 days, 6 a visit) and 2 (every day, 5 a visit), the
# facility 3; one truck of capacity 10 a day: day 1 and 3 must unload between 1 and 2.
TINY = {
    "type": "FeatureCollection",
    "info": {"numVehicles": 1, "maxDuration": 100, "maxCapacity": 10,
             "planningHorizon": 4},
    "features": [_feature(0, "depot"), _feature(1, "customer", 2.0, 6.0, 1.0),
                 _feature(2, "customer", 4.0, 5.0, 2.0), _feature(3, "intermediateFacility")],
    "duration": [[0, 5, 6, 4], [5, 0, 2, 3], [6, 2, 0, 3], [4, 3, 3, 0]],
}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "Tiny_002_4_0.geojson"
    path.write_text(json.dumps(TINY))
    return path


def test_patterns_every_h_over_f_days() -> None:
    assert pvrpif_patterns(2, 4) == ((0, 2), (1, 3))
    assert pvrpif_patterns(1, 4) == ((0,), (1,), (2,), (3,))
    assert pvrpif_patterns(3, 6) == ((0, 2, 4), (1, 3, 5))
    with pytest.raises(InputError, match="divisor of the 4-day horizon"):
        pvrpif_patterns(3, 4)


def test_reader_on_a_tiny_file(tiny: Path) -> None:
    p = read_pvrpif(tiny)
    assert (p.days, p.base.num_stops, p.fleet(0)) == (4, 2, (1,))
    assert p.patterns == (((0, 2), (1, 3)), ((0, 1, 2, 3),))
    vt = p.base.vehicle_types[0]
    assert vt.capacity == (10.0,) and vt.max_duration == 100 and vt.return_empty
    assert [u.id for u in p.base.unload_sites] == ["3"]
    assert p.base.distance[1, 2] == 2


def test_tiny_week_unloads_when_full(tiny: Path) -> None:
    """On customer 1's days the truck carries 11 > 10: it unloads in between."""
    p = read_pvrpif(tiny)
    result = solve_periodic(p, time_limit=2.0, seed=1)
    report = validate_periodic(p, result)
    assert report.ok, report.summary()
    busy = [d for d in result.days if len(d.routes[0].stops) == 2]
    assert len(busy) == 2 and all(d.routes[0].num_unloads == 2 for d in busy)


def test_reader_names_a_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({**TINY, "info": {}}))
    with pytest.raises(InputError, match=r"bad\.geojson"):
        read_pvrpif(path)


def test_pvrpif_runner(shared: Path, tmp_path: Path) -> None:
    rows = list(run_pvrpif(BenchOptions(data=shared / "benchmarks" / "pvrpif",
                                        instances="Milano_020_4_0", time_limit=2.0, seed=1,
                                        solutions=tmp_path)))
    assert len(rows) == 1 and rows[0].feasible and rows[0].bks == 562
    assert rows[0].cost is not None and rows[0].cost >= 562 - 1e-6
    sol = json.loads((tmp_path / "Milano_020_4_0.pyvrp.json").read_text())
    assert sol["cost"] == pytest.approx(rows[0].cost)
    # the steps list the unloads (sites 21 and 22); every route ends with one
    sites = {"21", "22"}
    for day_steps, day_routes in zip(sol["steps"], sol["routes"], strict=True):
        assert [[x for x in r if x not in sites] for r in day_steps] == day_routes
        assert all(r[-1] in sites for r in day_steps)


def test_milano_is_routed_as_one_horizon(shared: Path) -> None:
    """The unload sites are reload depots of the horizon model; its plan validates."""
    p = read_pvrpif(shared / "benchmarks" / "pvrpif" / "horizon4" / "Milano_020_4_0.geojson")
    assert eligible(p)
    result = solve_periodic(p, time_limit=2.0, seed=1, options=PeriodicOptions(clock="cpu"))
    report = validate_periodic(p, result)
    assert result.info["horizon_model"] is True
    assert report.ok, report.summary()
    assert any(r.num_unloads >= 2 for d in result.days for r in d.routes)
