"""``circularopt streets --trucks``: truck types by capacity, count and fixed cost."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from circularopt.cli import main


def _run(network: Path, out: Path, trucks: str) -> int:
    return main(["streets", "--network", str(network), "--zone", "42.8707,74.602,1000",
                 "--depot", "42.8699,74.5999", "--unload", "42.8716,74.6041",
                 "--trucks", trucks, "--time-limit", "0.5", "--clock", "cpu",
                 "--no-simplify", "--out", str(out)])


def _summary(out: Path) -> dict[str, object]:
    return dict(json.loads((out / "summary.json").read_text()))


def test_the_big_truck_saves_unloading_trips_unless_it_costs_too_much(
        tiny_osm_file: Path, tmp_path: Path) -> None:
    """The streets hold about 0.14 t: one 1 t truck serves them without unloading,
    a 0.05 t truck drives to the unload site between them (5,114 m against 2,302 m
    plus the big truck's fixed cost)."""
    assert _run(tiny_osm_file, tmp_path / "a", "small:0.05:5,big:1:1:100") == 0
    assert _run(tiny_osm_file, tmp_path / "b", "small:0.05:5,big:1:1:100000") == 0
    cheap, dear = _summary(tmp_path / "a"), _summary(tmp_path / "b")
    assert cheap["valid"] and cheap["trucks_by_type"] == {"small": 0, "big": 1}
    assert dear["valid"] and dear["trucks_by_type"] == {"small": 1, "big": 0}
    assert (cheap["fixed_cost_m"], dear["fixed_cost_m"]) == (100, 0)
    with (tmp_path / "a" / "route-1.csv").open(encoding="utf-8") as fh:
        assert {row["vehicle_type"] for row in csv.DictReader(fh)} == {"big"}
    assert "truck 1 (big)" in (tmp_path / "a" / "route-1.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("trucks", "named"), [
    ("small:0.05", "--trucks"), ("small:x:1", "--trucks"), ("a:1:1:0:1:2", "--trucks"),
    ("small:1:1:0:0", "vehicle type 'small'.cost_per_distance"),
    ("small:-1:1", "vehicle type 'small'.capacity")])
def test_bad_truck_types_are_named(tiny_osm_file: Path, tmp_path: Path, trucks: str, named: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(tiny_osm_file, tmp_path / "o", trucks) == 2
    printed = " ".join(capsys.readouterr().out.split())
    assert "InputError" in printed and named in printed


def test_capacity_and_trucks_exclude_each_other(tiny_osm_file: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["streets", "--network", str(tiny_osm_file), "--zone", "42.8707,74.602,1000",
              "--depot", "42.8699,74.5999", "--unload", "42.8716,74.6041",
              "--capacity-t", "1", "--trucks", "a:1:1", "--out", str(tmp_path)])


def test_a_dear_metre_keeps_the_big_truck_home(tiny_osm_file: Path, tmp_path: Path) -> None:
    """At 2.5 per metre the big truck's 2,302 m cost 5,755, more than the small one's
    5,114 m."""
    assert _run(tiny_osm_file, tmp_path / "c", "small:0.05:5,big:1:1:0:2.5") == 0
    dear = _summary(tmp_path / "c")
    assert dear["valid"] and dear["trucks_by_type"] == {"small": 1, "big": 0}
