"""Integer conversion shared by the engines.

Both engines optimise integers. Times and distances are already multiples of
``1 / problem.scale`` and loads of ``1 / problem.load_scale`` (see
:mod:`circularopt.routing.problem`), so multiplying by the scale is exact. Costs are
multiplied by a factor :func:`cost_factor` that makes every per-unit cost integral (up to
``10**6``; beyond that the per-unit costs are rounded, which the engines' objective then
only approximates; results are always costed exactly from the problem).
"""

from __future__ import annotations

import math
import time

import numpy as np

from circularopt.exceptions import InputError
from circularopt.routing.problem import INF_TIME, RoutingProblem

__all__ = ["BIG", "Budget", "cost_factor", "int_loads", "int_matrix", "int_time", "refuse"]

BIG = 10**12
"""Integer standing for an open time-window end or a forbidden arc."""


def int_time(problem: RoutingProblem, x: float) -> int:
    """``x`` on the engines' integer grid (``BIG`` for open ends)."""
    return BIG if x >= INF_TIME else round(x * problem.scale)


def int_loads(problem: RoutingProblem, values: tuple[float, ...]) -> list[int]:
    """Loads on the integer grid."""
    return [round(v * problem.load_scale) for v in values]


def int_matrix(problem: RoutingProblem, which: str) -> np.ndarray:
    """``distance`` or ``duration`` as int64 on the grid, forbidden arcs as ``BIG``."""
    m = problem.distance if which == "distance" else problem.duration
    out = np.rint(m * problem.scale)
    out[m >= INF_TIME] = BIG
    return out.astype(np.int64)


def cost_factor(problem: RoutingProblem) -> int:
    """Smallest power of ten (<= 10**6) making every integer-grid unit cost integral."""
    coefs = []
    for v in problem.vehicle_types:
        coefs += [v.fixed_cost, v.cost_per_distance / problem.scale,
                  v.cost_per_duration / problem.scale]
    for k in range(7):
        f = 10**k
        if all(math.isclose(c * f, round(c * f), rel_tol=1e-9, abs_tol=1e-9) for c in coefs):
            return f
    return 10**6


def refuse(engine: str, feature: str, where: str, alternative: str) -> InputError:
    """The error an engine raises for a feature it cannot honour."""
    return InputError(where, feature,
                      f"a problem without {feature}: engine {engine!r} cannot honour it "
                      f"and never relaxes a plan silently; {alternative}")


class Budget:
    """A time budget measured on the wall clock or on this process's CPU time.

    Parameters
    ----------
    seconds
        The budget.
    clock
        ``"wall"`` (default for solving) or ``"cpu"``: CPU seconds of this process, which
        gives a single-threaded search the same amount of computing on a shared, busy
        machine as it would get alone (used by the benchmarks: "n/10 s on one core").
    """

    def __init__(self, seconds: float, clock: str = "wall") -> None:
        if clock not in ("wall", "cpu"):
            raise InputError("clock", clock, "'wall' or 'cpu'")
        if not seconds > 0:
            raise InputError("time_limit", seconds, "a number of seconds > 0")
        self.seconds, self.clock = float(seconds), clock
        self._now = time.perf_counter if clock == "wall" else time.process_time
        self._t0 = self._now()

    def elapsed(self) -> float:
        """Seconds used so far on the budget's clock."""
        return self._now() - self._t0

    def left(self) -> float:
        """Seconds left (may be negative)."""
        return self.seconds - self.elapsed()

    def __call__(self, best_cost: float = 0.0) -> bool:
        """True once the budget is spent (a PyVRP stopping criterion / OR-Tools limit)."""
        return self.elapsed() >= self.seconds
