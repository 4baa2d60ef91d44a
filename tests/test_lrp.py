"""Location-routing: Prodhon reader and cost convention, checker, solver, bench runner."""

from __future__ import annotations

import csv
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from circularopt.bench import BenchOptions
from circularopt.bench.lrp import run_lrp
from circularopt.exceptions import DataNotFoundError, InfeasibleError, InputError
from circularopt.lrp import (
    LRPInstance,
    LRPRoute,
    LRPSolution,
    arc_cost,
    check_lrp,
    read_prodhon,
    solve_lrp,
)

# 2 candidate depots, 5 customers (Prodhon's layout of numbers).
TINY = """5
2

0 0
10 0

1 1
2 0
9 1
8 -1
5 3

10

15
20

4
3
5
4
6

700
600

100

0
"""


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    """A tiny Prodhon-format file."""
    path = tmp_path / "tiny-5-2.dat"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tiny_file: Path) -> LRPInstance:
    """The tiny instance, truncated arc costs."""
    return read_prodhon(tiny_file)


def _brute_force(inst: LRPInstance) -> float:
    """Optimum by enumeration: set partitions x depot per route x best visiting order."""
    def partitions(items: list[int]) -> list[list[list[int]]]:
        if not items:
            return [[]]
        head, rest = items[0], items[1:]
        out = []
        for p in partitions(rest):
            out.append([[head], *p])
            for k in range(len(p)):
                out.append([*p[:k], [head, *p[k]], *p[k + 1:]])
        return out

    def tour(depot: int, group: list[int]) -> float:
        best = math.inf
        for perm in itertools.permutations(group):
            nodes = [depot, *(inst.m + i for i in perm), depot]
            best = min(best, sum(inst.cost[a, b] for a, b in itertools.pairwise(nodes)))
        return best

    best = math.inf
    for part in partitions(list(range(inst.n))):
        loads = [sum(inst.demand[i] for i in g) for g in part]
        if max(loads) > inst.vehicle_capacity:
            continue
        for depots in itertools.product(range(inst.m), repeat=len(part)):
            per_depot = np.zeros(inst.m)
            for j, load in zip(depots, loads, strict=True):
                per_depot[j] += load
            if (per_depot > inst.depot_capacity).any():
                continue
            cost = sum(inst.opening_cost[j] for j in set(depots))
            cost += inst.route_cost * len(part)
            cost += sum(tour(j, g) for j, g in zip(depots, part, strict=True))
            best = min(best, cost)
    return best


def test_reader_fields_and_truncated_costs(tiny: LRPInstance) -> None:
    assert (tiny.n, tiny.m, tiny.name) == (5, 2, "tiny-5-2")
    assert tiny.vehicle_capacity == 10 and tiny.route_cost == 100
    assert tiny.depot_capacity.tolist() == [15, 20]
    assert tiny.demand.tolist() == [4, 3, 5, 4, 6]
    assert tiny.opening_cost.tolist() == [700, 600]
    assert tiny.rounding == "trunc"
    # depot 0 (0,0) -> customer 0 (1,1): 100 * sqrt(2) = 141.42 -> 141
    assert tiny.cost[0, 2] == 141
    # customer 0 (1,1) -> customer 4 (5,3): 100 * sqrt(20) = 447.21 -> 447
    assert tiny.cost[2, 6] == 447
    assert tiny.with_rounding("ceil").cost[0, 2] == 142
    assert arc_cost((0, 0), (3, 4), "trunc") == arc_cost((0, 0), (3, 4), "ceil") == 500


def test_reader_errors(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError):
        read_prodhon(tmp_path / "missing.dat")
    cut = tmp_path / "cut.dat"
    cut.write_text(TINY.split("700")[0], encoding="utf-8")
    with pytest.raises(InputError, match="depot opening costs"):
        read_prodhon(cut)
    heavy = tmp_path / "heavy.dat"
    heavy.write_text(TINY.replace("\n6\n", "\n11\n"), encoding="utf-8")
    with pytest.raises(InputError, match="vehicle capacity"):
        read_prodhon(heavy)


def test_checker_cost_of_a_valid_plan(tiny: LRPInstance) -> None:
    sol = LRPSolution((0, 1), (LRPRoute(0, (0, 1)), LRPRoute(1, (2, 3)), LRPRoute(1, (4,))))
    report = check_lrp(tiny, sol)
    assert report.ok, report.summary()
    c = tiny.cost
    arcs = (c[0, 2] + c[2, 3] + c[3, 0] + c[1, 4] + c[4, 5] + c[5, 1]
            + c[1, 6] + c[6, 1])
    assert report.cost == pytest.approx(1300 + 300 + arcs)
    assert report.depot_loads == {0: 7.0, 1: 15.0}


