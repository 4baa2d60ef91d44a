"""Cardinality rows from the Lagrangian bound (``reduced.cardinality_range``) and in the
MIP (``solve_mip(cardinality=...)``)."""

from __future__ import annotations

import numpy as np
import pytest

from circularopt.exceptions import InputError
from circularopt.siting import reduced
from circularopt.siting.cflp import (
    FacilityProblem,
    FacilityResult,
    _CflpModel,
    _modelled,
    solve_mip,
)
from circularopt.siting.hooks import SolveHooks
from circularopt.siting.lagrangian import lagrangian_bound
from circularopt.siting.reduced import cardinality_range
from tests.siting.conftest import best_by_count


@pytest.fixture
def four(tight: FacilityProblem) -> FacilityProblem:
    """``tight`` (demand 24 in three facilities of 10: all three open, optimum 38) plus a
    fourth facility of 10 with fixed cost 10 and cost 1,000 on every pair."""
    return FacilityProblem(fixed_cost=[*tight.fixed_cost, 10.0],
                           capacity=[*tight.capacity, 10.0], demand=tight.demand,
                           cost=np.vstack([tight.cost, np.full(tight.n, 1000.0)]),
                           single_source=True, name="four")


def test_the_range_keeps_every_count_with_a_solution_below_the_upper_bound(
        four: FacilityProblem) -> None:
    by_k = best_by_count(four)
    assert sorted(by_k) == [3, 4] and by_k[3] == 38.0
    for upper in (38.0, by_k[4]):
        lb = lagrangian_bound(four, upper=upper, iterations=500)
        lo, hi = cardinality_range(four, lb, upper) or (0, 0)
        assert all(lo <= k <= hi for k, cost in by_k.items() if cost <= upper)


def test_at_the_optimum_the_range_drops_the_dear_fourth(four: FacilityProblem) -> None:
    """Three must open (demand 24); at 38 a fourth costs at least its fixed cost 10
    more: exactly three."""
    lb = lagrangian_bound(four, upper=38.0, iterations=500)
    assert cardinality_range(four, lb, 38.0) == (3, 3)


def test_nothing_below_the_bound(four: FacilityProblem) -> None:
    lb = lagrangian_bound(four, upper=38.0, iterations=500)
    assert cardinality_range(four, lb, lb.bound - 1.0) is None


@pytest.mark.parametrize("backend", ["highs", "scip"])
def test_mip_cardinality_rows(four: FacilityProblem, backend: str) -> None:
    res = solve_mip(four, backend=backend, time_limit=10, cardinality=(4, 4))
    # the fourth opens empty: 38 plus its fixed cost
    assert res.status == "optimal" and res.cost == pytest.approx(48.0)
    assert res.open_facilities == (0, 1, 2, 3)
    res = solve_mip(four, backend=backend, time_limit=10, cardinality=(1, 3))
    assert res.status == "optimal" and res.cost == pytest.approx(38.0)
    res = solve_mip(four, backend=backend, time_limit=10, cardinality=(1, 2))
    assert res.status == "infeasible"  # demand 24 needs three facilities of 10
    with pytest.raises(InputError, match="cardinality"):
        solve_mip(four, backend=backend, cardinality=(3, 2))


def test_count_covers_rows(tight: FacilityProblem) -> None:
    """Demands 5, 5, 4, 4, 3, 3 in 10: at most three customers (3 + 3 + 4) per facility;
    with facility 2 allowed only customers 0 and 1 (5 + 5 fits) it gets no row."""
    arcs = np.ones((3, 6), dtype=bool)
    arcs[2, 2:] = False
    fac, allowed = _modelled(tight, None, arcs)
    mip = _CflpModel.build(tight, fac, allowed, None)
    mip.add_count_covers()
    names = sorted(c.name for c in mip.model.linear_constraints() if c.name)
    assert names == ["cover0_3", "cover1_3"]


@pytest.mark.parametrize("backend", ["highs", "scip"])
def test_count_covers_keep_the_optimum(four: FacilityProblem, backend: str) -> None:
    res = solve_mip(four, backend=backend, time_limit=10, covers=True)
    assert res.status == "optimal" and res.cost == pytest.approx(38.0)
    assert res.bound == pytest.approx(38.0)


def test_scip_without_heuristics_proves_a_cutoff(four: FacilityProblem) -> None:
    below = solve_mip(four, backend="scip", time_limit=10, cutoff=37.0, heuristics=False,
                      covers=True)
    assert below.status == "infeasible"
    at = solve_mip(four, backend="scip", time_limit=10, cutoff=38.0, heuristics=False)
    assert at.status == "optimal" and at.cost == pytest.approx(38.0)


@pytest.mark.parametrize("heuristics", [False, True])
def test_reduced_scip_prover_with_and_without_heuristics(
        four: FacilityProblem, heuristics: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def spy(*args: object, **kwargs: object) -> FacilityResult:
        seen.append(bool(kwargs["heuristics"]))
        return solve_mip(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reduced, "solve_mip", spy)
    where = [3, 3, 0, 0, 1, 1]  # a poor start: customers 0 and 1 on the dear facility
    assign = np.zeros((4, 6))
    assign[where, range(6)] = 1.0
    poor = FacilityResult((0, 1, 3), assign, four.solution_cost((0, 1, 3), assign),
                          "feasible", None, 0.0, "test")
    res = reduced.solve_reduced(four, time_limit=20.0, prover="scip",
                                heuristics=heuristics,
                                hooks=SolveHooks(incumbent=lambda: poor))
    assert res.status == "optimal" and res.cost == pytest.approx(38.0)
    assert seen and set(seen) == {heuristics}
