"""Readers of the facility location benchmark formats, inline and on the shared sets."""

from __future__ import annotations

import csv
import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from circularopt.bench.facility import (
    cflp_instances,
    read_orlib_cflp,
    read_sscflp,
    read_tscflp,
    sscflp_instances,
    tscflp_instances,
)
from circularopt.cli import main
from circularopt.exceptions import InputError
from circularopt.siting.cflp import FacilityProblem, solve_mip, solve_two_stage_mip
from circularopt.siting.validate import validate_facility

ORLIB = """2 3
 10 100.
 capacity 50.
 4
 8.0 12.0
 5
 10. 5.
 6 2. 30.
"""
"""Customer-major OR-Library layout: demand, then the cost at each facility."""

PISA = """2 3
10 100
20 50
4 5 6
8 10 2
12 5 30
"""
"""Facility-major layout: capacities/fixed, demands, then one row per facility."""

TWO_STAGE = """1 2 2
5
5
20 10
2 1
8 5 10 4
1 3
2 2
"""


def test_orlib_layout_is_customer_major(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(ORLIB)
    with pytest.raises(InputError, match="capacity"):
        read_orlib_cflp(path)
    p = read_orlib_cflp(path, capacity=30.0)
    assert p.capacity.tolist() == [30.0, 30.0]
    assert p.fixed_cost.tolist() == [100.0, 50.0]
    assert p.demand.tolist() == [4.0, 5.0, 6.0]
    assert p.cost.tolist() == [[8.0, 10.0, 2.0], [12.0, 5.0, 30.0]]
    assert not p.single_source


def test_pisa_layout_is_facility_major(tmp_path: Path) -> None:
    path = tmp_path / "p1"
    path.write_text(PISA)
    p = read_sscflp(path)
    assert p.single_source and p.name == f"{tmp_path.name}/p1"
    assert p.capacity.tolist() == [10.0, 20.0]
    assert p.cost.tolist() == [[8.0, 10.0, 2.0], [12.0, 5.0, 30.0]]
    # open facility 1 only (50): 12 + 5 + 30 = 97; both: 150 + 8 + 5 + 2 = 165
    res = solve_mip(p, time_limit=5)
    assert res.cost == pytest.approx(97.0)


# Delmaire layout: 3 customers, 2 facilities; costs by customer rows, demands, fixed
# costs, capacities
DELMAIRE = """3   2
  10.00  20.00
  15.00   5.00
   8.00   9.00
   4.00   5.00   3.00
  30.00  25.00
   8.00   9.00
"""


def _single_source_optimum(p: FacilityProblem) -> float:
    """Optimum by enumerating every customer-to-facility assignment."""
    best = math.inf
    for target in itertools.product(range(p.m), repeat=p.n):
        load = np.zeros(p.m)
        for j, i in enumerate(target):
            load[i] += p.demand[j]
        if (load <= p.capacity).all():
            best = min(best, sum(p.fixed_cost[i] for i in set(target))
                       + sum(p.cost[i, j] for j, i in enumerate(target)))
    return best


def test_delmaire_layout_is_read_and_solved(tmp_path: Path) -> None:
    path = tmp_path / "p1"
    path.write_text(DELMAIRE)
    p = read_sscflp(path)
    assert (p.m, p.n) == (2, 3) and p.single_source
    assert p.cost.tolist() == [[10.0, 15.0, 8.0], [20.0, 5.0, 9.0]]
    assert p.demand.tolist() == [4.0, 5.0, 3.0]
    assert p.fixed_cost.tolist() == [30.0, 25.0] and p.capacity.tolist() == [8.0, 9.0]
    # no facility holds all 12; both open (55): customers 0, 2 at 0 (18), 1 at 1 (5)
    assert _single_source_optimum(p) == 78.0
    res = solve_mip(p, time_limit=5)
    assert res.cost == pytest.approx(78.0)
    assert validate_facility(p, res).feasible
    assert read_sscflp(path, layout="delmaire").cost.tolist() == p.cost.tolist()
    with pytest.raises(InputError, match="layout"):
        read_sscflp(path, layout="orlib")


def test_truncated_file_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "p2"
    path.write_text(PISA.rsplit("\n", 2)[0])
    with pytest.raises(InputError, match="file ends inside the cost matrix"):
        read_sscflp(path)


def test_two_stage_layout(tmp_path: Path) -> None:
    path = tmp_path / "ts.txt"
    path.write_text(TWO_STAGE)
    p = read_tscflp(path)
    assert p.demand.tolist() == [5.0, 5.0]
    assert p.plant_capacity.tolist() == [20.0] and p.plant_fixed.tolist() == [10.0]
    assert p.plant_cost.tolist() == [[2.0, 1.0]]
    assert p.satellite_capacity.tolist() == [8.0, 10.0]
    assert p.satellite_cost.tolist() == [[1.0, 3.0], [2.0, 2.0]]
    # plant 10; satellite 1 alone (4): 10 units at 1 + (2 + 2) * 5 = 30 -> 44;
    # satellite 0 (5) takes customer 0 at 2 + 1 and satellite 1 customer 1 at 1 + 2:
    # 10 + 5 + 4 + 15 + 15 = 49; satellite 0 alone cannot hold 10
    res = solve_two_stage_mip(p, time_limit=5)
    assert res.cost == pytest.approx(44.0)


def test_two_stage_size_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(TWO_STAGE + "7\n")
    with pytest.raises(InputError, match="exactly"):
        read_tscflp(path)


@pytest.mark.shared
def test_orlib_cap41_reaches_its_optimum(shared: Path) -> None:
    insts = {x.name: x for x in cflp_instances(shared / "benchmarks/cflp/orlib")}
    assert len(insts) == 49 and insts["capb_6000"].capacity == 6000.0
    x = insts["cap41"]
    p = read_orlib_cflp(x.path)
    assert (p.m, p.n) == (16, 50)
    res = solve_mip(p, time_limit=30)
    assert res.status == "optimal" and res.cost == pytest.approx(x.bks, rel=1e-7)
    capa = read_orlib_cflp(insts["capa_8000"].path, capacity=8000)
    assert (capa.m, capa.n) == (100, 1000) and np.all(capa.capacity == 8000)


@pytest.mark.shared
def test_single_source_sets_reach_their_optima(shared: Path) -> None:
    insts = {x.name: x for x in sscflp_instances(shared / "benchmarks/sscflp")}
    assert len([n for n in insts if n.startswith("Lib_2/")]) == 71
    assert len([n for n in insts if n.startswith("Lib_3_1/")]) == 24
    for name in ("Lib_2/p1", "Lib_3_1/p1"):
        p = read_sscflp(insts[name].path, name=name)
        res = solve_mip(p, time_limit=30)
        assert validate_facility(p, res).ok
        assert res.cost == pytest.approx(insts[name].bks, abs=0.01)
    big = read_sscflp(insts["Lib_3_2/p1"].path)
    assert (big.m, big.n) == (100, 1000)


@pytest.mark.shared
def test_two_stage_set(shared: Path) -> None:
    insts = tscflp_instances(shared / "benchmarks/tscflp/fernandes")
    assert len(insts) == 25
    first = insts[0]
    assert first.bks == 722178 and first.lower_bound == pytest.approx(721209.6)
    p = read_tscflp(first.path)
    assert p.plant_cost.shape == (50, 100) and p.satellite_cost.shape == (100, 200)


@pytest.mark.shared
def test_bench_cflp_end_to_end(shared: Path, tmp_path: Path) -> None:
    out, sols = tmp_path / "r.csv", tmp_path / "sol"
    code = main(["bench", "cflp", "--data", str(shared / "benchmarks/cflp/orlib"),
                 "--instances", "cap41", "--time-limit", "30", "--out", str(out),
                 "--solutions", str(sols)])
    assert code == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 1 and rows[0]["instance"] == "cap41"
    assert rows[0]["feasible"] == "True" and abs(float(rows[0]["gap_pct"])) < 1e-6
    assert (out.with_suffix(".md")).is_file()
    solution = (sols / "cap41.json").read_text()
    assert '"open_facilities"' in solution and '"quantity"' in solution
