"""Times, breaks and the shift on the route sheets of ``circularopt streets``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from circularopt.cities import load_spec
from circularopt.exceptions import InputError
from circularopt.network import load_network
from circularopt.outputs.streets import (
    SheetOptions,
    shift_overruns,
    street_sheets,
    write_street_outputs,
)
from circularopt.routing.arcs import solve_arcs, validate_arc_routes
from circularopt.routing.arcs.network_streets import (
    StreetDemand,
    StreetZone,
    network_problem,
    osm_edge_tags,
    streets_from_network,
)
from tests.cli.test_streets import _run


def _sheets(out: Path) -> list[list[dict[str, str]]]:
    return [list(csv.DictReader(p.open(encoding="utf-8")))
            for p in sorted(out.glob("route-*.csv"))]


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def test_times_run_forward_within_the_default_shift(tiny_osm_file: Path, tmp_path: Path) -> None:
    assert _run(tiny_osm_file, tmp_path / "o") == 0
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


def test_a_break_is_taken_between_two_streets(tiny_osm_file: Path, tmp_path: Path) -> None:
    assert _run(tiny_osm_file, tmp_path / "o", "--break-min", "30", "--break-after-h", "0") == 0
    for rows in _sheets(tmp_path / "o"):
        first = rows[0]
        assert (first["kind"], first["arrive"], first["depart"]) == ("break", "09:00", "09:30")
        assert sum(r["kind"] == "break" for r in rows) == 1
        assert _minutes(rows[1]["arrive"]) >= _minutes("09:30")


def test_a_route_past_the_shift_is_reported(tiny_osm_file: Path, tmp_path: Path) -> None:
    """The solver keeps routes within a shift, so a plan solved without one is checked
    against a 3-minute shift (09:00-09:03)."""
    net = load_network(tiny_osm_file, simplify=False)
    tags = osm_edge_tags(net, tiny_osm_file)
    streets = streets_from_network(net, [StreetZone("z", 42.8707, 74.602, 1000)],
                                   StreetDemand.of_city(load_spec("bishkek")), tags=tags)
    sp = network_problem(net, streets, depot=(42.8699, 74.5999), unload=(42.8716, 74.6041),
                         capacity_t=0.05, tags=tags)
    solution = solve_arcs(sp.problem, time_limit=0.5, clock="cpu")
    options = SheetOptions(shift_h=0.05)
    write_street_outputs(sp, solution, validate_arc_routes(sp.problem, solution),
                         tmp_path / "o", options=options)
    over = shift_overruns(street_sheets(sp, solution, options))
    sheets = _sheets(tmp_path / "o")
    assert [o["truck"] for o in over] == [int(rows[0]["truck"]) for rows in sheets]
    for rows, late in zip(sheets, over, strict=True):
        back = rows[-1]
        assert back["kind"] == "return" and int(back["over_shift_min"]) == late["over_min"]
        assert late["over_min"] == _minutes(back["arrive"]) - _minutes("09:03") > 0
        assert back["arrive"] == late["back"]
        assert [int(r["over_shift_min"]) for r in rows] == [
            max(0, _minutes(r["depart"] or r["arrive"]) - _minutes("09:03")) for r in rows]
    html = (tmp_path / "o" / "route-1.html").read_text("utf-8")
    assert "OVER THE SHIFT" in html


@pytest.mark.parametrize(("field", "kw"), [("shift_h", {"shift_h": 0}),
                                           ("break_min", {"break_min": -5}),
                                           ("break_after_h", {"break_after_h": 30})])
def test_bad_shift_options_name_the_field(field: str, kw: dict[str, float]) -> None:
    with pytest.raises(InputError, match=field):
        SheetOptions(**kw)  # type: ignore[arg-type]


def test_sheet_times_charge_u_turns_as_the_validator_does(tiny_osm_file: Path) -> None:
    """At 1 km/h a U-turn of 100 m takes 6 min: the sheets' last return equals the
    validator's longest route to the minute (without charging U-turns it would not)."""
    net = load_network(tiny_osm_file, simplify=False)
    tags = osm_edge_tags(net, tiny_osm_file)
    streets = streets_from_network(net, [StreetZone("z", 42.8707, 74.602, 1000)],
                                   StreetDemand.of_city(load_spec("bishkek")), tags=tags)
    sp = network_problem(net, streets, depot=(42.8699, 74.5999), unload=(42.8716, 74.6041),
                         capacity_t=0.05, tags=tags, u_turn_m=100.0, shift_s=23 * 3600,
                         speed_kmh=1.0)
    solution = solve_arcs(sp.problem, time_limit=0.5, clock="cpu")
    report = validate_arc_routes(sp.problem, solution)
    assert report.ok and report.u_turns > 0
    sheets = street_sheets(sp, solution, SheetOptions(speed_kmh=1.0, shift_h=23))
    longest = max(_minutes(rows[-1]["arrive"]) - _minutes("09:00") for rows in sheets)
    assert longest == pytest.approx(report.longest_route_s / 60, abs=1)


def test_a_clock_past_midnight_names_the_next_day() -> None:
    from circularopt.outputs.streets import _clock
    assert (_clock(23 * 60 + 59.6), _clock(24 * 60 + 10), _clock(49 * 60)) == (
        "00:00 (+1)", "00:10 (+1)", "01:00 (+2)")
