"""The pre-solve diagnosis: why a scenario cannot be planned, and what to change."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from circularopt.diagnose import require_feasible, validate_scenario
from circularopt.exceptions import (
    InfeasibleError,
)
from circularopt.i18n import set_language
from circularopt.matrices import TravelMatrices, approximate_matrices
from circularopt.pipeline import solve
from circularopt.routing.decompose import RoutingOptions
from circularopt.scenario import (
    Depot,
    Scenario,
    VehicleType,
)
from tests.helpers import LAT, LON, assert_clear, run_cli, town


def _diagnosis(scenario: Scenario) -> tuple[str, ...]:
    return validate_scenario(scenario, approximate_matrices(scenario.locations())).violations


def test_feasible_town_has_no_problem() -> None:
    found = validate_scenario(town(), approximate_matrices(town().locations()))
    assert found.ok and found.warnings == ()


def test_total_waste_beyond_capacity() -> None:
    with pytest.raises(InfeasibleError) as info:
        solve(town(tonnes=8.0, capacity=20.0), time_limit=2, routing=RoutingOptions(workers=1))
    assert_clear(str(info.value), "total waste 64.0 t/day", "50.0 t/day",
                 "raise the capacity options")


def test_stop_heavier_than_every_truck() -> None:
    (problem,) = _diagnosis(town(capacity=0.5))
    assert_clear(problem, "8 collection point(s)", "0.800 t", "0.5 t",
                 "collections_per_week", "capacity_tonnes")


def test_stop_unreachable_within_a_shift() -> None:
    problems = _diagnosis(town(shift=30.0, count=4))
    assert len(problems) == 1
    assert_clear(problems[0], "cannot be served within any shift", "d1/truck",
                 "min after its shift (07:00-07:30)", "shift_minutes")
    minutes = int(problems[0].split(" min after")[0].rsplit(" ", 1)[1])
    assert minutes > 0


def test_time_window_that_cannot_be_met() -> None:
    (problem,) = _diagnosis(town(window=(300.0, 400.0)))
    assert_clear(problem, "window 05:00-06:40", "earliest arrival 07:", "min late",
                 "time_window", "shift_start_minutes")


def test_fleet_shifts_shorter_than_the_work() -> None:
    (problem,) = _diagnosis(town(80, tonnes=0.1, count=1, shift=300.0))
    assert_clear(problem, "shifts total 5.0 h", "at least 7.0 h", "count", "shift_minutes")


def test_no_truck_at_all() -> None:
    (problem,) = _diagnosis(town(count=0))
    assert_clear(problem, "no truck", "count")


def test_vehicle_type_that_reaches_no_stop_is_named() -> None:
    base = town()
    slow = VehicleType("slow", 10.0, 40.0, 1, shift_minutes=10.0)
    depot = Depot("d1", base.depots[0].lat, base.depots[0].lon,
                  (*base.depots[0].vehicle_types, slow))
    scenario = Scenario("town", collection_points=base.collection_points,
                        complex_candidates=base.complex_candidates, depots=(depot,),
                        recyclers=base.recyclers, landfills=base.landfills)
    found = validate_scenario(scenario, approximate_matrices(scenario.locations()))
    assert found.ok
    (warning,) = found.warnings
    assert_clear(warning, "d1/slow", "can serve no collection point", "shift_minutes 10")


def _with_durations(scenario: Scenario, edit: Callable[[Any, Callable[[str], int]], None]
                    ) -> TravelMatrices:
    """The scenario's approximate matrices with ``edit(durations, index)`` applied."""
    m = approximate_matrices(scenario.locations())
    dur = m.duration_s.copy()
    edit(dur, m.index)
    return TravelMatrices(m.ids, dur, m.distance_m, m.approximate, m.source)


def test_point_without_a_path_is_named() -> None:
    def cut_off(dur: Any, ix: Callable[[str], int]) -> None:
        dur[:, ix("p3")] = math.inf
        dur[ix("p3"), ix("p3")] = 0.0

    (problem,) = validate_scenario(town(), _with_durations(town(), cut_off)).violations
    assert_clear(problem, "1 collection point(s) cannot be reached", "('p3')", "max_snap_m")


def test_one_way_drive_out_is_what_counts() -> None:
    def slow_out(dur: Any, ix: Callable[[str], int]) -> None:
        dur[ix("d1"), ix("p0")] = 9 * 3600.0  # depot -> p0 nine hours, p0 -> depot quick

    (problem,) = validate_scenario(town(), _with_durations(town(), slow_out)).violations
    assert_clear(problem, "('p0')", "cannot be served within any shift")


def test_vehicle_type_with_no_path_to_any_stop_is_named() -> None:
    base = town()
    far = Depot("d2", LAT + 0.02, LON, (VehicleType("far", 10.0, 40.0, 1),))
    scenario = Scenario("town", collection_points=base.collection_points,
                        complex_candidates=base.complex_candidates,
                        depots=(*base.depots, far), recyclers=base.recyclers,
                        landfills=base.landfills)

    def island(dur: Any, ix: Callable[[str], int]) -> None:
        dur[ix("d2"), :] = math.inf
        dur[ix("d2"), ix("d2")] = 0.0

    found = validate_scenario(scenario, _with_durations(scenario, island))
    assert found.ok
    (warning,) = found.warnings
    assert_clear(warning, "d2/far", "can serve no collection point", "no path")


def test_recycler_stream_nobody_produces() -> None:
    found = validate_scenario(town(recycler_streams=("plastic", "glass", "paper")),
                     approximate_matrices(town().locations()))
    assert found.ok
    (warning,) = found.warnings
    assert_clear(warning, "'r1'", "'glass' (no point produces it)", "'paper'")


def test_kilograms_as_tonnes_warning() -> None:
    found = validate_scenario(town(tonnes=80.0, capacity=500.0),
                     approximate_matrices(town().locations()))
    assert any("kilograms" in w for w in found.warnings)


def test_pipeline_diagnoses_before_the_solvers(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    lines: list[str] = []
    with pytest.raises(InfeasibleError, match="shift_minutes"):
        solve(town(shift=20.0), time_limit=30, progress=lines.append,
              routing=RoutingOptions(workers=1))
    assert any(line.endswith("diagnose ...") for line in lines)
    assert not any("siting" in line for line in lines)
    path = tmp_path / "short.json"
    town(shift=20.0).to_json(path)
    code, line = run_cli(capsys, "solve", path, "--time-limit", "30", "--out", tmp_path / "o")
    assert code == 2 and "InfeasibleError" in line and "07:00-07:20" in line
    with pytest.raises(InfeasibleError):
        require_feasible(town(window=(0.0, 60.0)), approximate_matrices(town().locations()))


def test_diagnosis_in_russian() -> None:
    set_language("ru")
    try:
        (problem,) = _diagnosis(town(capacity=0.5))
    finally:
        set_language(None)
    assert_clear(problem, "8 пункт(ов) сбора", "0.800 т", "collections_per_week")
