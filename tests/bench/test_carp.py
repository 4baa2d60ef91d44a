"""CARPLIB reader and the ``carp`` runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from circularopt.bench import BENCH_SETS, BenchOptions
from circularopt.bench.carp import parse_carp, run_carp
from circularopt.exceptions import InputError

TINY = """\
 NOMBRE : tiny
 COMENTARIO : 0 (cota superior)
 VERTICES : 3
 ARISTAS_REQ : 2
 ARISTAS_NOREQ : 1
 VEHICULOS : 1
 CAPACIDAD : 4
 TIPO_COSTES_ARISTAS : EXPLICITOS
 COSTE_TOTAL_REQ : 5
 LISTA_ARISTAS_REQ :
 ( 1, 2)  coste 2 demanda 3
 ( 2, 3)  coste 3 demanda 1
 LISTA_ARISTAS_NOREQ :
 ( 1, 3)  coste 4
 DEPOSITO :   1
""".splitlines()


def test_reader_on_a_tiny_file() -> None:
    problem = parse_carp(TINY)
    assert problem.name == "tiny" and problem.nodes == ("1", "2", "3")
    assert [(e.id, e.cost) for e in problem.edges] == [("1-2", 2), ("2-3", 3), ("1-3", 4)]
    assert [(r.edge, r.demand, r.serve_cost) for r in problem.required] == [(0, 3, 2),
                                                                             (1, 1, 3)]
    assert problem.capacity == 4 and problem.depot == 0
    assert problem.num_vehicles == 2  # unlimited: one per required edge


def test_reader_names_a_bad_line() -> None:
    bad = [line.replace("demanda 1", "demanda -1") for line in TINY]
    with pytest.raises(InputError, match=r"tiny line 12: required edge '2-3'.demand"):
        parse_carp(bad, name="tiny")
    with pytest.raises(InputError, match="keyword DEPOSITO"):
        parse_carp([line for line in TINY if "DEPOSITO" not in line])


def test_runner_on_the_tiny_file(tmp_path: Path) -> None:
    (tmp_path / "tiny.dat").write_text("\n".join(TINY), encoding="latin-1")
    (tmp_path / "BKS.csv").write_text("set,instance,file,bks,lb,proven_optimal,note\n"
                                      "x,tiny,tiny.dat,9,9,1,\n", encoding="utf-8")
    options = BenchOptions(data=tmp_path, time_limit=0.2, solutions=tmp_path / "sol")
    (row,) = run_carp(options)
    assert row.feasible and row.cost == 9 and row.bks == 9 and row.extra["lb"] == 9
    saved = json.loads((tmp_path / "sol" / "tiny.pyvrp.json").read_text(encoding="utf-8"))
    assert saved["cost"] == 9 and sum(len(r) for r in saved["routes"]) == 2
    assert "carp" in BENCH_SETS


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_runner_on_gdb1(shared: Path, engine: str) -> None:
    options = BenchOptions(data=shared / "benchmarks" / "carp", instances="gdb1",
                           time_limit=1.0, engine=engine)
    (row,) = run_carp(options)
    assert row.instance == "gdb1" and row.n == 22 and row.bks == 316
    assert row.feasible and row.cost is not None and row.cost >= 316


def test_val_instances_are_named_as_in_bks(shared: Path) -> None:
    options = BenchOptions(data=shared / "benchmarks" / "carp", instances="val1A",
                           time_limit=0.5)
    (row,) = run_carp(options)
    assert row.instance == "val1A" and row.bks == 173 and row.extra["lb"] == 173
    assert row.feasible
