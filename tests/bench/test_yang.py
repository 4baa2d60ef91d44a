"""Yang's multi-trip instances: reader, solutions, runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.bench import BenchOptions
from circularopt.bench.yang import (
    read_yang,
    read_yang_solution,
    run_mtvrptwr,
    write_yang_solution,
)
from circularopt.routing import RoutingResult, schedule_route, validate_routes


@pytest.fixture
def yang(shared: Path) -> Path:
    return shared / "benchmarks" / "mtvrptwr" / "yang"


@pytest.mark.parametrize("name", ["C201R0.5", "R202R0.25"])
def test_yang_bks_cost_recomputed_from_sol(yang: Path, name: str) -> None:
    problem = read_yang(yang / f"{name}.vrp")
    plan = read_yang_solution(yang / f"{name}.sol", problem)
    report = validate_routes(problem, plan)
    assert report.ok, report.summary()
    text = (yang / f"{name}.sol").read_text(encoding="utf-8")
    cost = float(text.split("Cost:")[1].split()[0])
    assert 10 * report.distance == pytest.approx(cost, abs=1e-6)
    assert any(r.num_unloads for r in plan.routes)  # the BKS reloads at the depot


def test_yang_reader_keeps_release_times_and_fleet(yang: Path) -> None:
    p = read_yang(yang / "C201R0.5.vrp")
    assert p.num_stops == 100 and p.num_vehicles == 8
    assert p.stops[7].id == "8" and p.stops[7].release_time == 1365.0
    assert p.vehicle_types[0].unload_sites == (0,)
    assert p.unload_sites[0].location == p.depots[0].location


def test_yang_solution_round_trip(yang: Path, tmp_path: Path) -> None:
    problem = read_yang(yang / "C201R0.5.vrp")
    plan = read_yang_solution(yang / "C201R0.5.sol", problem)
    out = tmp_path / "x.sol"
    write_yang_solution(out, plan, cost=10 * plan.distance)
    assert "Route #1:" in out.read_text() and " 0 " in out.read_text()
    again = read_yang_solution(out, problem)
    assert again.distance == pytest.approx(plan.distance)


def test_yang_corrupted_solution_is_rejected(yang: Path) -> None:
    problem = read_yang(yang / "C201R0.5.vrp")
    plan = read_yang_solution(yang / "C201R0.5.sol", problem)
    r = plan.routes[1]
    steps = [("stop", v.index) for v in r.visits if v.kind == "stop"]  # reloads dropped
    broken = RoutingResult(plan.problem_name, "x", "feasible", 0.0,
                           (*plan.routes[:1], schedule_route(problem, 0, 1, steps),
                            *plan.routes[2:]))
    assert not validate_routes(problem, broken).ok


def test_mtvrptwr_runner_writes_sol_and_refuses_ortools(yang: Path, tmp_path: Path) -> None:
    opts = BenchOptions(data=yang, instances="C201R0.5", time_limit=1.0, seed=1,
                        solutions=tmp_path)
    rows = list(run_mtvrptwr(opts))
    assert len(rows) == 1 and rows[0].feasible and rows[0].bks == 15006.0
    assert rows[0].cost is not None and rows[0].cost >= 15006.0 - 1e-6
    text = (tmp_path / "C201R0.5.pyvrp.sol").read_text()
    assert text.startswith("Route #1:") and "Cost:" in text
    problem = read_yang(yang / "C201R0.5.vrp")
    assert 10 * validate_routes(problem, read_yang_solution(tmp_path / "C201R0.5.pyvrp.sol",
                                                     problem)).distance == pytest.approx(
        rows[0].cost)
    row = next(run_mtvrptwr(BenchOptions(data=yang, instances="C201R0.5", time_limit=0.5,
                                         engine="ortools")))
    assert not row.feasible and "release" in row.extra["error"]
    peers = list(run_mtvrptwr(BenchOptions(data=yang, instances="C201R0.5", time_limit=0.5,
                                           peers=True)))
    assert [r.engine for r in peers] == ["pyvrp", "peer-pyvrp"]
    assert peers[1].cost is not None and peers[1].cost > 0
