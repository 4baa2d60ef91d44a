"""One hooks object for the siting solvers (``siting/hooks.py``)."""

from __future__ import annotations

import dataclasses

import pytest

from circularopt.siting.cflp import FacilityProblem
from circularopt.siting.cpsat import solve_cpsat
from circularopt.siting.hooks import SolveHooks
from tests.siting.conftest import brute_force


def test_default_hooks_do_nothing() -> None:
    hooks = SolveHooks()
    assert hooks.incumbent() is None and hooks.should_stop() is False
    assert hooks.on_bound(1.0) is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        hooks.should_stop = lambda: True  # type: ignore[misc]


def test_cpsat_reports_through_its_hooks(tight: FacilityProblem) -> None:
    costs: list[float] = []
    bounds: list[float] = []
    res = solve_cpsat(tight, time_limit=20.0, workers=1,
                      hooks=SolveHooks(on_solution=lambda r: costs.append(r.cost),
                                       on_bound=bounds.append))
    assert res.status == "optimal" and res.cost == pytest.approx(brute_force(tight))
    assert costs and min(costs) == pytest.approx(res.cost)
    assert all(b <= res.cost + 1e-9 for b in bounds)
