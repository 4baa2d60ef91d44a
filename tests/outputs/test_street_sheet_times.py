"""Times, breaks and the shift on the route sheets of ``circularopt streets``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from circularopt.exceptions import InputError
from circularopt.outputs.streets import SheetOptions
from tests.cli.test_streets import _run
from tests.routing.test_arcs_streets_network import TINY_OSM


def _sheets(out: Path) -> list[list[dict[str, str]]]:
    return [list(csv.DictReader(p.open(encoding="utf-8")))
            for p in sorted(out.glob("route-*.csv"))]


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


@pytest.fixture
def network(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.osm"
    path.write_text(TINY_OSM)
    return path


def test_times_run_forward_within_the_default_shift(network: Path, tmp_path: Path) -> None:
    assert _run(network, tmp_path / "o") == 0
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["shift"] == {"start": "09:00", "hours": 12.0, "break_min": 0.0,
                                "break_after_h": 4.0, "over": []}
    for rows in _sheets(tmp_path / "o"):
        assert "break" not in {r["kind"] for r in rows}
        clock = _minutes("09:00")
        for r in rows:
            assert _minutes(r["arrive"]) >= clock  # deadheading takes time
            clock = _minutes(r["depart"] or r["arrive"])
            assert r["over_shift_min"] == "0"
        html = (tmp_path / "o" / f"route-{rows[0]['truck']}.html").read_text("utf-8")
        assert "Shift 09:00-21:00." in html and f"Back at the depot at {clock // 60:02d}" in html


def test_a_break_is_taken_between_two_streets(network: Path, tmp_path: Path) -> None:
    assert _run(network, tmp_path / "o", "--break-min", "30", "--break-after-h", "0") == 0
    for rows in _sheets(tmp_path / "o"):
        first = rows[0]
        assert (first["kind"], first["arrive"], first["depart"]) == ("break", "09:00", "09:30")
        assert sum(r["kind"] == "break" for r in rows) == 1
        assert _minutes(rows[1]["arrive"]) >= _minutes("09:30")


def test_a_route_past_the_shift_is_reported(network: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(network, tmp_path / "o", "--shift-h", "0.05") == 0  # 09:00-09:03
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    sheets = _sheets(tmp_path / "o")
    assert [o["truck"] for o in summary["shift"]["over"]] == [
        int(rows[0]["truck"]) for rows in sheets]
    for rows, over in zip(sheets, summary["shift"]["over"], strict=True):
        back = rows[-1]
        assert back["kind"] == "return" and int(back["over_shift_min"]) == over["over_min"]
        assert over["over_min"] == _minutes(back["arrive"]) - _minutes("09:03") > 0
        assert back["arrive"] == over["back"]
        assert [int(r["over_shift_min"]) for r in rows] == [
            max(0, _minutes(r["depart"] or r["arrive"]) - _minutes("09:03")) for r in rows]
    html = (tmp_path / "o" / "route-1.html").read_text("utf-8")
    assert "OVER THE SHIFT" in html
    printed = " ".join(capsys.readouterr().out.split())
    assert "truck 1 is back at the depot at" in printed
    assert "min after the 0.05-hour shift" in printed


@pytest.mark.parametrize(("field", "kw"), [("shift_h", {"shift_h": 0}),
                                           ("break_min", {"break_min": -5}),
                                           ("break_after_h", {"break_after_h": 30})])
def test_bad_shift_options_name_the_field(field: str, kw: dict[str, float]) -> None:
    with pytest.raises(InputError, match=field):
        SheetOptions(**kw)  # type: ignore[arg-type]
