"""``site(time_limit=T)``: one budget for building and solving the model."""

from __future__ import annotations

import time
from typing import Any

import pytest

from circularopt.siting import model
from circularopt.siting.model import site
from circularopt.stop import Budget
from tests.siting.conftest import line, line_matrices

BUILD_S = 1.5
"""Seconds the wrapped model build takes (a build made slow on purpose)."""


def test_the_model_build_counts_inside_the_time_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    budgets: list[Budget] = []
    build_used: list[float] = []
    solver_seconds: list[float] = []

    class Recorded(Budget):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            budgets.append(self)

    real_build, real_call = model._build, model._Solver.__call__

    def slow_build(*args: Any) -> Any:
        built = real_build(*args)
        time.sleep(BUILD_S)
        build_used.append(budgets[-1].elapsed())
        return built

    def recorded_call(self: Any, seconds: float, *args: Any, **kwargs: Any) -> Any:
        solver_seconds.append(seconds)
        return real_call(self, seconds, *args, **kwargs)

    monkeypatch.setattr(model, "Budget", Recorded)
    monkeypatch.setattr(model, "_build", slow_build)
    monkeypatch.setattr(model._Solver, "__call__", recorded_call)
    sc = line()
    res = site(sc, line_matrices(sc), time_limit=3.0)
    assert res.status == "optimal"
    [budget] = budgets
    assert budget.seconds == 3.0
    assert build_used[0] >= BUILD_S
    # every solve was given at most what the build left of the one budget
    assert solver_seconds
    assert max(solver_seconds) <= budget.seconds - build_used[0] + 1e-6
