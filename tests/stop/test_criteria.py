"""Stopping criteria and the one time budget."""

from __future__ import annotations

import time

import pytest

from circularopt.exceptions import InputError
from circularopt.stop import Budget, FirstOf, MaxIterations, MaxRuntime, NoImprovement


def test_max_iterations_counts_calls_like_pyvrp() -> None:
    stop = MaxIterations(3)
    assert [stop(0.0) for _ in range(4)] == [False, False, False, True]


def test_no_improvement_resets_on_a_better_cost() -> None:
    stop = NoImprovement(2)
    assert [stop(c) for c in (5.0, 5.0, 4.0, 4.0, 4.0)] == [False, False, False, False, True]


def test_max_runtime_is_the_budget() -> None:
    assert Budget is MaxRuntime
    budget = Budget(0.05)
    assert not budget(0.0)
    assert 0.0 < budget.left() <= 0.05
    time.sleep(0.06)
    assert budget() and budget.left() < 0 and budget.elapsed() >= 0.05


def test_cpu_clock_counts_this_process_only() -> None:
    budget = Budget(10.0, "cpu")
    time.sleep(0.05)
    assert budget.elapsed() < 0.04
    assert budget.clock == "cpu"


def test_first_of_short_circuits() -> None:
    iterations = MaxIterations(1)
    stop = FirstOf(MaxRuntime(0.001), iterations)
    time.sleep(0.01)
    assert stop(0.0)
    assert iterations.iterations == 0  # not called once the runtime fired
    assert not FirstOf(MaxRuntime(100.0), FirstOf(NoImprovement(5)))(1.0)


@pytest.mark.parametrize(("make", "field"), [
    (lambda: MaxRuntime(0), "time_limit"),
    (lambda: MaxRuntime(1, clock="sundial"), "clock"),
    (lambda: MaxIterations(0), "max_iterations"),
    (lambda: NoImprovement(-1), "no_improvement"),
    (lambda: FirstOf(), "stop"),
    (lambda: FirstOf(3), "stop[0]"),
])
def test_bad_arguments_are_named(make, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=rf"^{field.replace('[', '.').replace(']', '.')}"):
        make()
