"""The ``lrp`` bench runner, and Prodhon's best-known cost convention."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from circularopt.bench import BenchOptions
from circularopt.bench.lrp import run_lrp
from circularopt.lrp import (
    LRPRoute,
    LRPSolution,
    read_prodhon,
    validate_lrp,
)
from tests.lrp.conftest import TINY


def test_bench_runner_writes_checked_rows_and_json(tmp_path: Path) -> None:
    data = tmp_path / "lrp"
    (data / "prodhon" / "instances").mkdir(parents=True)
    (data / "prodhon" / "instances" / "tiny-5-2.dat").write_text(TINY, encoding="utf-8")
    with (data / "BKS.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["instance", "best_of_listed"])
        w.writerow(["tiny-5-2", "2000"])
    out = tmp_path / "sols"
    rows = list(run_lrp(BenchOptions(data=data, time_limit=1.0, solutions=out)))
    assert len(rows) == 1 and rows[0].feasible and rows[0].bks == 2000
    saved = json.loads((out / "tiny-5-2.pyvrp.json").read_text(encoding="utf-8"))
    inst = read_prodhon(data / "prodhon" / "instances" / "tiny-5-2.dat", rounding="ceil")
    report = validate_lrp(inst, LRPSolution.from_dict(saved))
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
    trunc, ceil = validate_lrp(inst, plan), validate_lrp(inst.with_rounding("ceil"), plan)
    assert trunc.ok and ceil.ok
    assert trunc.cost < bks["coord20-5-1"] == ceil.cost
