"""``circularopt streets --shift-h``: the shift is enforced, a street that cannot fit is
named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_streets import _run


def test_a_short_shift_takes_more_trucks(tiny_osm_file: Path, tmp_path: Path) -> None:
    assert _run(tiny_osm_file, tmp_path / "long") == 0
    assert _run(tiny_osm_file, tmp_path / "short", "--shift-h", "1", "--break-min", "10") == 0
    long = json.loads((tmp_path / "long" / "summary.json").read_text())
    short = json.loads((tmp_path / "short" / "summary.json").read_text())
    assert long["trucks"] == 1 and long["longest_route_min"] > 50
    assert short["valid"] and short["trucks"] > 1 and short["shift_limit_s"] == 3600
    assert short["longest_route_min"] <= 60 and short["shift"]["over"] == []


def test_a_street_longer_than_the_shift_is_named(tiny_osm_file: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(tiny_osm_file, tmp_path / "o", "--shift-h", "0.05") == 2
    printed = " ".join(capsys.readouterr().out.split())
    assert "InfeasibleError" in printed and "Lenin Street" in printed
    assert "more than the 3.0 min shift" in printed


def test_a_break_due_within_the_shift_shortens_every_route(tiny_osm_file: Path,
                                                           tmp_path: Path) -> None:
    """A 1-hour shift, a 10 min break due after half an hour: routes end by 50 min
    (the break due after 4 h, the default, never falls in a 1-hour shift: 60 min)."""
    assert _run(tiny_osm_file, tmp_path / "b", "--shift-h", "1", "--break-min", "10",
                "--break-after-h", "0.5") == 0
    short = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert short["valid"] and short["shift_limit_s"] == 3000
    assert short["longest_route_min"] <= 50 and short["shift"]["over"] == []