@pytest.mark.parametrize(("solution", "reason"), [
    (LRPSolution((0, 1), (LRPRoute(0, (0, 1)), LRPRoute(1, (1, 2, 3)), LRPRoute(1, (4,)))),
     "customer 1 is served twice"),
    (LRPSolution((0, 1), (LRPRoute(0, (0, 1)), LRPRoute(1, (2, 3)))), "not served"),
    (LRPSolution((0, 1), (LRPRoute(0, (0, 1, 4)), LRPRoute(1, (2, 3)))),
     "route 0 carries 13 > vehicle capacity 10"),
    (LRPSolution((0,), (LRPRoute(0, (0, 1)), LRPRoute(1, (2, 3)), LRPRoute(0, (4,)))),
     "starts at depot 1, which is not open"),
    (LRPSolution((0,), (LRPRoute(0, (0, 1)), LRPRoute(0, (2, 3)), LRPRoute(0, (4,)))),
     "depot 0 ships 22 > its capacity 15"),
    (LRPSolution((0, 5), (LRPRoute(0, (0, 1, 2, 3, 4)),)), "open depot 5 does not exist"),
])
def test_checker_rejects_broken_plans(tiny: LRPInstance, solution: LRPSolution,
                                      reason: str) -> None:
    report = check_lrp(tiny, solution)
    assert not report.ok
    assert any(reason in v for v in report.violations), report.violations


def test_solution_json_round_trip() -> None:
    sol = LRPSolution((1, 3), (LRPRoute(1, (4, 0)), LRPRoute(3, (2,))))
    assert LRPSolution.from_dict(json.loads(json.dumps(sol.to_dict()))) == sol
    with pytest.raises(InputError):
        LRPSolution.from_dict({"routes": []})


def test_solver_finds_the_enumerated_optimum(tiny: LRPInstance) -> None:
    optimum = _brute_force(tiny)
    result = solve_lrp(tiny, time_limit=1.5, seed=1)
    report = check_lrp(tiny, result.solution)
    assert report.ok, report.summary()
    assert result.cost == pytest.approx(report.cost)
    assert result.cost == pytest.approx(optimum)
    assert "cost" in result.summary()


def test_solver_refuses_impossible_capacity(tiny: LRPInstance) -> None:
    small = LRPInstance("small", tiny.depot_xy, tiny.customer_xy, 10, np.array([5, 5]),
                        tiny.demand, tiny.opening_cost, 100)
    with pytest.raises(InfeasibleError, match="total depot capacity 10"):
        solve_lrp(small, time_limit=1)
    with pytest.raises(InputError, match="engine"):
        solve_lrp(tiny, time_limit=1, engine="nope")


def test_bench_runner_writes_checked_rows_and_json(tiny_file: Path, tmp_path: Path) -> None:
    data = tmp_path / "lrp"
    (data / "prodhon" / "instances").mkdir(parents=True)
    (data / "prodhon" / "instances" / tiny_file.name).write_text(TINY, encoding="utf-8")
    with (data / "BKS.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["instance", "best_of_listed"])
        w.writerow(["tiny-5-2", "2000"])
    out = tmp_path / "sols"
    rows = list(run_lrp(BenchOptions(data=data, time_limit=1.0, solutions=out)))
    assert len(rows) == 1 and rows[0].feasible and rows[0].bks == 2000
    saved = json.loads((out / "tiny-5-2.pyvrp.json").read_text(encoding="utf-8"))
    inst = read_prodhon(data / "prodhon" / "instances" / tiny_file.name, rounding="ceil")
    report = check_lrp(inst, LRPSolution.from_dict(saved))
    assert report.ok and report.cost == pytest.approx(rows[0].cost)
    assert rows[0].extra["cost_trunc"] <= rows[0].cost


def test_real_file_and_best_known_convention(shared: Path) -> None:
    folder = shared / "benchmarks" / "lrp"
    inst = read_prodhon(folder / "prodhon" / "instances" / "coord20-5-1.dat")
    assert (inst.n, inst.m, inst.vehicle_capacity, inst.route_cost) == (20, 5, 70, 1000)
    assert inst.depot_capacity.tolist() == [140] * 5
    with (folder / "BKS.csv").open(encoding="utf-8") as fh:
        bks = {r["instance"]: float(r["best_of_listed"]) for r in csv.DictReader(fh)}
    # A plan found by solve_lrp: under truncated arcs it is cheaper than the proven
    # optimum 54793, under rounded-up arcs it costs exactly that: the BKS use ceil.
    plan = LRPSolution((1, 2, 4), (
        LRPRoute(1, (3, 0, 11, 17)), LRPRoute(1, (19, 12, 4, 6, 2)),
        LRPRoute(2, (5, 10, 7)), LRPRoute(2, (13, 14, 15, 18)), LRPRoute(4, (9, 8, 16, 1))))
    trunc, ceil = check_lrp(inst, plan), check_lrp(inst.with_rounding("ceil"), plan)
    assert trunc.ok and ceil.ok
    assert trunc.cost < bks["coord20-5-1"] == ceil.cost
