"""The scenario -> routing bridge on a tiny hand-made scenario, and the route CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from circularopt.cli import main
from circularopt.exceptions import InfeasibleError, InputError
from circularopt.routing import solve, validate_routes
from circularopt.routing.scenario import due_on, nearest_sites, point_load, routing_problem
from tests.routing.conftest import line_matrices, tiny_scenario


# Points on a line of longitude 74.60 (1 km ~ 0.009 deg of latitude).
def test_mapping_of_fleet_stops_and_sites() -> None:
    s = tiny_scenario()
    p = routing_problem(s, line_matrices(s), unload_sites=["cx"])
    assert p.dimensions == ("t", "m3") and p.num_stops == 4
    vt = p.vehicle_types[0]
    assert vt.name == "dep/t1" and vt.count == 2 and vt.capacity == (4.0, 20.0)
    assert vt.cost_per_distance == pytest.approx(1.2 / 1000)
    assert vt.cost_per_duration == pytest.approx(9.0 / 3600)
    assert (vt.shift_start, vt.shift_end) == (420 * 60.0, 900 * 60.0)
    assert vt.return_empty and vt.fixed_cost == 50.0
    assert [u.id for u in p.unload_sites] == ["cx"] and p.unload_sites[0].unload_duration == 900
    p1 = p.stops[p.stop_index("p1")]
    # 0.25 t plastic at 0.12 t/m3 + 0.75 t residual at 0.40 t/m3
    assert p1.demand == pytest.approx((1.0, 0.25 / 0.12 + 0.75 / 0.40), abs=1e-3)
    assert p1.service == 300.0
    p4 = p.stops[p.stop_index("p4")]
    assert p4.demand[0] == pytest.approx(3.5)  # 1 t/day, twice a week: 3.5 t per visit
    assert (p4.tw_start, p4.tw_end) == (480 * 60.0, 720 * 60.0)
    result = solve(p, engine="pyvrp", time_limit=0.5, seed=1)
    assert validate_routes(p, result).ok
    assert all(r.visits[-2].kind == "unload" for r in result.routes)  # returns empty


def test_default_sites_are_landfills_and_day_filter() -> None:
    s = tiny_scenario()
    m = line_matrices(s)
    assert [u.id for u in routing_problem(s, m).unload_sites] == ["lf"]
    p4 = s.collection_points[3]
    days = [d for d in range(7) if due_on(p4, d)]
    assert len(days) == 2
    assert "p4" not in {x.id for x in routing_problem(s, m, day=min(set(range(7)) - set(days))
                                                      ).stops}
    with pytest.raises(InputError, match="day"):
        due_on(p4, 7)
    assert point_load(s, p4)[1] == pytest.approx(3.5 / 0.20)


def test_assignment_restricts_points_and_sites() -> None:
    s = tiny_scenario()
    m = line_matrices(s)
    near = nearest_sites(s, m)
    assert near == {"p1": "cx", "p2": "cx", "p3": "cx", "p4": "lf"}
    with pytest.raises(InputError, match="single unload site"):
        routing_problem(s, m, assignment=near)
    p = routing_problem(s, m, assignment=near, unload_sites=["cx"])
    assert sorted(x.id for x in p.stops) == ["p1", "p2", "p3"]
    with pytest.raises(InputError, match="site for every"):
        routing_problem(s, m, assignment={"p1": "cx"}, points=["p1", "p2"])


def test_overweight_point_is_named() -> None:
    s = tiny_scenario(heavy=True)
    with pytest.raises(InfeasibleError, match=r"'heavy' yields 9\.000 t and 15\.000 m3"):
        routing_problem(s, line_matrices(s))


def test_unreachable_point_is_named() -> None:
    s = tiny_scenario(far_point=True, shift_minutes=240.0)
    with pytest.raises(InfeasibleError, match=r"'far' cannot be served.*after its shift"):
        routing_problem(s, line_matrices(s))


def test_route_cli_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "tiny.json"
    tiny_scenario().to_json(path)
    out = tmp_path / "routes.json"
    code = main(["route", str(path), "--time-limit", "1", "--workers", "1", "--seed", "3",
                 "--out", str(out)])
    assert code == 0
    data = json.loads(out.read_text())
    assert data["valid"] and data["approximate_matrices"]
    served = {v["id"] for r in data["result"]["routes"] for v in r["visits"]
              if v["kind"] == "stop"}
    assert served == {"p1", "p2", "p3", "p4"}
    assert {p["site"] for p in data["parts"]} <= {"cx", "lf"}
