"""Cordeau's periodic VRP: the reader on a tiny inline file, the runner on p01."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from circularopt.bench import BenchOptions
from circularopt.bench.pvrp import decode_days, read_pvrp, run_pvrp
from circularopt.exceptions import InputError
from circularopt.routing.periodic import (
    PeriodicOptions,
    PeriodicResult,
    day_problem,
    solve_periodic,
    validate_periodic,
)
from circularopt.routing.result import RoutingResult, schedule_route

# type 1, 2 vehicles a day, 2 customers, 5 days; D = 0 (no limit), Q = 50 each day.
# Customer 1: twice, on days 2 and 4 (code 10 = 01010) or 1 and 3 (20 = 10100);
# customer 2: every day (31 = 11111).
TINY = """1 2 2 5
0 50
0 50
0 50
0 50
0 50
0 0 0 0 0 0 0
1 3 4 2 5 2 2 10 20
2 0 -4 1 7 5 1 31
"""


def test_decode_days() -> None:
    assert decode_days(10, 5) == (1, 3)
    assert decode_days(31, 5) == (0, 1, 2, 3, 4)
    assert decode_days(1, 3) == (2,)


def test_reader_on_a_tiny_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny"
    path.write_text(TINY)
    p = read_pvrp(path)
    assert p.days == 5 and p.base.num_stops == 2 and p.fleet(0) == (2,)
    assert p.patterns == (((1, 3), (0, 2)), ((0, 1, 2, 3, 4),))
    assert [s.demand for s in p.base.stops] == [(5.0,), (7.0,)]
    assert [s.service for s in p.base.stops] == [2.0, 1.0]
    assert p.base.vehicle_types[0].capacity == (50.0,)
    assert p.base.vehicle_types[0].max_duration is None
    assert p.base.distance[0, 1] == pytest.approx(5.0)


# 1 vehicle a day, 2 customers, 2 days: capacity 10 on day 1, 5 on day 2 (and a route
# duration of 100 on day 2). Each customer (demand 4) once, on day 1 (code 2 = 10) or
# day 2 (code 1 = 01): together they fit day 1's truck, not day 2's.
TWO_LIMITS = """1 1 2 2
0 10
100 5
0 0 0 0 0 0 0
1 3 4 0 4 1 2 2 1
2 0 -4 0 4 1 2 2 1
"""


def test_reader_takes_each_days_limits(tmp_path: Path) -> None:
    path = tmp_path / "two"
    path.write_text(TWO_LIMITS)
    p = read_pvrp(path)
    types = p.base.vehicle_types
    assert [(t.capacity, t.max_duration) for t in types] == [((10.0,), None),
                                                             ((5.0,), 100.0)]
    assert p.fleet(0) == (1, 0) and p.fleet(1) == (0, 1)


def test_validator_holds_each_day_to_its_capacity(tmp_path: Path) -> None:
    path = tmp_path / "two"
    path.write_text(TWO_LIMITS)
    p = read_pvrp(path)

    def plan(c: int, vtype: int) -> PeriodicResult:
        """Both customers on day ``c + 1`` in one route of ``vtype``, nothing else."""
        days = []
        for d in range(2):
            sub = day_problem(p, (c, c), d)
            routes = (schedule_route(sub, vtype, 0, [("stop", 0), ("stop", 1)]),) \
                if sub.stops else ()
            days.append(RoutingResult(sub.name, "hand", "feasible", 0.0, routes))
        return PeriodicResult("two", "hand", 0.0, (c, c), tuple(days))

    assert validate_periodic(p, plan(0, 0)).ok
    report = validate_periodic(p, plan(1, 1))  # 8 on day 2's truck of capacity 5
    assert not report.ok and any(v.startswith("day 2:") and "capacity" in v
                                 for v in report.violations)


def test_solver_keeps_each_days_limits(tmp_path: Path) -> None:
    path = tmp_path / "two"
    path.write_text(TWO_LIMITS)
    p = read_pvrp(path)
    result = solve_periodic(p, time_limit=1.0, options=PeriodicOptions(clock="cpu"))
    assert validate_periodic(p, result).ok
    assert sum(c == 1 for c in result.choice) <= 1  # day 2's truck takes one of them


def test_reader_names_a_bad_header(tmp_path: Path) -> None:
    path = tmp_path / "bad"
    path.write_text(TINY.replace("1 2 2 5", "2 2 2 5", 1))
    with pytest.raises(InputError, match="type"):
        read_pvrp(path)


def test_reader_names_an_empty_combination(tmp_path: Path) -> None:
    path = tmp_path / "bad"
    path.write_text(TINY.replace("2 2 10 20", "2 2 10 0"))
    with pytest.raises(InputError, match="customer 1 combinations"):
        read_pvrp(path)


def test_pvrp_runner_on_p01(shared: Path, tmp_path: Path) -> None:
    rows = list(run_pvrp(BenchOptions(data=shared / "benchmarks" / "pvrp", instances="p01",
                                      time_limit=3.0, seed=1, solutions=tmp_path)))
    assert len(rows) == 1 and rows[0].feasible and rows[0].bks is not None
    assert rows[0].cost is not None and rows[0].cost >= rows[0].bks - 0.01
    saved = json.loads((tmp_path / "p01.pyvrp.json").read_text())
    assert saved["cost"] == pytest.approx(rows[0].cost)
    assert len(saved["routes"]) == 2
