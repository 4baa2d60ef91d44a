"""Builders and assertions shared by test modules (not a test module itself).

``town`` is a tiny hand-made scenario solved in about a second; ``run_cli`` runs the
command line and returns its exit code and single ``error:`` line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from circularopt import cli
from circularopt.scenario import (
    CapacityOption,
    CollectionPoint,
    ComplexCandidate,
    Depot,
    Landfill,
    Recycler,
    Scenario,
    VehicleType,
)

LAT, LON = 42.87, 74.59


def town(n: int = 8, *, capacity: float = 10.0, shift: float = 480.0, count: int = 2,
         window: tuple[float, float] | None = None, tonnes: float = 0.8,
         recycler_streams: tuple[str, ...] = ("plastic",)) -> Scenario:
    """``n`` container sites on a 300 m grid, one complex, one depot, one landfill."""
    points = tuple(
        CollectionPoint(f"p{i}", LAT + 0.003 * (i % 4), LON + 0.003 * (i // 4),
                        {"plastic": 0.375 * tonnes, "residual": 0.625 * tonnes},
                        time_window=window)
        for i in range(n))
    return Scenario(
        "town", collection_points=points,
        complex_candidates=(ComplexCandidate("c1", LAT + 0.005, LON + 0.01,
                                             (CapacityOption(50.0, 1000.0),), 5.0,
                                             {"plastic": 0.8}),),
        depots=(Depot("d1", LAT - 0.01, LON - 0.01,
                      (VehicleType("truck", capacity, 40.0, count, 50.0, 1.0, 10.0,
                                   shift_minutes=shift),)),),
        recyclers=(Recycler("r1", LAT + 0.01, LON + 0.03,
                            dict.fromkeys(recycler_streams, 100.0), 20.0),),
        landfills=(Landfill("lf", LAT - 0.07, LON - 0.09, 10.0),))


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str]:
    """Run the CLI; return its exit code and its single ``error:`` line (or '')."""
    code = cli.main([str(a) for a in argv])
    out = capsys.readouterr().out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) <= 1, out
    return code, errors[0] if errors else ""


def assert_clear(line: str, *parts: str) -> None:
    """An error line names every one of ``parts`` (file, field, value, what is valid)."""
    for part in parts:
        assert part in line, f"{part!r} missing from: {line}"


def edited(scenario: Scenario, edit: Callable[[dict[str, Any]], None]) -> str:
    """The scenario's JSON after ``edit`` changed its dict."""
    data = scenario.to_dict()
    edit(data)
    return json.dumps(data)
