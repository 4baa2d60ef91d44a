"""Hardening: bad input at every entry point gives one clear error; infeasibility explained.

Every case goes in through a public door (``circularopt.cli.main([...])``, the Python
API, the file readers) and checks that the answer is a
:class:`~circularopt.exceptions.CircularOptError` naming the file or field, the value and
what would be valid (the CLI: exit code 2 and one ``error:`` line), never a traceback.
Scenarios are a tiny hand-made town solved in about a second.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from circularopt import cli
from circularopt.bench.facility import read_orlib_cflp
from circularopt.bench.vrplib import read_cvrp
from circularopt.diagnose import require_feasible, validate_scenario
from circularopt.exceptions import (
    CircularOptError,
    InfeasibleError,
    InputError,
    NetworkError,
    SnappingError,
)
from circularopt.lrp import read_prodhon
from circularopt.matrices import TravelMatrices, approximate_matrices, road_matrices
from circularopt.network import load_network
from circularopt.pipeline import scenario_hash, solve
from circularopt.plan import Plan
from circularopt.routing.decompose import RoutingOptions
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


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The town's plan, solved once for the module."""
    return solve(town(), time_limit=3, routing=RoutingOptions(workers=1))


# --------------------------------------------------------------------------- scenario JSON


def _point(data: dict[str, Any], key: str, value: Any) -> None:
    data["collection_points"][0][key] = value


SCENARIO_CASES: list[tuple[str, Callable[[dict[str, Any]], None], tuple[str, ...]]] = [
    ("nan-lat", lambda d: _point(d, "lat", float("nan")), ("'p0'.lat", "nan", "finite")),
    ("lat-out-of-range", lambda d: _point(d, "lat", 123.0), ("'p0'.lat", "123", "<= 90")),
    ("lon-as-text", lambda d: _point(d, "lon", "74,6"), ("'p0'.lon", "'74,6'", "number")),
    ("duplicate-id", lambda d: _point(d, "id", "p1"), ("'p1'", "unique ids")),
    ("negative-demand", lambda d: d["collection_points"][0]["tonnes_per_day"].update(
        plastic=-0.3), ("tonnes_per_day['plastic']", "-0.3", ">= 0")),
    ("negative-capacity", lambda d: d["depots"][0]["vehicle_types"][0].update(
        capacity_tonnes=-5), ("capacity_tonnes", "-5", "> 0")),
    ("window-as-text", lambda d: _point(d, "time_window", "8-10"),
     ("time_window", "'8-10'", "[earliest, latest]")),
    ("fleet-not-a-list", lambda d: d["depots"][0].update(vehicle_types=None),
     ("vehicle_types", "None", "a list")),
    ("metadata-not-an-object", lambda d: d.update(metadata=[1]), ("metadata", "a mapping")),
    ("unknown-stream", lambda d: d["collection_points"][0]["tonnes_per_day"].update(
        plstic=1.0), ("'plstic'", "one of the scenario's streams")),
]


@pytest.mark.parametrize(("case", "edit", "parts"), SCENARIO_CASES,
                         ids=[c[0] for c in SCENARIO_CASES])
