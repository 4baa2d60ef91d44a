"""Prodhon reader: fields, cost convention, errors."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from circularopt.exceptions import DataNotFoundError, InputError
from circularopt.lrp import (
    LRPInstance,
    LRPRoute,
    LRPSolution,
    arc_cost,
    read_prodhon,
    validate_lrp,
)
from tests.lrp.conftest import TINY


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


# depot 0 serves customers 0, 1; depot 1 serves 2, 3 and, alone, 4
PLAN = LRPSolution((0, 1), (LRPRoute(0, (0, 1)), LRPRoute(1, (2, 3)), LRPRoute(1, (4,))))


def _plan_arcs(inst: LRPInstance, arc: Callable[[float], float]) -> float:
    """The arc costs of :data:`PLAN` from the coordinates, each Euclidean ``d`` as ``arc(d)``."""
    total = 0.0
    for r in PLAN.routes:
        pts = [inst.depot_xy[r.depot], *(inst.customer_xy[i] for i in r.customers),
               inst.depot_xy[r.depot]]
        total += sum(arc(math.dist(a, b)) for a, b in itertools.pairwise(pts))
    return total


def test_flag_1_means_real_unscaled_costs(tmp_path: Path) -> None:
    path = tmp_path / "real-5-2.dat"
    path.write_text(TINY.rstrip().removesuffix("0") + "1\n", encoding="utf-8")
    inst = read_prodhon(path)
    assert inst.rounding == "euclidean"
    assert inst.cost[0, 2] == pytest.approx(math.sqrt(2))  # not 141.42
    report = validate_lrp(inst, PLAN)
    assert report.ok, report.summary()
    arcs = _plan_arcs(inst, lambda d: d)
    assert arcs == pytest.approx(22.3767, abs=1e-4)
    assert report.cost == pytest.approx(700 + 600 + 3 * 100 + arcs)


def test_flag_0_keeps_truncated_hundredths(tiny: LRPInstance) -> None:
    report = validate_lrp(tiny, PLAN)
    arcs = _plan_arcs(tiny, lambda d: math.floor(100 * d))
    assert arcs == 141 + 141 + 200 + 141 + 223 + 223 + 583 + 583
    assert report.cost == 700 + 600 + 3 * 100 + arcs
