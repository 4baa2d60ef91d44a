"""LRP solver: the enumerated optimum of a tiny instance, impossible capacity."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from circularopt.exceptions import InfeasibleError, InputError
from circularopt.lrp import (
    LRPInstance,
    read_prodhon,
    solve_lrp,
    validate_lrp,
)


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




def test_solver_finds_the_enumerated_optimum(tiny: LRPInstance) -> None:
    optimum = _brute_force(tiny)
    result = solve_lrp(tiny, time_limit=1.5, seed=1)
    report = validate_lrp(tiny, result.solution)
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


def test_solver_on_real_costs_finds_the_unscaled_optimum(tiny_file: Path) -> None:
    real = tiny_file.with_name("real-5-2.dat")
    real.write_text(tiny_file.read_text(encoding="utf-8").rstrip().removesuffix("0") + "1\n",
                    encoding="utf-8")
    inst = read_prodhon(real)
    optimum = _brute_force(inst)
    assert optimum < 2000  # opening + route costs + a few units of distance, not hundreds
    result = solve_lrp(inst, time_limit=1.5, seed=1)
    assert result.cost == pytest.approx(optimum)
    assert validate_lrp(inst, result.solution).cost == pytest.approx(optimum)
