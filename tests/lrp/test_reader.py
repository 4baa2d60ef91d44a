"""Prodhon reader: fields, cost convention, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from circularopt.exceptions import DataNotFoundError, InputError
from circularopt.lrp import (
    LRPInstance,
    arc_cost,
    read_prodhon,
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