def test_bad_scenario_json_one_clear_error(
        case: str, edit: Callable[[dict[str, Any]], None], parts: tuple[str, ...],
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / f"{case}.json"
    path.write_text(edited(town(), edit), encoding="utf-8")
    code, line = run_cli(capsys, "scenario", "show", path)
    assert code == 2
    assert_clear(line, "InputError", str(path), *parts)
    with pytest.raises(InputError):
        Scenario.from_json(path)


def test_truncated_and_empty_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = town().to_json()
    for name, body in (("cut.json", text[: len(text) // 2]), ("empty.json", "")):
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        code, line = run_cli(capsys, "solve", path, "--time-limit", "2", "--out",
                             tmp_path / "out")
        assert code == 2
        assert_clear(line, str(path), "line ", "valid JSON")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["solve", "site", "route"])
def test_empty_scenario(command: str, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.json"
    town(0).to_json(path)
    code, line = run_cli(capsys, command, path, "--time-limit", "2", "--out", tmp_path / "o")
    assert code == 2
    assert_clear(line, "collection_points", "at least one collection point")


def test_truncated_plan_json(plan: Plan, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    good = plan.save(tmp_path / "plan.json").read_text(encoding="utf-8")
    bad = tmp_path / "cut.json"
    bad.write_text(good[:-200], encoding="utf-8")
    scenario = tmp_path / "town.json"
    plan.scenario.to_json(scenario)
    for argv in (("check", scenario, bad), ("compare", tmp_path / "plan.json", bad)):
        code, line = run_cli(capsys, *argv)
        assert code == 2
        assert_clear(line, str(bad), "line ", "valid JSON")
    data = json.loads(good)
    data["siting"]["assignment"] = "x"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"a plan\.json written by circularopt"):
        Plan.load(bad)


# --------------------------------------------------------------------------- file readers

VRP = """NAME : tiny
TYPE : CVRP
DIMENSION : 4
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
1 0 0
2 0 10
3 10 0
4 -5 -5
DEMAND_SECTION
1 0
2 4
3 5
4 3
DEPOT_SECTION
1
-1
EOF
"""


def test_vrplib_reader_and_bench(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "tiny.vrp"
    good.write_text(VRP, encoding="utf-8")
    assert read_cvrp(good).num_stops == 3
    cases = {
        "cut": (VRP[: VRP.index("DEMAND_SECTION") + 20], "DEMAND_SECTION"),
        "nan": (VRP.replace("3 10 0", "3 nan 0"), "NODE_COORD_SECTION"),
        "negative": (VRP.replace("3 5\n", "3 -5\n"), "DEMAND_SECTION"),
        "capacity": (VRP.replace("CAPACITY : 10", "CAPACITY : 0"), "CAPACITY"),
    }
    for name, (text, section) in cases.items():
        path = tmp_path / f"{name}.vrp"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as info:
            read_cvrp(path)
        assert_clear(str(info.value), str(path), section, "expected")
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "cut.vrp").write_text(cases["cut"][0], encoding="utf-8")
    code, line = run_cli(capsys, "bench", "cvrp", "--data", folder, "--time-limit", "1",
                         "--out", tmp_path / "rows.csv")
    assert code == 2
    assert_clear(line, "cut.vrp", "DEMAND_SECTION")


CFLP = "2 3\n100 50\n100 60\n10 1 2\n20 3 4\n30 5 6\n"


def test_cflp_reader(tmp_path: Path) -> None:
    good = tmp_path / "cap.txt"
    good.write_text(CFLP, encoding="utf-8")
    assert read_orlib_cflp(good).cost.shape == (2, 3)
    for name, text, part in (("empty", "", "header"), ("short", "2 3\n100", "facility rows"),
                             ("cut", CFLP[:-6], "customer blocks"),
                             ("neg", CFLP.replace("20 3 4", "20 -3 4"), ">= 0")):
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as info:
            read_orlib_cflp(path)
        assert_clear(str(info.value), str(path), part)


PRODHON = "2\n1\n0 0\n3 4\n6 8\n10\n100\n3\n4\n50\n10\n0\n"


def test_prodhon_reader(tmp_path: Path) -> None:
    good = tmp_path / "coord2-1-1.dat"
    good.write_text(PRODHON, encoding="utf-8")
    assert read_prodhon(good).name == "coord2-1-1"
    for name, text in (("cut", PRODHON[:12]), ("text", PRODHON.replace("100", "many"))):
        path = tmp_path / f"{name}.dat"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as info:
            read_prodhon(path)
        assert path.name in str(info.value)


def _osm(rows: int = 3, cols: int = 3, *, step: float = 0.002, lat: float = LAT,
         lon: float = LON) -> str:
    """A grid of two-way residential streets (default 3x3, 200 m apart, at the town)."""
    nodes = {cols * r + c + 1: (lat + step * r, lon + step * c)
             for r in range(rows) for c in range(cols)}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
    lines += [f'<node id="{k}" version="1" lat="{la:.7f}" lon="{lo:.7f}"/>'
              for k, (la, lo) in nodes.items()]
    ways = [[cols * r + c + 1 for c in range(cols)] for r in range(rows)]
    ways += [[cols * r + c + 1 for r in range(rows)] for c in range(cols)]
    for w, refs in enumerate(ways, start=10):
        lines += [f'<way id="{w}" version="1">', *(f'<nd ref="{k}"/>' for k in refs),
                  '<tag k="highway" v="residential"/></way>']
    return "\n".join([*lines, "</osm>"])


def test_osm_files_and_snapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "block.osm"
    good.write_text(_osm(), encoding="utf-8")
    net = load_network(good)
    for name, text in (("cut.osm", _osm()[:300]), ("notosm.osm", "hello, world\n"),
                       ("nothing.osm", '<osm version="0.6"></osm>')):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(NetworkError) as info:
            load_network(path)
        assert_clear(str(info.value), str(path), "expected a complete OSM")
        code, line = run_cli(capsys, "network", path)
        assert code == 2 and name in line
    far = [("near", LAT + 0.002, LON + 0.0001), ("far", LAT + 0.05, LON)]
    with pytest.raises(SnappingError) as snapped:
        road_matrices(net, far, max_snap_m=100.0, cache=False)
    assert_clear(str(snapped.value), "'far'", "100 m", "max_snap_m")
    assert "'near'" not in str(snapped.value)


def test_site_and_route_use_a_road_network(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """``--network`` replaces the approximation in ``site`` and ``route`` too."""
    roads = tmp_path / "town.osm"  # streets 440 m apart around everything in town()
    roads.write_text(_osm(26, 36, step=0.004, lat=LAT - 0.08, lon=LON - 0.1),
                     encoding="utf-8")
    scenario = tmp_path / "town.json"
    town().to_json(scenario)
    for argv in (("site", "--time-limit", "5", "--out", tmp_path / "site.json"),
                 ("route", "--time-limit", "2", "--workers", "1",
                  "--out", tmp_path / "routes.json")):
        code = cli.main([str(a) for a in (argv[0], scenario, "--network", roads, *argv[1:])])
        out = capsys.readouterr().out
        assert code == 0, out
        assert "APPROXIMATE" not in out and "loading road network" in out
    routes = json.loads((tmp_path / "routes.json").read_text(encoding="utf-8"))
    assert routes["valid"] and routes["approximate_matrices"] is False
    assert "town.osm" in routes["matrices_source"]


# --------------------------------------------------------------------------- infeasibility


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


# --------------------------------------------------------------------------- outputs, interrupt


def test_failed_write_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import circularopt.outputs

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(circularopt.outputs, "write_map_png", broken)
    scenario = tmp_path / "town.json"
    town().to_json(scenario)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        cli.main(["solve", str(scenario), "--time-limit", "3", "--out", str(out)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["town.json"]
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OSError, match="disk full"):
        cli.main(["solve", str(scenario), "--time-limit", "3", "--out", str(out)])
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "town.json"]


def test_cli_interrupt_saves_the_plan_so_far(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import circularopt.cli.solve as cli_solve

    def interrupted(*args: Any, progress: Callable[[str], None], **kwargs: Any) -> Plan:
        def stop_at_routing(msg: str) -> None:
            progress(msg)
            if msg.endswith("routing ..."):
                raise KeyboardInterrupt

        return solve(*args, progress=stop_at_routing, **kwargs)

    monkeypatch.setattr(cli_solve, "solve", interrupted)
    scenario = tmp_path / "town.json"
    town().to_json(scenario)
    code = cli.main(["solve", str(scenario), "--time-limit", "5", "--out",
                     str(tmp_path / "out")])
    assert code == 130
    saved = Plan.load(tmp_path / "out" / "plan.json")
    assert not saved.complete and saved.siting is not None and saved.routing is None
    assert saved.info["interrupted_at"] == "routing"
    assert "incomplete" in capsys.readouterr().out


# --------------------------------------------------------------------------- reproducibility


def test_plan_records_versions_settings_and_input_hash(plan: Plan) -> None:
    info = plan.info
    assert set(info["versions"]) >= {"python", "circularopt", "ortools", "pyvrp"}
    assert all(info["versions"].values())
    assert (info["seed"], info["engine"], info["time_limit"], info["workers"]) == (
        0, "pyvrp", 3, 1)
    canonical = json.dumps(town().to_dict(), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    assert info["scenario_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert scenario_hash(town(tonnes=0.9)) != info["scenario_sha256"]
    assert info["warnings"] == []


def test_same_scenario_seed_and_engine_same_plan(plan: Plan) -> None:
    again = solve(town(), time_limit=3, routing=RoutingOptions(workers=1))
    assert again.routing is not None and plan.routing is not None
    assert [[v.id for v in r.visits] for r in again.routing.routes] == \
        [[v.id for v in r.visits] for r in plan.routing.routes]
    assert again.kpis == plan.kpis
    assert again.siting is not None and plan.siting is not None
    assert again.siting.assignment == plan.siting.assignment


def test_no_half_written_scenario_on_import_error(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    base = tmp_path / "town.json"
    town().to_json(base)
    csv = tmp_path / "sites.csv"
    csv.write_text("id,lat,lon,tonnes\na,42.9,74.6,1\nb,nan,74.6,1\n", encoding="utf-8")
    out = tmp_path / "new.json"
    code, line = run_cli(capsys, "scenario", "import", base, csv, "--kind",
                         "collection_points", "--out", out)
    assert code == 2 and "sites.csv" in line and "row" in line
    assert not out.exists()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]



def test_iteration_stop_is_reproducible_whatever_the_time() -> None:
    scenario = town(24)
    routing = RoutingOptions(workers=1, engine_options={"max_iterations": 150})
    plans = [solve(scenario, time_limit=60, seed=4, routing=routing) for _ in range(2)]
    routes = [[[v.id for v in r.visits] for r in p.routing.routes]
              for p in plans if p.routing is not None]
    assert len(routes) == 2 and routes[0] == routes[1]
    assert all(p.valid for p in plans)
    assert plans[0].info["engine_options"] == {"max_iterations": 150}
    assert plans[0].info["seconds"] < 30  # stopped on iterations, not on the 60 s limit
    with pytest.raises(CircularOptError, match="max_iterations: got 0; expected None or an"):
        solve(scenario, time_limit=5,
              routing=RoutingOptions(workers=1, engine_options={"max_iterations": 0}))


def test_deprecated_diagnosis_names_warn_and_still_work() -> None:
    from circularopt.diagnose import Diagnosis, ScenarioReport, check_feasible, diagnose

    assert Diagnosis is ScenarioReport
    matrices = approximate_matrices(town().locations())
    with pytest.warns(DeprecationWarning, match="diagnose"):
        found = diagnose(town(shift=30.0, count=4), matrices)
    assert found.problems == found.violations and not found.ok
    with pytest.warns(DeprecationWarning, match="check_feasible"), \
            pytest.raises(InfeasibleError):
        check_feasible(town(window=(0.0, 60.0)), matrices)
