"""Kim's waste-collection instances: reader, lunch breaks, trip packing."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.bench.kim import (
    FEET_PER_MILE,
    pack_trips,
    read_kim,
    read_kim_header,
    route_yards,
    split_route_capacity,
    with_lunch_breaks,
)
from circularopt.exceptions import InputError
from circularopt.routing import RoutingModel, RoutingResult, schedule_route, solve, validate_routes


@pytest.fixture
def kim(shared: Path) -> Path:
    return shared / "benchmarks" / "wcvrptw" / "kim"


def test_kim_reader_follows_the_authors_convention(kim: Path) -> None:
    path = kim / "instances" / "102_stop.txt"
    head = read_kim_header(path)
    assert (head.vehicle_capacity, head.route_capacity, head.max_stops) == (280.0, 400.0, 500)
    p = read_kim(path)
    assert (p.num_stops, len(p.depots), len(p.unload_sites)) == (99, 1, 2)
    # The benchmark page's worked example: stop 0 -> stop 1 is 15387 ft, 262.3 s.
    i, j = p.locations.index("0"), p.locations.index("1")
    assert p.distance[i, j] == pytest.approx(15387.0)
    assert p.duration[i, j] == pytest.approx(262.3, abs=0.05)
    vt = p.vehicle_types[0]
    assert (vt.shift_start, vt.shift_end) == (4 * 3600.0, 15 * 3600.0)
    assert vt.return_empty and vt.max_stops == 500
    assert vt.breaks is not None and vt.breaks.duration == 3600.0
    assert p.stops[0].id == "3" and p.stops[0].tw_start == 7 * 3600.0
    assert p.stops[0].demand == (12.0,) and p.stops[0].service == 180.0
    # Route capacity 400 with 280 per trip, as a restriction: 2 trips of 200.
    r = read_kim(path, trips_for_route_capacity=True).vehicle_types[0]
    assert (r.capacity, r.max_unloads) == ((200.0,), 2)


def test_kim_lunch_inserted_after_a_solve_without_breaks(kim: Path) -> None:
    path = kim / "instances" / "102_stop.txt"
    full = read_kim(path)
    relaxed = read_kim(path, lunch=False, max_stops=False, open_disposal=True,
                       shift_reserve=3600.0)
    assert relaxed.vehicle_types[0].breaks is None
    solved = solve(relaxed, engine="pyvrp", time_limit=1.0, seed=1)
    plan = with_lunch_breaks(full, solved)
    report = validate_routes(full, plan)
    assert report.ok, report.summary()
    assert all(sum(v.kind == "break" for v in r.visits) == 1 for r in plan.routes)
    assert sum(route_yards(full, plan)) == pytest.approx(sum(s.demand[0] for s in full.stops))
    assert report.distance / FEET_PER_MILE > 0
    # Route capacity (400 yd3 a day, not modelled by the engines) enforced by moving trips.
    split = with_lunch_breaks(full, split_route_capacity(full, solved, 400.0))
    assert validate_routes(full, split).ok
    assert max(route_yards(full, split)) <= 400.0
    assert split.num_vehicles >= 3  # 897 yd3 in total
    # One vehicle doing every trip of the plan overruns its shift: trips move to new ones.
    steps = [("stop" if v.kind == "stop" else "unload", v.index) for r in solved.routes
             for v in r.visits if v.kind in ("stop", "unload")]
    one = RoutingResult(full.name, "x", "feasible", 0.0,
                        (schedule_route(full, 0, 0, steps, break_after=0),))
    assert not validate_routes(full, one).ok
    packed = pack_trips(full, one, route_capacity=400.0)
    assert validate_routes(full, packed).ok, validate_routes(full, packed).summary()
    assert max(route_yards(full, packed)) <= 400.0


def _tiny_kim(folder: Path, vehicle_yd: float, route_yd: float) -> Path:
    """A Kim-format file: depot 0, landfill 1, three stops of 100 yd3."""
    rows = ["0 0 0 0400 1500 0 9999 0", "1 5280 0 0000 2400 600 9999 2",
            "2 0 5280 0000 2400 60 100 1", "3 5280 5280 0000 2400 60 100 1",
            "4 2640 2640 0700 2400 60 100 1"]
    path = folder / "5_stop.txt"
    path.write_text("\n".join([f"{vehicle_yd} // vehicle", f"{route_yd} // route", "500",
                               "3600", "40", "Stop_ID X Y early late service load type",
                               *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("vehicle_yd", "route_yd", "trips", "trip_yd"), [
    (280.0, 10000.0, 35, 280.0),  # 804_stop: full trips, the day limit never binds
    (280.0, 400.0, 2, 200.0),     # 102_stop: two trips of 200 carry more than one of 280
    (200.0, 400.0, 2, 200.0),     # 444_stop: both restrictions coincide
])
def test_kim_trip_restriction_keeps_route_capacity(tmp_path: Path, vehicle_yd: float,
                                                   route_yd: float, trips: int,
                                                   trip_yd: float) -> None:
    p = read_kim(_tiny_kim(tmp_path, vehicle_yd, route_yd), trips_for_route_capacity=True)
    vt = p.vehicle_types[0]
    assert (vt.max_unloads, vt.capacity) == (trips, (trip_yd,))
    assert vt.max_unloads * vt.capacity[0] <= route_yd
    assert p.num_stops == 3 and p.unload_sites[0].unload_duration == 600.0


def test_pyvrp_minimise_fleet_puts_vehicles_first() -> None:
    # a and b are each one unit from the depot but 100 apart: with no fixed cost the
    # shortest plan uses two vehicles (4), the fleet phase finds the one-vehicle plan.
    dist = [[0.0, 1.0, 1.0], [1.0, 0.0, 100.0], [1.0, 100.0, 0.0]]
    m = RoutingModel(["d", "a", "b"], dist, dist, name="far_pair")
    m.add_depot("d")
    m.add_vehicle_type("van", depot="d", count=2, capacity=[10])
    for s in "ab":
        m.add_stop(s, demand=[1])
    problem = m.data()
    plain = solve(problem, engine="pyvrp", time_limit=1.0, options={"max_iterations": 200})
    assert plain.num_vehicles == 2 and plain.distance == pytest.approx(4.0)
    fewer = solve(problem, engine="pyvrp", time_limit=1.0,
                  options={"max_iterations": 200, "minimise_fleet": 0.5})
    assert validate_routes(problem, fewer).ok
    assert fewer.num_vehicles == 1 and fewer.distance == pytest.approx(102.0)
    assert fewer.info["fleet_steps"][-1][0] == 1
    with pytest.raises(InputError, match="minimise_fleet"):
        solve(problem, engine="pyvrp", time_limit=1.0, options={"minimise_fleet": 1.5})


def _late_site_model(*, open_site: bool) -> RoutingModel:
    """Stops a (east) and b (west) of demand 1, capacity 1: a truck unloads between them
    and before going home. Site ``late`` (beside a) opens at 100, ``open`` is always open."""
    xy = {"d": (0, 0), "a": (10, 0), "b": (-10, 0), "late": (11, 0), "open": (0, 5)}
    names = [n for n in xy if open_site or n != "open"]
    dist = [[float(abs(xy[i][0] - xy[j][0]) + abs(xy[i][1] - xy[j][1])) for j in names]
            for i in names]
    m = RoutingModel(names, dist, dist, name="late_site")
    m.add_depot("d")
    m.add_unload_site("late", unload_duration=5, tw_start=100)
    if open_site:
        m.add_unload_site("open", unload_duration=5)
    m.add_vehicle_type("truck", depot="d", count=1, capacity=[1], shift_end=1000,
                       unload_sites=["late", "open"] if open_site else ["late"],
                       return_empty=True)
    for s in "ab":
        m.add_stop(s, demand=[1])
    return m


def test_pyvrp_keeps_disposal_hours_and_final_unload_where_they_cannot_bind() -> None:
    problem = _late_site_model(open_site=True).data()
    plan = solve(problem, engine="pyvrp", time_limit=1.0, options={"max_iterations": 200})
    assert validate_routes(problem, plan).ok
    unloads = [v.id for v in plan.routes[0].visits if v.kind == "unload"]
    assert len(unloads) == 2 and unloads[-1] == "open"  # "late" may open after arrival
    with pytest.raises(InputError, match="return_empty"):
        solve(_late_site_model(open_site=False).data(), engine="pyvrp", time_limit=1.0)


def test_kim_bad_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad_stop.txt"
    bad.write_text("x\ny\n", encoding="utf-8")
    with pytest.raises(InputError, match="lines 1-5"):
        read_kim(bad)
