"""The stopping criteria (see :mod:`circularopt.stop`)."""

from __future__ import annotations

import time
from typing import Any, Protocol, runtime_checkable

from circularopt import _validate
from circularopt.exceptions import InputError

__all__ = ["Budget", "FirstOf", "MaxIterations", "MaxRuntime", "NoImprovement",
           "StoppingCriterion"]

CLOCKS = ("wall", "cpu")


@runtime_checkable
class StoppingCriterion(Protocol):
    """Anything called with the best cost found so far that returns True to stop."""

    def __call__(self, best_cost: Any) -> bool: ...


class MaxRuntime:
    """Stop once ``seconds`` have passed since creation, on the wall or the CPU clock.

    Parameters
    ----------
    seconds
        The budget, > 0.
    clock
        ``"wall"`` (default) or ``"cpu"``: CPU seconds of this process, which gives a
        single-threaded search the same amount of computing on a shared, busy machine as
        it would get alone (used by the benchmarks: "n/10 s on one core").
    """

    def __init__(self, seconds: float, clock: str = "wall") -> None:
        _validate.choice("clock", clock, CLOCKS)
        self.seconds = _validate.number("time_limit", seconds, lo=0, lo_open=True)
        self.clock = clock
        self._now = time.perf_counter if clock == "wall" else time.process_time
        self._t0 = self._now()

    def elapsed(self) -> float:
        """Seconds used so far on the budget's clock."""
        return self._now() - self._t0

    def left(self) -> float:
        """Seconds left (may be negative once spent)."""
        return self.seconds - self.elapsed()

    def __call__(self, best_cost: float = 0.0) -> bool:
        """True once the budget is spent."""
        return self.elapsed() >= self.seconds

    def __repr__(self) -> str:
        return f"MaxRuntime({self.seconds:g}, clock={self.clock!r})"


Budget = MaxRuntime
"""The package's one time budget (the same class as :class:`MaxRuntime`)."""


class MaxIterations:
    """Stop after ``n`` iterations (calls), as PyVRP's ``MaxIterations`` counts them."""

    def __init__(self, n: int) -> None:
        self.n = _validate.integer("max_iterations", n, lo=1)
        self.iterations = 0

    def __call__(self, best_cost: float = 0.0) -> bool:
        self.iterations += 1
        return self.iterations > self.n

    def __repr__(self) -> str:
        return f"MaxIterations({self.n})"


class NoImprovement:
    """Stop once the best cost has not improved for ``n`` consecutive calls."""

    def __init__(self, n: int) -> None:
        self.n = _validate.integer("no_improvement", n, lo=1)
        self._best: float | None = None
        self._since = 0

    def __call__(self, best_cost: float) -> bool:
        if self._best is None or best_cost < self._best:
            self._best, self._since = best_cost, 0
        else:
            self._since += 1
        return self._since >= self.n

    def __repr__(self) -> str:
        return f"NoImprovement({self.n})"


class FirstOf:
    """Stop as soon as any of the criteria says so (checked in order, short-circuit)."""

    def __init__(self, *criteria: StoppingCriterion) -> None:
        if not criteria:
            raise InputError("stop", [], "at least one stopping criterion")
        for k, c in enumerate(criteria):
            if not callable(c):
                raise InputError(f"stop[{k}]", c, "a stopping criterion")
        self.criteria = criteria

    def __call__(self, best_cost: float = 0.0) -> bool:
        return any(c(best_cost) for c in self.criteria)

    def __repr__(self) -> str:
        return f"FirstOf({', '.join(map(repr, self.criteria))})"

